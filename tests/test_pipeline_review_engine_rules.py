"""The pipeline review's formulas on their limits, through LibreOffice.

Found by scripts/mutation_formulas.py (issue 16): with ``LEN([stage])=0`` as ``=1``, a
step conversion or median days to won shown only from 2 deals on (``>1`` for ``>0``), the
win rate check's ``WinRate>=0`` as ``>0``, or the rates check counting a probability over
100 % as -1, no test failed: no review had a one-letter stage, a stage entered by one
deal, a win rate of exactly 0, or a rate typed out of range. Every expected number is
worked by hand below.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from conftest import recalculate
from openpyxl import load_workbook

from workbook_templates import pipeline_review as pr
from xlsales import pipeline

pytestmark = pytest.mark.engine
FIRST = 5  # first data row of every table
AS_OF = dt.date(2026, 3, 31)
STAGES = ["L", "Q", "Won"]  # one-letter stage names: LEN = 1, beside the blank's 0
COLUMNS = ["deal_id", "stage", "entered_at", "status", "amount", "lost_reason"]
# one deal went on from Q (entered Q: a only), one win
ONE_WIN = [
    ("a", "L", "2026-01-01", "won", 1000, ""),
    ("a", "Q", "2026-01-05", "won", 1000, ""),
    ("a", "Won", "2026-01-15", "won", 1000, ""),
    ("b", "L", "2026-01-02", "lost", 500, "Price"),
    ("c", "L", "2026-03-01", "open", 800, ""),
]
# no win at all: won 0, lost 2, win rate 0 / (0 + 2) = 0 (the lower limit)
NO_WIN = [
    ("b", "L", "2026-01-02", "lost", 500, "Price"),
    ("d", "L", "2026-01-03", "lost", 700, ""),
    ("d", "Q", "2026-01-10", "lost", 700, ""),
    ("c", "L", "2026-03-01", "open", 800, ""),
]


def _review(rows):
    return pipeline.review(pd.DataFrame(rows, columns=COLUMNS), STAGES, as_of=AS_OF)


def _column(ws, name):
    head = [c.value for c in ws[FIRST - 1]]
    return head.index(name) + 1


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rv")
    # a user types 1.5 over deal c's probability (the Deals sheet's formula); the Deals
    # rows are streamed when the workbook is saved, so the saved file is edited
    pr.build(_review(ONE_WIN)).save(folder / "typed_in.xlsx")
    typed = load_workbook(folder / "typed_in.xlsx")
    deals = typed["Deals"]
    row = next(r for r in range(FIRST, deals.max_row + 1) if deals.cell(r, 1).value == "c")
    deals.cell(row, _column(deals, "probability")).value = 1.5
    # the What-if sheet's last row (the win, Won: stages L, Q, Won in rows 5 to 7): its
    # rate to won (column E, the formula =1) typed over as 1.5
    pr.build(_review(ONE_WIN)).save(folder / "what_if_typed.xlsx")
    what_if = load_workbook(folder / "what_if_typed.xlsx")
    assert what_if["What-if"]["A7"].value == "Won" and what_if["What-if"]["E7"].value == "=1"
    what_if["What-if"]["E7"].value = 1.5
    # the same row typed as -0.5 (below the lower limit 0), and the money checks'
    # Tolerance typed as 0 (its lower limit) on a review with empty forecast months
    pr.build(_review(ONE_WIN)).save(folder / "what_if_negative.xlsx")
    negative = load_workbook(folder / "what_if_negative.xlsx")
    negative["What-if"]["E7"].value = -0.5
    pr.build(_review(ONE_WIN)).save(folder / "tolerance_0.xlsx")
    tolerance_0 = load_workbook(folder / "tolerance_0.xlsx")
    sheet, ref = next(tolerance_0.defined_names["Tolerance"].destinations)
    tolerance_0[sheet][ref.replace("$", "")].value = 0
    books = {
        "what_if_negative": negative,
        "tolerance_0": tolerance_0,
        "what_if_typed": what_if,
        "one_win": pr.build(_review(ONE_WIN)),
        "no_win": pr.build(_review(NO_WIN)),
        "empty": pr.build(pipeline.empty_review(STAGES, AS_OF)),
        "typed": typed,
    }
    return {name: calc for name, (_f, calc) in recalculate(books, folder).items()}


def checks(calc) -> dict:
    ws = calc["Checks"]
    return {ws[f"A{r}"].value: ws[f"B{r}"].value for r in range(FIRST, ws.max_row + 1)}


def named(calc, name):
    sheet, ref = next(calc.defined_names[name].destinations)
    return calc[sheet][ref.replace("$", "")].value


def test_one_letter_stages_are_numbered(books):
    calc = books["one_win"]
    ws = calc["Deals"]
    got = {
        ws.cell(r, 1).value: ws.cell(r, _column(ws, "stage number")).value
        for r in range(FIRST, ws.max_row + 1)
        if ws.cell(r, 1).value
    }
    # a at Won (3), b and c at L (1)
    assert got == {"a": 3, "b": 1, "c": 1}
    assert checks(calc)["Deals whose stage is not in the stage list"] == 0
    assert calc["Checks"]["B3"].value == "OK"


def test_a_stage_entered_by_one_deal_has_its_rate_and_median(books):
    calc = books["one_win"]
    conv = calc["Conversion"]
    # entered: L 3 (a b c), Q 1 (a), Won 1; step conversion L 1/3, Q 1/1 = 1 (1 deal: C = 1)
    assert [conv[f"C{r}"].value for r in (FIRST, FIRST + 1, FIRST + 2)] == [3, 1, 1]
    assert conv[f"F{FIRST}"].value == pytest.approx(1 / 3)
    assert conv[f"F{FIRST + 1}"].value == 1
    cycle = calc["Cycle"]
    # won deals through each stage: a alone (G = 1); days to won: from L 01-15 - 01-01
    # = 14, from Q 01-15 - 01-05 = 10: the median of one value is that value
    assert [cycle[f"G{r}"].value for r in (FIRST, FIRST + 1)] == [1, 1]
    assert [cycle[f"H{r}"].value for r in (FIRST, FIRST + 1)] == [14, 10]


def test_a_win_rate_of_0_passes_its_check(books):
    calc = books["no_win"]
    # won 0, lost 2 (b, d): 0 / 2 = 0, on the lower limit of 0-100 %
    assert named(calc, "WinRate") == 0
    assert checks(calc)["Win rate in 0-100 %"] in (True, 1)  # TRUE (LibreOffice may save 1)
    # no won deal passed any stage: no median days to won (blank, not an error)
    cycle = calc["Cycle"]
    assert [cycle[f"G{r}"].value for r in (FIRST, FIRST + 1)] == [0, 0]
    assert [cycle[f"H{r}"].value for r in (FIRST, FIRST + 1)] == [None, None]
    assert calc["Checks"]["B3"].value == "OK"


def test_an_empty_review_has_no_overall_conversion(books):
    calc = books["empty"]
    # no deal entered L: won / entered is undefined, shown blank
    assert named(calc, "OverallConversion") in ("", None)
    assert calc["Checks"]["B3"].value == "OK"


def test_a_probability_typed_over_100_percent_is_counted(books):
    calc = books["typed"]
    label = "Rates outside 0-100 % (step conversion, rate to won, probabilities, what-if)"
    # one rate out of range: c's 1.5 (every computed rate is within 0-1)
    assert checks(calc)[label] == 1
    assert calc["Checks"]["B3"].value == "CHECK FAILED"


@pytest.mark.parametrize(
    ("book", "out_of_range"),
    [
        # rates to won are worked from the bottom (E = D x E of the row below): Won E7 =
        # 1.5; Q: step rate 1 / 1 = 1 (one_win), E6 = 1 x 1.5 = 1.5; L: 1 / 3 x 1.5 = 0.5
        # (in range): two out of range, E6 and E7, the last row of What-if's D:E range
        ("what_if_typed", 2),
        # E7 = -0.5: E6 = 1 x -0.5 = -0.5, E5 = 1 / 3 x -0.5 = -1/6: three below 0
        ("what_if_negative", 3),
    ],
)
def test_a_rate_to_won_typed_out_of_range_on_the_win_row_is_counted(books, book, out_of_range):
    calc = books[book]
    label = "Rates outside 0-100 % (step conversion, rate to won, probabilities, what-if)"
    assert checks(calc)[label] == out_of_range
    assert calc["Checks"]["B3"].value == "CHECK FAILED"


def test_a_tolerance_of_0_finds_no_month_where_weighted_exceeds_unweighted(books):
    calc = books["tolerance_0"]
    # every open deal's probability is at most 1, so no month's weighted forecast exceeds
    # its unweighted one, even with no tolerance: months equal (the empty ones, 0 = 0)
    # are not counted
    assert checks(calc)["Months where the weighted forecast exceeds the unweighted one"] == 0


def test_a_group_stage_entered_by_one_deal_has_its_rate(books):
    ws = books["one_win"]["Conversion"]
    # the owner block: no deal has an owner, so one group "(none)"; entered L: a b c = 3,
    # Q: a alone = 1 (one deal: beside the limit D = 0), Won: a = 1; step conversion
    # L 1 / 3, Q 1 / 1 = 1
    block = {
        ws.cell(r, 3).value: [ws.cell(r, c).value for c in range(1, 7)]
        for r in range(1, ws.max_row + 1)
        if ws.cell(r, 1).value == "owner"
    }
    assert block["Q"] == ["owner", "(none)", "Q", 1, 1, 1]
    assert block["L"][3:5] == [3, 1] and block["L"][5] == pytest.approx(1 / 3)
