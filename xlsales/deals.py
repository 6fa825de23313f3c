"""Real conversion rates, lead times and stalled deals from a CRM export.

Two shapes of export are read:

* a **stage history**: one row per deal and stage entered (``deal_id, stage,
  entered_at``, optionally ``status`` open/won/lost, ``amount``, ``owner``,
  ``closed_at``);
* a **snapshot**: one row per deal (``deal_id, stage`` current or last reached,
  ``status, created_at, last_change_at, amount, owner``).

Column names can be mapped to the user's own; the stage order is the user's, top of
the funnel first, the last stage being the win. Every check names the file (or
"deals"), the row as a spreadsheet shows it (header = row 1) and the column.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from xlsales import _validate as v
from xlsales import tables
from xlsales.errors import DataError, InputError, UndefinedError
from xlsales.exports import DEAL_COLUMNS, DEFAULT_STAGES, PRESET_NAMES, closed_status, reading
from xlsales.funnel import Rounding, pipeline_velocity, plan_gap

ROW_TEXT = ("source", "segment", "lost_reason")  # kept per row in Deals.rows when present
STATUSES = ("open", "won", "lost")
HISTORY = ("deal_id", "stage", "entered_at")
SNAPSHOT = ("deal_id", "stage", "created_at", "last_change_at")


@dataclass
class Deals:
    """A checked CRM export, one row per deal, with what was found on the way.

    ``deals`` columns: deal_id, furthest (index of the furthest stage reached, won
    deals at the last stage), status, amount, owner, created, last_change, closed.
    ``history`` (stage-history exports only): deal_id, deal (an integer key),
    stage_index, entered_at, one row per deal and stage after duplicates are removed.
    """

    stages: list[str]
    deals: pd.DataFrame
    history: pd.DataFrame | None
    rows_read: int
    duplicates: pd.DataFrame  # the repeated (deal_id, stage) rows that were counted once
    out_of_order: list  # deal ids whose stage dates run against the stage order
    source: str
    has_amounts: bool = True  # False when the export has no amount column
    read_with: str = "xlsales column names"  # the preset or --map that read the file
    conventions: str = "decimal point"  # how numbers and dates were read
    stage_rule: str = "given"  # where the stage order came from
    ignored: list = field(default_factory=list)  # columns of the file not used
    lost_at_first: int = 0  # lost deals whose last open stage the export does not show
    # a history's checked rows, one per row of the file: row (as the sheet shows it),
    # deal_id, deal, stage_index (-1: a closed stage), entered_at, closed, and the text
    # columns of ROW_TEXT the file has
    rows: pd.DataFrame | None = None
    # figures worked out once per as-of date (the tables above are read, never changed)
    _memo: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def shape(self) -> str:
        return "history" if self.history is not None else "snapshot"

    def _once(self, what: str, as_of: object, make: Callable[[], Any]) -> Any:
        """``make()``, kept for the next call with the same ``what`` and ``as_of``
        while ``deals`` and ``history`` are the same tables."""
        key = (what, as_of, id(self.deals), id(self.history))
        if key not in self._memo:
            if len(self._memo) >= 8:
                self._memo.clear()
            self._memo[key] = make()
        return self._memo[key]


def _stages(stages: object) -> list[str]:
    if isinstance(stages, str):
        stages = [s for s in stages.split(",")]
    names = [str(s).strip() for s in v.sequence("stages", stages, min_len=2)]
    if any(not s for s in names):
        raise InputError("stages has a blank name: give every stage a name, top first")
    if len(set(n.lower() for n in names)) != len(names):
        raise InputError(f"stages={names} names a stage twice")
    return names


def _bad(source: str, mask: np.ndarray, column: str, values: pd.Series, rule: str) -> DataError:
    """The refusal of the first row where ``mask`` holds, its cell as the file has it."""
    i = int(np.flatnonzero(mask)[0])
    return DataError(f"{source} row {i + 2}, column {column}: {values.iloc[i]!r} {rule}")


def _objects(values: np.ndarray) -> pd.Series:
    """A column of Python objects on an array made for it (pandas would copy it)."""
    return pd.Series(values, dtype=object, copy=False)


class _Text(NamedTuple):
    """A column as stripped text: per row a code into ``names``, its distinct texts
    ('' for a blank cell)."""

    codes: np.ndarray
    names: np.ndarray  # object

    def cells(self) -> pd.Series:
        return _objects(self.names[self.codes])


def _text(raw: pd.Series | None, rows: int) -> _Text:
    """Cells as stripped text, worked out once per distinct value (no column: all '')."""
    if raw is None:
        return _Text(np.zeros(rows, dtype=np.intp), np.array([""], dtype=object))
    codes, uniques = tables.factorize(raw)  # blanks: code -1, the last ""
    distinct = uniques.tolist()
    blank = bool((codes < 0).any())
    if pd.api.types.infer_dtype(uniques, skipna=False) == "string":  # all text
        cleaned = list(map(str.strip, distinct))  # strip gives back a text it leaves as is
        if not blank and not any(map(operator.is_not, cleaned, distinct)):  # none padded
            return _Text(codes, uniques)
    else:
        cleaned = [str(u).strip() for u in distinct]
    recode, names = pd.factorize(np.array(cleaned + [""] * blank, dtype=object))
    return _Text(recode[codes], np.asarray(names, dtype=object))


# The deal analysis counts days with pandas' nanosecond timestamps, which end here.
LAST_DEAL_DATE = pd.Timestamp.max.date()  # 2262-04-11
WHY_LAST_DEAL_DATE = "the last date the deal analysis can count days to"
DAY_SECONDS = 86_400
DAY_NS = DAY_SECONDS * 10**9
NOT_A_TIME = np.iinfo(np.int64).min  # NaT as an integer


def _deal_dates(raw: pd.Series, column: str, source: str, conv) -> np.ndarray:
    """The column's dates as ``datetime64[s]`` (NaT for a blank cell)."""
    parsed = tables.dates(raw, conv, source, column, LAST_DEAL_DATE, WHY_LAST_DEAL_DATE)
    return parsed.to_numpy("datetime64[s]")


def _required(when: np.ndarray, raw: pd.Series, column: str, source: str) -> np.ndarray:
    blank = np.isnat(when)
    if blank.any():
        raise _bad(source, blank, column, raw, "is blank: a date is required")
    return when


def _pop(frame: pd.DataFrame, column: str) -> pd.Series | None:
    """The column, taken out of ``frame`` (its memory goes once it is read), or None."""
    return frame.pop(column) if column in frame else None


def _infer_stages(
    frame: pd.DataFrame, preset: str | None, source: str, stage: _Text, deal: _Text
) -> tuple[list[str], str, np.ndarray | None]:
    """The stage order when none is given: from a history's dates, or the CRM's default
    pipeline for a snapshot whose stages all belong to it. A history's entry dates
    come back with it (read once)."""
    closed = np.array([closed_status(s) for s in stage.names], dtype=object)
    is_open = np.array([c is None and s != "" for s, c in zip(stage.names, closed)], dtype=bool)
    if "entered_at" in frame.columns:
        when = _deal_dates(frame["entered_at"], "entered_at", source, tables.conventions_of(frame))
        first = pd.Series(when).groupby(deal.codes).transform("min").to_numpy()
        days = (when - first) / np.timedelta64(1, "D")
        open_rows = is_open[stage.codes]
        order = (
            pd.Series(days[open_rows])
            .groupby(stage.codes[open_rows], sort=False)
            .median()
            .sort_values(kind="stable")
        )
        stages = [str(stage.names[k]) for k in order.index]
        won = sorted(set(stage.names[closed == "won"]))
        stages += won[:1] or ["Won"]
        return stages, "inferred from the history (median days from each deal's first stage)", when
    seen = {s.lower() for s in stage.names[is_open]}
    for name in [preset] if preset else list(DEFAULT_STAGES):
        default = DEFAULT_STAGES[name]
        if seen <= {s.lower() for s in default}:
            return list(default), f"{PRESET_NAMES[name]}'s default pipeline", None
    raise InputError(
        f"{source}: a snapshot does not show the stage order: give --stages, top first, "
        f'e.g. --stages "{",".join(sorted(seen)[:3])},...,Won"'
    )


