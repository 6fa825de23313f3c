"""Hand-worked cases that kill the mutants scripts/mutation.sh found alive in
xlsales/accounts.py (docs/mutation.md): every rule named in its message, and each limit
of the account rules on the limit and beside it.
"""

from __future__ import annotations

import pandas as pd
import pytest

from xlsales import accounts
from xlsales.accounts import AccountRules, account_matrix, capacity, capacity_plan
from xlsales.errors import InputError, UndefinedError


def frame(rows):
    """(account, owner, revenue, gross_margin, effort_hours, influenceable) rows, 50 an hour."""
    return pd.DataFrame(
        [
            {"account": a, "owner": o, "cluster": "North", "icp_fit": "yes", "revenue": float(r),
             "gross_margin": g, "effort_hours": float(h), "hourly_cost": 50.0, "influenceable": i}
            for a, o, r, g, h, i in rows
        ]
    )  # fmt: skip


ONE = frame([("Acme", "Ann", 10_000, 0.25, 20, "yes")])


@pytest.mark.parametrize(
    "rules, message",
    [
        (AccountRules(a=0.0), "a=0 must be in (0, 1] (a rate, 0.25 for 25%)"),
        (AccountRules(b=1.5), "b=1.5 must be in (0, 1] (a rate, 0.25 for 25%)"),
        (AccountRules(a=0.9, b=0.9), "a=0.9 must be less than b=0.9"),  # on the limit
        (AccountRules(go_max_class="D"), "go_max_class='D' must be one of: A, B, C"),
        (AccountRules(min_return_on_effort=-1), "min_return_on_effort=-1 must be 0 or more"),
        (AccountRules(hours_per_owner=-1), "hours_per_owner=-1 must be 0 or more"),
        (
            AccountRules(period="week"),
            "period='week' must be one of: year, half year, quarter, month",
        ),
    ],
)
def test_each_bad_rule_is_named_with_its_value_and_rule(rules, message):
    with pytest.raises(InputError) as info:
        account_matrix(ONE, rules)
    assert str(info.value) == message


def test_a_just_below_b_is_accepted():
    # a = 0.9 < b = 0.91: one account of 10,000 holds 100 % of revenue: class A... the
    # share reached before it is 0, below a: A
    assert account_matrix(ONE, AccountRules(a=0.9, b=0.91))["abc"].tolist() == ["A"]


def test_bad_tables_are_named():
    with pytest.raises(InputError) as info:
        account_matrix(ONE.iloc[:0])
    assert str(info.value) == "accounts is empty: at least one account is required"
    with pytest.raises(InputError) as info:
        account_matrix(ONE.assign(manual_decision=["maybe"]))
    assert str(info.value) == "manual_decision[0]='maybe' must be GO, NO-GO or blank"
    with pytest.raises(UndefinedError) as info:
        account_matrix(ONE.assign(revenue=[0.0]))
    assert str(info.value) == "revenue adds up to 0: revenue shares and ABC classes are undefined"
    with pytest.raises(InputError) as info:
        capacity_plan(account_matrix(ONE), {"Ann": -5})
    assert str(info.value) == "hours_available['Ann']=-5 must be 0 or more"


def test_focus_order_by_profit_largest_first_ties_in_matrix_order():
    # profits 100, 300, 100, 200 on rows labelled 10-13: positions by profit, largest
    # first: 300 (position 1), 200 (3), then the two 100s in matrix order (0, 2)
    m = pd.DataFrame({"profit": [100.0, 300.0, 100.0, 200.0]}, index=[10, 11, 12, 13])
    assert accounts.focus_order(m) == [1, 3, 0, 2]
    # 40 rows, two profits taking turns: every 9 (odd positions) before every 5 (even
    # positions), each group in matrix order (a stable sort)
    many = pd.DataFrame({"profit": [5.0 if i % 2 == 0 else 9.0 for i in range(40)]})
    assert accounts.focus_order(many) == list(range(1, 40, 2)) + list(range(0, 40, 2))


def plan(rows):
    """(account, owner, decision, effort hours, profit per hour) rows as a matrix."""
    return pd.DataFrame(
        rows, columns=["account", "owner", "decision", "effort_hours", "profit_per_hour"]
    )


