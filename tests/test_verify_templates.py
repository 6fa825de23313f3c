"""xlsales verify on every template, each recalculated and saved by LibreOffice: the
tamperings of issue 13 made in each, at a cell chosen from what the file itself declares
(its VerifyData patterns, tables and data validations), never from an address written
here. verify must name that cell, and stay clean on the untampered file."""

from __future__ import annotations

import re
import zipfile

import pytest
from test_verify import cell_xml, cells, libreoffice_saved, replace_cell, tamper

from workbook_templates import account_matrix as am
from workbook_templates import funnel_planner as fp
from workbook_templates import metadata
from workbook_templates import pipeline_review as pr
from workbook_templates import prospecting_log as pl
from workbook_templates.verify import verify
from workbook_templates.xlsx_reader import cell_name, read, split_range
from xlsales import pipeline, samples

pytestmark = pytest.mark.engine
NAMES = ("am", "pl", "fp", "pr")


def four_templates() -> dict:
    """One small workbook of each template, by the names in NAMES."""
    return {
        "am": am.build(samples.sample_accounts(20)),
        "pl": pl.build(samples.sample_activities(40)),
        "fp": fp.build(10, [0.3, 0.5], [7, 7], ["a", "b", "c"]),
        "pr": pr.build(pipeline.review(samples.sample_crm(60), samples.CRM_STAGES)),
    }


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    return libreoffice_saved(tmp_path_factory.mktemp("verify_templates"), four_templates())


def _pattern(path, table: bool):
    """The first formula pattern the file declares (of a table column, or of fixed
    cells) whose first cell holds a formula with a cached value."""
    book = read(path)
    for p in metadata.load(book).patterns:
        if bool(p.table) == table:
            row, col = split_range(p.cells)[:2]
            stored = book.sheets[p.sheet].cells.stored((row, col))
            if stored is not None and stored[1] is not None and stored[2]:
                return p, row, col
    raise AssertionError(f"{path.name} declares no such pattern")


@pytest.mark.parametrize("name", NAMES)
def test_untampered_is_clean(saved, name):
    report = verify(saved[name])
    assert report.status == 0, [f.line() for f in report.findings]


@pytest.mark.parametrize(
    "name, table",
    [(name, True) for name in ("am", "pl", "pr")] + [(name, False) for name in NAMES],
    ids=lambda x: {True: "table column", False: "fixed cell"}.get(x, x),
)
def test_a_constant_over_a_formula(saved, tmp_path, name, table):
    p, row, col = _pattern(saved[name], table)
    ref = cell_name(row, col)
    edit = replace_cell(ref, f'<c r="{ref}" t="n"><v>123</v></c>')
    report = verify(tamper(saved[name], tmp_path / "t.xlsx", p.sheet, edit))
    assert cells(report, "formula") == {f"{p.sheet}!{ref}"}
    finding = next(f for f in report.findings if f.check == "formula")
    assert finding.message == "a constant replaced the formula" and finding.found == "123"


@pytest.mark.parametrize("name", NAMES)
def test_an_edited_formula(saved, tmp_path, name):
    p, row, col = _pattern(saved[name], name != "fp")
    ref = cell_name(row, col)

    def edit(xml):
        old = cell_xml(xml, ref)
        return xml.replace(old, re.sub(r"(<f[^>]*>)(.*?)(</f>)", r"\1(\2)*1\3", old, count=1))

    report = verify(tamper(saved[name], tmp_path / "t.xlsx", p.sheet, edit))
    assert cells(report, "formula") == {f"{p.sheet}!{ref}"}
    finding = next(f for f in report.findings if f.check == "formula")
    assert finding.message == "the formula differs from the template's"
    assert finding.found == f"=({finding.expected[1:]})*1"


def _numeric_input(path):
    """(sheet, cell, lower bound) of the first constant number under a data validation
    that has a numeric lower bound: the input to push below it."""
    book = read(path)
    for sheet in book.sheets.values():
        for v in sheet.validations:
            if v.type not in ("decimal", "whole"):
                continue
            try:
                low = float(v.formula1)
            except (TypeError, ValueError):
                continue
            for r1, c1, r2, c2 in v.sqref:
                for r in range(r1, r2 + 1):
                    for c in range(c1, c2 + 1):
                        stored = sheet.cells.stored((r, c))
                        if stored and stored[1] is None and stored[0] == "n" and stored[2]:
                            return sheet.name, cell_name(r, c), low
    raise AssertionError(f"{path.name} has no numeric input")


@pytest.mark.parametrize("name", NAMES)
def test_an_input_outside_validation(saved, tmp_path, name):
    sheet, ref, low = _numeric_input(saved[name])

    def edit(xml):
        old = cell_xml(xml, ref)
        return xml.replace(old, re.sub(r"<v>.*?</v>", f"<v>{low - 1:g}</v>", old))

    report = verify(tamper(saved[name], tmp_path / "t.xlsx", sheet, edit))
    assert f"{sheet}!{ref}" in cells(report, "input")
    finding = next(f for f in report.findings if f.cell == ref and f.check == "input")
    assert float(finding.found) == low - 1