def read_deals(
    data: str | Path | pd.DataFrame,
    stages: Sequence[str] | str | None = None,
    columns: Mapping[str, str] | None = None,
    source: str | None = None,
    *,
    preset: str | None = None,
    decimal: str | None = None,
    dates: str | None = None,
    keep_rows: bool = True,
) -> Deals:
    """Check a CRM export and reduce it to one row per deal.

    Parameters
    ----------
    data : path or DataFrame
        A .csv or .xlsx file, or a DataFrame, in the history or the snapshot shape
        (a history has ``entered_at``).
    stages : list of str or "A,B,C", optional
        The stage order, top first; the last stage is the win. Without it the order is
        inferred from a history's dates, or taken from the CRM's default pipeline.
    columns : mapping, optional
        The user's column names to ours, e.g. ``{"Opportunity ID": "deal_id"}``.
    source : str, optional
        The name messages use for a DataFrame (default "deals").
    preset : "hubspot", "salesforce" or "pipedrive", optional
        Read the CRM's own export columns (detected when not given and the file has
        none of xlsales' column names).
    decimal, dates : optional
        The file's decimal mark and date order, see :mod:`xlsales.tables`.
    keep_rows : bool
        Keep a history's checked rows in ``Deals.rows`` (the pipeline review reads
        them); False leaves it None and saves their memory.

    Notes
    -----
    A repeated row for the same deal and stage is a duplicate: it is reported and the
    earliest entry is kept. A deal that skipped a stage counts as having passed it (its
    furthest stage is what counts). A won deal has reached the last stage. A deal whose
    stage dates run against the stage order is reported and still counted by stage
    order. A reopened deal is read by its latest status.

    Closed stages (DOMAIN.md): where the stage is "Won"/"Closed Won" or
    "Lost"/"Closed Lost" (any case) and the status is blank or absent, the deal is won
    or lost. A won deal is at the last stage. A lost deal whose export no longer shows
    the stage it was lost at (a snapshot) counts as lost at the first stage; in a
    history it counts up to the last stage it entered. A blank ``last_change_at``
    (a deal never moved, as Pipedrive leaves it) is its creation date.

    Each column is checked on its distinct values, once each; a value that breaks a
    rule is refused at the first row that holds it.
    """
    if isinstance(data, pd.DataFrame):
        frame, source = data.copy(deep=False), source or "deals"
        given = tables.conventions(decimal, dates)
        frame.attrs = {"conventions": given}
    else:
        frame, source = tables.read_table(data, decimal, dates), Path(data).name
    conv = tables.conventions_of(frame)
    frame.columns = [str(c).strip() for c in frame.columns]
    how = reading(frame.columns, columns, preset)
    frame = frame.rename(columns=how.renames)
    frame.attrs["conventions"] = conv
    frame = frame.reset_index(drop=True)
    if frame.empty:
        raise DataError(f"{source}: has a header but no rows")
    is_history = "entered_at" in frame.columns
    needed = HISTORY if is_history else SNAPSHOT
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        shape = "stage history" if is_history else "snapshot (or add entered_at for a history)"
        raise DataError(
            f"{source}: missing column(s) {', '.join(missing)} for a {shape} (read with "
            f'{how.how}); name yours with --map "Your column={missing[0]},..." or '
            "--preset hubspot|salesforce|pipedrive"
        )
    ignored = [c for c in frame.columns if c not in DEAL_COLUMNS]
    n = len(frame)
    deal = _text(frame["deal_id"], n)
    stage = _text(frame["stage"], n)
    entered = None
    if stages is None:
        stage_names, stage_rule, entered = _infer_stages(frame, how.preset, source, stage, deal)
    else:
        stage_names, stage_rule = _stages(stages), "given"
    # each column is let go once it is checked: the next one reuses its memory
    blank = deal.names == ""
    if blank.any():
        raise _bad(source, blank[deal.codes], "deal_id", frame["deal_id"], "is blank")
    del frame["deal_id"]
    said_raw = _pop(frame, "status")
    status = _text(said_raw, n)
    said = [s.lower() for s in status.names]
    wrong = np.array([s not in STATUSES + ("",) for s in said], dtype=bool)
    if wrong.any():
        raise _bad(source, wrong[status.codes], "status", said_raw, "must be open, won or lost")
    # per distinct stage: its index (None: not one of the stages) and closed status
    lookup = {name.lower(): i for i, name in enumerate(stage_names)}
    index_of = [lookup.get(name.lower()) for name in stage.names]
    closed_of = [closed_status(name) for name in stage.names]
    code = {s: k for k, s in enumerate(STATUSES)}  # -1 below: none (not closed, not given)
    closed = np.array([code.get(c or "", -1) for c in closed_of], dtype=np.int8)[stage.codes]
    stated = np.array([code.get(s, -1) for s in said], dtype=np.int8)[status.codes]
    unplaced = np.array([i is None for i in index_of], dtype=bool)[stage.codes]
    clash = (closed >= 0) & unplaced & (stated >= 0) & (stated != closed)
    if clash.any() and said_raw is not None:  # a clash needs a status column
        i = int(np.flatnonzero(clash)[0])
        raise DataError(
            f"{source} row {i + 2}, column status: {said_raw.iloc[i]!r} contradicts "
            f"the closed stage {stage.names[stage.codes[i]]!r}"
        )
    state = np.where(stated >= 0, stated, np.maximum(closed, 0)).astype(np.int8)
    del said_raw, status, stated, unplaced
    last = len(stage_names) - 1
    per_name = [
        i if i is not None else last if c == "won" else -1 for i, c in zip(index_of, closed_of)
    ]
    unknown = np.array([i is None and c is None for i, c in zip(index_of, closed_of)])
    if unknown.any():
        raise _bad(
            source,
            unknown[stage.codes],
            "stage",
            frame["stage"],
            f"is not one of the stages: {', '.join(stage_names)}",
        )
    stage_index = np.array(per_name, dtype=np.int64)[stage.codes]  # -1: lost, stage not shown
    del frame["stage"], stage, closed
    has_amounts = "amount" in frame
    amount = (
        tables.amounts(frame.pop("amount"), conv, source, "amount").fillna(0.0).to_numpy()
        if has_amounts
        else np.zeros(n)
    )
    owner = _text(_pop(frame, "owner"), n)
    closed_at = (
        _deal_dates(frame.pop("closed_at"), "closed_at", source, conv)
        if "closed_at" in frame
        else np.full(n, np.datetime64("NaT"), dtype="datetime64[s]")
    )
    cells = _Cells(deal, stage_index, state, amount, owner, closed_at)
    if is_history:
        raw = frame.pop("entered_at")
        if entered is None:
            entered = _deal_dates(raw, "entered_at", source, conv)
        entered = _required(entered, raw, "entered_at", source)
        del raw
        texts = {c: _text(frame[c], n) for c in ROW_TEXT if c in frame}
        del frame  # the cells as read are no longer needed: the reduction runs without them
        table, history, duplicates, out_of_order, lost_at_first, rows = _from_history(
            cells, entered, texts, stage_names, keep_rows
        )
    else:
        raw = frame["created_at"]
        created = _required(_deal_dates(raw, "created_at", source, conv), raw, "created_at", source)
        changed = _deal_dates(frame["last_change_at"], "last_change_at", source, conv)
        table, duplicates, out_of_order, lost_at_first = _from_snapshot(
            cells, created, changed, stage_names
        )
        history = rows = None
    return Deals(
        stage_names,
        table,
        history,
        n,
        duplicates,
        out_of_order,
        source,
        has_amounts,
        read_with=how.how,
        conventions=conv.describe(),
        stage_rule=stage_rule,
        ignored=ignored,
        lost_at_first=lost_at_first,
        rows=rows,
    )


