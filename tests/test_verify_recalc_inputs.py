"""xlsales verify judges the pipeline review's Deals data columns as inputs: each has its
data validation (status from its list, stage from the stage list, amount a number >= 0,
the four dates dates), and a deal row needs its deal, status, stage, created, entered
stage and last change (and closed when won or lost). The five-deal review of
test_verify_recalc (as of 31 March 2026), saved by LibreOffice, is edited in the sheet
XML: each bad value is found at exactly the cell typed, and nowhere else as an input.

Then the edits whose meaning Excel fixes (a blank date is day 0, a deal created after
the as-of date still counts by its row) are recalculated by LibreOffice: the Python
recalculation agrees with it, so the only finding is the input's own. And the inputs
that stop a part of the recalculation (Pct90, Pct80, a What-if rate) say so in the note.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from openpyxl import load_workbook
from test_verify import cell_xml, cells, libreoffice_saved, tamper
from test_verify_recalc import (
    AS_OF,
    HISTORY,
    LIMITS,
    deal_cell,
    expected_cells,
    group_cell,
    labelled_cell,
    named_cell,
    serial,
    stalled_cell,
)

from workbook_templates import engine, recompute
from workbook_templates import pipeline_review as pr
from workbook_templates.verify import verify
from workbook_templates.xlsx_reader import read
from xlsales import pipeline

pytestmark = pytest.mark.engine


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    review = pipeline.review(HISTORY, "Lead,Proposal,Won", as_of=AS_OF, stall_days=LIMITS)
    return libreoffice_saved(tmp_path_factory.mktemp("inputs"), {"pr": pr.build(review)})["pr"]


def put(ref: str, stored: str):
    """An edit that stores ``stored`` (the cell's XML after its reference and style, e.g.
    ' t="n"><v>5</v></c>', or "/>" for a blank) in ``ref``, keeping its style."""

    def edit(xml):
        cell = cell_xml(xml, ref)
        style = re.search(r' s="\d+"', cell)
        return xml.replace(cell, f'<c r="{ref}"{style.group(0) if style else ""}{stored}')

    return edit


def text(value: str) -> str:
    return f' t="inlineStr"><is><t>{value}</t></is></c>'


def number(value: float) -> str:
    return f' t="n"><v>{value}</v></c>'


BLANK = "/>"

# (deal, column header, what is stored, the finding's check or None for no finding there)
CASES = {
    "created typed as a text on a lost deal": ("b", "created", text("soon"), "input"),
    "last change left blank on a lost deal": ("b", "last change", BLANK, "required"),
    "last change left blank on an open deal": ("d", "last change", BLANK, "required"),
    "entered stage left blank": ("c", "entered stage", BLANK, "required"),
    "created left blank": ("e", "created", BLANK, "required"),
    "deal id left blank": ("c", "deal", BLANK, "required"),
    "status left blank": ("c", "status", BLANK, "required"),
    "stage left blank": ("c", "stage", BLANK, "required"),
    # closed: required of a won or lost deal, not of an open one (c and d are built with
    # a blank closed: test_the_untampered_review_has_no_input_finding)
    "closed left blank on a won deal": ("a", "closed", BLANK, "required"),
    "closed left blank on a lost deal": ("b", "closed", BLANK, "required"),
    "amount typed as a text": ("b", "amount", text("abc"), "input"),
    # amount >= 0: -0.01 just below the limit, 0 on it
    "amount just below 0": ("b", "amount", number(-0.01), "input"),
    "amount 0 (on the limit)": ("b", "amount", number(0), None),
    "status not in its list": ("c", "status", text("maybe"), "input"),
    # Excel's list validation and the sheet's COUNTIFS ignore case: "Open" is open
    "status in its list in another case": ("c", "status", text("Open"), None),
    "status one letter from its list": ("c", "status", text("Opn"), "input"),
    "stage not in the stage list (#N/A)": ("c", "stage", text("Negotiation"), "input"),
    "stage in the list": ("c", "stage", text("Lead"), None),
    "stage in the list in another case": ("c", "stage", text("LEAD"), None),
    # a date: greater than day 1 (1 Jan 1900): day 1 is refused, day 2 is a date
    "created on day 1 (the limit)": ("b", "created", number(1), "input"),
    "created on day 2 (beside it)": ("b", "created", number(2), None),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_bad_deals_input_is_found_at_its_cell(saved, tmp_path, case):
    deal, header, stored, check = CASES[case]
    sheet, ref = deal_cell(saved, deal, header)
    report = verify(tamper(saved, tmp_path / "t.xlsx", sheet, put(ref, stored)))
    flagged = cells(report, "input") | cells(report, "required")
    if check is None:
        assert flagged == set(), [f.line() for f in report.findings]
    else:
        assert flagged == {f"{sheet}!{ref}"}, [f.line() for f in report.findings]
        assert cells(report, check) == {f"{sheet}!{ref}"}


def test_the_messages_name_the_rule(saved, tmp_path):
    sheet, ref = deal_cell(saved, "c", "status")
    report = verify(tamper(saved, tmp_path / "t.xlsx", sheet, put(ref, text("maybe"))))
    finding = next(f for f in report.findings if f.check == "input")
    assert (finding.expected, finding.found) == ('one of "open,won,lost"', "'maybe'")
    sheet, ref = deal_cell(saved, "a", "closed")
    report = verify(tamper(saved, tmp_path / "u.xlsx", sheet, put(ref, BLANK)))
    finding = next(f for f in report.findings if f.check == "required")
    assert finding.line() == (
        f"Deals!{ref}: required: a required input of a deal is blank "
        "(expected a won or lost deal's closed; found blank)"
    )


def test_the_untampered_review_has_no_input_finding(saved):
    # c and d are open: their closed cells are blank, as built
    ws = load_workbook(saved)["Deals"]
    assert [ws[deal_cell(saved, d, "closed")[1]].value for d in "cd"] == [None, None]
    report = verify(saved)
    assert report.status == 0, [f.line() for f in report.findings]


def test_a_wholly_blank_deal_row_is_an_empty_slot(tmp_path):
    # the empty review: one blank deal row, nothing required of it
    path = libreoffice_saved(tmp_path, {"empty": pr.build()})["empty"]
    report = verify(path)
    assert report.status == 0, [f.line() for f in report.findings]


# Recalculated by LibreOffice after the edit: the Python recalculation takes Excel's
# meaning, so the input's own finding is the only one.


@pytest.fixture(scope="module")
def recalculated(saved, tmp_path_factory):
    folder = tmp_path_factory.mktemp("edited")
    edits = {
        # d (open, at Lead) with a blank last change
        "blank_change": deal_cell(saved, "d", "last change") + (BLANK,),
        # d created 15 April 2026, after the as-of date
        "late": deal_cell(saved, "d", "created") + (number(serial(dt.date(2026, 4, 15))),),
        # d (open) with "soon" typed in a date cell
        "text_change": deal_cell(saved, "d", "last change") + (text("soon"),),
        "text_entered": deal_cell(saved, "d", "entered stage") + (text("soon"),),
        "text_created": deal_cell(saved, "d", "created") + (text("soon"),),
    }
    paths = []
    for name, (sheet, ref, stored) in edits.items():
        paths.append(tamper(saved, folder / f"{name}.xlsx", sheet, put(ref, stored)))
    engine.convert(paths, folder / "calc")
    return {name: folder / "calc" / f"{name}.xlsx" for name in edits}


def test_an_open_deal_with_a_blank_last_change_is_an_input_finding_only(saved, recalculated):
    path = recalculated["blank_change"]
    report = verify(path)
    sheet, ref = deal_cell(saved, "d", "last change")
    found = [(f.check, f"{f.sheet}!{f.cell}") for f in report.findings]
    assert found == [("required", f"{sheet}!{ref}")], [f.line() for f in report.findings]
    # Excel reads the blank as day 0: days idle = AsOf - 0 = serial(31 Mar 2026) = 46112,
    # more than Lead's 29-day limit: stalled
    values = expected_cells(recompute.pipeline_review(read(path))[0])
    assert values[deal_cell(saved, "d", "days idle")] == serial(AS_OF) == 46112
    assert values[deal_cell(saved, "d", "stalled")] is True


def test_a_deal_created_after_the_as_of_date_counts_by_its_row(saved, recalculated):
    path = recalculated["late"]
    report = verify(path)
    assert report.status == 0, [f.line() for f in report.findings]
    # Bob: b (Proposal), d (Lead, now created 15 Apr), e (Won): the workbook's COUNTIFS
    # count d by its stage: Lead entered 3, went on 2, step 2/3, d open at Lead
    values = expected_cells(recompute.pipeline_review(read(path))[0])
    assert values[group_cell(saved, "Bob", "Lead", "entered")] == 3
    assert values[group_cell(saved, "Bob", "Lead", "step conversion")] == pytest.approx(2 / 3)
    assert values[group_cell(saved, "Bob", "Lead", "open here")] == 1


# A text typed in a date cell of an open deal: the sheet shows #VALUE! downstream of it.
# The input finding names the cell; the recalculated cells that show the error are not
# compared, and one note lists them.


def _found(report):
    return [(f.check, f"{f.sheet}!{f.cell}") for f in report.findings]


def test_a_text_last_change_is_one_input_finding_and_one_note(saved, recalculated):
    report = verify(recalculated["text_change"])
    sheet, ref = deal_cell(saved, "d", "last change")
    assert _found(report) == [("input", f"{sheet}!{ref}")], [f.line() for f in report.findings]
    # days idle = AsOf - "soon": #VALUE!, and so d's stalled (idle > 29), and the Stalled
    # sheet's row of d (its days idle and still stalled)
    downstream = [
        deal_cell(saved, "d", "days idle"),
        deal_cell(saved, "d", "stalled"),
        stalled_cell(saved, "days idle"),
        stalled_cell(saved, "still stalled"),
    ]
    assert report.facts["Not compared"] == (
        "4 recalculated cell(s) not compared: they show an error value downstream of the bad "
        f"input at {sheet}!{ref}: " + ", ".join(f"{s}!{r}" for s, r in downstream)
    )


def test_a_text_entered_stage_not_compared_only_where_the_sheet_shows_the_error(
    saved, recalculated
):
    # expected close = MAX(entered stage + median days to won, AsOf): #VALUE!; the close
    # month, IF(ISNUMBER(expected close), ..., ""), is blank, as the recalculation's
    # (no date, no month): compared, and equal
    report = verify(recalculated["text_entered"])
    sheet, ref = deal_cell(saved, "d", "entered stage")
    assert _found(report) == [("input", f"{sheet}!{ref}")], [f.line() for f in report.findings]
    assert report.facts["Not compared"].startswith("1 recalculated cell(s) not compared")
    assert report.facts["Not compared"].endswith(
        ": Deals!{}".format(deal_cell(saved, "d", "expected close")[1])
    )


def test_a_text_created_on_an_open_deal_leaves_nothing_uncompared(recalculated):
    # no formula of an open deal reads its created date: the input finding only, no note
    report = verify(recalculated["text_created"])
    assert [f.check for f in report.findings] == ["input"]
    assert "Not compared" not in report.facts


@pytest.mark.parametrize("with_input", [True, False])
def test_an_error_value_is_a_finding_without_a_bad_input(saved, tmp_path, with_input):
    # d's days idle saved as #VALUE! with no input finding: a recalculation finding at
    # its cell; with d's amount typed as -1 beside it, it is the note's instead
    sheet, ref = deal_cell(saved, "d", "days idle")
    edits = [put(ref, ' t="e"><v>#VALUE!</v></c>')]
    if with_input:
        edits.append(put(deal_cell(saved, "d", "amount")[1], number(-1)))

    def edit(xml):
        for one in edits:
            xml = one(xml)
        return xml

    report = verify(tamper(saved, tmp_path / "t.xlsx", sheet, edit))
    assert (f"{sheet}!{ref}" in cells(report, "recalculation")) is not with_input
    assert ("Not compared" in report.facts) is with_input


# Inputs that stop part of the recalculation: the input check names the cell, the note
# names the input, its value and its rule.


@pytest.mark.parametrize(
    ("value", "stops"),
    [(1.5, True), (1, False), (-0.1, True), (0, False)],  # 0-1: on and beside each end
)
def test_pct90_outside_0_to_1_stops_the_review_with_a_note(saved, tmp_path, value, stops):
    sheet, ref = named_cell(saved, "Pct90")
    report = verify(tamper(saved, tmp_path / "t.xlsx", sheet, put(ref, number(value))))
    note = report.facts["Recalculation"]
    if stops:
        assert cells(report, "input") == {f"{sheet}!{ref}"}
        assert note == (
            f"the percentile Pct90 ({sheet}!{ref}) is {value!r}: it must be a number "
            "from 0 to 1: the review is not recalculated (the stall limits need it)"
        )
    else:
        assert cells(report, "input") == set()
        assert note.startswith("5 deals recalculated"), note


def test_pct80_outside_0_to_1_stops_only_the_cycle_sheet(saved, tmp_path):
    sheet, ref = named_cell(saved, "Pct80")
    report = verify(tamper(saved, tmp_path / "t.xlsx", sheet, put(ref, number(2))))
    assert cells(report, "input") == {f"{sheet}!{ref}"}
    assert report.facts["Recalculation"].endswith(
        f"; Cycle not recalculated: the percentile Pct80 ({sheet}!{ref}) is 2: it must be "
        "a number from 0 to 1"
    )
    assert not any(f.sheet == "Cycle" for f in report.findings)


def test_a_what_if_rate_outside_0_to_1_is_an_input_finding_and_a_note(saved, tmp_path):
    sheet, ref = labelled_cell(saved, "What-if", "Lead", "your step rate")
    report = verify(tamper(saved, tmp_path / "t.xlsx", sheet, put(ref, number(1.5))))
    assert cells(report, "input") == {f"{sheet}!{ref}"}
    assert report.facts["Recalculation"].endswith(
        "; What-if not recalculated: step_rates[Lead]=1.5 must be in [0, 1] (a rate, 0.25 for 25%)"
    )


def test_a_what_if_rate_typed_as_text_is_read_as_excel_does(saved, tmp_path):
    # ISNUMBER("high") is FALSE: the sheet uses the measured rate; the saved values stand
    sheet, ref = labelled_cell(saved, "What-if", "Lead", "your step rate")
    report = verify(tamper(saved, tmp_path / "t.xlsx", sheet, put(ref, text("high"))))
    assert [f"{f.sheet}!{f.cell}" for f in report.findings] == [f"{sheet}!{ref}"]
    assert report.findings[0].check == "input"


def test_the_deals_validations_are_one_per_cell():
    # each data column its own rule; no cell under two (Excel would ask to repair)
    wb = pr.build()
    seen = {}
    for dv in wb["Deals"].data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            letter = rng.coord.split(":")[0].rstrip("0123456789")
            assert letter not in seen
            seen[letter] = dv.type
    headers = {c.value: c.column_letter for c in wb["Deals"][4]}
    assert {h: seen.get(headers[h]) for h in ("status", "stage", "amount", "created")} == {
        "status": "list",
        "stage": "list",
        "amount": "decimal",
        "created": "date",
    }


# LibreOffice saves some formulas' TRUE and FALSE as the numbers 1 and 0: one rule, in
# verify.same, reads them so on every sheet.


@pytest.mark.parametrize(
    ("saved_value", "expected", "equal"),
    [
        (1.0, True, True),
        (0.0, False, True),
        (0, True, False),  # 0 is FALSE, not TRUE
        (2.0, True, False),  # beside 1: not a saved TRUE
        ("TRUE", True, False),  # a text is no truth value
        (True, True, True),
    ],
)
def test_a_truth_value_saved_as_a_number(saved_value, expected, equal):
    from workbook_templates.verify import same

    assert same(saved_value, expected, 1e-9) is equal
    assert same(expected, saved_value, 1e-9) is equal


@pytest.mark.parametrize(("stored", "found"), [(number(1), False), (number(2), True)])
def test_a_deals_truth_value_saved_as_1_is_true(saved, tmp_path, stored, found):
    # d is stalled (30 idle days > Lead's 29): TRUE saved as 1 is TRUE; 2 is not
    sheet, ref = deal_cell(saved, "d", "stalled")
    report = verify(tamper(saved, tmp_path / "t.xlsx", sheet, put(ref, stored)))
    assert (f"{sheet}!{ref}" in cells(report, "recalculation")) is found
