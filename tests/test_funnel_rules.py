"""Schedule rounding with fractional stage days other than .5 (issue 16), by hand.

funnel_schedule: start[i] = due - CEILING(stage_days[i] + ... + stage_days[n-1]) days:
the sum of the downstream days is rounded up once, not each stage on its own.
"""

from __future__ import annotations

import datetime as dt
import warnings

import numpy as np
import pytest

from xlsales import funnel
from xlsales.errors import InputError

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


@pytest.mark.parametrize(
    "every, count, expected",
    [
        ("once", 5, DUE),  # a one-off target never moves
        ("day", 0, DUE),
        ("day", 3, D(2026, 1, 13)),
        ("week", 2, D(2026, 1, 24)),
        # 30 Nov + 14 months: month 11 - 1 + 14 = 24 -> 2026 + 24 // 12 = 2028, January
        ("month", 14, D(2028, 1, 30)),
    ],
)
def test_add_period(every, count, expected):
    start = D(2026, 11, 30) if every == "month" else DUE
    assert funnel.add_period(start, every, count) == expected


def test_add_period_keeps_the_month_end():
    # 31 Jan + 13 months = February 2027, 28 days: 28 Feb
    assert funnel.add_period(D(2026, 1, 31), "month", 13) == D(2027, 2, 28)


def schedule(**changes):
    args = dict(target=1, rates=[1.0], stage_days=[1], due=DUE)
    return funnel.funnel_schedule(**(args | changes))


def test_schedule_limits_on_and_beside():
    # the last day Excel shows: daily from 30 Dec 9999, 2 periods end on 31 Dec 9999
    rows = schedule(due=D(9999, 12, 30), every="day", periods=2)
    assert rows[-1].due == D(9999, 12, 31)
    # 1 Jan 1900 + 5 days of stages: the top stage starts on 1 Jan 1900, the first day
    assert schedule(stage_days=[5], due=D(1900, 1, 6))[0].start == D(1900, 1, 1)
    # due on the first and on the last day Excel shows
    assert schedule(stage_days=[0], due=D(1900, 1, 1))[0].start == D(1900, 1, 1)
    assert schedule(due=D(9999, 12, 31))[-1].due == D(9999, 12, 31)
    # 36,500 days (100 years) is the longest stage: allowed
    assert schedule(stage_days=[36_500])[0].start == DUE - dt.timedelta(days=36_500)
    # 10,000 periods is the most
    assert len(schedule(every="day", periods=10_000)) == 20_000


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"due": D(9999, 12, 30), "every": "day", "periods": 3},
         "periods=3: the last period would be due after 9999-12-31"),
        ({"due": D(9999, 12, 1), "every": "month", "periods": 2},
         "periods=2: the last period would be due after 9999-12-31"),
        ({"stage_days": [5], "due": D(1900, 1, 5)},
         "due=1900-01-05 leaves too little time: the top stage would start 5 days earlier, "
         "before 1900-01-01 (the first date Excel can show)"),
        ({"stage_days": [36_500.5]}, "stage_days[0]=36500.5 must be at most 36500 (100 years)"),
        ({"stage_days": [-1]}, "stage_days[0]=-1 must be 0 or more"),
        ({"stage_days": "x"}, "stage_days='x' must be a list of values"),
        ({"due": D(1899, 12, 31)},
         "due=1899-12-31 must be a date Excel can show (1900-01-01 to 9999-12-31)"),
        ({"every": "year"}, "every='year' must be one of: once, day, week, month"),
        ({"every": "day", "periods": 2.5}, "periods=2.5 must be a whole number"),
        ({"every": "day", "periods": 10_001}, "periods=10001 must be between 1 and 10000"),
        ({"every": "day", "periods": 0}, "periods=0 must be between 1 and 10000"),
    ],
)  # fmt: skip
def test_schedule_refuses_with_the_argument_named(changes, message):
    with pytest.raises(funnel.InputError) as info:
        schedule(**changes)
    assert str(info.value) == message


def test_pipeline_velocity_limits_on_and_beside():
    # 1e15 open deals (the most), all won, 1 each, in 1 day: 1e15 a day, allowed; and
    # 1e15 deals at 1e15 in 1 day: 1e30 a day, exactly the largest velocity allowed
    assert funnel.pipeline_velocity(1e15, 1.0, 1.0, 1.0) == 1e15
    assert funnel.pipeline_velocity(1e15, 1.0, 1e15, 1.0) == 1e30


