"""xlsales verify on "the copy that came back": files in the form Excel saves them.

No Excel runs here, so each template is recalculated and saved by LibreOffice and its
sheet XML is then rewritten the way Excel writes it (ECMA-376 Part 1):
- a filled-down run of one formula is a SHARED formula (18.3.1.40, the f element): the
  first cell holds ``<f t="shared" ref="M5:M34" si="0">F5*G5</f>``, every other cell
  ``<f t="shared" si="0"/>``, meaning the first cell's formula moved by the distance
  between the two cells (relative references shift, ``$`` references stay);
- formula text unescaped where XML allows (``"`` as is, not ``&quot;``), ``TRUE`` not
  LibreOffice's ``TRUE()``, no ``t="n"`` (the default type) and no LibreOffice ``aca``;
- structured references in their long stored form: ``tbl[@Revenue]`` is stored as
  ``tbl[[#This Row],[Revenue]]`` (the @ is presentation only: ClosedXML pull 2251,
  XLParser issue 16);
- and, as writers other than Excel do, rows and cells without their ``r`` attribute
  (18.3.1.73 row, 18.3.1.4 c: optional; a row without it follows the row before, a
  cell the cell before).
verify must be clean on each, and find each tampering at the right cell.
"""

from __future__ import annotations

import re
import zipfile
from html import unescape

import pytest
from test_verify import cell_xml, cells, libreoffice_saved, tamper
from test_verify_templates import NAMES, four_templates

from workbook_templates import account_matrix as am
from workbook_templates import metadata
from workbook_templates.formula_text import segments, to_r1c1
from workbook_templates.verify import verify
from workbook_templates.xlsx_reader import (
    SheetInfo,
    _cells,
    cell_name,
    read,
    split_cell,
    split_range,
)

_CELL = re.compile(r'<c r="([A-Z]+[0-9]+)"([^>]*?)(/>|>(.*?)</c>)', re.DOTALL)
_F = re.compile(r"<f(?: aca=\"(?:false|true)\")?>([^<]*)</f>")


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    return libreoffice_saved(tmp_path_factory.mktemp("verify_excel_form"), four_templates())


def _excel_text(formula: str) -> str:
    """LibreOffice's stored formula text as Excel stores it: quotes as they are, TRUE
    and FALSE without LibreOffice's parentheses."""
    text = unescape(formula)
    text = "".join(
        t.replace("TRUE()", "TRUE").replace("FALSE()", "FALSE") if kind == "code" else t
        for kind, t in segments(text)
    )
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def excel_sheet(xml: str, first_si: int = 0) -> tuple[str, int]:
    """A LibreOffice sheet's XML in Excel's form: each run of cells down a column with
    the same formula (in R1C1 form) becomes one shared formula. Returns the XML and the
    next free shared index."""
    found = list(_CELL.finditer(xml))
    runs: dict[int, list] = {}  # column -> the open run [r1c1, last row, [positions]]
    groups: list[list[int]] = []
    for i, m in enumerate(found):
        f = _F.search(m.group(4) or "")
        if f is None:
            continue
        row, col = split_cell(m.group(1))
        key = to_r1c1(unescape(f.group(1)), row, col)
        run = runs.get(col)
        if run is not None and run[0] == key and run[1] == row - 1:
            run[1] = row
            run[2].append(i)
        else:
            runs[col] = [key, row, [i]]
            groups.append(runs[col][2])
    new: dict[int, str] = {}
    si = first_si
    for group in groups:
        for n, i in enumerate(group):
            m = found[i]
            attrs = m.group(2).replace(' t="n"', "")
            text = _F.search(m.group(4)).group(1)
            if len(group) == 1:
                f = f"<f>{_excel_text(text)}</f>"
            elif n == 0:
                last = found[group[-1]].group(1)
                f = f'<f t="shared" ref="{m.group(1)}:{last}" si="{si}">{_excel_text(text)}</f>'
            else:
                f = f'<f t="shared" si="{si}"/>'
            new[i] = (
                f'<c r="{m.group(1)}"{attrs}>' + _F.sub(lambda _m, f=f: f, m.group(4), 1) + "</c>"
            )
        if len(group) > 1:
            si += 1
    out, last = [], 0
    for i, m in enumerate(found):
        out.append(xml[last : m.start()])
        out.append(new.get(i, m.group(0).replace(' t="n"', "")))
        last = m.end()
    out.append(xml[last:])
    return "".join(out), si


