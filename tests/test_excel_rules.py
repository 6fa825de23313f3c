"""Excel's file-structure rules (workbook_templates.excel_rules), checked on saved files.

There is no Excel here and LibreOffice opens files that Excel repairs, so every file the
templates write is read back as stored (zip and XML) and held to the rules that make
Excel drop records: one data validation per cell, structured references escaped by
Microsoft's rules, functions on the allowed list with the _xlfn. prefix where Excel needs
one, table headers equal to the table's column names, defined names and chart series
that point to real, filled ranges.
"""

from __future__ import annotations

import pytest
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableColumn

from frontdoors.cli import main
from workbook_templates import account_matrix as am
from workbook_templates import excel_rules, formula_text, pipeline_review
from workbook_templates import prospecting_log as pl
from workbook_templates._common import column_ref
from xlsales import samples

TEMPLATES = ("account-matrix", "prospecting-log", "funnel-planner", "pipeline-review")


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """Every kind of file the front door writes: empty, demo, from data, and 10k rows."""
    root = tmp_path_factory.mktemp("rules")
    assert main(["templates", "--out", str(root / "empty")]) == 0
    if not (root / "empty" / "pipeline-review.xlsx").exists():  # templates writes three
        pipeline_review.build().save(root / "empty" / "pipeline-review.xlsx")
    assert main(["demo", "--out", str(root / "demo")]) == 0
    data = root / "data"
    data.mkdir()
    samples.sample_accounts(40).drop(columns="source_row").to_csv(data / "a.csv", index=False)
    samples.sample_activities(120).drop(columns="source_row").to_csv(data / "l.csv", index=False)
    samples.sample_crm(400).to_csv(data / "crm.csv", index=False)
    for args in (
        ["template", "account-matrix", "--accounts", str(data / "a.csv")],
        ["template", "prospecting-log", "--activities", str(data / "l.csv")],
        ["template", "pipeline-review", "--crm", str(data / "crm.csv")],
    ):
        assert main([*args, "--out", str(data / f"{args[1]}.xlsx")]) == 0
    stages = ",".join(samples.CRM_STAGES)
    planner = data / "funnel-planner.xlsx"
    assert (
        main(["analyze", str(data / "crm.csv"), "--stages", stages, "--planner", str(planner)]) == 0
    )
    big = root / "10k"
    big.mkdir()
    am.build(samples.sample_accounts(10_000)).save(big / "account-matrix.xlsx")
    pl.build(samples.sample_activities(10_000)).save(big / "prospecting-log.xlsx")
    files = {
        f"{kind} {t}": root / kind / f"{t}.xlsx"
        for kind in ("empty", "demo", "data")
        for t in TEMPLATES
    }
    files |= {f"10k {t}": big / f"{t}.xlsx" for t in TEMPLATES[:2]}
    return files


@pytest.mark.parametrize(
    "name",
    [f"{kind} {t}" for kind in ("empty", "demo", "data") for t in TEMPLATES]
    + ["10k account-matrix", "10k prospecting-log"],
)
def test_every_generated_file_keeps_excels_rules(generated, name):
    assert excel_rules.problems(generated[name]) == []


@pytest.mark.parametrize(
    "formula, expected",
    [
        ("=OFFSET(A1,1,1)", "function OFFSET is not in the allowed set"),
        ("=TODAY()-A1", "function TODAY is not in the allowed set"),
        ("=_xlfn.XLOOKUP(A1,B:B,C:C)", "function XLOOKUP is not in the allowed set"),
        # the prefix rule itself: IFNA (Excel 2013) is stored _xlfn.IFNA, SUM (always) is not
        ("=IFNA(A1,0)", "function IFNA must be written _xlfn.IFNA"),
        ("=_xlfn.SUM(A1:A3)", "function SUM must be written without the _xlfn. prefix"),
        ("=_xlfn.COUNTIFS(A:A,1)", "function COUNTIFS must be written without the _xlfn. prefix"),
    ],
)
def test_function_rule_catches_what_it_must(formula, expected):
    assert expected in excel_rules.function_problems(formula)


