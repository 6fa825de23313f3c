"""The funnel planner's formulas on their limits, through LibreOffice, worked by hand.

Found by scripts/mutation_formulas.py (issue 16): a formula changed at a limit that no
test sat on was not caught (ROUNDUP(days, 0) as ROUNDUP(days, 1) with the start dates
read with their time cut off; ``rate <= 1`` as ``< 1`` with no rate of exactly 100 %).
Here every formula column, check and limit of the template has a case on its limit and
one beside it. All the workbooks of this file are recalculated in ONE LibreOffice run
(the ``books`` fixture), so each mutant of the template costs one run.
"""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import recalculate

from workbook_templates import funnel_planner as fp

pytestmark = pytest.mark.engine
DUE = dt.date(2026, 6, 30)
FIRST = fp.FIRST_ROW  # first stage row on Plan and Schedule
MIDNIGHT = dt.datetime.combine  # a date at 00:00, as LibreOffice returns a date cell


def day(d: dt.date) -> dt.datetime:
    return MIDNIGHT(d, dt.time())


def put(wb, name: str, value) -> None:
    """Type ``value`` into the input cell of the defined name ``name``."""
    sheet, ref = next(wb.defined_names[name].destinations)
    wb[sheet][ref.replace("$", "")].value = value


def stage_row(wb) -> int:
    """The Inputs row of the first stage slot (below the header "stage")."""
    ws = wb["Inputs"]
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "stage") + 1


def actuals_row(slot: int, period: int) -> int:
    """The Actuals row of a stage slot's period (1 to 12): blocks of 15 rows from row 4
    (the stage's name, its header, then its 12 periods)."""
    return 4 + slot * fp.BLOCK + 1 + period


def velocity(won, lost, open_=4, amount=200.0, cycle=8):
    return {"open": open_, "won": won, "lost": lost, "average_won_amount": amount,
            "average_cycle_days": cycle}  # fmt: skip


def _weekly():
    wb = fp.build(2, [0.5], [3], ["lead", "won"], DUE, every="week")
    put(wb, "FirstPeriod", dt.date(2026, 6, 1))  # typed: a Monday
    return wb


def _edges():
    # a one-off plan whose lead stage starts on the FIRST day of the first period and
    # whose wins are due on its LAST day; a win rate of exactly 0 (no win, 3 lost)
    wb = fp.build(3, [0.5], [29], ["lead", "won"], DUE, every="once",
                  velocity=velocity(won=0, lost=3, open_=5, amount=100.0, cycle=10))  # fmt: skip
    ws = wb["Actuals"]
    # lead, period 1: 6 entered (the planned 6); period 2 (no plan): 2 entered, of them
    # 1 went on and 1 still open (1 + 1 = 2: on the limit of "went on plus open <= entered")
    for period, (entered, went_on, still_open) in ((1, (6, 3, 0)), (2, (2, 1, 1))):
        r = actuals_row(0, period)
        ws[f"E{r}"], ws[f"H{r}"], ws[f"I{r}"] = entered, went_on, still_open
    return wb


def _exact():
    # exact rates, rounding "none" and a Tolerance of 0 (the checks' limit); a win rate of
    # exactly 1 (1 won, 0 lost: won + lost = 1)
    wb = fp.build(3, [0.5, 0.25], [2, 2], ["lead", "deal", "won"], DUE, rounding="none",
                  velocity=velocity(won=1, lost=0))  # fmt: skip
    put(wb, "Tolerance", 0)
    return wb


def _rate_0():
    # the first stage's rate typed as 0: the lower limit of (0, 1], not a rate
    wb = fp.build(2, [0.5, 0.5], [3, 3], ["L", "M", "W"], DUE)
    wb["Inputs"][f"B{stage_row(wb)}"] = 0
    return wb