def test_capacity_rows_for_every_listed_owner_and_one_for_the_unlisted():
    m = plan(
        [
            ("A", "Ann", "GO", 30.0, 10.0),
            ("B", "Ann", "NO-GO", 20.0, 5.0),
            ("C", "", "GO", 10.0, 8.0),  # no owner: no hours
            ("D", "Zed", "NO-GO", 4.0, 1.0),  # an owner not listed: the same row
        ]
    )
    # Cem is listed with 0 hours and no account; Bob, the last listed, has none either
    cap = capacity(m, {"Ann": 60.0, "Cem": 0.0, "Bob": 10.0})
    assert list(cap.columns) == ["owner", "accounts", "go_accounts", "hours_needed",
                                 "hours_freed", "hours_available", "load", "fitting",
                                 "not_fitting", "over_capacity"]  # fmt: skip
    assert cap["owner"].tolist() == ["Ann", "Cem", "Bob", "(no listed owner)"]
    assert cap["accounts"].tolist() == [2, 0, 0, 2]
    assert cap["go_accounts"].tolist() == [1, 0, 0, 1]
    # Ann: 30 GO hours of 60 = 0.5, 20 freed; Cem: no hours: load None; Bob 0 / 10 = 0;
    # the unlisted: 10 GO hours (C) of 0 available: load None, over capacity, C does not fit
    assert cap["hours_needed"].tolist() == [30.0, 0.0, 0.0, 10.0]
    assert cap["hours_freed"].tolist() == [20.0, 0.0, 0.0, 4.0]
    assert cap["hours_available"].tolist() == [60.0, 0.0, 10.0, 0.0]
    load = cap["load"].tolist()  # None in the rows, NaN in the column
    assert (load[0], load[2]) == (0.5, 0.0) and cap["load"].isna().tolist() == [
        False,
        True,
        False,
        True,
    ]
    assert cap["over_capacity"].tolist() == [False, False, False, True]
    assert cap["not_fitting"].tolist() == [[], [], [], ["C"]]
    # with every account listed there is no unlisted row
    assert capacity(m.iloc[:2], {"Ann": 60.0})["owner"].tolist() == ["Ann"]


def test_cluster_summary_in_order_of_first_appearance():
    m = pd.DataFrame(
        {
            "account": ["W", "X", "Y", "Z"],
            "cluster": ["South", "North", "South", "South"],
            "revenue": [50.0, 30.0, 15.0, 5.0],
            "effort_hours": [10.0, 20.0, 30.0, 40.0],
            "profit": [7.0, 6.0, -1.0, 2.0],
            "abc": ["A", "A", "B", "C"],
        }
    )
    got = accounts.cluster_summary(m)
    assert list(got.columns) == ["cluster", "accounts", "revenue", "effort_hours", "profit",
                                 "a_accounts", "a_share"]  # fmt: skip
    # South: W, Y, Z: revenue 50 + 15 + 5 = 70, hours 10 + 30 + 40 = 80, profit
    # 7 - 1 + 2 = 8, one A of 3 accounts = 1/3; North: X alone, A: 1 of 1
    assert got.values.tolist() == [
        ["South", 3, 70.0, 80.0, 8.0, 1, pytest.approx(1 / 3)],
        ["North", 1, 30.0, 20.0, 6.0, 1, 1.0],
    ]


def test_outside_icp_share_of_revenue():
    # 25 of 100 from accounts with icp_fit "no"; "yes" and "maybe" are not outside
    m = pd.DataFrame({"icp_fit": ["no", "yes", "maybe", "no"], "revenue": [20.0, 50, 25, 5]})
    assert accounts.outside_icp_share(m) == 0.25


def test_matrix_rows_by_revenue_largest_first_ties_in_input_order():
    # input smallest first: the matrix puts 300 first; index 0.. with no "index" column
    m = account_matrix(
        frame([("Low", "Ann", 100, 0.5, 1, "yes"), ("High", "Ann", 300, 0.5, 1, "yes"),
               ("Mid", "Ann", 200, 0.5, 1, "yes")]).set_axis([7, 8, 9])
    )  # fmt: skip
    assert m["account"].tolist() == ["High", "Mid", "Low"]
    assert m.index.tolist() == [0, 1, 2] and "index" not in m.columns
    # 40 accounts, two revenues taking turns: each revenue's accounts keep input order
    many = account_matrix(
        frame([(f"A{i}", "Ann", 100 if i % 2 else 50, 0.5, 1, "yes") for i in range(40)])
    )
    assert many["account"].tolist() == [f"A{i}" for i in range(1, 40, 2)] + [
        f"A{i}" for i in range(0, 40, 2)
    ]


def test_reason_column_added_blank_or_kept():
    assert account_matrix(ONE)["reason"].tolist() == [""]
    given = ONE.assign(manual_decision=["NO-GO"], reason=["moving away"])
    m = account_matrix(given)
    assert (m.loc[0, "decision"], m.loc[0, "reason"]) == ("NO-GO", "moving away")