class _Cells(NamedTuple):
    """A checked export, one entry per row of the file."""

    deal: _Text
    stage_index: np.ndarray  # -1: a lost deal's closed stage, the stage lost at not shown
    status: np.ndarray  # int8 codes into STATUSES
    amount: np.ndarray
    owner: _Text
    closed: np.ndarray  # datetime64[s], NaT where not given


STATUS_NAMES = np.array(STATUSES, dtype=object)


def _duplicates(cells: _Cells, repeated: np.ndarray, stage_names: list[str]) -> pd.DataFrame:
    """The repeated rows (positions in the file) as row, deal_id, stage_index, stage."""
    stage_index = cells.stage_index[repeated]
    return pd.DataFrame(
        {
            "row": repeated.astype(np.int64) + 2,
            "deal_id": _objects(cells.deal.names[cells.deal.codes[repeated]]),
            "stage_index": stage_index,
            "stage": [stage_names[i] for i in stage_index],
        }
    )


def _from_history(
    cells: _Cells,
    entered: np.ndarray,
    texts: dict[str, _Text],
    stage_names: list[str],
    keep_rows: bool,
) -> tuple:
    """A history's rows reduced to one row per deal, with NumPy on integer codes.

    ::

        history   = the rows in (deal, stage, entered_at, row) order, without the
                    repeats of a (deal, stage): the earliest entry counts
        furthest  = the last stage of a deal's history rows (won: the last stage)
        created   = min(entered_at), last_change = max(entered_at) over them
        status, amount, owner = those of the deal's latest row (entered_at, then row)
        closed    = max(closed_at) over the deal's rows (a closed-stage row: its date)

    Deal k is row k of the deals table (deals in order of first appearance) and
    ``deal`` = k in the history.
    """
    n, deal = len(entered), cells.deal.codes
    count = len(cells.deal.names)
    stage_index = cells.stage_index.copy()
    placed = np.zeros(count, dtype=bool)
    placed[deal[stage_index >= 0]] = True
    lost_at_first = int(count - placed.sum())
    stage_index[~placed[deal]] = 0  # lost deals with only closed-stage rows: lost at the first
    seconds = entered.view(np.int64)
    closed = cells.closed.view(np.int64).copy()
    fill = (stage_index < 0) & (closed == NOT_A_TIME)
    closed[fill] = seconds[fill]
    day = seconds // DAY_SECONDS
    low, span = int(day.min()), int(day.max() - day.min()) + 1
    staged = np.flatnonzero(stage_index >= 0)
    stages = len(stage_names)
    if count * stages * span < 2**62:  # one integer key, one stable sort
        key = (deal[staged] * stages + stage_index[staged]) * span + (day[staged] - low)
        order = staged[np.argsort(key, kind="stable")]
        del key
    else:
        order = staged[np.lexsort((day[staged], stage_index[staged], deal[staged]))]
    del staged
    by_deal, by_stage = deal[order], stage_index[order]
    again = np.zeros(len(order), dtype=bool)
    again[1:] = (by_deal[1:] == by_deal[:-1]) & (by_stage[1:] == by_stage[:-1])
    del by_deal, by_stage
    kept = order[~again]
    h_deal, h_stage, h_when = deal[kept], stage_index[kept], seconds[kept]
    del kept
    starts = np.flatnonzero(np.diff(h_deal, prepend=-1))
    ends = np.append(starts[1:], len(h_deal)) - 1
    latest = np.full(count, -1, dtype=np.int64)  # the latest row: entered_at, then row
    if span * n < 2**62:
        np.maximum.at(latest, deal, (day - low) * n + np.arange(n))
        latest %= n
    else:
        last_rows = np.lexsort((np.arange(n), seconds, deal))
        latest[deal[last_rows]] = last_rows  # the last write per deal wins
    del day
    deal_closed = np.full(count, NOT_A_TIME, dtype=np.int64)
    np.maximum.at(deal_closed, deal, closed)
    back = (h_deal[1:] == h_deal[:-1]) & (h_when[1:] < h_when[:-1])
    out_of_order = sorted(set(cells.deal.names[np.unique(h_deal[1:][back])]))
    status = cells.status[latest]
    furthest = np.where(status == STATUSES.index("won"), stages - 1, h_stage[ends])
    table = pd.DataFrame(
        {
            "deal_id": cells.deal.names,
            "furthest": furthest.astype(np.int64),
            "status": _objects(STATUS_NAMES[status]),
            "amount": cells.amount[latest],
            "owner": _objects(cells.owner.names[cells.owner.codes[latest]]),
            "created": np.minimum.reduceat(h_when, starts).view("datetime64[s]"),
            "last_change": np.maximum.reduceat(h_when, starts).view("datetime64[s]"),
            "closed": deal_closed.view("datetime64[s]"),
        },
        copy=False,
    )
    history = pd.DataFrame(
        {
            "deal_id": _objects(cells.deal.names[h_deal]),
            "deal": h_deal.astype(np.int64),
            "stage_index": h_stage,
            "entered_at": h_when.view("datetime64[s]"),
        },
        copy=False,
    )
    duplicates = _duplicates(cells._replace(stage_index=stage_index), order[again], stage_names)
    if not keep_rows:
        return table, history, duplicates, out_of_order, lost_at_first, None
    rows = pd.DataFrame(
        {
            "deal_id": cells.deal.cells(),
            "stage_index": stage_index,
            "status": _objects(STATUS_NAMES[cells.status]),
            "amount": cells.amount,
            "owner": cells.owner.cells(),
            "entered_at": entered,
            "closed": closed.view("datetime64[s]"),
            "row": np.arange(2, n + 2, dtype=np.int64),
            "deal": deal.astype(np.int64),
        },
        copy=False,
    )
    for column, text in texts.items():
        rows[column] = text.cells()
    return table, history, duplicates, out_of_order, lost_at_first, rows


def _from_snapshot(
    cells: _Cells, created: np.ndarray, changed: np.ndarray, stage_names: list[str]
) -> tuple:
    """A snapshot's rows, one per deal: a repeated deal is a duplicate (the first row
    counts); a blank last change is the creation date; open deals have no close date."""
    stage_index = cells.stage_index.copy()
    lost_at_first = int((stage_index < 0).sum())
    stage_index[stage_index < 0] = 0
    cells = cells._replace(stage_index=stage_index)
    status = STATUS_NAMES[cells.status]
    changed = np.where(np.isnat(changed), created, changed)
    closed = np.where(status != "open", cells.closed, np.datetime64("NaT"))
    first = np.zeros(len(created), dtype=bool)
    first[np.unique(cells.deal.codes, return_index=True)[1]] = True
    deal_ids = cells.deal.names[cells.deal.codes]
    furthest = np.where(cells.status == STATUSES.index("won"), len(stage_names) - 1, stage_index)
    table = pd.DataFrame(
        {
            "deal_id": deal_ids[first],
            "furthest": furthest[first],
            "status": _objects(status[first]),
            "amount": cells.amount[first],
            "owner": _objects(cells.owner.names[cells.owner.codes[first]]),
            "created": created[first],
            "last_change": changed[first],
            "closed": closed[first].astype("datetime64[s]"),
        }
    )
    out_of_order = sorted(table.loc[table["last_change"] < table["created"], "deal_id"])
    duplicates = _duplicates(cells, np.flatnonzero(~first), stage_names)
    return table, duplicates, out_of_order, lost_at_first


