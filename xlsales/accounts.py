"""The account matrix: profit after effort, ABC classes, GO/NO-GO, clusters and capacity.

The definitions are those of DOMAIN.md, "Accounts: focus, GO/NO-GO and capacity", and
docs/definitions.md where DOMAIN.md is silent. The account-matrix template computes
every column below with native formulas; these functions are the Python statement of
the same rules, and the tests hold the two together after LibreOffice recalculates the
workbook.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
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
DECISIONS = ("GO", "NO-GO")
PERIODS = ("year", "half year", "quarter", "month")
NO_OWNER = "(no listed owner)"
FREED = "hours freed"  # what Fits capacity says of a NO-GO account


@dataclass(frozen=True)
class AccountRules:
    """The Inputs sheet of the account matrix.

    a, b : ABC limits as shares of the total (see :func:`xlsales.pareto.abc_classes`);
        the same limits serve the class by revenue and the class by profit after effort.
    go_max_class : the worst class by profit after effort that can still be GO.
    min_return_on_effort : profit after effort per unit of effort cost an account must
        return (0.5 = 0.50 left over for every 1.00 of effort, after paying for it).
    hours_per_owner : hours each owner can spend on accounts per period (default capacity).
    period : the period of the hours: effort hours and hours available are per period.
    """

    a: float = 0.8
    b: float = 0.95
    go_max_class: str = "B"
    min_return_on_effort: float = 0.5
    hours_per_owner: float = 1200.0
    period: str = "year"

    def checked(self) -> AccountRules:
        v.share("a", self.a)
        v.share("b", self.b)
        if self.a >= self.b:
            raise InputError(f"a={self.a:g} must be less than b={self.b:g}")
        v.choice("go_max_class", self.go_max_class, ("A", "B", "C"))
        v.non_negative("min_return_on_effort", self.min_return_on_effort)
        v.non_negative("hours_per_owner", self.hours_per_owner)
        v.choice("period", self.period, PERIODS)
        return self


def _profit_classes(profit: pd.Series, a: float, b: float) -> list[str]:
    """abc_classes on profit after effort with negatives="last"; no profit above 0: all C."""
    try:
        return abc_classes(profit.to_numpy(), a, b, negatives="last")
    except UndefinedError:  # no account earns more than its effort costs
        return ["C"] * len(profit)


def effort_figures(accounts: pd.DataFrame) -> pd.DataFrame:
    """Gross profit, effort cost, profit after effort, return on effort, profit per hour.

    ::

        gross_profit     = revenue * gross_margin
        effort_cost      = effort_hours * hourly_cost
        profit           = gross_profit - effort_cost            (profit after effort)
        return_on_effort = profit / effort_cost    (None when effort_cost = 0)
        profit_per_hour  = profit / effort_hours   (None when effort_hours = 0)

    >>> f = effort_figures(pd.DataFrame({"revenue": [10_000.0], "gross_margin": [0.25],
    ...     "effort_hours": [20.0], "hourly_cost": [50.0]}))
    >>> f[["profit", "return_on_effort", "profit_per_hour"]].values.tolist()
    [[1500.0, 1.5, 75.0]]
    """
    m = accounts.copy()
    m["gross_profit"] = m["revenue"] * m["gross_margin"]
    m["effort_cost"] = m["effort_hours"] * m["hourly_cost"]
    m["profit"] = m["gross_profit"] - m["effort_cost"]
    cost = m["effort_cost"].where(m["effort_cost"] != 0)
    ratio = m["profit"] / cost
    m["return_on_effort"] = ratio.astype(object).where(cost.notna(), None)
    per_hour = m["profit"] / m["effort_hours"].where(m["effort_hours"] != 0)
    m["profit_per_hour"] = per_hour.astype(object).where(per_hour.notna(), None)
    return m


def account_matrix(accounts: pd.DataFrame, rules: AccountRules = AccountRules()) -> pd.DataFrame:
    """Every computed column of the account matrix, rows sorted by revenue, largest first.

    Parameters
    ----------
    accounts : DataFrame
        The columns of :data:`xlsales.records.ACCOUNT_COLUMNS`; optionally
        ``manual_decision`` ("GO", "NO-GO" or "" for none) and ``reason``.
    rules : AccountRules
        Limits, GO criteria and capacity.

    Returns
    -------
    DataFrame
        The input columns plus the computed ones named in Notes.

    Raises
    ------
    InputError
        No accounts, a bad rule, or a manual decision other than GO, NO-GO or blank.
    UndefinedError
        Revenue adds up to 0 (revenue shares and the revenue class do not exist).

    Notes
    -----
    ::

        gross_profit      = revenue * gross_margin
        effort_cost       = effort_hours * hourly_cost
        profit            = gross_profit - effort_cost                 (profit after effort)
        return_on_effort  = profit / effort_cost      (None when effort_cost = 0)
        profit_per_hour   = profit / effort_hours     (None when effort_hours = 0)
        revenue_share     = revenue / total revenue
        abc               = abc_classes(revenue, a, b)                 (class by revenue)
        abc_profit        = abc_classes(profit, a, b, negatives="last") (class by profit)
                            every account C when no profit is above 0
        go_class          = abc_profit <= go_max_class                 ("A" < "B" < "C")
        go_return         = effort_cost = 0  or  ROUND(return_on_effort, 12) >= minimum
        go_influence      = influenceable = "yes"
        suggested         = "GO" if all three hold, else "NO-GO"
        decision          = manual_decision where given, else suggested
        quadrant          = profit >= median(profit) and effort_hours <= median(effort_hours):
                            Sweet spot; high profit, high effort: Worth the effort;
                            low profit, low effort: Low effort; else Effort trap

    The owner plays no part in the suggestion: an account without a listed owner has
    no hours, so a GO account without one never fits capacity (:func:`capacity_plan`).
    Rows tied on revenue keep their input order. No rounding but the 12 decimals of
    the return-on-effort comparison.

    References
    ----------
    The account-matrix template, ``Accounts`` sheet (and ``Focus`` for the class by
    profit after effort).

    Examples
    --------
    Acme brings 90,000 at 40 % margin for 100 hours at 60: profit after effort
    36,000 - 6,000 = 30,000, return on effort 30,000 / 6,000 = 5. Brix brings 10,000 at
    50 % for 80 hours at 50: 5,000 - 4,000 = 1,000, a return of 0.25, below the 0.5 minimum.

    >>> frame = pd.DataFrame({"account": ["Acme", "Brix"], "owner": ["Ann", ""],
    ...     "cluster": ["Retail", "Retail"], "icp_fit": ["yes", "no"],
    ...     "revenue": [90_000.0, 10_000.0], "gross_margin": [0.4, 0.5],
    ...     "effort_hours": [100.0, 80.0], "hourly_cost": [60.0, 50.0],
    ...     "influenceable": ["yes", "yes"]})
    >>> m = account_matrix(frame)
    >>> m[["account", "profit", "return_on_effort", "abc_profit", "decision"]].values.tolist()
    [['Acme', 30000.0, 5.0, 'A', 'GO'], ['Brix', 1000.0, 0.25, 'C', 'NO-GO']]
    """
    rules = rules.checked()
    if accounts.empty:
        raise InputError("accounts is empty: at least one account is required")
    m = accounts.sort_values("revenue", ascending=False, kind="stable").reset_index(drop=True)
    if "manual_decision" not in m:
        m["manual_decision"] = ""
    if "reason" not in m:
        m["reason"] = ""
    m["manual_decision"] = m["manual_decision"].fillna("").astype(str).str.strip()
    bad = m.loc[~m["manual_decision"].isin(("", *DECISIONS)), "manual_decision"]
    if len(bad):
        raise InputError(
            f"manual_decision[{bad.index[0]}]={bad.iloc[0]!r} must be GO, NO-GO or blank"
        )
    total = m["revenue"].sum()
    if total <= 0:
        raise UndefinedError("revenue adds up to 0: revenue shares and ABC classes are undefined")
    m = effort_figures(m)
    cost = m["effort_cost"].where(m["effort_cost"] != 0)
    ratio = m["profit"] / cost
    m["revenue_share"] = m["revenue"] / total
    m["abc"] = abc_classes(m["revenue"].to_numpy(), rules.a, rules.b)
    m["abc_profit"] = _profit_classes(m["profit"], rules.a, rules.b)
    m["go_class"] = m["abc_profit"] <= rules.go_max_class
    m["go_return"] = cost.isna() | (ratio.round(SHARE_DECIMALS) >= rules.min_return_on_effort)
    m["go_influence"] = m["influenceable"] == "yes"
    go = m[["go_class", "go_return", "go_influence"]].all(axis=1)
    m["suggested"] = go.map({True: "GO", False: "NO-GO"})
    m["decision"] = m["manual_decision"].where(m["manual_decision"] != "", m["suggested"])
    high_profit = m["profit"] >= m["profit"].median()
    low_effort = m["effort_hours"] <= m["effort_hours"].median()
    m["quadrant"] = [QUADRANTS[key] for key in zip(high_profit, low_effort)]
    return m


def focus_order(matrix: pd.DataFrame) -> list[int]:
    """Row positions of ``matrix`` by profit after effort, largest first (ties: matrix order).

    The order of the template's Focus sheet, where the class by profit after effort is
    a running total.
    """
    return (
        matrix["profit"]
        .reset_index(drop=True)
        .sort_values(ascending=False, kind="stable")
        .index.tolist()
    )


def _owner_numbers(matrix: pd.DataFrame, owners: list[str]) -> pd.Series:
    """1-based place of each account's owner in ``owners`` (first match, any case, like
    Excel's MATCH); blank or unlisted: len + 1."""
    place: dict[str, int] = {}
    for i, owner in enumerate(owners, start=1):
        if owner.strip():
            place.setdefault(owner.strip().casefold(), i)
    if matrix.empty:
        return matrix["owner"].copy()  # as Series.map gives it: no rows, the same dtype
    # each distinct text looked up once (a 50,000-account matrix has a few owners)
    texts = np.array([str(o) for o in matrix["owner"].tolist()], dtype=object)
    codes, distinct = pd.factorize(texts)
    found = [place.get(text.strip().casefold(), len(owners) + 1) for text in distinct]
    return pd.Series(
        np.array(found, dtype=np.int64)[codes], index=matrix.index, name="owner", dtype=np.int64
    )