def test_profit_class_uses_the_b_limit_given():
    # profits after effort (50 an hour, 1 hour each): 9,000 x 1 - 50 = 8,950 and so on:
    # 8,950, 950, 50, 50 -> total 10,000. Shares of the larger ones: 0, 0.895, 0.99, 0.99.
    # a = 0.8, b = 0.9: 8,950 A; 950 (0.895 < 0.9) B; the two 50s (0.99) C.
    # b = 0.89: 950 (0.895, not < 0.89) is C too (the default 0.95 would make it B)
    rows = frame([("P", "Ann", 9_000, 1.0, 1, "yes"), ("Q", "Ann", 1_000, 1.0, 1, "yes"),
                  ("R", "Ann", 100, 1.0, 1, "yes"), ("S", "Ann", 100, 1.0, 1, "yes")])  # fmt: skip
    assert account_matrix(rows, AccountRules(b=0.9))["abc_profit"].tolist() == list("ABCC")
    assert account_matrix(rows, AccountRules(b=0.89))["abc_profit"].tolist() == list("ACCC")
    # 0.99: the 50s share 0.99 exactly: C (on the limit); 0.9901 would make them B
    assert account_matrix(rows, AccountRules(b=0.99))["abc_profit"].tolist() == list("ABCC")
    assert account_matrix(rows, AccountRules(b=0.9901))["abc_profit"].tolist() == list("ABBB")


def test_capacity_plan_keeps_matrix_order_on_a_tie_and_the_row_of_each_account():
    m = plan(
        [
            ("A", "Ann", "GO", 10.0, 5.0),
            ("B", "Ann", "GO", 10.0, 5.0),  # tied with A on owner, effort, profit per hour
            ("C", "Ann", "GO", 10.0, 9.0),
            ("D", "", "GO", 10.0, 9.0),  # no listed owner: 0 hours available
        ]
    ).set_axis([30, 20, 10, 0])
    got = capacity_plan(m, {"Ann": 15.0})
    assert list(got.columns) == ["account", "owner", "decision", "effort_hours",
                                 "profit_per_hour", "row", "owner_number", "go_hours",
                                 "running_hours", "hours_available", "fits"]  # fmt: skip
    # C (9 an hour) first, then A before B (matrix order); D last
    assert got["account"].tolist() == ["C", "A", "B", "D"]
    assert got["row"].tolist() == [2, 0, 1, 3]  # positions in the matrix
    assert got["running_hours"].tolist() == [10.0, 20.0, 30.0, 10.0]
    assert got["hours_available"].tolist() == [15.0, 15.0, 15.0, 0.0]
    assert got["fits"].tolist() == ["yes", "no", "no", "no"]


def test_manual_decision_blank_or_padded():
    # " GO " reads GO; a blank (None) leaves the suggestion: Acme 10,000 x 0.25 - 1,000 =
    # 1,500, return 1.5, class A, influenceable: GO; Brix influenceable "no": NO-GO
    rows = frame([("Acme", "Ann", 10_000, 0.25, 20, "no"), ("Brix", "Ann", 5_000, 0.25, 20, "no")])
    m = account_matrix(rows.assign(manual_decision=[" GO ", None]))
    assert m["manual_decision"].tolist() == ["GO", ""]
    assert m["suggested"].tolist() == ["NO-GO", "NO-GO"]
    assert m["decision"].tolist() == ["GO", "NO-GO"]


def test_revenue_adding_up_to_1_is_enough_and_shares_are_of_the_total():
    # 0.25 + 0.75 = 1: above 0, so shares exist: 0.75 and 0.25 (largest first)
    rows = frame([("Acme", "Ann", 0.25, 0.5, 0, "yes"), ("Brix", "Ann", 0.75, 0.5, 0, "yes")])
    assert account_matrix(rows)["revenue_share"].tolist() == [0.75, 0.25]
    rows = frame([("Acme", "Ann", 300, 0.5, 0, "yes"), ("Brix", "Ann", 100, 0.5, 0, "yes")])
    assert account_matrix(rows)["revenue_share"].tolist() == [0.75, 0.25]


def test_effort_costing_exactly_1_has_a_return():
    # 10,000 x 0.25 = 2,500; 1 hour at 1.00 = 1.00 effort cost; return 2,499 / 1 = 2,499
    m = account_matrix(ONE.assign(effort_hours=[1.0], hourly_cost=[1.0]))
    assert (m.loc[0, "profit"], m.loc[0, "return_on_effort"]) == (2_499.0, 2_499.0)
    # revenue 1: 1 x 0.25 - 1 = -0.75, a return of -0.75 below the 0.5 minimum: NO-GO
    m = account_matrix(ONE.assign(revenue=[1.0], effort_hours=[1.0], hourly_cost=[1.0]))
    assert (m.loc[0, "return_on_effort"], bool(m.loc[0, "go_return"])) == (-0.75, False)


