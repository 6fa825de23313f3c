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
from openpyxl.utils.exceptions import IllegalCharacterError

from workbook_templates import account_matrix as am
from workbook_templates import pipeline_review as pr
from workbook_templates import prospecting_log as pl
from workbook_templates import to_bytes
from workbook_templates._common import (
    FIRST_ROW,
    Column,
    StreamedSheet,
    _writes_itself,
    data_table,
    new_workbook,
    written_cells,
)
from xlsales import pipeline, samples

BUILDS = {
    "account matrix": lambda: am.build(samples.sample_accounts(40)),
    "account matrix empty": am.build,
    "prospecting log": lambda: pl.build(samples.sample_activities(80)),
    "pipeline review": lambda: pr.build(
        pipeline.review(samples.sample_crm(150), samples.CRM_STAGES, stall_days=5)
    ),
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
    if name == "pipeline review":  # both big tables stream
        assert streamed["Deals"]._stream.count > 1 and streamed["Stalled"]._stream.count > 1
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


# Every kind of value a column may hold, mixed in one column: what openpyxl writes for
# each (a blank cell t="n", an empty text t="inlineStr", numbers as %.16g so 0.1 + 0.2
# is 0.3 and 2**60 1.152921504606847e+18, NaN and infinity an empty value, text with
# blanks at either end xml:space="preserve" but blanks alone not, &, < and > escaped).
MIXED = [
    None,
    "",
    "   ",
    " padded ",
    "a\r\nb\tc",
    'Ann & <Co> "x"',
    "=1+1",
    7,
    -0.0,
    0.1 + 0.2,
    1e20,
    2**60,
    float("nan"),
    float("inf"),
    True,
    False,
    "x" * 40_000,  # openpyxl keeps the first 32,767 characters
]
DAYS = [dt.date(2026, 1, 2), dt.datetime(2026, 1, 2, 18), dt.date(1900, 2, 28), None]


def _mixed(values, day_values, stream: bool):
    """Column A holds values[0], values[1], ... from row 5; B from values[3], C from
    values[7], D the days, E a formula, F (generated, unstyled) from values[1]."""
    wb = new_workbook()
    ws = wb.create_sheet("T")
    columns = [
        Column("text", "text"),
        Column("plain"),
        Column("amount", "money"),
        Column("day", "date"),
        Column("twice", "general", '=IF(ISNUMBER(C{r}),C{r}*2,"<none>")'),
        Column("seen", generated=True),  # unstyled: a blank writes no cell at all
    ]
    n = max(len(values), len(day_values))
    rows = [
        {
            "text": values[i % len(values)],
            "plain": values[(i + 3) % len(values)],
            "amount": values[(i + 7) % len(values)],
            "day": day_values[i % len(day_values)],
            "seen": values[(i + 1) % len(values)],
        }
        for i in range(n)
    ]
    data_table(ws, "tblT", columns, pd.DataFrame(rows, dtype=object))
    fast = _writes_itself(ws, ws._stream)
    if not stream:
        ws.unstream()
    with zipfile.ZipFile(io.BytesIO(to_bytes(wb))) as z:
        return fast, {n: z.read(n) for n in ("xl/worksheets/sheet1.xml", "xl/styles.xml")}


@pytest.mark.parametrize(
    "values, days, fast",
    [
        (MIXED, DAYS, True),
        # a date in a text column gets a date format of its own, and a time of day is
        # written by openpyxl's own writer: the sheet is written as cells
        (MIXED + [dt.date(2026, 3, 4)], DAYS, False),
        (MIXED, [*DAYS, dt.time(12, 0)], False),
    ],
)
def test_mixed_values_are_written_as_openpyxl_writes_them(values, days, fast):
    streamed, as_cells = _mixed(values, days, True), _mixed(values, days, False)
    assert streamed[0] is fast
    assert streamed[1] == as_cells[1]


def test_what_is_written_for_each_kind_of_value():
    sheet = _mixed(MIXED, DAYS, True)[1]["xl/worksheets/sheet1.xml"].decode()
    # styles: 1 the header, 2 to 5 the input columns A to D; E and F have none
    for cell in (
        '<c r="A6" s="2" t="inlineStr" />',  # "": an empty text
        '<c r="A7" s="2" t="inlineStr"><is><t>   </t></is></c>',
        '<c r="A8" s="2" t="inlineStr"><is><t xml:space="preserve"> padded </t></is></c>',
        '<c r="A10" s="2" t="inlineStr"><is><t>Ann &amp; &lt;Co&gt; "x"</t></is></c>',
        '<c r="A11" s="2" t="inlineStr"><is><t>=1+1</t></is></c>',  # text, not a formula
        '<c r="C6" s="4" t="n"><v>-0</v></c>',
        '<c r="C7" s="4" t="n"><v>0.3</v></c>',  # 0.1 + 0.2 to 16 digits
        '<c r="C8" s="4" t="n"><v>1e+20</v></c>',
        '<c r="C9" s="4" t="n"><v>1.152921504606847e+18</v></c>',  # 2**60 to 16 digits
        '<c r="C10" s="4" t="n"><v /></c>',  # NaN
        '<c r="C11" s="4" t="n"><v /></c>',  # infinity
        '<c r="C12" s="4" t="b"><v>1</v></c>',
        '<c r="C13" s="4" t="b"><v>0</v></c>',
        '<c r="C15" s="4" t="n" />',  # a blank: t="n"
        '<c r="D6" s="5" t="n"><v>46024.75</v></c>',  # 2026-01-02 18:00 (2026-01-01 = 46023)
        '<c r="D7" s="5" t="n"><v>59</v></c>',  # 1900-02-28: 31 + 28 days from 1900-01-01 = 1
        '<c r="D8" s="5" t="n" />',
        '<c r="E6"><f>IF(ISNUMBER(C6),C6*2,"&lt;none&gt;")</f><v /></c>',
        '<c r="F6" t="inlineStr"><is><t>   </t></is></c>',
    ):
        assert cell in sheet
    assert '<c r="F21"' not in sheet and '<c r="F20" t="inlineStr"><is><t>x' in sheet
    assert "x" * 32_767 + "</t>" in sheet and "x" * 32_768 not in sheet


def test_a_character_excel_refuses_is_refused_as_openpyxl_refuses_it():
    with pytest.raises(IllegalCharacterError, match="cannot be used in worksheets"):
        _mixed(["ok", "bell\x07"], DAYS, True)
