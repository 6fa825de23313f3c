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


TARGET = 2.5  # a win target typed on What-if (deals)
# one deal, won: won 1, lost 0: win rate 1 / (1 + 0) = 1 (the upper limit); entered L 1,
# won 1: overall conversion 1 / 1 (one deal, beside the limit of 0)
SINGLE = ONE_WIN[:3]
# ONE_WIN with owners, a closed stage's row and a deal open at the win stage:
#   b's "Lost" row is a closed stage's row: left out (the last reason on Inputs): 7 read,
#   6 used; e is open at Won (its only row): probability = rate to won of Won = 1, median
#   days to won 0, no stall limit; owner Y's deals (b, c) never reached Q.
EXTRAS = [
    (*ONE_WIN[0], "X"),
    (*ONE_WIN[1], "X"),
    (*ONE_WIN[2], "X"),
    (*ONE_WIN[3], "Y"),
    ("b", "Lost", "2026-01-20", "lost", 500, "Price", "Y"),
    (*ONE_WIN[4], "Y"),
    ("e", "Won", "2026-03-10", "open", 300, "", "X"),
]


def _named_cell(wb, name):
    sheet, ref = next(wb.defined_names[name].destinations)
    return wb[sheet][ref.replace("$", "")]


def _conversion_typed(folder, rate):
    """ONE_WIN with the win's rate to won on Conversion (G7, the formula =1), the last rate
    of the owner block (its win row, the formula ="") and the win row's stall limit cell on
    Inputs (no input: the limit of a win) typed over: ``rate``, ``rate`` and -1."""
    pr.build(_review(ONE_WIN)).save(folder / f"conversion_{rate}.xlsx")
    wb = load_workbook(folder / f"conversion_{rate}.xlsx")
    ws = wb["Conversion"]
    assert ws["A7"].value == "Won" and ws["G7"].value == "=1"
    ws["G7"].value = rate
    block = [r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "owner"]
    assert ws.cell(block[-1], 3).value == "Won" and ws.cell(block[-1], 6).value == '=""'
    ws.cell(block[-1], 6).value = rate
    win = pr.review_stage_row(None) + len(STAGES) - 1
    assert wb["Inputs"][f"A{win}"].value == "Won"
    wb["Inputs"][f"B{win}"].value = -1
    return wb


def _column(ws, name):
    head = [c.value for c in ws[FIRST - 1]]
    return head.index(name) + 1


def _workbooks(folder):
    """Every workbook of this file (typed edits saved in ``folder``)."""
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
    one_win, no_win = pr.build(_review(ONE_WIN)), pr.build(_review(NO_WIN))
    for wb in (one_win, no_win):  # a win target of 2.5 deals (What-if's volume needed)
        _named_cell(wb, "TargetWins").value = TARGET
    empty_tolerance_0 = pr.build(pipeline.empty_review(STAGES, AS_OF))
    _named_cell(empty_tolerance_0, "Tolerance").value = 0
    return {
        "what_if_negative": negative,
        "tolerance_0": tolerance_0,
        "what_if_typed": what_if,
        "one_win": one_win,
        "no_win": no_win,
        "empty": pr.build(pipeline.empty_review(STAGES, AS_OF)),
        "typed": typed,
        "empty_tolerance_0": empty_tolerance_0,
        "single": pr.build(_review(SINGLE)),
        "extras": pr.build(
            pipeline.review(pd.DataFrame(EXTRAS, columns=[*COLUMNS, "owner"]), STAGES, as_of=AS_OF)
        ),
        "conversion_negative": _conversion_typed(folder, -0.5),
        "conversion_over": _conversion_typed(folder, 1.5),
    }


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rv")
    return {name: calc for name, (_f, calc) in recalculate(_workbooks(folder), folder).items()}


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


RATES = "Rates outside 0-100 % (step conversion, rate to won, probabilities, what-if)"


def test_no_workbook_shows_an_error(books):
    # a stage no deal entered (the empty review; Q in no_win and owner Y's Q in extras),
    # a stage with no days (no_win's Q) or a rate to won of 0 (no_win) shows a blank
    for name, calc in books.items():
        for ws in calc.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    value = cell.value
                    assert not (isinstance(value, str) and value.startswith("#")), (
                        f"{name} {ws.title}!{cell.coordinate}={value}"
                    )


def test_an_empty_review_has_no_rates(books):
    calc = books["empty"]
    conv = calc["Conversion"]
    # no deal: entered 0 at L and Q, so no step conversion, no win rate (0 won + 0 lost)
    assert [conv[f"C{r}"].value for r in (FIRST, FIRST + 1)] == [0, 0]
    assert [conv[f"F{r}"].value for r in (FIRST, FIRST + 1)] in ([None, None], ["", ""])
    assert named(calc, "WinRate") in ("", None)


def test_an_empty_review_passes_its_checks_with_a_tolerance_of_0(books):
    calc = books["empty_tolerance_0"]
    # no open deal: weighted 0 - unweighted 0 = 0 <= Tolerance 0 (on the limit)
    assert (
        checks(calc)[
            "Weighted amount of the open deals minus their unweighted amount (must be <= 0)"
        ]
        == 0
    )
    assert calc["Checks"]["B3"].value == "OK"


def test_a_single_won_deal_has_a_win_rate_and_conversion_of_1(books):
    calc = books["single"]
    # won 1, lost 0: 1 / (1 + 0) = 1, the upper limit of the check; entered L 1, won 1
    assert named(calc, "WinRate") == 1
    assert checks(calc)["Win rate in 0-100 %"] in (True, 1)
    assert named(calc, "OverallConversion") == 1
    assert calc["Checks"]["B3"].value == "OK"


