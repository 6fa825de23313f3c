"""The account matrix's definitions (DOMAIN.md "Accounts", docs/definitions.md), by hand.

No spreadsheet engine here: every expected number is worked out in the comments. The
template gives the same numbers (tests/test_templates_engine.py).
"""

from __future__ import annotations

import pandas as pd
import pytest

from xlsales import accounts, records
from xlsales.accounts import AccountRules, account_matrix, capacity, capacity_plan, plan_verdict
from xlsales.errors import DataError, InputError

COST = 50.0  # hourly cost of every hand-made account


def frame(rows, owner="Ann"):
    """Accounts from (account, revenue, gross_margin, effort_hours[, extras]) tuples."""
    out = []
    for row in rows:
        name, revenue, margin, hours, *extra = row
        record = {
            "account": name,
            "owner": owner,
            "cluster": "North",
            "icp_fit": "yes",
            "revenue": float(revenue),
            "gross_margin": margin,
            "effort_hours": float(hours),
            "hourly_cost": COST,
            "influenceable": "yes",
        }
        record.update(extra[0] if extra else {})
        out.append(record)
    return pd.DataFrame(out)


def by_name(matrix, column):
    return dict(zip(matrix["account"], matrix[column]))


def test_profit_after_effort_and_return_on_effort():
    m = account_matrix(frame([("Acme", 10_000, 0.25, 20)]))
    # 10,000 x 0.25 = 2,500 gross profit; 20 h x 50 = 1,000 effort cost
    # profit after effort 2,500 - 1,000 = 1,500; return on effort 1,500 / 1,000 = 1.5
    assert m.loc[0, "gross_profit"] == 2_500 and m.loc[0, "effort_cost"] == 1_000
    assert m.loc[0, "profit"] == 1_500
    assert m.loc[0, "return_on_effort"] == 1.5
    assert m.loc[0, "profit_per_hour"] == 75  # 1,500 / 20 h


@pytest.mark.parametrize(
    "minimum, on_revenue, below_revenue",
    [
        # 6,000 x 0.25 - 1,000 = 500 -> 500 / 1,000 = 0.5 (the default minimum, ON it);
        # 5,996 x 0.25 - 1,000 = 499 -> 0.499 (just below)
        (0.5, 6_000, 5_996),
        # 10,000 x 0.25 - 1,000 = 1,500 -> 1.5 (ON); 9,996 x 0.25 - 1,000 = 1,499 -> 1.499
        (1.5, 10_000, 9_996),
    ],
)
def test_return_on_effort_on_the_minimum_holds_just_below_fails(minimum, on_revenue, below_revenue):
    rules = AccountRules(go_max_class="C", min_return_on_effort=minimum)
    m = account_matrix(
        frame([("On", on_revenue, 0.25, 20), ("Below", below_revenue, 0.25, 20)]), rules
    )
    assert by_name(m, "go_return") == {"On": True, "Below": False}
    assert by_name(m, "suggested") == {"On": "GO", "Below": "NO-GO"}


def test_effort_cost_zero_return_undefined_criterion_holds():
    # hours but no hourly cost: effort cost 20 x 0 = 0; profit 1,000 x 0.5 = 500
    accounts_ = frame([("Free", 1_000, 0.5, 20), ("Paid", 1_000, 0.5, 10)])
    accounts_.loc[0, "hourly_cost"] = 0.0
    m = account_matrix(accounts_, AccountRules(go_max_class="C"))
    free = m[m["account"] == "Free"].iloc[0]
    assert free["return_on_effort"] is None  # shown as "no effort cost", never NaN
    assert bool(free["go_return"])
    assert free["profit_per_hour"] == 25  # 500 / 20 h: the hours still count for capacity
    # no hours at all: no profit per hour either
    none = account_matrix(frame([("Nil", 1_000, 0.5, 0)]))
    assert none.loc[0, "profit_per_hour"] is None and none.loc[0, "return_on_effort"] is None


FOCUS = [
    # revenue, margin, hours (x 50 an hour) -> profit after effort
    ("Big", 100_000, 0.1, 190),  # 10,000 - 9,500 = 500
    ("Lean", 20_000, 0.5, 40),  # 10,000 - 2,000 = 8,000
    ("Mid", 15_000, 0.4, 60),  # 6,000 - 3,000 = 3,000
    ("Loss", 5_000, 0.2, 40),  # 1,000 - 2,000 = -1,000
]


