"""funnel.stage_gap: one stage's entries in a period against its required volume, the
rule plan_gap and the funnel planner's Actuals sheet (through verify) share."""

from __future__ import annotations

import pytest

from xlsales import funnel
from xlsales.errors import InputError


def test_exactly_the_required_volume_is_on_course():
    # 52 entered of 52 required: variance 0, ratio 52 / 52 = 1, on course
    gap = funnel.stage_gap(52, 52)
    assert (gap.variance, gap.on_course, gap.ratio, gap.actual_rate) == (0.0, True, 1.0, None)


def test_one_short_of_the_required_volume_is_behind():
    # 51 of 52: variance -1, ratio 51 / 52, behind
    gap = funnel.stage_gap(51, 52)
    assert (gap.variance, gap.on_course) == (-1.0, False)
    assert gap.ratio == pytest.approx(51 / 52)


def test_nothing_required_has_no_ratio():
    # a period without a planned volume: 3 - 0 = 3 over, no ratio (3 / 0)
    gap = funnel.stage_gap(3, 0)
    assert (gap.variance, gap.on_course, gap.ratio) == (3.0, True, None)


@pytest.mark.parametrize(
    ("went_on", "rate"),
    [(20, 1.0), (19, 0.95), (0, 0.0)],  # 20 / 20 = 100 %, the limit; 19 / 20; 0 / 20
)
def test_the_step_conversion_up_to_100_percent(went_on, rate):
    assert funnel.stage_gap(20, 20, went_on).actual_rate == rate


def test_more_going_on_than_entered_is_refused():
    # 21 of 20: a rate above 100 %, one beside the limit
    with pytest.raises(InputError, match=r"went_on=21 is more than actual=20"):
        funnel.stage_gap(20, 20, 21)


def test_no_entries_has_no_step_conversion():
    assert funnel.stage_gap(0, 5, 0).actual_rate is None


@pytest.mark.parametrize(
    ("args", "message"),
    [((-1, 5), r"actual=-1 must be 0 or more"), ((5, -1), r"required=-1 must be 0 or more")],
)
def test_negative_counts_are_refused(args, message):
    with pytest.raises(InputError, match=message):
        funnel.stage_gap(*args)


def test_plan_gap_uses_the_same_rule_on_and_beside_the_plan():
    # 5 wins at 50 %: 5 / 0.5 = 10 leads and 5 wins required. 10 leads: on course;
    # 9: behind by 1 (ratio 0.9); 5 wins: on course (ratio 1)
    on, won = funnel.plan_gap([10, 5], [0.5], 5, went_on=[5])
    assert (on.required, on.on_course, on.ratio, on.actual_rate) == (10, True, 1.0, 0.5)
    assert (won.on_course, won.ratio) == (True, 1.0)
    short = funnel.plan_gap([9, 5], [0.5], 5)[0]
    assert (short.variance, short.on_course, short.ratio) == (-1.0, False, 0.9)
