"""xlsales verify recalculates the pipeline review with the Python core: a five-deal
history worked by hand, built, recalculated and saved by LibreOffice. For each sheet
(Deals, Conversion, Cycle, Forecast, Stalled, What-if): the untampered file is clean,
the recalculation gives the hand-worked numbers (not only the workbook's), and a +1
(or a changed text) on one cached value is found at exactly that cell.

The history (stages Lead, Proposal, Won; as of 31 March 2026; stall limits typed on
Inputs: Lead 29 days, Proposal 43 days)::

    deal owner status   amount  Lead    Proposal  Won     lost reason
    a    Ann   won        1000  1 Jan   11 Jan    31 Jan
    b    Bob   lost        500  5 Jan   25 Jan            price
    c    Ann   open       2000  1 Feb   16 Feb
    d    Bob   open        800  1 Mar
    e    Bob   won        3000  10 Jan  20 Jan    19 Feb

Counted by each deal's stage (a, e at Won; b, c at Proposal; d at Lead):
entered Lead 5, Proposal 4, Won 2; step conversion Lead 4/5 = 0.8, Proposal 2/4 = 0.5;
rate to won Lead 0.8 x 0.5 = 0.4, Proposal 0.5. Days in Lead: a 10, b 20, c 15, e 10;
in Proposal: a 20, e 30. Days to won from Lead: a 30, e 40 (median 35); from Proposal:
a 20, e 30 (median 25).
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from test_verify import cell_xml, cells, libreoffice_saved, set_value, tamper

from workbook_templates import pipeline_review as pr
from workbook_templates import recompute
from workbook_templates.verify import verify
from workbook_templates.xlsx_reader import read, split_cell
from xlsales import pipeline

pytestmark = pytest.mark.engine

HISTORY = pd.DataFrame(
    {
        "deal_id": ["a", "a", "a", "b", "b", "c", "c", "d", "e", "e", "e"],
        "stage": ["Lead", "Proposal", "Won", "Lead", "Proposal", "Lead", "Proposal", "Lead"]
        + ["Lead", "Proposal", "Won"],
        "entered_at": ["2026-01-01", "2026-01-11", "2026-01-31", "2026-01-05", "2026-01-25"]
        + ["2026-02-01", "2026-02-16", "2026-03-01", "2026-01-10", "2026-01-20", "2026-02-19"],
        "status": ["won"] * 3 + ["lost"] * 2 + ["open"] * 3 + ["won"] * 3,
        "amount": [1000] * 3 + [500] * 2 + [2000] * 2 + [800] + [3000] * 3,
        "owner": ["Ann"] * 3 + ["Bob"] * 2 + ["Ann"] * 2 + ["Bob"] * 4,
        "lost_reason": ["", "", "", "price", "price", "", "", "", "", "", ""],
    }
)
AS_OF = dt.date(2026, 3, 31)
LIMITS = {"Lead": 29, "Proposal": 43}


def serial(day: dt.date) -> int:
    return (day - dt.date(1899, 12, 30)).days


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    review = pipeline.review(HISTORY, "Lead,Proposal,Won", as_of=AS_OF, stall_days=LIMITS)
    return libreoffice_saved(tmp_path_factory.mktemp("recalc"), {"pr": pr.build(review)})["pr"]


def expected_cells(expected: list) -> dict:
    """(sheet, cell) -> value of a recalculation's expectations, blocks spelt out."""
    out = {}
    for item in expected:
        if len(item) == 2:
            (sheet, row, col), want = item
            out[(sheet, f"{get_column_letter(col)}{row}")] = want
        else:
            sheet, col, rows, wants = item
            for row, want in zip(list(rows), list(wants)):
                out[(sheet, f"{get_column_letter(col)}{row}")] = recompute._plain(want)
    return out


@pytest.fixture(scope="module")
def values(saved):
    """(sheet, cell) -> the value the recalculation expects there."""
    return expected_cells(recompute.pipeline_review(read(saved))[0])


def deal_cell(path, deal, header):
    """The Deals cell of ``deal`` (by its id) under ``header``."""
    ws = load_workbook(path)["Deals"]
    col = next(c.column for c in ws[4] if c.value == header)
    row = next(c.row for c in ws["A"] if c.value == deal)
    return "Deals", f"{get_column_letter(col)}{row}"


