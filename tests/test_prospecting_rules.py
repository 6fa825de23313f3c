"""Hand-worked cases that kill the mutants scripts/mutation.sh found alive in
xlsales/prospecting.py (docs/mutation.md): every argument named in its message, and the
first and last day of each window, on the limit and one day beside it.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from xlsales import prospecting as p
from xlsales.errors import InputError

D = dt.date
COLUMNS = ["date", "rep", "type", "prospect", "pipeline_value", "won_value", "won_date"]


def log(*rows) -> pd.DataFrame:
    """rows of (date, rep, type, prospect, pipeline, won, won date)"""
    return pd.DataFrame(list(rows), columns=COLUMNS)


ONE = log((D(2026, 1, 5), "Ann", "call", "Acme", 0.0, 0.0, None))
JAN1, MAY1 = D(2026, 1, 1), D(2026, 5, 1)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: p.report_periods("x", MAY1), "start='x' is not a date"),
        (lambda: p.report_periods(JAN1, "x"), "as_of='x' is not a date"),
        (lambda: p.report_periods(JAN1, MAY1, 0), "block_days=0 must be 1 or more"),
        (lambda: p.report_periods(JAN1, MAY1, 2.5), "block_days=2.5 must be a whole number"),
        (
            lambda: p.report_periods(D(2026, 1, 2), JAN1),
            "as_of=2026-01-01 is before start=2026-01-02",
        ),
        (lambda: p.left_out(ONE, "x"), "as_of='x' is not a date"),
        (lambda: p.prospects(ONE, "x"), "as_of='x' is not a date"),
        (lambda: p.prospects(ONE, MAY1, "x"), "start='x' is not a date"),
        (lambda: p.prospects(ONE, MAY1, JAN1, 0), "block_days=0 must be 1 or more"),
        (lambda: p.prospects(ONE, MAY1, JAN1, 30, 0), "payoff_days=0 must be 1 or more"),
        (
            lambda: p.prospects(ONE, MAY1, JAN1, minutes={"e-mail": 5, "meeting": 60}),
            "type='call' has no minutes: known types e-mail, meeting",
        ),
        (lambda: p.payoff_blocks(ONE, "x", MAY1), "start='x' is not a date"),
        (lambda: p.payoff_blocks(ONE, JAN1, "x"), "as_of='x' is not a date"),
        (lambda: p.payoff_blocks(ONE, JAN1, MAY1, 0), "block_days=0 must be 1 or more"),
        (lambda: p.payoff_blocks(ONE, JAN1, MAY1, 30, 0), "payoff_days=0 must be 1 or more"),
        (lambda: p.working_days("x", MAY1), "first='x' is not a date"),
        (lambda: p.working_days(JAN1, "x"), "last='x' is not a date"),
        (lambda: p.activities_needed_per_day(-1, 0.5, MAY1), "wins_needed=-1 must be 0 or more"),
        (
            lambda: p.activities_needed_per_day(1, -0.5, MAY1),
            "wins_per_activity=-0.5 must be 0 or more",
        ),
        (lambda: p.activities_needed_per_day(1, 0.5, "x"), "as_of='x' is not a date"),
        (lambda: p.activities_needed_per_day(1, 0.5, MAY1, 0), "block_days=0 must be 1 or more"),
        (lambda: p.rolling_activity(ONE, "x", MAY1), "start='x' is not a date"),
        (lambda: p.rolling_activity(ONE, JAN1, "x"), "as_of='x' is not a date"),
        (lambda: p.rolling_activity(ONE, JAN1, MAY1, None, 0), "block_days=0 must be 1 or more"),
        (lambda: p.revenue_projection(ONE, "x", 1.0), "as_of='x' is not a date"),
        (
            lambda: p.revenue_projection(ONE, MAY1, -2.0),
            "revenue_per_activity=-2 must be 0 or more",
        ),
        (lambda: p.revenue_projection(ONE, MAY1, 1.0, 0), "block_days=0 must be 1 or more"),
        (lambda: p.revenue_projection(ONE, MAY1, 1.0, 30, 0), "payoff_days=0 must be 1 or more"),
    ],
)
def test_each_bad_argument_is_named_with_its_value_and_rule(call, message):
    with pytest.raises(InputError) as info:
        call()
    assert str(info.value) == message


def test_nothing_to_plan_by_without_a_win():
    with pytest.raises(p.UndefinedError) as info:
        p.activities_needed_per_day(3, 0, MAY1)
    assert str(info.value) == (
        "wins_per_activity=0: no win in the closed blocks, nothing to plan by"
    )


def test_needed_per_day_counts_working_days_from_the_day_after_the_as_of_date():
    # as of Sunday 3 May 2026 (1 May is a Friday) the next 30 days are Monday 4 May to
    # Tuesday 2 June: 4 full weeks (4-29 May, 20 days) + 1 and 2 June = 22 working days.
    # 11 wins at 0.5 wins per activity = 22 activities / 22 days = 1.0 a day
    # (from Tuesday 5 May on it would be 21 days, and 22 / 21 a day)
    assert p.activities_needed_per_day(11, 0.5, D(2026, 5, 3)) == 1.0
    # block_days = 7: Monday 4 to Sunday 10 May = 5 working days: 22 / 5 = 4.4
    assert p.activities_needed_per_day(11, 0.5, D(2026, 5, 3), 7) == pytest.approx(4.4)
    # Monday 4 to Friday 8 May, both included: 5 (Excel's NETWORKDAYS)
    assert p.working_days(D(2026, 5, 4), D(2026, 5, 8)) == 5


def test_rolling_activity_weeks_and_windows_on_their_first_and_last_days():
    # start Thursday 1 Jan: week 1 = 1-7 Jan, week 2 = 8-14 Jan (as of 14 Jan: 13 // 7 + 1
    # = 2 weeks). Activities on 7 Jan (last day of week 1), 8 Jan (first day of week 2),
    # and 15 Jan (after the as-of date: not counted anywhere).
    rows = log(
        (D(2026, 1, 7), "Ann", "call", "Acme", 0.0, 0.0, None),
        (D(2026, 1, 8), "bob", "call", "Brix", 0.0, 0.0, None),
        (D(2026, 1, 14), "Bob", "call", "Cora", 0.0, 0.0, None),
        (D(2026, 1, 15), "Bob", "call", "Dyna", 0.0, 0.0, None),
    )
    weeks = p.rolling_activity(rows, JAN1, D(2026, 1, 14), ["Ann", "BOB"], block_days=7)
    assert list(weeks.columns) == ["week", "start", "activities", "rolling", "rolling_Ann",
                                   "rolling_BOB"]  # fmt: skip
    assert weeks["week"].tolist() == [1, 2]
    assert weeks["start"].tolist() == [JAN1, D(2026, 1, 8)]
    # week 1: 7 Jan; week 2: 8 and 14 Jan (15 Jan is after the as-of date)
    assert weeks["activities"].tolist() == [1, 2]
    # rolling 7 days to each week's end: week 1 (31 Dec, 7 Jan] holds 7 Jan (its end);
    # week 2 (7 Jan, 14 Jan] holds 8 and 14 Jan, not 7 Jan (exactly 7 days before its end)
    assert weeks["rolling"].tolist() == [1, 2]
    assert weeks["rolling_Ann"].tolist() == [1, 0]
    assert weeks["rolling_BOB"].tolist() == [0, 2]  # "bob" and "Bob": case ignored


def test_projection_counts_the_first_day_of_the_last_30_days_not_the_day_before():
    # as of 1 May the last 30 days are 2 Apr-1 May: 2 Apr and 1 May count, 1 Apr and
    # 2 May do not: 2 activities x 100 = 200, expected in 2 May-30 Jul
    rows = log(*[(d, "Ann", "call", "Acme", 0.0, 0.0, None)
                 for d in (D(2026, 4, 1), D(2026, 4, 2), MAY1, D(2026, 5, 2))])  # fmt: skip
    got = p.revenue_projection(rows, MAY1, 100.0)
    assert (got["activities"], got["revenue"], got["recent_starts"]) == (2, 200.0, D(2026, 4, 2))
    # a 10-day block and a 20-day window: 22 Apr-1 May holds only 1 May; 2-21 May
    got = p.revenue_projection(rows, MAY1, 100.0, 10, 20)
    assert (got["activities"], got["window_ends"]) == (1, D(2026, 5, 21))


def test_report_periods_as_of_on_the_start_day_is_week_1_and_block_1():
    # 0 days: 0 // 7 + 1 = 1 week, 0 // 30 + 1 = 1 block; 29 days: 5 weeks, block 1;
    # 30 days: 5 weeks (30 // 7 = 4), block 2
    assert p.report_periods(JAN1, JAN1) == (1, 1)
    assert p.report_periods(JAN1, D(2026, 1, 30)) == (5, 1)
    assert p.report_periods(JAN1, D(2026, 1, 31)) == (5, 2)


def test_prospects_without_a_start_count_blocks_from_the_first_activity():
    # first activity 5 Jan = day 1 of block 1 (5 Jan-3 Feb); Brix on 4 Feb: (30 // 30) + 1
    # = block 2, whose payoff ends 5 Jan + 2 x 30 + 89 = 5 Jan + 149 days = 3 Jun
    rows = log(
        (D(2026, 1, 5), "Ann", "call", "Acme", 0.0, 0.0, None),
        (D(2026, 2, 4), "Ann", "call", "Brix", 0.0, 0.0, None),
    )
    got = p.prospects(rows, MAY1)
    assert got["block"].tolist() == [1, 2]
    assert got["payoff_ends"].tolist() == [D(2026, 5, 4), D(2026, 6, 3)]


def test_prospects_before_the_start_belong_to_no_block():
    # start 10 Jan: Acme's first activity (5 Jan) is before it: block 0, no payoff;
    # Brix on the start day: block 1, payoff ends 10 Jan + 30 + 89 = 10 Jan + 119 = 9 May
    rows = log(
        (D(2026, 1, 5), "Ann", "call", "Acme", 100.0, 0.0, None),
        (D(2026, 1, 10), "Ann", "call", "Brix", 0.0, 0.0, None),
    )
    got = p.prospects(rows, MAY1, D(2026, 1, 10))
    assert got["block"].tolist() == [0, 1]
    assert got["payoff_ends"].tolist() == [None, D(2026, 5, 9)]
    assert got["pipeline_payoff"].tolist() == [0.0, 0.0]  # Acme's 100 is in no block


def test_empty_log_without_a_start_gives_no_prospects():
    got = p.prospects(log(), MAY1)
    assert got.empty and list(got.columns)[:4] == [
        "prospect",
        "first_activity",
        "window_ends",
        "window_closed",
    ]


def test_prospects_keep_log_order_on_a_tie_and_skip_those_only_after_the_as_of_date():
    # Zed and Abe start the same day: log order (Zed first), not name order; Late's
    # only activity is after the as-of date, and it comes first in the log
    rows = log(
        (D(2026, 5, 2), "Ann", "call", "Late", 0.0, 0.0, None),
        (D(2026, 1, 5), "Ann", "call", "Zed", 0.0, 0.0, None),
        (D(2026, 1, 5), "Ann", "call", "Abe", 0.0, 0.0, None),
    )
    assert p.prospects(rows, MAY1, JAN1)["prospect"].tolist() == ["Zed", "Abe"]


def window_edge_rows():
    """Windows of 5 Jan: 5 Jan-4 Apr (5 Jan + 89). Acme: a call on 5 Jan, pipeline 700 on
    4 Apr (the window's last day); Brix: a call on 5 Jan, pipeline 700 on 5 Apr (the day
    after)."""
    return log(
        (D(2026, 1, 5), "Ann", "call", "Acme", 0.0, 0.0, None),
        (D(2026, 4, 4), "Ann", "call", "Acme", 700.0, 0.0, None),
        (D(2026, 1, 5), "Ann", "call", "Brix", 0.0, 0.0, None),
        (D(2026, 4, 5), "Ann", "call", "Brix", 700.0, 0.0, None),
    )


def test_pipeline_on_the_last_day_of_the_window_saves_the_prospect():
    # window of 5 Jan = 5 Jan-4 Apr (5 Jan + 89). Acme: pipeline on 4 Apr (the last day):
    # not poor. Brix (window 5 Jan-4 Apr too): pipeline on 5 Apr, one day after: poor
    rows = window_edge_rows()
    got = p.prospects(rows, MAY1, JAN1)
    assert got["pipeline_in_window"].tolist() == [700.0, 0.0]
    assert got["poor"].tolist() == [False, True]


def test_minutes_given_replace_the_defaults_and_the_first_unknown_type_is_named():
    # calls of 7 minutes (not the default 10): 2 calls = 14 minutes
    rows = log(
        (D(2026, 1, 5), "Ann", "call", "Acme", 0.0, 0.0, None),
        (D(2026, 1, 6), "Ann", "call", "Acme", 0.0, 0.0, None),
    )
    assert p.prospects(rows, MAY1, JAN1, minutes={"Call": 7})["minutes"].tolist() == [14.0]
    two = pd.concat([rows, log((D(2026, 1, 7), "Ann", "visit", "Acme", 0.0, 0.0, None))])
    with pytest.raises(InputError) as info:
        p.prospects(two, MAY1, JAN1, minutes={"meeting": 60})
    # the unknown types sorted: call, visit: the first is named
    assert str(info.value) == "type='call' has no minutes: known types meeting"


def test_blocks_of_10_days_with_a_type_without_minutes():
    # 10-day blocks from 1 Jan, as of 25 Jan: 24 // 10 + 1 = 3 blocks (1-10, 11-20, 21-30
    # Jan). An activity on 10 Jan (the last day of block 1) and one on 11 Jan (the first of
    # block 2); "visit" has no minutes, and needs none here
    rows = log(
        (D(2026, 1, 10), "Ann", "visit", "Acme", 0.0, 0.0, None),
        (D(2026, 1, 11), "Ann", "visit", "Brix", 0.0, 0.0, None),
    )
    blocks = p.payoff_blocks(rows, JAN1, D(2026, 1, 25), block_days=10, payoff_days=5)
    assert list(blocks.columns) == ["block", "start", "end", "payoff_ends", "closed",
                                    "activities", "prospects", "pipeline", "wins", "revenue"]  # fmt: skip
    assert blocks["block"].tolist() == [1, 2, 3]
    assert blocks["end"].tolist() == [D(2026, 1, 10), D(2026, 1, 20), D(2026, 1, 30)]
    assert blocks["activities"].tolist() == [1, 1, 0]
    # block 1 pays off to 10 Jan + 5 = 15 Jan <= 25 Jan: closed; block 2 to 25 Jan: closed
    # (on the as-of date); block 3 to 4 Feb: open
    assert blocks["payoff_ends"].tolist() == [D(2026, 1, 15), D(2026, 1, 25), D(2026, 2, 4)]
    assert blocks["closed"].tolist() == [True, True, False]


def test_one_day_blocks_are_allowed():
    # block_days = 1 is the smallest length (1 or more): 1 Jan to 3 Jan = 2 days:
    # 2 // 7 + 1 = 1 week, 2 // 1 + 1 = 3 blocks
    assert p.report_periods(JAN1, D(2026, 1, 3), 1) == (1, 3)


def test_any_won_value_above_0_is_a_win_and_names_match_as_excel_compares_them():
    # Acme wins 0.5 (above 0: a win, so not poor); "Straße" and "STRASSE" are two
    # prospects (Excel's = does not equate ß with ss), "acme" and "ACME" one
    rows = log(
        (D(2026, 1, 5), "Ann", "call", "Acme", 0.0, 0.5, D(2026, 1, 6)),
        (D(2026, 1, 5), "Ann", "call", "ACME", 0.0, 0.0, None),
        (D(2026, 1, 5), "Ann", "call", "Straße", 0.0, 0.0, None),
        (D(2026, 1, 5), "Ann", "call", "STRASSE", 0.0, 0.0, None),
    )
    got = p.prospects(rows, MAY1, JAN1)
    assert list(got.columns) == [
        "prospect", "first_activity", "window_ends", "window_closed", "activities", "minutes",
        "pipeline_in_window", "won_in_window", "poor", "time_lost", "block", "payoff_ends",
        "pipeline_payoff", "won_payoff", "wins_payoff",
    ]  # fmt: skip
    assert got["prospect"].tolist() == ["Acme", "Straße", "STRASSE"]
    assert got.index.tolist() == [0, 1, 2]
    assert (got.loc[0, "won_in_window"], got.loc[0, "wins_payoff"]) == (0.5, 1)
    assert got["poor"].tolist() == [False, True, True]


def test_many_prospects_on_the_same_day_keep_log_order():
    # 40 prospects, P39 down to P0, on two days taking turns: sorted by first activity,
    # those of each day stay in log order (a stable sort)
    rows = log(*[(D(2026, 1, 5 + i % 2), "Ann", "call", f"P{i}", 0.0, 0.0, None)
                 for i in range(39, -1, -1)])  # fmt: skip
    got = p.prospects(rows, MAY1, JAN1)["prospect"].tolist()
    assert got == [f"P{i}" for i in range(39, -1, -1) if i % 2 == 0] + [
        f"P{i}" for i in range(39, -1, -1) if i % 2 == 1
    ]


def test_a_prospect_more_than_a_block_before_the_start_is_in_no_block():
    # start 10 Feb; Acme's first activity 1 Jan is 40 days before it: block 0 (no block),
    # not (-40 // 30) + 1 = -1
    rows = log((JAN1, "Ann", "call", "Acme", 100.0, 0.0, None))
    got = p.prospects(rows, MAY1, D(2026, 2, 10))
    assert (got.loc[0, "block"], got.loc[0, "payoff_ends"]) == (0, None)


# --- stop 13: the functions changed since the full run (prospects, payoff_blocks) -------
# scripts/mutation.sh --functions left_out,prospects,payoff_blocks (docs/mutation.md,
# "Changed modules re-scored (stop 13)")


def test_a_win_before_the_first_touch_names_the_first_prospect_in_log_order():
    # Zed appears first in the log (5 Jan), Abe second (10 Jan). Each has a win dated one
    # day before its first activity (beside the limit): Abe's on 9 Jan (row 2), Zed's on
    # 4 Jan (row 3). The first prospect in log order is Zed, though Abe's bad row comes
    # first: Zed's win is named.
    rows = log(
        (D(2026, 1, 5), "Ann", "call", "Zed", 0.0, 0.0, None),
        (D(2026, 1, 10), "Ann", "call", "Abe", 0.0, 100.0, D(2026, 1, 9)),
        (D(2026, 1, 12), "Ann", "call", "Zed", 0.0, 50.0, D(2026, 1, 4)),
    )
    with pytest.raises(InputError) as info:
        p.prospects(rows, MAY1, JAN1)
    assert str(info.value) == (
        "won_date=2026-01-04 of prospect 'Zed' is before its first activity (2026-01-05): "
        "a win cannot come before the first touch"
    )
    # on the limit: Zed's win dated on its first activity day (5 Jan) is no error, and
    # Abe's (9 Jan, one day before its 10 Jan) is then the one named
    on_limit = rows.copy()
    on_limit.loc[2, "won_date"] = D(2026, 1, 5)
    with pytest.raises(InputError, match=r"^won_date=2026-01-09 of prospect 'Abe' "):
        p.prospects(on_limit, MAY1, JAN1)
    # Abe's on its first day (10 Jan) too: both wins on their limit, no error
    on_limit.loc[1, "won_date"] = D(2026, 1, 10)
    assert p.prospects(on_limit, MAY1, JAN1)["wins_payoff"].tolist() == [1, 1]


def test_a_prospect_first_touched_inside_a_block_pays_off_to_its_block_end_plus_90():
    # start 1 Jan, 30-day blocks: Acme's first activity 11 Jan is day 10 of block 1
    # (10 // 30 + 1 = 1). Its payoff ends at block 1's end + 90 days:
    # 1 Jan + (1 x 30 + 89) days = 1 Jan + 119 days = 30 Apr (Jan 30, Feb 28, Mar 31,
    # Apr 30 days after 1 Jan: 30 + 28 + 31 + 30 = 119) -- not the first activity + 30 + 89.
    # Pipeline 300 on 30 Apr (the last day of the payoff) counts, 200 on 1 May does not.
    rows = log(
        (D(2026, 1, 11), "Ann", "call", "Acme", 0.0, 0.0, None),
        (D(2026, 4, 30), "Ann", "call", "Acme", 300.0, 0.0, None),
        (D(2026, 5, 1), "Ann", "call", "Acme", 200.0, 0.0, None),
    )
    got = p.prospects(rows, D(2026, 5, 31), JAN1)
    assert (got.loc[0, "block"], got.loc[0, "payoff_ends"]) == (1, D(2026, 4, 30))
    assert got.loc[0, "pipeline_payoff"] == 300.0
    # block 1's own row in payoff_blocks: the same 300
    blocks = p.payoff_blocks(rows, JAN1, D(2026, 5, 31))
    assert blocks.loc[0, "pipeline"] == 300.0


def test_time_lost_is_0_for_a_prospect_that_is_not_poor_and_the_counts_are_whole():
    # window of 5 Jan: 5 Jan-4 Apr. Acme: a call on 5 Jan and pipeline 700 on 4 Apr (its
    # last day): not poor, time lost 0 (2 calls = 20 minutes spent). Brix: 2 calls (5 Jan,
    # 5 Apr, the day after its window, with pipeline 700): poor, 20 minutes lost.
    rows = window_edge_rows()
    got = p.prospects(rows, MAY1, JAN1)
    assert got["minutes"].tolist() == [20.0, 20.0]
    assert got["poor"].tolist() == [False, True]
    assert got["time_lost"].tolist() == [0.0, 20.0]
    # counts are whole numbers (int64), amounts and minutes floats
    assert got.dtypes[["activities", "block", "wins_payoff"]].tolist() == ["int64"] * 3
    assert got.dtypes[["minutes", "time_lost", "pipeline_in_window"]].tolist() == ["float64"] * 3


def test_a_prospect_before_the_start_has_no_payoff_though_it_won_in_its_window():
    # start 10 Jan. Acme's first activity 5 Jan is before it: block 0, so none of its
    # figures go to a block: pipeline, won and wins in payoff all 0, though it won 400 on
    # 6 Jan, inside its own window (won_in_window 400). Brix, first on 10 Jan (the start
    # day: block 1, on the limit), won 300 on 20 Jan: in its payoff.
    rows = log(
        (D(2026, 1, 5), "Ann", "call", "Acme", 100.0, 400.0, D(2026, 1, 6)),
        (D(2026, 1, 10), "Ann", "call", "Brix", 0.0, 300.0, D(2026, 1, 20)),
    )
    got = p.prospects(rows, MAY1, D(2026, 1, 10))
    assert got["block"].tolist() == [0, 1]
    assert got["won_in_window"].tolist() == [400.0, 300.0]
    assert got["pipeline_payoff"].tolist() == [0.0, 0.0]
    assert got["won_payoff"].tolist() == [0.0, 300.0]
    assert got["wins_payoff"].tolist() == [0, 1]
    assert got["wins_payoff"].dtype == "int64"


def test_payoff_blocks_count_an_activity_on_the_start_day_and_empty_blocks_as_0():
    # start 10 Jan, 10-day blocks, 5-day payoff, as of 3 Feb: 24 // 10 + 1 = 3 blocks
    # (10-19 Jan, 20-29 Jan, 30 Jan-8 Feb). An activity on 9 Jan (the day before the
    # start: in no block) and one on 10 Jan (the start day: block 1). Acme (first 10 Jan,
    # block 1, payoff to 10 Jan + 10 + 5 - 1 = 24 Jan): pipeline 100 and a win of 50 on
    # 15 Jan. Blocks 2 and 3 hold no prospect: 0 prospects, pipeline, wins and revenue.
    rows = log(
        (D(2026, 1, 9), "Ann", "call", "Brix", 0.0, 0.0, None),
        (D(2026, 1, 10), "Ann", "call", "Acme", 100.0, 50.0, D(2026, 1, 15)),
    )
    blocks = p.payoff_blocks(rows, D(2026, 1, 10), D(2026, 2, 3), 10, 5)
    assert blocks["activities"].tolist() == [1, 0, 0]
    assert blocks["prospects"].tolist() == [1, 0, 0]
    assert blocks["pipeline"].tolist() == [100.0, 0.0, 0.0]
    assert blocks["wins"].tolist() == [1, 0, 0]
    assert blocks["revenue"].tolist() == [50.0, 0.0, 0.0]
    counts = blocks.dtypes[["block", "activities", "prospects", "wins"]].tolist()
    assert counts == ["int64"] * 4
    assert blocks.dtypes[["pipeline", "revenue"]].tolist() == ["float64"] * 2


def test_a_row_worth_0_is_no_win_though_it_has_a_won_date():
    # only a won value above 0 is a win. Acme: a call on 5 Jan with won value 0 and a won
    # date of 20 Jan (inside its window and block 1's payoff): no win, no won value; Brix:
    # won value 1 on 20 Jan (just above 0): a win of 1. As of 31 Jan, a row worth 0 dated
    # 3 Feb is not a win left out either, while one worth 1 dated 3 Feb is
    rows = log(
        (D(2026, 1, 5), "Ann", "call", "Acme", 0.0, 0.0, D(2026, 1, 20)),
        (D(2026, 1, 5), "Ann", "call", "Brix", 0.0, 1.0, D(2026, 1, 20)),
    )
    got = p.prospects(rows, D(2026, 1, 31), JAN1)
    assert got["wins_payoff"].tolist() == [0, 1]
    assert got["won_in_window"].tolist() == [0.0, 1.0]
    later = rows.assign(won_date=[D(2026, 2, 3)] * 2)
    assert p.left_out(later, D(2026, 1, 31)) == {
        "activities_after": 0,
        "wins_after": 1,
        "won_after": 1.0,
    }
