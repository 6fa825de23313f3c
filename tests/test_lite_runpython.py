"""The xlwings doors: the Lite scripts (lite/main.py) and the classic add-in's RunPython.

Excel is not here: a stand-in book holds the selection as xlwings hands it over (values
with dates as datetimes, the address with $ signs), and a stand-in ``js`` module records
what reaches Excel.createWorkbook, as Pyodide's bridge would.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import importlib.util
import io
import sys
import types
from pathlib import Path

import pytest
import xlwings
from openpyxl import load_workbook
from test_web import TABLES, TYPED

from frontdoors import kinds, runpython
from xlsales import records

LITE = Path(__file__).resolve().parents[1] / "lite" / "main.py"


class Range:
    def __init__(self, values, address, sheet, whole=None):
        self.values, self.address, self.sheet = values, address, types.SimpleNamespace(name=sheet)
        self.whole = whole
        self.count = len(values) * len(values[0])

    def expand(self, how):
        assert how == "table"
        return self.whole

    def options(self, ndim):
        assert ndim == 2
        return types.SimpleNamespace(value=self.values)


class Book:
    def __init__(self, selection, name="Plan.xlsx", fullname="/nowhere/Plan.xlsx"):
        self.selection, self.name, self.fullname = selection, name, fullname
        self.alerts: list[str] = []
        self.app = types.SimpleNamespace(alert=lambda text, title: self.alerts.append(text))


def run_script(script, book):
    """Run a Lite script as xlwings' runtime does: @script makes it a coroutine that takes
    the signed-in user (None: no authentication) before the book."""
    result = script(None, book) if hasattr(script, "__xlscript__") else script(book)
    return asyncio.run(result) if asyncio.iscoroutine(result) else result


def table_range(table, address="$C$4:$K$16", sheet="Data"):
    return Range(table, address, sheet)


@pytest.fixture
def lite(monkeypatch):
    created: list[bytes] = []
    excel = types.SimpleNamespace(createWorkbook=lambda b64: created.append(base64.b64decode(b64)))
    monkeypatch.setitem(sys.modules, "js", types.SimpleNamespace(Excel=excel))
    spec = importlib.util.spec_from_file_location("xlsales_lite_main", LITE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.created = created
    return module


@pytest.mark.parametrize("kind", kinds.KINDS)
def test_lite_empty_scripts_open_each_template(lite, kind):
    run_script(getattr(lite, f"{kind.replace('-', '_')}_empty"), Book(None))
    (data,) = lite.created
    assert load_workbook(io.BytesIO(data)).sheetnames == kinds.build(kind)[0].sheetnames


def test_every_template_has_its_lite_scripts(lite):
    from xlwings.pro.udfs_officejs import custom_scripts_meta

    listed = {m["function_name"] for m in custom_scripts_meta(lite)}  # as xlwings lists them
    assert listed == {
        f"{k.replace('-', '_')}_{how}" for k in kinds.KINDS for how in ("empty", "from_selection")
    } | {"funnel_planner_from_inputs"}  # the one template with typed inputs


def test_lite_from_selection_reads_the_table_with_its_dates(lite):
    header = list(records.ACTIVITY_COLUMNS)
    # xlwings hands date cells over as datetimes
    rows = [[dt.datetime(2026, 3, 2), "Ann", "call", "Acme", "meeting booked", 5000.0, 0.0, None]]
    book = Book(table_range([header] + rows, "$A$1:$H$2", "Log"))
    said = lite.build(book, "prospecting-log", True)
    assert said.startswith("prospecting-log: opened in a new workbook (1 rows read, SHA-256 ")
    (data,) = lite.created
    cover = load_workbook(io.BytesIO(data))["Cover"]
    facts = {cover[f"A{r}"].value: cover[f"B{r}"].value for r in range(1, 60)}
    assert (facts["Source workbook"], facts["Sheet"], facts["Address"]) == (
        "Plan.xlsx",
        "Log",
        "A1:H2",
    )


def test_lite_one_selected_cell_reads_the_table_around_it(lite):
    table = TABLES["account-matrix"]
    whole = table_range(table)
    book = Book(Range([[table[2][0]]], "$C$6", "Data", whole=whole))
    run_script(lite.account_matrix_from_selection, book)
    (data,) = lite.created
    cover = load_workbook(io.BytesIO(data))["Cover"]
    facts = {cover[f"A{r}"].value: cover[f"B{r}"].value for r in range(1, 60)}
    assert facts["Address"] == "C4:K16" and facts["Rows read"] == len(table) - 1


def test_lite_bad_table_says_the_line_and_opens_nothing(lite, capsys):
    table = [list(r) for r in TABLES["account-matrix"]]
    table[2][table[0].index("influenceable")] = "maybe"  # second record: row 4 + 2 = 6
    said = lite.build(Book(table_range(table)), "account-matrix", True)
    assert said == "Plan.xlsx Data!C4:K16 row 6, column influenceable: 'maybe' must be yes or no"
    assert lite.created == []
    assert capsys.readouterr().out == f"xlsales: {said}\n"


def test_lite_planner_from_its_typed_inputs(lite):
    lite.INPUTS["funnel-planner"] = dict(TYPED)  # as a user edits INPUTS in main.py
    run_script(lite.funnel_planner_from_inputs, Book(None))
    (data,) = lite.created
    wb = load_workbook(io.BytesIO(data))
    inputs = {wb["Inputs"][f"B{r}"].value: wb["Inputs"][f"C{r}"].value for r in range(1, 30)}
    assert inputs["TargetWins"] == 7 and inputs["Recurs"] == "week" and inputs["PlanPeriods"] == 4
    assert inputs["DueDate"].date() == dt.date(2026, 6, 30)


def test_lite_planners_own_inputs_build(lite):
    run_script(lite.funnel_planner_from_inputs, Book(None))  # INPUTS as shipped
    (data,) = lite.created
    inputs = load_workbook(io.BytesIO(data))["Inputs"]
    assert {inputs[f"B{r}"].value: inputs[f"C{r}"].value for r in range(1, 30)}["TargetWins"] == 10


def test_lite_without_office_js_says_so(lite, monkeypatch):
    monkeypatch.setitem(sys.modules, "js", types.SimpleNamespace())
    said = lite.build(Book(None), "funnel-planner", False)
    assert said.startswith("this xlwings Lite cannot open a new workbook from Python")


@pytest.fixture
def excel(monkeypatch):
    """xlwings' Book.caller and Book(path) as the classic add-in runs them."""
    opened: list[Path] = []

    class FakeBook:
        caller_book = None

        @classmethod
        def caller(cls):
            return cls.caller_book

        def __init__(self, path):
            opened.append(Path(path))

    monkeypatch.setattr(xlwings, "Book", FakeBook)
    FakeBook.opened = opened
    return FakeBook


