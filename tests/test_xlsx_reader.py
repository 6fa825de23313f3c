"""The sheet reader's two ways through a sheet's cells give the same cells.

:func:`workbook_templates.xlsx_reader._cells` reads a sheet the fast way (numpy over the
bytes: every tag located by position, texts left in the bytes) when every cell is in a
form LibreOffice and Excel write, and by a regular expression otherwise. The regular
expression is the reference here: both ways are run on the same XML and must give the
same rows, types, formulas, values and inline strings, column by column; and verify's
formula check compares a whole column as bytes, which must find exactly the cells the
text comparison finds.
"""

from __future__ import annotations

import zipfile

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from test_verify import libreoffice_saved
from test_verify_excel_form import excel_form
from test_verify_templates import NAMES, four_templates

from workbook_templates.formula_text import to_r1c1
from workbook_templates.verify import _Expected
from workbook_templates.xlsx_reader import (
    NotAWorkbook,
    SheetInfo,
    _blocks,
    _cells,
    _cells_fast,
    _cells_matched,
    _inflate,
    _spelt,
    read,
)

FIELDS = ("rows", "kinds", "formulas", "values", "inline")


def both_ways(xml: str) -> tuple[SheetInfo, SheetInfo, bool]:
    """The sheet data ``xml`` read by :func:`_cells` and by the regular expression
    alone, and whether the fast way took it. When it did, the fast way is also run a
    row at a time (each row its own block: a shared formula's master and followers in
    different blocks) and must read the same cells."""
    fast, matched = SheetInfo("S", "", "visible"), SheetInfo("S", "", "visible")
    data = xml.encode() + b"</sheetData>"
    took = _cells_fast(data, SheetInfo("S", "", "visible"), 0, len(data) - 12)
    _cells(xml, fast)
    _cells_matched(xml, matched)
    if took:
        by_row = SheetInfo("S", "", "visible")
        assert _cells_fast(data, by_row, 0, len(data) - 12, block=1)
        assert_same(by_row, fast)
    return fast, matched, took


def assert_same(fast: SheetInfo, matched: SheetInfo) -> None:
    a, b = fast.cells.columns, matched.cells.columns
    assert list(a) == list(b)
    for col in a:
        for name in FIELDS:
            got, want = getattr(a[col], name), getattr(b[col], name)
            assert got.tolist() == want.tolist(), (fast.name, col, name)
            assert got.dtype == want.dtype
        assert np.array_equal(a[col].numbers, b[col].numbers, equal_nan=True)


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    return libreoffice_saved(tmp_path_factory.mktemp("xlsx_reader"), four_templates())


def _sheet_data(path) -> dict[str, str]:
    with zipfile.ZipFile(path) as z:
        out = {}
        for name in z.namelist():
            if name.startswith("xl/worksheets/sheet"):
                xml = z.read(name).decode()
                start, end = xml.find("<sheetData"), xml.find("</sheetData>")
                if start >= 0 and end >= 0:
                    out[name] = xml[start:end]
        return out


@pytest.mark.engine
@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("form", ["LibreOffice", "Excel"])
def test_both_ways_read_the_same_cells(saved, tmp_path, name, form):
    path = saved[name] if form == "LibreOffice" else excel_form(saved[name], tmp_path / "x.xlsx")
    sheets = _sheet_data(path)
    assert sheets
    for part, xml in sheets.items():
        fast, matched, took = both_ways(xml)
        assert took, part  # both writers' forms are read the fast way
        fast.name = matched.name = part
        assert_same(fast, matched)


def test_forms_the_fast_way_leaves_to_the_regular_expression():
    # a type that is not the last attribute, a type outside the standard, a value
    # element with an attribute, a cell without r: each read, and read alike
    for xml in (
        '<row r="1"><c r="A1" t="s" s="2"><v>0</v></c><c r="B1" s="1" t="n"><v>4</v></c></row>',
        '<row r="1"><c r="A1" s="1" t="x"><v>q</v></c></row>',
        '<row r="1"><c r="A1" s="1" t="n"><v xml:space="preserve">4</v></c></row>',
        '<row r="1"><c r="A1"><v>1</v></c><c><v>2</v></c></row>',
        # Excel 365: a linked data type's cell, a dynamic-array formula (vm, cm after t)
        '<row r="1"><c r="A1" t="e" vm="1"><v>#VALUE!</v></c></row>',
        '<row r="1"><c r="A1" t="str" cm="1"><f t="array" ref="A1:A3">SORT(B1:B3)</f>'
        "<v>x</v></c></row>",
    ):
        fast, matched, took = both_ways(xml)
        assert not took, xml
        assert_same(fast, matched)
    fast, _matched, _took = both_ways(
        '<row r="1"><c r="A1" t="s" s="2"><v>0</v></c><c r="B1" s="1" t="n"><v>4</v></c></row>'
    )
    assert fast.cells.columns[1].kinds.tolist() == ["s"]
    assert fast.cells.columns[2].numbers.tolist() == [4.0]
    # the value element with an attribute is read (both ways once lost it, "alike")
    fast, _matched, _took = both_ways(
        '<row r="1"><c r="A1" s="1" t="n"><v xml:space="preserve">4</v></c>'
        '<c r="B1" t="str"><f>A1</f><v xml:space="preserve"> 4</v></c></row>'
    )
    assert fast.cells.columns[1].numbers.tolist() == [4.0]
    assert fast.cells.columns[2].values.tolist() == [" 4"]
    fast, _matched, _took = both_ways(
        '<row r="1"><c r="A1" t="str" cm="1"><f t="array" ref="A1:A3">SORT(B1:B3)</f>'
        '<v>x</v></c><c r="B1" t="e" vm="1"><v>#VALUE!</v></c></row>'
    )
    assert fast.cells[1, 1].formula == "SORT(B1:B3)" and fast.cells.value((1, 1)) == "x"
    assert fast.cells.value((1, 2)) == "#VALUE!"