def labelled_cell(path, sheet, label, header, header_row=4, nth=1):
    """The cell under ``header`` (on ``header_row``) in the ``nth`` row below it whose
    column A shows ``label``."""
    ws = load_workbook(path)[sheet]
    col = next(c.column for c in ws[header_row] if c.value == header)
    rows = [c.row for c in ws["A"] if c.row > header_row and c.value == label]
    return sheet, f"{get_column_letter(col)}{rows[nth - 1]}"


def named_cell(path, name):
    sheet, ref = next(load_workbook(path).defined_names[name].destinations)
    return sheet, ref.replace("$", "")


def group_cell(path, value, stage, header):
    """Conversion's per-group block: the row of group ``value`` and ``stage``."""
    ws = load_workbook(path)["Conversion"]
    top = next(c.row for c in ws["A"] if c.value == "group")
    col = next(c.column for c in ws[top] if c.value == header)
    row = next(
        r
        for r in range(top + 1, ws.max_row + 1)
        if ws.cell(r, 2).value == value and ws.cell(r, 3).value == stage
    )
    return "Conversion", f"{get_column_letter(col)}{row}"


def stalled_cell(path, header):
    ws = load_workbook(path)["Stalled"]
    col = next(c.column for c in ws[4] if c.value == header)
    return "Stalled", f"{get_column_letter(col)}5"


def owner_forecast_cell(path, owner, label, month_index):
    ws = load_workbook(path)["Forecast"]
    top = next(c.row for c in ws["A"] if c.value == label)
    row = next(r for r in range(top + 1, ws.max_row + 1) if ws.cell(r, 1).value == owner)
    return "Forecast", f"{get_column_letter(2 + month_index)}{row}"