def _one_stage():
    # an empty planner with one stage typed, "Won", and a rate on it (a rule broken: the
    # last stage has no rate); no first period. On Actuals the counts of the last slot's
    # last period (the last row the check reads) say 1 entered, 1 went on, 1 open; those
    # of the first slot's first period 2, 1, 1
    wb = fp.build()
    first = stage_row(wb)
    wb["Inputs"][f"A{first}"], wb["Inputs"][f"B{first}"] = "Won", 0.5
    put(wb, "TargetWins", 3)
    ws = wb["Actuals"]
    last = actuals_row(5, 12)  # 6 slots (an empty planner), slot 5, period 12
    for r, counts in ((last, (1, 1, 1)), (actuals_row(0, 1), (2, 1, 1))):
        ws[f"E{r}"], ws[f"H{r}"], ws[f"I{r}"] = counts
    return wb


def _typed_over():
    # L's actual rate (4 / 4 = 100 %) typed over with 1.01: a number above 100 % on Plan
    wb = fp.build(2, [0.5, 0.5], [3, 3], ["L", "M", "W"], DUE, actual=[4, 4, 1])
    wb["Plan"][f"N{FIRST}"] = 1.01
    return wb


def workbooks() -> dict:
    """Every workbook of this file, built (and typed over) but not yet recalculated."""
    return {
        # 2 wins; lead -> deal at 100 % (on the limit of (0, 1]), deal -> won at 50 %;
        # 4 days from lead to deal, 2.5 days from deal to won; 2 spare (empty) slots
        "plan": fp.build(2, [1.0, 0.5], [4, 2.5], ["lead", "deal", "won"], DUE, every="once"),
        "once": fp.build(2, [0.5], [3], ["lead", "won"], DUE, every="once"),
        "stage": fp.build(7.25, [0.5], [10], ["lead", "won"], DUE, rounding="stage"),
        "week": _weekly(),
        "cycle_1": fp.build(2, [0.5], [3], ["lead", "won"], DUE,
                            velocity=velocity(3, 1, open_=10, amount=1000.0, cycle=1)),
        "cycle_0": fp.build(2, [0.5], [3], ["lead", "won"], DUE,
                            velocity=velocity(3, 1, open_=10, amount=1000.0, cycle=0)),
        "edges": _edges(),
        "exact": _exact(),
        # win rates out of range, typed (won or lost below 0 gets past the Inputs check)
        "rate_above": fp.build(2, [0.5], [3], ["lead", "won"], DUE, velocity=velocity(3, -1)),
        "rate_below": fp.build(2, [0.5], [3], ["lead", "won"], DUE, velocity=velocity(-1, 3)),
        # one-letter stage names, actuals on and beside the plan
        "letters": fp.build(2, [0.5, 0.5], [3, 3], ["L", "M", "W"], DUE, actual=[1, 4, 1]),
        # the actual rate's 100 % limit: M holds as many as L (4, 4), then one more (4, 5)
        "rise_limit": fp.build(2, [0.5, 0.5], [3, 3], ["L", "M", "W"], DUE, actual=[4, 4, 1]),
        "rise_beside": fp.build(2, [0.5, 0.5], [3, 3], ["L", "M", "W"], DUE, actual=[4, 5, 1]),
        "typed_over": _typed_over(),
        "rate_0": _rate_0(),
        "one_stage": _one_stage(),
    }  # fmt: skip


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    """The values of every workbook, from one LibreOffice run."""
    values = recalculate(workbooks(), tmp_path_factory.mktemp("fp"))
    return {name: pair[1] for name, pair in values.items()}


def plan_rows(values, count):
    ws = values["Plan"]
    return [
        [c.value for c in row] for row in ws.iter_rows(min_row=FIRST, max_row=FIRST + count - 1)
    ]


def checks(values) -> dict:
    ws = values["Checks"]
    return {ws[f"A{r}"].value: ws[f"B{r}"].value for r in range(5, ws.max_row + 1)}


def failing(values) -> list:
    ws = values["Checks"]
    return [ws[f"A{r}"].value for r in range(5, ws.max_row + 1) if ws[f"C{r}"].value is False]


