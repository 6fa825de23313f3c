"""Schedule rounding with fractional stage days other than .5 (issue 16), by hand.

funnel_schedule: start[i] = due - CEILING(stage_days[i] + ... + stage_days[n-1]) days:
the sum of the downstream days is rounded up once, not each stage on its own.
"""

from __future__ import annotations

import datetime as dt

import pytest

from xlsales import funnel

D = dt.date
DUE = D(2026, 1, 10)


def starts(stage_days):
    rows = funnel.funnel_schedule(1, [1.0] * len(stage_days), stage_days, DUE)
    return [r.start for r in rows]


@pytest.mark.parametrize(
    "stage_days, expected",
    [
        # 1.25 + 2.2 = 3.45 -> 4 days before 10 Jan = 6 Jan; 2.2 -> 3 -> 7 Jan
        ([1.25, 2.2], [D(2026, 1, 6), D(2026, 1, 7), DUE]),
        # 0.75 + 2.25 = 3 exactly -> 7 Jan (each rounded on its own would be 1 + 3 = 4);
        # 2.25 -> 3 -> 7 Jan
        ([0.75, 2.25], [D(2026, 1, 7), D(2026, 1, 7), DUE]),
        # 0.01 of a day is a whole day early: 9 Jan; 0 days: on the due date
        ([0.01], [D(2026, 1, 9), DUE]),
        ([0.0], [DUE, DUE]),
        # 2.99 -> 3 days (7 Jan); 3 whole days stay 3 (7 Jan); 3.001 -> 4 (6 Jan)
        ([2.99], [D(2026, 1, 7), DUE]),
        ([3.0], [D(2026, 1, 7), DUE]),
        ([3.001], [D(2026, 1, 6), DUE]),
        # a third and two thirds: 1/3 + 2/3 = 1 -> 9 Jan; 2/3 -> 1 -> 9 Jan
        ([1 / 3, 2 / 3], [D(2026, 1, 9), D(2026, 1, 9), DUE]),
    ],
)
def test_fractional_stage_days_round_the_downstream_sum_up(stage_days, expected):
    assert starts(stage_days) == expected


def test_recurring_schedule_rounds_each_period_alike():
    # weekly, 2 periods, stage days 1.2 + 0.3 = 1.5 -> 2 days: 8 Jan and 15 Jan;
    # 0.3 -> 1 day: 9 Jan and 16 Jan
    rows = funnel.funnel_schedule(1, [1.0, 1.0], [1.2, 0.3], DUE, every="week", periods=2)
    assert [r.start for r in rows] == [
        D(2026, 1, 8), D(2026, 1, 9), DUE, D(2026, 1, 15), D(2026, 1, 16), D(2026, 1, 17)
    ]  # fmt: skip