# Each: where (from the file's own labels), the hand-worked value, the arithmetic.
HAND = {
    # Deals
    "Deals: c weighted": (lambda p: deal_cell(p, "c", "weighted amount"), 1000),  # 2000 x 0.5
    "Deals: d probability": (lambda p: deal_cell(p, "d", "probability"), 0.4),  # 0.8 x 0.5
    "Deals: d days idle": (lambda p: deal_cell(p, "d", "days idle"), 30),  # 1 Mar to 31 Mar
    # d: 30 idle days > Lead's 29: stalled, one day beyond the limit
    "Deals: d stalled": (lambda p: deal_cell(p, "d", "stalled"), True),
    # c: 16 Feb to 31 Mar = 12 + 31 = 43 idle days, exactly Proposal's 43: not stalled
    "Deals: c stalled": (lambda p: deal_cell(p, "c", "stalled"), False),
    # c: 16 Feb + 25 days = 13 Mar, before the as-of date: 31 Mar
    # (1 Jan 2026 is serial 46023: 1 Jan 1900 is 1, plus 1900's false 29 Feb; 46023 + 31
    # + 28 + 30 = 46112)
    "Deals: c expected close": (lambda p: deal_cell(p, "c", "expected close"), 46112),
    # d: 1 Mar + 35 days = 5 Apr: April, serial 46112 + 1 = 46113
    "Deals: d close month": (lambda p: deal_cell(p, "d", "close month"), 46113),
    "Deals: e cycle days": (lambda p: deal_cell(p, "e", "cycle days"), 40),  # 10 Jan to 19 Feb
    "Deals: a probability (won: blank)": (lambda p: deal_cell(p, "a", "probability"), None),
    # Conversion
    "Conversion: Lead step": (
        lambda p: labelled_cell(p, "Conversion", "Lead", "step conversion"),
        0.8,
    ),
    "Conversion: Proposal entered": (
        lambda p: labelled_cell(p, "Conversion", "Proposal", "entered"),
        4,
    ),
    "Conversion: Lead rate to won": (
        lambda p: labelled_cell(p, "Conversion", "Lead", "rate to won"),
        0.4,
    ),
    "Conversion: Proposal lost amount": (
        lambda p: labelled_cell(p, "Conversion", "Proposal", "lost amount"),
        500,
    ),
    "Conversion: win rate": (lambda p: named_cell(p, "WinRate"), 2 / 3),  # 2 won, 1 lost
    "Conversion: overall": (lambda p: named_cell(p, "OverallConversion"), 0.4),  # 2 / 5
    # Bob: b (Proposal), d (Lead), e (Won): Lead 3 entered, 2 went on
    "Conversion: Bob's Lead step": (
        lambda p: group_cell(p, "Bob", "Lead", "step conversion"),
        2 / 3,
    ),
    # Ann: a (Won), c (Proposal, open): Proposal 2 entered, 1 went on
    "Conversion: Ann's Proposal step": (
        lambda p: group_cell(p, "Ann", "Proposal", "step conversion"),
        0.5,
    ),
    "Conversion: lost for price": (
        lambda p: labelled_cell(p, "Conversion", "price", "lost", header_row=_reason_row(p)),
        1,
    ),
    # Cycle: days in Lead 10, 10, 15, 20: median (10 + 15) / 2 = 12.5; 80th percentile:
    # rank 1 + 0.8 x 3 = 3.4, 15 + 0.4 x (20 - 15) = 17; 90th: rank 3.7, 15 + 0.7 x 5 = 18.5
    "Cycle: Lead median": (lambda p: labelled_cell(p, "Cycle", "time in Lead", "median"), 12.5),
    "Cycle: Lead 80th": (
        lambda p: labelled_cell(p, "Cycle", "time in Lead", "80th percentile"),
        17,
    ),
    "Cycle: Lead 90th": (
        lambda p: labelled_cell(p, "Cycle", "time in Lead", "90th percentile"),
        18.5,
    ),
    # days to won from Lead: 30, 40: median 35
    "Cycle: Lead median days to won": (
        lambda p: labelled_cell(p, "Cycle", "time in Lead", "median days to won"),
        35,
    ),
    # created to won: a 30, e 40: 90th percentile rank 1.9, 30 + 0.9 x 10 = 39
    "Cycle: time to close 90th": (
        lambda p: labelled_cell(p, "Cycle", "time to close (created to won)", "90th percentile"),
        39,
    ),
    "Cycle: Lead stall limit (typed)": (
        lambda p: labelled_cell(p, "Cycle", "time in Lead", "stall limit (days)"),
        29,
    ),
    # Forecast: March: c (2000 x 0.5 = 1000); April: d (800 x 0.4 = 320)
    "Forecast: March weighted": (lambda p: ("Forecast", "B5"), 1000),
    "Forecast: April unweighted": (lambda p: ("Forecast", "C6"), 800),
    "Forecast: total weighted": (lambda p: labelled_cell(p, "Forecast", "Total", "weighted"), 1320),
    "Forecast: Bob's April weighted": (
        lambda p: owner_forecast_cell(p, "Bob", "weighted per owner", 1),
        320,
    ),
    "Forecast: March (the as-of month)": (lambda p: ("Forecast", "A5"), 46082),  # 46112 - 30
    # Stalled: d only
    "Stalled: days idle": (lambda p: stalled_cell(p, "days idle"), 30),
    "Stalled: limit": (lambda p: stalled_cell(p, "limit days"), 29),
    "Stalled: owner": (lambda p: stalled_cell(p, "owner"), "Bob"),
    # What-if (nothing typed: the measured rates): Lead 800 x 0.4 = 320
    "What-if: Lead weighted": (
        lambda p: labelled_cell(p, "What-if", "Lead", "weighted pipeline"),
        320,
    ),
    "What-if: Proposal open amount": (
        lambda p: labelled_cell(p, "What-if", "Proposal", "open amount"),
        2000,
    ),
    # total weighted: 320 + 1000 + 0 (no open deal at Won) = 1320
    "What-if: total weighted": (
        lambda p: labelled_cell(p, "What-if", "Total", "weighted pipeline"),
        1320,
    ),
}


def _reason_row(path):
    ws = load_workbook(path)["Conversion"]
    return next(c.row for c in ws["A"] if c.value == "lost reason")


def test_untampered_review_is_clean_and_recalculated(saved):
    report = verify(saved)
    assert report.status == 0, [f.line() for f in report.findings]
    assert "saved values agree with the Python recalculation" in report.reason
    assert "no Python recalculation" not in report.facts["Recalculation"]


