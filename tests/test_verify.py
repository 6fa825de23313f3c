"""xlsales verify: each template recalculated and saved by LibreOffice (so the file holds
cached values, as a file back from the field does), then tampered with by editing the
sheet XML inside the zip. verify must name the right cell for each tampering and stay
clean on the untampered file."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import shutil
import sys
import zipfile

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from test_templates_engine import crm_planner

from frontdoors.cli import main
from workbook_templates import account_matrix as am
from workbook_templates import engine
from workbook_templates import funnel_planner as fp
from workbook_templates import prospecting_log as pl
from workbook_templates.verify import verify
from xlsales import samples

pytestmark = pytest.mark.engine
A = am.LETTERS  # column letters of the account matrix by key


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """The templates as LibreOffice recalculated and saved them."""
    folder = tmp_path_factory.mktemp("verify")
    books = {
        "am": am.build(samples.sample_accounts(30)),
        "pl": pl.build(samples.sample_activities(60)),
        "fp": fp.build(10, [0.3, 0.5], [7, 7], ["a", "b", "c"]),
        "fp_crm": crm_planner(),
        "fp_week": fp.build(
            10, [0.3, 0.5], [7, 7], ["a", "b", "c"], dt.date(2026, 5, 29), every="week"
        ),
        "fp_once": fp.build(
            10, [0.3, 0.5], [7, 7], ["a", "b", "c"], dt.date(2026, 5, 29), every="once"
        ),
        "am_empty": am.build(),
    }
    return libreoffice_saved(folder, books)


def libreoffice_saved(folder, books):
    """Save ``books`` (name -> Workbook) in ``folder`` and have LibreOffice recalculate
    and save them: name -> the path of LibreOffice's copy."""
    for name, wb in books.items():
        wb.save(folder / f"{name}.xlsx")
    engine.convert([folder / f"{name}.xlsx" for name in books], folder / "calc")
    return {name: folder / "calc" / f"{name}.xlsx" for name in books}


def _sheet_part(z: zipfile.ZipFile, sheet: str) -> str:
    book = z.read("xl/workbook.xml").decode()
    rid = re.search(rf'<sheet name="{sheet}"[^>]*r:id="(\w+)"', book).group(1)
    rels = z.read("xl/_rels/workbook.xml.rels").decode()
    target = re.search(rf'Id="{rid}"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="{rid}"', rels)
    return "xl/" + (target.group(1) or target.group(2)).removeprefix("/xl/")


def tamper(source, target, sheet, edit, part=None):
    """Copy the workbook ``source`` to ``target`` with ``edit`` applied to the XML text of
    ``sheet`` (or of ``part``)."""
    with zipfile.ZipFile(source) as z:
        name = part or _sheet_part(z, sheet)
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
            for item in z.infolist():
                data = z.read(item.filename)
                if item.filename == name:
                    edited = edit(data.decode())
                    assert edited != data.decode(), "the tampering changed nothing"
                    data = edited.encode()
                out.writestr(item, data)
    return target


def cell_xml(xml: str, ref: str) -> str:
    return re.search(rf'<c r="{ref}"[^>]*?(?:/>|>.*?</c>)', xml, re.DOTALL).group(0)


def replace_cell(ref: str, new: str):
    return lambda xml: xml.replace(cell_xml(xml, ref), new)


def set_value(ref: str, new):
    """An edit that replaces the value stored in ``ref`` by ``new(old value)``."""

    def edit(xml):
        old = cell_xml(xml, ref)
        value = float(re.search(r"<v>(.*?)</v>", old).group(1))
        return xml.replace(old, re.sub(r"<v>.*?</v>", f"<v>{new(value)}</v>", old))

    return edit


def constant_over_formula(saved, tmp_path):
    """The account matrix with 123 typed over the gross profit formula of row 7."""
    ref = f"{A['gross_profit']}7"
    edit = replace_cell(ref, f'<c r="{ref}" t="n"><v>123</v></c>')
    return ref, tamper(saved["am"], tmp_path / "t.xlsx", "Accounts", edit)


def cells(report, check):
    return {f"{f.sheet}!{f.cell}" for f in report.findings if f.check == check}


@pytest.mark.parametrize("name", ["am", "pl", "fp", "fp_crm", "fp_week", "fp_once", "am_empty"])
def test_untampered_files_are_clean(saved, name):
    report = verify(saved[name])
    assert report.status == 0, [f.line() for f in report.findings]
    assert report.reason.startswith("clean")
    assert report.facts["Master check"] == "OK"