def rise_label(values) -> str:
    ws = values["Checks"]
    return next(
        ws[f"A{r}"].value
        for r in range(5, ws.max_row + 1)
        if str(ws[f"A{r}"].value).startswith("Stage rows whose actuals rise")
    )


def rise_check(values) -> tuple:
    """The value and the state of the Checks line that counts the rising stage rows."""
    ws = values["Checks"]
    r = next(r for r in range(5, ws.max_row + 1) if ws[f"A{r}"].value == rise_label(values))
    return ws[f"B{r}"].value, ws[f"C{r}"].value


def facts(values) -> dict:
    return {row[0]: row[1] for row in values["Velocity"].iter_rows(values_only=True)}


RATE_CHECK = "Win rate within 0 to 100 % (won and lost are 0 or more)"
WIN_RATE = "Win rate = won / (won + lost)"
VELOCITY = "Pipeline velocity (revenue per day)"


def test_start_dates_are_whole_days_before_the_due_date(books):
    # lead: 4 + 2.5 = 6.5 days -> ROUNDUP 7 -> 23 June, at midnight (not 23 June 12:00)
    # deal: 2.5 -> 3 -> 27 June; won: 0 -> the due date
    starts = [row[7] for row in plan_rows(books["plan"], 3)]
    assert starts == [day(dt.date(2026, 6, 23)), day(dt.date(2026, 6, 27)), day(DUE)]


def test_the_schedule_starts_whole_days_before_the_due_date(books):
    # the Schedule's period 1 (a one-off plan): due 30 June; lead 6.5 -> 7 days before,
    # 23 June at midnight; deal 2.5 -> 3, 27 June; won and the 2 empty slots 0 days
    ws = books["plan"]["Schedule"]
    row = [ws.cell(FIRST, c).value for c in range(1, 8)]
    assert row == [1, day(DUE), day(dt.date(2026, 6, 23)), day(dt.date(2026, 6, 27)),
                   day(DUE), day(DUE), day(DUE)]  # fmt: skip


def test_a_rate_of_100_percent_passes_the_rate_check(books):
    # the check column L: a rate in (0, 1] on every stage but the last, none on the last
    rows = plan_rows(books["plan"], 3)
    assert [row[0] for row in rows] == ["lead", "deal", "won"]
    assert [row[11] for row in rows] == [True, True, True]


def test_empty_slots_plan_nothing(books):
    # the 2 spare slots (rows 8 and 9): no name, no rate: exact need, volumes and days 0,
    # start on the due date (30 June - 0), no actual, rate check TRUE, chained rate 1
    for row in plan_rows(books["plan"], 5)[3:]:
        assert row == ["(empty slot)", "last stage", 0, 0, 0, 0, 0, day(DUE), "not entered",
                       "not entered", "(empty slot)", True, 1, "last stage"]  # fmt: skip


def test_a_one_off_target_is_due_on_its_due_date(books):
    # every="once": period 1 is due on the due date itself (A = 1, on the limit); period
    # 2 lies after a plan of one period
    ws = books["once"]["Schedule"]
    first, second = FIRST, FIRST + 1
    assert (ws[f"A{first}"].value, ws[f"B{first}"].value) == (1, day(DUE))
    assert (ws[f"A{second}"].value, ws[f"B{second}"].value) == (2, "after the plan")


def test_a_fractional_target_is_rounded_up_to_whole_wins_at_every_stage(books):
    # 7.25 wins a period (Inputs allow any number from 0), lead -> won at 50 %:
    # exact C: lead 7.25 / 0.5 = 14.5, won 7.25; rounded at every stage (D): won
    # ROUNDUP(7.25, 0) = 8, lead ROUNDUP(8 / 0.5, 0) = 16; rounded once at the end (E):
    # 15 and 8; Rounding "stage" uses D (F)
    rows = plan_rows(books["stage"], 2)
    assert [row[0] for row in rows] == ["lead", "won"]
    assert [row[2] for row in rows] == [14.5, 7.25]
    assert [row[3] for row in rows] == [16, 8]
    assert [row[4] for row in rows] == [15, 8]
    assert [row[5] for row in rows] == [16, 8]