@pytest.mark.parametrize(
    "formula",
    ["=SUM(A1:A3)", '=IF(A1="x(",TRUE,FALSE())', '=SUMIFS(t[a],t[b],"IFNA(")', "=ROUND(A1,0)"],
)
def test_function_rule_passes_what_it_must(formula):
    assert excel_rules.function_problems(formula) == []


@pytest.mark.parametrize(
    "column, expected",
    [
        ("revenue", "tbl[revenue]"),
        ("profit after effort", "tbl[profit after effort]"),  # a space alone needs nothing
        ("GO / NO-GO", "tbl[[GO / NO-GO]]"),
        ("check: inputs valid", "tbl[[check: inputs valid]]"),
        ("30-day block", "tbl[[30-day block]]"),
        ("#calls", "tbl[['#calls]]"),
        ("rep's [note]", "tbl[[rep''s '[note']]]"),
    ],
)
def test_column_ref_escapes_by_microsofts_rules(column, expected):
    ref = column_ref("tbl", column)
    assert ref == expected
    # and reading it back gives the column name
    assert formula_text.column_specifiers(ref[3:]) == [column]
    assert excel_rules.reference_problems(f"=SUM({ref})", {"tbl": [column]}) == []


@pytest.mark.parametrize(
    "formula, expected",
    [
        ("=SUM(tbl[GO / NO-GO])", "write Table[[GO / NO-GO]]"),
        ("=SUM(tbl[check: inputs valid])", "write Table[[check: inputs valid]]"),
        ("=SUM(tbl[[#calls]])", "'#' in [[#calls]] must be escaped as '#"),
        ("=SUM(tbl[revenu])", "the table has no column 'revenu'"),
    ],
)
def test_reference_rule_catches_what_it_must(formula, expected):
    tables = {"tbl": ["GO / NO-GO", "check: inputs valid", "#calls", "revenue"]}
    found = excel_rules.reference_problems(formula, tables)
    assert len(found) == 1 and expected in found[0]


def test_each_structure_rule_catches_a_broken_file(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(["amount", "share"])
    for i in range(1, 4):
        ws.append([i, f"=A{i + 1}/SUM(A2:A4)"])
    ws["D1"] = "amount"  # a second table whose header cell differs from its column
    ws["D2"] = 5
    table = Table(displayName="tblOk", ref="A1:B4")
    bad = Table(displayName="tblBad", ref="D1:D2")
    bad.tableColumns = [TableColumn(id=1, name="amount")]
    ws.add_table(table)
    ws.add_table(bad)
    ws["D1"] = "renamed"  # tblBad's column stays "amount"
    twice = [
        DataValidation(type="whole", sqref="A2:A4"),
        DataValidation(type="decimal", sqref="A3"),
    ]
    for dv in twice:
        ws.add_data_validation(dv)
    wb.defined_names["Gone"] = DefinedName("Gone", attr_text="Nowhere!$A$1")
    wb.defined_names["TooFar"] = DefinedName("TooFar", attr_text="Data!$A$1048577")
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=1, min_row=1, max_row=9), titles_from_data=True)
    ws.add_chart(chart, "F2")
    path = tmp_path / "bad.xlsx"
    wb.save(path)
    found = excel_rules.problems(path)
    assert "Data!A3: two data validations on one cell (A2:A4 and A3)" in found
    assert "Data!D1: header 'renamed' differs from table tblBad's column name 'amount'" in found
    assert "defined name Gone = 'Nowhere!$A$1': no sheet 'Nowhere'" in found
    assert "defined name TooFar = 'Data!$A$1048577': $A$1048577 is not a valid range" in found
    # the chart reaches rows 5 to 9, below the table and empty
    assert any("chart1.xml: series" in p and "reaches empty cells (A5...)" in p for p in found)
    assert len(found) == 5
