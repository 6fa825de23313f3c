"""The 30/90 rule of shared/DOMAIN.md, worked by hand (no spreadsheet engine here).

Every expected number below is worked in the comments from HAND_LOG; the template
gives the same numbers in tests/test_templates_engine.py.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from xlsales import prospecting, records
from xlsales.errors import DataError, InputError, UndefinedError

D = dt.date
START = D(2026, 1, 1)  # block 1 = 1-30 Jan, block 2 = 31 Jan-1 Mar, ..., block 5 = 1-30 May
AS_OF = D(2026, 5, 1)  # a Friday
# minutes (prospecting.MINUTES): call 10, e-mail 5, LinkedIn message 5, meeting 60
# a prospect's window: first activity + 89 (90 days); a block's payoff ends its start + 119
HAND_ROWS = [
    # date, rep, type, prospect, pipeline, won, won date
    (D(2026, 1, 5), "Ann", "call", "Acme", 0, 0, None),  # window 5 Jan-4 Apr
    (D(2026, 1, 10), "Bob", "call", "Brix", 0, 0, None),  # window 10 Jan-9 Apr
    (D(2026, 1, 15), "Ann", "e-mail", "Echo", 0, 500, D(2026, 1, 15)),  # won on day 1
    (D(2026, 1, 20), "Ann", "meeting", "Acme", 0, 800, D(2026, 4, 4)),  # won on its last day
    (D(2026, 1, 25), "Bob", "e-mail", "Brix", 0, 600, D(2026, 4, 10)),  # won 1 day after
    (D(2026, 2, 1), "Bob", "call", "Cora", 0, 0, None),  # window ends 1 May = as-of
    (D(2026, 2, 2), "Ann", "call", "Dyna", 0, 0, None),  # window ends 2 May: 1 day later
    (D(2026, 2, 10), "Ann", "meeting", "Fenn", 2000, 300, D(2026, 5, 1)),  # won on as-of
    (D(2026, 2, 11), "Bob", "LinkedIn message", "Gala", 0, 400, D(2026, 5, 2)),  # day after
    (D(2026, 4, 20), "Bob", "call", "acme", 0, 0, None),  # Acme again (case ignored)
    (D(2026, 5, 1), "Ann", "call", "Hugo", 0, 0, None),  # on the as-of date: counted
    (D(2026, 5, 2), "Ann", "call", "Hugo", 0, 0, None),  # after it: left out
]
COLUMNS = ["date", "rep", "type", "prospect", "pipeline_value", "won_value", "won_date"]
HAND_LOG = pd.DataFrame(HAND_ROWS, columns=COLUMNS).assign(outcome="")


def by_name(frame: pd.DataFrame) -> dict:
    return {row["prospect"].lower(): row for _, row in frame.iterrows()}


def test_poor_prospect_judged_once_over_its_window():
    p = by_name(prospecting.prospects(HAND_LOG, AS_OF, START))
    # Acme: 800 won on 4 Apr, the last day of its window: not poor (3 activities, one
    # of them "acme" on 20 Apr: names match ignoring case)
    assert (p["acme"]["poor"], p["acme"]["activities"]) == (False, 3)
    assert p["acme"]["window_ends"] == D(2026, 4, 4)  # 5 Jan + 89 days
    # Echo: won on its first day: not poor
    assert not p["echo"]["poor"]
    # Brix: its only win (10 Apr) is one day after its window (10 Jan-9 Apr): poor,
    # time lost = call 10 + e-mail 5 = 15 minutes
    assert p["brix"]["window_ends"] == D(2026, 4, 9)
    assert (bool(p["brix"]["poor"]), p["brix"]["time_lost"]) == (True, 15.0)
    # Cora: window 1 Feb-1 May closes exactly on the as-of date: judged, poor (10 minutes)
    assert (p["cora"]["window_ends"], bool(p["cora"]["poor"])) == (D(2026, 5, 1), True)
    # Dyna: window closes on 2 May, one day after the as-of date: open, never poor
    assert (bool(p["dyna"]["window_closed"]), bool(p["dyna"]["poor"])) == (False, False)
    # Hugo: one activity on the as-of date counts, the one on 2 May does not
    assert (p["hugo"]["activities"], p["hugo"]["minutes"]) == (1, 10.0)
    # poor: Brix and Cora; time lost 15 + 10 = 25 minutes; open: Dyna, Fenn, Gala, Hugo
    frame = prospecting.prospects(HAND_LOG, AS_OF, START)
    assert sorted(frame.loc[frame["poor"], "prospect"]) == ["Brix", "Cora"]
    assert frame["time_lost"].sum() == 25.0
    assert sorted(frame.loc[~frame["window_closed"], "prospect"]) == [
        "Dyna",
        "Fenn",
        "Gala",
        "Hugo",
    ]


def test_one_day_earlier_the_window_on_the_limit_is_open():
    # as of 30 Apr, Cora's window (to 1 May) is open: only Brix is poor
    frame = prospecting.prospects(HAND_LOG, D(2026, 4, 30), START)
    assert frame.loc[frame["poor"], "prospect"].tolist() == ["Brix"]
    assert "Hugo" not in frame["prospect"].tolist()  # no activity by 30 Apr


def test_wins_after_the_as_of_date_are_left_out_and_counted():
    # as of 1 May: Gala's 400 (2 May) is out; Fenn's 300 (1 May, on the limit) is in;
    # Hugo's call of 2 May is out
    assert prospecting.left_out(HAND_LOG, AS_OF) == {
        "activities_after": 1,
        "wins_after": 1,
        "won_after": 400.0,
    }
    # as of 30 Apr Fenn's win is one day after: 2 wins worth 300 + 400 = 700 left out
    assert prospecting.left_out(HAND_LOG, D(2026, 4, 30))["won_after"] == 700.0


def test_a_win_without_its_date_is_not_left_out_by_the_as_of_date():
    # Brix's 600 with its won date blank: no date, so not "dated after the as-of date"
    # (the log sheet's "won after as of" needs a number there too): as of 1 May only
    # Gala's 400 stays left out; with the date (10 Apr, before 1 May) the same
    undated = HAND_LOG.assign(won_date=HAND_LOG["won_date"].where(HAND_LOG["prospect"] != "Brix"))
    assert prospecting.left_out(undated, AS_OF) == {
        "activities_after": 1,
        "wins_after": 1,
        "won_after": 400.0,
    }
    fenn = by_name(prospecting.prospects(HAND_LOG, AS_OF, START))["fenn"]
    assert fenn["won_payoff"] == 300.0
    fenn = by_name(prospecting.prospects(HAND_LOG, D(2026, 4, 30), START))["fenn"]
    assert fenn["won_payoff"] == 0.0


def test_payoff_of_blocks_and_rates_on_closed_blocks_only():
    blocks = prospecting.payoff_blocks(HAND_LOG, START, AS_OF)
    # 5 blocks up to the one holding 1 May (block 5 = 1-30 May)
    assert blocks["start"].tolist() == [
        D(2026, 1, 1),
        D(2026, 1, 31),
        D(2026, 3, 2),
        D(2026, 4, 1),
        D(2026, 5, 1),
    ]
    # block 1: its payoff window ends 30 Apr (1 Jan + 119) <= 1 May: closed
    # 5 activities (rows 1-5); prospects Acme, Brix, Echo; their wins 800 + 600 + 500
    # (Brix's 10 Apr win is late for Brix's own window, but inside block 1's payoff)
    one = blocks.iloc[0]
    assert one["payoff_ends"] == D(2026, 4, 30) and one["closed"]
    assert [one[k] for k in ("activities", "prospects", "pipeline", "wins", "revenue")] == [
        5,
        3,
        0.0,
        3,
        1900.0,
    ]
    # block 2: payoff ends 30 May: open; Cora, Dyna, Fenn, Gala; Fenn's 2,000 pipeline
    # and 300 win (on the as-of date); Gala's win (2 May) does not count
    two = blocks.iloc[1]
    assert not two["closed"]
    assert [two[k] for k in ("activities", "prospects", "pipeline", "wins", "revenue")] == [
        4,
        4,
        2000.0,
        1,
        300.0,
    ]
    assert blocks["activities"].tolist() == [5, 4, 0, 1, 1]  # 11 activities up to 1 May
    # rates from block 1 only: 3 wins / 5 = 0.6; 1,900 / 5 = 380; pipeline 0 / 5 = 0
    r = prospecting.rates(blocks)
    assert (r.wins_per_activity, r.revenue_per_activity, r.pipeline_per_activity) == (
        0.6,
        380.0,
        0.0,
    )


def test_block_closing_on_the_as_of_date_is_closed_one_day_earlier_open():
    on = prospecting.payoff_blocks(HAND_LOG, START, D(2026, 4, 30))
    assert on["closed"].tolist() == [True, False, False, False]
    before = prospecting.payoff_blocks(HAND_LOG, START, D(2026, 4, 29))
    assert not before["closed"].any()
    with pytest.raises(UndefinedError, match="not yet measurable"):
        prospecting.rates(before)


def test_activities_needed_per_working_day():
    # 3 wins at 0.6 wins per activity over the 20 working days of 2-31 May:
    # 3 / 0.6 / 20 = 0.25 a day; one of two reps (1.5 wins): 0.125
    assert prospecting.activities_needed_per_day(3, 0.6, AS_OF) == pytest.approx(0.25)
    assert prospecting.activities_needed_per_day(1.5, 0.6, AS_OF) == pytest.approx(0.125)
    # as of Thursday 30 Apr the next 30 days (1-30 May) hold 21 working days
    assert prospecting.working_days(D(2026, 5, 1), D(2026, 5, 30)) == 21
    with pytest.raises(UndefinedError, match="no win"):
        prospecting.activities_needed_per_day(3, 0, AS_OF)


def test_revenue_projection_with_its_window():
    # last 30 days = 2 Apr-1 May: the calls of 20 Apr and 1 May; 2 x 380 = 760,
    # expected in 2 May-30 Jul (1 May + 90)
    got = prospecting.revenue_projection(HAND_LOG, AS_OF, 380.0)
    assert got == {
        "recent_starts": D(2026, 4, 2),
        "recent_ends": AS_OF,
        "activities": 2,
        "window_starts": D(2026, 5, 2),
        "window_ends": D(2026, 7, 30),
        "revenue": 760.0,
    }


def test_rolling_activity_per_rep():
    weeks = prospecting.rolling_activity(HAND_LOG, START, AS_OF, ["Ann", "Bob"])
    last = weeks.iloc[-1]  # week 18: 30 Apr-6 May; rolling 30 days = 7 Apr-1 May (as-of)
    assert (last["start"], last["rolling"]) == (D(2026, 4, 30), 2)
    assert (last["rolling_Ann"], last["rolling_Bob"]) == (1, 1)  # Hugo 1 May, acme 20 Apr
    first = weeks.iloc[0]  # 1-7 Jan: Acme on 5 Jan
    assert (first["activities"], first["rolling"]) == (1, 1)


def write(tmp_path, rows: str):
    path = tmp_path / "log.csv"
    path.write_text("date,rep,type,prospect,outcome,pipeline_value,won_value,won_date\n" + rows)
    return path


def test_reader_refuses_a_win_before_the_first_activity(tmp_path):
    path = write(
        tmp_path,
        "2026-01-10,Ann,call,Acme,ok,100,50,2026-01-04\n2026-01-05,Ann,call,ACME,ok,0,0,\n",
    )
    with pytest.raises(DataError) as info:
        records.load_activities(path)
    assert str(info.value) == (
        "log.csv row 2, column won_date: 2026-01-04 is before the first activity on "
        "prospect 'Acme' (2026-01-05): a win cannot come before the first touch"
    )


def test_reader_accepts_a_win_on_the_first_activity_day(tmp_path):
    frame, _ = records.load_activities(
        write(tmp_path, "2026-01-05,Ann,call,Acme,ok,100,50,2026-01-05\n")
    )
    assert frame["won_date"].tolist() == [D(2026, 1, 5)]


def test_reader_refuses_a_blank_prospect(tmp_path):
    with pytest.raises(DataError, match="row 2, column prospect: '' is blank"):
        records.load_activities(write(tmp_path, "2026-01-05,Ann,call,,ok,0,0,\n"))


def test_core_refuses_a_win_before_the_first_activity():
    log = HAND_LOG.copy()
    log.loc[2, "won_date"] = D(2026, 1, 14)  # Echo's first activity is 15 Jan
    with pytest.raises(InputError, match="won_date=2026-01-14 of prospect 'Echo' is before"):
        prospecting.prospects(log, AS_OF, START)


def test_cli_refuses_a_win_before_the_first_activity_and_writes_nothing(tmp_path):
    import subprocess
    import sys

    path = write(
        tmp_path, "2026-01-05,Ann,call,Acme,ok,0,0,\n2026-01-06,Ann,call,Acme,ok,9,9,2026-01-04\n"
    )
    target = tmp_path / "log.xlsx"
    out = subprocess.run(
        [sys.executable, "-m", "frontdoors.cli", "template", "prospecting-log"]
        + ["--activities", str(path), "--out", str(target)],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "log.csv row 3, column won_date: 2026-01-04 is before the first activity" in out.stderr
    assert not target.exists()