def test_volume_needed_rounds_a_win_target_up(books):
    # one_win: rates to won L 1/3 x 1 x 1 = 1/3, Q 1 x 1 = 1, Won 1 (measured and used
    # alike): 2.5 / (1/3) = 7.5 -> 8 leads; 2.5 / 1 = 2.5 -> 3 at Q and at Won
    ws = books["one_win"]["What-if"]
    assert [ws[f"K{r}"].value for r in (FIRST, FIRST + 1, FIRST + 2)] == [8, 3, 3]
    assert [ws[f"L{r}"].value for r in (FIRST, FIRST + 1, FIRST + 2)] == [8, 3, 3]
    # no_win: Q's step rate 0 / 1 = 0, so rates to won L 1/3 x 0 = 0 and Q 0: no volume
    # (blank, not a division by 0); Won 1: 3
    ws = books["no_win"]["What-if"]
    for letter in "KL":
        got = [ws[f"{letter}{r}"].value for r in (FIRST, FIRST + 1, FIRST + 2)]
        assert got[:2] in ([None, None], ["", ""]) and got[2] == 3, letter


def test_a_stage_with_one_deal_has_its_days_and_stall_limit(books):
    calc = books["one_win"]
    cycle = calc["Cycle"]
    # days in L: a alone, 01-05 - 01-01 = 4 (b lost at L, c still open there); in Q: a,
    # 01-15 - 01-05 = 10. One value: its median, 80th and 90th percentile are itself; the
    # stall limit (no limit typed) is the 90th percentile
    assert [cycle[f"C{r}"].value for r in (FIRST, FIRST + 1)] == [1, 1]
    assert [[cycle[f"{c}{r}"].value for c in "DEFI"] for r in (FIRST, FIRST + 1)] == [
        [4, 4, 4, 4],
        [10, 10, 10, 10],
    ]
    # c open at L since 03-01: idle 03-31 - 03-01 = 30 days > limit 4: stalled
    deals = calc["Deals"]
    row = next(r for r in range(FIRST, deals.max_row + 1) if deals.cell(r, 1).value == "c")
    assert deals.cell(row, _column(deals, "days idle")).value == 30
    assert deals.cell(row, _column(deals, "limit days")).value == 4
    assert deals.cell(row, _column(deals, "stalled")).value in (True, 1)


def test_a_deal_open_at_the_win_stage_and_a_closed_stage_row(books):
    calc = books["extras"]
    ws = calc["Deals"]
    row = next(r for r in range(FIRST, ws.max_row + 1) if ws.cell(r, 1).value == "e")
    got = {
        key: ws.cell(row, _column(ws, key)).value
        for key in ("stage number", "probability", "median days to won", "limit days", "stalled")
    }
    # e at Won (3): rate to won of the win 1, 0 days to won, no stall limit, not stalled
    assert got["stage number"] == 3 and got["probability"] == 1
    assert got["median days to won"] == 0
    assert got["limit days"] in ("", None) and got["stalled"] in (False, 0)
    # rows: a 3, b 2 (L and Lost), c 1, e 1 = 7 read; b's Lost row left out: 6 used
    assert named(calc, "RowsRead") == 7 and named(calc, "RowsUsed") == 6
    assert (
        checks(calc)["Rows in the export minus rows used minus rows left out (reasons on Inputs)"]
        == 0
    )
    assert calc["Checks"]["B3"].value == "OK"
    # owner Y: b and c entered L (2), none went on: step conversion 0 / 2 = 0; Q not
    # entered (0): no step conversion (blank)
    conv = calc["Conversion"]
    block = {
        (conv.cell(r, 2).value, conv.cell(r, 3).value): [conv.cell(r, c).value for c in (4, 6)]
        for r in range(1, conv.max_row + 1)
        if conv.cell(r, 1).value == "owner"
    }
    assert block[("Y", "L")] == [2, 0]
    assert block[("Y", "Q")][0] == 0 and block[("Y", "Q")][1] in ("", None)


@pytest.mark.parametrize(
    ("book", "rates", "limits"),
    [
        # G7 = -0.5: G6 = 1 x -0.5 = -0.5, G5 = 1/3 x -0.5 = -1/6 (three below 0 in F:G, the
        # last row's G7 among them); the owner block's last rate -0.5 (1); c's probability
        # = G5 = -1/6 (1): 5
        ("conversion_negative", 5, 1),
        # G7 = 1.5: G6 = 1.5, G5 = 0.5 (two above 1); the block's last rate 1.5 (1): 3
        ("conversion_over", 3, 1),
    ],
)
def test_rates_typed_over_on_the_conversion_win_rows_are_counted(books, book, rates, limits):
    got = checks(books[book])
    assert got[RATES] == rates
    # -1 typed in the win's row of the stall limits (no limit of its own): counted
    assert got["Stall limits entered on Inputs that are negative"] == limits


def test_input_validations_cover_every_rate_and_limit_cell():
    # stages L, Q, Won: the stall limits of L and Q (not the win) on Inputs from row 20;
    # What-if's typed step rates of L and Q (rows 5 and 6), each held to its range
    wb = pr.build(_review(ONE_WIN))
    first = pr.review_stage_row(None)
    inputs = [str(dv.sqref) for dv in wb["Inputs"].data_validations.dataValidation]
    assert f"B{first}:B{first + 1}" in inputs
    what_if = [str(dv.sqref) for dv in wb["What-if"].data_validations.dataValidation]
    assert f"C{FIRST}:C{FIRST + 1}" in what_if
