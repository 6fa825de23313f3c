"""Streamed table rows (workbook_templates._common.StreamedSheet): the file is the one
openpyxl's own writer makes of the same workbook, and the workbook reads as if every
row had been written as cells."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from workbook_templates import account_matrix as am
from workbook_templates import prospecting_log as pl
from workbook_templates import to_bytes
from workbook_templates._common import (
    FIRST_ROW,
    Column,
    StreamedSheet,
    data_table,
    new_workbook,
    written_cells,
)
from xlsales import samples

BUILDS = {
    "account matrix": lambda: am.build(samples.sample_accounts(40)),
    "account matrix empty": am.build,
    "prospecting log": lambda: pl.build(samples.sample_activities(80)),
}


def _parts(wb) -> dict[str, bytes]:
    """Every part of the saved file but the two that hold the time of the build
    (docProps/core.xml and the Cover, sheet1, with its "Generated at")."""
    with zipfile.ZipFile(io.BytesIO(to_bytes(wb))) as z:
        return {
            n: z.read(n)
            for n in z.namelist()
            if n not in ("docProps/core.xml", "xl/worksheets/sheet1.xml")
        }


@pytest.mark.parametrize("name", BUILDS)
def test_streamed_file_equals_openpyxls_own(name):
    streamed = BUILDS[name]()
    assert any(ws._stream is not None for ws in streamed.worksheets) or name.endswith("empty")
    as_cells = BUILDS[name]()
    for ws in as_cells.worksheets:
        ws.unstream()  # as reading its cells does
        assert ws._stream is None
    got, expected = _parts(streamed), _parts(as_cells)
    assert sorted(got) == sorted(expected)
    assert [n for n in got if got[n] != expected[n]] == []


def _table(ws, rows):
    columns = [
        Column("name", "text"),
        Column("day", "date"),
        Column("amount", "money"),
        Column("flag"),
        Column("double", "money", "=C{r}*2"),
        Column("running", "money", "=N(F{p})+C{r}"),
    ]
    return data_table(ws, "tblT", columns, rows)


ROWS = [
    {"name": "first", "day": dt.date(2026, 1, 2), "amount": 10, "flag": True},
    {"name": "=1+1", "day": dt.date(2026, 1, 3), "amount": 2.5, "flag": False},
    {"name": "@x", "day": None, "amount": None, "flag": None},
]


def test_streamed_rows_read_as_cells_and_save_with_their_types():
    wb = new_workbook()
    ws = wb.create_sheet("T")
    assert isinstance(ws, StreamedSheet)
    assert _table(ws, ROWS) == (FIRST_ROW, FIRST_ROW + 2)
    # only the first data row is a cell until someone reads the sheet
    assert max(r for r, _c in written_cells(ws)) == FIRST_ROW
    saved = load_workbook(io.BytesIO(to_bytes(wb)))["T"]
    row7 = [c.value for c in saved[FIRST_ROW + 2]]
    assert row7 == ["@x", None, None, None, "=C7*2", "=N(F6)+C7"]
    assert saved.cell(FIRST_ROW + 1, 1).value == "=1+1"  # user text stays text
    assert saved.cell(FIRST_ROW + 1, 1).data_type == "s"
    assert saved.cell(FIRST_ROW + 1, 2).value == dt.datetime(2026, 1, 3)
    assert saved.cell(FIRST_ROW + 1, 4).value is False
    assert saved.cell(FIRST_ROW + 2, 3).protection.locked is False  # an empty input cell
    assert saved.cell(FIRST_ROW + 2, 5).protection.locked is True
    assert saved.cell(FIRST_ROW + 2, 3).number_format == "#,##0"
    # read in memory, the same rows are there as cells, each with its own style
    assert ws.max_row == FIRST_ROW + 2
    assert ws.cell(FIRST_ROW + 2, 6).value == "=N(F6)+C7"
    ws.cell(FIRST_ROW + 1, 3).number_format = "0.0"
    assert ws.cell(FIRST_ROW + 2, 3).number_format == "#,##0"
    assert ws.cell(FIRST_ROW, 3).number_format == "#,##0"


def test_a_plain_worksheet_gets_every_row_as_cells_at_once():
    ws = Workbook().active
    _table(ws, ROWS)
    assert ws.cell(FIRST_ROW + 1, 1).value == "=1+1"
    assert ws.cell(FIRST_ROW + 1, 1).data_type == "s"
    assert ws.cell(FIRST_ROW + 2, 5).value == "=C7*2"
    assert ws.cell(FIRST_ROW + 2, 5).data_type == "f"


def test_a_frame_gives_the_table_its_rows_as_dicts_give():
    frame = pd.DataFrame(ROWS)
    books = []
    for rows in (frame, frame.to_dict("records")):
        wb = new_workbook()
        _table(wb.create_sheet("T"), rows)
        with zipfile.ZipFile(io.BytesIO(to_bytes(wb))) as z:
            books.append(z.read("xl/worksheets/sheet1.xml"))
    assert books[0] == books[1]
    assert b"<t>=1+1</t>" in books[0]  # row 6, streamed: text, not a formula
