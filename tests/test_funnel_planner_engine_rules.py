"""The funnel planner's start dates and rate check on their limits through LibreOffice.

Found by scripts/mutation_formulas.py (issue 16): with ROUNDUP(days, 0) changed to
ROUNDUP(days, 1), or the rate check's ``rate <= 1`` to ``rate < 1``, no test failed (the
start dates were read with their time cut off, and no plan had a rate of exactly 100 %).
"""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import recalculate

from workbook_templates import funnel_planner as fp

pytestmark = pytest.mark.engine
DUE = dt.date(2026, 6, 30)


@pytest.fixture(scope="module")
def plan(tmp_path_factory):
    # 2 wins; lead -> deal at 100 % (on the limit of (0, 1]), deal -> won at 50 %;
    # 4 days from lead to deal, 2.5 days from deal to won
    wb = fp.build(2, [1.0, 0.5], [4, 2.5], ["lead", "deal", "won"], DUE, every="once")
    _, values = recalculate({"plan": wb}, tmp_path_factory.mktemp("fp"))["plan"]
    ws = values["Plan"]
    return [
        [c.value for c in row]
        for row in ws.iter_rows(min_row=fp.FIRST_ROW, max_row=fp.FIRST_ROW + 2)
    ]


def test_start_dates_are_whole_days_before_the_due_date(plan):
    # lead: 4 + 2.5 = 6.5 days -> ROUNDUP 7 -> 23 June, at midnight (not 23 June 12:00)
    # deal: 2.5 -> 3 -> 27 June; won: 0 -> the due date
    starts = [row[7] for row in plan]
    assert starts == [dt.datetime(2026, 6, 23), dt.datetime(2026, 6, 27), dt.datetime(2026, 6, 30)]


def test_a_rate_of_100_percent_passes_the_rate_check(plan):
    # the check column L: a rate in (0, 1] on every stage but the last, none on the last
    assert [row[0] for row in plan] == ["lead", "deal", "won"]
    assert [row[11] for row in plan] == [True, True, True]


def test_a_one_off_target_is_due_on_its_due_date(tmp_path):
    # every="once": period 1 is due on the due date itself (A = 1, on the limit); period
    # 2 lies after a plan of one period
    wb = fp.build(2, [0.5], [3], ["lead", "won"], DUE, every="once")
    _, values = recalculate({"once": wb}, tmp_path)["once"]
    ws = values["Schedule"]
    first, second = fp.FIRST_ROW, fp.FIRST_ROW + 1
    assert (ws[f"A{first}"].value, ws[f"B{first}"].value) == (1, dt.datetime(2026, 6, 30))
    assert (ws[f"A{second}"].value, ws[f"B{second}"].value) == (2, "after the plan")


def test_a_fractional_target_is_rounded_up_to_whole_wins_at_every_stage(tmp_path):
    # 7.25 wins a period (Inputs allow any number from 0), lead -> won at 50 %:
    # exact C: lead 7.25 / 0.5 = 14.5, won 7.25; rounded at every stage (D): won
    # ROUNDUP(7.25, 0) = 8, lead ROUNDUP(8 / 0.5, 0) = 16; rounded once at the end (E):
    # 15 and 8; Rounding "stage" uses D (F)
    wb = fp.build(7.25, [0.5], [10], ["lead", "won"], DUE, rounding="stage")
    _, values = recalculate({"stage": wb}, tmp_path)["stage"]
    rows = [
        [c.value for c in row]
        for row in values["Plan"].iter_rows(min_row=fp.FIRST_ROW, max_row=fp.FIRST_ROW + 1)
    ]
    assert [row[0] for row in rows] == ["lead", "won"]
    assert [row[2] for row in rows] == [14.5, 7.25]
    assert [row[3] for row in rows] == [16, 8]
    assert [row[4] for row in rows] == [15, 8]
    assert [row[5] for row in rows] == [16, 8]


def test_a_weekly_period_on_actuals_ends_6_days_after_it_starts(tmp_path):
    # weekly plan, the first tracked period typed as Monday 1 June 2026: a period is
    # DaysPerWeek = 7 days with its first one, so period 1 ends 1 + 7 - 1 = 7 June
    # (a Sunday) and period 2 runs 8 to 14 June
    wb = fp.build(2, [0.5], [3], ["lead", "won"], DUE, every="week")
    sheet, ref = next(wb.defined_names["FirstPeriod"].destinations)
    wb[sheet][ref.replace("$", "")].value = dt.date(2026, 6, 1)
    _, values = recalculate({"week": wb}, tmp_path)["week"]
    ws = values["Actuals"]
    first = 6  # the first stage's block: "Stage" in row 4, its header in 5, periods from 6
    assert [ws[f"A{r}"].value for r in (first, first + 1)] == [1, 2]
    assert [(ws[f"B{r}"].value, ws[f"C{r}"].value) for r in (first, first + 1)] == [
        (dt.datetime(2026, 6, 1), dt.datetime(2026, 6, 7)),
        (dt.datetime(2026, 6, 8), dt.datetime(2026, 6, 14)),
    ]


@pytest.mark.parametrize(
    ("cycle", "want_cycle", "want_velocity"),
    [
        # on the limit N(AverageCycleDays) > 0: 1 day is a cycle; velocity = open x win
        # rate x average won amount / cycle = 10 x 3 / (3 + 1) x 1,000 / 1 = 7,500 a day
        (1, 1, 7500),
        # 0 days is no cycle: both say so, no division by 0
        (0, "not entered", "needs won or lost deals, an amount and a cycle"),
    ],
)
def test_pipeline_velocity_on_and_beside_a_cycle_above_0(
    tmp_path, cycle, want_cycle, want_velocity
):
    # found by scripts/mutation_formulas.py (seed 1126): N(AverageCycleDays)>0 changed to
    # >1 survived, as no test had a cycle of exactly 1 day
    terms = {"open": 10, "won": 3, "lost": 1, "average_won_amount": 1000.0}
    wb = fp.build(
        2, [0.5], [3], ["lead", "won"], DUE, velocity={**terms, "average_cycle_days": cycle}
    )
    _, values = recalculate({"velocity": wb}, tmp_path)["velocity"]
    shown = {row[0]: row[1] for row in values["Velocity"].iter_rows(values_only=True)}
    assert shown["Average sales cycle (days from creation to won)"] == want_cycle
    assert shown["Pipeline velocity (revenue per day)"] == want_velocity