def without_positions(xml: str) -> str:
    """Rows and cells without ``r`` wherever it can be left out: a row right after the
    row before, a cell right after the cell before (the first cell of a row in A)."""
    state = {"row": 0, "col": 0}

    def tag(m: re.Match) -> str:
        if m.group(1) == "row":
            row = int(m.group(2))
            keep = row != state["row"] + 1
            state.update(row=row, col=0)
            return m.group(0) if keep else "<row" + m.group(3)
        row, col = split_cell(m.group(2))
        keep = col != state["col"] + 1
        state["col"] = col
        return m.group(0) if keep else "<c" + m.group(3)

    return re.sub(r'<(row|c) r="([A-Z]*[0-9]+)"([\s>/])', tag, xml)


def excel_form(source, target, positions: bool = True):
    """A copy of ``source`` with every worksheet in Excel's form (see the module)."""
    si = 0
    with zipfile.ZipFile(source) as z, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in z.infolist():
            data = z.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                xml, si = excel_sheet(data.decode(), si)
                data = (xml if positions else without_positions(xml)).encode()
            out.writestr(item, data)
    return target


def _all_formulas(path):
    """(sheet, row, column) -> (formula in R1C1 form, value) of every formula cell."""
    out = {}
    for sheet in read(path).sheets.values():
        for (row, col), cell in sheet.cells.items():
            if cell.formula is not None:
                out[sheet.name, row, col] = (to_r1c1(cell.formula, row, col), cell.value)
    return out


@pytest.mark.engine
@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("positions", [True, False], ids=["with r", "without r"])
def test_excel_form_reads_as_the_libreoffice_file(saved, tmp_path, name, positions):
    # every formula cell of LibreOffice's file, read back from Excel's form (the shared
    # formulas spelt out), holds the same formula (R1C1) and the same value
    path = excel_form(saved[name], tmp_path / "x.xlsx", positions)
    with zipfile.ZipFile(path) as z:
        xml = "".join(z.read(n).decode() for n in z.namelist() if "worksheets/sheet" in n)
    assert 't="shared"' in xml  # really in Excel's form
    assert not any("&quot;" in f for f in re.findall(r"<f[^>]*>[^<]*</f>", xml))
    if not positions:
        assert "<row>" in xml or "<row " in xml.replace('<row r="', "")
    assert _all_formulas(path) == _all_formulas(saved[name])


@pytest.mark.engine
@pytest.mark.parametrize("name", NAMES)
def test_excel_form_is_clean(saved, tmp_path, name):
    for positions in (True, False):
        report = verify(excel_form(saved[name], tmp_path / f"{positions}.xlsx", positions))
        assert report.status == 0, [f.line() for f in report.findings]


def _follower(path):
    """(pattern, cell) of the second cell of the first declared pattern whose cells
    Excel's form stores as a shared formula: a cell with ``<f t="shared" si=".."/>``."""
    book = read(path)
    with zipfile.ZipFile(path) as z:
        for p in metadata.load(book).patterns:
            r1, col, r2, _c = split_range_rows(book, p)
            if r2 <= r1:
                continue
            ref = cell_name(r1 + 1, col)
            xml = z.read(book.sheets[p.sheet].path).decode()
            stored = book.sheets[p.sheet].cells.stored((r1 + 1, col))
            if stored and stored[2] and re.search(f'<c r="{ref}"[^>]*><f t="shared" si=', xml):
                return p, ref
    raise AssertionError(f"{path.name}: no shared formula follower")


def split_range_rows(book, p):
    """(first row, column, last row, last column) a pattern covers in ``book``."""
    r1, col, r2, c2 = split_range(p.cells)
    if p.table:
        table = next(t for t in book.sheets[p.sheet].tables if t.name == p.table)
        r1, r2 = table.data_rows.start, table.data_rows.stop - 1
    return r1, col, r2, c2