def test_a_cell_neither_way_reads_is_refused_not_lost(tmp_path):
    # t before s sends the sheet to the regular expression, which does not take a
    # child after <v>: the sheet's 2 cells, 1 not read -> a one-line refusal, never a
    # workbook read with a cell missing
    xml = '<row r="1"><c r="A1" t="s" s="2"><v>0</v><extLst/></c><c r="B1"><v>1</v></c></row>'
    with pytest.raises(ValueError, match="^sheet S: 1 of its 2 cells are in a form"):
        _cells(xml, SheetInfo("S", "", "visible"))
    wb = Workbook()
    wb.active.title = "Data"
    wb.active["B1"] = 1
    path = tmp_path / "odd.xlsx"
    wb.save(path)
    odd = tmp_path / "odd2.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(odd, "w") as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                start = text.index("<sheetData>") + len("<sheetData>")
                data = (text[:start] + xml + text[text.index("</sheetData>") :]).encode()
            out.writestr(item, data)
    with pytest.raises(NotAWorkbook, match=r"odd2\.xlsx: .*sheet Data: 1 of its 2 cells"):
        read(odd)


def test_every_cell_type_and_number_form_the_fast_way():
    # each OOXML cell type; empty, self-closed and valueless cells; an empty formula
    # element; numbers as writers spell them, each parsed to the float Python reads
    # whole numbers of up to 8 digits are read from one 8-byte word: 7, 007, 12345678 (8
    # digits: on the limit) and 123456789 (9: beside it, read as the others)
    numbers = ["0", "-0.5", "1E-05", "2.5e+300", "0.000412725756589525", "12345678901234567"]
    numbers += ["7", "007", "12345678", "123456789"]
    cells = "".join(f'<c r="A{i}" s="3" t="n"><v>{n}</v></c>' for i, n in enumerate(numbers, 1))
    xml = (
        f'<row r="1">{cells}</row>'
        '<row r="9"><c r="B9" t="s"><v>0</v></c><c r="C9" t="str"><f>"a"&amp;"b"</f>'
        '<v>ab&amp;c</v></c><c r="D9" t="b"><v>1</v></c><c r="E9" t="e"><f>1/0</f>'
        '<v>#DIV/0!</v></c><c r="F9" t="inlineStr"><is><t>in &lt;line&gt;</t></is></c>'
        '<c r="G9" t="d"><v>2026-05-29T00:00:00</v></c><c r="H9" s="4"/><c r="I9"><v/></c>'
        '<c r="J9"><f/><v>3</v></c><c r="AB9" t="b"><v>true</v></c>'
        '<c r="ABC9"><f aca="false">A1+1</f><v>1</v></c></row>'
    )
    fast, matched, took = both_ways(xml)
    assert took
    assert_same(fast, matched)
    got = fast.cells
    assert got.columns[1].numbers.tolist() == [float(n) for n in numbers]
    got.strings.append("x")
    assert [got.value((9, c)) for c in (2, 3, 4, 5, 6)] == [
        "x",
        "ab&c",
        True,
        "#DIV/0!",
        "in <line>",
    ]
    assert got[9, 7].kind == "d" and (9, 8) not in got and (9, 9) not in got
    assert (got[9, 10].formula, got[9, 10].value) == ("", 3)
    assert got.columns[28].truth(np.array([0])).tolist() == [True]
    assert got[9, 731].formula == "A1+1"  # ABC = 1*26*26 + 2*26 + 3


