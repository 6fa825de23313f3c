"""Hand-worked cases for xlsales/deals.py options the other tests leave out (issue 16):
cohorts by quarter and by week, and plan against actual on a snapshot export.
"""

from __future__ import annotations

import pandas as pd

from xlsales import deals

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