def test_runpython_writes_next_to_the_workbook_and_opens_it(excel, tmp_path):
    table = TABLES["account-matrix"]
    excel.caller_book = Book(table_range(table), fullname=str(tmp_path / "Plan.xlsx"))
    first = runpython.from_selection("account-matrix", hours_per_owner=900)
    second = runpython.from_selection("account-matrix")
    assert first == tmp_path / "account-matrix.xlsx"
    assert second == tmp_path / "account-matrix (2).xlsx"  # never over the first
    assert excel.opened == [first, second]
    facts = load_workbook(first)["Cover"]
    cover = {facts[f"A{r}"].value: facts[f"B{r}"].value for r in range(1, 60)}
    assert cover["Rows read"] == len(table) - 1 and cover["Address"] == "C4:K16"


def test_runpython_new_writes_the_empty_template(excel, tmp_path):
    excel.caller_book = Book(None, fullname=str(tmp_path / "Plan.xlsx"))
    path = runpython.new("prospecting-log")
    assert path == tmp_path / "prospecting-log.xlsx"
    assert load_workbook(path).sheetnames == kinds.build("prospecting-log")[0].sheetnames


def test_runpython_bad_table_alerts_and_writes_nothing(excel, tmp_path):
    table = [list(r) for r in TABLES["account-matrix"]]
    table[1][table[0].index("hourly_cost")] = -5  # first record: row 4 + 1 = 5
    book = Book(table_range(table), fullname=str(tmp_path / "Plan.xlsx"))
    excel.caller_book = book
    assert runpython.from_selection("account-matrix") is None
    assert book.alerts == [
        "Plan.xlsx Data!C4:K16 row 5, column hourly_cost: '-5' must be 0 or more"
    ]
    assert list(tmp_path.iterdir()) == [] and excel.opened == []


def test_runpython_unsaved_workbook_writes_to_the_home_folder(monkeypatch, tmp_path):
    monkeypatch.setattr(Path, "home", classmethod(lambda cls: tmp_path))
    path = runpython.write_next_to("Book1", "funnel-planner")
    assert path == tmp_path / "funnel-planner.xlsx" and path.exists()


def test_runpython_planner_from_typed_inputs(excel, tmp_path):
    excel.caller_book = Book(None, fullname=str(tmp_path / "Plan.xlsx"))
    path = runpython.from_inputs("funnel-planner", **TYPED)
    assert path == tmp_path / "funnel-planner.xlsx" and excel.opened == [path]
    inputs = load_workbook(path)["Inputs"]
    facts = {inputs[f"B{r}"].value: inputs[f"C{r}"].value for r in range(1, 30)}
    assert facts["TargetWins"] == 7 and facts["PlanPeriods"] == 4


def test_runpython_bad_typed_input_alerts_and_writes_nothing(excel, tmp_path):
    book = Book(None, fullname=str(tmp_path / "Plan.xlsx"))
    excel.caller_book = book
    assert runpython.from_inputs("funnel-planner", **{**TYPED, "stage_days": "10,14"}) is None
    assert book.alerts == ["stage_days has 2 value(s) but rates has 3: they must have one each"]
    assert list(tmp_path.iterdir()) == []
