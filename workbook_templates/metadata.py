"""What a template stores about itself, so that ``xlsales verify`` can audit a copy that
came back from the field: the kind, the version, and which cells hold which formula.

- Custom document properties (File > Info > Properties > Advanced > Custom in Excel):
  ``xlsales kind``, ``xlsales version`` and ``xlsales metadata`` (the format number).
- A very hidden sheet ``VerifyData``, one row per formula pattern: the sheet, the cells,
  the table whose rows the pattern follows (a table's calculated column covers every
  row the table has, however far it grew) and the formula in R1C1 form
  (``{R+0C-2}`` is this row, two columns left; ``{R$5C$3}`` is $C$5), plus one row per
  required input cell. A 50,000-row table still takes one row per column.

Written in one place, :func:`stamp`, which :func:`workbook_templates._common.cover`
calls last; read by :func:`load`.
"""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.packaging.custom import StringProperty
from openpyxl.utils import get_column_letter

import xlsales
from workbook_templates.formula_text import to_r1c1
from workbook_templates.xlsx_reader import WorkbookInfo, split_cell, split_range

SHEET = "VerifyData"
FORMAT = "1"
KIND, VERSION, METADATA = "xlsales kind", "xlsales version", "xlsales metadata"
HEADER = ["what", "sheet", "cells", "table", "formula (R1C1)"]


@dataclass(frozen=True)
class Pattern:
    sheet: str
    cells: str  # "K5:K34"
    table: str  # "" or the table whose data rows the pattern covers
    formula: str  # R1C1 form

    @property
    def column(self) -> int:
        return split_range(self.cells)[1]


@dataclass
class Metadata:
    kind: str
    version: str
    patterns: list[Pattern]
    required: list[tuple[str, str]]  # (sheet, cell)


def stamp(wb: Workbook, kind: str) -> None:
    """Record ``kind``, the version and every formula pattern of ``wb`` in ``wb``."""
    from workbook_templates._common import (  # _common calls stamp
        finish,
        header,
        safe_text,
        written_cells,
    )

    rows: list[tuple[str, str, str, str, str]] = []
    names = _named_cells(wb)
    for ws in wb.worksheets:
        written = written_cells(ws)  # a table's rows below the first are all alike
        tables = list(ws.tables.values())
        areas = [split_range(t.ref) for t in tables]
        for table, (r1, c1, r2, c2) in zip(tables, areas):
            for col in range(c1, c2 + 1):  # the first data row stands for the column
                value = written.get((r1 + 1, col))
                if value is not None and value.data_type == "f" and isinstance(value.value, str):
                    letter = get_column_letter(col)
                    rows.append(
                        (
                            "formula",
                            ws.title,
                            f"{letter}{r1 + 1}:{letter}{r2}",
                            table.displayName,
                            to_r1c1(value.value, r1 + 1, col),
                        )
                    )
        loose: dict[int, list[tuple[int, str]]] = {}
        in_tables = {
            col: (r1 + 1, r2) for r1, c1, r2, c2 in areas for col in range(c1, c2 + 1)
        }  # the templates' tables do not share columns
        for (row, col), cell in written.items():
            if cell.data_type != "f" or not isinstance(cell.value, str):
                if (ws.title, row, col) in names and not cell.protection.locked:
                    if cell.value is not None and cell.value != "":
                        rows.append(("required", ws.title, cell.coordinate, "", ""))
                continue
            span = in_tables.get(col)
            if span is not None and span[0] <= row <= span[1]:
                continue
            loose.setdefault(col, []).append((row, to_r1c1(cell.value, row, col)))
        for col, cells in sorted(loose.items()):
            cells.sort()
            start, (last, pattern) = cells[0][0], cells[0]
            for row, text in [*cells[1:], (-1, "")]:
                if row == last + 1 and text == pattern:
                    last = row
                    continue
                letter = get_column_letter(col)
                rows.append(("formula", ws.title, f"{letter}{start}:{letter}{last}", "", pattern))
                start, last, pattern = row, row, text
    ws = wb.create_sheet(SHEET)
    ws.sheet_state = "veryHidden"
    header(ws, 1, HEADER)
    for i, row in enumerate(rows, start=2):
        for j, value in enumerate(row, start=1):
            safe_text(ws.cell(row=i, column=j), value)
    finish(ws, widths={"A": 10, "B": 14, "C": 14, "D": 14, "E": 80})
    props = wb.custom_doc_props
    for name, value in ((KIND, kind), (VERSION, xlsales.__version__), (METADATA, FORMAT)):
        props.append(StringProperty(name=name, value=value))


def _named_cells(wb: Workbook) -> set[tuple[str, int, int]]:
    """(sheet, row, column) of every single-cell defined name: named inputs and facts."""
    found = set()
    for name in wb.defined_names.values():
        for sheet, ref in name.destinations:
            if ":" not in ref:
                found.add((sheet, *split_cell(ref)))
    return found


def load(book: WorkbookInfo) -> Metadata | None:
    """The metadata ``book`` carries, or None when it was not made by xlsales."""
    kind = book.properties.get(KIND)
    sheet = book.sheets.get(SHEET)
    if not kind or sheet is None:
        return None
    patterns, required = [], []
    last = max((r for r, _c in sheet.cells), default=1)
    for r in range(2, last + 1):
        values = [sheet.cells.get((r, c)) for c in range(1, 6)]
        what, name, cells, table, formula = (
            "" if v is None or v.value is None else str(v.value) for v in values
        )
        if what == "formula":
            patterns.append(Pattern(name, cells, table, formula))
        elif what == "required":
            required.append((name, cells))
    return Metadata(kind, book.properties.get(VERSION, ""), patterns, required)
