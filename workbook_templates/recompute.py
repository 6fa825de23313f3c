"""Per-template recalculation for ``xlsales verify``: thin adapters that read a workbook's
own inputs and rows, call the core (:mod:`xlsales`) and say which value each formula
cell should hold. Each returns ((sheet, row, column), expected value) pairs and a
one-line note.

The columns are found by the headers of the template's own :class:`TableSpec`, so an
adapter follows the template when its columns change; a computed column that the core
does not produce is not recalculated (the formula check still holds it to its pattern).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import numpy as np
import pandas as pd

from workbook_templates.xlsx_reader import SheetInfo, TableInfo, WorkbookInfo, split_range, text_of
from workbook_templates.xlsx_reader import plain as _plain
from xlsales.errors import XlsalesError

EPOCH = dt.datetime(1899, 12, 30)  # day 0 of Excel's 1900 date system (after 28 Feb 1900)


def _table(book: WorkbookInfo, name: str) -> tuple[SheetInfo, TableInfo] | None:
    for sheet in book.sheets.values():
        for table in sheet.tables:
            if table.name == name:
                return sheet, table
    return None


def table_columns(table: TableInfo, headers: dict[str, str]) -> dict[str, int]:
    """key -> sheet column of each of ``headers`` (key -> header) the table has."""
    first = table.bounds[1]
    return {
        key: first + table.columns.index(head)
        for key, head in headers.items()
        if head in table.columns
    }


def table_frame(sheet: SheetInfo, table: TableInfo, columns: dict[str, int]) -> pd.DataFrame:
    """The table's rows, one column per key of ``columns`` (key -> sheet column), with
    ``_row``, the sheet row."""
    rows = table.data_rows
    frame = pd.DataFrame(
        {key: sheet.cells.column_values(col, rows) for key, col in columns.items()}
    )
    frame["_row"] = np.arange(rows.start, rows.stop)
    return frame


def _value(book: WorkbookInfo, name: str) -> object:
    from workbook_templates.verify import name_value

    return name_value(book, name)


def name_target(book: WorkbookInfo, name: str) -> tuple[str, str] | None:
    from workbook_templates import verify

    return verify.name_target(book, name)


def account_matrix(book: WorkbookInfo) -> tuple[list, str]:
    """The account matrix: every per-account column that :func:`xlsales.accounts.
    account_matrix` computes, from the Accounts table and the rules on Inputs."""
    from workbook_templates import account_matrix as template
    from xlsales import accounts

    found = _table(book, template.TABLE)
    if found is None:
        return [], f"no table {template.TABLE}: nothing recalculated"
    sheet, table = found
    columns = table_columns(table, template.SPEC.headers)
    inputs = [key for key, _head, *_rest, formula in template.SPEC.specs if not formula]
    frame = table_frame(sheet, table, {k: columns[k] for k in inputs if k in columns})
    names = {
        "a": "ALimit",
        "b": "BLimit",
        "go_max_class": "GoMaxClass",
        "min_return_on_effort": "MinReturnOnEffort",
    }
    fields = accounts.AccountRules.__dataclass_fields__
    rules = accounts.AccountRules(
        **{
            key: _value(book, name)
            for key, name in names.items()
            if key in fields and _value(book, name) is not None
        }
    )
    filled = frame[(_texts(frame["account"]) != "").to_numpy()].copy()
    if filled.empty:
        return [], "no account rows: nothing to recalculate"
    for key in ("owner", "cluster", "icp_fit", "influenceable", "account", "manual"):
        if key in filled:
            filled[key] = _texts(filled[key]).to_numpy()
    for key in template.AMOUNTS:  # a text or TRUE counts as 0 (N()), a blank stays blank
        if key in filled:
            number = _isnumber(filled[key])
            filled[key] = np.where(_blank(filled, key), number, np.nan_to_num(number, nan=0.0))
    filled = filled.rename(columns={"manual": "manual_decision"})
    hours = _owner_hours(book)
    try:
        result = accounts.account_matrix(filled, rules)
        plan = accounts.capacity_plan(result, hours)
    except (XlsalesError, TypeError, ValueError) as exc:
        row_checks, states = _account_row_checks(book, frame)
        cells = row_check_cells(sheet.name, columns, frame["_row"], states)
        return cells + check_states(book, cells, row_checks), (
            f"the core cannot recalculate these rows: {exc}"
        )
    computed = [
        key
        for key, _head, *_rest, formula in template.SPEC.specs
        if formula and key in result.columns and key in columns
    ]
    expected: list = [
        (sheet.name, columns[key], result["_row"].to_numpy(), result[key].to_numpy())
        for key in computed
    ]
    position = {row: i for i, row in enumerate(result["_row"].tolist())}
    first = table.data_rows.start
    expected += _linked(book, template.FOCUS_SPEC, result, position, first, FOCUS_KEYS)
    per_account = plan.set_index("row").sort_index()
    per_account["per_hour"] = per_account["profit_per_hour"].map(
        lambda v: "no effort" if v is None else v
    )
    expected += _linked(book, template.PLAN_SPEC, per_account, position, first, PLAN_KEYS)
    if "fits" in columns:  # Accounts' Fits capacity: the account's row of the capacity plan
        rows = result["_row"].to_numpy()
        expected.append((sheet.name, columns["fits"], rows, per_account["fits"].to_numpy()))
    expected += _account_facts(book, result, plan, filled, len(frame), hours)
    expected += _per_owner(book, accounts.capacity(result, hours, plan))
    expected += _per_cluster(book, accounts.cluster_summary(result))
    abc = result["abc"].value_counts()
    limits = [_number_or_none(_value(book, name)) for name in ("ALimit", "BLimit")]
    row_checks, states = _account_row_checks(book, frame)
    expected += row_check_cells(sheet.name, columns, frame["_row"], states)
    links, linked_cells = _focus_plan_links(book, sheet, table, result, plan, len(hours))
    expected += linked_cells
    checks: dict[str, object] = {
        **row_checks,
        **_account_sum_checks(book, result),
        "Focus and Capacity plan rows not one per account": links,
        "GO accounts that do not fit capacity": int((plan["fits"] == "no").sum()),
        "A + B + C accounts minus table rows": int(sum(abc.get(c, 0) for c in "ABC")) - len(frame),
    }
    if None not in limits:
        checks["ABC limits in order"] = limits[1] - limits[0]
    expected += check_states(book, expected, checks)
    return expected, (
        f"{len(result)} accounts recalculated by xlsales.accounts: account_matrix "
        f"({', '.join(computed)}), the Focus and Capacity plan tables, capacity_plan, "
        "capacity and cluster_summary (Summary, Capacity and Clusters), and Checks"
    )


def row_check_cells(sheet: str, columns: dict[str, int], rows, states: dict) -> list:
    """Column blocks of a table's per-row check columns: each key of ``states`` (key ->
    TRUE / FALSE per row of ``rows``) that the table has (``columns``: key -> sheet
    column) expects its row's state."""
    rows = np.asarray(rows, dtype=np.int64)
    return [
        (sheet, columns[key], rows, np.asarray(ok, dtype=bool))
        for key, ok in states.items()
        if key in columns
    ]


def _account_row_checks(book: WorkbookInfo, frame: pd.DataFrame) -> tuple[dict, dict]:
    """The Accounts rows' checks, from the table as typed (every row): inputs that break
    a rule (the "inputs valid" column's rule: an amount blank or a number within its
    limits, ISNUMBER's reading: a text, "600" too, or a truth value is none; texts match
    ignoring case), the amounts that are no number, rows out of revenue order (a row's
    revenue above the number in the row above, a text above every number), and manual
    decisions without a reason (TRIM: spaces only): the Checks values, and each row's
    state of the "inputs valid" and "in revenue order" columns (key -> TRUE / FALSE per
    row)."""
    from workbook_templates import account_matrix as template

    account = _texts(frame["account"]).to_numpy()
    number, blank, not_number = _amount_cells(frame, template.AMOUNTS)
    revenue, margin = number["revenue"], number["gross_margin"]
    text_revenue = _is_text(frame["revenue"])

    def yes_no(key: str) -> np.ndarray:
        return _texts(frame[key]).str.lower().isin(["yes", "no"]).to_numpy()

    manual = _texts(frame["manual"]).str.strip(" ")
    valid = (account == "") | (
        # OR(LEN(x)=0,AND(ISNUMBER(x),x>=0)) for each amount; the margin at most 1 too
        (blank["revenue"] | (revenue >= 0))
        & (blank["gross_margin"] | ((margin >= 0) & (margin <= 1)))
        & (blank["effort_hours"] | (number["effort_hours"] >= 0))
        & (blank["hourly_cost"] | (number["hourly_cost"] >= 0))
        & yes_no("icp_fit")
        & yes_no("influenceable")
        & _in_list(book, "ClusterList", frame["cluster"])
        & manual.str.upper().isin(["", "GO", "NO-GO"]).to_numpy()
    )
    above = np.concatenate([[np.nan], revenue[:-1]])  # the header above the first row
    current = np.where(_blank(frame, "revenue"), 0.0, revenue)
    out_of_order = ~np.isnan(above) & (text_revenue | ~(current <= above))
    reason = _texts(frame["reason"]).str.strip(" ")
    values = {
        "Account rows whose inputs break a rule": int((~valid).sum()),
        "Account rows out of revenue order": int(out_of_order.sum()),
        "Manual decisions without a reason": int(((manual != "") & (reason == "")).sum()),
        **{
            f"Accounts {key} cells that are not numbers": int(not_number[key].sum())
            for key in template.AMOUNTS
        },
    }
    return values, {"check_inputs": valid, "check_order": ~out_of_order}