def test_a_weekly_period_on_actuals_ends_6_days_after_it_starts(books):
    # weekly plan, the first tracked period typed as Monday 1 June 2026: a period is
    # DaysPerWeek = 7 days with its first one, so period 1 ends 1 + 7 - 1 = 7 June
    # (a Sunday) and period 2 runs 8 to 14 June
    ws = books["week"]["Actuals"]
    rows = (actuals_row(0, 1), actuals_row(0, 2))
    assert [ws[f"A{r}"].value for r in rows] == [1, 2]
    assert [(ws[f"B{r}"].value, ws[f"C{r}"].value) for r in rows] == [
        (day(dt.date(2026, 6, 1)), day(dt.date(2026, 6, 7))),
        (day(dt.date(2026, 6, 8)), day(dt.date(2026, 6, 14))),
    ]


@pytest.mark.parametrize(
    ("name", "want_cycle", "want_velocity"),
    [
        # on the limit N(AverageCycleDays) > 0: 1 day is a cycle; velocity = open x win
        # rate x average won amount / cycle = 10 x 3 / (3 + 1) x 1,000 / 1 = 7,500 a day
        ("cycle_1", 1, 7500),
        # 0 days is no cycle: both say so, no division by 0
        ("cycle_0", "not entered", "needs won or lost deals, an amount and a cycle"),
    ],
)
def test_pipeline_velocity_on_and_beside_a_cycle_above_0(books, name, want_cycle, want_velocity):
    # found by scripts/mutation_formulas.py (seed 1126): N(AverageCycleDays)>0 changed to
    # >1 survived, as no test had a cycle of exactly 1 day
    shown = facts(books[name])
    assert shown["Average sales cycle (days from creation to won)"] == want_cycle
    assert shown[VELOCITY] == want_velocity


def test_a_one_off_stage_is_planned_in_the_period_holding_its_start_limits_included(books):
    # lead: 3 wins / 0.5 = 6, starts 30 June - 29 days = 1 June; the first period is the
    # month of the lead's start: 1 to 30 June. The lead starts ON its first day (>=) and
    # the wins are due ON its last day (<=, 30 June): both planned in period 1 only
    ws = books["edges"]["Actuals"]
    lead = [ws[f"D{actuals_row(0, k)}"].value for k in range(1, 13)]
    won = [ws[f"D{actuals_row(1, k)}"].value for k in range(1, 13)]
    first = actuals_row(0, 1)
    assert (ws[f"B{first}"].value, ws[f"C{first}"].value) == (
        day(dt.date(2026, 6, 1)), day(dt.date(2026, 6, 30)))  # fmt: skip
    assert lead == [6] + [0] * 11
    assert won == [3] + [0] * 11


def test_entered_against_planned_on_and_beside_the_plan(books):
    ws = books["edges"]["Actuals"]
    one, two = actuals_row(0, 1), actuals_row(0, 2)
    # period 1: 6 entered of 6 planned: ratio 1, on course (on the limit of >=); 3 of
    # the 6 went on: 3 / 6 = 0.5
    assert [ws[f"{c}{one}"].value for c in "DEFGJK"] == [6, 6, 1, "on course", 0.5, True]
    # period 2: nothing planned (0), 2 entered: no ratio ("no plan", not a division by
    # 0); 1 + 1 = 2 went on or open of 2 entered: TRUE (on the limit); 1 / 2 went on
    assert [ws[f"{c}{two}"].value for c in "DEFGJK"] == [0, 2, "no plan", "no plan", 0.5, True]
    assert books["edges"]["Checks"]["B3"].value == "OK"


