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