def _formula_column(formulas: dict[int, str | None]):
    """A column whose cells hold ``formulas`` (row -> text; None: a constant)."""
    cells = "".join(
        f'<row r="{r}"><c r="S{r}" s="1" t="n">'
        + (f'<f aca="false">{f}</f><v>1</v></c></row>' if f else "<v>7</v></c></row>")
        for r, f in formulas.items()
    )
    sheet = SheetInfo("S", "", "visible")
    _cells(cells, sheet)
    return sheet.cells.columns[19]


def test_a_column_compared_as_bytes_finds_what_the_text_comparison_finds():
    # S = the running total N(R{r-1})+F{r} ("N(R7)+F8" in row 8), down rows whose numbers
    # change their count of digits (9 -> 10, 99 -> 100, 9999 -> 10000), where a
    # text of one length no longer holds: R99 in row 100 is N(R99)+F100. Tampered:
    # row 100 refers to G, row 10001 holds a constant, row 9 misses its "+".
    rows = [*range(8, 13), *range(97, 103), *range(9998, 10003)]
    formulas: dict[int, str | None] = {r: f"N(R{r - 1})+F{r}" for r in rows}
    formulas[100] = "N(R99)+G100"
    formulas[10001] = None
    formulas[9] = "N(R8)F9"
    column = _formula_column(formulas)
    expected = _Expected(to_r1c1("N(R7)+F8", 8, 19), 19)
    at = np.array(rows)
    matched = expected.matching(column, np.arange(len(rows)), at)
    assert sorted(at[~matched].tolist()) == [9, 100, 10001]
    stored = [formulas[r] for r in rows]
    assert sorted(rows[i] for i in expected.mismatches(stored, rows)) == [9, 100, 10001]


def test_a_reference_above_row_1_is_left_to_the_text_comparison():
    # N(R{r-1}) in row 1 would refer to row 0: not compared as bytes (False), and the
    # text comparison judges it (Excel would store #REF!, never "R0")
    column = _formula_column({1: "N(R0)+F1", 2: "N(R1)+F2"})
    expected = _Expected(to_r1c1("N(R7)+F8", 8, 19), 19)
    assert expected.matching(column, np.arange(2), np.array([1, 2])).tolist() == [False, True]
    assert expected.mismatches(["N(R0)+F1"], [1]) == []


def test_a_workbook_read_fast_keeps_its_cells_in_the_bytes(saved):
    # the 20-account matrix: formulas and values are made into text only when asked
    sheet = read(saved["am"]).sheets["Accounts"]
    column = next(c for c in sheet.cells.columns.values() if c.has_formula.any())
    assert column._formulas is None and column._values is None
    assert column.formulas[column.has_formula].tolist()  # made on request


_TYPES = ["", ' t="n"', ' t="s"', ' t="str"', ' t="b"', ' t="e"', ' t="inlineStr"', ' t="d"']


@st.composite
def sheet_data(draw):
    """Rows of cells in the forms both writers use, with every optional part."""
    rows = []
    for r in sorted(draw(st.sets(st.integers(1, 1_048_576), max_size=4))):
        cells = []
        for c in sorted(draw(st.sets(st.integers(1, 16_384), max_size=4))):
            ref = f' r="{get_column_letter(c)}{r}"'
            style = draw(st.sampled_from(["", ' s="0"', ' s="14"', ' s="12345"']))
            kind = draw(st.sampled_from(_TYPES))
            numeric = kind in ("", ' t="n"')
            text = draw(
                st.sampled_from(
                    ["", "0", "-0.5", "1E-05", "12345678901234567"]
                    + ([] if numeric else ["a&amp;b", "&lt;x&gt;", "é", "1"])
                )
            )
            formula = draw(
                st.sampled_from(["", "<f>A1+1</f>", '<f aca="false">SUM(A1:B2)</f>', "<f/>"])
            )
            value = draw(st.sampled_from(["", f"<v>{text}</v>", "<v/>", "<v></v>"]))
            inline = "<is><t>in</t></is>" if kind == ' t="inlineStr"' and not value else ""
            if not (formula or value or inline) and draw(st.booleans()):
                cells.append(f"<c{ref}{style}{kind}/>")
            else:
                cells.append(f"<c{ref}{style}{kind}>{formula}{value}{inline}</c>")
        rows.append(f'<row r="{r}">' + "".join(cells) + "</row>")
    return "".join(rows)


@settings(max_examples=300, deadline=None)
@given(sheet_data())
def test_both_ways_agree_on_any_sheet_in_the_writers_forms(xml):
    fast, matched, took = both_ways(xml)
    assert took
    assert_same(fast, matched)