def test_abc_by_revenue_and_by_profit_after_effort_side_by_side():
    m = account_matrix(frame(FOCUS))
    # revenue 140,000: Big 0 ahead -> A; Lean 100/140 = 0.714 -> A; Mid 120/140 = 0.857 -> B;
    # Loss 135/140 = 0.964 -> C
    assert by_name(m, "abc") == {"Big": "A", "Lean": "A", "Mid": "B", "Loss": "C"}
    # profit: the loss is left out of the total (negatives="last"): 8,000 + 3,000 + 500 =
    # 11,500. Lean 0 ahead -> A; Mid 8,000 / 11,500 = 0.696 -> A; Big 11,000 / 11,500 =
    # 0.957 >= 0.95 -> C; Loss makes a loss -> C, last
    assert by_name(m, "abc_profit") == {"Big": "C", "Lean": "A", "Mid": "A", "Loss": "C"}
    # GO needs profit class <= B, return >= 0.5, influenceable: Big (revenue A, but profit C
    # and 500 / 9,500 = 0.05) is NO-GO; Mid (revenue B, profit A, 3,000 / 3,000 = 1) is GO
    assert by_name(m, "suggested") == {"Big": "NO-GO", "Lean": "GO", "Mid": "GO", "Loss": "NO-GO"}


def test_profit_class_on_the_a_limit_is_b_just_below_is_a():
    # no effort cost, so profit = revenue x 0.5: 80 and 20 of 100 -> the second has 0.8
    # ahead = the A limit -> B; with 79 and 21 it has 0.79 ahead -> A
    on = account_matrix(frame([("First", 160, 0.5, 0), ("Second", 40, 0.5, 0)]))
    below = account_matrix(frame([("First", 158, 0.5, 0), ("Second", 42, 0.5, 0)]))
    assert by_name(on, "abc_profit") == {"First": "A", "Second": "B"}
    assert by_name(below, "abc_profit") == {"First": "A", "Second": "A"}


def test_no_account_makes_a_profit_all_class_c():
    # 1,000 x 0.2 - 40 x 50 = -1,000 and 100 x 0.5 - 1 x 50 = 0: no profit above 0
    m = account_matrix(frame([("Loss", 1_000, 0.2, 40), ("Even", 100, 0.5, 1)]))
    assert by_name(m, "abc_profit") == {"Loss": "C", "Even": "C"}
    assert set(m["suggested"]) == {"NO-GO"}


def test_influenceable_no_is_no_go_and_blank_owner_does_not_change_the_suggestion():
    rows = frame([("Yes", 10_000, 0.5, 20), ("No", 10_000, 0.5, 20)])
    rows.loc[1, "influenceable"] = "no"
    rows.loc[0, "owner"] = ""  # no owner: still suggested GO (but it never fits capacity)
    m = account_matrix(rows)
    assert by_name(m, "go_influence") == {"Yes": True, "No": False}
    assert by_name(m, "suggested") == {"Yes": "GO", "No": "NO-GO"}


def test_quadrant_profit_and_effort_on_the_median_is_the_sweet_spot():
    # no effort cost: profits 200, 400, 600 with 10, 20, 30 hours; medians 400 and 20 h
    rows = frame([("Low", 400, 0.5, 10), ("Mid", 800, 0.5, 20), ("High", 1_200, 0.5, 30)])
    rows["hourly_cost"] = 0.0
    m = account_matrix(rows)
    assert by_name(m, "quadrant") == {
        "Low": "Low effort",  # 200 < 400, 10 h <= 20 h
        "Mid": "Sweet spot",  # 400 = median (high), 20 h = median (low)
        "High": "Worth the effort",  # 600 >= 400, 30 h > 20 h
    }
    # four accounts: profits 100, 300, 301, 600 -> median 300.5; 300 is just below it
    rows = frame(
        [("A", 200, 0.5, 10), ("B", 600, 0.5, 10), ("C", 602, 0.5, 40), ("D", 1_200, 0.5, 40)]
    )
    rows["hourly_cost"] = 0.0
    m = account_matrix(rows)
    # effort median (10 + 40) / 2 = 25: B (300 < 300.5, 10 h) is Low effort; C (301) is high
    assert by_name(m, "quadrant")["B"] == "Low effort"
    assert by_name(m, "quadrant")["C"] == "Worth the effort"