def test_a_constant_over_a_formula(saved, tmp_path):
    ref, path = constant_over_formula(saved, tmp_path)
    report = verify(path)
    assert report.status == 1
    finding = next(f for f in report.findings if f.check == "formula")
    assert (finding.sheet, finding.cell) == ("Accounts", ref)
    assert finding.message == "a constant replaced the formula"
    # the template writes revenue x gross margin in this row (each through N(): a text 0)
    want = f"=N({A['revenue']}7)*N({A['gross_margin']}7)"
    assert finding.expected == want and finding.found == "123"
    assert cells(report, "formula") == {f"Accounts!{ref}"}


def test_an_edited_formula(saved, tmp_path):
    ref = f"{A['profit']}8"
    good = f"{A['gross_profit']}8-{A['effort_cost']}8"
    bad = f"{A['gross_profit']}8+{A['effort_cost']}8"
    path = tamper(
        saved["am"],
        tmp_path / "t.xlsx",
        "Accounts",
        lambda x: x.replace(f">{good}</f>", f">{bad}</f>"),
    )
    report = verify(path)
    assert cells(report, "formula") == {f"Accounts!{ref}"}
    finding = next(f for f in report.findings if f.check == "formula")
    assert (finding.expected, finding.found) == (f"={good}", f"={bad}")


def test_a_changed_cached_value(saved, tmp_path):
    ref = f"{A['effort_cost']}9"
    edit = set_value(ref, lambda v: v + 1)
    report = verify(tamper(saved["am"], tmp_path / "t.xlsx", "Accounts", edit))
    assert report.status == 1
    assert cells(report, "recalculation") == {f"Accounts!{ref}"}
    assert cells(report, "formula") == set()


def test_an_input_changed_without_recalculation(saved, tmp_path):
    # effort hours of row 10 doubled, the saved values left as they were: the effort cost
    # (hours x cost) and profit after effort of that row no longer agree with the core
    ref = f"{A['effort_hours']}10"

    edit = set_value(ref, lambda v: v * 2)
    report = verify(tamper(saved["am"], tmp_path / "t.xlsx", "Accounts", edit))
    found = cells(report, "recalculation")
    assert {f"Accounts!{A['effort_cost']}10", f"Accounts!{A['profit']}10"} <= found
    assert cells(report, "input") == set() and cells(report, "formula") == set()


def test_an_input_outside_validation(saved, tmp_path):
    ref = f"{A['gross_margin']}11"
    path = tamper(saved["am"], tmp_path / "t.xlsx", "Accounts", set_value(ref, lambda v: 1.5))
    report = verify(path)
    assert cells(report, "input") == {f"Accounts!{ref}"}
    finding = next(f for f in report.findings if f.check == "input")
    # the rule in the words of the template's own message ("Enter a number from 0 to 1.")
    assert finding.expected == "a number from 0 to 1" and finding.found == "1.5"


@pytest.mark.parametrize(
    ("name", "typed", "rule"),
    [
        # minutes per activity: "a number of 0 or more" (Excel's greaterThanOrEqual 0);
        # -1 is outside it
        ("TypeMinutes", "-1", "a number of 0 or more"),
        # a date: Excel's "greaterThan 1", and serial 1 is 1900-01-01, so 1 itself (the
        # limit) is outside it
        ("ReportStart", "1", "a date after 1900-01-01"),
        # block days: a whole number from 1 to 366; 367 is one beside the limit
        ("BlockDays", "367", "a whole number from 1 to 366"),
    ],
)
def test_an_input_rule_in_words(saved, tmp_path, name, typed, rule):
    sheet, ref = _named_cell(saved["pl"], name)
    ref = ref.split(":")[0]  # TypeMinutes: the first type's minutes
    path = tamper(saved["pl"], tmp_path / "t.xlsx", sheet, set_value(ref, lambda v: typed))
    finding = next(f for f in verify(path).findings if f.check == "input")
    assert (finding.cell, finding.expected, finding.found) == (ref, rule, typed)


def test_a_required_setting_left_blank(saved, tmp_path):
    path = tamper(saved["am"], tmp_path / "t.xlsx", "Inputs", replace_cell("C8", '<c r="C8"/>'))
    report = verify(path)
    assert "Inputs!C8" in cells(report, "required")