@pytest.mark.parametrize(
    "args, message",
    [
        ((-1, 0.5, 10.0, 5.0), "open_deals=-1 must be 0 or more"),
        ((1, 0.5, -10.0, 5.0), "average_won_amount=-10 must be 0 or more"),
        ((2e15, 0.5, 10.0, 5.0), "open_deals=2e+15 must be at most 1e+15"),
        ((1, 0.5, 2e15, 5.0), "average_won_amount=2e+15 must be at most 1e+15"),
        # 1e15 x 1 x 1e15 / 0.5 = 2e30 a day: above 1e30
        ((1e15, 1.0, 1e15, 0.5),
         "average_cycle_days=0.5 is too short for these amounts: the velocity would exceed "
         "1e+30 a day"),
    ],
)  # fmt: skip
def test_pipeline_velocity_names_each_bad_argument(args, message):
    with pytest.raises(funnel.InputError) as info:
        funnel.pipeline_velocity(*args)
    assert str(info.value) == message


def test_stage_names_default_and_given():
    assert funnel.stage_names(None, 3) == ["stage 1", "stage 2", "stage 3"]
    with pytest.raises(funnel.InputError) as info:
        funnel.stage_names(["Lead", "Won"], 3)
    assert str(info.value) == (
        "stages has 2 name(s) but the rates describe 3 stages: "
        "give one name per stage (one more than the rates)"
    )
    with pytest.raises(funnel.InputError) as info:
        funnel.stage_names("Lead", 1)
    assert str(info.value) == "stages='Lead' must be a list of values"


def test_win_rate_with_more_lost_than_won():
    # 2 won, 2 lost: 2 / 4 = 0.5 (won - lost = 0 is no reason to refuse)
    assert funnel.win_rate(2, 2) == 0.5


def test_required_volumes_table_by_hand():
    # 7 wins at 25 % then 50 %: 7 / 0.25 = 28, 28 / 0.5 = 56; 3 wins: 12, 24
    assert funnel.required_volumes_table([3, 7], [0.5, 0.25]).tolist() == [
        [24, 12, 3], [56, 28, 7]
    ]  # fmt: skip
    # rounding per stage: 3 / 0.7 = 4.29 -> 5, 5 / 0.3 = 16.7 -> 17; at the end:
    # 3 / 0.7 / 0.3 = 14.29 -> 15 (and 4.29 -> 5)
    assert funnel.required_volumes_table([3], [0.3, 0.7], "stage").tolist() == [[17, 5, 3]]
    assert funnel.required_volumes_table([3], [0.3, 0.7]).tolist() == [[15, 5, 3]]
    # the largest volume a plan holds, 1e15, on the limit: 1e15 wins at 100 %, and
    # 5e14 wins at 50 % (1e15 entries at the top)
    assert funnel.required_volumes_table([1e15], [1.0]).tolist() == [[10**15, 10**15]]
    assert funnel.required_volumes_table([5e14], [0.5]).tolist() == [[10**15, 5 * 10**14]]


@pytest.mark.parametrize(
    "targets, rates, message",
    [
        ([-2], [0.5], "target=-2 must be 0 or more"),
        ([5, -2, -3], [0.5], "targets[1]=-2 must be 0 or more"),
        ([2e15], [0.5], "target=2e+15 must be at most 1e+15"),
        ([1, 2e15, 3e15], [0.5], "targets[1]=2e+15 must be at most 1e+15"),
        # 4e14 / 0.25 = 1.6e15 entries at the top
        ([1, 4e14], [0.25], "target=4e+14 at these rates needs 1.6e+15 entries at the top "
                            "of the funnel: more than 1e+15, beyond what a plan can hold"),
    ],
)  # fmt: skip
def test_required_volumes_table_names_the_target(targets, rates, message):
    with pytest.raises(funnel.InputError) as info:
        funnel.required_volumes_table(targets, rates)
    assert str(info.value) == message


def test_plan_gap_names_the_actual_volumes():
    # 3 wins at 30 % then 70 %, rounded per stage: 17, 5, 3 (at the end it would be 15)
    assert [g.required for g in funnel.plan_gap([20, 6, 3], [0.3, 0.7], 3, "stage")] == [17, 5, 3]
    with pytest.raises(funnel.InputError) as info:
        funnel.plan_gap([10, 4], [0.5, 0.5], 1)
    assert str(info.value) == (
        "actual has 2 value(s) but the rates describe 3 stages: give one actual volume per stage"
    )
    with pytest.raises(funnel.InputError) as info:
        funnel.plan_gap([10, -4, 1], [0.5, 0.5], 1)
    assert str(info.value) == "actual[1]=-4 must be 0 or more"
    with pytest.raises(funnel.InputError) as info:
        funnel.plan_gap("10", [0.5, 0.5], 1)
    assert str(info.value) == "actual='10' must be a list of values"


# --- the survivors of funnel.py's mutation run (issue 16), killed by hand --------------