def test_manual_decision_overrides_the_suggestion_both_ways():
    rows = frame(
        [
            # 10,000 x 0.5 - 1,000 = 4,000, return 4: suggested GO, typed NO-GO
            ("Overruled", 10_000, 0.5, 20, {"manual_decision": "NO-GO", "reason": "churning"}),
            # 5,000 x 0.2 - 1,000 = 0, return 0: suggested NO-GO, typed GO
            ("Strategic", 5_000, 0.2, 20, {"manual_decision": "GO", "reason": "new segment"}),
            # no manual decision: the suggestion holds
            ("Plain", 8_000, 0.5, 20, {"manual_decision": "", "reason": ""}),
        ]
    )
    m = account_matrix(rows, AccountRules(go_max_class="C"))
    assert by_name(m, "suggested") == {"Overruled": "GO", "Strategic": "NO-GO", "Plain": "GO"}
    assert by_name(m, "decision") == {"Overruled": "NO-GO", "Strategic": "GO", "Plain": "GO"}


def test_a_manual_decision_other_than_go_or_no_go_is_refused():
    rows = frame([("X", 1_000, 0.5, 1, {"manual_decision": "maybe"})])
    with pytest.raises(
        InputError, match="manual_decision\\[0\\]='maybe' must be GO, NO-GO or blank"
    ):
        account_matrix(rows)


def plan_matrix(rows):
    """(account, owner, decision, effort hours, profit per hour) rows as a matrix."""
    return pd.DataFrame(
        rows, columns=["account", "owner", "decision", "effort_hours", "profit_per_hour"]
    )


def test_fits_capacity_running_total_equal_to_hours_fits_one_more_hour_does_not():
    m = plan_matrix(
        [
            ("Ann60", "Ann", "GO", 60.0, 50.0),
            ("AnnNoGo", "Ann", "NO-GO", 500.0, 90.0),  # needs no hours: freed
            ("Ann40", "Ann", "GO", 40.0, 20.0),
            ("Bob60", "Bob", "GO", 60.0, 30.0),
            ("Bob41", "Bob", "GO", 41.0, 10.0),
        ]
    )
    plan = capacity_plan(m, {"Ann": 100, "Bob": 100})
    # Ann by profit per hour: AnnNoGo (90, 0 GO hours), Ann60 (60 h), Ann40 (60 + 40 = 100 h
    # = the 100 available: fits). Bob starts again at 0: 60, then 60 + 41 = 101 > 100
    assert plan["account"].tolist() == ["AnnNoGo", "Ann60", "Ann40", "Bob60", "Bob41"]
    assert plan["running_hours"].tolist() == [0, 60, 100, 60, 101]
    assert plan["fits"].tolist() == ["hours freed", "yes", "yes", "yes", "no"]
    assert plan_verdict(m, {"Ann": 100, "Bob": 100}) == "NO GO"
    assert plan_verdict(m, {"Ann": 100, "Bob": 101}) == "GO"  # 101 = 101: on the limit


def test_no_effort_ranks_first_and_no_listed_owner_never_fits():
    m = plan_matrix(
        [
            ("Big", "Ann", "GO", 100.0, 80.0),
            ("Free", "Ann", "GO", 0.0, None),  # no hours: ranked first, needs none
            ("Orphan", "", "GO", 0.0, None),  # no owner: no hours available
            ("Stray", "Zed", "GO", 5.0, 10.0),  # an owner not on the list: the same
        ]
    )
    plan = capacity_plan(m, {"Ann": 100})
    assert plan["account"].tolist() == ["Free", "Big", "Orphan", "Stray"]
    assert plan["fits"].tolist() == ["yes", "yes", "no", "no"]


def test_load_counts_go_hours_only_and_shows_no_go_hours_freed():
    m = plan_matrix(
        [
            ("A", "Ann", "GO", 70.0, 50.0),
            ("B", "Ann", "GO", 30.0, 40.0),
            ("C", "Ann", "NO-GO", 45.0, 5.0),
            ("D", "Bob", "GO", 50.0, 9.0),
        ]
    )
    cap = capacity(m, {"Ann": 100, "Bob": 40}).set_index("owner")
    # Ann: GO 70 + 30 = 100 h of 100 -> Load 100 %: on the limit, not over; 45 h freed
    assert cap.loc["Ann", "hours_needed"] == 100 and cap.loc["Ann", "hours_freed"] == 45
    assert cap.loc["Ann", "load"] == 1.0 and not cap.loc["Ann", "over_capacity"]
    # Bob: 50 h of 40 -> Load 125 %: over; D does not fit
    assert cap.loc["Bob", "load"] == 1.25 and cap.loc["Bob", "over_capacity"]
    assert cap.loc["Bob", "not_fitting"] == ["D"]