@pytest.mark.engine
@pytest.mark.parametrize("name", NAMES)
def test_tampering_a_shared_formula_cell(saved, tmp_path, name):
    excel = excel_form(saved[name], tmp_path / "x.xlsx")
    p, ref = _follower(excel)
    want = "=" + read(saved[name]).sheets[p.sheet].cells[split_cell(ref)].formula
    # a constant typed over the follower: Excel drops its <f> and writes the number
    constant = tamper(
        excel,
        tmp_path / "c.xlsx",
        p.sheet,
        lambda x: x.replace(cell_xml(x, ref), f'<c r="{ref}"><v>123</v></c>'),
    )
    report = verify(constant)
    assert cells(report, "formula") == {f"{p.sheet}!{ref}"}
    finding = next(f for f in report.findings if f.check == "formula")
    assert finding.message == "a constant replaced the formula" and finding.found == "123"
    # the follower's formula edited: Excel writes it as its own (unshared) formula
    edited_text = f"({want[1:]})*1"

    def edit(x):
        old = cell_xml(x, ref)
        return x.replace(old, re.sub(r'<f t="shared" si="\d+"/>', f"<f>{edited_text}</f>", old))

    report = verify(tamper(excel, tmp_path / "e.xlsx", p.sheet, edit))
    assert cells(report, "formula") == {f"{p.sheet}!{ref}"}
    finding = next(f for f in report.findings if f.check == "formula")
    assert (finding.expected, finding.found) == (want, f"={edited_text}")


@pytest.mark.engine
def test_a_changed_cached_value_under_a_shared_formula(saved, tmp_path):
    # the effort cost of the account matrix's row 9 (hours x cost, a follower of the
    # column's shared formula) saved one higher: found at that cell, and only there
    excel = excel_form(saved["am"], tmp_path / "x.xlsx")
    ref = f"{am.LETTERS['effort_cost']}9"

    def edit(x):
        old = cell_xml(x, ref)
        assert '<f t="shared" si=' in old
        value = float(re.search(r"<v>(.*?)</v>", old).group(1))
        return x.replace(old, re.sub(r"<v>.*?</v>", f"<v>{value + 1}</v>", old))

    report = verify(tamper(excel, tmp_path / "t.xlsx", "Accounts", edit))
    assert cells(report, "recalculation") == {f"Accounts!{ref}"}
    assert cells(report, "formula") == set()


def _long_refs(excel, target):
    """The account matrix's gross profit column (revenue x gross margin, M5 = F5*G5)
    written with structured references: VerifyData declares the short form a user
    types, ``tblAccounts[@revenue]*tblAccounts[@[gross_margin]]``, and each cell holds
    the long form Excel stores, ``tblAccounts[[#This Row],[revenue]]*...``."""
    letters = am.LETTERS
    col = letters["gross_profit"]
    pattern = to_r1c1(
        f"N({letters['revenue']}5)*N({letters['gross_margin']}5)", 5, split_cell(f"{col}5")[1]
    )
    short = "N(tblAccounts[@revenue])*N(tblAccounts[@[gross_margin]])"
    long = "N(tblAccounts[[#This Row],[revenue]])*N(tblAccounts[[#This Row],[gross_margin]])"
    with zipfile.ZipFile(excel) as z:
        strings = z.read("xl/sharedStrings.xml").decode()
    assert strings.count(f">{pattern}<") == 1, "the pattern is declared once"
    first = tamper(
        excel,
        target.with_suffix(".a.xlsx"),
        None,
        lambda x: x.replace(f">{pattern}<", f">{short}<"),
        part="xl/sharedStrings.xml",
    )

    def edit(x):
        x = re.sub(
            rf'(<c r="{col}5"[^>]*><f t="shared" ref="[^"]+" si="\d+">)[^<]*(</f>)',
            rf"\g<1>{long}\g<2>",
            x,
        )
        assert long in x
        return x

    return tamper(first, target, "Accounts", edit), long


