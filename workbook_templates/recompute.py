"""Per-template recalculation for ``xlsales verify``: thin adapters that read a workbook's
own inputs and rows, call the core (:mod:`xlsales`) and say which value each formula
cell should hold. Each returns ((sheet, row, column), expected value) pairs and a
one-line note.

The columns are found by the headers of the template's own :class:`TableSpec`, so an
adapter follows the template when its columns change; a computed column that the core
does not produce is not recalculated (the formula check still holds it to its pattern).
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from workbook_templates.xlsx_reader import SheetInfo, TableInfo, WorkbookInfo
from xlsales.errors import XlsalesError


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
    get = sheet.cells.get
    frame = pd.DataFrame(
        {
            key: [getattr(get((r, col)), "value", None) for r in table.data_rows]
            for key, col in columns.items()
        }
    )
    frame["_row"] = list(table.data_rows)
    return frame


def _value(book: WorkbookInfo, name: str) -> object:
    from workbook_templates.verify import name_value

    return name_value(book, name)


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
    filled = frame[frame["account"].map(lambda v: v not in (None, ""))].copy()
    if filled.empty:
        return [], "no account rows: nothing to recalculate"
    for key in ("owner", "cluster", "icp_fit", "influenceable", "account"):
        if key in filled:
            filled[key] = filled[key].map(lambda v: "" if v is None else str(v))
    try:
        result = accounts.account_matrix(filled, rules)
    except (XlsalesError, TypeError, ValueError) as exc:
        return [], f"the core cannot recalculate these rows: {exc}"
    computed = [
        key
        for key, _head, *_rest, formula in template.SPEC.specs
        if formula and key in result.columns and key in columns
    ]
    expected = [
        ((sheet.name, int(row), columns[key]), _plain(value))
        for key in computed
        for row, value in zip(result["_row"], result[key])
    ]
    return expected, (
        f"{len(result)} accounts recalculated by xlsales.accounts.account_matrix "
        f"({', '.join(computed)})"
    )


def _plain(value: object) -> object:
    """numpy scalars as Python values (bool, float, str)."""
    return value.item() if hasattr(value, "item") else value


ADAPTERS: dict[str, Callable[[WorkbookInfo], tuple[list, str]]] = {
    "account-matrix": account_matrix,
}