def test_a_team_of_four_with_1000_accounts_reads_no_go():
    # 1,000 accounts like this: 10,000 x 0.5 - 20 h x 50 = 4,000, return 4, every one GO
    # (tied profits are all A). 4 owners, 250 accounts each: 250 x 20 h = 5,000 h against
    # 1,200 h -> Load 5,000 / 1,200 = 417 %; 1,200 / 20 = 60 accounts fit per owner
    owners = ["Ann", "Bob", "Cem", "Dee"]
    rows = frame([(f"Account {i}", 10_000, 0.5, 20) for i in range(1_000)])
    rows["owner"] = [owners[i % 4] for i in range(1_000)]
    m = account_matrix(rows)
    hours = dict.fromkeys(owners, 1_200.0)
    assert (m["decision"] == "GO").sum() == 1_000
    cap = capacity(m, hours)
    assert cap["hours_needed"].tolist() == [5_000] * 4
    assert cap["load"].tolist() == pytest.approx([5_000 / 1_200] * 4)
    assert cap["fitting"].tolist() == [60] * 4
    assert plan_verdict(m, hours) == "NO GO"


def test_sample_of_1000_accounts_and_4_owners_reads_no_go():
    from xlsales import samples

    m = account_matrix(samples.sample_accounts(1_000))
    hours = dict.fromkeys(sorted(set(m["owner"])), 1_200.0)
    assert len(hours) == 4
    assert plan_verdict(m, hours) == "NO GO"


def test_rules_are_checked():
    with pytest.raises(InputError, match="period='week' must be one of: year, half year"):
        account_matrix(frame([("X", 1, 0.5, 1)]), AccountRules(period="week"))
    with pytest.raises(InputError, match="min_return_on_effort=-1 must be 0 or more"):
        account_matrix(frame([("X", 1, 0.5, 1)]), AccountRules(min_return_on_effort=-1))


HEADER = "account,owner,cluster,icp_fit,revenue,gross_margin,effort_hours,hourly_cost,influenceable"


def test_reader_takes_the_optional_decision_and_reason(tmp_path):
    csv = tmp_path / "accounts.csv"
    csv.write_text(
        f"{HEADER},decision,reason\n"
        "A,Ann,North,yes,100,0.4,10,60,yes,go,key account\n"
        "B,Ann,North,yes,100,0.4,10,60,yes,No-Go ,too small\n"
        "C,Ann,North,yes,100,0.4,10,60,yes,,\n"
    )
    got, _ = records.load_accounts(csv)
    assert got["manual_decision"].tolist() == ["GO", "NO-GO", ""]
    assert got["reason"].tolist() == ["key account", "too small", ""]
    plain = tmp_path / "plain.csv"
    plain.write_text(f"{HEADER}\nA,Ann,North,yes,100,0.4,10,60,yes\n")
    got, _ = records.load_accounts(plain)
    assert got["manual_decision"].tolist() == [""] and got["reason"].tolist() == [""]


def test_reader_refuses_a_bad_decision_with_file_row_and_column(tmp_path):
    csv = tmp_path / "accounts.csv"
    csv.write_text(
        f"{HEADER},decision\nA,Ann,North,yes,100,0.4,10,60,yes,GO\nB,Ann,North,yes,1,0.4,1,6,yes,maybe\n"
    )
    with pytest.raises(DataError) as info:
        records.load_accounts(csv)
    assert str(info.value) == (
        "accounts.csv row 3, column decision: 'maybe' must be GO, NO-GO or blank "
        "(blank: the suggested decision holds)"
    )


def test_cluster_and_icp_figures_unchanged():
    m = account_matrix(frame(FOCUS))
    assert accounts.outside_icp_share(m) == 0  # every hand account fits the profile
    summary = accounts.cluster_summary(m)
    assert summary.loc[0, "accounts"] == 4 and summary.loc[0, "a_accounts"] == 2  # Big, Lean