def _focus_plan_links(
    book: WorkbookInfo, sheet: SheetInfo, table: TableInfo, result, plan, owners: int
) -> tuple[int, list]:
    """The Focus and Capacity plan rows that are not one per account, out of order or
    not linked: each table's rows against the Accounts rows, each row's link (its
    account's "focus rank" / "plan row" on Accounts equals its own), and its order
    (Focus: profit after effort, largest first; Capacity plan: owner number, then
    profit after effort per hour, largest first) with the core's figures of the
    account it links to (:func:`xlsales.accounts.capacity_plan`'s owner number and
    profit per hour; a blank Accounts row: 0, and no owner: the number after the
    ``owners`` listed): the count, and each row's "linked to its account" and "in ...
    order" cells. A link outside the table is an error in the sheet, not a FALSE: not
    counted, and neither its cells nor (on Capacity plan, whose order reads the row
    above through N()) the order cell below it are judged."""
    from workbook_templates import account_matrix as template

    rows = table.data_rows
    n = len(rows)
    at = result["_row"].to_numpy() - rows.start
    profit = np.zeros(n)
    effort = np.zeros(n)
    per_hour_of = np.zeros(n)
    owner_number = np.full(n, owners + 1.0)  # as a blank or unlisted owner
    profit[at] = result["profit"].to_numpy(dtype=float)
    effort[at] = result["effort_hours"].to_numpy(dtype=float)
    mapped = at[plan["row"].to_numpy()]  # plan order -> the account's table row
    owner_number[mapped] = plan["owner_number"].to_numpy(dtype=float)
    per_hour_of[mapped] = plan["profit_per_hour"].astype(float).fillna(0.0).to_numpy()
    heads = template.SPEC.headers
    mine = table_columns(table, {"focus_rank": heads["focus_rank"], "plan_row": heads["plan_row"]})
    total, cells = 0, []
    for spec, own_key, back_key in (
        (template.FOCUS_SPEC, "rank", "focus_rank"),
        (template.PLAN_SPEC, "plan_row", "plan_row"),
    ):
        found = _table(book, spec.name)
        if found is None or back_key not in mine:
            total += n
            continue
        other, linked = found
        total += abs(len(linked.data_rows) - n)
        columns = table_columns(linked, spec.headers)
        links = _numbers(other.cells.column_values(columns["account_row"], linked.data_rows))
        own = _numbers(other.cells.column_values(columns[own_key], linked.data_rows))
        back = np.nan_to_num(_numbers(sheet.cells.column_values(mine[back_key], rows)))
        valid = (links >= 1) & (links <= n) & (links == np.floor(links))
        pick = np.where(valid, np.nan_to_num(links), 1).astype(np.int64) - 1
        link_ok = back[pick] == np.nan_to_num(own)
        above = np.concatenate([[True], valid[:-1]])  # the header above the first row
        if spec is template.FOCUS_SPEC:  # profit, largest first; not a number above: TRUE
            key = profit[pick]
            order_ok = ~above | (key <= np.concatenate([[np.inf], key[:-1]]))
            judged = valid
        else:  # owner number, then profit per hour, largest first
            number, hours, per_hour = owner_number[pick], effort[pick], per_hour_of[pick]
            prev_number = np.concatenate([[0.0], number[:-1]])
            prev_hours = np.concatenate([[0.0], hours[:-1]])
            prev_per = np.concatenate([[0.0], per_hour[:-1]])
            order_ok = (number > prev_number) | (
                (number == prev_number)
                & ((prev_hours == 0) | ((hours > 0) & (per_hour <= prev_per)))
            )
            judged = valid & above  # N() of an error above is an error
        total += int((valid & ~link_ok).sum()) + int((judged & ~order_ok).sum())
        sheet_rows = np.arange(linked.data_rows.start, linked.data_rows.stop)
        for key, ok, where in (("check_link", link_ok, valid), ("check_order", order_ok, judged)):
            cells += row_check_cells(other.name, columns, sheet_rows[where], {key: ok[where]})
    return total, cells


def _in_list(book: WorkbookInfo, name: str, values) -> np.ndarray:
    """True where a cell's text is one of the named list's items ignoring case, as
    COUNTIF compares (a blank passes only when the list has an empty slot)."""
    slots = _named_range(book, name)
    listed = {str(s).lower() for s in slots if s not in (None, "")}
    typed = _texts(values).str.lower()
    blank_slot = any(s in (None, "") for s in slots)
    return (typed.isin(listed) | (typed.eq("") & blank_slot)).to_numpy()


def _is_text(values) -> np.ndarray:
    """True where a cell holds a text (or a truth value: above every number too)."""
    series = pd.Series(values, dtype=object)
    return series.map(lambda v: isinstance(v, (str, bool)) and v != "").to_numpy(dtype=bool)


def _blank(frame: pd.DataFrame, key: str) -> np.ndarray:
    return (_texts(frame[key]) == "").to_numpy()


def _account_sum_checks(book: WorkbookInfo, result: pd.DataFrame) -> dict[str, object]:
    """The checks that add up the Clusters and Capacity sheets, from the core's accounts
    (:func:`xlsales.accounts.account_matrix`): each listed cluster's accounts by name
    ignoring case, slot by slot as the Clusters sheet's SUMIFS. The hours check is 0 by
    construction: the Capacity sheet's UnlistedOwnerHours is TotalEffort minus the
    listed owners' GO and NO-GO hours, so the check (listed + unlisted - TotalEffort)
    is 0 but for each engine's rounding, which the Tolerance absorbs (see
    :func:`check_states`)."""
    by_cluster = result.groupby(result["cluster"].str.lower())["revenue"].agg(["sum", "size"])
    slots = [str(c).lower() for c in _named_range(book, "ClusterList") if c not in (None, "")]
    revenue = float(sum(by_cluster["sum"].get(c, 0.0) for c in slots))
    count = int(sum(by_cluster["size"].get(c, 0) for c in slots))
    return {
        "Revenue by cluster minus total revenue": revenue - float(result["revenue"].sum()),
        "Accounts by cluster minus accounts": count - len(result),
        "Hours by owner": 0.0,
    }


# Focus and Capacity plan: table key -> column of the core's frame, for each row's
# account (found by the row's "account row", a position in the Accounts table).
FOCUS_KEYS = {"account": "account", "profit": "profit", "abc_profit": "abc_profit"}
PLAN_KEYS = {
    "account": "account",
    "owner": "owner",
    "decision": "decision",
    "effort_hours": "effort_hours",
    "profit": "profit",
    "per_hour": "per_hour",
    "go_hours": "go_hours",
    "running": "running_hours",
    "available": "hours_available",
    "fits": "fits",
}


def _owner_hours(book: WorkbookInfo) -> dict[str, float]:
    """The owners listed on Inputs (OwnerList) and their hours (OwnerHoursList)."""
    owners, hours = _named_range(book, "OwnerList"), _named_range(book, "OwnerHoursList")
    out: dict[str, float] = {}
    for owner, value in zip(owners, hours):
        if owner not in (None, "") and str(owner) not in out:
            out[str(owner)] = value if isinstance(value, (int, float)) else 0.0
    return out


def _named_range(book: WorkbookInfo, name: str) -> list[object]:
    """The values of a one-column defined range, top to bottom."""
    target = name_target(book, name)
    if target is None or target[0] not in book.sheets:
        return []
    r1, c1, r2, _c2 = split_range(target[1])
    return book.sheets[target[0]].cells.column_values(c1, range(r1, r2 + 1))


def _numbers(values) -> np.ndarray:
    """Cell values as floats: NaN for a blank, a text or a truth value."""
    if getattr(values, "dtype", None) is not None and values.dtype.kind == "f":
        return np.asarray(values, dtype=float)  # a column of numbers only, as read
    series = pd.Series(values, dtype=object)
    numbers = pd.to_numeric(series.where(~series.map(type).isin([bool])), errors="coerce")
    return numbers.to_numpy(dtype=float)


def _amount_cells(frame, keys) -> tuple[dict, dict, dict]:
    """Per amount column: its numbers as ISNUMBER reads them (NaN: blank, a text or
    TRUE), where it is blank, and where it holds something that is no number."""
    number = {key: _isnumber(frame[key]) for key in keys}
    blank = {key: _blank(frame, key) for key in keys}
    return number, blank, {key: ~blank[key] & np.isnan(number[key]) for key in keys}


def _isnumber(values) -> np.ndarray:
    """Cell values as floats where Excel's ISNUMBER is TRUE, NaN elsewhere: a blank, a
    truth value and any text, "600" too (:func:`_numbers` reads "600" as 600)."""
    if getattr(values, "dtype", None) is not None and values.dtype.kind == "f":
        return np.asarray(values, dtype=float)  # a column of numbers only, as read
    series = pd.Series(values, dtype=object)
    number = series.map(lambda v: isinstance(v, (int, float)) and not isinstance(v, bool))
    return pd.to_numeric(series.where(number), errors="coerce").to_numpy(dtype=float)


def _linked(book, spec, frame, position, first, keys) -> list:
    """Expected values of a table whose rows point to an account of Accounts by its
    "account row" (Focus, Capacity plan): ``frame`` holds the core's figures per
    account, in the order of Accounts."""
    found = _table(book, spec.name)
    if found is None:
        return []
    sheet, table = found
    columns = table_columns(table, spec.headers)
    if "account_row" not in columns:
        return []
    rows = table.data_rows
    links = _numbers(sheet.cells.column_values(columns["account_row"], rows))
    given = ~np.isnan(links)
    targets = first + np.trunc(links[given]).astype(np.int64) - 1  # the account's sheet row
    at = pd.Index(list(position)).get_indexer(targets)
    found_at = at >= 0
    sheet_rows = np.arange(rows.start, rows.stop)[given][found_at]
    picks = np.array(list(position.values()), dtype=np.int64)[at[found_at]]
    return [
        (sheet.name, columns[key], np.array(sheet_rows), frame[source].to_numpy()[picks])
        for key, source in keys.items()
        if key in columns and source in frame
    ]


def _account_facts(book, result, plan, filled, table_rows, hours) -> list:
    """The named facts of Summary and Capacity, from the core's figures."""
    from xlsales import accounts

    abc, by_profit = result["abc"], result["abc_profit"]
    go = result["decision"] == "GO"
    available = sum(hours.values())
    facts: dict[str, object] = {
        "AccountCount": len(result),
        "AccountRows": table_rows,
        "TotalRevenue": result["revenue"].sum(),
        "TotalProfit": result["profit"].sum(),
        "TotalPositiveProfit": result["profit"].clip(lower=0).sum(),
        "TotalEffort": result["effort_hours"].sum(),
        "ProfitMedian": result["profit"].median(),
        "EffortMedian": result["effort_hours"].median(),
        **{f"Count{c}": int((abc == c).sum()) for c in "ABC"},
        **{f"Profit{c}": int((by_profit == c).sum()) for c in "ABC"},
        "CountSuggestedGo": int((result["suggested"] == "GO").sum()),
        "CountManual": int((result["manual_decision"] != "").sum()),
        "CountGo": int(go.sum()),
        "CountFit": int((plan["fits"] == "yes").sum()),
        "OutsideIcpShare": accounts.outside_icp_share(result),
        "NotFitCount": int((plan["fits"] == "no").sum()),
        "PlanVerdict": accounts.plan_verdict(result, hours, plan),
        "TeamLoad": result.loc[go, "effort_hours"].sum() / available
        if available
        else "no hours set",
    }
    return _named(book, facts)


OWNER_LABELS = {
    "accounts": "accounts",
    "GO accounts": "go_accounts",
    "hours needed (GO)": "hours_needed",
    "hours freed (NO-GO)": "hours_freed",
    "hours available": "hours_available",
    "Load": "load",
    "GO accounts that fit": "fitting",
    "status": "status",
}
CLUSTER_LABELS = {
    "accounts": "accounts",
    "revenue": "revenue",
    "effort hours": "effort_hours",
    "profit after effort": "profit",
    "A accounts": "a_accounts",
    "share of A accounts": "a_share",
}