def test_ceil_counts_float_noise_and_its_limit():
    # 15 significant digits (ceil_counts' rule): k = rint(x), near when
    # |x - k| < 0.5 * 10^(floor(log10 x) - 14); for x ~ 2000: 0.5 * 10^-11 = 5e-12.
    # 2000.0000000000002 (|x - k| = 2.3e-13): near, 2000.  2000.000000000004 (4e-12 <
    # 5e-12): near, 2000 (LibreOffice's ROUNDUP(2000.000000000004; 0) gave 2000 too).
    # 2000.1 is far: 2001.  0 stays 0; 7 stays 7.
    got = funnel.ceil_counts(np.array([2000.0000000000002, 2000.000000000004, 2000.1, 0.0, 7.0]))
    assert got.tolist() == [2000, 2000, 2001, 0, 7]
    assert got.dtype == np.int64  # whole counts, not floats that print as 2000.0


def test_ceil_counts_of_zero_warns_of_nothing():
    # log10(0) is -inf: the division warning is silenced inside, the caller sees none
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert funnel.ceil_counts(np.array([0.0, 3.5])).tolist() == [0, 4]


def test_volume_limit_on_and_beside():
    # MAX_VOLUME = 1e15: a count of exactly 1e15 is accepted, 1e15 + 1 refused
    assert funnel.plan_gap([1e15, 0], [0.5], 0)[0].actual == 1e15
    with pytest.raises(InputError, match=r"actual\[0\]=1e\+15.*must be at most 1e\+15"):
        funnel.plan_gap([1e15 + 2, 0], [0.5], 0)  # 1e15 + 1 is not a double: + 2
    # counts (the conversion table's) the same: 1e15 accepted, more refused, by name
    assert funnel._count("counts[0]", 1e15) == 10**15
    with pytest.raises(InputError, match=r"counts\[0\]=1e\+15 must be at most 1e\+15"):
        funnel._count("counts[0]", 1e15 + 2)


def test_required_table_names_a_bad_target_and_keeps_whole_counts():
    with pytest.raises(InputError, match=r"targets\[1\]"):
        funnel.required_volumes_table([7, "x"], [0.5])
    # "stage" rounding: 7 / 0.5 = 14, 14 / 0.5 = 28 -> whole ints
    table = funnel.required_volumes_table([7], [0.5, 0.5], "stage")
    assert table.tolist() == [[28, 14, 7]] and table.dtype == np.int64


def test_required_table_zero_target_at_tiny_rates():
    # a target of 0 needs 0 at every stage, whatever the rates: 0 / (1e-8 * 1e-8) = 0,
    # far below MAX_VOLUME (1 / 1e-16 = 1e16 would be above it: no floor of 1 on the top)
    assert funnel.required_volumes_table([0], [1e-8, 1e-8]).tolist() == [[0, 0, 0]]


def test_required_working_exact_column_is_unrounded_and_volume_uses_the_rounding():
    # 7 wins at 0.3 then 0.3: exact 7 / 0.3 = 23.33.., 23.33.. / 0.3 = 77.77..
    # "stage": 7 -> 24 (ceil 23.33) -> 80 (ceil 24 / 0.3 = 80); "end": 78, 24, 7
    rows = funnel.required_working(7, [0.3, 0.3], "stage")
    assert [r.exact for r in rows] == pytest.approx([7 / 0.09, 7 / 0.3, 7])
    assert [r.volume for r in rows] == [80, 24, 7]
    assert [r.volume for r in funnel.required_working(7, [0.3, 0.3])] == [78, 24, 7]


def test_delivered_multiplies_by_each_rate():
    # 100 entries at 50 % then 20 %: 100 * 0.5 * 0.2 = 10
    assert funnel.delivered(100, [0.5, 0.2]) == pytest.approx(10.0)


def test_plan_gap_fields_by_hand():
    # plan 7 wins at 25 %, 30 %, 45 % ("end"): 7/0.45 = 15.6 -> 16, /0.3 = 51.9 -> 52,
    # /0.25 = 207.4 -> 208.  Actual 200, 60, 15, 8 with stage names given.
    gaps = funnel.plan_gap([200, 60, 15, 8], [0.25, 0.3, 0.45], 7, stages=["l", "q", "p", "w"])
    assert [g.stage for g in gaps] == ["l", "q", "p", "w"]
    assert [g.actual for g in gaps] == [200, 60, 15, 8]
    assert [g.planned_rate for g in gaps] == [0.25, 0.3, 0.45, None]
    # ratio = actual / required: 200/208, 60/52, 15/16, 8/7
    assert [g.ratio for g in gaps] == pytest.approx([200 / 208, 60 / 52, 15 / 16, 8 / 7])


