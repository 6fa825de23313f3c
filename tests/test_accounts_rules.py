"""Hand-worked cases that kill the mutants scripts/mutation.sh found alive in
xlsales/accounts.py (docs/mutation.md): every rule named in its message, and each limit
of the account rules on the limit and beside it.
"""

from __future__ import annotations

import pandas as pd
import pytest

from xlsales import accounts
from xlsales.accounts import AccountRules, account_matrix, capacity_plan
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
        (AccountRules(period="week"), "period='week' must be one of: year, half year, quarter, month"),
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