@pytest.mark.engine
def test_long_and_short_structured_references_are_one(saved, tmp_path):
    excel = excel_form(saved["am"], tmp_path / "x.xlsx")
    path, long = _long_refs(excel, tmp_path / "long.xlsx")
    report = verify(path)
    assert report.status == 0, [f.line() for f in report.findings]
    # one cell's copy edited to margin x hours: found there, and only there
    ref = f"{am.LETTERS['gross_profit']}8"
    bad = long.replace("[gross_margin]", "[effort_hours]")

    def edit(x):
        old = cell_xml(x, ref)
        return x.replace(old, re.sub(r'<f t="shared" si="\d+"/>', f"<f>{bad}</f>", old))

    report = verify(tamper(path, tmp_path / "bad.xlsx", "Accounts", edit))
    assert cells(report, "formula") == {f"Accounts!{ref}"}


def _sheet_cells(xml: str) -> SheetInfo:
    sheet = SheetInfo("S", "", "visible")
    _cells(xml, sheet)
    return sheet


def test_a_shared_formula_shifts_relative_references_only():
    # ECMA-376 Part 1, 18.3.1.40: C2 holds the text for C2:D4; each other cell is C2's
    # formula moved by its distance from C2. Worked by hand:
    #   C3 (one row down):              A3*$B$1+A$1+$A3
    #   D2 (one column right):          B2*$B$1+B$1+$A2
    #   D4 (two down, one right):       B4*$B$1+B$1+$A4
    # ($B$1 never moves; A$1 moves across only; $A2 moves down only)
    xml = (
        '<row r="2"><c r="C2"><f t="shared" ref="C2:D4" si="0">A2*$B$1+A$1+$A2</f><v>1</v></c>'
        '<c r="D2"><f t="shared" si="0"/><v>2</v></c></row>'
        '<row r="3"><c r="C3"><f t="shared" si="0"/><v>3</v></c>'
        '<c r="D3"><f t="shared" si="0"/><v>4</v></c></row>'
        '<row r="4"><c r="C4"><f t="shared" si="0"/><v>5</v></c>'
        '<c r="D4"><f t="shared" si="0"/><v>6</v></c></row>'
    )
    got = _sheet_cells(xml).cells
    assert got[3, 3].formula == "A3*$B$1+A$1+$A3"
    assert got[2, 4].formula == "B2*$B$1+B$1+$A2"
    assert got[4, 4].formula == "B4*$B$1+B$1+$A4"
    assert got[4, 3].formula == "A4*$B$1+A$1+$A4"
    assert [got[r, c].value for r in (2, 3, 4) for c in (3, 4)] == [1, 2, 3, 4, 5, 6]


def test_rows_and_cells_without_r_and_excel_value_types():
    # 18.3.1.73 / 18.3.1.4: a row without r follows the row before (row 1 first), a
    # cell without r follows the cell before (column A first). So: A1 = 1, B1 = "x"
    # (shared string 0), row 2 (no r): A2 = TRUE (t="b"), B2 = #DIV/0! (t="e"),
    # row 5: C5 given, D5 follows it: a formula with the string result "ok" (t="str")
    xml = (
        '<row><c><v>1</v></c><c t="s"><v>0</v></c></row>'
        '<row><c t="b"><v>1</v></c><c s="2" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>'
        '<row r="5"><c r="C5"/><c t="str"><f>IF(A1=1,"ok","no")</f><v>ok</v></c></row>'
    )
    sheet = SheetInfo("S", "", "visible")
    sheet.cells.strings.append("x")
    _cells(xml, sheet)
    got = sheet.cells
    assert got[1, 1].value == 1 and got[1, 2].value == "x"
    assert got[2, 1].value is True
    assert (got[2, 2].value, got[2, 2].formula, got[2, 2].kind) == ("#DIV/0!", "1/0", "e")
    assert (got[5, 4].value, got[5, 4].formula) == ("ok", 'IF(A1=1,"ok","no")')
    assert (5, 3) not in got  # an empty cell: a style at most
