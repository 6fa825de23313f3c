"""The account matrix: profit after effort, ABC class, GO/NO-GO, clusters and capacity.

The account-matrix template computes every column below with native formulas; these
functions are the Python statement of the same rules, and the tests hold the two
together after LibreOffice recalculates the workbook.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from xlsales import _validate as v
from xlsales.errors import InputError, UndefinedError
from xlsales.pareto import SHARE_DECIMALS, abc_classes

QUADRANTS = {
    (True, True): "Sweet spot",  # profit at or above the median, effort at or below
    (True, False): "Worth the effort",
    (False, True): "Low effort",
    (False, False): "Effort trap",
}


@dataclass(frozen=True)
class AccountRules:
    """The Inputs sheet of the account matrix.

    a, b : ABC limits as shares of total revenue (see :func:`xlsales.pareto.abc_classes`).
    go_max_class : the worst ABC class that can still be GO ("A", "B" or "C").
    min_return_on_effort : gross profit per unit of effort cost an account must return.
    hours_per_owner : hours a year each owner can spend on accounts (default capacity).
    """

    a: float = 0.8
    b: float = 0.95
    go_max_class: str = "B"
    min_return_on_effort: float = 1.5
    hours_per_owner: float = 1200.0

    def checked(self) -> AccountRules:
        v.share("a", self.a)
        v.share("b", self.b)
        if self.a >= self.b:
            raise InputError(f"a={self.a:g} must be less than b={self.b:g}")
        v.choice("go_max_class", self.go_max_class, ("A", "B", "C"))
        v.non_negative("min_return_on_effort", self.min_return_on_effort)
        v.non_negative("hours_per_owner", self.hours_per_owner)
        return self


def account_matrix(accounts: pd.DataFrame, rules: AccountRules = AccountRules()) -> pd.DataFrame:
    """Every computed column of the account matrix, rows sorted by revenue, largest first.

    Notes
    -----
    ::

        gross_profit   = revenue * gross_margin
        effort_cost    = effort_hours * hourly_cost
        profit         = gross_profit - effort_cost           (profit after effort)
        revenue_share  = revenue / total revenue
        abc            = abc_classes(revenue, a, b)
        go_class       = abc <= go_max_class                  ("A" < "B" < "C")
        go_influence   = influenceable = "yes"
        go_owner       = owner is not blank
        go_return      = effort_cost = 0 or gross_profit / effort_cost >= min_return_on_effort
        decision       = "GO" if all four hold, else "NO-GO"
        quadrant       = profit >= median(profit) and effort_hours <= median(effort_hours):
                         Sweet spot; high profit, high effort: Worth the effort;
                         low profit, low effort: Low effort; else Effort trap

    Rows tied on revenue keep their input order. No rounding.

    Examples
    --------
    >>> frame = pd.DataFrame({"account": ["Acme", "Brix"], "owner": ["Ann", ""],
    ...     "cluster": ["Retail", "Retail"], "icp_fit": ["yes", "no"],
    ...     "revenue": [90_000.0, 10_000.0], "gross_margin": [0.4, 0.5],
    ...     "effort_hours": [100.0, 80.0], "hourly_cost": [60.0, 60.0],
    ...     "influenceable": ["yes", "yes"]})
    >>> m = account_matrix(frame)
    >>> m[["account", "profit", "abc", "decision", "quadrant"]].values.tolist()
    [['Acme', 30000.0, 'A', 'GO', 'Worth the effort'], ['Brix', 200.0, 'B', 'NO-GO', 'Low effort']]
    """
    rules = rules.checked()
    if accounts.empty:
        raise InputError("accounts is empty: at least one account is required")
    m = accounts.sort_values("revenue", ascending=False, kind="stable").reset_index(drop=True)
    total = m["revenue"].sum()
    if total <= 0:
        raise UndefinedError("revenue adds up to 0: revenue shares and ABC classes are undefined")
    m["gross_profit"] = m["revenue"] * m["gross_margin"]
    m["effort_cost"] = m["effort_hours"] * m["hourly_cost"]
    m["profit"] = m["gross_profit"] - m["effort_cost"]
    m["revenue_share"] = m["revenue"] / total
    m["abc"] = abc_classes(m["revenue"].to_numpy(), rules.a, rules.b)
    m["go_class"] = m["abc"] <= rules.go_max_class
    m["go_influence"] = m["influenceable"] == "yes"
    m["go_owner"] = m["owner"].str.strip() != ""
    ratio = m["gross_profit"] / m["effort_cost"].where(m["effort_cost"] != 0)
    m["go_return"] = (m["effort_cost"] == 0) | (
        ratio.round(SHARE_DECIMALS) >= rules.min_return_on_effort
    )
    go = m[["go_class", "go_influence", "go_owner", "go_return"]].all(axis=1)
    m["decision"] = go.map({True: "GO", False: "NO-GO"})
    high_profit = m["profit"] >= m["profit"].median()
    low_effort = m["effort_hours"] <= m["effort_hours"].median()
    m["quadrant"] = [QUADRANTS[key] for key in zip(high_profit, low_effort)]
    return m


def cluster_summary(matrix: pd.DataFrame) -> pd.DataFrame:
    """Per cluster: accounts, revenue, effort hours, profit and the share of A accounts.

    Clusters in order of first appearance in the (sorted) matrix.
    """
    groups = matrix.groupby("cluster", sort=False)
    out = groups.agg(
        accounts=("account", "size"),
        revenue=("revenue", "sum"),
        effort_hours=("effort_hours", "sum"),
        profit=("profit", "sum"),
        a_accounts=("abc", lambda s: int((s == "A").sum())),
    ).reset_index()
    out["a_share"] = out["a_accounts"] / out["accounts"]
    return out


def capacity(matrix: pd.DataFrame, hours_available: dict[str, float]) -> pd.DataFrame:
    """Per owner: accounts, hours needed (sum of effort), hours available, utilisation.

    ``over_capacity`` when hours needed exceed hours available. Owners listed in
    ``hours_available`` come first, in its order; an owner with no hours listed has 0.
    """
    owners = list(hours_available) + [
        o for o in dict.fromkeys(matrix["owner"]) if o not in hours_available
    ]
    rows = []
    for owner in owners:
        mine = matrix[matrix["owner"] == owner]
        needed = float(mine["effort_hours"].sum())
        available = float(hours_available.get(owner, 0.0))
        rows.append(
            {
                "owner": owner,
                "accounts": len(mine),
                "hours_needed": needed,
                "hours_available": available,
                "utilisation": needed / available if available else None,
                "over_capacity": needed > available,
            }
        )
    return pd.DataFrame(rows)


def outside_icp_share(matrix: pd.DataFrame) -> float:
    """Share of revenue (won business) from accounts outside the ideal customer profile.

    ::

        share = revenue of accounts with icp_fit = "no" / total revenue
    """
    return float(matrix.loc[matrix["icp_fit"] == "no", "revenue"].sum() / matrix["revenue"].sum())
