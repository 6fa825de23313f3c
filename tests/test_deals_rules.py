"""Hand-worked cases for xlsales/deals.py options the other tests leave out (issue 16):
cohorts by quarter and by week, plan against actual on a snapshot export, and the
survivors of scripts/mutation.sh: the functions behind the Excel functions, stall limits,
steps on the as-of date, undefined durations and metrics, messages.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest
from test_deals import HAND
from test_deals import STAGES as HAND_STAGES

from xlsales import deals
from xlsales.errors import DataError, InputError, UndefinedError

STAGES = "Lead,Proposal,Won"

# a: created Tuesday 31 Mar, Proposal 2 Apr, won 10 Apr; b: created Wednesday 1 Apr, open
# at Lead; c: created Monday 5 Jan, Proposal 10 Jan, lost there. As of 10 Apr (the last date).
HISTORY = pd.DataFrame(
    {
        "deal_id": ["a", "a", "a", "b", "c", "c"],
        "stage": ["Lead", "Proposal", "Won", "Lead", "Lead", "Proposal"],
        "entered_at": ["2026-03-31", "2026-04-02", "2026-04-10", "2026-04-01", "2026-01-05",
                       "2026-01-10"],
        "status": ["won", "won", "won", "open", "lost", "lost"],
    }
)  # fmt: skip


def rows(table):
    return table[["group", "stage", "entered", "went_on", "open_here", "rate"]].values.tolist()


def test_cohorts_by_quarter():
    # 2026Q1: a (31 Mar, the quarter's last day) and c; 2026Q2: b (1 Apr, its first day).
    # Q1 Lead: 2 entered, both reached Proposal: 2/2; Proposal: 2, a won: 1/2; Won: 1.
    # Q2 Lead: b, open there: 0 of 1 went on; Proposal and Won: none entered, no rate
    table = deals.conversion(deals.read_deals(HISTORY, STAGES), by="cohort", period="Q")
    assert rows(table) == [
        ["2026Q1", "Lead", 2, 2, 0, 1.0],
        ["2026Q1", "Proposal", 2, 1, 0, 0.5],
        ["2026Q1", "Won", 1, None, 0, None],
        ["2026Q2", "Lead", 1, 0, 1, 0.0],
        ["2026Q2", "Proposal", 0, 0, 0, None],
        ["2026Q2", "Won", 0, None, 0, None],
    ]


def test_cohorts_by_week_monday_to_sunday():
    # the week of Monday 5 Jan: c (Lead 1, went on 1; Proposal 1, lost: 0 of 1);
    # the week of Monday 30 Mar: a (Tuesday) and b (Wednesday): Lead 2, a went on, b is
    # open there: 1/2; Proposal: a, won: 1/1; Won: a
    table = deals.conversion(deals.read_deals(HISTORY, STAGES), by="cohort", period="W")
    assert rows(table) == [
        ["2026-01-05/2026-01-11", "Lead", 1, 1, 0, 1.0],
        ["2026-01-05/2026-01-11", "Proposal", 1, 0, 0, 0.0],
        ["2026-01-05/2026-01-11", "Won", 0, None, 0, None],
        ["2026-03-30/2026-04-05", "Lead", 2, 1, 1, 0.5],
        ["2026-03-30/2026-04-05", "Proposal", 1, 1, 0, 1.0],
        ["2026-03-30/2026-04-05", "Won", 1, None, 0, None],
    ]


def test_plan_against_actual_on_a_snapshot_counts_every_stage_a_deal_reached():
    # A snapshot has no stage dates: each stage a deal reached is dated on its creation.
    # 1: Lead, lost (Jan); 2: Proposal, open (Jan); 3: Won (Jan); 4: Proposal, open (Feb).
    snap = pd.DataFrame(
        {
            "deal_id": ["1", "2", "3", "4"],
            "stage": ["Lead", "Proposal", "Won", "Proposal"],
            "status": ["lost", "open", "won", "open"],
            "created_at": ["2026-01-05", "2026-01-10", "2026-01-15", "2026-02-03"],
            "last_change_at": ["2026-01-06", "2026-01-20", "2026-02-01", "2026-02-05"],
        }
    )
    found = deals.read_deals(snap, STAGES)
    assert found.shape == "snapshot"
    # plan: 1 win a month at 50 % per step: Won 1, Proposal 1 / 0.5 = 2, Lead 2 / 0.5 = 4
    table = deals.plan_vs_actual(found, [0.5, 0.5], 1)
    jan = table[table["period"] == "2026-01"]
    feb = table[table["period"] == "2026-02"]
    assert jan["required"].tolist() == [4, 2, 1] == feb["required"].tolist()
    # January: Lead 1, 2, 3 (a deal at Won also passed Lead and Proposal) = 3;
    # Proposal 2, 3 = 2; Won 3 = 1. Ratios 3/4, 2/2, 1/1: on course at Proposal and Won
    assert jan["actual"].tolist() == [3, 2, 1]
    assert jan["ratio"].tolist() == [0.75, 1.0, 1.0]
    assert jan["on_course"].tolist() == [False, True, True]
    # of January's 3 leads 2 and 3 went on (2/3); of its 2 proposals 3 won (1/2), 2 is open
    assert jan["went_on"].tolist() == [2, 1, None]
    assert jan["actual_rate"].tolist() == [2 / 3, 0.5, None]
    assert jan["open_here"].tolist() == [0, 1, 0]
    # February: 4 at Lead and Proposal (open there): 1/4, 1/2, 0/1
    assert feb["actual"].tolist() == [1, 1, 0]
    assert feb["ratio"].tolist() == [0.25, 0.5, 0.0]
    assert feb["actual_rate"].tolist() == [1.0, 0.0, None]
    assert feb["open_here"].tolist() == [0, 1, 0]


# ---- the functions behind the Excel functions (one row = one deal) -------------------------


def test_conversion_from_stages_by_hand():
    # last stages: Won (won), Proposal (lost), Lead (lost), Lead (open), " proposal " (open),
    # a blank status (open); stage names matched without regard to case and blanks.
    # entered: Lead 6, Proposal 3 (won, the lost one, the open one), Won 1;
    # open: Lead 2 (the open Lead, the blank status), Proposal 1
    table = deals.conversion_from_stages(
        ["Won", "Proposal", "lead", "Lead", " proposal ", "Lead"],
        ["won", "LOST", "lost", "open", " Open ", None],
        ["Lead", "Proposal", "Won"],
    )
    assert table["entered"].tolist() == [6, 3, 1]
    assert table["went_on"].tolist() == [3, 1, None]
    assert table["open_here"].tolist() == [2, 1, 0]
    assert table["rate"].tolist() == [0.5, 1 / 3, None]
    # a won deal counts at the win whatever its last stage says
    won = deals.conversion_from_stages(["Lead"], ["won"], ["Lead", "Won"])
    assert won["entered"].tolist() == [1, 1] and won["rate"].tolist() == [1.0, None]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((["Demo"], ["open"]), "last_stages[0]='Demo' is not one of the stages: Lead, Won"),
        ((["Lead", None], ["open", "open"]), "last_stages[1]=None is not one of the stages: Lead, Won"),
        ((["Lead"], ["maybe"]), "statuses[0]='maybe' must be open, won or lost"),
        ((["Lead"], ["open", "won"]), "statuses has 2 value(s) but last_stages has 1"),
        (("Lead", ["open"]), "last_stages='Lead' must be a list of values"),
        ((["Lead"], "open"), "statuses='open' must be a list of values"),
    ],
)  # fmt: skip
def test_conversion_from_stages_refuses_with_the_item_named(args, message):
    with pytest.raises(InputError) as info:
        deals.conversion_from_stages(*args, ["Lead", "Won"])
    assert str(info.value).startswith(message)


def test_days_since_on_the_as_of_date_and_after():
    as_of = dt.date(2026, 3, 1)
    # 1 Feb -> 28 days (February 2026 has 28), the as-of date itself -> 0; a datetime
    # counts by its day
    got = deals.days_since([dt.date(2026, 2, 1), as_of, dt.datetime(2026, 2, 28, 23, 0)], as_of)
    assert got == [28, 0, 1]
    with pytest.raises(InputError, match=r"^when\[1\]=2026-03-02 is after as_of=2026-03-01$"):
        deals.days_since([as_of, dt.date(2026, 3, 2)], as_of, "when")
    with pytest.raises(InputError, match=r"^dates\[0\]='2026-02-01' is not a date$"):
        deals.days_since(["2026-02-01"], as_of)
    with pytest.raises(InputError, match=r"^when='x' must be a list of values$"):
        deals.days_since("x", as_of, "when")


def test_stalled_flags_on_and_beside_the_limit():
    as_of = dt.date(2026, 3, 31)
    # Lead limit 30: idle 30 (1 March, on the limit) is not stalled, idle 31 (28 Feb) is;
    # a lost deal idle 31 is not (closed deals never stall); Proposal limit 10: idle 11
    changes = [
        dt.date(2026, 3, 1),
        dt.date(2026, 2, 28),
        dt.date(2026, 2, 28),
        dt.date(2026, 3, 20),
    ]
    args = (["Lead", "Lead", "Lead", "Proposal"], changes, ["open", "open", "lost", "open"],
            ["Lead", "Proposal", "Won"])  # fmt: skip
    assert deals.stalled_flags(*args, [30, 10, 0], as_of) == [False, True, False, True]
    # one limit for every stage: 30 -> Proposal's 11 idle days are within it
    assert deals.stalled_flags(*args, 30, as_of) == [False, True, False, False]
    # a limit of 0 days: a deal changed on the as-of date is not stalled
    assert deals.stalled_flags(["Lead"], [as_of], ["open"], ["Lead", "Won"], 0, as_of) == [False]


@pytest.mark.parametrize(
    ("limits", "changes", "message"),
    [
        (-1, None, "stall_days=-1 must be 0 or more"),
        ([30, -2], None, "stall_days[1]=-2 must be 0 or more"),
        ([30], None, "stall_days has 1 value(s) but stages has 2"),
        (True, None, "stall_days=True must be a list of values"),
        (30, [dt.date(2026, 3, 1)] * 2, "last_change_dates has 2 value(s) but last_stages has 1"),
        (30, [dt.date(2026, 4, 1)], "last_change_dates[0]=2026-04-01 is after as_of=2026-03-31"),
    ],
)  # fmt: skip
def test_stalled_flags_refuses_with_the_argument_named(limits, changes, message):
    changes = changes or [dt.date(2026, 3, 1)]
    with pytest.raises(InputError) as info:
        deals.stalled_flags(
            ["Lead"], changes, ["open"], ["Lead", "Won"], limits, dt.date(2026, 3, 31)
        )
    assert str(info.value).startswith(message)


# ---- the hand history of tests/test_deals.py on the limits of its rules --------------------


@pytest.fixture
def hand():
    return deals.read_deals(HAND, HAND_STAGES)


def test_stall_limits_default_typed_and_one_for_all(hand):
    # days in a stage before the next stage reached (tests/test_deals.py):
    # Lead A 7, D 7, E 9, B 10, G 11: rank 1 + 0.9 x 4 = 4.6 -> 10 + 0.6 x 1 = 10.6
    # Qualified A 8, G 26: rank 1.9 -> 8 + 0.9 x 18 = 24.2; Proposal G 14, A 21: 14 + 6.3
    limits = deals.stall_limits(hand)
    assert limits["stage"].tolist() == ["Lead", "Qualified", "Proposal"]
    assert limits["measured"].tolist() == [5, 2, 2]
    assert limits["p90_days"].tolist() == pytest.approx([10.6, 24.2, 20.3])
    assert limits["limit_days"].tolist() == pytest.approx([10.6, 24.2, 20.3])
    assert limits["set_by"].tolist() == ["default"] * 3
    typed = deals.stall_limits(hand, {" qualified ": 0})  # 0 days: the lower limit
    assert typed["limit_days"].tolist() == pytest.approx([10.6, 0, 20.3])
    assert typed["set_by"].tolist() == ["default", "user", "default"]
    assert deals.stall_limits(hand, 15)["limit_days"].tolist() == [15, 15, 15]
    assert deals.stall_limits(hand, 15)["set_by"].tolist() == ["user"] * 3


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (
            {"Demo": 3},
            "stall days for 'Demo': not one of the stages Lead, Qualified, Proposal, Won",
        ),
        ({"Lead": -1}, "stall days for Lead=-1 must be 0 or more"),
        (-1, "stall_days=-1 must be 0 or more"),
    ],
)
def test_stall_limits_refuse(hand, given, message):
    with pytest.raises(InputError) as info:
        deals.stall_limits(hand, given)
    assert str(info.value) == message


def test_a_snapshot_has_no_measured_stall_limits():
    snap = deals.read_deals(
        pd.DataFrame({"deal_id": ["1", "2"], "stage": ["Lead", "Proposal"],
                      "status": ["open", "open"], "created_at": ["2026-01-05", "2026-01-10"],
                      "last_change_at": ["2026-01-06", "2026-01-20"]}),
        ["Lead", "Proposal", "Won"],
    )  # fmt: skip
    limits = deals.stall_limits(snap)
    assert limits["measured"].tolist() == [0, 0] and limits["set_by"].tolist() == ["none"] * 2
    assert limits["limit_days"].tolist() == [None, None]
    assert deals.stall_limits(snap, 7)["limit_days"].tolist() == [7, 7]


def test_a_step_on_the_as_of_date_counts_the_day_before_it_does_not(hand):
    # E entered Qualified on 03-01, 9 days after its Lead (02-20): as of 03-01 that step
    # is there, as of 02-28 it is not
    on = deals.step_days(hand, dt.date(2026, 3, 1))
    assert on.loc[on["deal_id"] == "E", "days"].tolist() == [9]
    before = deals.step_days(hand, dt.date(2026, 2, 28))
    assert before.loc[before["deal_id"] == "E", "days"].tolist() == []


def test_step_days_of_a_history_with_each_deals_stages_backwards(hand):
    # deals in order, each deal's stages last first: A still 7, 8, 21
    rows = hand.history.sort_values(["deal", "stage_index"], ascending=[True, False])
    steps = deals.step_days(dataclasses.replace(hand, history=rows))
    assert steps.loc[steps["deal_id"] == "A", "days"].tolist() == [7, 8, 21]


def test_durations_before_any_step_are_undefined_not_0(hand):
    # as of 01-10 no deal has reached a next stage yet (A's Qualified is 01-12)
    d = deals.stage_durations(hand, dt.date(2026, 1, 10))
    assert d["deals"].tolist() == [0, 0, 0]
    assert d["median_days"].tolist() == [None, None, None]


def test_metrics_of_a_period_with_no_win(hand):
    # as of 01-31: lost B C D H (closed in January), A and G still open; no win:
    # win rate 0 / 4 = 0 (the lower limit), no won amount, no cycle, no velocity
    m = deals.record_metrics(hand, as_of=dt.date(2026, 1, 31))
    assert (m["won"], m["lost"], m["open"], m["win_rate"]) == (0, 4, 2, 0.0)
    for key in ("average_won_amount", "average_cycle_days", "cycle_median_days",
                "cycle_p80_days", "cycle_p90_days", "velocity_per_day"):  # fmt: skip
        assert m[key] is None, key
    with pytest.raises(UndefinedError) as info:
        deals.record_metrics(hand, since=dt.date(2026, 3, 2))
    assert str(info.value) == (
        "no deal won or lost in the period: the win rate (won / (won + lost)) is undefined"
    )


def test_measured_plan_by_hand_and_where_it_cannot_be_worked_back(hand):
    # rates: entered Lead 8, Qualified 6, Proposal 3, Won 2 -> 6/8, 3/6, 2/3;
    # days: the medians of tests/test_deals.py: Lead 9, Qualified 17, Proposal 17.5
    rates, days = deals.measured_plan(hand)
    assert rates == pytest.approx([0.75, 0.5, 2 / 3]) and days == [9.0, 17.0, 17.5]
    # before the first entry (01-05) no deal entered Lead: its rate is undefined
    with pytest.raises(UndefinedError) as info:
        deals.measured_plan(hand, dt.date(2026, 1, 4))
    assert str(info.value) == (
        "the measured rate from Lead is undefined: no plan can be worked back through it"
    )
    # two leads, none went on: a rate of 0
    zero = deals.read_deals(
        pd.DataFrame({"deal_id": ["a", "b"], "stage": ["Lead", "Lead"],
                      "entered_at": ["2026-01-01", "2026-01-02"]}), ["Lead", "Won"]
    )  # fmt: skip
    with pytest.raises(UndefinedError) as info:
        deals.measured_plan(zero)
    assert (
        str(info.value) == "the measured rate from Lead is 0: no plan can be worked back through it"
    )


def test_an_inferred_order_names_the_source_of_a_bad_date():
    history = pd.DataFrame(
        {"deal_id": ["a", "a", "b"], "stage": ["Lead", "Won", "Lead"],
         "entered_at": ["2026-01-01", "soon", "2026-01-03"]}
    )  # fmt: skip
    with pytest.raises(DataError) as info:
        deals.read_deals(history, None, source="crm.csv")  # no stage order: inferred
    assert (
        str(info.value) == "crm.csv row 3, column entered_at: 'soon' is not a date (use YYYY-MM-DD)"
    )


SNAP = pd.DataFrame(
    {
        "deal_id": ["1", "2", "3", "1"],  # deal 1 exported twice (rows 2 and 5)
        "stage": ["Alpha", "Beta", "Gamma", "Alpha"],
        "status": ["open"] * 4,
        "owner": ["Ann", "Bob", "Cy", "Ann"],
        "created_at": ["2026-01-05"] * 4,
        "last_change_at": ["2026-01-06"] * 4,
    }
)


def test_a_snapshot_keeps_owners_and_lists_the_rows_exported_twice():
    found = deals.read_deals(SNAP, ["Alpha", "Beta", "Gamma", "Won"], source="snap.csv")
    assert found.deals[["deal_id", "owner"]].values.tolist() == [
        ["1", "Ann"],
        ["2", "Bob"],
        ["3", "Cy"],
    ]
    assert found.duplicates.values.tolist() == [[5, "1", 0, "Alpha"]]
    assert found.rows_read == 4


def test_a_snapshot_of_unknown_stages_shows_three_of_them_in_its_example():
    # four stages no CRM's default pipeline holds: the example names the first three,
    # in alphabetical order, in lower case
    unknown = SNAP.assign(stage=["Alpha", "Beta", "Gamma", "Delta"])
    with pytest.raises(InputError) as info:
        deals.read_deals(unknown, None, source="snap.csv")
    assert str(info.value) == (
        "snap.csv: a snapshot does not show the stage order: give --stages, top first, e.g. "
        '--stages "alpha,beta,delta,...,Won"'
    )


def test_stage_entries_of_a_won_deal_and_a_skipper(hand):
    got = deals.stage_entries(hand, dt.date(2026, 3, 2)).set_index(["deal_id", "stage_index"])
    a = got.loc["A"]
    # A: Lead 01-05, Qualified 01-12, Proposal 01-20, Won 02-10; created = its first
    # entry, 01-05, on every row; went on from every stage but the win; won
    assert [str(x.date()) for x in a["entered_at"]] == ["2026-01-05", "2026-01-12",
                                                        "2026-01-20", "2026-02-10"]  # fmt: skip
    assert {str(x.date()) for x in a["created"]} == {"2026-01-05"}
    assert a["went_on"].tolist() == [True, True, True, False]
    assert set(a["owner"]) == {"Ann"} and set(a["status"]) == {"won"}
    # B skipped Qualified: passed on its Proposal date (01-16); lost at Proposal
    b = got.loc["B"]
    assert [str(x.date()) for x in b["entered_at"]] == ["2026-01-06", "2026-01-16", "2026-01-16"]
    assert {str(x.date()) for x in b["created"]} == {"2026-01-06"}
    assert b["open_here"].tolist() == [False] * 3 and set(b["owner"]) == {"Bob"}


def test_entries_per_period_by_hand(hand):
    # entries per month and stage (tests/test_deals.py, plan against actual): January
    # Lead 6, Qualified 5, Proposal 2, Won 0; February 1 0 1 1; March (to 03-02) 1 1 0 1
    table = deals.entries_per_period(hand)
    assert table.index.tolist() == ["2026-01", "2026-02", "2026-03"]
    assert table.values.tolist() == [[6, 5, 2, 0], [1, 0, 1, 1], [1, 1, 0, 1]]
    # as of 02-28 March is not there (F's Lead 03-02 and E's Qualified 03-01 after it)
    assert deals.entries_per_period(hand, as_of=dt.date(2026, 2, 28)).index.tolist() == [
        "2026-01",
        "2026-02",
    ]


def test_a_won_deal_without_a_row_for_the_win_wins_on_its_closed_date():
    # a: Lead 01-01, Proposal 01-05, won (closed_at 01-20) with no Won row; b open at Lead
    history = pd.DataFrame(
        {
            "deal_id": ["a", "a", "b"],
            "stage": ["Lead", "Proposal", "Lead"],
            "entered_at": ["2026-01-01", "2026-01-05", "2026-01-02"],
            "status": ["won", "won", "open"],
            "closed_at": ["2026-01-20", "2026-01-20", ""],
        }
    )
    found = deals.read_deals(history, STAGES)
    # as of 01-20 (its closed date, on the limit) a has entered Won: entered 2, 1, 1
    on = deals.conversion(found, as_of=dt.date(2026, 1, 20))
    assert on["entered"].tolist() == [2, 1, 1] and on["open_here"].tolist() == [1, 0, 0]
    # the day before a is still open at Proposal: entered 2, 1, 0
    before = deals.conversion(found, as_of=dt.date(2026, 1, 19))
    assert before["entered"].tolist() == [2, 1, 0] and before["open_here"].tolist() == [1, 1, 0]
    # each row of the file kept with its row as the sheet shows it (header = row 1)
    assert found.rows["row"].tolist() == [2, 3, 4]


@pytest.mark.parametrize(
    ("history", "stages", "kwargs", "message"),
    [
        # the last date the deal analysis can count days to: 2262-04-11
        ({"deal_id": ["a", "a"], "stage": ["Lead", "Won"],
          "entered_at": ["2026-01-01", "2263-01-01"]}, "Lead,Won", {},
         "deals row 3, column entered_at: '2263-01-01' is after 2262-04-11, the last date "
         "the deal analysis can count days to"),
        ({"deal_id": ["1", "2"], "stage": ["Lead", "Won"], "status": ["open", "won"],
          "created_at": ["2026-01-05", ""], "last_change_at": ["2026-01-06", "2026-01-07"]},
         "Lead,Won", {}, "deals row 3, column created_at: '' is blank: a date is required"),
        # a history's entry date blank (the source named as given)
        ({"deal_id": ["a", "a"], "stage": ["Lead", "Won"], "entered_at": ["2026-01-01", ""]},
         "Lead,Won", {"source": "crm.csv"},
         "crm.csv row 3, column entered_at: '' is blank: a date is required"),
        ({"deal_id": ["a"], "stage": ["Lead"], "entered_at": ["2026-01-01"]}, "Lead,Won",
         {"preset": "zoho"}, "preset='zoho' must be one of: hubspot, salesforce, pipedrive"),
        ({"deal_id": ["a"], "stage": ["Lead"], "entered_at": ["2026-01-01"]}, "Lead, ,Won", {},
         "stages has a blank name: give every stage a name, top first"),
    ],
)  # fmt: skip
def test_read_deals_refuses_in_one_line(history, stages, kwargs, message):
    with pytest.raises((DataError, InputError)) as info:
        deals.read_deals(pd.DataFrame(history), stages, **kwargs)
    assert str(info.value) == message


def test_rows_exported_twice_are_numbered_as_whole_rows():
    found = deals.read_deals(SNAP, ["Alpha", "Beta", "Gamma", "Won"])
    assert found.duplicates["row"].tolist() == [5] and found.duplicates["row"].dtype.kind == "i"


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        ({"deal_id": ["a"], "entered_at": ["2026-01-01"]},
         "deals: missing column(s) stage for a stage history (read with xlsales column names); "
         'name yours with --map "Your column=stage,..." or --preset hubspot|salesforce|pipedrive'),
        ({"deal_id": ["a"], "stage": ["Lead"], "status": ["open"]},
         "deals: missing column(s) created_at, last_change_at for a snapshot (or add entered_at "
         'for a history) (read with xlsales column names); name yours with --map "Your '
         'column=created_at,..." or --preset hubspot|salesforce|pipedrive'),
    ],
)  # fmt: skip
def test_missing_columns_are_named(columns, message):
    with pytest.raises(DataError) as info:
        deals.read_deals(pd.DataFrame(columns), "Lead,Won")
    assert str(info.value) == message


def test_a_blank_owner_stays_blank_between_clean_names():
    # b's owner cell is blank: "" (no owner), not the text of another row
    history = pd.DataFrame(
        {
            "deal_id": ["a", "b", "c"],
            "stage": ["Lead"] * 3,
            "entered_at": ["2026-01-01", "2026-01-02", "2026-01-03"],
            "owner": ["Ann", None, "Bob"],
        }
    )
    assert deals.read_deals(history, "Lead,Won").deals["owner"].tolist() == ["Ann", "", "Bob"]


# ---- a fresh sample of deals.py's mutants (seed 1126, docs/mutation.md) ---------------------


def test_conversion_by_owner_names_a_blank_owner_and_numbers_the_rows_afresh():
    # HISTORY with owners: a and c Ann, b none. The groups in order: "(no owner)" sorts
    # before "Ann" ("(" is before "A").
    # (no owner): b entered Lead and is open there: 0 of 1 went on; no later stage entered.
    # Ann: a and c entered Lead and both reached Proposal: 2/2; of the 2 in Proposal, a
    # won: 1/2; a entered Won
    owned = HISTORY.assign(owner=["Ann", "Ann", "Ann", None, "Ann", "Ann"])
    table = deals.conversion(deals.read_deals(owned, STAGES), by="owner")
    assert rows(table) == [
        ["(no owner)", "Lead", 1, 0, 1, 0.0],
        ["(no owner)", "Proposal", 0, 0, 0, None],
        ["(no owner)", "Won", 0, None, 0, None],
        ["Ann", "Lead", 2, 2, 0, 1.0],
        ["Ann", "Proposal", 2, 1, 0, 0.5],
        ["Ann", "Won", 1, None, 0, None],
    ]
    # one table, its rows numbered 0 to 5 (not 0-2 once per owner)
    assert table.index.tolist() == [0, 1, 2, 3, 4, 5]


def test_stall_limits_as_of_a_day_count_only_the_steps_made_by_then():
    # HISTORY: Lead a 31 Mar -> Proposal 2 Apr (2 days), c 5 Jan -> 10 Jan (5 days);
    # Proposal a 2 Apr -> Won 10 Apr (8 days); c was lost in Proposal (no step).
    # As of 2 Apr (a's step into Proposal on the day: counted): Lead 2 and 5 days,
    # rank 1 + 0.9 x 1 = 1.9 -> 2 + 0.9 x (5 - 2) = 4.7; nobody has left Proposal yet.
    read = deals.read_deals(HISTORY, STAGES)
    on = deals.stall_limits(read, as_of=dt.date(2026, 4, 2))
    assert on["measured"].tolist() == [2, 0]
    assert on["p90_days"].tolist() == [pytest.approx(4.7), None]
    # As of 1 Apr (the day before a's step): Lead only c's 5 days: the 90th percentile of
    # one value is that value
    before = deals.stall_limits(read, as_of=dt.date(2026, 4, 1))
    assert before["measured"].tolist() == [1, 0]
    assert before["p90_days"].tolist() == [5.0, None]
    # as of the last date (10 Apr): a's 8 days in Proposal count too
    last = deals.stall_limits(read, as_of=dt.date(2026, 4, 10))
    assert last["measured"].tolist() == [2, 1]
    assert last["p90_days"].tolist() == [pytest.approx(4.7), 8.0]


def test_period_counts_keep_the_last_periods_on_and_beside_1():
    # HISTORY as of 10 Apr, by month. April: b entered Lead (1 Apr; open there: 0 went on,
    # 1 open), a entered Proposal (2 Apr; went on to Won), a entered Won (10 Apr).
    # March: a entered Lead (31 Mar) and went on.
    read = deals.read_deals(HISTORY, STAGES)
    cols = ["period", "stage_index", "entered", "went_on", "open_here"]
    one = deals.period_counts(read, "M", dt.date(2026, 4, 10), periods=1)
    assert one[cols].values.tolist() == [
        ["2026-04", 0, 1, 0, 1], ["2026-04", 1, 1, 1, 0], ["2026-04", 2, 1, 0, 0],
    ]  # fmt: skip
    two = deals.period_counts(read, "M", dt.date(2026, 4, 10), periods=2)
    assert two[cols].values.tolist()[:3] == [
        ["2026-03", 0, 1, 1, 0], ["2026-03", 1, 0, 0, 0], ["2026-03", 2, 0, 0, 0],
    ]  # fmt: skip
    for periods, message in [
        (0, "periods=0 must be 1 or more"),
        (1.5, "periods=1.5 must be a whole number"),
        (-1, "periods=-1 must be 0 or more"),
        ("2", "periods='2' is not a number"),
    ]:
        with pytest.raises(InputError) as info:
            deals.period_counts(read, "M", dt.date(2026, 4, 10), periods=periods)
        assert str(info.value) == message


def test_an_inferred_order_ends_in_one_win_when_the_export_names_it_two_ways():
    # a won as "Won", b as "Closed Won": open stages by median days from each deal's first
    # stage: Lead 0 (a, b), Proposal 4 (a: 01-01 -> 01-05); then ONE win stage, the first
    # of the won names in sort order: "Closed Won" before "Won"
    history = pd.DataFrame(
        {"deal_id": ["a", "a", "a", "b", "b"],
         "stage": ["Lead", "Proposal", "Won", "Lead", "Closed Won"],
         "entered_at": ["2026-01-01", "2026-01-05", "2026-01-10", "2026-01-02", "2026-01-20"]}
    )  # fmt: skip
    found = deals.read_deals(history)
    assert found.stages == ["Lead", "Proposal", "Closed Won"]
    # both wins count as won at that last stage
    assert found.deals["status"].tolist() == ["won", "won"]


def test_stalled_idle_days_are_whole_days_on_and_beside_the_limit():
    # HISTORY as of 10 Apr: b open at Lead since 1 Apr: idle 9 days. Limit 8: 9 > 8,
    # stalled; limit 9: idle exactly the limit, not stalled. a is won, c lost: never.
    read = deals.read_deals(HISTORY, STAGES)
    late = deals.stalled(read, dt.date(2026, 4, 10), 8)
    assert late[["deal_id", "stage", "idle_days", "limit_days"]].values.tolist() == [
        ["b", "Lead", 9, 8.0]
    ]
    assert late["idle_days"].dtype.kind == "i"  # a count of days: 9, never 9.0 in a listing
    assert deals.stalled(read, dt.date(2026, 4, 10), 9).empty


# ---- a fresh sample of deals.py's mutants (seed 1226, docs/mutation.md) ---------------------


def test_step_days_refuse_a_snapshot_in_one_line():
    snap = deals.read_deals(SNAP, ["Alpha", "Beta", "Gamma", "Won"], source="snap.csv")
    for measure in (deals.step_days, deals.stage_durations):
        with pytest.raises(InputError) as info:
            measure(snap)
        assert str(info.value) == (
            "stage durations need a stage history (one row per deal and stage)"
        )


def _reordered(hand, order):
    """The hand history with its rows in the order of the (deal_id, stage_index) given."""
    h = hand.history.set_index(["deal_id", "stage_index"], drop=False)
    return dataclasses.replace(hand, history=h.loc[order].reset_index(drop=True))


def test_step_days_of_a_history_whose_deals_and_stages_are_out_of_order(hand):
    # the hand history (tests/test_deals.py), by hand:
    # A Lead 01-05 -> Qualified 01-12: 7 days; Qualified -> Proposal 01-20: 8;
    # Proposal 01-20 -> Won 02-10: 11 + 10 = 21. B Lead 01-06 -> Proposal 01-16: 10.
    # (1) B's two rows split by C's: each deal's steps are still found
    split = _reordered(hand, [("A", 0), ("A", 1), ("A", 2), ("A", 3), ("B", 0), ("C", 0),
                              ("B", 2)])  # fmt: skip
    steps = deals.step_days(split)
    assert steps.loc[steps["deal_id"] == "B", "days"].tolist() == [10]
    assert steps.loc[steps["deal_id"] == "A", "days"].tolist() == [7, 8, 21]
    # (2) A's stages in the order Lead, Proposal, Qualified, Won: still 7, 8, 21 (not
    # Lead -> Proposal 15, Qualified -> Won 29)
    swapped = _reordered(hand, [("A", 0), ("A", 2), ("A", 1), ("A", 3), ("B", 0), ("B", 2)])
    steps = deals.step_days(swapped)
    assert steps.loc[steps["deal_id"] == "A", "stage_index"].tolist() == [0, 1, 2]
    assert steps.loc[steps["deal_id"] == "A", "days"].tolist() == [7, 8, 21]
    assert steps["days"].dtype.kind == "i"  # whole days: 7, never 7.0


def test_stage_durations_as_of_two_days_of_one_export():
    # HISTORY: Lead a 31 Mar -> Proposal 2 Apr (2 days), c 5 Jan -> 10 Jan (5 days);
    # Proposal a 2 Apr -> Won 10 Apr (8 days).
    # As of 10 Apr: Lead 2 deals, median (2 + 5) / 2 = 3.5; Proposal 1 deal, 8.
    # As of 1 Apr (asked next, of the same export): Lead c's 5 days only; Proposal none.
    read = deals.read_deals(HISTORY, STAGES)
    last = deals.stage_durations(read, dt.date(2026, 4, 10))
    assert last[["deals", "median_days"]].values.tolist() == [[2, 3.5], [1, 8.0]]
    before = deals.stage_durations(read, dt.date(2026, 4, 1))
    assert before["deals"].tolist() == [1, 0]
    assert before["median_days"].tolist() == [5.0, None]


def test_stalled_with_the_default_limit_counts_only_the_steps_made_by_the_as_of_date():
    # x: Lead 1 Jan -> Won 11 Jan (10 days); y: Lead 1 Jan -> Won 1 Mar (30 + 28 + 1 = 59
    # days); z: Lead 5 Jan, open.
    # As of 15 Jan only x has left Lead: the default limit is the 90th percentile of one
    # value, 10 days. z idle 15 - 5 = 10 days: on the limit, not stalled. y, won only on
    # 1 Mar, was open in Lead on 15 Jan, idle 15 - 1 = 14 days > 10: stalled that day.
    # As of 16 Jan: z idle 11 > 10: stalled too (y 15). (With y's later step the limit
    # would be 10 + 0.9 x (59 - 10) = 54.1, and neither stalled.) Amounts all 0: the
    # longer idle first.
    history = pd.DataFrame(
        {"deal_id": ["x", "x", "y", "y", "z"], "stage": ["Lead", "Won", "Lead", "Won", "Lead"],
         "entered_at": ["2026-01-01", "2026-01-11", "2026-01-01", "2026-03-01", "2026-01-05"],
         "status": ["won", "won", "won", "won", "open"]}
    )  # fmt: skip
    read = deals.read_deals(history, "Lead,Won")
    late = deals.stalled(read, dt.date(2026, 1, 15))
    assert late[["deal_id", "idle_days", "limit_days"]].values.tolist() == [["y", 14, 10.0]]
    late = deals.stalled(read, dt.date(2026, 1, 16))
    assert late[["deal_id", "stage", "idle_days", "limit_days"]].values.tolist() == [
        ["y", "Lead", 15, 10.0],
        ["z", "Lead", 11, 10.0],
    ]


def test_conversion_of_a_part_of_the_tables_without_a_deal_counts_0():
    # a part of the tables (as pipeline.conversion_by cuts them) that no deal is in: no
    # deal entered any stage: 0 everywhere, every rate undefined (0 / 0), none refused
    read = deals.read_deals(HISTORY, STAGES)
    nobody = read.deals["deal_id"] == "z"
    part = dataclasses.replace(
        read, deals=read.deals[nobody], history=read.history[read.history["deal_id"] == "z"]
    )
    table = deals.conversion(part, as_of=dt.date(2026, 4, 10))
    assert table[["stage", "entered", "went_on", "open_here", "rate"]].values.tolist() == [
        ["Lead", 0, 0, 0, None], ["Proposal", 0, 0, 0, None], ["Won", 0, None, 0, None],
    ]  # fmt: skip


def test_stage_entries_status_on_the_day_a_deal_is_won_and_the_day_before():
    # HISTORY: a won on 10 Apr (its Won entry), b open, c lost (its last change, 10 Jan).
    # As of 10 Apr, the day of the win: a won. As of 9 Apr: a is still open (in
    # Proposal), c is lost, b open. One status per deal, on each of its entry rows.
    read = deals.read_deals(HISTORY, STAGES)
    for day, a in [(dt.date(2026, 4, 10), "won"), (dt.date(2026, 4, 9), "open")]:
        got = deals.stage_entries(read, day)
        assert got.groupby("deal_id")["status"].unique().map(list).to_dict() == {
            "a": [a], "b": ["open"], "c": ["lost"]
        }, day  # fmt: skip


def test_the_rows_exported_twice_in_a_history_are_listed_with_their_columns(hand):
    # the hand history (header = row 1): D's Qualified rows are rows 10 and 11, the same
    # day: the first counts, row 11 is the repeat; G's Qualified rows are 16 (01-20) and
    # 17 (02-01, the reopening): the earliest counts, row 17 is the repeat. Qualified is
    # stage 1.
    assert hand.duplicates.columns.tolist() == ["row", "deal_id", "stage_index", "stage"]
    assert hand.duplicates.values.tolist() == [[11, "D", 1, "Qualified"],
                                               [17, "G", 1, "Qualified"]]  # fmt: skip


def test_a_deal_lost_after_the_first_stage_is_not_lost_at_first():
    # p: Lead 1 Mar, then its "Lost" row on 5 Mar: it shows the stage it was lost at,
    # Lead (index 0, the first: the lower limit), and closed on 5 Mar.
    # q: only a "Lost" row (3 Mar): no stage shown: lost at the first, 1 such deal.
    # r: Lead 1 Mar, Proposal 4 Mar, Lost 6 Mar: lost at Proposal (index 1).
    # The Lost rows are closed stages, never a repeat of Lead.
    history = pd.DataFrame(
        {"deal_id": ["p", "p", "q", "r", "r", "r"],
         "stage": ["Lead", "Lost", "Lost", "Lead", "Proposal", "Lost"],
         "entered_at": ["2026-03-01", "2026-03-05", "2026-03-03", "2026-03-01", "2026-03-04",
                        "2026-03-06"]}
    )  # fmt: skip
    found = deals.read_deals(history, STAGES)
    assert found.lost_at_first == 1
    assert found.duplicates.empty
    table = found.deals
    assert table["furthest"].tolist() == [0, 0, 1]
    assert table["status"].tolist() == ["lost"] * 3
    # p and r closed on the date of their Lost row (q's close date is read as its last
    # stage change, 3 Mar, by every figure: the closed column itself leaves it blank)
    assert [str(table["closed"][k].date()) for k in (0, 2)] == ["2026-03-05", "2026-03-06"]


@pytest.mark.parametrize(
    ("dates", "created", "last"),
    [("dmy", "2026-02-01", "2026-02-03"), ("mdy", "2026-01-02", "2026-03-02")],
)
def test_the_date_order_given_reads_a_frame_and_a_file(tmp_path, dates, created, last):
    # "01/02/2026" and "03/02/2026" are ambiguous: day first (dmy) 1 Feb and 3 Feb, month
    # first (mdy) 2 Jan and 2 Mar; created = the first entry, last change = the last
    frame = pd.DataFrame({"deal_id": ["a", "a"], "stage": ["Lead", "Won"],
                          "entered_at": ["01/02/2026", "03/02/2026"]})  # fmt: skip
    path = tmp_path / "crm.csv"
    frame.to_csv(path, index=False)
    for data in (frame, path):
        found = deals.read_deals(data, "Lead,Won", dates=dates)
        got = found.deals[["created", "last_change"]].values.tolist()
        assert [[str(d.date()) for d in row] for row in got] == [[created, last]], data


def test_a_stage_order_given_is_reported_as_given():
    assert deals.read_deals(HISTORY, STAGES).stage_rule == "given"


def test_an_open_status_stands_on_the_win_stage_a_blank_one_reads_it_won():
    # status open (code 0, the lowest a given status has) on a row at Won, one of the
    # stages: the status given is read (open); left blank, the closed stage says won
    history = pd.DataFrame({"deal_id": ["a", "a"], "stage": ["Lead", "Won"],
                            "entered_at": ["2026-01-01", "2026-01-05"]})  # fmt: skip
    given = deals.read_deals(history.assign(status=["open", "open"]), "Lead,Won")
    assert given.deals["status"].tolist() == ["open"]
    blank = deals.read_deals(history.assign(status=["", ""]), "Lead,Won")
    assert blank.deals["status"].tolist() == ["won"]


def test_a_bad_closed_at_or_created_at_is_named_with_the_source():
    history = pd.DataFrame({"deal_id": ["a", "a"], "stage": ["Lead", "Won"],
                            "entered_at": ["2026-01-01", "2026-01-05"],
                            "closed_at": ["", "soon"]})  # fmt: skip
    with pytest.raises(DataError) as info:
        deals.read_deals(history, "Lead,Won", source="crm.csv")
    assert (
        str(info.value) == "crm.csv row 3, column closed_at: 'soon' is not a date (use YYYY-MM-DD)"
    )
    snap = pd.DataFrame({"deal_id": ["1", "2"], "stage": ["Lead", "Lead"],
                         "status": ["open", "open"], "created_at": ["2026-01-05", "soon"],
                         "last_change_at": ["2026-01-06", "2026-01-06"]})  # fmt: skip
    with pytest.raises(DataError) as info:
        deals.read_deals(snap, "Lead,Won", source="snap.csv")
    assert str(info.value) == (
        "snap.csv row 3, column created_at: 'soon' is not a date (use YYYY-MM-DD)"
    )


def test_stalled_sees_each_deal_as_it_stood_on_the_as_of_date():
    # a: Lead 1 Jan, Proposal 5 Jan, won 1 Mar (5,000); b: Lead 1 Jan, open (1,000);
    # c: Lead 20 Feb, open (9,000). Limit 30 days.
    # As of 4 Feb: a open in Proposal since 5 Jan, idle 30 = the limit: not stalled;
    #   b idle 34 > 30: stalled; c not created yet: not listed.
    # As of 15 Feb: a idle 41 > 30 and b 45: both, a first (larger amount), a's last
    #   change 5 Jan (its Won entry of 1 Mar does not count yet).
    # As of 1 Mar: a is won (never stalled); b idle 59; c idle 9.
    history = pd.DataFrame(
        {"deal_id": ["a", "a", "a", "b", "c"],
         "stage": ["Lead", "Proposal", "Won", "Lead", "Lead"],
         "entered_at": ["2026-01-01", "2026-01-05", "2026-03-01", "2026-01-01", "2026-02-20"],
         "status": ["won", "won", "won", "open", "open"],
         "amount": [5000, 5000, 5000, 1000, 9000]}
    )  # fmt: skip
    read = deals.read_deals(history, "Lead,Proposal,Won")

    def listed(day):
        late = deals.stalled(read, day, 30)
        return [
            [r.deal_id, r.stage, r.idle_days, str(r.last_change.date())] for r in late.itertuples()
        ]

    assert listed(dt.date(2026, 2, 4)) == [["b", "Lead", 34, "2026-01-01"]]
    assert listed(dt.date(2026, 2, 15)) == [
        ["a", "Proposal", 41, "2026-01-05"],
        ["b", "Lead", 45, "2026-01-01"],
    ]
    assert listed(dt.date(2026, 3, 1)) == [["b", "Lead", 59, "2026-01-01"]]


# ---- stalled as of an earlier day: every mutant of stalled and _last_change_up_to (stop 14)

STALL_COLUMNS = ["deal_id", "stage", "owner", "amount", "idle_days", "limit_days", "last_change"]


def test_stalled_counts_an_entry_on_the_as_of_day_as_that_days_change():
    # a: Lead 1 Jan, Proposal 15 Feb, won 1 Mar; b: Lead 1 Jan, open. Limit 30.
    # As of 15 Feb, a entered Proposal that very day: idle 0 (its entry counts; its win
    # of 1 Mar does not yet). b idle 45 > 30: stalled, alone, row 0 of a fresh index.
    history = pd.DataFrame(
        {"deal_id": ["a", "a", "a", "b"], "stage": ["Lead", "Proposal", "Won", "Lead"],
         "entered_at": ["2026-01-01", "2026-02-15", "2026-03-01", "2026-01-01"],
         "status": ["won", "won", "won", "open"], "amount": [9000, 9000, 9000, 100]}
    )  # fmt: skip
    late = deals.stalled(deals.read_deals(history, "Lead,Proposal,Won"), dt.date(2026, 2, 15), 30)
    assert late.columns.tolist() == STALL_COLUMNS
    assert late.index.tolist() == [0]
    assert late[["deal_id", "stage", "idle_days"]].values.tolist() == [["b", "Lead", 45]]


def test_stalled_never_lists_a_deal_in_a_stage_without_a_limit():
    # x: Lead 1 Jan -> Proposal 11 Jan (10 days), open in Proposal; y: Lead 1 Jan, open.
    # Default limits: Lead's is the 90th percentile of one step, 10 days; no deal has left
    # Proposal, so it has no limit: x (idle 31 + 28 + 31 + 30 + 21 = 141 days on 1 Jun) is
    # never stalled; y (idle 151 > 10) is.
    history = pd.DataFrame(
        {"deal_id": ["x", "x", "y"], "stage": ["Lead", "Proposal", "Lead"],
         "entered_at": ["2026-01-01", "2026-01-11", "2026-01-01"], "status": ["open"] * 3}
    )  # fmt: skip
    late = deals.stalled(deals.read_deals(history, "Lead,Proposal,Won"), dt.date(2026, 6, 1))
    assert late[["deal_id", "stage", "idle_days", "limit_days"]].values.tolist() == [
        ["y", "Lead", 151, 10.0]
    ]


def test_stalled_in_a_snapshot_as_of_an_earlier_day():
    # A snapshot dates every stage a deal holds on its creation (docs/definitions.md).
    # Limit 30, as of 15 Feb; all created 1 Jan, all open:
    # s1 last changed 1 Mar (after the day): its last change up to 15 Feb is its creation,
    #    idle 31 + 14 = 45 days: stalled;
    # s2 last changed on 15 Feb itself (the limit of "after"): idle 0, not stalled;
    # s3 last changed 10 Jan: idle 21 + 15 = 36: stalled.
    snap = pd.DataFrame(
        {"deal_id": ["s1", "s2", "s3"], "stage": ["Proposal", "Lead", "Lead"],
         "status": ["open"] * 3, "created_at": ["2026-01-01"] * 3,
         "last_change_at": ["2026-03-01", "2026-02-15", "2026-01-10"]}
    )  # fmt: skip
    late = deals.stalled(deals.read_deals(snap, "Lead,Proposal,Won"), dt.date(2026, 2, 15), 30)
    got = [[r.deal_id, r.stage, r.idle_days, str(r.last_change.date())] for r in late.itertuples()]
    assert got == [["s1", "Proposal", 45, "2026-01-01"], ["s3", "Lead", 36, "2026-01-10"]]
