"""The xlsales pane in a real browser: Playwright driving Debian's chromium.

office.js is replaced by a small recording stub (tests/js/office_stub.js) that holds a
selected range and records what reaches ``Excel.createWorkbook``; everything else is
real: the served pane, its script, ``xlsales serve`` on loopback, the workbook bytes.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import httpx
import pytest
from officejs import browser, created, open_pane, running_server, select
from openpyxl import load_workbook
from test_web import OPTIONS, TABLES, TYPED, digest, shape

from frontdoors import kinds
from workbook_templates import to_bytes
from xlsales import records
from xlsales.records import Cells

KINDS = ("account-matrix", "prospecting-log", "funnel-planner")


@pytest.fixture(scope="module")
def server():
    with running_server(licence=None) as base:  # the pane needs no xlwings licence
        yield base


@pytest.fixture(scope="module")
def chromium():
    with browser() as b:
        yield b


@pytest.fixture
def pane(server, chromium):
    page = open_pane(chromium, server)
    yield page
    page.close()


def address_of(table, top_left=(4, 3)):
    """The A1 address of a table whose header sits at row 4, column C."""
    row, col = top_left
    last_col = chr(ord("A") + col - 1 + len(table[0]) - 1)
    return f"Data!C{row}:{last_col}{row + len(table) - 1}"


def cover(data: bytes) -> dict:
    ws = load_workbook(io.BytesIO(data))["Cover"]
    return {ws[f"A{r}"].value: ws[f"B{r}"].value for r in range(1, 60)}


def test_one_section_per_template_with_its_options(pane):
    sections = pane.eval_on_selector_all("section", "nodes => nodes.map(n => n.id)")
    assert sections == [f"section-{k}" for k in kinds.KINDS]
    assert pane.input_value("#account-matrix-hours_per_owner") == "1200"
    assert pane.input_value("#account-matrix-go_max_class") == "B"
    assert pane.get_attribute("#prospecting-log-as_of", "type") == "date"
    assert pane.get_attribute("#pipeline-review-stages", "required") is not None
    assert pane.get_attribute("#funnel-planner-due", "type") == "date"
    assert pane.is_visible("#typed-funnel-planner")  # the planner's typed inputs
    assert not pane.query_selector("#typed-account-matrix")


@pytest.mark.parametrize("kind", KINDS)
def test_new_empty_opens_the_template(pane, kind):
    pane.click(f"#new-{kind}")
    (data,) = created(pane)
    expected = load_workbook(io.BytesIO(to_bytes(kinds.build(kind)[0])))
    assert shape(load_workbook(io.BytesIO(data))) == shape(expected)
    assert cover(data)["Source file"].startswith("none: an empty template")
    pane.wait_for_selector(f"#section-{kind} .status:has-text('opened in a new workbook')")


@pytest.mark.parametrize("kind", KINDS)
def test_from_the_selected_table(pane, kind):
    table = TABLES[kind]
    address = address_of(table)
    select(pane, table, address, workbook="Q3 plan.xlsx")
    for name, value in OPTIONS[kind].items():
        pane.fill(f"#{kind}-{name}", str(value))
    pane.click(f"#table-{kind}")
    (data,) = created(pane)
    facts = cover(data)
    assert (facts["Source workbook"], facts["Sheet"], facts["Address"]) == (
        "Q3 plan.xlsx",
        "Data",
        address.split("!")[1],
    )
    assert facts["Rows read"] == len(table) - 1  # every row under the header
    assert facts["SHA-256"] == digest(table)
    cells = Cells(table, "Q3 plan.xlsx", "Data", address)
    expected = load_workbook(io.BytesIO(to_bytes(kinds.build(kind, cells, OPTIONS[kind])[0])))
    assert shape(load_workbook(io.BytesIO(data))) == shape(expected)
    status = pane.inner_text(f"#section-{kind} .status")
    assert status.startswith(f"{len(table) - 1} rows read from {address}")
    assert status.endswith("opened in a new workbook")


def test_one_selected_cell_reads_the_table_around_it(pane):
    table = TABLES["account-matrix"]
    select(pane, table, address_of(table), oneCell=True)
    pane.click("#table-account-matrix")
    (data,) = created(pane)
    assert cover(data)["Address"] == address_of(table).split("!")[1]
    assert cover(data)["Rows read"] == len(table) - 1


def test_cells_formatted_as_dates_are_sent_as_dates(pane):
    header = list(records.ACTIVITY_COLUMNS)
    # Excel holds dates as serial numbers: 46083 is 2026-03-02 (25569 is 1970-01-01 and
    # 46083 - 25569 = 20514 days = 56 years (20454 days, 14 leap days) + 60 days).
    rows = [
        [46083, "Ann", "call", "Acme", "meeting booked", 5000, 0, ""],
        [46084, "Ann", "call", "Acme", "won", 0, 4000, 46090],  # 2026-03-03, won 2026-03-09
    ]
    formats = [["General"] * 8] + [
        ["m/d/yyyy"] + ["General"] * 4 + ["#,##0"] * 2 + ["d-mmm-yy"]
    ] * 2
    select(pane, [header] + rows, "Log!A1:H3", sheet="Log", numberFormat=formats)
    pane.click("#table-prospecting-log")
    (data,) = created(pane)
    sent = [header] + [
        ["2026-03-02", "Ann", "call", "Acme", "meeting booked", 5000, 0, ""],
        ["2026-03-03", "Ann", "call", "Acme", "won", 0, 4000, "2026-03-09"],
    ]
    assert cover(data)["SHA-256"] == digest(sent)  # the server read ISO dates; amounts untouched


@pytest.mark.parametrize(
    "format_, is_date",
    [
        ("m/d/yyyy", True),
        ("yyyy-mm-dd hh:mm", True),
        ("[$-409]d-mmm-yy;@", True),
        ("General", False),
        ("#,##0.00", False),
        ("[h]:mm", False),  # a duration: hours and minutes, no day or year
        ('0 "days"', False),  # d and y inside quotes are text
        ("0.0%", False),
    ],
)
def test_which_number_formats_are_dates(pane, format_, is_date):
    assert pane.evaluate("f => xlsales.isDateFormat(f)", format_) is is_date


def test_bad_table_shows_the_line_and_opens_nothing(pane):
    table = [list(r) for r in TABLES["account-matrix"]]
    table[3][table[0].index("gross_margin")] = 35  # the third record: row 4 + 3 = sheet row 7
    select(pane, table, address_of(table), workbook="Q3 plan.xlsx")
    pane.click("#table-account-matrix")
    error = pane.wait_for_selector("#section-account-matrix .status.error")
    assert error.inner_text() == (
        f"Q3 plan.xlsx {address_of(table)} row 7, column gross_margin: '35' must be a share "
        "between 0 and 1 (0.35 for 35%)"
    )
    assert pane.evaluate("window.__office.created.length") == 0


def test_required_option_is_asked_for_before_anything_is_sent(pane, server):
    select(pane, TABLES["funnel-planner"], address_of(TABLES["funnel-planner"]))
    pane.click("#table-pipeline-review")  # stages left blank: the browser refuses the form
    assert pane.evaluate("document.querySelector('#pipeline-review-stages').validity.valueMissing")
    assert pane.evaluate("window.__office.created.length") == 0
    # the API says the same to a client that skips the form
    body = {"table": TABLES["funnel-planner"]}
    answer = httpx.post(f"{server}/xlsales/templates/pipeline-review", json=body, timeout=30)
    assert answer.json() == {
        "error": "option stages is required: Stage order, top first, comma-separated (last = won)"
    }


def test_without_create_workbook_a_download_is_offered(server, chromium):
    page = open_pane(chromium, server, init="window.__noCreateWorkbook = true;")
    try:
        page.click("#new-prospecting-log")
        link = page.wait_for_selector("#section-prospecting-log .status a")
        assert "this Excel cannot open a new workbook from an add-in" in page.inner_text(
            "#section-prospecting-log .status"
        )
        with page.expect_download() as download:
            link.click()
        assert download.value.suggested_filename == "prospecting-log.xlsx"
        got = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
        assert got.sheetnames == kinds.build("prospecting-log")[0].sheetnames
    finally:
        page.close()


def test_five_megabytes_open_and_one_byte_more_is_a_download(pane):
    # base64 makes 4 characters of every 3 bytes: 3,932,160 bytes are 5,242,880
    # characters, exactly 5 MB (5 x 1,048,576); one byte more is 5,242,884, over it.
    on_limit = pane.evaluate(
        "async () => xlsales.open('x', new Uint8Array(3932160).buffer, () => {})"
    )
    assert on_limit == "opened in a new workbook"
    assert pane.evaluate("window.__office.created[0].length") == 5 * 1048576
    said = []
    over = pane.evaluate(
        "async () => { let said = ''; const done = await xlsales.open('x', "
        "new Uint8Array(3932161).buffer, (t) => { said = t; }); return [done, said]; }"
    )
    said = over[1]
    assert over[0] == "offered as a download"
    assert said == "the workbook is 5.0 MB, over the 5 MB Excel on the web takes in one request: "
    assert pane.evaluate("window.__office.created.length") == 1


def test_ribbon_buttons_open_each_template_empty(server, chromium):
    manifest = ET.fromstring(httpx.get(f"{server}/xlsales/manifest.xml").text)
    names = [e.text for e in manifest.iter() if e.tag.endswith("FunctionName")]
    page = open_pane(chromium, server, path="/xlsales/commands.html")
    try:
        assert sorted(page.evaluate("Object.keys(window.__office.actions)")) == sorted(names)
        for i, name in enumerate(names):
            completed = page.evaluate(
                f"new Promise(done => window.__office.actions.{name}({{completed: () => done(true)}}))"
            )
            assert completed is True
            data = created(page, i + 1)[i]
            kind = list(kinds.KINDS)[i]
            assert load_workbook(io.BytesIO(data)).sheetnames == kinds.build(kind)[0].sheetnames
    finally:
        page.close()


def test_the_planner_from_its_typed_inputs(pane):
    for name, value in TYPED.items():
        if name != "every":  # a list to choose from
            pane.fill(f"#funnel-planner-{name}", str(value))
    pane.select_option("#funnel-planner-every", TYPED["every"])
    pane.click("#typed-funnel-planner")
    (data,) = created(pane)
    got = load_workbook(io.BytesIO(data))
    expected = load_workbook(io.BytesIO(to_bytes(kinds.build("funnel-planner", None, TYPED)[0])))
    assert shape(got) == shape(expected)
    inputs = {got["Inputs"][f"B{r}"].value: got["Inputs"][f"C{r}"].value for r in range(1, 30)}
    assert inputs["TargetWins"] == 7 and inputs["Recurs"] == "week" and inputs["PlanPeriods"] == 4
    assert cover(data)["Source file"].startswith("none")
    status = pane.inner_text("#section-funnel-planner .status")
    assert status == "from the typed inputs: opened in a new workbook"


def test_a_missing_typed_input_is_said_and_nothing_opens(pane):
    pane.fill("#funnel-planner-target", "7")
    pane.fill("#funnel-planner-rates", "0.25,0.3,0.45")  # no stage days, no due date
    pane.click("#typed-funnel-planner")
    error = pane.wait_for_selector("#section-funnel-planner .status.error")
    assert error.inner_text() == "funnel-planner: typed inputs need stage_days, due"
    assert pane.evaluate("window.__office.created.length") == 0