def test_a_win_rate_of_exactly_0_and_of_exactly_1_pass_the_win_rate_check(books):
    # 0 won, 3 lost: 0 / (0 + 3) = 0 (the lower limit); velocity 5 x 0 x 100 / 10 = 0
    zero = books["edges"]
    assert facts(zero)[WIN_RATE] == 0 and facts(zero)[VELOCITY] == 0
    assert checks(zero)[RATE_CHECK] == 0
    # 1 won, 0 lost: won + lost = 1 (above 0, so a rate): 1 / 1 = 1 (the upper limit);
    # velocity 4 x 1 x 200 / 8 = 100 a day
    one = books["exact"]
    assert facts(one)[WIN_RATE] == 1 and facts(one)[VELOCITY] == 100
    assert checks(one)[RATE_CHECK] == 0
    assert zero["Checks"]["B3"].value == one["Checks"]["B3"].value == "OK"


@pytest.mark.parametrize(
    ("name", "rate"),
    [
        ("rate_above", 1.5),  # 3 won, -1 lost: 3 / (3 - 1) = 1.5
        ("rate_below", -0.5),  # -1 won, 3 lost: -1 / (-1 + 3) = -0.5
    ],
)
def test_a_win_rate_out_of_range_is_counted_by_its_check(books, name, rate):
    # the check counts 1 for a rate outside [0, 1] (seed 1126 left "counts 0" alive), and
    # the master check fails on it alone
    values = books[name]
    assert facts(values)[WIN_RATE] == rate
    assert checks(values)[RATE_CHECK] == 1
    assert values["Checks"]["B3"].value == "CHECK FAILED"
    assert failing(values) == [RATE_CHECK]


def test_the_checks_hold_on_an_exact_plan_with_a_tolerance_of_0(books):
    # 3 wins, deal -> won 25 %, lead -> deal 50 %, rounding "none": exact need won 3,
    # deal 3 / 0.25 = 12, lead 12 / 0.5 = 24 (exact in binary); the rates from the lead
    # to the win 0.5 x 0.25 = 0.125; top volume x rates - target = 24 x 0.125 - 3 = 0,
    # which passes |0| <= Tolerance = 0 (on the limit); planned volume = exact need, and
    # no volume is below its need minus 0 (F < C - 0 is false for every row, empty too)
    values = books["exact"]
    rows = plan_rows(values, 3)
    assert [row[2] for row in rows] == [24, 12, 3]
    assert [row[5] for row in rows] == [24, 12, 3]
    assert [row[12] for row in rows] == [0.125, 0.25, 1]
    got = checks(values)
    assert got["Top volume x rates minus target (exact chain)"] == 0
    assert got["Rounded volumes never below the exact need"] == 0
    assert failing(values) == []


def test_one_letter_stage_names_are_stages(books):
    # stages L, M, W, 50 % each step, 2 wins: W 2, M 2 / 0.5 = 4, L 8; days to the win
    # L 3 + 3 = 6, M 3, W 0; actuals L 1, M 4, W 1
    values = books["letters"]
    assert values["Plan"]["B2"].value == 3  # StageNames: 3 named
    rows = plan_rows(values, 3)
    assert [row[0] for row in rows] == ["L", "M", "W"]
    assert [row[2] for row in rows] == [8, 4, 2]
    assert [row[3] for row in rows] == [8, 4, 2]
    assert [row[6] for row in rows] == [6, 3, 0]
    # variance actual - planned: 1 - 8 = -7, 4 - 4 = 0, 1 - 2 = -1; M is ON its plan
    # (on course, the limit of >=), W one below (behind)
    assert [row[9] for row in rows] == [-7, 0, -1]
    assert [row[10] for row in rows] == ["behind", "on course", "behind"]
    # actual rate = next stage's actual / this one's, never above 100 %: L's 1 is above 0
    # but M holds 4 > 1 (a flow: 4 / 1 would read 400 %), so L says so; M 1 / 4 = 0.25;
    # W the last stage. Checks counts the 1 rising row, and passes (no rate above 100 %)
    assert [row[13] for row in rows] == [fp.RISE, 0.25, "last stage"]
    assert fp.RISE == "next stage holds more"
    assert [row[11] for row in rows] == [True, True, True]
    assert rise_check(values) == (1, True)
    assert values["Checks"]["B3"].value == "OK"


