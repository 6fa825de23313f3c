"""xlsales verify recalculates the prospecting log's Summary facts and Reps table with
the Python core: a seven-activity log worked by hand, built, recalculated and saved by
LibreOffice. The untampered file is clean, the recalculation gives the hand-worked
numbers, and a +1 on one cached value is found at exactly that cell.

The log (report start Thursday 1 January 2026, as of Sunday 31 May 2026, 30-day blocks,
90-day payoff window; 2 wins still needed, split evenly: 1 per rep)::

    date    rep  type     prospect  pipeline  won  won date
    5 Jan   Ann  call     Acme        1000    600  10 Feb
    20 Jan  Bob  e-mail   Beta           0      0
    10 Feb  Ann  call     Gamma          0      0
    20 Feb  Bob  call     Delta        500      0
    10 May  Ann  call     Acme           0      0
    25 May  Bob  meeting  Eta            0      0
    5 Jun   Ann  call     Zeta           0      0   (after the as-of date: not counted)

Blocks: 1 = 1-30 Jan (payoff window to 1 Jan + 30 + 90 - 1 days = 30 Apr: closed by 31
May), 2 = 31 Jan-1 Mar (to 30 May: closed), 3 = 2-31 Mar (to 29 Jun: open). The closed
blocks hold 2 + 2 = 4 activities and 1 win (Acme, first touched in block 1, won 10 Feb,
before 30 Apr) worth 600.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from test_verify import cells, libreoffice_saved, set_value, tamper
from test_verify_recalc import expected_cells, named_cell

from workbook_templates import prospecting_log as pl
from workbook_templates import recompute
from workbook_templates.verify import verify
from workbook_templates.xlsx_reader import cell_name, read

pytestmark = pytest.mark.engine

D = dt.date
LOG = pd.DataFrame(
    {
        "date": [D(2026, 1, 5), D(2026, 1, 20), D(2026, 2, 10), D(2026, 2, 20)]
        + [D(2026, 5, 10), D(2026, 5, 25), D(2026, 6, 5)],
        "rep": ["Ann", "Bob", "Ann", "Bob", "Ann", "Bob", "Ann"],
        "type": ["call", "e-mail", "call", "call", "call", "meeting", "call"],
        "prospect": ["Acme", "Beta", "Gamma", "Delta", "Acme", "Eta", "Zeta"],
        "outcome": [""] * 7,
        "pipeline_value": [1000.0, 0, 0, 500.0, 0, 0, 0],
        "won_value": [600.0, 0, 0, 0, 0, 0, 0],
        "won_date": [D(2026, 2, 10), None, None, None, None, None, None],
    }
)


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    wb = pl.build(LOG, D(2026, 1, 1), D(2026, 5, 31), target_wins=2)
    return libreoffice_saved(tmp_path_factory.mktemp("recalc_log"), {"pl": wb})["pl"]


@pytest.fixture(scope="module")
def values(saved):
    """(sheet, cell) -> the value the recalculation expects there."""
    return expected_cells(recompute.prospecting_log(read(saved))[0])


def rep_cell(path, rep, header):
    book = read(path)
    sheet = book.sheets["Reps"]
    table = sheet.tables[0]
    col = table.bounds[1] + table.columns.index(header)
    first = table.bounds[1] + table.columns.index("rep")
    row = next(r for r in table.data_rows if sheet.cells.value((r, first)) == rep)
    return "Reps", cell_name(row, col)


# June 2026 starts on a Monday (1 Jan 2026 is a Thursday; 1 June is 151 days later,
# 151 = 21 x 7 + 4, Thursday + 4 = Monday): 1-30 June holds 4 weeks (20 working days)
# and Monday 29, Tuesday 30: 22 working days.
HAND = {
    "ActivityCount": 6,  # the seven less 5 June
    "ActivitiesAfter": 1,
    "WinsCounted": 1,
    "WonCounted": 600,
    "ClosedBlocks": 2,
    "ClosedActivities": 4,
    "WinsPerActivity": 0.25,  # 1 / 4
    "RevenuePerActivity": 150,  # 600 / 4
    "WinsNeeded": 2,  # 1 + 1
    "NextWorkdays": 22,
    "NeededPerDay": 2 / 0.25 / 22,  # 8 activities over 22 working days
    "NeededIn30": 8,  # 8 / 22 x 22
    "RecentActivities": 2,  # 2-31 May: 10 and 25 May
    "ProjectedRevenue": 300,  # 2 x 150
    # serials: 1 Jan 2026 = 46023; 31 May = 46023 + 31 + 28 + 31 + 30 + 30 = 46173
    "RecentStarts": 46173 - 30 + 1,  # 2 May
    "ProjectionEnds": 46173 + 90,  # 90 days after the as-of date
}

REPS = {
    ("Ann", "activities"): 3,  # 5 Jan, 10 Feb, 10 May (5 June is after the as-of date)
    ("Bob", "activities"): 3,
    ("Ann", "activities in the last 30 days"): 1,  # 10 May
    ("Bob", "activities in the last 30 days"): 1,  # 25 May
    ("Ann", "activities needed per working day"): 1 / 0.25 / 22,  # 4 over 22 days
    ("Bob", "activities needed in the next 30 days"): 4,  # 4 / 22 x 22
}


def test_untampered_log_is_clean(saved):
    report = verify(saved)
    assert report.status == 0, [f.line() for f in report.findings]
    assert "the Summary facts" in report.facts["Recalculation"]


@pytest.mark.parametrize("name", sorted(HAND))
def test_a_summary_fact_by_hand(saved, values, name):
    assert values[named_cell(saved, name)] == pytest.approx(HAND[name], rel=1e-12)


@pytest.mark.parametrize("key", sorted(REPS))
def test_a_rep_figure_by_hand(saved, values, key):
    assert values[rep_cell(saved, *key)] == pytest.approx(REPS[key], rel=1e-12)


@pytest.mark.parametrize(
    "locate",
    [
        lambda p: named_cell(p, "WonCounted"),
        lambda p: named_cell(p, "NeededPerDay"),
        lambda p: named_cell(p, "ProjectedRevenue"),
        lambda p: rep_cell(p, "Bob", "activities"),
        lambda p: rep_cell(p, "Ann", "activities needed per working day"),
    ],
    ids=["WonCounted", "NeededPerDay", "ProjectedRevenue", "Reps activities", "Reps needed"],
)
def test_a_cached_value_plus_one_is_found_at_its_cell(saved, tmp_path, locate):
    sheet, ref = locate(saved)
    path = tamper(saved, tmp_path / "t.xlsx", sheet, set_value(ref, lambda v: v + 1))
    report = verify(path)
    assert cells(report, "recalculation") == {f"{sheet}!{ref}"}


# The Checks sheet: every check recalculated from the Log, the Prospects list and the
# as-of date.

LOG_CHECKS = {
    # every row: a date, a prospect, amounts >= 0, Acme's win dated, a listed type
    "Log rows whose inputs break a rule": 0,
    # Acme: first touched 5 Jan, won 10 Feb
    "Wins dated before the first activity": 0,
    # 6 activities by 31 May; Prospects lists Acme 2, Beta, Gamma, Delta, Eta 1 each: 6
    "Activities up to the as-of date on prospects not listed": 0,
    "Wins left out by the as-of date": ("0 wins worth 0 dated after the as-of date, not counted"),
    "Activities left out by the as-of date": (
        "1 activities dated after the as-of date, not counted"  # 5 June
    ),
}


def check_at(path, start, column="B"):
    from test_verify_recalc import check_cell

    return check_cell(path, start, column)


@pytest.mark.parametrize("start", sorted(LOG_CHECKS))
def test_a_log_check_value_by_hand(saved, values, start):
    assert values[check_at(saved, start)] == LOG_CHECKS[start]
    assert values[check_at(saved, start, "C")] == 1  # each passes: TRUE (or LibreOffice's 1)


@pytest.mark.parametrize(
    "start",
    [
        "Log rows whose inputs break a rule",
        "Wins dated before the first activity",
        "Activities up to the as-of date on prospects not listed",
    ],
)
def test_a_log_check_value_plus_one_is_found_at_its_cell(saved, tmp_path, start):
    sheet, ref = check_at(saved, start)
    path = tamper(saved, tmp_path / "t.xlsx", sheet, set_value(ref, lambda v: v + 1))
    assert cells(verify(path), "recalculation") == {f"{sheet}!{ref}"}


@pytest.mark.parametrize(
    "start", ["Wins left out by the as-of date", "Activities left out by the as-of date"]
)
def test_a_left_out_text_and_state_changed_are_found(saved, tmp_path, start):
    import re

    from test_verify import cell_xml

    sheet, ref = check_at(saved, start)

    def edit(xml):
        cell = cell_xml(xml, ref)
        return xml.replace(cell, re.sub(r"<v>\d+ ", "<v>9 ", cell))

    path = tamper(saved, tmp_path / "t.xlsx", sheet, edit)
    assert cells(verify(path), "recalculation") == {f"{sheet}!{ref}"}
    sheet, state = check_at(saved, start, "C")
    path = tamper(saved, tmp_path / "u.xlsx", sheet, set_value(state, lambda v: 0))
    assert f"{sheet}!{state}" in cells(verify(path), "recalculation")


def log_cell(path, index, header):
    """The Log cell of activity ``index`` (from 0, in LOG's order) under ``header``."""
    sheet = read(path).sheets["Log"]
    table = sheet.tables[0]
    col = table.bounds[1] + table.columns.index(header)
    return "Log", cell_name(table.data_rows.start + index, col)


def _put(path, tmp_path, where, stored):
    import re

    from test_verify import cell_xml

    sheet, ref = where

    def edit(xml):
        cell = cell_xml(xml, ref)
        style = re.search(r' s="\d+"', cell)
        return xml.replace(cell, f'<c r="{ref}"{style.group(0) if style else ""}{stored}')

    return tamper(path, tmp_path / "t.xlsx", sheet, edit)


@pytest.mark.parametrize(("pipeline", "bad"), [(0, 0), (-0.01, 1)])
def test_log_input_rows_on_and_beside_zero(saved, tmp_path, pipeline, bad):
    # Delta's pipeline (500): 0 is allowed (>= 0), -0.01 breaks the rule: one row
    path = _put(
        saved, tmp_path, log_cell(saved, 3, "pipeline_value"), f' t="n"><v>{pipeline}</v></c>'
    )
    got = expected_cells(recompute.prospecting_log(read(path))[0])
    assert got[check_at(saved, "Log rows whose inputs break a rule")] == bad
    # the row's own "inputs valid", typed without recalculating: the saved TRUE stands
    # on the limit and is named beside it
    cell = log_cell(saved, 3, "inputs valid")
    assert got[cell] is (bad == 0)
    assert (f"{cell[0]}!{cell[1]}" in cells(verify(path), "recalculation")) is bool(bad)


@pytest.mark.parametrize("index", [0, 6])
def test_a_log_inputs_valid_cell_by_hand_and_flipped_found(saved, values, tmp_path, index):
    # Acme's first row (dated, a prospect, amounts >= 0, its win dated, type call) and
    # Zeta's (after the as-of date: still a valid row) pass
    sheet, ref = log_cell(saved, index, "inputs valid")
    assert values[(sheet, ref)] is True
    path = tamper(saved, tmp_path / "t.xlsx", sheet, set_value(ref, lambda v: int(1 - v)))
    assert cells(verify(path), "recalculation") == {f"{sheet}!{ref}"}


@pytest.mark.parametrize(("won", "state"), [(0, True), (0.01, False)])
def test_a_won_value_without_a_won_date_recalculated_by_libreoffice(saved, tmp_path, won, state):
    # Beta (no won date) with a won value of 0: nothing won, the row is valid; 0.01: a
    # win without its date breaks the rule. Recalculated by LibreOffice, verify agrees
    # with the saved "inputs valid" and Checks values: only the failing check is named.
    from workbook_templates import engine

    where = log_cell(saved, 1, "won_value")
    path = saved  # Beta's won value is 0 as built
    if won:
        edited = _put(saved, tmp_path, where, f' t="n"><v>{won}</v></c>')
        engine.convert([edited], tmp_path / "calc")
        path = tmp_path / "calc" / "t.xlsx"
    assert read(path).sheets["Log"].value(where[1]) == won
    got = expected_cells(recompute.prospecting_log(read(path))[0])
    assert got[log_cell(saved, 1, "inputs valid")] is state
    report = verify(path)
    assert cells(report, "recalculation") == set(), [f.line() for f in report.findings]
    failing = {f.cell for f in report.findings if f.check == "checks"}
    assert failing == (set() if state else {check_at(saved, "Log rows whose inputs", "C")[1]})


@pytest.mark.parametrize(("day", "before"), [(5, 0), (4, 1)])
def test_a_win_on_and_before_the_first_activity(saved, tmp_path, day, before):
    # Acme first touched 5 Jan 2026 (serial 46027): a win dated 5 Jan is on it (not
    # before), 4 Jan (46026) is before it: one win that cannot be true
    serial = 46023 + day - 1
    path = _put(saved, tmp_path, log_cell(saved, 0, "won_date"), f' t="n"><v>{serial}</v></c>')
    got = expected_cells(recompute.prospecting_log(read(path))[0])
    assert got[check_at(saved, "Wins dated before the first activity")] == before


def test_activities_of_a_prospect_not_listed(saved, tmp_path):
    # Beta's one activity renamed Omega (not on Prospects): 6 - (2 + 0 + 1 + 1 + 1) = 1
    where = log_cell(saved, 1, "prospect")
    path = _put(saved, tmp_path, where, ' t="inlineStr"><is><t>Omega</t></is></c>')
    got = expected_cells(recompute.prospecting_log(read(path))[0])
    assert got[check_at(saved, "Activities up to the as-of date on prospects not listed")] == 1


def test_a_huge_win_after_the_as_of_date_is_left_out_exactly(tmp_path):
    # Zeta (5 Jun, after the as-of date 31 May) won 1e30 on 6 Jun: left out, its value
    # written with every digit, as FIXED(1e30, 0) writes it; the revenue won up to the
    # as-of date stays Acme's 600 (not 600 + 1e30 - 1e30, which is 0 in floats)
    log = LOG.copy()
    log.loc[6, "won_value"] = 1e30
    log.loc[6, "won_date"] = D(2026, 6, 6)
    wb = pl.build(log, D(2026, 1, 1), D(2026, 5, 31), target_wins=2)
    path = libreoffice_saved(tmp_path, {"big": wb})["big"]
    report = verify(path)
    assert report.status == 0, [f.line() for f in report.findings]
    got = expected_cells(recompute.prospecting_log(read(path))[0])
    text = "1 wins worth 1" + ",000" * 10 + " dated after the as-of date, not counted"
    assert got[check_at(path, "Wins left out")] == text
    assert got[named_cell(path, "WonCounted")] == 600


INPUTS = "Log rows whose inputs break a rule"
WON_TEXT = "Log won_value cells that are not numbers"


def test_a_won_value_typed_as_text_recalculated_by_libreoffice(saved, tmp_path):
    # Acme's won value (600, won 10 Feb) typed as the text "600" and recalculated by
    # LibreOffice: the text counts nowhere, in the sheet's formulas and in verify's
    # recalculation alike, so verify finds no wrong value; it names the cell that breaks
    # its validation, and the two checks that fail on it
    from workbook_templates import engine

    where = log_cell(saved, 0, "won_value")
    edited = _put(saved, tmp_path, where, ' t="inlineStr"><is><t>600</t></is></c>')
    engine.convert([edited], tmp_path / "calc")
    path = tmp_path / "calc" / "t.xlsx"
    assert read(path).sheets["Log"].value(where[1]) == "600"  # still a text
    report = verify(path)
    assert cells(report, "recalculation") == set(), [f.line() for f in report.findings]
    assert cells(report, "input") == {f"{where[0]}!{where[1]}"}
    failing = {f.cell for f in report.findings if f.check == "checks"}
    assert failing == {check_at(saved, start, "C")[1] for start in (INPUTS, WON_TEXT)}
    # by hand: Acme's row is not valid; 1 row and 1 won_value cell break a rule; no win
    # is counted: 0 wins worth 0; the closed blocks (4 activities) hold 0 wins: 0 wins
    # and 0 revenue per activity, and no plan can reach the 2 wins still needed
    got = expected_cells(recompute.prospecting_log(read(path))[0])
    assert got[log_cell(saved, 0, "inputs valid")] is False
    assert (got[check_at(saved, INPUTS)], got[check_at(saved, WON_TEXT)]) == (1, 1)
    assert (got[named_cell(path, "WinsCounted")], got[named_cell(path, "WonCounted")]) == (0, 0)
    assert got[named_cell(path, "WinsPerActivity")] == 0
    assert got[named_cell(path, "RevenuePerActivity")] == 0
    assert got[named_cell(path, "NeededPerDay")] == "no win in the closed blocks"
    # and LibreOffice's own values are the same (verify compared them all: none differs)
    sheet = read(path).sheets["Log"]
    assert sheet.value(log_cell(saved, 0, "inputs valid")[1]) in (False, 0)


@pytest.mark.parametrize(
    ("stored", "valid"),
    [
        ("/>", True),  # blank: on the limit, valid (a won date without a win is allowed)
        (' t="n"><v>0</v></c>', True),  # 0: a number, on the limit 0
        (' t="inlineStr"><is><t>600</t></is></c>', False),  # a text, though it reads 600
        (' t="inlineStr"><is><t>12k</t></is></c>', False),
        (' t="b"><v>1</v></c>', False),  # TRUE: Excel's ISNUMBER(TRUE) is FALSE
    ],
    ids=["blank", "zero", "text 600", "text 12k", "TRUE"],
)
def test_a_won_value_that_is_no_number_breaks_the_rule_as_excel_reads_it(
    saved, tmp_path, stored, valid
):
    # Acme's won value (600, won 10 Feb) typed over, not recalculated: verify's rule reads
    # each as Excel does. Not valid: 1 row and 1 won_value cell break a rule, and the
    # saved TRUE of Acme's "inputs valid" is named; valid: both counts 0, nothing named
    where = log_cell(saved, 0, "won_value")
    path = _put(saved, tmp_path, where, stored)
    got = expected_cells(recompute.prospecting_log(read(path))[0])
    cell = log_cell(saved, 0, "inputs valid")
    assert got[cell] is valid
    bad = 0 if valid else 1
    assert (got[check_at(saved, INPUTS)], got[check_at(saved, WON_TEXT)]) == (bad, bad)
    # whatever it holds, no win of 600 is counted any more (blank, 0, text, TRUE: 0)
    assert got[named_cell(path, "WonCounted")] == 0
    report = verify(path)
    assert (f"{cell[0]}!{cell[1]}" in cells(report, "recalculation")) is not valid
    assert (f"{where[0]}!{where[1]}" in cells(report, "input")) is not valid


def test_a_row_with_money_but_no_date_and_no_prospect_recalculated_by_libreoffice(tmp_path):
    # LOG with three more rows built as Zeta's (source rows 9, 10, 11) and typed over:
    # their date, rep, type, prospect and outcome deleted, and of the amounts and won
    # date only what is listed kept. Recalculated by LibreOffice, verify agrees with every
    # saved value (the template and its rule in Python read such rows alike), and names
    # the two checks that fail on them.
    from openpyxl import load_workbook

    kept = {
        9: {"won_value": 700, "won_date": D(2026, 3, 20)},  # a win, before the as-of date
        10: {"pipeline_value": 400},  # pipeline only
        11: {},  # every input blank but its source row: a blank row
    }
    extra = pd.DataFrame([LOG.iloc[6]] * 3).assign(date=D(2026, 6, 6))
    wb = pl.build(pd.concat([LOG, extra], ignore_index=True), D(2026, 1, 1), D(2026, 5, 31), 2)
    ws = wb["Log"]
    head = {c.value: c.column for c in ws[4]}
    for r in range(5, ws.max_row + 1):
        typed = kept.get(ws.cell(r, head["source row"]).value)
        for key in () if typed is None else pl.ACTIVITY_INPUTS:
            ws.cell(r, head[key]).value = typed.get(key)
    path = libreoffice_saved(tmp_path, {"undated": wb})["undated"]
    report = verify(path)
    assert cells(report, "recalculation") == set(), [f.line() for f in report.findings]
    # by hand: rows 9 and 10 hold an amount but no date: 2 rows break a rule (row 11 is
    # blank); the 700 counts nowhere: 1 win worth 600 (Acme), not 2 worth 1,300; every
    # win is counted or left out fails: 1 counted + 0 after, against 2 won values > 0
    # with a won date (Acme's and row 9's)
    got = expected_cells(recompute.prospecting_log(read(path))[0])
    assert got[check_at(path, INPUTS)] == 2
    assert (got[named_cell(path, "WinsCounted")], got[named_cell(path, "WonCounted")]) == (1, 600)
    assert got[check_at(path, "Wins left out")] == (
        "0 wins worth 0 dated after the as-of date, not counted"
    )
    failing = {f.cell for f in report.findings if f.check == "checks"}
    assert failing == {check_at(path, start, "C")[1] for start in (INPUTS, "Wins left out")}
    # LibreOffice's own values are the same
    book = load_workbook(path, data_only=True)
    assert book[check_at(path, INPUTS)[0]][check_at(path, INPUTS)[1]].value == 2
    sheet, ref = named_cell(path, "WonCounted")
    assert book[sheet][ref].value == 600