def test_a_new_table_row_without_formulas(saved, tmp_path):
    # the 30 accounts fill rows 5 to 34; row 35 is typed in and the table grows over it
    with zipfile.ZipFile(saved["am"]) as z:
        part = next(
            n
            for n in z.namelist()
            if n.startswith("xl/tables/") and f'displayName="{am.TABLE}"' in z.read(n).decode()
        )
    grow = lambda x: re.sub(r'ref="A4:([A-Z]+)34"', r'ref="A4:\g<1>35"', x, count=1)  # noqa: E731
    first = tamper(saved["am"], tmp_path / "a.xlsx", None, grow, part=part)
    row = (
        '<row r="35"><c r="B35" t="inlineStr"><is><t>Newco</t></is></c>'
        f'<c r="{A["revenue"]}35"><v>10</v></c></row></sheetData>'
    )
    path = tamper(
        first, tmp_path / "b.xlsx", "Accounts", lambda x: x.replace("</sheetData>", row, 1)
    )
    report = verify(path)
    computed = [key for key, _h, *_r, formula in am.SPEC.specs if formula]
    assert cells(report, "formula") == {f"Accounts!{A[k]}35" for k in computed}
    finding = next(f for f in report.findings if f.cell == f"{A['gross_profit']}35")
    assert "a table row added without the column's formulas" in finding.message


def test_a_failing_check_is_reported(saved, tmp_path):
    # a constant over a check cell that LibreOffice saved as TRUE
    path = tamper(
        saved["am"],
        tmp_path / "t.xlsx",
        "Checks",
        lambda x: x.replace(
            cell_xml(x, "B3"),
            '<c r="B3" t="str"><f>IF(AND(C5:C11),"OK","CHECK FAILED")</f><v>CHECK FAILED</v></c>',
        ),
    )
    report = verify(path)
    assert report.facts["Master check"] == "CHECK FAILED"
    assert "Checks!B3" in cells(report, "checks")


def test_a_file_without_cached_values_is_not_a_pass(tmp_path):
    path = tmp_path / "fresh.xlsx"
    am.build(samples.sample_accounts(5)).save(path)
    report = verify(path)
    assert report.status == 1
    assert "no calculated values" in report.findings[0].message