def default_as_of(deals: Deals) -> dt.date:
    """The latest date in the data: the last stage change or close of any deal."""
    table = deals.deals
    return deals._once(
        "latest",
        None,
        lambda: pd.Timestamp(
            pd.Series([table["last_change"].max(), table["closed"].max()]).max()
        ).date(),
    )


def stage_entries(deals: Deals, as_of: dt.date | None = None) -> pd.DataFrame:
    """One row per deal and stage it had entered by the as-of date.

    Parameters
    ----------
    deals : Deals
        From :func:`read_deals`.
    as_of : date, optional
        The day the figures speak from (default: the latest date in the data). Entries
        dated after it do not count.

    Returns
    -------
    DataFrame
        deal_id, owner, stage_index, entered_at, created (the deal's first entry),
        went_on (the deal had entered the next stage by ``as_of``), open_here (the deal
        was open as of ``as_of`` and stood in this stage), status (as of ``as_of``).

    Notes
    -----
    ::

        entered_at[d, i] = the earliest date the deal entered stage i or any later stage
                           (a skipped stage is passed on the date of the next stage
                           entered; a won deal with no row for the last stage wins on
                           closed_at, or its last stage change)
        furthest[d]      = the furthest stage with entered_at <= as_of
        went_on[d, i]    = furthest[d] > i
        status[d]        = won or lost if closed (closed_at, else the last stage change)
                           on or before as_of, else open
        open_here[d, i]  = status[d] = open and furthest[d] = i

    A snapshot export holds no stage dates: every stage a deal reached is dated on its
    creation, and its status is the exported one when its last change is on or before
    ``as_of`` (open otherwise). See docs/definitions.md.

    Examples
    --------
    >>> history = pd.DataFrame({"deal_id": ["a", "a", "b"], "stage": ["Lead", "Won", "Lead"],
    ...     "entered_at": ["2026-01-02", "2026-01-20", "2026-01-05"],
    ...     "status": ["won", "won", "open"]})
    >>> found = read_deals(history, "Lead,Won")
    >>> stage_entries(found, dt.date(2026, 1, 19))[["deal_id", "stage_index", "went_on"]].values.tolist()
    [['a', 0, False], ['b', 0, False]]
    """
    view = _as_of_view(deals, as_of)
    table, dated, reached, status = deals.deals, view.dated, view.reached, view.status
    rows, stage = np.nonzero(dated <= view.as_of.value)
    return pd.DataFrame(
        {
            "deal_id": table["deal_id"].to_numpy()[rows],
            "owner": table["owner"].to_numpy()[rows],
            "stage_index": stage,
            "entered_at": pd.to_datetime(dated[rows, stage]),
            "created": pd.to_datetime(dated[rows, 0]),
            "went_on": reached[rows] > stage,
            "open_here": view.is_open[rows] & (reached[rows] == stage),
            "status": status[rows],
        }
    )


@dataclass
class _View:
    """Each deal as it stood on the as-of date (see :func:`stage_entries`)."""

    as_of: pd.Timestamp
    dated: np.ndarray  # deals x stages: entry dates as int64 ns, NEVER where not entered
    reached: np.ndarray  # furthest stage entered by as_of (-1: not created yet)
    status: np.ndarray  # open, won or lost on as_of
    closed: np.ndarray  # the day a won or lost deal closed (int64 ns)
    is_open: np.ndarray  # status == "open" (bool)


NEVER = np.iinfo(np.int64).max


def _ns(values: pd.Series) -> np.ndarray:
    return values.to_numpy("datetime64[ns]").view(np.int64)


def _deal_rows(table: pd.DataFrame, history: pd.DataFrame) -> np.ndarray:
    """The row of ``table`` of each history entry: by the integer key ``deal`` (the
    label of the deal's row, also in a part of the tables), else by deal_id."""
    if "deal" in history and table.index.is_unique:
        keys, labels = history["deal"].to_numpy(), table.index
        if isinstance(labels, pd.RangeIndex) and labels.step == 1:  # start, start + 1, ...
            rows = keys - labels.start
            if not len(rows) or (rows.min() >= 0 and rows.max() < len(labels)):
                return rows
        rows = labels.get_indexer(keys)
        if not (rows < 0).any():
            return rows
    row_of = pd.Series(np.arange(len(table)), index=table["deal_id"].to_numpy())
    return row_of.loc[history["deal_id"].to_numpy()].to_numpy()


def _as_of_view(deals: Deals, as_of: dt.date | None) -> _View:
    day = as_of if as_of is not None else default_as_of(deals)
    return deals._once("view", day, lambda: _view(deals, day))


def _entries_up_to(deals: Deals, as_of: dt.date | None) -> pd.Timestamp | None:
    """The cut-off for a history's stage entries: None when ``as_of`` leaves none out."""
    h = deals.history
    if as_of is None or h is None:
        return None
    last = deals._once("last entry", None, lambda: h["entered_at"].max())
    return None if pd.Timestamp(as_of) >= last else pd.Timestamp(as_of)


def _view(deals: Deals, as_of: dt.date | None) -> _View:
    table = deals.deals
    n, count = len(table), len(deals.stages)
    as_of_ts = pd.Timestamp(as_of if as_of is not None else default_as_of(deals))
    furthest = table["furthest"].to_numpy()
    exported = table["status"].to_numpy()
    won = exported == "won"
    if deals.history is not None:
        closed = _ns(table["closed"].fillna(table["last_change"]))
        grid = np.full((n, count), NEVER, dtype=np.int64)
        h = deals.history
        cell = _deal_rows(table, h) * count + h["stage_index"].to_numpy()  # in grid.ravel()
        np.minimum.at(grid.reshape(-1), cell, _ns(h["entered_at"]))
        grid[won, -1] = np.minimum(grid[won, -1], closed[won])
    else:
        closed = _ns(table["last_change"])
        reached_stage = np.arange(count)[None, :] <= furthest[:, None]
        grid = np.where(reached_stage, _ns(table["created"])[:, None], NEVER)
    # the running minimum from the bottom: a stage is entered no later than any stage after it
    dated = np.minimum.accumulate(grid[:, ::-1], axis=1)[:, ::-1]
    # entered by as_of is a prefix of the stages: True up to the furthest stage
    reached = np.count_nonzero(dated <= as_of_ts.value, axis=1) - 1
    if deals.history is not None:
        closed = np.where(won, dated[:, -1], closed)
    is_open = (exported == "open") | (closed > as_of_ts.value)
    return _View(as_of_ts, dated, reached, np.where(is_open, "open", exported), closed, is_open)


