"""The weekly pipeline review: what will close when, what is stuck, where the funnel leaks.

Built on :mod:`xlsales.deals`: :func:`~xlsales.deals.read_deals` checks the stage
history, :func:`~xlsales.deals.conversion` gives the step conversion,
:func:`~xlsales.deals.stall_limits` the idle days each stage allows. This module adds
what a review meeting asks for (see DOMAIN.md, "Funnel and CRM history"):

* the **probability** of winning from a deal's current stage: the measured rate from
  that stage to won (the product of the step rates from there down);
* the **weighted forecast**: amount x probability, placed in the month the deal is
  expected to close: the day it entered its current stage plus the median time won
  deals took from that stage to the win (never before the as-of date);
* cycle times (median, 80th and 90th percentile with counts), stalled deals, skipped
  stages, reopened deals, lost deals by last stage and by reason;
* a what-if: a stage's rate or the average deal size overridden.

The template ``workbook_templates/pipeline_review.py`` states the same rules as Excel
formulas; the tests hold the two together through LibreOffice.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from xlsales import _validate as v
from xlsales import deals as crm
from xlsales import funnel
from xlsales.errors import DataError, InputError

OPTIONAL_TEXT = crm.ROW_TEXT  # carried per deal when the export has them
FORECAST_MONTHS = 6
PERCENTILES = (0.5, 0.8, 0.9)
LEFT_OUT_REASONS = {
    "exported twice": "the same deal, stage and date repeated: counted once",
    "stage entered again": "a stage entered again (a reopened deal): its first entry is kept",
    "closed stage row": "a row of a closed stage (Won/Lost) of a deal placed by its other rows",
}


@dataclass
class Review:
    """A checked stage history reduced to what the weekly review shows.

    ``deals``: one row per deal (see :func:`review` for the columns); ``stages``: one row
    per stage (conversion, rate to won, days to won, stall limit); ``left_out``: rows of
    the export not used, by reason (see ``LEFT_OUT_REASONS``).
    """

    found: crm.Deals
    as_of: dt.date
    deals: pd.DataFrame
    stages: pd.DataFrame
    extras: list[str]
    left_out: dict[str, int]
    stall_days: float | Mapping[str, float] | None = None
    mapping: dict[str, str] = field(default_factory=dict)

    @property
    def rows_read(self) -> int:
        return self.found.rows_read

    @property
    def rows_used(self) -> int:
        return self.rows_read - sum(self.left_out.values())

    @property
    def names(self) -> list[str]:
        return self.found.stages


def review(
    data: str | Path | pd.DataFrame,
    stages: Sequence[str] | str,
    columns: Mapping[str, str] | None = None,
    as_of: dt.date | None = None,
    stall_days: float | Mapping[str, float] | None = None,
    source: str | None = None,
    *,
    decimal: str | None = None,
    dates: str | None = None,
) -> Review:
    """Read a CRM stage history and compute every figure of the pipeline review.

    Parameters
    ----------
    data : path or DataFrame
        A stage history (``deal_id, stage, entered_at`` and optionally ``status,
        amount, owner, closed_at, source, segment, lost_reason``), as
        :func:`xlsales.deals.read_deals` reads it.
    stages : list of str or "A,B,C"
        The stage order, top first; the last stage is the win.
    columns : mapping, optional
        The user's column names to ours.
    as_of : date, optional
        The day the review speaks from (default: the latest date in the export).
    stall_days : None, number or mapping stage -> days
        Stall limits as :func:`xlsales.deals.stall_limits` takes them (default: the
        90th percentile of each stage's measured days).

    Returns
    -------
    Review
        ``deals`` columns: deal_id, owner, [source, segment, lost_reason], status,
        stage, stage_index, amount, created, entered_stage, last_change, closed,
        stages_entered, skipped, reopened, idle_days, rate_to_won, weighted,
        days_to_won, expected_close, close_month, limit_days, stalled, cycle_days,
        days_in_<i> and to_won_<i> for each stage i but the last.
        ``stages`` columns: stage, reached, went_on, open_here, rate, rate_to_won,
        days_to_won, to_won_deals, measured, p90_days, limit_days, set_by.

    Raises
    ------
    DataError
        With the file, row and column: what :func:`~xlsales.deals.read_deals` refuses
        (unknown stage, bad date, negative amount, ...), a date after the as-of date,
        a stage order the history contradicts, a snapshot instead of a history.

    Notes
    -----
    ::

        probability[i]   = rate[i] * rate[i+1] * ... * rate[n-2]   (rate to won; 1 at the win)
        days_to_won[i]   = MEDIAN(won date - day entered stage i), won deals that entered i
        expected_close   = MAX(day entered current stage + days_to_won[stage], as_of)
        weighted         = amount * probability[stage]              (open deals)
        idle_days        = as_of - last stage change;  stalled = idle_days > limit_days
        skipped          = stage number - stages entered            (stage number from 1)
        cycle_days       = won date - created                       (won deals)

    ``rate`` is :func:`xlsales.deals.conversion`'s step conversion. The won date is
    ``closed_at`` where given, else the deal's last stage change; a won deal with no
    history row for the last stage entered it on its won date. A deal is
    **reopened** when it entered a stage a second time on a later day. Rows left out:
    a row repeating a deal's stage (exported twice, or a stage entered again); each
    is counted by reason. A deal whose dates run against the stage order (a typing
    slip) is kept and counted by stage order; when, for a pair of stages, more deals
    run against the order than with it, the order itself is refused.

    Examples
    --------
    Two deals won from Proposal after 10 and 20 days, one lost there, one open there
    since 1 March: rate Proposal -> Won = 2 / 4 (the open deal counts as not yet
    converted), median 15 days, so the open deal's 1,000 weighs 500 in March.

    >>> h = pd.DataFrame({
    ...     "deal_id": ["a", "a", "b", "b", "c", "d"],
    ...     "stage": ["Proposal", "Won", "Proposal", "Won", "Proposal", "Proposal"],
    ...     "entered_at": ["2026-01-01", "2026-01-11", "2026-01-01", "2026-01-21",
    ...                    "2026-01-05", "2026-03-01"],
    ...     "status": ["won", "won", "won", "won", "lost", "open"],
    ...     "amount": [800, 800, 600, 600, 400, 1000]})
    >>> r = review(h, "Proposal,Won")
    >>> open_deal = r.deals.set_index("deal_id").loc["d"]
    >>> float(open_deal["rate_to_won"]), float(open_deal["weighted"]), str(open_deal["close_month"].date())
    (0.5, 500.0, '2026-03-01')
    """
    found = crm.read_deals(data, stages, columns, source, decimal=decimal, dates=dates)
    source = found.source
    if found.history is None or found.rows is None:
        raise DataError(
            f"{source}: the pipeline review needs a stage history (one row per deal and "
            "stage, with an entered_at column); this export is a snapshot"
        )
    names = found.stages
    rows = found.rows
    for column in ("owner", *OPTIONAL_TEXT):  # the labels the workbook counts by
        if column in rows.columns:
            v.group_labels(source, column, rows[column], rows["row"])
    for name in names:
        if v.criterion_length(name) > v.CRITERIA_LIMIT:
            raise InputError(
                f"stages: {name[:30]!r}... has {len(name)} characters, too long to look up: "
                f"Excel's MATCH takes at most {v.CRITERIA_LIMIT - 1} (each ~ * ? counting twice)"
            )
    latest = max(rows["entered_at"].max(), rows["closed"].max())
    day = pd.Timestamp(as_of) if as_of is not None else latest
    for column, name in (("entered_at", "entered_at"), ("closed", "closed_at")):
        late = np.flatnonzero((rows[column] > day).to_numpy())
        if len(late):
            first = rows.iloc[late[0]]
            raise DataError(
                f"{source} row {first['row']}, column {name}: {first[column].date()} is after "
                f"the as-of date {day.date()}: nothing dated after it can count (give a later "
                "--as-of, or leave it out for the latest date in the export)"
            )
    staged = rows[rows["stage_index"] >= 0].sort_values(
        ["deal", "stage_index", "entered_at"], kind="stable"
    )
    first_entry = staged.groupby(["deal", "stage_index"], sort=False)["entered_at"].transform(
        "first"
    )
    repeated = staged.duplicated(["deal", "stage_index"], keep="first")
    again = repeated & (staged["entered_at"] != first_entry)
    left_out = {
        "exported twice": int((repeated & ~again).sum()),
        "stage entered again": int(again.sum()),
    }
    closed_rows = int((rows["stage_index"] < 0).sum())
    if closed_rows:
        left_out["closed stage row"] = closed_rows
    _check_order(staged[~repeated], names, source)
    reopened = set(staged.loc[again, "deal_id"])

    table = found.deals.copy()
    extras = [c for c in OPTIONAL_TEXT if c in rows.columns]
    for column in extras:  # the last non-blank value of each deal's rows
        given = rows.loc[rows[column] != "", ["deal_id", column]]
        last = given.groupby("deal_id")[column].last()
        table[column] = last.reindex(table["deal_id"]).fillna("").to_numpy()
    history = found.history
    won = table["status"] == "won"
    table["won_date"] = table["closed"].fillna(table["last_change"]).where(won)
    table["closed"] = table["closed"].fillna(table["last_change"]).where(table["status"] != "open")
    at_stage = history.set_index(["deal_id", "stage_index"])["entered_at"]
    key = pd.MultiIndex.from_arrays([table["deal_id"], table["furthest"]])
    table["entered_stage"] = at_stage.reindex(key).to_numpy()
    # a won deal with no row for the win entered the last stage on its won date
    table["entered_stage"] = table["entered_stage"].fillna(table["won_date"])
    table["stages_entered"] = history.groupby("deal_id").size().reindex(table["deal_id"]).to_numpy()
    table["reopened"] = table["deal_id"].isin(reopened)

    # days in each stage (to the next stage reached) and from each stage to the win
    steps = crm.step_days(found)
    days_in = steps.pivot(index="deal_id", columns="stage_index", values="days")
    to_won = history.merge(table.loc[won, ["deal_id", "won_date"]], on="deal_id")
    to_won = to_won[to_won["stage_index"] < len(names) - 1]
    to_won = to_won.assign(days=(to_won["won_date"] - to_won["entered_at"]).dt.days)
    to_won = to_won[to_won["days"] >= 0]
    to_won_wide = to_won.pivot(index="deal_id", columns="stage_index", values="days")
    for i in range(len(names) - 1):
        for name, wide in (("days_in", days_in), ("to_won", to_won_wide)):
            values = wide[i] if i in wide.columns else pd.Series(dtype=float)
            table[f"{name}_{i}"] = values.reindex(table["deal_id"]).to_numpy()

    conv = crm.conversion(found, as_of=day)
    rates = conv["rate"].tolist()
    rate_to_won = rates_to_won(rates[:-1])
    medians = [_stat(table[f"to_won_{i}"], 0.5) for i in range(len(names) - 1)] + [0.0]
    limits = crm.stall_limits(found, stall_days, day)
    stage_table = conv.assign(
        rate_to_won=pd.Series(rate_to_won, dtype=object),
        days_to_won=pd.Series(medians, dtype=object),
        to_won_deals=[int(table[f"to_won_{i}"].notna().sum()) for i in range(len(names) - 1)] + [0],
    )
    stage_table = stage_table.merge(
        limits[["stage", "measured", "p90_days", "limit_days", "set_by"]], on="stage", how="left"
    )
    for column in ("p90_days", "limit_days", "set_by"):  # the win has none: None, never NaN
        stage_table[column] = (
            stage_table[column].astype(object).where(stage_table[column].notna(), None)
        )
    stage_table["measured"] = pd.Series(  # counts, as from_deals gives them
        [None if pd.isna(m) else int(m) for m in stage_table["measured"]], dtype=object
    )

    table["stage"] = [names[i] for i in table["furthest"]]
    table["stage_index"] = table["furthest"]
    table = deal_figures(table, stage_table, day)
    ordered = ["deal_id", "owner", *extras, "status", "stage", "stage_index", "amount"]
    ordered += ["created", "entered_stage", "last_change", "closed", "stages_entered"]
    ordered += ["skipped", "reopened", "idle_days", "rate_to_won", "weighted", "days_to_won"]
    ordered += ["expected_close", "close_month", "limit_days", "stalled", "cycle_days"]
    ordered += [f"{n}_{i}" for i in range(len(names) - 1) for n in ("days_in", "to_won")]
    return Review(
        found,
        day.date(),
        table[ordered].reset_index(drop=True),
        stage_table,
        extras,
        left_out,
        stall_days,
        dict(columns or {}),
    )


def deal_figures(table: pd.DataFrame, stages: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Each deal's derived figures from its facts and the per-stage figures.

    Parameters
    ----------
    table : DataFrame
        One row per deal: status (open, won, lost), stage_index (0 for the first stage;
        -1 for a stage not in the stage list), stages_entered, amount, created,
        entered_stage, last_change, closed (datetime64; NaT where blank).
    stages : DataFrame
        One row per stage, top first: rate_to_won, days_to_won and limit_days (None
        where undefined), as :func:`review` and :func:`from_deals` give them.
    as_of : date
        The day the review speaks from.

    Returns
    -------
    DataFrame
        ``table`` with skipped, idle_days, rate_to_won, weighted, days_to_won,
        expected_close, close_month, limit_days, stalled and cycle_days added (NaN or
        NaT where the Deals sheet shows a blank; a deal whose stage is not in the list
        gets blanks, and is never stalled).

    Notes
    -----
    ::

        skipped        = stage number - stages entered           (stage number from 1)
        idle_days      = as_of - last_change                     (open deals)
        rate_to_won    = stages.rate_to_won[stage]               (open deals: the probability)
        weighted       = amount * rate_to_won
        days_to_won    = stages.days_to_won[stage]               (open deals)
        expected_close = MAX(entered_stage + days_to_won, as_of)
        close_month    = first day of expected_close's month
        limit_days     = stages.limit_days[stage]                (open deals)
        stalled        = idle_days > limit_days                  (False without a limit)
        cycle_days     = closed - created                        (won deals)

    No rounding: a median of days may end in .5, and so may the expected close (noon).
    The Deals sheet's formulas state the same rules, one per column.

    Examples
    --------
    One open deal at Proposal (50 % to won, 15 days to won, idle limit 20 days) that
    entered it on 1 March and last changed then; as of 31 March it is 30 days idle,
    stalled, and expected to close on the as-of date (16 March is before it).

    >>> stages = pd.DataFrame({"rate_to_won": [0.5, 1.0], "days_to_won": [15.0, 0.0],
    ...                        "limit_days": [20.0, None]})
    >>> deal = pd.DataFrame({"status": ["open"], "stage_index": [0], "stages_entered": [1],
    ...     "amount": [1000.0], "created": pd.to_datetime(["2026-03-01"]),
    ...     "entered_stage": pd.to_datetime(["2026-03-01"]),
    ...     "last_change": pd.to_datetime(["2026-03-01"]), "closed": pd.to_datetime([None])})
    >>> f = deal_figures(deal, stages, dt.date(2026, 3, 31)).iloc[0]
    >>> float(f["weighted"]), float(f["idle_days"]), bool(f["stalled"]), str(f["expected_close"].date())
    (500.0, 30.0, True, '2026-03-31')
    """
    day = pd.Timestamp(as_of)
    table = table.copy()
    index = table["stage_index"].to_numpy(dtype=np.int64)
    known = index >= 0
    is_open = (table["status"] == "open").to_numpy() & known
    at = np.where(known, index, 0)

    def per_stage(column: str) -> np.ndarray:
        values = [np.nan if x is None else x for x in stages[column]]
        return np.where(is_open, np.array(values, dtype=float)[at], np.nan)

    table["skipped"] = (index + 1 - table["stages_entered"]).where(known)
    table["idle_days"] = (day - table["last_change"]).dt.days.where(is_open)
    table["rate_to_won"] = per_stage("rate_to_won")
    table["weighted"] = table["amount"] * table["rate_to_won"]
    table["days_to_won"] = per_stage("days_to_won")
    table["expected_close"] = expected_close(table["entered_stage"], table["days_to_won"], day)
    table["close_month"] = table["expected_close"].dt.to_period("M").dt.to_timestamp()
    table["limit_days"] = per_stage("limit_days")
    table["stalled"] = is_open & (table["idle_days"] > table["limit_days"]).to_numpy()
    won = table["status"] == "won"
    table["cycle_days"] = (table["closed"] - table["created"]).dt.days.where(won)
    return table


def from_deals(
    deals: pd.DataFrame,
    stages: Sequence[str] | str,
    as_of: dt.date,
    stall_days: Mapping[str, float] | None = None,
    percentile: float = crm.STALL_PERCENTILE,
    extras: Sequence[str] = (),
) -> Review:
    """The review's figures from its Deals table, one row per deal (what the pipeline
    review workbook holds, after a user edited it), instead of from the stage history.

    Parameters
    ----------
    deals : DataFrame
        deal_id, owner, status, stage_index (-1 where the stage is not in the list),
        amount, created, entered_stage, last_change, closed, stages_entered,
        reopened, and days_in_<i>, to_won_<i> for each stage i but the last (blank:
        NaN); the text columns named in ``extras``.
    stages : list of str or "A,B,C"
        The stage order, top first; the last stage is the win.
    as_of : date
        The day the review speaks from.
    stall_days : mapping stage -> days, optional
        The limits typed on the workbook's Inputs; other stages get the default.
    percentile : float
        The default stall limit: this percentile of the stage's days (Inputs' Pct90).

    Returns
    -------
    Review
        As :func:`review` (``deals`` with :func:`deal_figures`' columns); its ``found``
        is a snapshot of the table (no history), so :func:`conversion_by` counts from
        each deal's stage and status.

    Raises
    ------
    InputError
        ``percentile`` outside 0-1, or a stage of ``stall_days`` not in the list.

    Notes
    -----
    ::

        entered[i]     = deals whose stage number >= i + 1   (a skipped stage is passed)
        rate[i]        = entered[i + 1] / entered[i]         (open deals: not converted)
        rate_to_won[i] = rate[i] * ... * rate[n-2]           (:func:`rates_to_won`)
        days_to_won[i] = MEDIAN(to_won_<i>)                  (0 for the win)
        limit_days[i]  = stall_days[stage i] if typed, else PERCENTILE(days_in_<i>, percentile)

    Deals whose stage is not in the list count nowhere. The counts are
    :func:`xlsales.deals.conversion`'s rule on each deal's stage and status, overall
    and per group (:func:`conversion_by`), whatever the deal's dates: as the workbook's
    COUNTIFS, a deal created or changed after ``as_of`` is counted by its row.

    Examples
    --------
    Three deals at Proposal (one won, one lost, one open) and a win: 1 of 3 went on.

    >>> t = pd.DataFrame({"deal_id": ["a", "b", "c"], "owner": ["x"] * 3,
    ...     "status": ["won", "lost", "open"], "stage_index": [1, 0, 0],
    ...     "amount": [900.0, 300.0, 600.0], "stages_entered": [2, 1, 1],
    ...     "reopened": [False] * 3, "days_in_0": [10.0, None, None],
    ...     "to_won_0": [10.0, None, None],
    ...     **{c: pd.to_datetime(["2026-01-01", "2026-01-05", "2026-02-01"])
    ...        for c in ("created", "entered_stage", "last_change")},
    ...     "closed": pd.to_datetime(["2026-01-11", "2026-01-20", None])})
    >>> r = from_deals(t, "Proposal,Won", dt.date(2026, 3, 1))
    >>> r.stages["rate"].tolist()[0], float(r.deals["weighted"].iloc[2])
    (0.3333333333333333, 200.0)
    """
    names = crm._stages(stages)
    n = len(names)
    percentile = v.share("percentile", percentile, zero_ok=True)
    table = deals.reset_index(drop=True)
    index = table["stage_index"].to_numpy(dtype=np.int64)
    known = index >= 0
    is_open = (table["status"] == "open").to_numpy()
    conv = crm._count_table(names, *crm._counts(index[known], is_open[known], n))
    rate_to_won = rates_to_won(conv["rate"].tolist()[:-1])
    lookup = {s.lower(): i for i, s in enumerate(names[:-1])}
    given = {}
    for stage, days in (stall_days or {}).items():
        key = str(stage).strip().lower()
        if key not in lookup:
            raise InputError(
                f"stall days for {stage!r}: not one of the stages before the win "
                f"({', '.join(names[:-1])})"
            )
        given[lookup[key]] = v.non_negative(f"stall days for {stage}", days)
    days_in = [table[f"days_in_{i}"] for i in range(n - 1)]
    p90 = [_stat(days, percentile) for days in days_in]
    stage_table = conv.assign(
        rate_to_won=pd.Series(rate_to_won, dtype=object),
        days_to_won=pd.Series(
            [_stat(table[f"to_won_{i}"], 0.5) for i in range(n - 1)] + [0.0], dtype=object
        ),
        to_won_deals=[int(table[f"to_won_{i}"].notna().sum()) for i in range(n - 1)] + [0],
        measured=pd.Series([int(days.notna().sum()) for days in days_in] + [None], dtype=object),
        p90_days=pd.Series(p90 + [None], dtype=object),
        limit_days=pd.Series([given.get(i, p90[i]) for i in range(n - 1)] + [None], dtype=object),
        set_by=pd.Series(
            [
                "user" if i in given else "default" if p90[i] is not None else "none"
                for i in range(n - 1)
            ]
            + [None],
            dtype=object,
        ),
    )
    table = deal_figures(table, stage_table, as_of)
    stage = np.array(names + [""], dtype=object)[np.where(known, index, n)]
    day = pd.Timestamp(as_of)  # the table counts each deal by its stage and status, as
    snapshot = pd.DataFrame(  # the stage table above: no date of it cuts a deal out
        {
            "deal_id": table["deal_id"],
            "furthest": index,
            "status": table["status"],
            "amount": table["amount"],
            "owner": table["owner"],
            "created": table["created"].clip(upper=day),
            "last_change": table["last_change"].clip(upper=day),
            "closed": table["closed"],
        }
    )
    found = crm.Deals(names, snapshot, None, len(table), pd.DataFrame(), [], "the Deals table")
    return Review(
        found,
        as_of,
        table.assign(stage=stage),
        stage_table,
        list(extras),
        {},
        dict(stall_days or {}),
    )


def parse_pairs(text: str | None, name: str) -> dict[str, str]:
    """ "A=b,C=d" as {"A": "b", "C": "d"} (blank: {}); a part without "=" is refused.

    >>> parse_pairs("Opportunity=deal_id, Phase=stage", "map")
    {'Opportunity': 'deal_id', 'Phase': 'stage'}
    """
    out: dict[str, str] = {}
    for i, part in enumerate((text or "").split(",")):
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise InputError(f"{name} item {i + 1}={part.strip()!r} must be NAME=VALUE")
        out[key.strip()] = value.strip()
    return out


def parse_stage_days(text: str | None, name: str = "stall_days_by_stage") -> dict[str, float]:
    """ "Qualified=14,Proposal=21" as {"Qualified": 14.0, "Proposal": 21.0}.

    >>> parse_stage_days("Qualified=14, Proposal=21.5")
    {'Qualified': 14.0, 'Proposal': 21.5}
    """
    out = {}
    for stage, days in parse_pairs(text, name).items():
        try:
            out[stage] = v.non_negative(f"{name} for {stage}", float(days))
        except ValueError as exc:
            if isinstance(exc, InputError):
                raise
            raise InputError(f"{name} for {stage}: {days!r} is not a number of days") from None
    return out


def empty_review(stages: Sequence[str] | str, as_of: dt.date | None = None) -> Review:
    """A review with no deals (for an empty workbook to fill): every count 0, every rate
    and limit undefined (None), as of ``as_of`` (default: today)."""
    names = crm._stages(stages)
    n = len(names)
    columns = ["deal_id", "owner", "status", "stage", "stage_index", "amount", "created"]
    columns += ["entered_stage", "last_change", "closed", "stages_entered", "skipped"]
    columns += ["reopened", "idle_days", "rate_to_won", "weighted", "days_to_won"]
    columns += ["expected_close", "close_month", "limit_days", "stalled", "cycle_days"]
    columns += [f"{c}_{i}" for i in range(n - 1) for c in ("days_in", "to_won")]
    stage_table = crm._keep_none(
        [
            {"stage": s, "entered": 0, "reached": 0, "went_on": None, "open_here": 0}
            | {"rate": None, "rate_to_won": None, "days_to_won": None, "to_won_deals": 0}
            | {"measured": 0, "p90_days": None, "limit_days": None, "set_by": "none"}
            for s in names
        ],
        ("went_on", "rate", "rate_to_won", "days_to_won", "p90_days", "limit_days"),
    )
    deals = pd.DataFrame(columns=columns)
    history = pd.DataFrame(columns=["deal_id", "deal", "stage_index", "entered_at"])
    duplicates = pd.DataFrame(columns=["row", "deal_id", "stage_index", "stage"])
    found = crm.Deals(names, deals, history, 0, duplicates, [], "none")
    left_out = dict.fromkeys(LEFT_OUT_REASONS, 0)
    return Review(found, as_of or dt.date.today(), deals, stage_table, [], left_out)


def _check_order(kept: pd.DataFrame, names: list[str], source: str) -> None:
    """Refuse a stage order that more deals run against than with, for any pair of stages."""
    previous = kept.groupby("deal", sort=False)[["stage_index", "entered_at"]].shift(1)
    step = kept.assign(
        prev=previous["stage_index"], days=(kept["entered_at"] - previous["entered_at"])
    )
    step = step[step["prev"].notna()]
    if step.empty:
        return
    step = step.assign(back=step["days"] < pd.Timedelta(0), ahead=step["days"] > pd.Timedelta(0))
    counts = step.groupby(["prev", "stage_index"])[["back", "ahead"]].sum()
    wrong = counts[counts["back"] > counts["ahead"]]
    if wrong.empty:
        return
    prev, stage = wrong.index[0]
    back, ahead = wrong.iloc[0]
    first = step[(step["prev"] == prev) & (step["stage_index"] == stage) & step["back"]]
    row = int(first["row"].min())
    raise DataError(
        f"{source} row {row}, column stage: {names[int(stage)]!r} was entered before "
        f"{names[int(prev)]!r} in {int(back)} of {int(back + ahead)} deals that have both: the "
        f"history contradicts the stage order {','.join(names)}; give --stages in the order "
        "deals move through them"
    )


def _stat(values: pd.Series, q: float) -> float | None:
    """A percentile by linear interpolation (Excel's PERCENTILE), None without values."""
    values = values.dropna()
    return float(values.quantile(q)) if len(values) else None


def rates_to_won(step_rates: Sequence[float | None]) -> list[float | None]:
    """The measured rate from each stage to the win: the product of the step rates below.

    Parameters
    ----------
    step_rates : sequence of float or None
        The step conversion from each stage to the next, top first, one per step
        (stages - 1); None where a rate is undefined.

    Returns
    -------
    list
        One per stage, the win's being 1.0; None where a step from there down is
        undefined.

    Notes
    -----
    ::

        to_won[n-1] = 1
        to_won[i]   = rate[i] * to_won[i+1]

    Examples
    --------
    Half the leads qualify, 40 % of those win: a lead is worth 20 % of its amount.

    >>> rates_to_won([0.5, 0.4])
    [0.2, 0.4, 1.0]
    """
    out: list[float | None] = [1.0]
    for rate in reversed(list(step_rates)):
        below = out[0]
        out.insert(
            0,
            None if rate is None or below is None else v.share("rate", rate, zero_ok=True) * below,
        )
    return out


def expected_close(entered: pd.Series, days_to_won: pd.Series, as_of: dt.date) -> pd.Series:
    """The day a deal is expected to close: entered its stage + median days to won, not
    before the as-of date (NaT where the days are unknown).

    ::

        expected_close = MAX(entered + days_to_won, as_of)

    >>> expected_close(pd.Series(pd.to_datetime(["2026-01-01", "2026-03-01"])),
    ...                pd.Series([10.5, 5.0]), dt.date(2026, 3, 3)).dt.strftime("%Y-%m-%d %H:%M").tolist()
    ['2026-03-03 00:00', '2026-03-06 00:00']
    """
    day = pd.to_datetime(entered) + pd.to_timedelta(
        pd.Series(days_to_won, index=entered.index), unit="D"
    )
    floor = pd.Timestamp(as_of)
    return day.where(day.isna() | (day >= floor), floor)


def forecast(
    review: Review, months: int = FORECAST_MONTHS, by: str | None = "owner"
) -> pd.DataFrame:
    """Weighted and unweighted amount of the open deals per expected close month.

    Returns one row per group (each owner, then "Total") and month, the months being
    the as-of month and the ``months - 1`` after it: group, month (first day),
    deals, amount (unweighted), weighted. Deals expected later, or with no measured
    time to won, are in no month.

    ::

        weighted(group, month) = SUM(amount * probability) over the group's open deals
                                 whose expected close falls in the month
    """
    return _monthly(review.deals, review.as_of, months, by)


def _monthly(table: pd.DataFrame, as_of: dt.date, months: int, by: str | None) -> pd.DataFrame:
    start = pd.Timestamp(as_of).to_period("M")
    labels = [(start + k).to_timestamp() for k in range(months)]
    open_deals = table[table["rate_to_won"].notna() & table["close_month"].notna()]
    groups = [] if by is None else sorted(set(table.loc[table["status"] == "open", by]))
    rows = []
    for group in [*groups, "Total"]:
        part = open_deals if group == "Total" else open_deals[open_deals[by] == group]
        for month in labels:
            inside = part[part["close_month"] == month]
            rows.append(
                {
                    "group": group,
                    "month": month,
                    "deals": len(inside),
                    "amount": float(inside["amount"].sum()),
                    "weighted": float(inside["weighted"].sum()),
                }
            )
    return pd.DataFrame(rows)


def weighted_forecast(
    current_stages: Sequence,
    amounts: Sequence,
    entered_dates: Sequence,
    stage_rates: Mapping[str, float],
    stage_days: Mapping[str, float],
    as_of: dt.date | None = None,
) -> pd.DataFrame:
    """Weighted amount per expected close month for a list of open deals.

    Parameters
    ----------
    current_stages : sequence of str
        Each open deal's current stage.
    amounts : sequence of float
        Each deal's amount, 0 or more.
    entered_dates : sequence of date
        The day each deal entered its current stage.
    stage_rates : mapping stage -> rate
        The measured rate from the stage to won, 0 to 1 (the probability).
    stage_days : mapping stage -> days
        The median days from entering the stage to the win, 0 or more.
    as_of : date, optional
        No deal closes before it (default: the latest entered date).

    Returns
    -------
    DataFrame
        month (first day), deals, amount, weighted: one row per month that has a deal,
        earliest first.

    Notes
    -----
    ::

        close    = MAX(entered + stage_days[stage], as_of)
        weighted = SUM(amount * stage_rates[stage]) per calendar month of close

    Examples
    --------
    A 10,000 proposal (40 % to won, 20 days) entered on 20 March closes in April; a
    5,000 lead (10 %, 60 days) entered on 1 March closes on 30 April.

    >>> weighted_forecast(["Proposal", "Lead"], [10_000, 5_000],
    ...                   [dt.date(2026, 3, 20), dt.date(2026, 3, 1)],
    ...                   {"Lead": 0.1, "Proposal": 0.4}, {"Lead": 60, "Proposal": 20},
    ...                   dt.date(2026, 3, 31)).values.tolist()
    [[Timestamp('2026-04-01 00:00:00'), 2, 15000.0, 4500.0]]
    """
    stages = v.sequence("current_stages", current_stages)
    money = [
        v.non_negative(f"amounts[{i}]", x) for i, x in enumerate(v.sequence("amounts", amounts))
    ]
    dates = v.sequence("entered_dates", entered_dates)
    v.same_length("current_stages", stages, "amounts", money)
    v.same_length("current_stages", stages, "entered_dates", dates)
    rates = {
        str(k).strip().lower(): v.share(f"stage_rates[{k}]", r, zero_ok=True)
        for k, r in stage_rates.items()
    }
    days = {
        str(k).strip().lower(): v.non_negative(f"stage_days[{k}]", d) for k, d in stage_days.items()
    }
    keys = []
    for i, stage in enumerate(stages):
        key = "" if stage is None else str(stage).strip().lower()
        for name, known in (("stage_rates", rates), ("stage_days", days)):
            if key not in known:
                raise InputError(f"current_stages[{i}]={stage!r} has no entry in {name}")
        keys.append(key)
    entered = pd.Series(pd.to_datetime(_dates("entered_dates", dates)))
    day = pd.Timestamp(as_of) if as_of is not None else entered.max()
    late = np.flatnonzero((entered > day).to_numpy())
    if len(late):
        raise InputError(
            f"entered_dates[{late[0]}]={entered[late[0]].date()} is after as_of={day.date()}"
        )
    close = expected_close(entered, pd.Series([days[k] for k in keys]), day)
    frame = pd.DataFrame(
        {
            "month": close.dt.to_period("M").dt.to_timestamp(),
            "amount": money,
            "weighted": [m * rates[k] for m, k in zip(money, keys)],
        }
    )
    out = frame.groupby("month", sort=True).agg(
        deals=("amount", "size"), amount=("amount", "sum"), weighted=("weighted", "sum")
    )
    return out.reset_index()


def _dates(name: str, values: Sequence) -> list[dt.date]:
    out = []
    for i, value in enumerate(values):
        if not isinstance(value, dt.date):
            raise InputError(f"{name}[{i}]={value!r} is not a date")
        out.append(value.date() if isinstance(value, dt.datetime) else value)
    return out


def stalled_deals(
    deal_ids: Sequence,
    current_stages: Sequence,
    last_changes: Sequence,
    stage_limits: Mapping[str, float],
    as_of: dt.date,
) -> pd.DataFrame:
    """The open deals idle longer than their stage's limit, oldest first.

    Parameters
    ----------
    deal_ids, current_stages, last_changes : sequences, one entry per open deal
        The deal, its current stage and the day of its last stage change.
    stage_limits : mapping stage -> days
        Idle days each stage allows (0 or more); a stage not named cannot stall.
    as_of : date
        The day idle days are counted to; no last change may be after it.

    Returns
    -------
    DataFrame
        deal_id, stage, idle_days, limit_days: the stalled deals, longest idle first
        (ties in the input's order).

    Notes
    -----
    ::

        idle_days = as_of - last_change;   stalled = idle_days > limit_days

    A deal idle exactly its limit is not stalled; one day more is.

    Examples
    --------
    >>> stalled_deals(["a", "b", "c"], ["Lead", "Lead", "Proposal"],
    ...               [dt.date(2026, 3, 1), dt.date(2026, 2, 28), dt.date(2026, 1, 1)],
    ...               {"Lead": 30}, dt.date(2026, 3, 31)).values.tolist()
    [['b', 'Lead', 31, 30.0]]
    """
    ids = v.sequence("deal_ids", deal_ids)
    stages = v.sequence("current_stages", current_stages)
    changes = _dates("last_changes", v.sequence("last_changes", last_changes))
    v.same_length("deal_ids", ids, "current_stages", stages)
    v.same_length("deal_ids", ids, "last_changes", changes)
    limits = {
        str(k).strip().lower(): v.non_negative(f"stage_limits[{k}]", d)
        for k, d in stage_limits.items()
    }
    rows = []
    for i, (deal, stage, change) in enumerate(zip(ids, stages, changes)):
        if change > as_of:
            raise InputError(f"last_changes[{i}]={change} is after as_of={as_of}")
        limit = limits.get("" if stage is None else str(stage).strip().lower())
        idle = (as_of - change).days
        if limit is not None and idle > limit:
            rows.append({"deal_id": deal, "stage": stage, "idle_days": idle, "limit_days": limit})
    out = pd.DataFrame(rows, columns=["deal_id", "stage", "idle_days", "limit_days"])
    return out.sort_values("idle_days", ascending=False, kind="stable").reset_index(drop=True)


def stalled_list(review: Review) -> pd.DataFrame:
    """The review's stalled deals, longest idle first (ties: larger amount first)."""
    table = review.deals[review.deals["stalled"].astype(bool)]
    return table.sort_values(
        ["idle_days", "amount"], ascending=[False, False], kind="stable"
    ).reset_index(drop=True)


def cycle(review: Review, percentiles: Sequence[float] = PERCENTILES) -> pd.DataFrame:
    """Days in each stage (before moving on) and days from creation to won.

    One row per stage but the last, then "time to close": what, deals, median, p80,
    p90 (None without deals). Percentiles interpolate linearly (Excel's PERCENTILE);
    ``percentiles`` are the three shares (the workbook's 0.5, Pct80, Pct90).
    """
    percentiles = [v.share(f"percentiles[{i}]", q, zero_ok=True) for i, q in enumerate(percentiles)]
    table = review.deals
    parts = [(f"time in {s}", table[f"days_in_{i}"]) for i, s in enumerate(review.names[:-1])]
    parts.append(("time to close (created to won)", table["cycle_days"]))
    rows = [
        {"what": what, "deals": int(values.notna().sum())}
        | {name: _stat(values, q) for name, q in zip(("median", "p80", "p90"), percentiles)}
        for what, values in parts
    ]
    return crm._keep_none(rows, ("median", "p80", "p90"))


def win_rate(review: Review) -> float | None:
    """won / (won + lost) over the deals closed by the as-of date; None when none is."""
    status = review.deals["status"]
    won, lost = int((status == "won").sum()), int((status == "lost").sum())
    return won / (won + lost) if won + lost else None


def conversion_by(review: Review, column: str) -> pd.DataFrame:
    """:func:`xlsales.deals.conversion` per value of ``column`` (owner, source, segment).

    One block per group (blank shows as "(none)"), sorted by group name.
    """
    found = review.found
    values = review.deals[column].replace("", "(none)").to_numpy()
    parts = []
    for key in sorted(set(values)):
        ids = found.deals["deal_id"][values == key]
        part = dataclasses.replace(
            found,
            deals=found.deals[values == key],
            history=None
            if found.history is None
            else found.history[found.history["deal_id"].isin(ids)],
        )
        parts.append(crm.conversion(part, as_of=review.as_of).assign(group=key))
    out = pd.concat(parts, ignore_index=True)
    return out[["group"] + [c for c in out.columns if c != "group"]]


def lost_by_stage(review: Review) -> pd.DataFrame:
    """Lost deals per last stage reached: stage, lost, amount."""
    table = review.deals[review.deals["status"] == "lost"]
    return pd.DataFrame(
        {
            "stage": review.names,
            "lost": [int((table["stage_index"] == i).sum()) for i in range(len(review.names))],
            "amount": [
                float(table.loc[table["stage_index"] == i, "amount"].sum())
                for i in range(len(review.names))
            ],
        }
    )


def lost_reasons(review: Review) -> pd.DataFrame:
    """Lost deals per reason (blank: "(no reason given)"), most frequent first."""
    if "lost_reason" not in review.deals:
        return pd.DataFrame(columns=["reason", "lost"])
    lost = review.deals.loc[review.deals["status"] == "lost", "lost_reason"]
    counts = lost.replace("", "(no reason given)").value_counts()
    out = counts.rename_axis("reason").reset_index(name="lost")
    return out.sort_values(["lost", "reason"], ascending=[False, True], kind="stable").reset_index(
        drop=True
    )


def what_if(
    review: Review,
    step_rates: Mapping[str, float] | None = None,
    deal_size: float | None = None,
    target_wins: float | None = None,
) -> pd.DataFrame:
    """The open pipeline's weighted value and the volume a win target needs, with a
    stage's step rate or the average deal size overridden.

    Returns one row per stage: stage, open_deals, open_amount, rate (used), rate_to_won
    (used), weighted (what-if), measured_weighted, volume and measured_volume (None
    without a target, or where a rate to won is 0).

    ::

        rate[i]      = step_rates[stage i] if given, else the measured step conversion
        to_won[i]    = rate[i] * ... * rate[n-2]
        weighted[i]  = (open_deals[i] * deal_size if deal_size given, else open_amount[i])
                       * to_won[i]
        volume[i]    = ROUNDUP(target_wins / to_won[i], 0)   (funnel "end" rounding)
    """
    names = review.names
    lookup = {s.lower(): s for s in names[:-1]}
    overrides = {}
    for key, rate in (step_rates or {}).items():
        name = lookup.get(str(key).strip().lower())
        if name is None:
            raise InputError(
                f"step_rates names {key!r}: not a stage with a next step ({', '.join(names[:-1])})"
            )
        overrides[name] = v.share(f"step_rates[{key}]", rate, zero_ok=True)
    if deal_size is not None:
        deal_size = v.non_negative("deal_size", deal_size)
    measured = review.stages["rate"].tolist()[:-1]
    used = [overrides.get(s, r) for s, r in zip(names, measured)]
    to_won, measured_to_won = rates_to_won(used), rates_to_won(measured)
    table = review.deals[review.deals["status"] == "open"]
    rows = []
    for i, stage in enumerate(names):
        here = table[table["stage_index"] == i]
        amount = float(here["amount"].sum())
        base = len(here) * deal_size if deal_size is not None else amount
        rows.append(
            {
                "stage": stage,
                "open_deals": len(here),
                "open_amount": amount,
                "rate": used[i] if i < len(used) else None,
                "rate_to_won": to_won[i],
                "weighted": None if to_won[i] is None else base * to_won[i],
                "measured_weighted": None
                if measured_to_won[i] is None
                else amount * measured_to_won[i],
                "volume": _volume(target_wins, to_won[i]),
                "measured_volume": _volume(target_wins, measured_to_won[i]),
            }
        )
    return crm._keep_none(
        rows, ("rate", "rate_to_won", "weighted", "measured_weighted", "volume", "measured_volume")
    )


def _volume(target: float | None, to_won: float | None) -> int | None:
    if target is None or not to_won:
        return None
    return int(funnel.ceil_counts(np.array([v.non_negative("target_wins", target) / to_won]))[0])


def average_open_amount(review: Review) -> float | None:
    """The measured average deal size: mean amount of the open deals (None without any)."""
    amounts = review.deals.loc[review.deals["status"] == "open", "amount"]
    return float(amounts.mean()) if len(amounts) else None
