"""Excel's file-structure rules, checked on a saved .xlsx (there is no Excel here, and
LibreOffice opens files that Excel would repair).

Each rule below is one that makes Excel say "We found a problem with some content" and
drop records when it is broken:

- one data validation per cell;
- structured references escaped by Microsoft's rules (``Table[[GO / NO-GO]]``) and
  naming columns the table has;
- every function on the allowed list, with the ``_xlfn.`` prefix exactly where Excel
  needs one (functions newer than Excel 2007);
- each table's header cells equal to its ``tableColumn`` names;
- each defined name pointing to an existing sheet and a valid range;
- each chart series pointing to an existing sheet and a filled range.

:func:`problems` returns one line per broken rule: the tests run it on every generated
file and ``xlsales verify`` reports it.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
from openpyxl.utils.formulas import FORMULAE

from workbook_templates import formula_text as ft
from workbook_templates.xlsx_reader import (
    CELL,
    SheetInfo,
    WorkbookInfo,
    cell_name,
    read,
    split_range,
    text_of,
)

# Functions that Excel 2016+ and LibreOffice 7.4 both evaluate, none volatile, none
# dynamic-array. A template formula uses nothing else. TRUE and FALSE are functions to
# LibreOffice, which saves them as TRUE().
ALLOWED = {
    "ABS",
    "AND",
    "COUNT",
    "COUNTIF",
    "COUNTIFS",
    "DATE",
    "EDATE",
    "FALSE",
    "FIXED",
    "IF",
    "INDEX",
    "INT",
    "ISNUMBER",
    "LEN",
    "MATCH",
    "MAX",
    "MEDIAN",
    "MIN",
    "MONTH",
    "N",
    "NETWORKDAYS",
    "NOT",
    "OR",
    "PERCENTILE",
    "ROUND",
    "ROUNDUP",
    "ROW",
    "ROWS",
    "SUM",
    "SUMIFS",
    "SUBSTITUTE",
    "SUMPRODUCT",
    "TRIM",
    "TRUE",
    "YEAR",
}
PREFIX = "_XLFN."
MAX_ROW, MAX_COL = 1_048_576, 16_384
NO_DIGITS = str.maketrans("", "", "0123456789")


def function_problems(formula: str) -> list[str]:
    """Functions off the allowed list, and a missing or needless ``_xlfn.`` prefix.

    Excel stores a function added after Excel 2007 as ``_xlfn.NAME`` (openpyxl's
    ``FORMULAE`` lists the functions that need no prefix); without the prefix Excel
    reads ``#NAME?``, and with a needless one it repairs the file.
    """
    found = []
    for written in dict.fromkeys(ft.functions(formula)):
        name = written.removeprefix(PREFIX)
        if name not in ALLOWED:
            found.append(f"function {name} is not in the allowed set")
        needs = name not in FORMULAE and name not in ("TRUE", "FALSE")
        if needs and not written.startswith(PREFIX):
            found.append(f"function {name} must be written _xlfn.{name}")
        elif not needs and written.startswith(PREFIX):
            found.append(f"function {name} must be written without the _xlfn. prefix")
    return found


def reference_problems(formula: str, tables: dict[str, list[str]]) -> list[str]:
    """Structured references that Excel would not read: a column name with a special
    character in single brackets, an unescaped ``[ ] # '``, a table or column that does
    not exist (``tables``: table name -> column names)."""
    found = []
    known = {name.lower(): name for name in tables}
    for table, bracket in ft.structured_refs(formula):
        if table.lower() not in known:
            continue  # a name followed by a bracket that is not a table: not ours to judge
        names = ft.column_specifiers(bracket)
        if isinstance(names, str):
            found.append(f"{table}{bracket}: {names}")
            continue
        columns = {c.lower() for c in tables[known[table.lower()]]}
        for name in names:
            if name.lower() not in columns:
                found.append(f"{table}{bracket}: the table has no column {name!r}")
    return found


def problems(
    path: str | Path | WorkbookInfo, skip_columns: frozenset[tuple[str, int]] = frozenset()
) -> list[str]:
    """Every broken rule of the saved workbook ``path``, one line each ("" when none).

    ``skip_columns``: (sheet, column) pairs whose formulas are checked elsewhere (``xlsales
    verify`` holds a table column to its pattern, a tested formula), so that a 50,000-row
    table is not read twice.
    """
    book = path if isinstance(path, WorkbookInfo) else read(path)
    tables = {t.name: t.columns for s in book.sheets.values() for t in s.tables}
    found: list[str] = []
    for sheet in book.sheets.values():
        found += _validations(sheet)
        found += _headers(sheet)
        found += _charts(book, sheet)
        seen: dict[str, list[str]] = {}
        skip = {col for name, col in skip_columns if name == sheet.name}
        for col, column in sheet.cells.columns.items():
            if col in skip:
                continue
            formulas = column.formulas
            for i in np.flatnonzero(np.not_equal(formulas, None)).tolist():
                row, stored = int(column.rows[i]), formulas[i]
                # a column of the same formula is checked once: its cells differ in digits
                # only (a structured reference's column name may hold digits: those keep
                # theirs)
                key = ft.shape(stored) if "[" in stored else stored.translate(NO_DIGITS)
                if key not in seen:
                    formula = text_of(stored)
                    seen[key] = function_problems(formula) + reference_problems(formula, tables)
                found += [f"{sheet.name}!{cell_name(row, col)}: {p}" for p in seen[key]]
    found += _defined_names(book)
    return found


def _overlap(a: tuple, b: tuple) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def _validations(sheet: SheetInfo) -> list[str]:
    found = []
    areas = [(v.text, area) for v in sheet.validations for area in v.sqref]
    for i, (text_a, a) in enumerate(areas):
        for text_b, b in areas[i + 1 :]:
            if _overlap(a, b):
                cell = cell_name(max(a[0], b[0]), max(a[1], b[1]))
                found.append(
                    f"{sheet.name}!{cell}: two data validations on one cell ({text_a} and {text_b})"
                )
    return found


def _headers(sheet: SheetInfo) -> list[str]:
    found = []
    for table in sheet.tables:
        r1, c1, _r2, c2 = table.bounds
        if c2 - c1 + 1 != len(table.columns):
            found.append(
                f"{sheet.name}: table {table.name} spans {table.ref} but has "
                f"{len(table.columns)} columns"
            )
        for i, name in enumerate(table.columns):
            cell = sheet.cells.get((r1, c1 + i))
            value = None if cell is None else cell.value
            if table.header_rows and str(value if value is not None else "") != name:
                found.append(
                    f"{sheet.name}!{cell_name(r1, c1 + i)}: header {value!r} differs from "
                    f"table {table.name}'s column name {name!r}"
                )
    return found


_NAME_REF = re.compile(
    r"^(?:'((?:[^']|'')+)'|([^'!:]+))!(\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?"
    r"|\$?\d+:\$?\d+|\$?[A-Z]{1,3}:\$?[A-Z]{1,3})$"
)


def _sheet_ref(text: str) -> tuple[str, str] | None:
    m = _NAME_REF.match(text.strip().lstrip("="))
    if m is None:
        return None
    sheet = m.group(1).replace("''", "'") if m.group(1) else m.group(2)
    return sheet, m.group(3)


def _range_ok(ref: str) -> bool:
    parts = ref.replace("$", "").split(":")
    for part in parts:
        if part.isdigit():
            if not 1 <= int(part) <= MAX_ROW:
                return False
        elif part.isalpha():
            if len(part) > 3 or split_range(f"{part}1")[1] > MAX_COL:
                return False
        else:
            m = CELL.match(part)
            if m is None:
                return False
            r, c, *_ = split_range(part)
            if not (1 <= r <= MAX_ROW and 1 <= c <= MAX_COL):
                return False
    return True


def _defined_names(book: WorkbookInfo) -> list[str]:
    found = []
    for name, text, _local in book.defined_names:
        for part in text.split(","):  # print titles may list rows and columns
            target = _sheet_ref(part)
            if target is None:
                found.append(f"defined name {name} = {text!r} is not a sheet range")
            elif target[0] not in book.sheets:
                found.append(f"defined name {name} = {text!r}: no sheet {target[0]!r}")
            elif not _range_ok(target[1]):
                found.append(f"defined name {name} = {text!r}: {target[1]} is not a valid range")
    return found


def _charts(book: WorkbookInfo, sheet: SheetInfo) -> list[str]:
    """Each series range on an existing sheet, every cell holding a value or a formula
    (or lying in a table, whose blank input rows are there to be filled)."""
    found = []
    for chart, text in sheet.chart_refs:
        where = f"{sheet.name}: chart {chart.rsplit('/', 1)[-1]}"
        target = _sheet_ref(text)
        if target is None:
            found.append(f"{where}: series {text!r} is not a sheet range")
            continue
        name, ref = target
        if name not in book.sheets or not _range_ok(ref):
            found.append(f"{where}: series {text!r} points to no sheet or range")
            continue
        data = book.sheets[name]
        r1, c1, r2, c2 = split_range(ref)
        areas = [t.bounds for t in data.tables]
        empty = [
            cell_name(r, c)
            for r in range(r1, r2 + 1)
            for c in range(c1, c2 + 1)
            if (r, c) not in data.cells and not any(_overlap((r, c, r, c), a) for a in areas)
        ]
        if empty:
            found.append(f"{where}: series {text!r} reaches empty cells ({empty[0]}...)")
    return found