def conversion(
    deals: Deals, by: str | None = None, period: str = "M", as_of: dt.date | None = None
) -> pd.DataFrame:
    """Step conversion per stage: of the deals that entered a stage, the share that had
    reached the next one by the as-of date.

    Parameters
    ----------
    deals : Deals
        From :func:`read_deals`.
    by : None, "owner", "cohort"
        One table, or one per owner, or one per cohort (the period the deal was created
        in, i.e. entered its first stage).
    period : str
        pandas period code for cohorts ("M" month, "Q" quarter, "W" week).
    as_of : date, optional
        The day the rates speak from (default: the latest date in the data); nothing
        dated after it counts.

    Returns
    -------
    DataFrame
        group (when ``by``), stage, entered, reached, went_on, open_here, rate.
        ``entered`` and ``reached`` are the same count (deals that entered the stage);
        ``went_on`` is how many of them reached the next stage; ``open_here`` how many
        are still open in the stage. ``rate`` is None where no deal entered the stage
        (undefined, not 0 %) and for the last stage.

    Notes
    -----
    ::

        entered[i]   = deals that entered stage i by as_of (a skipped stage is passed)
        went_on[i]   = of those, the deals that entered stage i + 1 by as_of
        open_here[i] = of those, the deals still open in stage i on as_of
        rate[i]      = went_on[i] / entered[i]          (never above 100 %)

    No rounding. An open deal in stage i counts as not (yet) converted: a stage where
    half the deals sit untouched reads 50 %, not 100 %. The open count stands beside
    the rate so that a young cohort is read with care (see :func:`stage_entries` for
    how stage dates and statuses are read on the as-of date).

    References
    ----------
    shared/DOMAIN.md, "Step conversion"; docs/definitions.md.

    Examples
    --------
    Four leads: a won, b lost at Proposal, c lost at Lead, d still open at Lead:

    >>> history = pd.DataFrame({
    ...     "deal_id": ["a", "a", "a", "b", "b", "c", "d"],
    ...     "stage": ["Lead", "Proposal", "Won", "Lead", "Proposal", "Lead", "Lead"],
    ...     "entered_at": ["2026-01-02", "2026-01-10", "2026-02-01", "2026-01-03",
    ...                    "2026-01-20", "2026-01-05", "2026-03-01"],
    ...     "status": ["won", "won", "won", "lost", "lost", "lost", "open"]})
    >>> table = conversion(read_deals(history, "Lead,Proposal,Won"))
    >>> table[["stage", "entered", "went_on", "open_here"]].values.tolist()
    [['Lead', 4, 2, 1], ['Proposal', 2, 1, 0], ['Won', 1, None, 0]]
    >>> table["rate"].tolist()  # Lead: 2 of 4 went on, d (open) is not converted yet
    [0.5, 0.5, None]
    """
    view = _as_of_view(deals, as_of)
    stages = deals.stages
    mine = view.reached >= 0  # the deals created by the as-of date
    is_open = view.is_open
    if by is None:
        return _count_table(stages, *_counts(view.reached[mine], is_open[mine], len(stages)))
    if by == "owner":
        keys = deals.deals["owner"].to_numpy()[mine]
        keys = np.where(keys == "", "(no owner)", keys)
    elif by == "cohort":
        created = view.dated[mine, 0].view("datetime64[ns]")
        keys = pd.DatetimeIndex(created).to_period(period).astype(str)
    else:
        raise InputError(f"by={by!r} must be None, 'owner' or 'cohort'")
    groups, names = pd.factorize(np.asarray(keys, dtype=object), sort=True)
    reached, is_open = view.reached[mine], is_open[mine]
    parts = [
        _count_table(stages, *_counts(reached[groups == k], is_open[groups == k], len(stages)))
        for k in range(len(names))
    ]
    if not parts:
        empty = _count_table(stages, *_counts(reached, is_open, len(stages))).iloc[:0]
        return empty.assign(group=pd.Series(dtype=object))[["group", *empty.columns]]
    out = pd.concat(
        [part.assign(group=name) for part, name in zip(parts, names)], ignore_index=True
    )
    return out[["group"] + [c for c in out.columns if c != "group"]]


def _counts(reached: np.ndarray, is_open: np.ndarray, stages: int) -> tuple:
    """Per stage, from each deal's furthest stage reached and whether it is open:

    ::

        entered[i]   = deals with reached >= i   (a skipped stage is passed)
        went_on[i]   = entered[i + 1]            (0 for the last stage)
        open_here[i] = open deals with reached = i
    """
    entered = np.bincount(reached, minlength=stages)[::-1].cumsum()[::-1]
    open_here = np.bincount(reached[is_open], minlength=stages)
    return entered, np.append(entered[1:], 0), open_here


def _count_table(stages: list[str], entered, went_on, open_here) -> pd.DataFrame:
    rows = []
    for i, stage in enumerate(stages):
        last = i + 1 == len(stages)
        rows.append(
            {
                "stage": stage,
                "entered": int(entered[i]),
                "reached": int(entered[i]),
                "went_on": None if last else int(went_on[i]),
                "open_here": int(open_here[i]),
                "rate": None if last or not entered[i] else int(went_on[i]) / int(entered[i]),
            }
        )
    return _keep_none(rows, ("went_on", "rate"))


def _keep_none(rows: list[dict], columns: Sequence[str]) -> pd.DataFrame:
    """A frame from ``rows`` whose undefined values stay None (object columns), never NaN."""
    frame = pd.DataFrame(rows)
    for column in columns:
        frame[column] = pd.Series([r[column] for r in rows], index=frame.index, dtype=object)
    return frame


def step_days(deals: Deals, as_of: dt.date | None = None) -> pd.DataFrame:
    """Days each deal spent in each stage before entering the next stage it reached.

    ::

        days = entered_at(next stage reached) - entered_at(this stage)

    One row per deal and stage left (columns deal_id, deal, stage_index, days); a
    skipped stage adds no row; steps whose dates run backwards (see ``out_of_order``)
    are left out, and so are entries dated after ``as_of`` (when given); a deal's last
    stage has no row (it has not left it). History only.

    >>> h = pd.DataFrame({"deal_id": ["a", "a"], "stage": ["Lead", "Won"],
    ...                   "entered_at": ["2026-01-01", "2026-01-11"]})
    >>> step_days(read_deals(h, "Lead,Won"))["days"].tolist()
    [10]
    """
    if deals.history is None:
        raise InputError("stage durations need a stage history (one row per deal and stage)")
    up_to = _entries_up_to(deals, as_of)
    steps = deals._once("steps", up_to, lambda: _steps(deals.history, up_to))
    return steps.copy(deep=False)  # a change to the copy leaves the kept table as it is


def _steps(h: pd.DataFrame, as_of: dt.date | None) -> pd.DataFrame:
    when = _ns(h["entered_at"])
    if as_of is not None:
        kept = np.flatnonzero(when <= pd.Timestamp(as_of).value)
    else:
        kept = np.arange(len(h))
    deal, stage = h["deal"].to_numpy()[kept], h["stage_index"].to_numpy()[kept]
    step = (deal[1:] > deal[:-1]) | ((deal[1:] == deal[:-1]) & (stage[1:] >= stage[:-1]))
    if not step.all():  # read_deals gives the history in (deal, stage) order already
        order = np.lexsort((stage, deal))
        kept, deal = kept[order], deal[order]
    when = when[kept]
    days = (when[1:] - when[:-1]) // DAY_NS
    left = np.flatnonzero((deal[1:] == deal[:-1]) & (days >= 0))  # the next entry: same deal
    out = h.iloc[kept[left]][["deal_id", "deal", "stage_index"]]
    return out.assign(days=days[left].astype(int))


def stage_durations(deals: Deals, as_of: dt.date | None = None) -> pd.DataFrame:
    """Days spent in each stage before entering the next one reached (history only).

    ::

        days = entered_at(next stage reached) - entered_at(this stage)

    Per stage: count, median, 25th and 75th percentile (pandas' linear interpolation)
    of the deals that moved on (:func:`step_days`); a skipped stage adds no time; steps
    whose dates run backwards (see ``out_of_order``) are left out, and so are entries
    dated after ``as_of`` (when given). The last stage has none. The medians feed
    :func:`xlsales.funnel.funnel_schedule` as ``stage_days``.
    """
    up_to = _entries_up_to(deals, as_of)
    return deals._once("durations", up_to, lambda: _durations(deals, up_to)).copy()


def _durations(deals: Deals, as_of: dt.date | None) -> pd.DataFrame:
    h = step_days(deals, as_of)
    days = h["days"].to_numpy()
    at = h["stage_index"].to_numpy()
    rows = []
    for i, stage in enumerate(deals.stages[:-1]):
        d = days[at == i]
        # one partition for the three (whole days: the median is quantile 0.5 exactly)
        p25, median, p75 = (
            pd.Series(d).quantile([0.25, 0.5, 0.75]).tolist() if len(d) else [None] * 3
        )
        rows.append(
            {
                "stage": stage,
                "deals": len(d),
                "median_days": median,
                "p25_days": p25,
                "p75_days": p75,
            }
        )
    return _keep_none(rows, ("median_days", "p25_days", "p75_days"))


