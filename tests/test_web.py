"""The HTTP API of the xlsales add-in, through a real ``xlsales serve`` on loopback.

Each template, empty and from a table: the bytes open in openpyxl with every sheet,
chart, table and validation the builder made; they recalculate in LibreOffice (one run
for all of them) with no error cell; the Cover says where the table came from. A bad
table is a 400 naming the row as the sheet shows it and the column, and no workbook.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import xml.etree.ElementTree as ET

import httpx
import pytest
from formulas import all_formulas
from officejs import running_server
from openpyxl import load_workbook

from frontdoors import kinds
from workbook_templates import engine
from xlsales import samples
from xlsales.records import Cells

KINDS = ("account-matrix", "prospecting-log", "funnel-planner")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def table_of(frame) -> list[list]:
    """A DataFrame as Office.js hands a selection over: header first, dates as text."""

    def cell(value):
        if value is None or value != value:
            return ""
        if isinstance(value, (dt.date, dt.datetime)):
            return value.isoformat()[:10]
        return value.item() if hasattr(value, "item") else value

    body = [[cell(v) for v in row] for row in frame.itertuples(index=False)]
    return [list(frame.columns)] + body


TABLES = {
    "account-matrix": table_of(samples.sample_accounts(12).drop(columns="source_row")),
    "prospecting-log": table_of(samples.sample_activities(60).drop(columns="source_row")),
    "funnel-planner": table_of(samples.sample_crm(300)),
}
OPTIONS = {
    "account-matrix": {"hours_per_owner": 900},
    "prospecting-log": {"target_wins": 4},
    "funnel-planner": {"stages": ",".join(samples.CRM_STAGES), "target": 8},
}
SOURCE = {"workbook": "Q3 plan.xlsx", "sheet": "Data", "address": "Data!C4:K200"}


def digest(table) -> str:
    """The documented SHA-256: compact UTF-8 JSON of the table read, header included,
    whole numbers written without a decimal point (1000, as JavaScript writes it)."""
    whole = [[int(v) if isinstance(v, float) and v.is_integer() else v for v in r] for r in table]
    text = json.dumps(whole, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@pytest.fixture(scope="module")
def server():
    with running_server() as base:
        yield base


@pytest.fixture(scope="module")
def answers(server):
    """Every template from the API: empty (GET) and from its table (POST)."""
    out = {}
    for kind in KINDS:
        out[f"{kind} empty"] = httpx.get(f"{server}/xlsales/templates/{kind}.xlsx", timeout=60)
        body = {"table": TABLES[kind], "options": OPTIONS[kind], "source": SOURCE}
        out[f"{kind} table"] = httpx.post(
            f"{server}/xlsales/templates/{kind}", json=body, timeout=120
        )
    return out


def shape(wb) -> dict:
    """What must survive the trip: sheets, charts, tables, validations, defined names."""
    return {
        "sheets": wb.sheetnames,
        "charts": {ws.title: len(ws._charts) for ws in wb.worksheets},
        "tables": {ws.title: sorted(ws.tables) for ws in wb.worksheets},
        "validations": {
            ws.title: sorted(
                (dv.type, dv.formula1 or "", str(dv.sqref))
                for dv in ws.data_validations.dataValidation
            )
            for ws in wb.worksheets
        },
        "names": sorted(wb.defined_names),
    }


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("how", ["empty", "table"])
def test_bytes_open_with_everything_intact(answers, kind, how):
    response = answers[f"{kind} {how}"]
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == XLSX
    assert f'filename="{kind}.xlsx"' in response.headers["content-disposition"]
    got = load_workbook(io.BytesIO(response.content))
    if how == "empty":
        expected, _ = kinds.build(kind)
    else:
        cells = Cells(TABLES[kind], SOURCE["workbook"], SOURCE["sheet"], SOURCE["address"])
        expected, _ = kinds.build(kind, cells, OPTIONS[kind])
    # saving and reading back through openpyxl is how the builder's own shape is seen
    expected = load_workbook(io.BytesIO(_saved(expected)))
    assert shape(got) == shape(expected)
    assert sum(shape(got)["charts"].values()) >= 1  # every template draws a chart
    assert sum(len(v) for v in shape(got)["validations"].values()) >= 1  # and validates inputs


def _saved(wb) -> bytes:
    from workbook_templates import to_bytes

    return to_bytes(wb)


@pytest.mark.parametrize("kind", KINDS)
def test_cover_says_where_the_table_came_from(answers, kind):
    wb = load_workbook(io.BytesIO(answers[f"{kind} table"].content))
    cover = {wb["Cover"][f"A{r}"].value: wb["Cover"][f"B{r}"].value for r in range(1, 60)}
    assert cover["Source workbook"] == "Q3 plan.xlsx"
    assert cover["Sheet"] == "Data"
    assert cover["Address"] == "C4:K200"
    table = TABLES[kind]
    assert cover["SHA-256"] == digest(table)
    assert answers[f"{kind} table"].headers["x-xlsales-sha256"] == cover["SHA-256"]
    # rows read: every row under the header (the CRM export's rows, not its deals)
    assert cover["Rows read"] == len(table) - 1
    assert answers[f"{kind} table"].headers["x-xlsales-rows"] == str(len(table) - 1)


def test_account_options_reach_the_inputs(answers):
    wb = load_workbook(io.BytesIO(answers["account-matrix table"].content))
    hours = [
        c.value
        for row in wb["Inputs"].iter_rows()
        for c in row
        if isinstance(c.value, (int, float)) and c.value == 900
    ]
    assert hours, "hours_per_owner=900 is not on the Inputs sheet"


def test_everything_recalculates_without_an_error_cell(answers, tmp_path):
    paths = []
    for name, response in answers.items():
        path = tmp_path / (name.replace(" ", "_") + ".xlsx")
        path.write_bytes(response.content)
        paths.append(path)
    engine.convert(paths, tmp_path / "calc")  # one LibreOffice run for all six
    for path in paths:
        formulas_wb = load_workbook(path)
        values_wb = load_workbook(tmp_path / "calc" / path.name, data_only=True)
        checked = 0
        for sheet, ref, _ in all_formulas(formulas_wb):
            value = values_wb[sheet][ref].value
            assert not (isinstance(value, str) and value.startswith(("#", "Err:"))), (
                f"{path.name} {sheet}!{ref}={value}"
            )
            checked += 1
        assert checked > 0, path.name
        assert values_wb["Checks"]["B3"].value == "OK", path.name


def _bad(table, row, column, value):
    bad = [list(r) for r in table]
    bad[row][bad[0].index(column)] = value
    return bad


@pytest.mark.parametrize(
    "kind, row, column, value, message",
    [
        # the header sits in sheet row 4 (address C4:K200), so table row 3 is sheet row 4 + 3 = 7
        (
            "account-matrix",
            3,
            "revenue",
            "lots",
            "Q3 plan.xlsx Data!C4:K200 row 7, column revenue: 'lots' is not a number",
        ),
        # table row 1 (the first record) is sheet row 4 + 1 = 5
        (
            "prospecting-log",
            1,
            "date",
            "31st Jan 2026",
            "Q3 plan.xlsx Data!C4:K200 row 5, column date: '31st Jan 2026' is not a date (use YYYY-MM-DD)",
        ),
        # table row 10 is sheet row 4 + 10 = 14
        (
            "funnel-planner",
            10,
            "stage",
            "Negotiation",
            "Q3 plan.xlsx Data!C4:K200 row 14, column stage: 'Negotiation' is not one of the "
            "stages: Lead, Qualified, Meeting, Proposal, Won",
        ),
    ],
)
def test_bad_table_is_400_with_row_and_column(server, kind, row, column, value, message):
    body = {
        "table": _bad(TABLES[kind], row, column, value),
        "options": OPTIONS[kind],
        "source": SOURCE,
    }
    response = httpx.post(f"{server}/xlsales/templates/{kind}", json=body, timeout=60)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"error": message}
    assert not response.content.startswith(b"PK")  # no workbook


@pytest.mark.parametrize(
    "body, message",
    [
        ({"table": "A1:B2"}, "table must be a list of rows, each a list of cell values"),
        (
            {"table": [["account"]], "options": {"hours": 5}},
            "account-matrix: unknown option(s) hours; use a, b, go_max_class, min_return, "
            "hours_per_owner, period, map, decimal, dates",
        ),
        (
            {"table": TABLES["account-matrix"], "options": {"hours_per_owner": "many"}},
            "option hours_per_owner='many' is not a number",
        ),
        (
            {"table": [], "source": SOURCE},
            "Q3 plan.xlsx Data!C4:K200: the selection is empty: select the table, header first",
        ),
        ({"tables": []}, "unknown field(s) tables; use table, options, source"),
    ],
)
def test_bad_request_is_400_with_one_line(server, body, message):
    response = httpx.post(f"{server}/xlsales/templates/account-matrix", json=body, timeout=60)
    assert (response.status_code, response.json()) == (400, {"error": message})


def test_unknown_template_is_404(server):
    response = httpx.post(f"{server}/xlsales/templates/forecast", json={}, timeout=30)
    assert response.status_code == 404
    assert "unknown template 'forecast'" in response.json()["error"]
    assert httpx.get(f"{server}/xlsales/templates/forecast.xlsx").status_code == 404


def test_listing_drives_the_pane(server):
    listing = httpx.get(f"{server}/xlsales/templates").json()
    names = [t["name"] for t in listing["templates"]]
    assert names[:3] == list(KINDS)
    assert listing["functions"] is True  # licensed (noncommercial) here: functions mounted
    am = listing["templates"][0]
    assert [o["name"] for o in am["options"]] == [
        "a",
        "b",
        "go_max_class",
        "min_return",
        "hours_per_owner",
        "period",
        "map",
        "decimal",
        "dates",
    ]


def test_manifest_has_the_pane_a_button_per_template_and_the_functions(server):
    text = httpx.get(f"{server}/xlsales/manifest.xml").text
    root = ET.fromstring(text)
    ns = {"bt": "http://schemas.microsoft.com/office/officeappbasictypes/1.0"}
    strings = {e.get("id"): e.get("DefaultValue") for e in root.iter() if e.get("id")}
    assert strings["Pane.Label"] == "xlsales"
    assert [strings[f"New{i}.Label"] for i in range(3)] == [
        "Account matrix",
        "Prospecting log",
        "Funnel planner",
    ]
    urls = {e.get("id"): e.get("DefaultValue") for e in root.iterfind(".//bt:Url", ns)}
    assert urls["Pane.Url"] == f"{server}/xlsales/taskpane.html"
    assert strings["Functions.Namespace"] == "XLSALES"
    for url in (urls["Pane.Url"], urls["Commands.Url"], urls["Functions.Metadata.Url"]):
        assert httpx.get(url).status_code == 200, url
    for image in root.iterfind(".//bt:Image[@DefaultValue]", ns):
        assert httpx.get(image.get("DefaultValue")).headers["content-type"] == "image/png"
    # /manifest.xml is the same manifest: no stock "Hello World" button any more
    assert httpx.get(f"{server}/manifest.xml").text == text
    assert "hello" not in text.lower()


def test_without_a_licence_the_pane_is_served_and_the_functions_are_not():
    printed: list[str] = []
    with running_server(licence=None, output=printed) as base:
        listing = httpx.get(f"{base}/xlsales/templates").json()
        empty = httpx.get(f"{base}/xlsales/templates/account-matrix.xlsx")
        manifest = httpx.get(f"{base}/xlsales/manifest.xml").text
        meta = httpx.get(f"{base}/xlwings/custom-functions-meta")
    assert listing["functions"] is False
    assert empty.status_code == 200 and empty.content.startswith(b"PK")
    assert "CustomFunctions" not in manifest and "SharedRuntime" not in manifest
    assert meta.status_code == 404
    assert (
        "Excel functions not served (XLWINGS_LICENSE_KEY is not set): the Excel functions need "
        "the classic xlwings add-in, xlwings Lite or an xlwings Server licence"
    ) in printed[0]


# The typed funnel planner: the options of `xlsales template funnel-planner` (its test in
# tests/test_cli.py plans the same), sent as the pane sends them (numbers as numbers).
TYPED = {
    "target": 7,
    "rates": "0.25,0.3,0.45",
    "stage_days": "10,14,21",
    "due": "2026-06-30",
    "every": "week",
    "periods": 4,
    "stages": "leads,qualified,proposals,won",
}


@pytest.fixture(scope="module")
def typed_answers(server, tmp_path_factory):
    """The typed planner by POST (options only), by GET (query string), by POST with a
    CRM table (its actuals), and by the CLI with the same inputs; all recalculated."""
    crm = {
        **TYPED,
        "stages": ",".join(samples.CRM_STAGES),
        "rates": "0.45,0.6,0.55,0.4",
        "stage_days": "6,10,14,21",
    }
    got = {
        "post": httpx.post(
            f"{server}/xlsales/templates/funnel-planner", json={"options": TYPED}, timeout=60
        ),
        "get": httpx.get(
            f"{server}/xlsales/templates/funnel-planner.xlsx", params=TYPED, timeout=60
        ),
        "table": httpx.post(
            f"{server}/xlsales/templates/funnel-planner",
            json={"table": TABLES["funnel-planner"], "options": crm, "source": SOURCE},
            timeout=120,
        ),
    }
    folder = tmp_path_factory.mktemp("typed")
    paths = []
    for name, response in got.items():
        assert response.status_code == 200, (name, response.text)
        paths.append(folder / f"{name}.xlsx")
        paths[-1].write_bytes(response.content)
    flags = [x for k, v in TYPED.items() for x in (f"--{k.replace('_', '-')}", str(v))]
    import subprocess
    import sys

    cli = subprocess.run(
        [sys.executable, "-m", "frontdoors.cli", "template", "funnel-planner", *flags,
         "--out", str(folder / "cli.xlsx")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert cli.returncode == 0, cli.stderr
    paths.append(folder / "cli.xlsx")
    engine.convert(paths, folder / "calc")
    return {
        p.stem: (load_workbook(p), load_workbook(folder / "calc" / p.name, data_only=True))
        for p in paths
    }


def _inputs(wb) -> dict:
    ws = wb["Inputs"]
    return {ws[f"B{r}"].value: ws[f"C{r}"].value for r in range(1, 30) if ws[f"B{r}"].value}


@pytest.mark.parametrize("how", ["post", "get", "cli"])
def test_typed_planner_is_the_same_from_every_door(typed_answers, how):
    formulas, values = typed_answers[how]
    expected = load_workbook(io.BytesIO(_saved(kinds.build("funnel-planner", None, TYPED)[0])))
    assert shape(formulas) == shape(expected)
    inputs = _inputs(formulas)
    assert inputs["TargetWins"] == 7 and inputs["Recurs"] == "week"
    assert inputs["PlanPeriods"] == 4 and inputs["DueDate"].date() == dt.date(2026, 6, 30)
    assert inputs == _inputs(typed_answers["cli"][0])
    plan = values["Plan"]
    rows = [[plan.cell(row=r, column=c).value for c in (1, 6, 8)] for r in range(5, 9)]
    # 7 wins at 25 %, 30 %, 45 %: 7 / .45 = 15.6 -> 16; 16 / .3 = 53.3, but end rounding
    # works from the exact need: 7 / .45 / .3 = 51.9 -> 52; 7 / .45 / .3 / .25 = 207.4 -> 208.
    # Start by: due 30 June minus the days from the stage's start to the win:
    # leads 10 + 14 + 21 = 45 days -> 16 May; qualified 35 -> 26 May; proposals 21 -> 9 June
    assert [(n, v, d.date()) for n, v, d in rows] == [
        ("leads", 208, dt.date(2026, 5, 16)),
        ("qualified", 52, dt.date(2026, 5, 26)),
        ("proposals", 16, dt.date(2026, 6, 9)),
        ("won", 7, dt.date(2026, 6, 30)),
    ]
    assert values["Checks"]["B3"].value == "OK"
    cover = {
        formulas["Cover"][f"A{r}"].value: formulas["Cover"][f"B{r}"].value for r in range(1, 60)
    }
    assert cover["Source file"].startswith("none")  # typed: no file read


def test_typed_planner_with_a_table_fills_the_actuals_from_it(typed_answers):
    formulas, values = typed_answers["table"]
    cover = {
        formulas["Cover"][f"A{r}"].value: formulas["Cover"][f"B{r}"].value for r in range(1, 60)
    }
    table = TABLES["funnel-planner"]
    assert cover["SHA-256"] == digest(table) and cover["Rows read"] == len(table) - 1
    assert cover["Source workbook"] == "Q3 plan.xlsx" and cover["Address"] == "C4:K200"
    assert _inputs(formulas)["TargetWins"] == 7  # the typed plan, not the measured one
    # weekly plan from a CRM: the 12 weeks up to the one holding the as-of date, entries
    # counted from the table: every lead of those weeks is on the first block
    entered = [values["Actuals"].cell(row=6 + k, column=5).value for k in range(12)]
    assert all(isinstance(n, int) for n in entered) and sum(entered) > 0
    assert values["Checks"]["B3"].value == "OK"


@pytest.mark.parametrize(
    "change, message",
    [
        ({"rates": "0.25,x,0.45"}, "option rates item 2='x' is not a number"),
        ({"due": None}, "funnel-planner: typed inputs need due"),
        ({"periods": 13}, "periods=13 must be from 1 to 12"),
        ({"rates": "0.25,1.3,0.45"}, "rates[1]=1.3 must be in (0, 1]"),
        ({"every": "day"}, "option every='day' must be one of: once, week, month"),
    ],
)
def test_bad_typed_input_is_400_with_one_line(server, change, message):
    options = {k: v for k, v in {**TYPED, **change}.items() if v is not None}
    response = httpx.post(
        f"{server}/xlsales/templates/funnel-planner", json={"options": options}, timeout=30
    )
    assert response.status_code == 400
    assert message in response.json()["error"] and "\n" not in response.json()["error"]
    get = httpx.get(f"{server}/xlsales/templates/funnel-planner.xlsx", params=options)
    assert get.status_code == 400 and get.json() == response.json()


def test_listing_offers_the_planners_typed_inputs(server):
    listing = httpx.get(f"{server}/xlsales/templates").json()
    planner = next(t for t in listing["templates"] if t["name"] == "funnel-planner")
    assert planner["typed"] == "rates" and planner["from_table"] is True
    assert [o["name"] for o in planner["options"]] == [
        "stages", "target", "rates", "stage_days", "due", "every", "periods", "rounding", "as_of",
    ]  # fmt: skip
    # the same options as the command line's flags
    from frontdoors.cli import build_parser

    flags = {
        a.dest for a in build_parser()._subparsers._group_actions[0].choices["template"]._actions
    }
    assert {o["name"] for o in planner["options"]} <= flags