@pytest.mark.parametrize("case", sorted(HAND))
def test_the_recalculation_gives_the_hand_worked_value(saved, values, case):
    locate, want = HAND[case]
    got = values[locate(saved)]
    if want is None or isinstance(want, (bool, str)):
        assert got == want and type(got) is type(want)
    else:
        assert got == pytest.approx(want, rel=1e-12)


PLUS_ONE = {
    "Deals": lambda p: deal_cell(p, "c", "weighted amount"),
    "Deals, a date": lambda p: deal_cell(p, "d", "expected close"),
    "Conversion": lambda p: labelled_cell(p, "Conversion", "Lead", "entered"),
    "Conversion, per owner": lambda p: group_cell(p, "Bob", "Lead", "step conversion"),
    "Conversion, win rate": lambda p: named_cell(p, "WinRate"),
    "Cycle": lambda p: labelled_cell(p, "Cycle", "time in Lead", "median"),
    "Forecast": lambda p: ("Forecast", "B5"),
    "Forecast, per owner": lambda p: owner_forecast_cell(p, "Ann", "unweighted per owner", 0),
    "Stalled": lambda p: stalled_cell(p, "days idle"),
    "What-if": lambda p: labelled_cell(p, "What-if", "Lead", "weighted pipeline"),
}


@pytest.mark.parametrize("case", sorted(PLUS_ONE))
def test_a_cached_value_plus_one_is_found_at_its_cell(saved, tmp_path, case):
    sheet, ref = PLUS_ONE[case](saved)
    path = tamper(saved, tmp_path / "t.xlsx", sheet, set_value(ref, lambda v: v + 1))
    report = verify(path)
    assert cells(report, "recalculation") == {f"{sheet}!{ref}"}
    finding = next(f for f in report.findings if f.check == "recalculation")
    assert float(finding.found) - float(finding.expected) == pytest.approx(1)


@pytest.mark.parametrize(
    "case, locate, old, new",
    [
        ("Stalled owner", lambda p: stalled_cell(p, "owner"), "Bob", "Bobby"),
        ("a blank result", lambda p: deal_cell(p, "a", "probability"), "", "0.4"),
    ],
)
def test_a_changed_cached_text_is_found_at_its_cell(saved, tmp_path, case, locate, old, new):
    sheet, ref = locate(saved)

    def edit(xml):
        cell = cell_xml(xml, ref)
        if "<v>" in cell:
            changed = cell.replace(f"<v>{old}</v>", f"<v>{new}</v>")
        else:  # an empty result stored as <v/>
            changed = re.sub(r"<v\s*/>", f"<v>{new}</v>", cell)
        return xml.replace(cell, changed)

    report = verify(tamper(saved, tmp_path / "t.xlsx", sheet, edit))
    assert cells(report, "recalculation") == {f"{sheet}!{ref}"}


def test_a_what_if_rate_typed_without_recalculating_is_found(saved, tmp_path):
    # 0.6 typed as Lead's step rate on What-if and the file not recalculated: Lead's
    # step rate used 0.6, its rate to won 0.6 x 0.5 = 0.3, weighted pipeline
    # 800 x 0.3 = 240 and the total 240 + 1000 = 1240; the volume cells stay blank (no
    # target): exactly these four cells differ from the saved 0.8, 0.4, 320 and 1320.
    sheet, ref = labelled_cell(saved, "What-if", "Lead", "your step rate")
    row = split_cell(ref)[0]

    def edit(xml):
        cell = cell_xml(xml, ref)
        style = re.search(r' s="\d+"', cell)
        return xml.replace(
            cell, f'<c r="{ref}"{style.group(0) if style else ""} t="n"><v>0.6</v></c>'
        )

    report = verify(tamper(saved, tmp_path / "t.xlsx", sheet, edit))
    found = {f.cell: float(f.expected) for f in report.findings if f.check == "recalculation"}
    ws = load_workbook(saved)["What-if"]
    col = {c.value: get_column_letter(c.column) for c in ws[4]}
    total = next(c.row for c in ws["A"] if c.value == "Total")
    assert found == pytest.approx(
        {
            f"{col['step rate used']}{row}": 0.6,
            f"{col['rate to won used']}{row}": 0.3,
            f"{col['weighted pipeline']}{row}": 240,
            f"{col['weighted pipeline']}{total}": 1240,
        }
    )