def record_metrics(
    deals: Deals, as_of: dt.date | None = None, since: dt.date | None = None
) -> dict:
    """Win rate, sales cycle and pipeline velocity from the records, as of a date.

    Parameters
    ----------
    deals : Deals
        From :func:`read_deals`.
    as_of : date, optional
        The day the figures speak from (default: the latest date in the data).
    since : date, optional
        First day of the period whose closed deals count (default: the first date in the
        data, so every deal closed by ``as_of``).

    Returns
    -------
    dict
        won, lost (closed in the period), open (open on ``as_of``), win_rate,
        average_won_amount (None without an amount column, not 0),
        average_cycle_days (average sales cycle), cycle_median_days, cycle_p80_days,
        cycle_p90_days (None without a won deal), velocity_per_day, since, as_of.

    Raises
    ------
    UndefinedError
        No deal closed in the period: the win rate is 0 / 0.
    InputError
        ``since`` is after ``as_of``.

    Notes
    -----
    ::

        closed in the period = won or lost with since <= close date <= as_of
        win_rate     = won / (won + lost)
        cycle        = days from creation (first stage entered) to won, per won deal
        average_cycle_days = mean(cycle)
        cycle_pXX    = percentile of cycle, linear (Excel PERCENTILE.INC); median = p50
        open         = deals open on as_of, whatever their stage
        average_won_amount = mean amount of the won deals
        velocity     = open * win_rate * average_won_amount / average_cycle_days
                       (currency per day, :func:`xlsales.funnel.pipeline_velocity`)

    No rounding. Velocity is None when there is no won deal, no amount column or an
    average cycle of 0 days. The close date is ``closed_at``, else the last stage
    change; a won deal's is the day it entered the last stage (docs/definitions.md).

    References
    ----------
    shared/DOMAIN.md ("Win rate", "Sales cycle", "Pipeline velocity");
    :func:`xlsales.funnel.pipeline_velocity`, the funnel planner's Velocity sheet.

    Examples
    --------
    a won in 30 days (amount 1,000), b lost, c open:

    >>> history = pd.DataFrame({"deal_id": ["a", "a", "b", "c"],
    ...     "stage": ["Lead", "Won", "Lead", "Lead"],
    ...     "entered_at": ["2026-01-01", "2026-01-31", "2026-01-05", "2026-01-10"],
    ...     "status": ["won", "won", "lost", "open"], "amount": [1000, 1000, 500, 800]})
    >>> m = record_metrics(read_deals(history, "Lead,Won"))
    >>> m["win_rate"], m["average_cycle_days"], m["open"], round(m["velocity_per_day"], 2)
    (0.5, 30.0, 1, 16.67)
    """
    view = _as_of_view(deals, as_of)
    table = deals.deals
    start = pd.Timestamp(since) if since is not None else pd.Timestamp.min
    if since is not None and start > view.as_of:
        raise InputError(f"since={since} is after as_of={view.as_of.date()}")
    in_period = (view.closed >= start.value) & (view.closed <= view.as_of.value)
    won = (view.status == "won") & in_period
    lost = int(((view.status == "lost") & in_period).sum())
    if won.sum() + lost == 0:
        raise UndefinedError(
            "no deal won or lost in the period: the win rate (won / (won + lost)) is undefined"
        )
    rate = int(won.sum()) / (int(won.sum()) + lost)
    cycle = pd.Series((view.closed[won] - view.dated[won, 0]) / 86_400e9)
    opened = int(view.is_open[view.reached >= 0].sum())
    size = (
        float(table["amount"].to_numpy()[won].mean()) if won.any() and deals.has_amounts else None
    )
    average = float(cycle.mean()) if len(cycle) else None

    def pct(q: float) -> float | None:
        return float(cycle.quantile(q)) if len(cycle) else None

    velocity = (
        pipeline_velocity(opened, rate, size, average) if average and size is not None else None
    )
    return {
        "won": int(won.sum()),
        "lost": lost,
        "open": opened,
        "win_rate": rate,
        "average_won_amount": size,
        "average_cycle_days": average,
        "cycle_median_days": pct(0.5),
        "cycle_p80_days": pct(0.8),
        "cycle_p90_days": pct(0.9),
        "velocity_per_day": velocity,
        "since": None if since is None else start.date(),
        "as_of": view.as_of.date(),
    }


STALL_PERCENTILE = 0.9  # the default stall limit: this percentile of the stage's measured days


def _p90(deals: Deals, as_of: dt.date | None) -> tuple[pd.Series, pd.Series]:
    measured = step_days(deals, as_of).groupby("stage_index")["days"]
    return measured.size(), measured.quantile(STALL_PERCENTILE)


def stall_limits(
    deals: Deals,
    stall_days: float | Mapping[str, float] | None = None,
    as_of: dt.date | None = None,
) -> pd.DataFrame:
    """The idle days each stage allows before an open deal in it counts as stalled.

    Parameters
    ----------
    deals : Deals
        A checked export (:func:`read_deals`).
    stall_days : None, number or mapping
        None: every stage gets the default limit. A number: one limit for every stage.
        A mapping stage name -> days: those stages get the days given, the others the
        default. Days are 0 or more.

    Returns
    -------
    DataFrame
        One row per stage except the last (the win): stage, measured (deals that left
        the stage), p90_days (the 90th percentile of their days, None when none left),
        limit_days (None: no limit, the stage cannot stall), set_by ("default",
        "user" or "none").

    Raises
    ------
    InputError
        An unknown stage name or a negative number of days.

    Notes
    -----
    ::

        p90_days[i]   = PERCENTILE(days deals spent in stage i before moving on, 0.9)
        limit_days[i] = stall_days[stage i] if given, else p90_days[i]

    Days per deal are :func:`step_days`; the percentile interpolates linearly between
    ranks, like Excel's PERCENTILE (pandas' default). A stage no deal has left has no
    measured limit: give one, or its deals never count as stalled. A snapshot export
    has no durations: every stage needs a limit from the user.

    Examples
    --------
    Ten deals left Lead after 1, 2, ..., 10 days: the rank of the 90th percentile is
    1 + 0.9 * (10 - 1) = 9.1, between 9 and 10 days: 9 + 0.1 * (10 - 9) = 9.1 days.

    >>> h = pd.DataFrame({"deal_id": [f"d{k}" for k in range(10) for _ in (0, 1)],
    ...     "stage": ["Lead", "Won"] * 10,
    ...     "entered_at": [d for k in range(10) for d in
    ...                    ("2026-01-01", f"2026-01-{k + 2:02d}")]})
    >>> stall_limits(read_deals(h, "Lead,Won"))[["stage", "p90_days", "limit_days"]].values.tolist()
    [['Lead', 9.1, 9.1]]
    >>> stall_limits(read_deals(h, "Lead,Won"), {"lead": 14})["limit_days"].tolist()
    [14.0]
    """
    names = deals.stages[:-1]
    lookup = {s.lower(): i for i, s in enumerate(deals.stages)}
    given: dict[int, float] = {}
    if isinstance(stall_days, Mapping):
        for name, days in stall_days.items():
            key = str(name).strip().lower()
            if key not in lookup:
                raise InputError(
                    f"stall days for {name!r}: not one of the stages {', '.join(deals.stages)}"
                )
            given[lookup[key]] = v.non_negative(f"stall days for {name}", days)
    elif stall_days is not None:
        limit = v.non_negative("stall_days", stall_days)
        given = dict.fromkeys(range(len(names)), limit)
    if deals.history is not None:
        count, p90 = deals._once("p90", _entries_up_to(deals, as_of), lambda: _p90(deals, as_of))
    else:
        count, p90 = pd.Series(dtype=int), pd.Series(dtype=float)
    rows = []
    for i, stage in enumerate(names):
        n = int(count.get(i, 0))
        measured_limit = float(p90[i]) if n else None
        limit = given.get(i, measured_limit)
        rows.append(
            {
                "stage": stage,
                "measured": n,
                "p90_days": measured_limit,
                "limit_days": limit,
                "set_by": "user" if i in given else ("default" if n else "none"),
            }
        )
    return _keep_none(rows, ("p90_days", "limit_days"))