def plan_order(matrix: pd.DataFrame, owners: list[str]) -> list[int]:
    """Row positions of ``matrix`` in capacity-plan order (see :func:`capacity_plan`).

    Listed owners in their order, blank or unlisted owners last; within an owner the
    accounts without effort hours first, then profit per hour, largest first; ties keep
    the matrix order. ``matrix`` needs owner, effort_hours and profit_per_hour.
    """
    key = pd.DataFrame(
        {
            "owner": _owner_numbers(matrix, owners).to_numpy(),
            "effort": (matrix["effort_hours"] != 0).to_numpy(),
            "per_hour": matrix["profit_per_hour"].astype(float).fillna(0.0).to_numpy(),
            "row": range(len(matrix)),
        }
    )
    order = key.sort_values(
        ["owner", "effort", "per_hour", "row"], ascending=[True, True, False, True], kind="stable"
    )
    return order["row"].tolist()


def capacity_plan(matrix: pd.DataFrame, hours_available: dict[str, float]) -> pd.DataFrame:
    """Fits capacity: per owner, GO accounts ranked by profit per hour, hours accumulated.

    Parameters
    ----------
    matrix : DataFrame
        The result of :func:`account_matrix`.
    hours_available : dict
        Hours per period for each listed owner, in the order the template lists them.

    Returns
    -------
    DataFrame
        One row per account in plan order, with ``row`` (its position in ``matrix``),
        ``owner_number``, ``go_hours``, ``running_hours``, ``hours_available`` and
        ``fits`` ("yes", "no", or "hours freed" for a NO-GO account).

    Notes
    -----
    ::

        order          = owner_number (listed owners in order; blank/unlisted last),
                         then accounts without effort hours first,
                         then profit_per_hour, largest first, then matrix order
        go_hours       = effort_hours if decision = "GO" else 0
        running_hours  = go_hours + running_hours of the row above when it has the
                         same owner_number, else go_hours         (restarts per owner)
        fits           = "hours freed" if decision = "NO-GO"
                         else "yes" if the owner is listed and running_hours <= hours available
                         else "no"

    An account with no effort needs no hours and is ranked first; an account with a
    blank or unlisted owner has no hours available and never fits.

    Examples
    --------
    Ann has 100 hours: Acme (60 h, 50 an hour) fits; Brix (50 h, 20 an hour) would take
    her to 110 hours and does not.

    >>> m = pd.DataFrame({"account": ["Acme", "Brix"], "owner": ["Ann", "Ann"],
    ...     "decision": ["GO", "GO"], "effort_hours": [60.0, 50.0],
    ...     "profit_per_hour": [50.0, 20.0]})
    >>> capacity_plan(m, {"Ann": 100})[["account", "running_hours", "fits"]].values.tolist()
    [['Acme', 60.0, 'yes'], ['Brix', 110.0, 'no']]
    """
    owners = list(hours_available)
    for owner, hours in hours_available.items():
        v.non_negative(f"hours_available[{owner!r}]", hours)
    plan = matrix.reset_index(drop=True)
    plan = plan.assign(row=range(len(plan)), owner_number=_owner_numbers(plan, owners))
    plan = plan.iloc[plan_order(plan, owners)].reset_index(drop=True)
    go = plan["decision"] == "GO"
    plan["go_hours"] = plan["effort_hours"].where(go, 0.0).astype(float)
    plan["running_hours"] = plan.groupby("owner_number", sort=False)["go_hours"].cumsum()
    listed = plan["owner_number"] <= len(owners)
    plan["hours_available"] = [
        float(hours_available[owners[k - 1]]) if k <= len(owners) else 0.0
        for k in plan["owner_number"]
    ]
    fits = listed & (plan["running_hours"] <= plan["hours_available"])
    plan["fits"] = [FREED if not g else "yes" if f else "no" for g, f in zip(go, fits)]
    return plan


