"""The 30/90-day prospecting rule: what you prospect in any 30 days pays off over the next 90.

Jeb Blount, *Fanatical Prospecting* (the "30-day rule"). The definitions are those of
``shared/DOMAIN.md`` ("Time" and "Prospecting: the 30/90 rule") and ``docs/definitions.md``;
the prospecting-log template computes the same figures with native formulas and the
tests hold the two together.

An activity log is a table with the columns ``date, rep, type, prospect, pipeline_value,
won_value, won_date`` (see :data:`xlsales.records.ACTIVITY_COLUMNS`). A row with a won
value above 0 is a *win*, dated by its ``won_date``. Every figure speaks from an
**as-of date**: activities, pipeline and wins dated after it are left out (and counted
by :func:`left_out`). Prospect and rep names match ignoring case, as Excel's ``=`` does.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from xlsales import _validate as v
from xlsales.errors import InputError, UndefinedError

BLOCK_DAYS = 30
PAYOFF_DAYS = 90
# minutes one activity of each type takes (inputs on the template's Inputs sheet)
MINUTES = {"call": 10.0, "e-mail": 5.0, "LinkedIn message": 5.0, "meeting": 60.0, "other": 15.0}
NOT_MEASURABLE = "not yet measurable"


def _day(name: str, value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raise InputError(f"{name}={value!r} is not a date")


def _days(name: str, value: object) -> int:
    days = v.whole(name, value)
    if days < 1:
        raise InputError(f"{name}={days} must be 1 or more")
    return days


def report_periods(start: dt.date, as_of: dt.date, block_days: int = BLOCK_DAYS) -> tuple[int, int]:
    """How many weeks and how many blocks run from ``start`` to the one holding ``as_of``.

    ::

        weeks  = (as_of - start) // 7 + 1
        blocks = (as_of - start) // block_days + 1

    >>> report_periods(dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    (5, 2)
    """
    start, as_of = _day("start", start), _day("as_of", as_of)
    block_days = _days("block_days", block_days)
    if as_of < start:
        raise InputError(f"as_of={as_of} is before start={start}")
    days = (as_of - start).days
    return days // 7 + 1, days // block_days + 1


def _frame(activities: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Dates as Timestamps, the matching keys, and what the as-of date lets count."""
    end = pd.Timestamp(_day("as_of", as_of))
    out = pd.DataFrame(
        {
            "date": pd.to_datetime(activities["date"]),
            "key": activities["prospect"].astype(str).str.lower(),
            "rep_key": activities["rep"].astype(str).str.lower(),
            "type": activities["type"],
            "pipeline": activities["pipeline_value"].astype(float),
            "won": activities["won_value"].astype(float),
            "won_date": pd.to_datetime(activities["won_date"]),
        }
    )
    out["counted"] = out["date"] <= end
    out["win"] = out["won"] > 0
    return out


def left_out(activities: pd.DataFrame, as_of: dt.date) -> dict[str, float]:
    """What the as-of date leaves out of every figure, for the Checks sheet.

    ::

        activities_after = activities dated after as_of
        wins_after       = wins (won_value > 0) whose won_date is after as_of
        won_after        = their won value

    Examples
    --------
    A win of 500 on 1 March is left out of a report as of 28 February:

    >>> log = pd.DataFrame({"date": [dt.date(2026, 2, 2)], "rep": ["Ann"], "type": ["call"],
    ...     "prospect": ["Acme"], "pipeline_value": [900.0], "won_value": [500.0],
    ...     "won_date": [dt.date(2026, 3, 1)]})
    >>> left_out(log, dt.date(2026, 2, 28))
    {'activities_after': 0, 'wins_after': 1, 'won_after': 500.0}
    """
    f = _frame(activities, as_of)
    after = f["win"] & (f["won_date"] > pd.Timestamp(as_of))  # an undated win: neither
    return {
        "activities_after": int((~f["counted"]).sum()),
        "wins_after": int(after.sum()),
        "won_after": float(f["won"][after].sum()),
    }


@dataclass(frozen=True)
class Rates:
    """Wins, revenue and pipeline per activity, measured on closed blocks."""

    activities: int
    wins: int
    revenue: float
    pipeline: float

    @property
    def wins_per_activity(self) -> float:
        return self.wins / self.activities

    @property
    def revenue_per_activity(self) -> float:
        return self.revenue / self.activities

    @property
    def pipeline_per_activity(self) -> float:
        return self.pipeline / self.activities


def prospects(
    activities: pd.DataFrame,
    as_of: dt.date,
    start: dt.date | None = None,
    block_days: int = BLOCK_DAYS,
    payoff_days: int = PAYOFF_DAYS,
    minutes: dict[str, float] | None = None,
) -> pd.DataFrame:
    """Each prospect judged once, over its window: open, poor, or not poor.

    Parameters
    ----------
    activities : DataFrame
        The activity log (any order).
    as_of : date
        The day the report speaks from; nothing dated after it counts.
    start : date, optional
        First day of block 1 (default: the first activity).
    block_days, payoff_days : int
        The 30 and the 90 of the 30/90 rule (whole days, 1 or more).
    minutes : dict, optional
        Minutes per activity type (default :data:`MINUTES`).

    Returns
    -------
    DataFrame
        One row per prospect with an activity on or before ``as_of``, in order of first
        activity: prospect, first_activity, window_ends, window_closed, activities,
        minutes, pipeline_in_window, won_in_window, poor, time_lost, block,
        payoff_ends, pipeline_payoff, won_payoff, wins_payoff.

    Raises
    ------
    InputError
        A win dated before the first activity on its prospect (a date that cannot
        be true), a type without minutes, or a bad block or window length.

    Notes
    -----
    ::

        F            = the prospect's first activity             (all its rows)
        window_ends  = F + payoff_days - 1                       (the window is payoff_days days)
        closed       = window_ends <= as_of
        activities   = its activities dated <= as_of;  minutes = sum of minutes[type] over them
        pipeline_in_window = pipeline_value of its activities dated <= min(window_ends, as_of)
        won_in_window      = won_value of its wins dated <= min(window_ends, as_of)
        poor         = closed and pipeline_in_window = 0 and won_in_window = 0
        time_lost    = minutes if poor else 0
        block        = (F - start) // block_days + 1, or 0 when F < start
        payoff_ends  = start + block * block_days + payoff_days - 1   (block end + payoff window)
        pipeline_payoff, won_payoff, wins_payoff: as above, to min(payoff_ends, as_of)

    A prospect still inside its window is open, never poor. Pipeline or a win after
    its window does not undo "poor" (the prospect is judged once, over its window).

    Examples
    --------
    Acme: a call on 5 January, nothing since; as of 4 April its window (5 January
    to 4 April) has closed: poor, 10 minutes lost.

    >>> log = pd.DataFrame({"date": [dt.date(2026, 1, 5)], "rep": ["Ann"], "type": ["call"],
    ...     "prospect": ["Acme"], "pipeline_value": [0.0], "won_value": [0.0],
    ...     "won_date": [None]})
    >>> p = prospects(log, dt.date(2026, 4, 4))
    >>> p[["prospect", "window_ends", "poor", "time_lost"]].values.tolist()
    [['Acme', datetime.date(2026, 4, 4), True, 10.0]]
    >>> bool(prospects(log, dt.date(2026, 4, 3))["poor"].iloc[0])  # one day earlier: open
    False
    """
    as_of = _day("as_of", as_of)
    block_days, payoff_days = _days("block_days", block_days), _days("payoff_days", payoff_days)
    minutes = dict(MINUTES if minutes is None else minutes)
    known = {k.lower(): float(m) for k, m in minutes.items()}
    f = _frame(activities, as_of)
    unknown = sorted({t for t in pd.unique(f["type"].astype(str)) if t.lower() not in known})
    if unknown:
        raise InputError(f"type={unknown[0]!r} has no minutes: known types {', '.join(minutes)}")
    f["minutes"] = f["type"].astype(str).str.lower().map(known)
    if start is None and len(f):
        start = f["date"].min().date()
    begin = pd.Timestamp(_day("start", start)) if start is not None else None
    end = pd.Timestamp(as_of)
    one = pd.Timedelta(days=1)
    # one pass over the rows: each row's prospect (its group, in order of appearance)
    codes, _keys = pd.factorize(f["key"], sort=False)
    kept = f["counted"].groupby(codes).transform("any").to_numpy()  # an activity by as_of
    f, codes = f[kept], codes[kept]
    if not len(f):
        return pd.DataFrame([], columns=PROSPECT_COLUMNS)
    groups = f.groupby(codes, sort=False)
    first = groups["date"].transform("min")
    early = (f["win"] & (f["won_date"] < first)).to_numpy()
    if early.any():  # the first prospect (in order of appearance) with a win before it
        i = np.flatnonzero(early)[np.argmin(codes[early])]  # codes follow appearance
        raise InputError(
            f"won_date={f['won_date'].iloc[i].date()} of prospect "
            f"{str(activities['prospect'][f.index[i]])!r} is before its "
            f"first activity ({first.iloc[i].date()}): a win cannot come before the first touch"
        )
    window_ends = first + (payoff_days - 1) * one
    block = ((first - begin).dt.days // block_days + 1).where(first >= begin, 0)
    payoff_ends = begin + (block * block_days + payoff_days - 1) * one

    def upto(last: pd.Series) -> pd.DataFrame:
        """Per prospect: pipeline dated, and wins (value, count) won, by ``last``
        (each row's own prospect's day) and the as-of date."""
        last = last.clip(upper=end)
        wins = f["win"] & (f["won_date"] <= last)
        return (
            pd.DataFrame(
                {
                    "pipeline": f["pipeline"].where(f["date"] <= last, 0.0),
                    "won": f["won"].where(wins, 0.0),
                    "wins": wins.astype(np.int64),
                }
            )
            .groupby(codes, sort=False)
            .sum()
        )

    window, payoff = upto(window_ends), upto(payoff_ends)
    per = (
        pd.DataFrame(
            {
                "first": first,
                "ends": window_ends,
                "payoff_ends": payoff_ends,
                "activities": f["counted"].astype(np.int64),
                "minutes": f["minutes"].where(f["counted"], 0.0),
                "row": f.index,
                "block": block,
            }
        )
        .groupby(codes, sort=False)
        .agg(
            first=("first", "first"),
            ends=("ends", "first"),
            payoff_ends=("payoff_ends", "first"),
            activities=("activities", "sum"),
            minutes=("minutes", "sum"),
            row=("row", "first"),
            block=("block", "first"),
        )
    )
    closed = (per["ends"] <= end).to_numpy()
    pipe_w, won_w = window["pipeline"].to_numpy(), window["won"].to_numpy()
    poor = closed & (pipe_w == 0) & (won_w == 0)
    spent = per["minutes"].to_numpy(dtype=float)
    blocks = per["block"].to_numpy(dtype=np.int64)
    paid = blocks > 0
    out = pd.DataFrame(
        {
            "prospect": activities["prospect"].astype(str)[per["row"]].tolist(),
            "first_activity": [d.date() for d in per["first"]],
            "window_ends": [d.date() for d in per["ends"]],
            "window_closed": closed.tolist(),
            "activities": per["activities"].astype(int).tolist(),
            "minutes": spent.tolist(),
            "pipeline_in_window": pipe_w.astype(float).tolist(),
            "won_in_window": won_w.astype(float).tolist(),
            "poor": poor.tolist(),
            "time_lost": np.where(poor, spent, 0.0).tolist(),
            "block": blocks.tolist(),
            "payoff_ends": [d.date() if b else None for d, b in zip(per["payoff_ends"], paid)],
            "pipeline_payoff": np.where(paid, payoff["pipeline"], 0.0).tolist(),
            "won_payoff": np.where(paid, payoff["won"], 0.0).tolist(),
            "wins_payoff": np.where(paid, payoff["wins"], 0).astype(int).tolist(),
        },
        columns=PROSPECT_COLUMNS,
    )
    return out.sort_values("first_activity", kind="stable").reset_index(drop=True)


PROSPECT_COLUMNS = [
    "prospect", "first_activity", "window_ends", "window_closed", "activities", "minutes",
    "pipeline_in_window", "won_in_window", "poor", "time_lost", "block", "payoff_ends",
    "pipeline_payoff", "won_payoff", "wins_payoff",
]  # fmt: skip


def payoff_blocks(
    activities: pd.DataFrame,
    start: dt.date,
    as_of: dt.date,
    block_days: int = BLOCK_DAYS,
    payoff_days: int = PAYOFF_DAYS,
    people: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Consecutive 30-day blocks and their payoff, each marked closed or open.

    ``people``, when given, is :func:`prospects` of the same log, as-of date, start and
    lengths (its minutes play no part here), so that a caller needing both computes the
    prospects once.

    Notes
    -----
    ::

        block k covers    [start + (k-1)*B, start + k*B - 1]             B = block_days
        payoff_ends       start + k*B + P - 1    (the P = payoff_days days after the block)
        closed            payoff_ends <= as_of   (else open)
        activities        activities dated in the block (and <= as_of): the block's effort
        prospects         prospects whose first activity falls in the block
        pipeline, revenue, wins
                          their pipeline and wins dated in the block or its payoff window,
                          and <= as_of (see :func:`prospects`)

    Blocks run from ``start`` to the block holding ``as_of``.

    Examples
    --------
    One call on 5 January makes 1,000 of pipeline; the prospect wins 800 on 1 March.
    Block 1 (1-30 January) pays off until 30 April, so as of 15 February it is open.

    >>> log = pd.DataFrame({"date": [dt.date(2026, 1, 5)], "rep": ["Ann"], "type": ["call"],
    ...     "prospect": ["Acme"], "pipeline_value": [1000.0], "won_value": [800.0],
    ...     "won_date": [dt.date(2026, 3, 1)]})
    >>> b = payoff_blocks(log, dt.date(2026, 1, 1), dt.date(2026, 2, 15))
    >>> b[["activities", "pipeline", "revenue", "closed"]].values.tolist()
    [[1, 1000.0, 0.0, False], [0, 0.0, 0.0, False]]
    """
    start, as_of = _day("start", start), _day("as_of", as_of)
    block_days, payoff_days = _days("block_days", block_days), _days("payoff_days", payoff_days)
    _, count = report_periods(start, as_of, block_days)
    f = _frame(activities, as_of)
    if people is None:
        no_minutes = dict.fromkeys(pd.unique(f["type"].astype(str)), 0.0)  # time plays no part
        people = prospects(activities, as_of, start, block_days, payoff_days, no_minutes)
    begin = pd.Timestamp(start)
    k = np.arange(1, count + 1)
    firsts = [begin + pd.Timedelta(days=int(i - 1) * block_days) for i in k]
    day = pd.Timedelta(days=1)
    dates = f.loc[f["counted"] & (f["date"] >= begin), "date"]
    which = ((dates - begin).dt.days // block_days).to_numpy(dtype=np.int64)
    activities_in = np.bincount(which, minlength=count)  # counted dates lie in blocks 1..count
    mine = people[people["block"].between(1, count)].groupby("block")
    sums = mine[["pipeline_payoff", "wins_payoff", "won_payoff"]].sum().reindex(k, fill_value=0)
    payoff_ends = [(first + (block_days + payoff_days - 1) * day).date() for first in firsts]
    return pd.DataFrame(
        {
            "block": k.tolist(),
            "start": [first.date() for first in firsts],
            "end": [(first + (block_days - 1) * day).date() for first in firsts],
            "payoff_ends": payoff_ends,
            "closed": [ends <= as_of for ends in payoff_ends],
            "activities": activities_in.astype(int).tolist(),
            "prospects": mine.size().reindex(k, fill_value=0).astype(int).tolist(),
            "pipeline": sums["pipeline_payoff"].astype(float).tolist(),
            "wins": sums["wins_payoff"].astype(int).tolist(),
            "revenue": sums["won_payoff"].astype(float).tolist(),
        }
    )


def rates(blocks: pd.DataFrame) -> Rates:
    """Wins, revenue and pipeline per activity over the closed blocks of :func:`payoff_blocks`.

    ::

        wins per activity = sum(wins of closed blocks) / sum(activities of closed blocks)
        (revenue and pipeline alike)

    Raises
    ------
    UndefinedError
        No closed block (or no activity in the closed ones): the rates are "not yet
        measurable", never 0.

    >>> b = pd.DataFrame({"closed": [True, False], "activities": [40, 50], "wins": [2, 9],
    ...     "revenue": [30000.0, 1.0], "pipeline": [90000.0, 1.0]})
    >>> rates(b).wins_per_activity
    0.05
    """
    closed = blocks[blocks["closed"]]
    count = int(closed["activities"].sum())
    if count == 0:
        raise UndefinedError(f"rates are {NOT_MEASURABLE}: no closed block with activities")
    return Rates(
        count,
        int(closed["wins"].sum()),
        float(closed["revenue"].sum()),
        float(closed["pipeline"].sum()),
    )


def working_days(first: dt.date, last: dt.date) -> int:
    """Monday-to-Friday days from ``first`` to ``last``, both included (Excel's NETWORKDAYS).

    >>> working_days(dt.date(2026, 8, 29), dt.date(2026, 9, 27))
    20
    """
    first, last = _day("first", first), _day("last", last)
    return int(np.busday_count(first, last + dt.timedelta(days=1)))


def activities_needed_per_day(
    wins_needed: float, wins_per_activity: float, as_of: dt.date, block_days: int = BLOCK_DAYS
) -> float:
    """Activities a working day needed now to land ``wins_needed`` wins in the coming 90 days.

    Notes
    -----
    ::

        needed per working day = wins_needed / wins_per_activity
                                 / NETWORKDAYS(as_of + 1, as_of + block_days)

    ``wins_needed``: the wins still needed in the coming 90 days; ``wins_per_activity``
    from :func:`rates` (closed blocks). Working days are Monday to Friday. No rounding.

    Examples
    --------
    4 wins at 1 win per 50 activities, as of Friday 28 August 2026: the next 30 days
    (29 August to 27 September) hold 20 working days, so 4 * 50 / 20 = 10 a day.

    >>> activities_needed_per_day(4, 0.02, dt.date(2026, 8, 28))
    10.0
    """
    wins_needed = v.non_negative("wins_needed", wins_needed)
    if v.non_negative("wins_per_activity", wins_per_activity) == 0:
        raise UndefinedError("wins_per_activity=0: no win in the closed blocks, nothing to plan by")
    as_of = _day("as_of", as_of)
    days = working_days(
        as_of + dt.timedelta(days=1), as_of + dt.timedelta(days=_days("block_days", block_days))
    )
    return wins_needed / wins_per_activity / days


def rolling_activity(
    activities: pd.DataFrame,
    start: dt.date,
    as_of: dt.date,
    reps: list[str] | None = None,
    block_days: int = BLOCK_DAYS,
) -> pd.DataFrame:
    """Activities per week and in the ``block_days`` days to each week's end, team and per rep.

    ::

        week i covers     [start + 7(i-1), start + 7i - 1], up to the week holding as_of
        rolling           activities dated in (week end - block_days, min(week end, as_of)]
        rolling_<rep>     the same for one rep (names match ignoring case)
    """
    start, as_of = _day("start", start), _day("as_of", as_of)
    block_days = _days("block_days", block_days)
    weeks, _ = report_periods(start, as_of, block_days)
    f = _frame(activities, as_of)
    dates = f["date"].where(f["counted"])
    begin = pd.Timestamp(start)
    rows = []
    for i in range(1, weeks + 1):
        first = begin + pd.Timedelta(days=7 * (i - 1))
        last = first + pd.Timedelta(days=6)
        window = (dates > last - pd.Timedelta(days=block_days)) & (dates <= last)
        row = {
            "week": i,
            "start": first.date(),
            "activities": int(((dates >= first) & (dates <= last)).sum()),
            "rolling": int(window.sum()),
        }
        for rep in reps or []:
            row[f"rolling_{rep}"] = int((window & (f["rep_key"] == rep.lower())).sum())
        rows.append(row)
    return pd.DataFrame(rows)


def revenue_projection(
    activities: pd.DataFrame,
    as_of: dt.date,
    revenue_per_activity: float,
    block_days: int = BLOCK_DAYS,
    payoff_days: int = PAYOFF_DAYS,
) -> dict[str, object]:
    """Revenue the last 30 days' activities should bring in the 90 days after them.

    Notes
    -----
    ::

        last 30 days  = [as_of - block_days + 1, as_of]
        window        = [as_of + 1, as_of + payoff_days]
        revenue       = activities in the last 30 days * revenue_per_activity

    ``revenue_per_activity`` from :func:`rates` (closed blocks). No rounding.

    Examples
    --------
    >>> log = pd.DataFrame({"date": [dt.date(2026, 8, 1), dt.date(2026, 7, 29)],
    ...     "rep": ["Ann"] * 2, "type": ["call"] * 2, "prospect": ["Acme", "Brix"],
    ...     "pipeline_value": [0.0, 0.0], "won_value": [0.0, 0.0], "won_date": [None, None]})
    >>> r = revenue_projection(log, dt.date(2026, 8, 28), 500.0)
    >>> r["activities"], r["window_starts"], r["window_ends"], r["revenue"]
    (1, datetime.date(2026, 8, 29), datetime.date(2026, 11, 26), 500.0)
    """
    as_of = _day("as_of", as_of)
    block_days, payoff_days = _days("block_days", block_days), _days("payoff_days", payoff_days)
    per = v.non_negative("revenue_per_activity", revenue_per_activity)
    first = as_of - dt.timedelta(days=block_days - 1)
    dates = pd.to_datetime(activities["date"])
    recent = int(((dates >= pd.Timestamp(first)) & (dates <= pd.Timestamp(as_of))).sum())
    return {
        "recent_starts": first,
        "recent_ends": as_of,
        "activities": recent,
        "window_starts": as_of + dt.timedelta(days=1),
        "window_ends": as_of + dt.timedelta(days=payoff_days),
        "revenue": recent * per,
    }