@pytest.mark.parametrize("name", ["am", "pl", "pr"])
def test_a_new_table_row_without_formulas(saved, tmp_path, name):
    # the table of the first table pattern grows by one row, typed in its first column
    p, _row, _col = _pattern(saved[name], True)
    book = read(saved[name])
    table = next(t for t in book.sheets[p.sheet].tables if t.name == p.table)
    r1, c1, r2, c2 = table.bounds
    with zipfile.ZipFile(saved[name]) as z:
        part = next(
            n
            for n in z.namelist()
            if n.startswith("xl/tables/") and f'displayName="{p.table}"' in z.read(n).decode()
        )
    old_ref, new_ref = table.ref, f"{cell_name(r1, c1)}:{cell_name(r2 + 1, c2)}"
    grown = tamper(
        saved[name], tmp_path / "a.xlsx", None, lambda x: x.replace(old_ref, new_ref), part=part
    )
    row = f'<row r="{r2 + 1}"><c r="{cell_name(r2 + 1, c1)}"><v>7</v></c></row></sheetData>'
    path = tamper(grown, tmp_path / "b.xlsx", p.sheet, lambda x: x.replace("</sheetData>", row, 1))
    report = verify(path)
    columns = {q.column for q in metadata.load(book).patterns if q.table == p.table}
    assert cells(report, "formula") == {f"{p.sheet}!{cell_name(r2 + 1, c)}" for c in columns}
    assert all(
        "a table row added without the column's formulas" in f.message
        for f in report.findings
        if f.check == "formula"
    )


def _check_row(path):
    """The first check whose state is TRUE and whose rule compares its value cell (B)
    alone (=B5=0, =ABS(B5)<=Tolerance, ...): its row."""
    book = read(path)
    ws = book.sheets["Checks"]
    for row in range(5, 40):
        stored = ws.cells.stored((row, 3))
        if stored and stored[1] and re.match(rf"^(ABS\()?B{row}\b", stored[1]):
            if ws.cells.value((row, 3)) in (True, 1):
                return row
    raise AssertionError(f"{path.name}: no passing check with a simple rule")


@pytest.mark.parametrize("name", NAMES)
def test_a_flipped_check_state_is_found(saved, tmp_path, name):
    # the check passes by its own rule on its value, but FALSE is saved as its state;
    # the master check (saved OK) is left alone: only the state is named
    row = _check_row(saved[name])

    def edit(xml):
        old = cell_xml(xml, f"C{row}")
        return xml.replace(old, re.sub(r"<v>1</v>", "<v>0</v>", old))

    report = verify(tamper(saved[name], tmp_path / "t.xlsx", "Checks", edit))
    assert cells(report, "recalculation") == {f"Checks!C{row}"}


@pytest.mark.parametrize("name", NAMES)
def test_a_master_check_saved_as_failed_is_found(saved, tmp_path, name):
    # every state is TRUE, so the master check is OK; CHECK FAILED saved in its place
    def edit(xml):
        old = cell_xml(xml, "B3")
        return xml.replace(old, old.replace("<v>OK</v>", "<v>CHECK FAILED</v>"))

    report = verify(tamper(saved[name], tmp_path / "t.xlsx", "Checks", edit))
    assert cells(report, "recalculation") == {"Checks!B3"}
    finding = next(f for f in report.findings if f.check == "recalculation")
    assert (finding.expected, finding.found) == ("'OK'", "'CHECK FAILED'")


@pytest.mark.parametrize(
    "name, start, want",
    [
        # 20 accounts, each classed A, B or C: 20 - 20 rows = 0
        ("am", "A + B + C accounts minus table rows", 0),
        # the planner was built with the default rounding, "end"
        ("fp", "Rounding is end, stage or none", True),
        # 30-day blocks and a 90-day payoff window: whole days of 1 or more
        ("pl", "Block length and payoff window", True),
    ],
)
def test_a_check_value_recalculated(saved, name, start, want):
    from workbook_templates import recompute

    book = read(saved[name])
    expected, _note = recompute.ADAPTERS[metadata.load(book).kind](book)
    ws = book.sheets["Checks"]
    row = next(
        r
        for r in range(5, 40)
        if isinstance(ws.cells.value((r, 1)), str) and ws.cells.value((r, 1)).startswith(start)
    )
    got = [
        want_
        for (sheet, r, c), want_ in (i for i in expected if len(i) == 2)
        if (sheet, r, c) == ("Checks", row, 2)
    ]
    assert len(got) == 1 and got[0] == want