def _per_owner(book: WorkbookInfo, owners: pd.DataFrame) -> list:
    """The Capacity sheet's row of each listed owner (found by its name in column A)."""
    owners = owners.assign(
        status=owners["over_capacity"].map({True: "OVER CAPACITY", False: "ok"}),
        load=[
            load if load is not None else "no hours needed" if needed == 0 else "no hours set"
            for load, needed in zip(owners["load"], owners["hours_needed"])
        ],
    )
    return _labelled_rows(book, "Capacity", owners.set_index("owner"), OWNER_LABELS)


def _per_cluster(book: WorkbookInfo, clusters: pd.DataFrame) -> list:
    """The Clusters sheet's row of each cluster (found by its name in column A)."""
    return _labelled_rows(book, "Clusters", clusters.set_index("cluster"), CLUSTER_LABELS)


def _labelled_rows(book, sheet_name: str, frame: pd.DataFrame, labels: dict) -> list:
    sheet = book.sheets.get(sheet_name)
    if sheet is None:
        return []
    where = _by_header(sheet, labels)
    column = sheet.cells.columns.get(1)
    out = []
    for row in [] if column is None else column.rows.tolist():
        name = sheet.cells.value((row, 1))
        if row <= 4 or not isinstance(name, str) or name not in frame.index:
            continue
        figures = frame.loc[name]
        out += [((sheet_name, row, c), _plain(figures[key])) for key, c in where.items()]
    return out