def test_revenue_class_uses_the_b_limit_given_and_go_class_up_to_the_worst_allowed():
    # revenues 8,950, 950, 50, 50 (total 10,000): shares of the larger ones 0, 0.895,
    # 0.99, 0.99. b = 0.89: 950 is C (0.895 is not < 0.89); the default 0.95: B
    rows = frame([("P", "Ann", 8_950, 1.0, 0, "yes"), ("Q", "Ann", 950, 1.0, 0, "yes"),
                  ("R", "Ann", 50, 1.0, 0, "yes"), ("S", "Ann", 50, 1.0, 0, "yes")])  # fmt: skip
    assert account_matrix(rows, AccountRules(b=0.89))["abc"].tolist() == list("ACCC")
    assert account_matrix(rows)["abc"].tolist() == list("ABCC")
    # no effort: profit = revenue, so the class by profit is the same: A B C C.
    # go_max_class B: A and B (on the limit) are GO, C not; go_max_class A: only A
    m = account_matrix(rows)
    assert m["go_class"].tolist() == [True, True, False, False]
    assert m["decision"].tolist() == ["GO", "GO", "NO-GO", "NO-GO"]
    m = account_matrix(rows, AccountRules(go_max_class="A"))
    assert m["go_class"].tolist() == [True, False, False, False]


def test_owner_numbers_each_owner_text_looked_up_as_excel_match_does():
    # owners listed: 1 Ann, 2 " bob ", 3 ANN (a second Ann: MATCH takes the first), 4 a
    # blank (never matched); 5 = unlisted. Read as text, trimmed, any case:
    # "ann" -> 1, "BOB " -> 2, "Ann" -> 1 again (the same text looked up once more),
    # None -> "None" -> 5, "" -> 5, 7 -> "7" -> 5, "Cy" -> 5
    owners = ["Ann", " bob ", "ANN", ""]
    m = pd.DataFrame({"owner": ["ann", "BOB ", "Ann", None, "", 7, "Cy"]}).set_axis(
        [6, 5, 4, 3, 2, 1, 0]
    )
    got = accounts._owner_numbers(m, owners)
    assert got.tolist() == [1, 2, 1, 5, 5, 5, 5]
    assert got.index.tolist() == [6, 5, 4, 3, 2, 1, 0] and got.dtype == "int64"
    # no rows: no numbers
    assert accounts._owner_numbers(m.iloc[:0], owners).tolist() == []


def ann_acme_brix():
    """Ann's two GO accounts: Acme 60 h at 50 an hour, Brix 50 h at 20 an hour."""
    return pd.DataFrame(
        {"account": ["Acme", "Brix"], "owner": ["Ann", "Ann"], "decision": ["GO", "GO"],
         "effort_hours": [60.0, 50.0], "profit_per_hour": [50.0, 20.0]}
    )  # fmt: skip


def test_capacity_and_verdict_take_the_plan_already_computed():
    # Ann has 100 hours: Acme (60 h) fits, Brix (50 h) takes her to 110 and does not;
    # given the same plan both answer as without it; given a plan where every account
    # fits, the verdict is read from that plan (it is not computed again)
    m = ann_acme_brix()
    plan = capacity_plan(m, {"Ann": 100})
    pd.testing.assert_frame_equal(capacity(m, {"Ann": 100}, plan), capacity(m, {"Ann": 100}))
    assert capacity(m, {"Ann": 100}, plan).iloc[0]["not_fitting"] == ["Brix"]
    assert accounts.plan_verdict(m, {"Ann": 100}, plan) == "NO GO"
    assert accounts.plan_verdict(m, {"Ann": 100}, plan.assign(fits="yes")) == "GO"


# --- stop 13: _owner_numbers and capacity, changed since the full run (docs/mutation.md,
# "Changed modules re-scored (stop 13)") -------------------------------------------------


def test_an_owner_text_ending_in_a_nul_character_is_not_that_owner():
    # owners: 1 Ann; 2 = unlisted. "Ann " ends in a space, which is trimmed (as TRIM does):
    # Ann, 1. "Ann\x00" ends in a NUL character, which is not a space: not Ann, 2 (numpy's
    # fixed-width strings would drop a trailing NUL and make it Ann)
    m = pd.DataFrame({"owner": ["Ann ", "Ann\x00"]})
    assert accounts._owner_numbers(m, ["Ann"]).tolist() == [1, 2]


def test_capacity_reads_the_plan_given():
    # Ann has 100 hours: Acme (60 h) fits, Brix (50 h) takes her to 110 and does not.
    # Given a plan in which every account fits, capacity reads that plan (it is not
    # computed again): 2 fitting, none not fitting; the hours are the matrix's either way
    m = ann_acme_brix()
    plan = capacity_plan(m, {"Ann": 100})
    assert capacity(m, {"Ann": 100}).iloc[0][["fitting", "not_fitting"]].tolist() == [1, ["Brix"]]
    got = capacity(m, {"Ann": 100}, plan.assign(fits="yes")).iloc[0]
    assert got[["fitting", "not_fitting", "hours_needed"]].tolist() == [2, [], 110.0]