def test_an_amount_changed_without_recalculating_is_found_downstream(saved, tmp_path):
    # d's amount 800 -> 1000, not recalculated: d weighted 1000 x 0.4 = 400 (saved 320),
    # so Forecast April weighted 400 and unweighted 1000, Bob's April weighted and
    # unweighted, the totals, What-if's Lead open amount and weighted pipeline, Stalled's
    # amount: each is named with the core's figure.
    sheet, ref = deal_cell(saved, "d", "amount")
    report = verify(tamper(saved, tmp_path / "t.xlsx", sheet, set_value(ref, lambda v: 1000)))
    found = {
        (f.sheet, f.cell): float(f.expected) for f in report.findings if f.check == "recalculation"
    }
    assert found[deal_cell(saved, "d", "weighted amount")] == pytest.approx(400)
    assert found[("Forecast", "B6")] == pytest.approx(400)
    assert found[("Forecast", "C6")] == pytest.approx(1000)
    assert found[owner_forecast_cell(saved, "Bob", "weighted per owner", 1)] == pytest.approx(400)
    assert found[labelled_cell(saved, "What-if", "Lead", "weighted pipeline")] == pytest.approx(400)
    assert found[stalled_cell(saved, "amount")] == pytest.approx(1000)


# The Checks sheet: each check's value where the core recalculates it, its state by its
# pass rule, and the master check from the states.


def check_cell(path, start, column="B"):
    """The Checks cell (value B, state C) of the check whose text starts with ``start``."""
    ws = load_workbook(path)["Checks"]
    row = next(c.row for c in ws["A"] if isinstance(c.value, str) and c.value.startswith(start))
    return "Checks", f"{column}{row}"


CHECKS = {
    # 11 history rows read, none left out: 11 used; stage entries on Deals a 3, b 2, c 2,
    # d 1, e 3 = 11: 11 - 11 = 0
    "Rows used minus the stage entries": 0,
    # weighted 1000 (c) + 320 (d) = 1320 minus the open deals' amount 2000 + 800 = 2800
    "Weighted amount of the open deals minus": -1480,
    # March 1000 <= 2000, April 320 <= 800, the other months 0 <= 0: none
    "Months where the weighted forecast exceeds": 0,
    # step rates 0.8, 0.5; rates to won 0.4, 0.5, 1; probabilities 0.5, 0.4; Ann 1, 0.5;
    # Bob 2/3, 0.5; What-if 0.8, 0.5 and 0.4, 0.5, 1: none outside 0-1
    "Rates outside 0-100 %": 0,
    "Win rate in 0-100 %": True,  # 2/3
}


@pytest.mark.parametrize("start", sorted(CHECKS))
def test_a_check_value_recalculated_by_hand(saved, values, start):
    # a truth value is expected as the file saves it: TRUE, or 1 where LibreOffice
    # saved the formula's TRUE as a number (both are 1 in Python's ==)
    assert values[check_cell(saved, start)] == CHECKS[start]
    assert values[check_cell(saved, start, "C")] == 1  # the check passes


def test_the_master_check_recalculated(saved, values):
    assert values[named_cell(saved, "MasterCheck")] == "OK"


def test_a_check_value_plus_one_is_found_at_its_cell(saved, tmp_path):
    # -1480 saved as -1479: the value differs; its state (-1479 <= 0.005: TRUE) does not
    sheet, ref = check_cell(saved, "Weighted amount of the open deals minus")
    report = verify(tamper(saved, tmp_path / "t.xlsx", sheet, set_value(ref, lambda v: v + 1)))
    assert cells(report, "recalculation") == {f"{sheet}!{ref}"}


def test_a_flipped_check_state_is_found_at_its_cell(saved, tmp_path):
    # the check passes (-1480 <= 0.005) but FALSE is saved beside it
    sheet, ref = check_cell(saved, "Weighted amount of the open deals minus", "C")
    report = verify(tamper(saved, tmp_path / "t.xlsx", sheet, set_value(ref, lambda v: 0)))
    assert cells(report, "recalculation") == {f"{sheet}!{ref}"}
    finding = next(f for f in report.findings if f.check == "recalculation")
    assert (finding.expected, finding.found) == ("True", "False")