def serial_date(value: object) -> dt.date | None:
    """An Excel date serial (or a date) as a date; None for a blank."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value == value:
        return (EPOCH + dt.timedelta(days=float(value))).date()
    return None  # blank (None or NaN)


def serial(day: object) -> object:
    """A date as the serial number Excel stores; anything else unchanged."""
    if isinstance(day, pd.Timestamp):
        day = day.date()
    if isinstance(day, dt.date):
        return (dt.datetime.combine(day, dt.time()) - EPOCH).days
    return day


def _by_header(sheet: SheetInfo, labels: dict[str, str], row: int = 4) -> dict[str, int]:
    """key -> column of each header label in ``labels`` (label -> key) found on ``row``."""
    return {
        labels[label]: c
        for c, label in sheet.cells.row(row).items()
        if isinstance(label, str) and label in labels
    }


def _rows_by_first_column(sheet: SheetInfo, first: int = 5) -> dict[int, int]:
    """The number in column A -> its row, for the numbered rows (blocks, weeks)."""
    out = {}
    column = sheet.cells.columns.get(1)
    if column is None:
        return out
    for r in column.rows.tolist():
        if r >= first:
            value = sheet.cells.value((r, 1))
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                out[int(value)] = r
    return out


BLOCK_LABELS = {
    "starts": "start",
    "ends": "end",
    "payoff window ends": "payoff_ends",
    "status": "status",
    "activities": "activities",
    "new prospects": "prospects",
    "pipeline": "pipeline",
    "wins": "wins",
    "revenue won": "revenue",
}
WEEK_LABELS = {"activities": "activities", "activities in the last 30 days": "rolling"}


def prospecting_log(book: WorkbookInfo) -> tuple[list, str]:
    """The prospecting log: the Blocks sheet (activities, new prospects and their payoff
    per block) by :func:`xlsales.prospecting.payoff_blocks` and the Weeks sheet (weekly
    and rolling 30-day activity, team and per rep) by
    :func:`xlsales.prospecting.rolling_activity`, from the Log table and the Inputs."""
    from workbook_templates import prospecting_log as template
    from xlsales import prospecting

    spec = template.LOG_SPEC
    found = _table(book, spec.name)
    if found is None:
        return [], f"no table {spec.name}: nothing recalculated"
    sheet, table = found
    columns = table_columns(table, spec.headers)
    inputs = [key for key, _head, *_rest, formula in spec.specs if not formula]
    raw = table_frame(sheet, table, {k: columns[k] for k in inputs if k in columns})
    frame = raw[raw["date"].map(lambda v: serial_date(v) is not None)].copy()
    for key in ("date", "won_date"):
        frame[key] = frame[key].map(serial_date)
    for key in ("pipeline_value", "won_value"):  # a blank, a text or TRUE counts as 0
        frame[key] = np.nan_to_num(_isnumber(frame[key]), nan=0.0)
    for key in ("rep", "type", "prospect", "outcome"):
        if key in frame:
            frame[key] = frame[key].map(lambda v: "" if v is None else str(v))
    start, as_of = serial_date(_value(book, "ReportStart")), serial_date(_value(book, "AsOf"))
    block_days, payoff_days = _value(book, "BlockDays"), _value(book, "PayoffDays")
    if start is None or as_of is None or block_days is None or payoff_days is None:
        return [], "ReportStart, AsOf, BlockDays or PayoffDays is blank: nothing recalculated"
    expected: list = []
    minutes = {
        str(kind): value
        for kind, value in zip(_named_range(book, "TypeList"), _named_range(book, "TypeMinutes"))
        if kind not in (None, "") and isinstance(value, (int, float))
    }
    try:  # once, for the Prospects table and the blocks
        people = prospecting.prospects(
            frame, as_of, start, int(block_days), int(payoff_days), minutes
        )
        problem = None
    except (XlsalesError, TypeError, ValueError, KeyError) as exc:
        people, problem = None, exc
    values, states, row_states = _log_checks(book, raw, frame, as_of)
    expected += row_check_cells(sheet.name, columns, raw["_row"], row_states)
    try:
        blocks = prospecting.payoff_blocks(
            frame, start, as_of, int(block_days), int(payoff_days), people=people
        )
        blocks["status"] = blocks["closed"].map({True: "closed", False: "open"})
        if "Blocks" in book.sheets:
            ws = book.sheets["Blocks"]
            where, rows = _by_header(ws, BLOCK_LABELS), _rows_by_first_column(ws)
            for _, block in blocks.iterrows():
                row = rows.get(int(block["block"]))
                if row is not None:
                    expected += [
                        (("Blocks", row, c), _plain(serial(block[key]))) for key, c in where.items()
                    ]
        if "Weeks" in book.sheets:
            ws = book.sheets["Weeks"]
            reps = template.rep_names(frame, as_of) if len(frame) else []
            labels = {**WEEK_LABELS, **{rep: f"rolling_{rep}" for rep in reps}}
            where, rows = _by_header(ws, labels), _rows_by_first_column(ws)
            weeks = prospecting.rolling_activity(frame, start, as_of, reps, int(block_days))
            for _, week in weeks.iterrows():
                row = rows.get(int(week["week"]))
                if row is not None:
                    expected += [(("Weeks", row, c), _plain(week[key])) for key, c in where.items()]
    except (XlsalesError, TypeError, ValueError, KeyError) as exc:
        row_cells = row_check_cells(sheet.name, columns, raw["_row"], row_states)
        checked = check_states(book, [], values, states)  # those that need no blocks
        return row_cells + checked, f"the core cannot recalculate these rows: {exc}"
    note = f"{len(frame)} activities in {len(blocks)} blocks by xlsales.prospecting"
    if "minutes" in columns:
        expected.append(
            (
                sheet.name,
                columns["minutes"],
                frame["_row"].to_numpy(),
                frame["type"].map(lambda kind: float(minutes.get(kind, 0))).to_numpy(),
            )
        )
    if people is None:
        expected += check_states(book, expected, values, states)
        return expected, f"{note}; the Prospects table not recalculated: {problem}"
    expected += _prospect_rows(book, template.PROSPECT_SPEC, people)
    summary, facts = _log_summary(
        book, frame, people, blocks, start, as_of, int(block_days), int(payoff_days)
    )
    expected += summary
    whole = all(
        _is_number(d) and d >= 1 and float(d).is_integer() for d in (block_days, payoff_days)
    )
    checks: dict[str, object] = {
        **values,
        "Block length and payoff window": whole,
        "Activities in blocks + before the report start": int(blocks["activities"].sum())
        + facts["ActivitiesBefore"]
        - facts["ActivityCount"],
    }
    if "RepActivities" in facts:
        checks["Activities up to the as-of date by reps"] = (
            facts["ActivityCount"] - facts["RepActivities"]
        )
    expected += check_states(book, expected, checks, states)
    return expected, (
        f"{note}, the Log minutes, the Prospects table (prospects), the Summary facts "
        "(left_out, rates, working_days, activities_needed_per_day, revenue_projection), "
        "the Reps table and Checks"
    )


def _log_checks(book: WorkbookInfo, raw: pd.DataFrame, frame: pd.DataFrame, as_of) -> tuple:
    """The log's row checks that need no prospects table from the core: each Log row's
    inputs (the rule of its "inputs valid" column: a blank row has every activity input
    blank; an amount blank or a number of 0 or more, a text or a truth value is none;
    a won value on a row with no date counts nowhere, the core reading dated rows only), the amounts that are no number, the wins
    dated before their prospect's first activity
    and the activities of prospects not listed on Prospects (names ignoring case; a
    prospect's first activity is its earliest dated row, or the as-of date), and the
    two "left out" rows by :func:`xlsales.prospecting.left_out`: (values, states, each
    row's state of the "inputs valid" column)."""
    from workbook_templates import prospecting_log as template
    from xlsales import prospecting

    dates = _isnumber(raw["date"])
    dated = ~np.isnan(dates)
    name = _texts(raw["prospect"]).str.lower().to_numpy()
    amounts = ("pipeline_value", "won_value")
    number, blank, not_number = _amount_cells(raw, amounts)
    won, won_blank = number["won_value"], blank["won_value"]
    won_dates = _isnumber(raw["won_date"])
    # a blank row: every activity input blank (LEN(date&rep&...&won_date)=0); a row with
    # an amount, a won date or a rep but no date is none, and breaks the rule
    blank_row = np.logical_and.reduce(
        [_blank(raw, key) for key in template.ACTIVITY_INPUTS if key in raw]
    )
    ok = blank_row | (
        dated
        & (name != "")
        # OR(LEN(x)=0,AND(ISNUMBER(x),x>=0)) for each amount
        & (blank["pipeline_value"] | (number["pipeline_value"] >= 0))
        & (won_blank | (won >= 0))
        & ((won == 0) | won_blank | ~np.isnan(won_dates))
        & _in_list(book, "TypeList", raw["type"])
    )
    day = serial(as_of)
    keys = pd.Series(name)
    first = pd.Series(np.where(dated, dates, np.inf)).groupby(keys).min().clip(upper=day)
    early = (won > 0) & (won_dates < keys.map(first).to_numpy())
    counted = keys[dated & (dates <= day)].value_counts()
    before_first = keys[early].value_counts()
    listed: list[str] = []
    found = _table(book, template.PROSPECT_SPEC.name)
    if found is not None:
        sheet, table = found
        column = table_columns(table, {"prospect": "prospect"}).get("prospect")
        if column is not None:
            listed = _texts(sheet.cells.column_values(column, table.data_rows)).str.lower()
            listed = listed.tolist()
    after = prospecting.left_out(frame, as_of)
    in_log = int(((won > 0) & (won_dates > 0)).sum())  # COUNTIFS(won_value, ">0", won_date, ">0")
    activity_count = int((dated & (dates <= day)).sum())
    wins_counted = int(((_numbers(frame["won_value"]) > 0) & frame["won_date"].notna()).sum())
    values = {
        "Log rows whose inputs break a rule": int((~ok).sum()),
        "Log won_value cells that are not numbers": int(not_number["won_value"].sum()),
        "Log pipeline_value cells that are not numbers": int(not_number["pipeline_value"].sum()),
        "Wins dated before the first activity": int(sum(before_first.get(n, 0) for n in listed)),
        "Activities up to the as-of date on prospects not listed": activity_count
        - int(sum(counted.get(n, 0) for n in listed)),
        "Wins left out by the as-of date": f"{int(after['wins_after'])} wins worth "
        f"{_fixed(after['won_after'])} dated after the as-of date, not counted",
        "Activities left out by the as-of date": f"{int(after['activities_after'])} activities "
        "dated after the as-of date, not counted",
    }
    states = {
        "Wins left out by the as-of date": wins_counted == in_log,
        "Activities left out by the as-of date": activity_count + after["activities_after"]
        == int(dated.sum()),
    }
    return values, states, {"check_inputs": ok}


def _fixed(value: float) -> str:
    """Excel's FIXED(value, 0): rounded half away from zero, thousands separated; every
    digit of a float up to 1.8e308 kept (Decimal's default 28 digits would refuse 1e30)."""
    from decimal import ROUND_HALF_UP, Context, Decimal

    exact = Decimal(repr(float(value)))
    return f"{exact.quantize(Decimal(1), ROUND_HALF_UP, context=Context(prec=400)):,}"


def _log_summary(book, frame, people, blocks, start, as_of, block_days, payoff_days) -> list:
    """The prospecting log's Summary facts and Reps table from :func:`xlsales.prospecting.
    left_out`, :func:`~xlsales.prospecting.rates`, :func:`~xlsales.prospecting.
    working_days`, :func:`~xlsales.prospecting.activities_needed_per_day` and
    :func:`~xlsales.prospecting.revenue_projection`, with the prospects and blocks
    already recalculated."""
    from workbook_templates import prospecting_log as template
    from xlsales import prospecting

    after = prospecting.left_out(frame, as_of)
    dates = pd.to_datetime(frame["date"])
    counted = dates <= pd.Timestamp(as_of)
    wins = (frame["won_value"] > 0) & frame["won_date"].notna()
    # summed as the sheet's "won counted" column, not as all wins minus those after the
    # as-of date: 600 + 1e30 - 1e30 is 0 in floats
    wins &= pd.to_datetime(frame["won_date"]) <= pd.Timestamp(as_of)
    try:
        measured = prospecting.rates(blocks)
        closed: object = measured.activities
        per: dict[str, object] = {
            "WinsPerActivity": measured.wins_per_activity,
            "RevenuePerActivity": measured.revenue_per_activity,
            "PipelinePerActivity": measured.pipeline_per_activity,
        }
    except XlsalesError:
        closed = 0
        per = dict.fromkeys(
            ("WinsPerActivity", "RevenuePerActivity", "PipelinePerActivity"),
            prospecting.NOT_MEASURABLE,
        )
    next_days = prospecting.working_days(
        as_of + dt.timedelta(days=1), as_of + dt.timedelta(days=block_days)
    )
    reps = _rep_rows(book, template.REP_SPEC)
    wins_needed = float(sum(_number_or_none(w) or 0.0 for w in reps["wins_needed"]))

    def needed(wins_needed: float) -> object:
        rate = per["WinsPerActivity"]
        if not _is_number(rate):
            return rate
        if rate <= 0:
            return "no win in the closed blocks"
        if next_days <= 0:
            return "no working day"
        return prospecting.activities_needed_per_day(wins_needed, rate, as_of, block_days)

    revenue = per["RevenuePerActivity"]
    projection = prospecting.revenue_projection(
        frame[counted.to_numpy()],
        as_of,
        revenue if _is_number(revenue) else 0.0,
        block_days,
        payoff_days,
    )
    team = needed(wins_needed)
    minutes_per_hour = _number_or_none(_value(book, "MinutesPerHour")) or 60.0
    facts = {
        "ActivityCount": int(counted.sum()),
        "ActivitiesBefore": int((dates < pd.Timestamp(start)).sum()),
        "ActivitiesAfter": after["activities_after"],
        "WinsCounted": int(wins.sum()),
        "WonCounted": float(frame.loc[wins, "won_value"].sum()),
        "WinsAfter": after["wins_after"],
        "WonAfter": after["won_after"],
        "ProspectCount": int((people["activities"] > 0).sum()),
        "OpenProspects": int((~people["window_closed"].astype(bool)).sum()),
        "PoorProspects": int(people["poor"].astype(bool).sum()),
        "TimeLost": float(people["time_lost"].sum()) / minutes_per_hour,
        "ClosedBlocks": int(blocks["closed"].sum()),
        "ClosedActivities": closed,
        **per,
        "WinsNeeded": wins_needed,
        "NextWorkdays": next_days,
        "NeededPerDay": team,
        "NeededIn30": team * next_days if _is_number(team) else team,
        "RecentStarts": serial(projection["recent_starts"]),
        "RecentEnds": serial(projection["recent_ends"]),
        "RecentActivities": projection["activities"],
        "ProjectionStarts": serial(projection["window_starts"]),
        "ProjectionEnds": serial(projection["window_ends"]),
        "ProjectedRevenue": projection["revenue"] if _is_number(revenue) else revenue,
    }
    out = _named(book, facts)
    if reps.empty:
        return out, facts
    keys = frame["rep"].str.lower()
    recent = counted & (dates >= pd.Timestamp(projection["recent_starts"]))
    mine = reps["rep"].map(lambda r: "" if r is None else str(r).lower())
    activities = mine.map(keys[counted.to_numpy()].value_counts()).fillna(0).astype(int)
    latest = mine.map(keys[recent.to_numpy()].value_counts()).fillna(0).astype(int)
    each = [needed(_number_or_none(w) or 0.0) for w in reps["wins_needed"]]
    thirty = [x * next_days if _is_number(x) else x for x in each]
    sheet, columns = reps.attrs["sheet"], reps.attrs["columns"]
    rows = reps["_row"].to_numpy()
    for key, values in (
        ("activities", activities.to_numpy()),
        ("recent", latest.to_numpy()),
        ("needed", np.array(each, dtype=object)),
        ("needed_30", np.array(thirty, dtype=object)),
    ):
        if key in columns:
            out.append((sheet, columns[key], rows, values))
    facts["RepActivities"] = int(activities.sum())
    return out, facts


def _rep_rows(book, spec) -> pd.DataFrame:
    found = _table(book, spec.name)
    if found is None:
        return pd.DataFrame(columns=["rep", "wins_needed", "_row"])
    sheet, table = found
    columns = table_columns(table, spec.headers)
    frame = table_frame(
        sheet, table, {k: columns[k] for k in ("rep", "wins_needed") if k in columns}
    )
    frame = frame[frame["rep"].map(lambda r: r not in (None, ""))]
    frame.attrs.update(sheet=sheet.name, columns=columns)
    return frame


PROSPECT_KEYS = {
    "first": "first_activity",
    "activities": "activities",
    "minutes": "minutes",
    "window_ends": "window_ends",
    "window_closed": "window_closed",
    "pipeline_in_window": "pipeline_in_window",
    "won_in_window": "won_in_window",
    "poor": "poor",
    "time_lost": "time_lost",
    "status": "status",
    "block": "block",
    "payoff_ends": "payoff_ends",
    "pipeline_payoff": "pipeline_payoff",
    "won_payoff": "won_payoff",
    "wins_payoff": "wins_payoff",
}


def _prospect_rows(book: WorkbookInfo, spec, people: pd.DataFrame) -> list:
    """The Prospects table's rows, each found by its prospect's name, against
    :func:`xlsales.prospecting.prospects` (prospects without an activity by the as-of
    date are not judged there, and are left to their formulas)."""
    found = _table(book, spec.name)
    if found is None or people.empty:
        return []
    sheet, table = found
    columns = table_columns(table, spec.headers)
    if "prospect" not in columns:
        return []
    people = people.assign(
        status=[
            "poor" if p else "not poor" if c else "open"
            for p, c in zip(people["poor"], people["window_closed"])
        ],
        payoff_ends=[
            e if b else "no block" for e, b in zip(people["payoff_ends"], people["block"])
        ],
    ).set_index("prospect")
    out = []
    names = sheet.cells.column_values(columns["prospect"], table.data_rows)
    for row, name in zip(table.data_rows, names):
        if not isinstance(name, str) or name not in people.index:
            continue
        figures = people.loc[name]
        out += [
            ((sheet.name, row, columns[key]), _plain(serial(figures[source])))
            for key, source in PROSPECT_KEYS.items()
            if key in columns and source in figures
        ]
    return out


PLAN_LABELS = {
    "planned volume": "volume",
    "start by": "start",
    "actual": "actual",
    "variance": "variance",
    "status": "status",
    "check: rate valid": "rate_ok",
    "actual rate": "actual_rate",
}


def funnel_planner(book: WorkbookInfo) -> tuple[list, str]:
    """The funnel planner: each stage's planned volume by :func:`xlsales.funnel.
    required_volumes` and its start date by :func:`xlsales.funnel.funnel_schedule`, from
    the target, rounding, due date and the stages' rates and days on Inputs; its actual,
    variance and status against the actual typed on Inputs by :func:`xlsales.funnel.
    stage_gap`; its actual rate by :func:`xlsales.funnel.stage_conversion`; each slot's
    "check: rate valid" and each Actuals period's "check counts valid"."""
    from xlsales import funnel

    target_name = name_target(book, "StageNames")
    if target_name is None or "Plan" not in book.sheets:
        return [], "no StageNames or Plan sheet: nothing recalculated"
    inputs = book.sheets[target_name[0]]
    r1, c1, r2, _c2 = split_range(target_name[1])
    slots = [inputs.cells.value((r, c1)) for r in range(r1, r2 + 1)]
    slot_rates = [inputs.cells.value((r, c1 + 1)) for r in range(r1, r2 + 1)]
    stages = [s for s in slots if s not in (None, "")]
    rates = [inputs.cells.value((r1 + i, c1 + 1)) for i in range(len(stages) - 1)]
    days = [inputs.cells.value((r1 + i, c1 + 2)) for i in range(len(stages) - 1)]
    target, rounding = _value(book, "TargetWins"), _value(book, "Rounding")
    due = serial_date(_value(book, "DueDate"))
    rounding_ok = str(rounding).lower() in ("end", "stage", "none") if rounding else False
    rate_ok = _rate_rows(slots, slot_rates, len(stages))
    tracked_over, row_cells = _tracked_over(book)
    plan = book.sheets["Plan"]
    where = _by_header(plan, PLAN_LABELS)
    if "rate_ok" in where:
        row_cells += [(("Plan", 5 + i, where["rate_ok"]), ok) for i, ok in enumerate(rate_ok)]
    actual = [inputs.cells.value((r, c1 + 3)) for r in range(r1, r2 + 1)]
    actual_rates = _actual_rates(slot_rates, actual)
    if "actual_rate" in where:
        row_cells += [(("Plan", 5 + i, where["actual_rate"]), rate) for i, rate in actual_rates]
    checks: dict[str, object] = {
        "Rounding is end, stage or none": rounding_ok,
        "Stage rows whose rate breaks a rule": rate_ok.count(False),
        "Tracked periods where went on plus open exceed entered": tracked_over,
        "Win rate within 0 to 100 %": _win_rate_outside(book),
    }
    rises = _rises(actual_rates, len(actual))
    checks.update(rises[0])
    if not stages or target is None:
        return row_cells + check_states(book, [], checks, rises[1]), (
            "no stages or no target: nothing recalculated"
        )
    try:
        volumes = funnel.required_volumes(target, rates, rounding or "end")
        exact = funnel.required_volumes(target, rates, "none")
        starts = (
            [r.start for r in funnel.funnel_schedule(target, rates, days, due, rounding or "end")]
            if due is not None and all(d is not None for d in days)
            else []
        )
    except (XlsalesError, TypeError, ValueError) as exc:
        return row_cells + check_states(book, [], checks, rises[1]), (
            f"the core cannot recalculate this plan: {exc}"
        )
    tolerance = _number_or_none(_value(book, "Tolerance")) or 0.0
    checks["Top volume x rates minus target"] = _top_volume_gap(float(target), rates)
    checks["Rounded volumes never below the exact need"] = sum(
        1 for rounded, need in zip(volumes, exact) if rounded < need - tolerance
    )
    expected = row_cells
    for i, volume in enumerate(volumes):
        if "volume" in where:
            expected.append((("Plan", 5 + i, where["volume"]), _plain(volume)))
        if "start" in where and i < len(starts):
            expected.append((("Plan", 5 + i, where["start"]), serial(starts[i])))
    expected += _plan_against_actual(slots, actual, list(volumes), where)
    expected += _actuals(book, list(volumes), starts, len(stages) - 1)
    expected += _velocity(book)
    expected += _schedule(book, starts, stages, due)
    expected += check_states(book, expected, checks, rises[1])
    return expected, (
        f"{len(stages)} stages planned by xlsales.funnel.required_volumes and funnel_schedule; "
        "Plan (actual, variance and status by stage_gap, actual rate by stage_conversion, "
        "the rate checks), "
        "Schedule (due and start dates per period), Actuals (periods, planned volumes, plan "
        "against actual) and Velocity (win_rate, "
        "pipeline_velocity) and Checks recalculated"
    )


def _rate_rows(names: list, rates: list, count: int) -> list[bool]:
    """Each stage slot's state of Plan's "check: rate valid": a named stage but the last
    has a rate in (0, 1]; the last (the wins) has none; an empty slot passes."""
    out = []
    for i, (name, rate) in enumerate(zip(names, rates)):
        number = _number_or_none(rate)
        if name in (None, ""):
            out.append(True)
        elif i + 1 == count:
            out.append(number is None)
        else:
            out.append(number is not None and 0 < number <= 1)
    return out


def _actual_rates(rates: list, actual: list) -> list[tuple[int, object]]:
    """Plan's "actual rate" of each stage slot (by its index), as the sheet reads the
    Inputs: where the slot has a rate and an actual above 0, the next slot's actual (a
    blank or a text counts 0, as N() reads it) over this one by
    :func:`xlsales.funnel.stage_conversion`, or "next stage holds more" where the core
    refuses the two counts only for that rise (the same counts the other way round
    pass: a flow, never shown as a rate above 100 %); "last stage" in the last slot;
    "no actuals" where it has a rate but no actual above 0; "last stage" where it has
    none. Counts that the core refuses otherwise (a fraction, a TRUE/FALSE) leave the
    cell unjudged: the input check names a bad count."""
    from workbook_templates.funnel_planner import RISE
    from xlsales import funnel

    def count(value: object) -> float | None:
        return 0.0 if value is None or isinstance(value, str) else _number_or_none(value)

    out: list[tuple[int, object]] = []
    for i, (rate, typed) in enumerate(zip(rates, actual)):
        have = count(typed)
        if _number_or_none(rate) is None:
            out.append((i, "last stage"))
        elif have is not None and have <= 0:
            out.append((i, "no actuals"))
        elif have is not None and i + 1 == len(actual):
            out.append((i, "last stage"))
        elif have is not None:
            following = count(actual[i + 1])
            try:
                out.append((i, funnel.stage_conversion([have, following])[0]))
            except XlsalesError:
                try:
                    funnel.stage_conversion([following, have])
                except XlsalesError:
                    pass  # a fraction or a TRUE/FALSE: unjudged
                else:
                    out.append((i, RISE))
    return out


def _rises(actual_rates: list[tuple[int, object]], slots: int) -> tuple[dict, dict]:
    """The Checks line "Stage rows whose actuals rise": its value, how many slots' actual
    rate says "next stage holds more" (left unjudged, {}, while a slot's rate is), and
    its state, TRUE while no actual rate is a number above 100 % (always, since
    :func:`xlsales.funnel.stage_conversion` never gives one): a rise is a flow that the
    sheet shows and counts, not an error."""
    from workbook_templates.funnel_planner import RISE, RISE_CHECK

    values = [rate for _i, rate in actual_rates]
    counted = {RISE_CHECK: values.count(RISE)} if len(values) == slots else {}
    return counted, {RISE_CHECK: True}


def _plan_against_actual(names: list, actual: list, volumes: list, where: dict) -> list:
    """Plan's actual, variance and status of each stage slot, from the actual typed on
    Inputs (a text or a blank: "not entered", as ISNUMBER reads it) against the planned
    volume (an empty slot plans 0) by :func:`xlsales.funnel.stage_gap`. A negative
    actual, which the core refuses, leaves the variance and status unjudged (the input
    check names the cell)."""
    from xlsales import funnel

    out: list = []
    for i, (name, typed) in enumerate(zip(names, actual)):
        empty = name in (None, "")
        if not empty and (i >= len(volumes) or None in names[:i] or "" in names[:i]):
            continue  # a stage after an empty slot: the Plan rows do not follow the volumes
        have = _number_or_none(typed)
        figures: dict[str, object] = dict.fromkeys(("actual", "variance", "status"), "not entered")
        if have is not None:
            figures["actual"] = have
            try:
                gap = funnel.stage_gap(have, 0.0 if empty else volumes[i])
            except XlsalesError:
                del figures["variance"], figures["status"]
            else:
                figures["variance"] = gap.variance
                figures["status"] = "on course" if gap.on_course else "behind"
        if empty:
            figures["status"] = "(empty slot)"
        out += [(("Plan", 5 + i, where[k]), _plain(v)) for k, v in figures.items() if k in where]
    return out


def _top_volume_gap(target: float, rates: list) -> float:
    """The top stage's exact need times the rates to the win, minus the target: 0 but
    for the float rounding, worked in the order the Plan sheet works it (the need
    divided up from the win, the rates multiplied up from the win) so that the same
    rounding shows."""
    need, chain = target, 1.0
    for rate in reversed(rates):
        need, chain = need / rate, rate * chain
    return need * chain - target if rates or target else 0.0


def _tracked_over(book: WorkbookInfo) -> tuple[int, list]:
    """Tracked periods on Actuals where went on plus open exceed entered (blanks and
    texts 0, as N() reads them): the count, and each period's "check counts valid"."""
    ws = book.sheets.get("Actuals")
    if ws is None:
        return 0, []
    column = ws.cells.columns.get(1)
    tops = [
        r
        for r in ([] if column is None else column.rows.tolist())
        if ws.cells.value((r, 1)) == "Stage"
    ]
    over, cells = 0, []
    labels = ACTUAL_INPUTS | {"open here": "open_here", "check counts valid": "counts_ok"}
    for top in tops:
        where = _by_header(ws, labels, row=top + 1)
        r = top + 2
        while _is_number(ws.cells.value((r, 1))):
            got = {
                key: _number_or_none(ws.cells.value((r, where.get(key, 0)))) or 0.0
                for key in ("entered", "went_on", "open_here")
            }
            ok = got["went_on"] + got["open_here"] <= got["entered"]
            over += not ok
            if "counts_ok" in where:
                cells.append((("Actuals", r, where["counts_ok"]), ok))
            r += 1
    return over, cells


def _win_rate_outside(book: WorkbookInfo) -> int:
    """1 when the win rate (won / (won + lost), as :func:`xlsales.funnel.win_rate`,
    blanks 0) is a number outside 0-100 %, else 0; no rate when won + lost <= 0. Only
    a negative count (which the core refuses) takes it outside."""
    won, lost = (_number_or_none(_value(book, name)) or 0.0 for name in ("WonDeals", "LostDeals"))
    if won + lost <= 0:
        return 0
    return int(not 0 <= won / (won + lost) <= 1)


def _schedule(book: WorkbookInfo, starts: list, stages: list, due: dt.date | None) -> list:
    """The Schedule sheet: each period's due date (EDATE a month on, DaysPerWeek days a
    week on, or the one-off target) and each stage's start, as far before it as
    :func:`xlsales.funnel.funnel_schedule` puts the stage's start before the due date."""
    ws = book.sheets.get("Schedule")
    if ws is None:
        return []
    from xlsales import funnel

    recurs, week = _value(book, "Recurs"), _number_or_none(_value(book, "DaysPerWeek"))
    periods = _number_or_none(_value(book, "PlanPeriods"))
    out: list = [(("Schedule", 4, 3 + i), name) for i, name in enumerate(stages)]
    before = [(due - s).days for s in starts] if due is not None else []
    rows = _rows_by_first_column(ws)
    for k in sorted(rows):
        r = rows[k]
        if due is None:
            day: object = "set a due date"
        elif periods is not None and k > periods:
            day = "after the plan"
        elif recurs == "month":
            day = funnel.add_period(due, "month", k - 1)
        elif recurs == "week" and week is not None:
            day = due + dt.timedelta(days=(k - 1) * week)
        else:
            day = due if k == 1 else "one-off target"
        out.append((("Schedule", r, 2), serial(day)))
        for i in range(len(stages)):
            if not isinstance(day, dt.date):  # the due cell's text, in every column
                out.append((("Schedule", r, 3 + i), day))
            elif i < len(before):
                out.append((("Schedule", r, 3 + i), serial(day - dt.timedelta(days=before[i]))))
    return out


def _velocity(book: WorkbookInfo) -> list:
    """The Velocity sheet's named terms: the win rate by :func:`xlsales.funnel.win_rate`
    and pipeline velocity by :func:`xlsales.funnel.pipeline_velocity`, from the counts,
    amount and cycle on Inputs."""
    from xlsales import funnel

    if name_target(book, "PipelineVelocity") is None:
        return []
    counts = {name: _value(book, name) for name in ("OpenDeals", "WonDeals", "LostDeals")}
    open_deals, won, lost = (
        v if isinstance(v, (int, float)) and not isinstance(v, bool) else 0 for v in counts.values()
    )
    amount, cycle = _value(book, "AverageWonAmount"), _value(book, "AverageCycleDays")
    amount_ok = isinstance(amount, (int, float)) and not isinstance(amount, bool)
    cycle_ok = isinstance(cycle, (int, float)) and not isinstance(cycle, bool) and cycle > 0
    try:
        rate: object = funnel.win_rate(won, lost)
    except XlsalesError:
        rate = "undefined (no closed deal)"
    facts: dict[str, object] = {
        "VelocityOpen": open_deals,
        "VelocityWon": won,
        "VelocityLost": lost,
        "WinRate": rate,
        "VelocityAmount": amount if amount_ok else "not entered",
        "VelocityCycle": cycle if cycle_ok else "not entered",
    }
    if isinstance(rate, float) and amount_ok and cycle_ok:
        try:
            facts["PipelineVelocity"] = funnel.pipeline_velocity(open_deals, rate, amount, cycle)
        except XlsalesError:
            pass
    else:
        facts["PipelineVelocity"] = "needs won or lost deals, an amount and a cycle"
    return _named(book, facts)


def _named(book: WorkbookInfo, facts: dict[str, object]) -> list:
    """((sheet, row, column), value) of each single-cell defined name in ``facts``."""
    out = []
    for name, value in facts.items():
        target = name_target(book, name)
        if target is not None and ":" not in target[1] and target[0] in book.sheets:
            row, col = split_range(target[1])[:2]
            out.append(((target[0], row, col), _plain(value)))
    return out


ACTUAL_LABELS = {
    "start": "start",
    "end": "end",
    "planned volume": "planned",
    "entered to planned": "ratio",
    "status": "status",
    "step conversion": "step",
}
ACTUAL_INPUTS = {"entered": "entered", "went on": "went_on"}


def _number_or_none(value: object) -> float | None:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    return float(value) if ok else None


def _actuals(book: WorkbookInfo, volumes: list, starts: list, last_stage: int) -> list:
    """The Actuals sheet, plan against actual per stage and period: each period's dates
    by :func:`xlsales.funnel.add_period`, its planned volume (the stage's volume from
    :func:`xlsales.funnel.required_volumes`; a one-off plan only in the period holding
    the stage's start date from :func:`xlsales.funnel.funnel_schedule`), and
    :func:`xlsales.funnel.stage_gap` (the rule of :func:`~xlsales.funnel.plan_gap`) on
    the entries typed or read from the CRM: entered / planned, on course when entered
    >= planned, step conversion = went on / entered."""
    from workbook_templates.funnel_planner import PERIODS
    from xlsales import funnel

    ws = book.sheets.get("Actuals")
    if ws is None:
        return []
    first = serial_date(_value(book, "FirstPeriod"))
    recurs, week = _value(book, "Recurs"), _value(book, "DaysPerWeek")
    column = ws.cells.columns.get(1)
    blocks = [
        r
        for r in ([] if column is None else column.rows.tolist())
        if ws.cells.value((r, 1)) == "Stage"
    ]
    out: list = []
    for s, top in enumerate(blocks[: len(volumes)]):
        where = _by_header(ws, {**ACTUAL_LABELS, **ACTUAL_INPUTS}, row=top + 1)
        for k in range(PERIODS):
            r = top + 2 + k
            if ws.cells.value((r, 1)) != k + 1 or first is None:
                continue
            if recurs == "week" and isinstance(week, (int, float)):
                start = first + dt.timedelta(days=k * week)
                end = start + dt.timedelta(days=week - 1)
            else:
                start = funnel.add_period(first, "month", k)
                end = funnel.add_period(first, "month", k + 1) - dt.timedelta(days=1)
            planned = volumes[s]
            if recurs == "once":
                due = starts[s] if s < len(starts) else None
                planned = planned if due is not None and start <= due <= end else 0
            entered = _number_or_none(ws.cells.value((r, where.get("entered", 0))))
            went_on = _number_or_none(ws.cells.value((r, where.get("went_on", 0))))
            if s == last_stage:
                went_on = None
            figures: dict[str, object] = {
                "start": serial(start),
                "end": serial(end),
                "planned": planned,
                "step": "last stage" if s == last_stage else "not entered",
            }
            if entered is None:
                figures.update(ratio="not entered", status="not entered")
            else:
                try:
                    gap = funnel.stage_gap(entered, planned, went_on)
                except XlsalesError:  # a negative count, or more went on than entered:
                    del figures["step"]  # the input check and the Checks row name it
                    gap = None
                if gap is not None:
                    figures["ratio"] = "no plan" if gap.ratio is None else gap.ratio
                    figures["status"] = (
                        "no plan" if planned == 0 else "on course" if gap.on_course else "behind"
                    )
                    if went_on is not None:
                        figures["step"] = (
                            "no entries" if gap.actual_rate is None else gap.actual_rate
                        )
            out += [
                (("Actuals", r, where[key]), _plain(value))
                for key, value in figures.items()
                if key in where
            ]
    return out


# The Checks sheet ------------------------------------------------------------------

_PASS = (  # the builders' pass rules (checks_sheet's "{v}" is the row's value cell)
    (re.compile(r"^B(\d+)=0$"), lambda v, tol: _is_number(v) and v == 0),
    (re.compile(r"^ABS\(B(\d+)\)<=Tolerance$"), lambda v, tol: _is_number(v) and abs(v) <= tol),
    (re.compile(r"^B(\d+)>0$"), lambda v, tol: _is_number(v) and v > 0),
    (re.compile(r"^B(\d+)<=Tolerance$"), lambda v, tol: _is_number(v) and v <= tol),
    (re.compile(r"^B(\d+)$"), lambda v, tol: _truth(v)),
)


_TOLERANT = re.compile(r"^ABS\(B\d+\)<=Tolerance$")  # a check judged to the Tolerance


def _truth(value: object) -> bool:
    """What AND() makes of a value: TRUE, or a number other than 0."""
    return value is True or (_is_number(value) and value != 0)


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def check_states(
    book: WorkbookInfo,
    expected: list,
    values: dict[str, object],
    given_states: dict[str, bool] | None = None,
) -> list:
    """The Checks sheet: each check's value where the core recalculated it (``values``:
    the start of the check's text -> its value), each check's state (TRUE / FALSE) by
    its pass rule from that value (else from the value saved beside it), and the
    master check ("OK" when every state is TRUE) from those states. A check judged to
    the workbook's Tolerance (``ABS(value)<=Tolerance``) is a difference of sums that
    Excel, LibreOffice and numpy round each their own way: its saved value stands when
    it is within the Tolerance of the recalculated one. A check whose pass
    rule is not one of the builders' simple ones takes its state from ``given_states`` (the
    start of its text -> TRUE / FALSE), else keeps its saved state."""
    ws = book.sheets.get("Checks")
    master = name_target(book, "MasterCheck")
    if ws is None or master is None:
        return []
    tolerance = _number_or_none(_value(book, "Tolerance")) or 0.0
    known = {
        (row, col): want
        for item in expected
        if len(item) == 2
        for (sheet, row, col), want in [item]
        if sheet == "Checks"
    }
    out: list = []
    states = []
    row = 5
    while ws.cells.value((row, 1)) not in (None, ""):
        text = str(ws.cells.value((row, 1)))
        value = next((v for start, v in values.items() if text.startswith(start)), _MISSING)
        stored = ws.cells.stored((row, 3))
        formula = text_of(stored[1]) if stored is not None and stored[1] is not None else ""
        saved = ws.cells.value((row, 2))
        if value is not _MISSING:
            if _TOLERANT.match(formula) and _is_number(saved) and abs(saved - value) <= tolerance:
                value = saved  # a difference of sums: each engine rounds its own way
            out.append((("Checks", row, 2), _plain(value)))
        else:
            value = known.get((row, 2), saved)
        state = ws.cells.value((row, 3))
        for pattern, passes in _PASS:
            m = pattern.match(formula)
            if m and int(m.group(1)) == row:
                state = bool(passes(value, tolerance))
                out.append((("Checks", row, 3), state))
                break
        else:
            given = next(
                (v for start, v in (given_states or {}).items() if text.startswith(start)), None
            )
            if given is not None:
                state = bool(given)
                out.append((("Checks", row, 3), state))
        states.append(_truth(state))
        row += 1
    if states:
        r, c = split_range(master[1])[:2]
        out.append(((master[0], r, c), "OK" if all(states) else "CHECK FAILED"))
    return out


_MISSING = object()


ADAPTERS: dict[str, Callable[[WorkbookInfo], tuple[list, str]]] = {
    "account-matrix": account_matrix,
    "prospecting-log": prospecting_log,
    "funnel-planner": funnel_planner,
}


# The pipeline review ---------------------------------------------------------------

DEAL_KEYS = {  # Deals column -> the column of xlsales.pipeline.deal_figures' frame
    "stage_no": "stage_no",
    "skipped": "skipped",
    "idle": "idle_days",
    "probability": "rate_to_won",
    "weighted": "weighted",
    "days_to_won": "days_to_won",
    "expected_close": "expected_close",
    "close_month": "close_month",
    "limit": "limit_days",
    "stalled": "stalled",
    "cycle": "cycle_days",
}
STALLED_KEYS = {
    "owner": "owner",
    "stage": "stage",
    "amount": "amount",
    "idle": "idle_days",
    "limit": "limit_days",
    "still": "stalled",
}
CONVERSION_LABELS = {
    "entered": "entered",
    "open here": "open_here",
    "went on": "went_on",
    "step conversion": "rate",
    "rate to won": "rate_to_won",
    "lost here": "lost",
    "lost amount": "lost_amount",
}
CYCLE_LABELS = {
    "deals": "deals",
    "median": "median",
    "80th percentile": "p80",
    "90th percentile": "p90",
    "won deals through it": "to_won_deals",
    "median days to won": "days_to_won",
    "stall limit (days)": "limit_days",
}
FORECAST_LABELS = {"weighted": "weighted", "unweighted": "amount", "deals": "deals"}
WHAT_IF_LABELS = {
    "measured step rate": "measured_rate",
    "step rate used": "rate",
    "rate to won used": "rate_to_won",
    "measured rate to won": "measured_to_won",
    "open deals": "open_deals",
    "open amount": "open_amount",
    "weighted pipeline": "weighted",
    "measured weighted pipeline": "measured_weighted",
    "volume needed": "volume",
    "measured volume needed": "measured_volume",
}
GROUP_KEYS = {"owner": "owner", "source": "source", "segment": "segment"}


def _blanks(values) -> np.ndarray:
    """Values as an object array, NaN and NaT as None (a formula's "" result)."""
    values = pd.Series(values, dtype=object)
    return values.where(pd.notna(values), None).to_numpy(dtype=object)


def serials(values: pd.Series) -> np.ndarray:
    """Dates and times (datetime64, NaT blank) as Excel's serial numbers (float, NaN)."""
    stamps = pd.to_datetime(values)
    return ((stamps - pd.Timestamp(EPOCH)) / pd.Timedelta(days=1)).to_numpy(dtype=float)


def _dates(values) -> pd.Series:
    """Excel serials as datetime64; a blank cell as day 0 (30 Dec 1899), as Excel's
    arithmetic reads it (``AsOf-[last_change]`` of a blank is AsOf - 0); a text NaT."""
    series = pd.Series(values, dtype=object)
    numbers = pd.to_numeric(series, errors="coerce").where(~_texts(series).eq(""), 0.0)
    return pd.Timestamp(EPOCH) + pd.to_timedelta(numbers, unit="D")


def _texts(values) -> pd.Series:
    series = pd.Series(values, dtype=object)
    return series.where(series.notna(), "").astype(str)


def pipeline_review(book: WorkbookInfo) -> tuple[list, str]:
    """The pipeline review: every figure of Deals, Conversion, Cycle, Forecast, Stalled
    and What-if by :func:`xlsales.pipeline.from_deals` (the per-deal rules of
    :func:`xlsales.pipeline.deal_figures`, the builder's own), :func:`~xlsales.pipeline.
    conversion_by`, :func:`~xlsales.pipeline.cycle`, :func:`~xlsales.pipeline.forecast`,
    :func:`~xlsales.pipeline.lost_reasons` and :func:`~xlsales.pipeline.what_if`, from
    the Deals table's facts and the Inputs (as-of date, stage list, stall limits,
    percentiles) and the What-if inputs."""
    from workbook_templates import pipeline_review as template
    from xlsales import pipeline

    found = _table(book, template.TABLE)
    target = name_target(book, "StageNames")
    as_of = serial_date(_value(book, "AsOf"))
    if found is None or target is None or as_of is None:
        return [], f"no table {template.TABLE}, StageNames or AsOf: nothing recalculated"
    sheet, table = found
    names = [str(s) for s in _named_range(book, "StageNames") if s not in (None, "")]
    extras = [key for key in pipeline.OPTIONAL_TEXT if key.replace("_", " ") in table.columns]
    spec = template.deal_spec(names, extras)
    columns = table_columns(table, spec.headers)
    frame = table_frame(sheet, table, {k: c for k, c in columns.items() if k in _DEAL_INPUTS})
    stage_text = _texts(frame["stage"])
    position = {s.lower(): i for i, s in enumerate(names)}
    index = stage_text.str.lower().map(position).fillna(-1).astype(int).to_numpy()
    listed = (index >= 0) | (stage_text == "").to_numpy()  # others show #N/A: not judged
    deals = pd.DataFrame(
        {
            "deal_id": _texts(frame["deal"]),
            "owner": _texts(frame["owner"]),
            **{key: _texts(frame[key]) for key in extras},
            "status": _texts(frame["status"]).str.lower(),
            "stage_index": index,
            "amount": pd.to_numeric(pd.Series(frame["amount"], dtype=object), errors="coerce")
            .fillna(0.0)
            .to_numpy(),
            **{key: _dates(frame[column]) for key, column in _DEAL_DATES.items()},
            "stages_entered": pd.to_numeric(
                pd.Series(frame["stages_entered"], dtype=object), errors="coerce"
            ),
            "reopened": frame["reopened"],
            **{
                key: pd.to_numeric(pd.Series(frame[key], dtype=object), errors="coerce")
                for i in range(1, len(names))
                for key in (f"days_in_{i}", f"to_won_{i}")
            },
        }
    ).rename(columns={f"{p}_{i}": f"{p}_{i - 1}" for i in range(1, len(names)) for p in _PER})
    stall_days = _stall_days(book, target, names)
    pct80, pct90 = _value(book, "Pct80"), _value(book, "Pct90")
    wrong = {name: _percentile_problem(book, name) for name in ("Pct80", "Pct90")}
    if wrong["Pct90"]:
        return [], f"{wrong['Pct90']}: the review is not recalculated (the stall limits need it)"
    try:
        review = pipeline.from_deals(deals, names, as_of, stall_days, pct90, extras)
    except (XlsalesError, TypeError, ValueError, KeyError) as exc:
        return [], f"the core cannot recalculate these deals: {exc}"
    figures = review.deals.assign(
        stage_no=np.where(index >= 0, index + 1, np.nan),
        expected_close=serials(review.deals["expected_close"]),
        close_month=serials(review.deals["close_month"]),
    )
    rows = table.data_rows
    expected: list = [
        (
            sheet.name,
            columns[key],
            np.arange(rows.start, rows.stop)[listed],
            figures[source].to_numpy()[listed]
            if key == "stalled"
            else _blanks(figures[source].to_numpy()[listed]),
        )
        for key, source in DEAL_KEYS.items()
        if key in columns
    ]
    groups = {
        key: pipeline.conversion_by(review, key)
        for key in ["owner", *[k for k in ("source", "segment") if k in extras]]
    }
    forecast = pipeline.forecast(review, pipeline.FORECAST_MONTHS)
    expected += _conversion_sheet(book, review, groups)
    skipped = []
    if wrong["Pct80"]:
        skipped.append(f"Cycle not recalculated: {wrong['Pct80']}")
    else:
        expected += _cycle_sheet(book, review, (0.5, pct80, pct90))
    expected += _forecast_sheet(book, forecast)
    expected += _stalled_sheet(book, template.STALLED_TABLE, figures, len(deals))
    what_if, scenario, problem = _what_if_sheet(book, review)
    expected += what_if
    if problem:
        skipped.append(f"What-if not recalculated: {problem}")
    checks = _review_checks(
        book, review, deals, stage_text, stall_days.values(), scenario, groups, forecast
    )
    expected += check_states(book, expected, checks)
    return expected, "; ".join(
        [
            f"{len(deals)} deals recalculated by xlsales.pipeline (from_deals, deal_figures, "
            "conversion_by, cycle, forecast, lost_reasons, what_if): Deals, Conversion, Cycle, "
            "Forecast, Stalled, What-if and Checks",
            *skipped,
        ]
    )


def _percentile_problem(book: WorkbookInfo, name: str) -> str:
    """Nothing ("") when the named percentile (Pct80, Pct90) is a number from 0 to 1,
    else what is wrong with it, with its cell (the input check names the cell too)."""
    value = _value(book, name)
    if _is_number(value) and 0 <= value <= 1:
        return ""
    target = name_target(book, name)
    where = f" ({target[0]}!{target[1]})" if target else ""
    shown = "blank" if value in (None, "") else repr(value)
    return f"the percentile {name}{where} is {shown}: it must be a number from 0 to 1"


_DEAL_DATES = {
    "created": "created",
    "entered_stage": "entered",
    "last_change": "last_change",
    "closed": "closed",
}
_PER = ("days_in", "to_won")
_DEAL_INPUTS = {
    "deal",
    "owner",
    "status",
    "stage",
    "amount",
    "created",
    "entered",
    "last_change",
    "closed",
    "stages_entered",
    "reopened",
    "source",
    "segment",
    "lost_reason",
} | {f"{p}_{i}" for p in _PER for i in range(1, 100)}


def _stall_days(book: WorkbookInfo, target: tuple[str, str], names: list[str]) -> dict:
    """The stall limits typed on Inputs, beside the stage list (blank: the default)."""
    sheet = book.sheets.get(target[0])
    if sheet is None:
        return {}
    r1, c1 = split_range(target[1])[:2]
    out = {}
    for i, stage in enumerate(names[:-1]):
        days = _number_or_none(sheet.cells.value((r1 + i, c1 + 1)))
        if days is not None:
            out[stage] = days
    return out


def _stage_rows(sheet: SheetInfo, names: list[str], first: int = 5) -> dict[int, int]:
    """Stage number (from 0) -> row, for the rows from ``first`` whose column A shows
    the stages in order."""
    out = {}
    for i, stage in enumerate(names):
        if sheet.cells.value((first + i, 1)) == stage:
            out[i] = first + i
    return out


def _conversion_sheet(book: WorkbookInfo, review, groups: dict) -> list:
    """Conversion: per stage (entered, open here, went on, step conversion, rate to
    won, lost here and amount), the facts (won, lost, open, win rate, overall
    conversion), per owner/source/segment, lost by last stage and by reason."""
    from xlsales import pipeline

    ws = book.sheets.get("Conversion")
    if ws is None:
        return []
    names = review.names
    stages = review.stages.copy()
    lost = pipeline.lost_by_stage(review)
    stages["lost"], stages["lost_amount"] = lost["lost"], lost["amount"]
    where, rows = _by_header(ws, CONVERSION_LABELS), _stage_rows(ws, names)
    out = [
        ((ws.name, row, c), _plain(stages[key].iloc[i]))
        for i, row in rows.items()
        for key, c in where.items()
    ]
    entered = stages["entered"].tolist()
    status = review.deals["status"]
    out += _named(
        book,
        {
            "WonDeals": int((status == "won").sum()),
            "LostDeals": int((status == "lost").sum()),
            "OpenDeals": int((status == "open").sum()),
            "WinRate": pipeline.win_rate(review),
            "OverallConversion": entered[-1] / entered[0] if entered[0] else None,
        },
    )
    out += _group_conversion(ws, groups)
    column = ws.cells.columns.get(1)
    labels = (
        {} if column is None else {ws.cells.value((r, 1)): r for r in column.rows.tolist()[::-1]}
    )
    top = labels.get("lost by last stage")
    if top is not None:
        for i, row in _stage_rows(ws, names, top + 1).items():
            out += [((ws.name, row, 2), int(lost["lost"].iloc[i]))]
            out += [((ws.name, row, 3), float(lost["amount"].iloc[i]))]
    top = labels.get("lost reason")
    if top is not None:
        counts = pipeline.lost_reasons(review).set_index("reason")["lost"]
        r = top + 1
        while isinstance(ws.cells.value((r, 1)), str):
            out.append(((ws.name, r, 2), int(counts.get(ws.cells.value((r, 1)), 0))))
            r += 1
    return out


def _group_conversion(ws: SheetInfo, groups: dict) -> list:
    """The per owner / source / segment block: each row found by its group, value and
    stage (columns A to C), against :func:`xlsales.pipeline.conversion_by`."""

    labels = {"entered": "entered", "went on": "went_on", "step conversion": "rate"}
    labels["open here"] = "open_here"
    column = ws.cells.columns.get(1)
    top = next(
        (
            r
            for r in ([] if column is None else column.rows.tolist())
            if ws.cells.value((r, 1)) == "group" and ws.cells.value((r, 3)) == "stage"
        ),
        None,
    )
    if top is None:
        return []
    where = _by_header(ws, labels, row=top)
    out = []
    for key, table in groups.items():
        table = table.set_index(["group", "stage"])
        r = top + 1
        while ws.cells.value((r, 1)) is not None:
            if ws.cells.value((r, 1)) == GROUP_KEYS[key]:
                at = (str(ws.cells.value((r, 2))), ws.cells.value((r, 3)))
                if at in table.index:
                    figures = table.loc[at]
                    out += [((ws.name, r, c), _plain(figures[k])) for k, c in where.items()]
                else:  # a group without deals now: nothing entered, nothing open
                    out += [
                        ((ws.name, r, where[k]), 0) for k in ("entered", "open_here") if k in where
                    ]
            r += 1
    return out


def _cycle_sheet(book: WorkbookInfo, review, percentiles) -> list:
    """Cycle: days in each stage and to close (count, median, percentiles at Inputs'
    Pct80 and Pct90) by :func:`xlsales.pipeline.cycle`, won deals through each stage,
    median days to won and the stall limit from the review's stage table."""
    from xlsales import pipeline

    ws = book.sheets.get("Cycle")
    if ws is None:
        return []
    table = pipeline.cycle(review, percentiles)  # percentiles checked by the caller
    stages = review.stages
    where = _by_header(ws, CYCLE_LABELS)
    out = []
    for i, row in enumerate(range(5, 5 + len(table))):
        if ws.cells.value((row, 1)) != table["what"].iloc[i]:
            continue
        figures = dict(table.iloc[i])
        if i < len(review.names) - 1:
            figures.update(
                {k: stages[k].iloc[i] for k in ("to_won_deals", "days_to_won", "limit_days")}
            )
        out += [((ws.name, row, c), _plain(figures[k])) for k, c in where.items() if k in figures]
    return out


def _forecast_sheet(book: WorkbookInfo, table: pd.DataFrame) -> list:
    """Forecast: the months from the as-of month, weighted, unweighted and deals per
    month with their total, and the per-owner tables, by :func:`xlsales.pipeline.
    forecast`."""
    from xlsales import pipeline

    ws = book.sheets.get("Forecast")
    if ws is None:
        return []
    months = [serial(m) for m in table["month"].iloc[: pipeline.FORECAST_MONTHS]]
    total = table[table["group"] == "Total"].reset_index(drop=True)
    where = _by_header(ws, FORECAST_LABELS)
    out = []
    for k, month in enumerate(months):
        row = 5 + k
        out.append(((ws.name, row, 1), month))
        out += [((ws.name, row, c), _plain(total[key].iloc[k])) for key, c in where.items()]
    if ws.cells.value((5 + len(months), 1)) == "Total":
        out += [
            ((ws.name, 5 + len(months), c), _plain(total[key].sum())) for key, c in where.items()
        ]
    by_owner = table[table["group"] != "Total"].set_index(["group", "month"])
    column = ws.cells.columns.get(1)
    for r in [] if column is None else column.rows.tolist():
        key = {"weighted per owner": "weighted", "unweighted per owner": "amount"}.get(
            ws.cells.value((r, 1))
        )
        if key is None:
            continue
        out += [((ws.name, r, 2 + k), month) for k, month in enumerate(months)]
        row = r + 1
        while isinstance(ws.cells.value((row, 1)), str):
            owner = ws.cells.value((row, 1))
            values = [
                float(by_owner[key].get((owner, m), 0.0))
                for m in table["month"].iloc[: len(months)]
            ]
            out += [((ws.name, row, 2 + k), v) for k, v in enumerate(values)]
            out.append(((ws.name, row, 2 + len(months)), sum(values)))
            row += 1
    return out


def _stalled_sheet(book: WorkbookInfo, name: str, figures: pd.DataFrame, count: int) -> list:
    """Stalled: each row's figures are its deal's on Deals (found by "deals row")."""
    found = _table(book, name)
    if found is None:
        return []
    sheet, table = found
    headers = {
        "row": "deals row",
        "owner": "owner",
        "stage": "stage",
        "amount": "amount",
        "idle": "days idle",
        "limit": "limit days",
        "still": "still stalled",
    }
    columns = table_columns(table, headers)
    if "row" not in columns:
        return []
    links = pd.to_numeric(
        pd.Series(sheet.cells.column_values(columns["row"], table.data_rows), dtype=object),
        errors="coerce",
    ).to_numpy()
    ok = (links >= 1) & (links <= count) & (links == np.floor(links))
    rows = np.arange(table.data_rows.start, table.data_rows.stop)[ok]
    picks = links[ok].astype(int) - 1
    out = []
    for key, source in STALLED_KEYS.items():
        if key not in columns:
            continue
        values = figures[source].to_numpy()[picks]
        if key in ("owner", "stage"):  # a blank text shows as 0 through INDEX: not judged
            given = values != ""
            out.append((sheet.name, columns[key], rows[given], values[given]))
        elif key == "still":
            out.append((sheet.name, columns[key], rows, values.astype(bool)))
        else:
            out.append((sheet.name, columns[key], rows, _blanks(values)))
    return out


def _what_if_sheet(book: WorkbookInfo, review) -> tuple[list, pd.DataFrame | None, str]:
    """What-if: the step rates typed there (else the measured ones, as the sheet's
    ISNUMBER does for a text), the deal size and the win target, by :func:`xlsales.
    pipeline.what_if`, beside the measured figures; with "" or, when a typed number
    breaks its rule, the core's message (the sheet is then not recalculated; the input
    check names the cell)."""
    from xlsales import pipeline

    ws = book.sheets.get("What-if")
    if ws is None:
        return [], None, ""
    names = review.names
    rows = _stage_rows(ws, names)
    typed_col = next((c for c, v in ws.cells.row(4).items() if v == "your step rate"), None)
    overrides = {}
    for i, row in rows.items():
        rate = None if typed_col is None else _number_or_none(ws.cells.value((row, typed_col)))
        if rate is not None and i < len(names) - 1:
            overrides[names[i]] = rate
    size = _number_or_none(_value(book, "DealSize"))
    target = _number_or_none(_value(book, "TargetWins"))
    try:
        table = pipeline.what_if(review, overrides, size, target)
    except XlsalesError as exc:  # a rate or size outside its rule: the input check names it
        return [], None, str(exc)
    table["measured_rate"] = review.stages["rate"]
    table["measured_to_won"] = review.stages["rate_to_won"]
    where = _by_header(ws, WHAT_IF_LABELS)
    out = [
        ((ws.name, row, c), _plain(table[key].iloc[i]))
        for i, row in rows.items()
        for key, c in where.items()
    ]
    total = 5 + len(names)
    if ws.cells.value((total, 1)) == "Total":
        out += [
            ((ws.name, total, where[key]), float(table[key].dropna().sum()))
            for key in ("open_deals", "open_amount", "weighted", "measured_weighted")
            if key in where
        ]
    return out, table, ""


def _review_checks(
    book: WorkbookInfo, review, deals, stage_text, typed, what_if, groups, forecast
) -> dict:
    """The pipeline review's check values from the recalculated figures (the Checks
    sheet's rows, by the start of their text); the rates check needs the What-if
    table (None: a What-if input breaks its rule, and the check keeps its saved value)."""
    from xlsales import pipeline

    left_out = sum(_number_or_none(x) or 0.0 for x in _named_range(book, "RowsLeftOut"))
    read_rows = _number_or_none(_value(book, "RowsRead")) or 0.0
    used = _number_or_none(_value(book, "RowsUsed")) or 0.0
    table = review.deals
    is_open = table["status"] == "open"
    tolerance = _number_or_none(_value(book, "Tolerance")) or 0.0
    months = forecast[forecast["group"] == "Total"]
    rates = [review.stages["rate"], review.stages["rate_to_won"], table["rate_to_won"]]
    rates += [table["rate"] for table in groups.values()]
    if what_if is not None:
        rates += [what_if["rate"], what_if["rate_to_won"]]
    rates = pd.to_numeric(pd.concat(rates, ignore_index=True), errors="coerce")
    win = pipeline.win_rate(review)
    values = {
        "Rows in the export minus rows used": read_rows - used - left_out,
        "Rows used minus the stage entries": used - float(deals["stages_entered"].fillna(0).sum()),
        "Deals whose stage is not in the stage list": int(
            ((stage_text != "") & (deals["stage_index"] < 0)).sum()
        ),
        "Weighted amount of the open deals minus": float(table["weighted"].sum())
        - float(table.loc[is_open, "amount"].sum()),
        "Months where the weighted forecast exceeds": int(
            (months["weighted"] > months["amount"] + tolerance).sum()
        ),
        "Rates outside 0-100 %": int(((rates < 0) | (rates > 1)).sum()),
        "Win rate in 0-100 %": win is None or 0 <= win <= 1,
        "Stall limits entered on Inputs that are negative": sum(1 for d in typed if d < 0),
    }
    if what_if is None:
        del values["Rates outside 0-100 %"]
    return values


ADAPTERS["weekly-pipeline-review"] = pipeline_review


def review_inputs(book: WorkbookInfo) -> list:
    """The Deals rows' required cells (``required`` findings): a row with any of them
    filled needs every one of :data:`workbook_templates.pipeline_review.REQUIRED` (deal,
    status, stage, created, entered stage, last change), and ``closed`` when its status
    is won or lost. A wholly blank row is an empty slot. The values' types and ranges
    are the columns' data validations (the input check)."""
    from workbook_templates import pipeline_review as template
    from workbook_templates.verify import Finding
    from workbook_templates.xlsx_reader import cell_name

    found = _table(book, template.TABLE)
    if found is None:
        return []
    sheet, table = found
    heads = {key: head for key, head, *_rest in template.deal_spec([], []).specs}
    keys = [*template.REQUIRED, "closed"]
    columns = table_columns(table, {key: heads[key] for key in keys})
    frame = table_frame(sheet, table, columns)
    blank = {key: _texts(frame[key]).eq("").to_numpy() for key in columns}
    used = ~np.logical_and.reduce(list(blank.values())) if blank else np.zeros(0, dtype=bool)
    closed = _texts(frame["status"]).str.lower().isin(["won", "lost"]).to_numpy()
    out = []
    for key, col in columns.items():
        missing = used & blank[key] & (closed if key == "closed" else True)
        rule = "a won or lost deal's" if key == "closed" else "every deal's"
        for row in frame["_row"].to_numpy()[missing].tolist():
            out.append(
                Finding(
                    "required",
                    sheet.name,
                    cell_name(row, col),
                    "a required input of a deal is blank",
                    f"{rule} {heads[key]}",
                    "blank",
                )
            )
    return out


INPUT_CHECKS: dict[str, Callable[[WorkbookInfo], list]] = {"weekly-pipeline-review": review_inputs}