@pytest.mark.parametrize(
    ("name", "rates", "rises"),
    [
        # on the limit: L 4, M 4: 4 / 4 = 1 (100 %, a number); M: W's 1 / 4 = 0.25
        ("rise_limit", [1, 0.25, "last stage"], 0),
        # beside it: L 4, M 5 = 4 + 1: 5 > 4, the text; M: 1 / 5 = 0.2; 1 row counted
        ("rise_beside", [fp.RISE, 0.2, "last stage"], 1),
    ],
)
def test_actual_rate_on_and_beside_100_percent(books, name, rates, rises):
    values = books[name]
    assert [row[13] for row in plan_rows(values, 3)] == rates
    # a rise is shown and counted but fails nothing: the check passes while no actual
    # rate is a number above 100 % (L's exactly 1 is not above)
    assert rise_check(values) == (rises, True)
    assert failing(values) == []
    assert values["Checks"]["B3"].value == "OK"


def test_an_actual_rate_above_100_percent_fails_the_rise_check(books):
    # L's 100 % typed over with 1.01 (beside the limit of the pass rule ">1"): no row
    # rises (4, 4, 1), but a number above 100 % stands on Plan: FALSE, CHECK FAILED
    values = books["typed_over"]
    assert rise_check(values) == (0, False)
    assert failing(values) == [rise_label(values)]
    assert values["Checks"]["B3"].value == "CHECK FAILED"


def test_a_rate_of_0_breaks_the_rate_rule(books):
    # L's rate typed as 0: outside (0, 1] (its lower limit), so L's check is FALSE; M at
    # 50 % is valid and W, the last, has none: the check counts 1 row
    values = books["rate_0"]
    assert [row[11] for row in plan_rows(values, 3)] == [False, True, True]
    assert (
        checks(values)[
            "Stage rows whose rate breaks a rule (each in (0, 1], none on the last stage)"
        ]
        == 1
    )


def test_a_single_stage_with_a_rate_breaks_both_plan_checks(books):
    # one stage, "Won", with a rate of 0.5, 3 wins: StageCount 1; its exact need is the
    # next slot's (empty: 0) / 0.5 = 0 and its rates to the win 0.5 x 1 (the empty slot's)
    # = 0.5, so top volume x rates - target = 0 x 0.5 - 3 = -3; its rate check is FALSE
    # (the last stage has a rate): 1 row
    values = books["one_stage"]
    assert values["Plan"]["B2"].value == 1
    got = checks(values)
    assert got["Top volume x rates minus target (exact chain)"] == -3
    assert got["Stage rows whose rate breaks a rule (each in (0, 1], none on the last stage)"] == 1


def test_tracked_counts_above_entered_are_counted_in_the_last_row_too(books):
    # the last slot's period 12 (the last row of Actuals): 1 went on + 1 open = 2 > 1
    # entered: FALSE, counted; the first slot's period 1: 1 + 1 = 2 of 2 entered: TRUE
    values = books["one_stage"]
    ws = values["Actuals"]
    assert ws[f"K{actuals_row(5, 12)}"].value is False
    assert ws[f"K{actuals_row(0, 1)}"].value is True
    assert (
        checks(values)[
            "Tracked periods where went on plus open exceed entered (a rate above 100 %)"
        ]
        == 1
    )


def test_no_first_period_plans_nothing_on_actuals(books):
    # no first period typed: the periods have no dates, so nothing is planned (0), and
    # 2 entered against nothing planned is "no plan"
    ws = books["one_stage"]["Actuals"]
    rows = [actuals_row(0, k) for k in range(1, 13)]
    assert {ws[f"B{r}"].value for r in rows} == {"set the first period"}
    assert [ws[f"D{r}"].value for r in rows] == [0] * 12
    assert ws[f"F{rows[0]}"].value == "no plan"