def stalled(
    deals: Deals,
    as_of: dt.date,
    stall_days: float | Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Open deals with no stage change for longer than the limit of their stage.

    ::

        idle_days = as_of - last stage change on or before as_of
        stalled   = idle_days > limit_days(stage)      (a deal idle exactly the limit is not)

    Each deal as it stood on the as-of date (:func:`stage_entries`): its stage, whether
    it was open, and its last stage change up to that day; a deal won or moved on
    later can be stalled on an earlier day, and a deal created after it is not listed.
    ``stall_days`` sets the limits as :func:`stall_limits` does: None for the default
    (the 90th percentile of the stage's measured days), one number for every stage,
    or a limit per stage name (the others keep the default). Sorted by amount, largest
    first: the prospects to force to a decision.

    Examples
    --------
    a entered Proposal on 5 January and was won on 1 March; b sits in Lead since
    1 January. As of 15 February, with a limit of 30 days, a had been idle 41 days and
    b 45:

    >>> history = pd.DataFrame({"deal_id": ["a", "a", "a", "b"],
    ...     "stage": ["Lead", "Proposal", "Won", "Lead"],
    ...     "entered_at": ["2026-01-01", "2026-01-05", "2026-03-01", "2026-01-01"],
    ...     "status": ["won", "won", "won", "open"], "amount": [5000, 5000, 5000, 1000]})
    >>> late = stalled(read_deals(history, "Lead,Proposal,Won"), dt.date(2026, 2, 15), 30)
    >>> late[["deal_id", "stage", "idle_days"]].values.tolist()
    [['a', 'Proposal', 41], ['b', 'Lead', 45]]
    """
    day = pd.Timestamp(as_of)
    limits = stall_limits(deals, stall_days, day)["limit_days"]
    by_index = np.array([np.inf if x is None else x for x in limits] + [np.inf])
    table = deals.deals
    view = _as_of_view(deals, as_of)
    stage = view.reached  # -1 (not created by as_of): no limit, never listed
    last = _last_change_up_to(deals, day.value)
    idle = (day.value - last) // DAY_NS  # whole days, rounded down
    late = np.flatnonzero(view.is_open & (stage >= 0) & (idle > by_index[stage]))
    out = table.iloc[late][["deal_id", "owner", "amount"]].assign(
        last_change=last[late].astype("datetime64[ns]"),
        stage=pd.array(np.array(deals.stages, dtype=object)[stage[late]], dtype="str"),
        idle_days=idle[late],
        limit_days=by_index[stage[late]],
    )
    return out.sort_values(["amount", "idle_days"], ascending=[False, False], kind="stable")[
        ["deal_id", "stage", "owner", "amount", "idle_days", "limit_days", "last_change"]
    ].reset_index(drop=True)


def _last_change_up_to(deals: Deals, day: int) -> np.ndarray:
    """Each deal's last stage change on or before ``day`` (int64 ns): its last change,
    or for a deal changed later, its latest history entry up to the day (a snapshot:
    its creation, the date of every stage it holds)."""
    table = deals.deals
    last = _ns(table["last_change"])
    later = last > day
    if not later.any():
        return last
    if deals.history is None:
        return np.where(later, _ns(table["created"]), last)
    h = deals.history
    when = _ns(h["entered_at"])
    by = when <= day
    up_to = np.full(len(table), np.iinfo(np.int64).min, dtype=np.int64)
    np.maximum.at(up_to, _deal_rows(table, h)[by], when[by])
    up_to[up_to == np.iinfo(np.int64).min] = day  # no entry by the day: not created yet
    return np.where(later, up_to, last)


def period_counts(
    deals: Deals, period: str = "M", as_of: dt.date | None = None, periods: int | None = None
) -> pd.DataFrame:
    """Per period and stage: the deals that entered the stage in the period, and of those
    the ones that reached the next stage by the as-of date and the ones still open in it.

    Parameters
    ----------
    deals : Deals
        From :func:`read_deals`.
    period : str
        pandas period code: "M" (calendar months), "W" (weeks, Monday to Sunday), "Q".
    as_of : date, optional
        Default: the latest date in the data. Nothing dated after it counts.
    periods : int, optional
        Keep only the last ``periods`` periods up to the one holding ``as_of`` (periods
        without an entry are listed with 0); default: every period from the first entry.

    Returns
    -------
    DataFrame
        period ("2026-01"), start (its first day), stage_index, entered, went_on,
        open_here; one row per period and stage, oldest period first.

    Notes
    -----
    ::

        entered[p, i]   = deals whose entry into stage i falls in period p
        went_on[p, i]   = of those, the deals that entered stage i + 1 by as_of
        open_here[p, i] = of those, the deals open in stage i on as_of

    Stage entry dates, skipped stages and snapshots as in :func:`stage_entries`.

    Examples
    --------
    >>> history = pd.DataFrame({"deal_id": ["a", "a", "b"], "stage": ["Lead", "Won", "Lead"],
    ...     "entered_at": ["2026-01-30", "2026-02-03", "2026-02-01"],
    ...     "status": ["won", "won", "open"]})
    >>> counts = period_counts(read_deals(history, "Lead,Won"))
    >>> counts[["period", "stage_index", "entered", "went_on", "open_here"]].values.tolist()
    [['2026-01', 0, 1, 1, 0], ['2026-01', 1, 0, 0, 0], ['2026-02', 0, 1, 0, 1], ['2026-02', 1, 1, 0, 0]]
    """
    entries = stage_entries(deals, as_of)
    last = pd.Timestamp(as_of if as_of is not None else default_as_of(deals)).to_period(period)
    first = entries["entered_at"].min().to_period(period) if len(entries) else last
    if periods is not None:
        count = v.whole("periods", periods)
        if count < 1:
            raise InputError(f"periods={count} must be 1 or more")
        first = last - (count - 1)
    span = pd.period_range(first, last, freq=first.freq)
    keys = entries["entered_at"].dt.to_period(period)
    kept = entries[keys.isin(span)]
    grouped = kept.groupby([keys[kept.index].astype(str), "stage_index"])
    counts = pd.DataFrame(
        {
            "entered": grouped.size(),
            "went_on": grouped["went_on"].sum(),
            "open_here": grouped["open_here"].sum(),
        }
    )
    full = pd.MultiIndex.from_product(
        [span.astype(str), range(len(deals.stages))], names=["period", "stage_index"]
    )
    out = counts.reindex(full, fill_value=0).astype(int).reset_index()
    starts = dict(zip(span.astype(str), span.start_time.date))
    out.insert(1, "start", out["period"].map(starts))
    return out


def entries_per_period(
    deals: Deals, period: str = "M", as_of: dt.date | None = None
) -> pd.DataFrame:
    """Actual volume per stage and period: one row per period ("2026-01"), one column
    per stage index: the ``entered`` counts of :func:`period_counts`.

    ::

        entered[p, i] = deals whose entry into stage i falls in period p
    """
    counts = period_counts(deals, period, as_of)
    return counts.pivot(index="period", columns="stage_index", values="entered")


def plan_vs_actual(
    deals: Deals,
    planned_rates: Sequence[float],
    target: float,
    period: str = "M",
    rounding: Rounding = "end",
    as_of: dt.date | None = None,
    periods: int | None = None,
) -> pd.DataFrame:
    """Per period and stage: the deals that entered the stage against the planned volume,
    with the cohort's step conversion and its counts.

    Parameters
    ----------
    deals : Deals
        From :func:`read_deals`.
    planned_rates : sequence of float
        The plan's step rates, one per step.
    target : float
        Wins planned per period.
    period, as_of, periods
        As in :func:`period_counts`.
    rounding : {"end", "stage", "none"}
        The plan's rounding (:func:`xlsales.funnel.required_volumes`).

    Returns
    -------
    DataFrame
        period, start, then :class:`xlsales.funnel.PlanGap`'s fields: stage, required
        (the planned volume), actual (entered), variance, on_course, planned_rate,
        actual_rate (went_on / actual), went_on, open_here, ratio (actual / required).

    Notes
    -----
    ::

        required[i]    = required_volumes(target, planned_rates, rounding)[i], each period
        actual[p, i]   = deals whose entry into stage i falls in period p
        ratio[p, i]    = actual[p, i] / required[i]
        actual_rate    = went_on[p, i] / actual[p, i]     (never above 100 %)

    A recurring plan asks every stage for its planned volume in every period
    (docs/definitions.md). The actual rate is the cohort's: of the deals that entered
    stage i in the period, the share that reached stage i + 1 by the as-of date,
    whenever they did; the open count stands beside it.

    References
    ----------
    shared/DOMAIN.md ("Plan against actual"); the funnel planner's Actuals sheet.

    Examples
    --------
    >>> history = pd.DataFrame({"deal_id": ["a", "a", "b", "c"],
    ...     "stage": ["Lead", "Won", "Lead", "Lead"],
    ...     "entered_at": ["2026-01-30", "2026-02-03", "2026-01-31", "2026-02-01"],
    ...     "status": ["won", "won", "lost", "open"]})
    >>> table = plan_vs_actual(read_deals(history, "Lead,Won"), [0.5], 1)
    >>> table[["period", "stage", "required", "actual", "ratio", "actual_rate"]].values.tolist()
    [['2026-01', 'Lead', 2, 2.0, 1.0, 0.5], ['2026-01', 'Won', 1, 0.0, 0.0, None], ['2026-02', 'Lead', 2, 1.0, 0.5, 0.0], ['2026-02', 'Won', 1, 1.0, 1.0, None]]
    """
    if len(planned_rates) != len(deals.stages) - 1:
        raise InputError(
            f"planned_rates has {len(planned_rates)} rate(s) but there are "
            f"{len(deals.stages)} stages: give one rate per step ({len(deals.stages) - 1})"
        )
    counts = period_counts(deals, period, as_of, periods)
    rows = []
    for (key, start), group in counts.groupby(["period", "start"], sort=False):
        gaps = plan_gap(
            group["entered"].tolist(),
            planned_rates,
            target,
            rounding,
            deals.stages,
            went_on=group["went_on"].tolist()[:-1],
            open_here=group["open_here"].tolist(),
        )
        rows += [{"period": key, "start": start, **gap._asdict()} for gap in gaps]
    return _keep_none(rows, ("planned_rate", "actual_rate", "went_on", "ratio"))


def _per_deal(
    last_stages: Sequence, statuses: Sequence, stages: Sequence[str]
) -> tuple[list[str], pd.DataFrame]:
    """Per-row stage index and status for the Excel functions (one row = one deal)."""
    names = _stages(stages)
    last = v.sequence("last_stages", last_stages)
    status = v.sequence("statuses", statuses)
    v.same_length("last_stages", last, "statuses", status)
    lookup = {n.lower(): i for i, n in enumerate(names)}
    furthest, states = [], []
    for i, (stage, state) in enumerate(zip(last, status)):
        key = str(stage).strip().lower() if stage is not None else ""
        if key not in lookup:
            raise InputError(
                f"last_stages[{i}]={stage!r} is not one of the stages: {', '.join(names)}"
            )
        text = str(state).strip().lower() if state is not None else ""
        text = text or "open"
        if text not in STATUSES:
            raise InputError(f"statuses[{i}]={state!r} must be open, won or lost")
        furthest.append(len(names) - 1 if text == "won" else lookup[key])
        states.append(text)
    return names, pd.DataFrame({"furthest": furthest, "status": states})


def conversion_from_stages(
    last_stages: Sequence, statuses: Sequence, stages: Sequence[str]
) -> pd.DataFrame:
    """:func:`conversion` from one column of last-reached stages and one of statuses.

    ::

        entered[i]   = deals whose last stage is i or later (won deals: the last stage)
        went_on[i]   = entered[i + 1]
        open_here[i] = open deals whose last stage is i
        rate[i]      = went_on[i] / entered[i]

    >>> conversion_from_stages(["Won", "Proposal", "Lead", "Lead"], ["won", "lost", "lost", "open"],
    ...                        ["Lead", "Proposal", "Won"])["rate"].tolist()
    [0.5, 0.5, None]
    """
    names, table = _per_deal(last_stages, statuses, stages)
    is_open = (table["status"] == "open").to_numpy()
    return _count_table(names, *_counts(table["furthest"].to_numpy(), is_open, len(names)))


def days_since(dates: Sequence, as_of: dt.date, name: str = "dates") -> list[int]:
    """Whole days from each date to ``as_of`` (days in the current stage).

    >>> days_since([dt.date(2026, 1, 1), dt.date(2026, 1, 31)], dt.date(2026, 2, 1))
    [31, 1]
    """
    out = []
    for i, day in enumerate(v.sequence(name, dates)):
        if not isinstance(day, dt.date):
            raise InputError(f"{name}[{i}]={day!r} is not a date")
        day = day.date() if isinstance(day, dt.datetime) else day
        if day > as_of:
            raise InputError(f"{name}[{i}]={day} is after as_of={as_of}")
        out.append((as_of - day).days)
    return out


def stalled_flags(
    last_stages: Sequence,
    last_changes: Sequence,
    statuses: Sequence,
    stages: Sequence[str],
    stall_days: float | Sequence[float],
    as_of: dt.date,
) -> list[bool]:
    """Per deal: open and idle longer than its stage's limit (see :func:`stalled`).

    ``stall_days`` is one limit or one per stage.

    >>> stalled_flags(["Lead", "Lead", "Won"], [dt.date(2026, 1, 1)] * 3, ["open", "lost", "won"],
    ...               ["Lead", "Won"], 30, dt.date(2026, 3, 1))
    [True, False, False]
    """
    names, table = _per_deal(last_stages, statuses, stages)
    idle = days_since(last_changes, as_of, "last_change_dates")
    v.same_length("last_stages", list(table["furthest"]), "last_change_dates", idle)
    if isinstance(stall_days, (int, float)) and not isinstance(stall_days, bool):
        limits = [v.non_negative("stall_days", stall_days)] * len(names)
    else:
        limits = [
            v.non_negative(f"stall_days[{i}]", x)
            for i, x in enumerate(v.sequence("stall_days", stall_days))
        ]
        v.same_length("stages", names, "stall_days", limits)
    return [
        state == "open" and days > limits[stage]
        for stage, state, days in zip(table["furthest"], table["status"], idle)
    ]


def measured_plan(deals: Deals, as_of: dt.date | None = None) -> tuple[list[float], list[float]]:
    """The measured step rates and median stage days, ready for a funnel plan.

    The rates are :func:`conversion`'s (open deals count as not converted), the days
    :func:`stage_durations`' medians, both as of ``as_of`` (default: the latest date in
    the data). Raises ``UndefinedError`` when a step has no entered deal or a rate of 0
    (a plan through it would need infinitely many leads). Stage days are 0 for a
    snapshot.
    """
    rates = conversion(deals, as_of=as_of)["rate"].tolist()[:-1]
    for stage, rate in zip(deals.stages, rates):
        if rate is None or rate == 0:
            raise UndefinedError(
                f"the measured rate from {stage} is {'undefined' if rate is None else 0}: "
                "no plan can be worked back through it"
            )
    if deals.history is None:
        return rates, [0.0] * len(rates)
    days = stage_durations(deals, as_of)["median_days"].tolist()
    return rates, [0.0 if d is None else float(d) for d in days]