def test_plan_gap_zero_required_has_no_ratio():
    # a target of 0 requires 0 everywhere: actual / 0 is no ratio (None), not an error
    gaps = funnel.plan_gap([3, 1], [0.5], 0)
    assert [g.ratio for g in gaps] == [None, None]
    assert [g.on_course for g in gaps] == [True, True]  # 3 >= 0, 1 >= 0


def test_went_on_and_open_here_on_and_beside_the_100_percent_limit():
    # went_on + open_here <= actual: 6 + 4 = 10 of 10 entered is on the limit (accepted);
    # 6 + 5 = 11 of 10 is refused, naming both and the rule
    gaps = funnel.plan_gap([10, 6], [0.5], 3, went_on=[6], open_here=[4, 0])
    assert gaps[0].went_on == 6 and gaps[0].open_here == 4 and gaps[0].actual_rate == 0.6
    with pytest.raises(
        InputError,
        match=(
            r"went_on\[0\]=6 and open_here\[0\]=5 add up to more than actual\[0\]=10: .*"
            r"or stay open \(a rate above 100 %\)$"
        ),
    ):
        funnel.plan_gap([10, 6], [0.5], 3, went_on=[6], open_here=[5, 0])
    # without open_here, every one of the 10 having gone on is 100 %: accepted
    assert funnel.plan_gap([10, 6], [0.5], 3, went_on=[10])[0].actual_rate == 1.0


def test_went_on_one_per_stage_drops_the_last_and_open_here_may_not():
    # went_on may hold one per stage (2 here): the last is ignored; one per step is 1
    gaps = funnel.plan_gap([10, 6], [0.5], 3, went_on=[6, 99])
    assert [g.went_on for g in gaps] == [6, None]
    # open_here is one per stage (2): 3 values are refused, in the stage's words
    with pytest.raises(InputError, match=r"^open_here has 3 value\(s\): give one per stage \(2\)$"):
        funnel.plan_gap([10, 6], [0.5], 3, open_here=[1, 1, 1])
    with pytest.raises(InputError, match=r"^went_on has 3 value\(s\): give one per step \(1\)$"):
        funnel.plan_gap([10, 6], [0.5], 3, went_on=[1, 1, 1])


def test_went_on_bad_values_are_named():
    with pytest.raises(InputError, match=r"^went_on=5 must be a list"):
        funnel.plan_gap([10, 6], [0.5], 3, went_on=5)
    with pytest.raises(InputError, match=r"^open_here\[1\]=-1 must be 0 or more"):
        funnel.plan_gap([10, 6], [0.5], 3, open_here=[0, -1])


def test_rates_whose_product_underflows_are_refused_not_divided_by_zero():
    # 1e-300 * 1e-300 = 1e-600, below the smallest float (about 4.9e-324): the product
    # is 0.0, so 200 wins would need 200 / 0 entries; refused as beyond a plan's size.
    # Beside it, 1e-150 * 1e-150 = 1e-300 is still a float: 200 / 1e-300 = 2e302 entries,
    # refused by the same rule; a target of 0 needs 0 at every stage either way.
    for rates in ([1e-300, 1e-300], [1e-150, 1e-150]):
        with pytest.raises(InputError, match="beyond what a plan can hold"):
            funnel.required_volumes(200, rates)
    assert funnel.required_volumes_table([0], [1e-300, 1e-300]).tolist() == [[0, 0, 0]]


# --- stop 13: stage_gap, new since the full run (docs/mutation.md, "Changed modules
# re-scored (stop 13)") ------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, message",
    [
        ((-1, 5), "actual=-1 must be 0 or more"),
        ((5, -1), "required=-1 must be 0 or more"),
        ((5, 5, -1), "went_on=-1 must be 0 or more"),
        (
            (10, 8, 11),
            "went_on=11 is more than actual=10: of the deals that entered a stage, no more "
            "can go on (a rate above 100 %)",
        ),
    ],
)
def test_stage_gap_names_each_count_and_its_rule(args, message):
    with pytest.raises(InputError) as info:
        funnel.stage_gap(*args)
    assert str(info.value) == message


def test_stage_gap_on_its_limits():
    # 0 is the smallest count (beside it, -1, is refused above): nothing entered, nothing
    # required: variance 0 - 0 = 0, on course (0 >= 0), no ratio (nothing required), no
    # rate (nothing entered)
    assert funnel.stage_gap(0, 0, 0) == (0.0, True, None, None)
    # all 10 entries went on (went_on = actual, the limit; 11 is refused above):
    # rate 10 / 10 = 1.0; variance 10 - 8 = 2; ratio 10 / 8 = 1.25
    assert funnel.stage_gap(10, 8, 10) == (2.0, True, 1.25, 1.0)