def test_cli_exit_codes_json_and_report(saved, tmp_path, capsys):
    original = saved["am"].read_bytes()
    assert main(["verify", str(saved["am"])]) == 0
    assert capsys.readouterr().out.strip().splitlines()[-1].startswith("verified, clean")
    ref, bad = constant_over_formula(saved, tmp_path)
    before = hashlib.sha256(bad.read_bytes()).hexdigest()
    audit = tmp_path / "audit.xlsx"
    assert main(["verify", str(bad), "--json", "--report", str(audit)]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["status"] == 1 and data["kind"] == "account-matrix"
    assert any(f["sheet"] == "Accounts" and f["cell"] == ref for f in data["findings"])
    assert hashlib.sha256(bad.read_bytes()).hexdigest() == before  # never changed
    assert saved["am"].read_bytes() == original
    ws = load_workbook(audit)["Audit"]
    links = {c.value: c.hyperlink.location for c in ws["A"] if c.hyperlink}
    assert links[f"Accounts!{ref}"] == f"'Accounts'!{ref}"
    # 2: not made by xlsales, or not a workbook at all; one line each
    plain = tmp_path / "plain.xlsx"
    Workbook().save(plain)
    assert main(["verify", str(plain)]) == 2
    assert "not made by xlsales" in capsys.readouterr().out
    junk = tmp_path / "junk.xlsx"
    junk.write_text("not a zip")
    assert main(["verify", str(junk)]) == 2
    assert "cannot be read" in capsys.readouterr().out
    shutil.copy(saved["am"], tmp_path / "same.xlsx")
    assert (
        main(["verify", str(tmp_path / "same.xlsx"), "--report", str(tmp_path / "same.xlsx")]) == 2
    )


def test_prospecting_log_input_changed_without_recalculation(saved, tmp_path):
    # the first log row (row 5) is the earliest activity: the report starts on its date,
    # so its prospect is first touched in block 1 and the row's pipeline (dated that very
    # day) counts in block 1's payoff: Blocks row 5, "pipeline" in column H. 1,000 more
    # pipeline typed in and the values not recalculated: the file is 1,000 short there.
    ref = f"{pl.LOG_SPEC.letters['pipeline_value']}5"
    edit = set_value(ref, lambda v: v + 1000)
    report = verify(tamper(saved["pl"], tmp_path / "t.xlsx", "Log", edit))
    finding = next(f for f in report.findings if f.check == "recalculation")
    assert (finding.sheet, finding.cell) == ("Blocks", "H5")
    assert float(finding.expected) - float(finding.found) == 1000
    assert cells(report, "formula") == set() and cells(report, "input") == set()


def test_funnel_planner_rate_changed_without_recalculation(saved, tmp_path):
    # 10 wins through rates 0.3 and 0.5, end rounding: 10 / 0.5 = 20, 20 / 0.3 = 66.7 -> 67
    # at the top (Plan row 5, planned volume in F). With the top rate typed as 0.6 and no
    # recalculation: 20 / 0.6 = 33.3 -> 34 is due, the file still says 67.
    _sheet, ref = next(load_workbook(saved["fp"]).defined_names["StageNames"].destinations)
    rate = f"B{ref.split(':')[0].split('$')[-1]}"
    report = verify(
        tamper(saved["fp"], tmp_path / "t.xlsx", "Inputs", set_value(rate, lambda v: 0.6))
    )
    finding = next(f for f in report.findings if f.check == "recalculation")
    assert (finding.sheet, finding.cell, finding.expected, finding.found) == (
        "Plan",
        "F5",
        "34",
        "67",
    )


def test_the_live_line_on_a_terminal_only(saved, monkeypatch, capsys):
    from frontdoors import progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    size = saved["am"].stat().st_size
    for threshold, stream, shown in [
        (size, Terminal(), True),  # a file exactly at the threshold shows the line
        (size + 1, Terminal(), False),  # one byte short of it does not
        (0, io.StringIO(), False),  # not a terminal: never
    ]:
        monkeypatch.setattr(progress, "VERIFY_BYTES", threshold)
        monkeypatch.setattr(sys, "stderr", stream)
        assert main(["verify", str(saved["am"])]) == 0
        assert ("verifying" in stream.getvalue()) is shown, threshold
        assert "verifying" not in capsys.readouterr().out


def _table_cell(path, table, header, k):
    """Sheet and cell of the k-th data row of ``table``'s column ``header``, located
    through the table the file declares (no address written here)."""
    wb = load_workbook(path)
    ws = next(ws for ws in wb.worksheets if table in ws.tables)
    t = ws.tables[table]
    first = t.ref.split(":")[0]
    col = ws[first].column + [c.name for c in t.tableColumns].index(header)
    return ws.title, f"{get_column_letter(col)}{ws[first].row + k}"


def _named_cell(path, name):
    sheet, ref = next(load_workbook(path).defined_names[name].destinations)
    return sheet, ref.replace("$", "")


def _labelled_cell(path, sheet, row_label, header):
    """The cell under ``header`` (row 4) in the row whose column A shows ``row_label``."""
    ws = load_workbook(path, data_only=True)[sheet]
    col = next(c.column for c in ws[4] if c.value == header)
    row = next(c.row for c in ws["A"] if c.value == row_label)
    return sheet, f"{get_column_letter(col)}{row}"


SUMMARY_CELLS = {
    "Focus, profit of the 3rd row": lambda p: _table_cell(p, am.FOCUS, "Profit after effort", 3),
    "Capacity plan, running hours of the 4th row": lambda p: _table_cell(
        p, am.PLAN, "running GO hours of the owner", 4
    ),
    "Summary, total revenue": lambda p: _named_cell(p, "TotalRevenue"),
    "Summary, A accounts": lambda p: _named_cell(p, "CountA"),
    "Capacity, GO accounts that do not fit": lambda p: _named_cell(p, "NotFitCount"),
    "Capacity, Anna Berg's hours needed": lambda p: _labelled_cell(
        p, "Capacity", "Anna Berg", "hours needed (GO)"
    ),
    "Clusters, revenue of the first cluster": lambda p: _labelled_cell(
        p, "Clusters", sorted(samples.sample_accounts(30)["cluster"])[0], "revenue"
    ),
}


def _actuals_cell(path, stage, period, header):
    """The Actuals cell of ``header`` for ``period`` (1 to 12; None: the first period
    where it holds a number) in ``stage``'s block (its name beside "Stage" in column A),
    found by the labels the sheet shows."""
    ws = load_workbook(path, data_only=True)["Actuals"]
    top = next(c.row for c in ws["A"] if c.value == "Stage" and ws.cell(c.row, 2).value == stage)
    col = next(c.column for c in ws[top + 1] if c.value == header)
    if period is None:
        period = next(
            k for k in range(1, 13) if isinstance(ws.cell(top + 1 + k, col).value, (int, float))
        )
    return "Actuals", f"{get_column_letter(col)}{top + 1 + period}"


PLANNER_CELLS = {
    "Velocity, pipeline velocity": ("fp_crm", lambda p: _named_cell(p, "PipelineVelocity")),
    "Velocity, win rate": ("fp_crm", lambda p: _named_cell(p, "WinRate")),
    "Actuals, step conversion of the first period with leads": (
        "fp_crm",
        lambda p: _actuals_cell(p, "Lead", None, "step conversion"),
    ),
    "Actuals, planned volume of a weekly plan": (
        "fp_week",
        lambda p: _actuals_cell(p, "a", 3, "planned volume"),
    ),
    "Actuals, start of the 5th period": ("fp", lambda p: _actuals_cell(p, "b", 5, "start")),
}


def test_the_relative_tolerance_on_its_limit_and_just_beside_it(tmp_path):
    # tolerance 0.25: 3 against 4 differ by 1 = 0.25 x 4, exactly on the limit: equal.
    # 2.9375 (3 - 1/16) against 4 differs by 1.0625 > 0.25 x 4: a finding. All these
    # numbers are exact in binary, so the limit is tested, not the float noise.
    from workbook_templates.verify import _compare
    from workbook_templates.xlsx_reader import read

    wb = Workbook()
    wb.active.title = "S"
    wb["S"]["A1"], wb["S"]["A2"] = 3, 2.9375
    wb.save(tmp_path / "t.xlsx")
    book = read(tmp_path / "t.xlsx")
    as_block = _compare(book, [("S", 1, [1, 2], [4.0, 4.0])], 0.25)
    as_cells = _compare(book, [(("S", 1, 1), 4.0), (("S", 2, 1), 4.0)], 0.25)
    for found in (as_block, as_cells):
        assert [(f.cell, f.expected, f.found) for f in found] == [("A2", "4.0", "2.9375")]


LOG_CELLS = {
    "Prospects, pipeline in window of the 2nd prospect": lambda p: _table_cell(
        p, pl.PROSPECT_SPEC.name, "pipeline in window", 2
    ),
    "Prospects, minutes of the 5th prospect": lambda p: _table_cell(
        p, pl.PROSPECT_SPEC.name, "minutes", 5
    ),
    "Log, minutes of the 3rd activity": lambda p: _table_cell(p, pl.LOG, "minutes", 3),
}


RECALCULATED_CELLS = {
    **{case: ("am", locate) for case, locate in SUMMARY_CELLS.items()},
    **PLANNER_CELLS,
    **{case: ("pl", locate) for case, locate in LOG_CELLS.items()},
}


@pytest.mark.parametrize("case", sorted(RECALCULATED_CELLS))
def test_a_changed_cached_value_on_a_recalculated_sheet(saved, tmp_path, case):
    # the file's own saved value, plus 1: the core's figure (unchanged inputs) now differs
    # from it by exactly 1, in that cell and nowhere else
    name, locate = RECALCULATED_CELLS[case]
    sheet, ref = locate(saved[name])
    path = tamper(saved[name], tmp_path / "t.xlsx", sheet, set_value(ref, lambda v: v + 1))
    report = verify(path)
    assert cells(report, "recalculation") == {f"{sheet}!{ref}"}
    finding = next(f for f in report.findings if f.check == "recalculation")
    assert float(finding.found) - float(finding.expected) == pytest.approx(1)


def test_the_report_keeps_everything_and_links_each_finding(saved, tmp_path):
    from workbook_templates import excel_rules
    from workbook_templates.xlsx_reader import read, split_cell

    ref, bad = constant_over_formula(saved, tmp_path)
    bad = tamper(
        bad, tmp_path / "t2.xlsx", "Accounts", set_value(f"{A['effort_cost']}9", lambda v: v + 1)
    )
    before = bad.read_bytes()
    audit = tmp_path / "audit.xlsx"
    assert main(["verify", str(bad), "--report", str(audit)]) == 1
    assert bad.read_bytes() == before  # the audited file is never written
    with zipfile.ZipFile(bad) as z, zipfile.ZipFile(audit) as a:
        assert a.testzip() is None
        kept = set(z.namelist())
        assert kept <= set(a.namelist())
        parts = [n for n in kept if n.startswith(("xl/charts/", "xl/tables/", "xl/drawings/"))]
        assert any("charts/" in n for n in parts) and any("tables/" in n for n in parts)
        changed = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml"}
        changed |= {"xl/styles.xml"} | {n for n in kept if n.startswith("xl/worksheets/sheet")}
        for name in kept - changed:  # charts, tables, drawings, properties: as they were
            assert a.read(name) == z.read(name), name
        for name in kept & changed - {"xl/workbook.xml", "xl/_rels/workbook.xml.rels"}:
            if name.startswith("xl/worksheets/"):  # at most the selected tab let go
                assert re.sub(r'\stabSelected="(1|true)"', "", z.read(name).decode()) == (
                    re.sub(r'\stabSelected="(1|true)"', "", a.read(name).decode())
                )
    original, copy = read(bad), read(audit)
    assert list(copy.sheets)[0] == "Audit" and list(copy.sheets)[1:] == list(original.sheets)
    # sheet-scoped names (print titles) still point at their own sheet: one place on
    assert sorted(copy.defined_names, key=str) == sorted(
        ((n, t, None if i is None else i + 1) for n, t, i in original.defined_names), key=str
    )
    assert copy.properties == original.properties
    assert excel_rules.problems(copy) == excel_rules.problems(original) == []
    # nothing lost: the copy verifies to the very same findings
    assert [f.line() for f in verify(audit).findings] == [f.line() for f in verify(bad).findings]
    wb = load_workbook(audit)
    assert wb.active.title == "Audit"
    assert [ws.title for ws in wb.worksheets if ws.sheet_view.tabSelected] == ["Audit"]
    links = {c.value: c.hyperlink.location for c in wb["Audit"]["A"] if c.hyperlink}
    assert set(links) == {f"Accounts!{ref}", f"Accounts!{A['effort_cost']}9"}
    for text, location in links.items():  # each link lands on a cell of that sheet
        sheet, cell = text.split("!")
        assert location == f"'{sheet}'!{cell}"
        assert split_cell(cell) in copy.sheets[sheet].cells


def test_a_report_of_a_report_names_its_sheet_apart(saved, tmp_path):
    ref, bad = constant_over_formula(saved, tmp_path)
    first, second = tmp_path / "a1.xlsx", tmp_path / "a2.xlsx"
    assert main(["verify", str(bad), "--report", str(first)]) == 1
    assert main(["verify", str(first), "--report", str(second)]) == 1
    assert load_workbook(second).sheetnames[:2] == ["Audit 2", "Audit"]
    assert main(["verify", str(first), "--report", str(second)]) == 2  # never over a file


def test_text_in_the_audit_sheet_is_stored_as_ooxml_text():
    from workbook_templates.xlsx_copy import ooxml_text

    # \x01 cannot be carried by XML: _x0001_; a literal _x0041_ would be read back as
    # "A", so its underscore is escaped: _x005F_x0041_; < is &lt;
    assert ooxml_text("a\x01b_x0041_<") == "a_x0001_b_x005F_x0041_&lt;"
    assert len(ooxml_text("x" * 40000)) == 32767  # a cell holds 32,767 characters


def test_the_readme_sample_is_what_verify_prints(saved, tmp_path, capsys):
    # README "For auditors": the 30-account demo matrix saved by LibreOffice, 123 typed
    # over the gross profit of row 7 and a gross margin of 1.5 typed in row 11, saved
    # without recalculating. Every line the README shows, bar the generation time, is
    # what the command prints.
    from pathlib import Path

    readme = (Path(__file__).parent.parent / "README.md").read_text()
    block = readme.split("$ xlsales verify returned.xlsx\n", 1)[1].split("```", 1)[0]
    _ref, one = constant_over_formula(saved, tmp_path)
    returned = tmp_path / "returned.xlsx"
    tamper(one, returned, "Accounts", set_value(f"{A['gross_margin']}11", lambda v: 1.5))
    assert main(["verify", str(returned)]) == 1
    printed = capsys.readouterr().out.replace(str(returned), "returned.xlsx")

    def lines(text):
        return [x for x in text.splitlines() if not x.startswith("  Generated at (UTC):")]

    assert lines(printed) == lines(block)


EXCEL_APP = (  # docProps/app.xml as Excel writes it: the sheets, then two defined names
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"'
    ' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    "<Application>Microsoft Excel</Application><DocSecurity>0</DocSecurity>"
    '<HeadingPairs><vt:vector size="4" baseType="variant">{pairs}</vt:vector></HeadingPairs>'
    '<TitlesOfParts><vt:vector size="{size}" baseType="lpstr">{titles}</vt:vector></TitlesOfParts>'
    "<AppVersion>16.0300</AppVersion></Properties>"
)


def excel_app(groups: list[tuple[str, list[str]]]) -> str:
    pairs = "".join(
        f"<vt:variant><vt:lpstr>{g}</vt:lpstr></vt:variant><vt:variant><vt:i4>{len(t)}</vt:i4>"
        "</vt:variant>"
        for g, t in groups
    )
    titles = [t for _g, ts in groups for t in ts]
    return EXCEL_APP.format(
        pairs=pairs, size=len(titles), titles="".join(f"<vt:lpstr>{t}</vt:lpstr>" for t in titles)
    )


def app_lists(xml: str) -> tuple[list[tuple[str, int]], list[str], int]:
    """(group, count) of HeadingPairs, the TitlesOfParts and that vector's size,
    read with ElementTree."""
    from xml.etree import ElementTree as ET

    ep = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"
    vt = "{http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes}"
    root = ET.fromstring(xml)
    variants = list(root.find(f"{ep}HeadingPairs/{vt}vector"))
    pairs = [
        (a.find(f"{vt}lpstr").text, int(b.find(f"{vt}i4").text))
        for a, b in zip(variants[::2], variants[1::2])
    ]
    vector = root.find(f"{ep}TitlesOfParts/{vt}vector")
    return pairs, [t.text for t in vector], int(vector.get("size"))


def test_the_report_lists_the_audit_sheet_in_the_extended_properties(saved, tmp_path):
    # a file Excel saved lists its sheets in docProps/app.xml (ECMA-376 Part 1,
    # 22.2.2.12 HeadingPairs: "Worksheets", 10; 22.2.2.26 TitlesOfParts: the 10 names,
    # then the 2 defined names). The report's copy: 11 worksheets, Audit first among
    # them, the names after, the vector 10 + 2 + 1 = 13 long
    from workbook_templates.xlsx_copy import sheet_names

    ref, bad = constant_over_formula(saved, tmp_path)
    sheets = sheet_names(bad)
    names = ["AsOf", "Accounts!Print_Titles"]
    app = excel_app([("Worksheets", sheets), ("Named Ranges", names)])
    excel = tamper(bad, tmp_path / "excel.xlsx", None, lambda _x: app, part="docProps/app.xml")
    audit = tmp_path / "audit.xlsx"
    assert main(["verify", str(excel), "--report", str(audit)]) == 1
    with zipfile.ZipFile(audit) as a:
        pairs, titles, size = app_lists(a.read("docProps/app.xml").decode())
    assert pairs == [("Worksheets", len(sheets) + 1), ("Named Ranges", 2)]
    assert titles == ["Audit", *sheets, *names] and size == len(sheets) + 3
    assert titles[: len(sheets) + 1] == sheet_names(audit)
    # LibreOffice lists no parts: its properties are copied as they were
    plain = tmp_path / "plain_audit.xlsx"
    assert main(["verify", str(bad), "--report", str(plain)]) == 1
    with zipfile.ZipFile(bad) as z, zipfile.ZipFile(plain) as a:
        assert "TitlesOfParts" not in z.read("docProps/app.xml").decode()
        assert a.read("docProps/app.xml") == z.read("docProps/app.xml")


def test_the_audit_sheet_goes_among_the_worksheets_wherever_they_are_listed():
    from workbook_templates.xlsx_copy import _app_properties

    # names listed first (2), then the worksheets (2): Audit is the third title
    app = excel_app([("Named Ranges", ["A", "B"]), ("Worksheets", ["S1", "S2"])])
    pairs, titles, size = app_lists(_app_properties(app, "Audit & co"))
    assert pairs == [("Named Ranges", 2), ("Worksheets", 3)]
    assert titles == ["A", "B", "Audit & co", "S1", "S2"] and size == 5
    # without a Worksheets group, nothing is changed
    app = excel_app([("Named Ranges", ["A"])])
    assert _app_properties(app, "Audit") == app