def test_blocks_are_cut_before_a_row_tag_only():
    # pieces of at least 5 bytes, each cut just before "<row" followed by a space, ">"
    # or "/" (never before "<rowX"): "<sheetData>" (11 bytes) alone, then one piece
    # per row: 4 rows -> 5 pieces
    data = (
        b'<sheetData><row r="1"><c r="A1"/></row><row r="2"/>'
        b'<row><c><is><rowX/></is></c></row><row r="4"></row></sheetData>'
    )
    end = data.index(b"</sheetData>")
    pieces = [data[a:b] for a, b in _blocks(data, 0, end, 5)]
    assert b"".join(pieces) == data[:end]
    assert [p[:8] for p in pieces] == [
        b"<sheetDa", b'<row r="', b'<row r="', b"<row><c>", b'<row r="'
    ]  # fmt: skip
    assert _blocks(data, 0, end, end) == [(0, end)]  # one piece when it is small enough


def test_inflate_reads_each_part_as_zipfile_does(tmp_path):
    # every part of a workbook (deflated) and a stored part: the same bytes as zipfile
    # reads; a part whose CRC does not match: zipfile's own error, never other bytes
    wb = Workbook()
    wb.active["A1"] = "x" * 5000
    path = tmp_path / "b.xlsx"
    wb.save(path)
    mixed = tmp_path / "mixed.xlsx"
    with zipfile.ZipFile(path) as z, zipfile.ZipFile(mixed, "w") as out:
        for item in z.infolist():
            kind = zipfile.ZIP_STORED if "styles" in item.filename else zipfile.ZIP_DEFLATED
            out.writestr(item.filename, z.read(item.filename), kind)
    with zipfile.ZipFile(mixed) as z:
        assert {i.compress_type for i in z.infolist()} == {0, 8}
        for name in z.namelist():
            assert _inflate(z, name) == z.read(name), name
    bad = bytearray(mixed.read_bytes())
    with zipfile.ZipFile(mixed) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    at = bad.index(b"PK\x03\x04", info.header_offset) + 14  # the CRC in the local header
    bad[at : at + 4] = (info.CRC ^ 1).to_bytes(4, "little")
    central = bad.rindex(info.CRC.to_bytes(4, "little"))  # and in the central directory
    bad[central : central + 4] = (info.CRC ^ 1).to_bytes(4, "little")
    (tmp_path / "bad.xlsx").write_bytes(bytes(bad))
    with zipfile.ZipFile(tmp_path / "bad.xlsx") as z:
        with pytest.raises(zipfile.BadZipFile, match="Bad CRC-32"):
            _inflate(z, "xl/worksheets/sheet1.xml")


def test_shared_followers_are_spelt_as_bytes_across_digit_counts():
    # A%d*$B$1&"€%"&B%d with the offsets 0 and -1 (the second reference one row up),
    # as stored (XML-escaped, UTF-8), by hand: rows 9 -> 10 and 99 -> 100 gain a digit;
    # row 1 refers to row 0
    fmt = 'A%d*$B$1&amp;"€%%"&amp;B%d'
    blob, starts, ends = _spelt(fmt, (0, -1), np.array([9, 10, 99, 100, 1]))
    assert [blob[a:b].decode() for a, b in zip(starts, ends)] == [
        'A9*$B$1&amp;"€%"&amp;B8',
        'A10*$B$1&amp;"€%"&amp;B9',
        'A99*$B$1&amp;"€%"&amp;B98',
        'A100*$B$1&amp;"€%"&amp;B99',
        'A1*$B$1&amp;"€%"&amp;B0',
    ]
    # a number below 0 is spelt by Python as %d spells it; no reference: the same text
    blob, starts, ends = _spelt("A%d", (-2,), np.array([1, 3]))
    assert [blob[a:b].decode() for a, b in zip(starts, ends)] == ["A-1", "A1"]
    blob, starts, ends = _spelt("SUM($A$1:$A$9)%%", (), np.array([5, 6]))
    assert [blob[a:b].decode() for a, b in zip(starts, ends)] == ["SUM($A$1:$A$9)%"] * 2


def test_an_excel_shared_formula_read_both_ways_across_digit_counts():
    # C8 holds A8*2 shared down to C101; its followers in rows 9-12 and 98-101 are
    # A9*2 ... A101*2, read alike by the fast way (whole and a row per block) and by
    # the regular expression; their texts stay in the bytes
    rows = [8, 9, 10, 11, 12, 98, 99, 100, 101]
    xml = "".join(
        f'<row r="{r}"><c r="C{r}">'
        + ('<f t="shared" ref="C8:C101" si="0">A8*2</f>' if r == 8 else '<f t="shared" si="0"/>')
        + f"<v>{2 * r}</v></c></row>"
        for r in rows
    )
    sheet = SheetInfo("S", "", "visible")
    _cells(xml, sheet)
    assert sheet.cells.columns[3]._formulas is None
    fast, matched, took = both_ways(xml)
    assert took
    assert_same(fast, matched)
    assert [fast.cells[r, 3].formula for r in (9, 10, 99, 100)] == [
        "A9*2",
        "A10*2",
        "A99*2",
        "A100*2",
    ]