def capacity(
    matrix: pd.DataFrame, hours_available: dict[str, float], plan: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Per owner: accounts, GO hours needed, NO-GO hours freed, hours available, load.

    ``plan``: the :func:`capacity_plan` of the same ``matrix`` and ``hours_available``
    when the caller has it already (not computed again).

    Notes
    -----
    ::

        hours_needed = sum of effort_hours of the owner's GO accounts
        hours_freed  = sum of effort_hours of the owner's NO-GO accounts
        load         = hours_needed / hours_available   (None when no hours are available)
        not_fitting  = the owner's GO accounts whose fits is "no" (see capacity_plan)
        over_capacity = hours_needed > hours_available  (the same as load > 100 %)

    Owners listed in ``hours_available`` come first, in its order; then one row
    ``(no listed owner)`` for blank or unlisted owners, who have 0 hours, when any.

    Examples
    --------
    >>> m = pd.DataFrame({"account": ["Acme", "Brix", "Cato"], "owner": ["Ann"] * 3,
    ...     "decision": ["GO", "GO", "NO-GO"], "effort_hours": [60.0, 50.0, 30.0],
    ...     "profit_per_hour": [50.0, 20.0, 5.0]})
    >>> row = capacity(m, {"Ann": 100}).iloc[0]
    >>> print(row["hours_needed"], row["hours_freed"], row["load"], row["not_fitting"])
    110.0 30.0 1.1 ['Brix']
    """
    plan = capacity_plan(matrix, hours_available) if plan is None else plan
    owners = list(hours_available)
    rows = []
    for number in range(1, len(owners) + 2):
        mine = plan[plan["owner_number"] == number]
        if number > len(owners) and mine.empty:
            continue
        go = mine["decision"] == "GO"
        needed = float(mine.loc[go, "effort_hours"].sum())
        available = float(hours_available[owners[number - 1]]) if number <= len(owners) else 0.0
        rows.append(
            {
                "owner": owners[number - 1] if number <= len(owners) else NO_OWNER,
                "accounts": len(mine),
                "go_accounts": int(go.sum()),
                "hours_needed": needed,
                "hours_freed": float(mine.loc[~go, "effort_hours"].sum()),
                "hours_available": available,
                "load": needed / available if available else None,
                "fitting": int((mine["fits"] == "yes").sum()),
                "not_fitting": mine.loc[mine["fits"] == "no", "account"].tolist(),
                "over_capacity": needed > available,
            }
        )
    return pd.DataFrame(rows)


def plan_verdict(
    matrix: pd.DataFrame, hours_available: dict[str, float], plan: pd.DataFrame | None = None
) -> str:
    """ "GO" when every GO account fits its owner's hours, else "NO GO". ``plan``: the
    :func:`capacity_plan` of the same arguments, when the caller has it already.

    >>> m = pd.DataFrame({"account": ["Acme"], "owner": ["Ann"], "decision": ["GO"],
    ...     "effort_hours": [120.0], "profit_per_hour": [10.0]})
    >>> plan_verdict(m, {"Ann": 120}), plan_verdict(m, {"Ann": 119})
    ('GO', 'NO GO')
    """
    plan = capacity_plan(matrix, hours_available) if plan is None else plan
    return "NO GO" if (plan["fits"] == "no").any() else "GO"


def cluster_summary(matrix: pd.DataFrame) -> pd.DataFrame:
    """Per cluster: accounts, revenue, effort hours, profit and the share of A accounts.

    Clusters in order of first appearance in the (sorted) matrix; A is the class by revenue.
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


def outside_icp_share(matrix: pd.DataFrame) -> float:
    """Share of revenue (won business) from accounts outside the ideal customer profile.

    ::

        share = revenue of accounts with icp_fit = "no" / total revenue
    """
    return float(matrix.loc[matrix["icp_fit"] == "no", "revenue"].sum() / matrix["revenue"].sum())
