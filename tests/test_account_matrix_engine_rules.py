"""The account matrix's formulas on their limits, through LibreOffice, by hand.

Found by scripts/mutation_formulas.py (issue 16): with the limit LEN(name) = 0 moved to 1,
or the value of an empty slot or an empty table changed from 0 to 1, no test failed.
Each case sits on the limit (an empty slot, LEN = 0; an empty table, COUNT = 0) or just
beside it (a one-letter name, LEN = 1; one account, COUNT = 1).

Stop 13 pins every formula of the builder the same way (docs/mutation.md, "Formula
strings, stop 13"): a class by profit exactly on each limit, ties of revenue, profit and
profit per hour, inputs exactly on their lower and upper limits (revenue 0, margin 0 and
1, hourly cost 0), a one-letter account, owners typed into the last slot of the lists, a
blank and an unlisted owner, and typed edits that must fail their check by an exact count.
Every workbook of this file is recalculated in one LibreOffice run (the fixture below).
"""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import recalculate
from openpyxl import load_workbook

from workbook_templates import account_matrix as am
from workbook_templates.verify import verify

pytestmark = pytest.mark.engine

# one account: revenue 1,000 at 50 % margin = 500 gross profit; 2 hours at 50 = 100
# effort cost; profit after effort 500 - 100 = 400. Owner "A" and cluster "N" are one
# letter long (LEN = 1, beside the empty-slot limit LEN = 0).
ONE = pd.DataFrame(
    {
        "account": ["Solo"],
        "owner": ["A"],
        "cluster": ["N"],
        "icp_fit": ["yes"],
        "revenue": [1_000.0],
        "gross_margin": [0.5],
        "effort_hours": [2.0],
        "hourly_cost": [50.0],
        "influenceable": ["yes"],
    }
)


def named(values_wb, formulas_wb, name):
    sheet, ref = formulas_wb.defined_names[name].attr_text.split("!")
    return values_wb[sheet.strip("'")][ref.replace("$", "")].value


def rows(ws, first_col_values):
    """Rows of ws whose column A shows one of ``first_col_values``, as lists of values."""
    return [[c.value for c in row] for row in ws.iter_rows() if row[0].value in first_col_values]


def test_profit_median_of_one_account_and_of_none(books):
    formulas, values = books["one"]
    assert named(values, formulas, "ProfitMedian") == 400  # MEDIAN of the one profit
    formulas, values = books["empty"]
    assert named(values, formulas, "ProfitMedian") == 0  # no account: 0, not an error


def test_one_letter_names_show_and_empty_slots_count_nothing(books):
    _, values = books["one"]
    clusters = values["Clusters"]
    # cluster N: 1 account, revenue 1,000, 2 hours, profit 400, 1 A account (the only one)
    (n,) = rows(clusters, {"N"})
    assert n[1:6] == [1, 1000, 2, 400, 1]
    empty = rows(clusters, {"(empty slot)"})
    assert empty and all(r[1:6] == [0, 0, 0, 0, 0] for r in empty)
    capacity = values["Capacity"]
    (a,) = rows(capacity, {"A"})  # owner "A" shown as itself, with its one account
    assert a[1] == 1
    assert rows(capacity, {"(empty slot)"})  # the unused owner slots say so


# Three GO accounts of owner "A", who has 0 hours: none fits. Revenue 1,000 at 50 %
# margin = 500; effort cost 50 an hour. P1: 2 h, profit 500 - 100 = 400 (200 an hour);
# P2: 3 h, 500 - 150 = 350 (116.7 an hour); P3: 4 h, 500 - 200 = 300 (75 an hour). Return
# on effort 4, 2.33, 1.5 >= 0.5; by profit, larger accounts hold 0, 400 / 1,050 = 38 %
# and 750 / 1,050 = 71 % < 80 %: all A, all GO. Plan order: P1, P2, P3 (per hour).
UNFIT = pd.DataFrame(
    {
        "account": ["P1", "P2", "P3"],
        "owner": ["A"] * 3,
        "cluster": ["N"] * 3,
        "icp_fit": ["yes"] * 3,
        "revenue": [1_000.0] * 3,
        "gross_margin": [0.5] * 3,
        "effort_hours": [2.0, 3.0, 4.0],
        "hourly_cost": [50.0] * 3,
        "influenceable": ["yes"] * 3,
    }
)


def _names_shown(shown: int):
    wb = am.build(UNFIT, hours_available={"A": 0.0})
    sheet, ref = wb.defined_names["NamesShown"].attr_text.split("!")
    wb[sheet.strip("'")][ref.replace("$", "")] = shown
    return wb


def test_the_accounts_that_do_not_fit_are_named_up_to_names_shown(books):
    for shown, listed in (("three", "P1, P2, P3"), ("two", "P1, P2 and 1 more")):
        formulas, values = books[shown]
        assert named(values, formulas, "NotFitCount") == 3
        # 3 not fitting, NamesShown 3: on the limit, all named; NamesShown 2: one more
        assert named(values, formulas, "NotFitList") == listed


def test_names_shown_is_held_to_the_rows_of_the_not_fitting_list(tmp_path):
    # the list on Capacity has NAMES_MOST = 50 rows: NamesShown 50 (on the limit) and 1
    # (the least) pass verify's input check; 51 (one past it: with 55 not fitting, 50
    # names and "and 55 - 51 = 4 more", one account neither named nor counted) and 0
    # are named
    assert am.NAMES_MOST == 50
    found = {}
    for shown in (50, 51, 1, 0):
        path = tmp_path / f"shown{shown}.xlsx"
        _names_shown(shown).save(path)
        report = verify(path)
        found[shown] = [
            (f.sheet, f.expected, f.found) for f in report.findings if f.check == "input"
        ]
    assert found[50] == [] and found[1] == []
    rule = "a whole number from 1 to 50"
    assert found[51] == [("Inputs", rule, "51")] and found[0] == [("Inputs", rule, "0")]


def _out_of_plan_order(folder):
    # Ann's two accounts, 20 hours each at 50 an hour = 1,000 effort cost:
    # Hi 10,000 x 50 % - 1,000 = 4,000 profit, 4,000 / 20 = 200 an hour;
    # Lo 4,000 x 50 % - 1,000 = 1,000, 50 an hour. Plan order: Hi, then Lo.
    two = pd.DataFrame(
        {"account": ["Lo", "Hi"], "owner": ["Ann", "Ann"], "cluster": ["N", "N"],
         "icp_fit": ["yes", "yes"], "revenue": [4_000.0, 10_000.0], "gross_margin": [0.5, 0.5],
         "effort_hours": [20.0, 20.0], "hourly_cost": [50.0, 50.0],
         "influenceable": ["yes", "yes"]}
    )  # fmt: skip
    wb = _saved(am.build(two), folder, "two")
    # Lo's profit per hour typed over as 300, above Hi's 200 in the row before: the same
    # owner (owner number equal, the limit of ">"), so the row is out of plan order
    wb["Capacity plan"][f"{am.PLAN_SPEC.letters['per_hour']}{FIRST + 1}"] = 300
    return wb


def test_a_capacity_plan_row_out_of_order_within_its_owner_fails_its_check(books):
    _, values = books["plan_typed"]
    P, first = am.PLAN_SPEC.letters, FIRST
    plan = values["Capacity plan"]
    assert [plan[f"{P['account']}{r}"].value for r in (first, first + 1)] == ["Hi", "Lo"]
    assert [plan[f"{P['owner_number']}{r}"].value for r in (first, first + 1)] == [1, 1]
    assert plan[f"{P['check_order']}{first}"].value in (True, 1)
    assert plan[f"{P['check_order']}{first + 1}"].value in (False, 0)
    assert values["Checks"]["B3"].value == "CHECK FAILED"


FIRST = 5  # first data row of every table and list sheet
ACC, FOC, PLN = am.LETTERS, am.FOCUS_SPEC.letters, am.PLAN_SPEC.letters


def _saved(wb, folder, name):
    """The workbook as saved and read back: the tables are written when saved, so typed
    edits to them go on the saved copy."""
    wb.save(folder / f"{name}.xlsx")
    return load_workbook(folder / f"{name}.xlsx")


def _frame(rows, manual=None, reason=None):
    """Accounts (account, owner, cluster, revenue, margin, effort hours, hourly cost), ICP fit
    and influenceable "yes"."""
    cols = ["account", "owner", "cluster", "revenue", "gross_margin", "effort_hours"]
    frame = pd.DataFrame([r[:6] for r in rows], columns=cols)
    frame["hourly_cost"] = [float(r[6]) for r in rows]
    frame["icp_fit"] = frame["influenceable"] = "yes"
    if manual is not None:
        frame["manual_decision"], frame["reason"] = manual, reason
    return frame


def _cell(wb, name):
    """The cell of a one-cell defined name."""
    sheet, ref = wb.defined_names[name].attr_text.split("!")
    return wb[sheet.strip("'")][ref.replace("$", "")]


def _slots(wb, name):
    """The rows of a list on Inputs (ClusterList, OwnerList): first and last."""
    ref = wb.defined_names[name].attr_text.split("!")[1].replace("$", "")
    a, b = ref.split(":")
    return int(a[1:]), int(b[1:])


def _row_of(ws, letter, account):
    return next(r for r in range(FIRST, ws.max_row + 1) if ws[f"{letter}{r}"].value == account)


# Limits of the class by profit, ties and inputs on their limits. Hourly cost 0 (its lower
# limit): no effort cost, so profit after effort = revenue x margin and every return on
# effort passes ("no effort cost").
#   P80 80 x 1 (margin 1, its upper limit) = 80; P15 30 x 0.5 = 15; T1, T2 5 x 0.5 = 2.5
#   (a tie of revenue 5 = 5 and of profit); Z 0 x 0 = 0 (revenue 0 and margin 0, their
#   lower limits; a one-letter account name).
# Class by profit: positive total 80 + 15 + 2.5 + 2.5 = 100; larger accounts hold
#   P80 0, P15 80 / 100 = 0.8 (= A limit: B), T1 95 / 100 = 0.95 (= B limit: C), T2 ties
#   T1 (0.95, C), Z 100 / 100 = 1 (C). Running profit 80, 95, 97.5, 100, 100 (+ MAX(0, 0)).
# Medians: profit of 80, 15, 2.5, 2.5, 0 = 2.5; effort hours of 4, 2, 1, 1, 2 = 2.
#   P80 80 >= 2.5, 4 > 2: Worth the effort; P15 15 >= 2.5, 2 <= 2 (on the line): Sweet
#   spot; T1, T2 2.5 >= 2.5 (on the line), 1 <= 2: Sweet spot; Z 0 < 2.5, 2 <= 2: Low effort.
# GO: class <= B: P80, P15 (Zed: 4 + 2 = 6 h of 10, both fit); T1, T2, Z NO-GO (owner B,
#   one letter: 1 + 1 + 2 = 4 h freed). Owners listed Zed then B (not in alphabetical
#   order): owner numbers 1, 1, 2, 2, 2. Per hour: Zed 80 / 4 = 20, 15 / 2 = 7.5; B 2.5,
#   2.5 (a tie) and 0 / 2 = 0. Plan order P80, P15, T1, T2, Z: T2 (1 h, beside the limit
#   of 0 h) ties T1's 2.5 an hour, in order.
CLASSES = _frame(
    [
        ("P80", "Zed", "N", 80.0, 1.0, 4.0, 0),
        ("P15", "Zed", "N", 30.0, 0.5, 2.0, 0),
        ("T1", "B", "N", 5.0, 0.5, 1.0, 0),
        ("T2", "B", "N", 5.0, 0.5, 1.0, 0),
        ("Z", "B", "N", 0.0, 0.0, 2.0, 0),
    ]
)
# two accounts of profit 1 x 0.5 = 0.5 each (between 0 and 1), no effort: the positive
# total is 0.5 + 0.5 = 1; the second ties the first, so larger accounts hold 0 for both: A, A
HALF = _frame([("H1", "Ann", "N", 1.0, 0.5, 0.0, 0), ("H2", "Ann", "N", 1.0, 0.5, 0.0, 0)])
# Owners in the lists' last slots, a blank and an unlisted owner (class C may be GO, no
# hourly cost: every account but the overruled N1 is GO):
#   A1 Ann 100 x 0.5 = 50, 10 h (5 an hour); C1 Cy 50, 5 h (10 an hour); C2 Cy 10 x 0.5 =
#   5, 1 h (5 an hour); N1 no owner, 4, 1 h, NO-GO by hand; U1 no owner (typed "Dee"
#   below, not listed), 3, 1 h.
SLOTS = _frame(
    [
        ("A1", "Ann", "N", 100.0, 0.5, 10.0, 0),
        ("C1", "Cy", "N", 100.0, 0.5, 5.0, 0),
        ("C2", "Cy", "N", 10.0, 0.5, 1.0, 0),
        ("N1", "", "N", 8.0, 0.5, 1.0, 0),
        ("U1", "", "N", 6.0, 0.5, 1.0, 0),
    ],
    manual=["", "", "", "NO-GO", ""],
    reason=["", "", "", "churning", ""],
)
# Ann's three accounts at 50 an hour, 2 h each (100 effort cost): K1 1,000 x 0.5 - 100 =
# 400 (200 an hour), K2 800 x 0.5 - 100 = 300 (150), K3 600 x 0.5 - 100 = 200 (100)
KS = _frame(
    [(f"K{i}", "Ann", "N", rev, 0.5, 2.0, 50) for i, rev in ((1, 1000.0), (2, 800.0), (3, 600.0))]
)


def _slots_typed(folder):
    """SLOTS with Cy moved from the owner list's second slot to its last (7 = 2 owners +
    5 spare), with his 5 hours, and U1's owner typed as Dee (in no list)."""
    wb = _saved(
        am.build(SLOTS, am.AccountRules(go_max_class="C"), {"Ann": 100.0, "Cy": 5.0}),
        folder,
        "slots",
    )
    first, last = _slots(wb, "OwnerList")
    inputs = wb["Inputs"]
    assert [inputs[f"C{r}"].value for r in (first, first + 1)] == [
        "Ann",
        "Cy",
    ] and last == first + 6
    inputs[f"C{first + 1}"], inputs[f"D{first + 1}"] = None, 0
    inputs[f"C{last}"], inputs[f"D{last}"] = "Cy", 5
    accounts = wb["Accounts"]
    accounts[f"{ACC['owner']}{_row_of(accounts, ACC['account'], 'U1')}"] = "Dee"
    return wb


def _inputs_typed(folder):
    """KS with: B limit typed equal to the A limit (0.8); a cluster West typed into the
    cluster list's last slot (N + 5 spare: the 6th) and K3 moved to it; K1's manual decision
    typed "x" and K2's "GO", neither with a reason; K2's cluster typed "South" (not listed); K1's focus rank and plan row on Accounts
    typed as 2 (each breaks one link: Focus row 1 and plan row 1 point at K1, which now
    names row 2)."""
    wb = _saved(am.build(KS), folder, "ks_inputs")
    _cell(wb, "BLimit").value = 0.8
    first, last = _slots(wb, "ClusterList")
    assert last == first + 5 and wb["Inputs"][f"A{first}"].value == "N"
    wb["Inputs"][f"A{last}"] = "West"
    ws = wb["Accounts"]
    k1, k2, k3 = (_row_of(ws, ACC["account"], k) for k in ("K1", "K2", "K3"))
    ws[f"{ACC['cluster']}{k3}"] = "West"
    ws[f"{ACC['cluster']}{k2}"] = "South"  # in no list: K2's inputs break a rule
    ws[f"{ACC['manual']}{k1}"], ws[f"{ACC['manual']}{k2}"] = "x", "GO"
    ws[f"{ACC['focus_rank']}{k1}"], ws[f"{ACC['plan_row']}{k1}"] = 2, 2
    return wb


def _no_effort_typed(folder):
    """KS with K2's effort hours typed as 0: its plan row (2nd, after K1's 2 h) is then a
    no-effort row below an effort row of the same owner."""
    wb = _saved(am.build(KS), folder, "ks_effort")
    ws = wb["Accounts"]
    ws[f"{ACC['effort_hours']}{_row_of(ws, ACC['account'], 'K2')}"] = 0
    return wb


def _amounts_typed(folder, name, revenue, hourly_cost):
    """KS with K3's revenue typed as ``revenue`` and K2's hourly cost as ``hourly_cost``
    (None: cleared)."""
    wb = _saved(am.build(KS), folder, name)
    ws = wb["Accounts"]
    ws[f"{ACC['revenue']}{_row_of(ws, ACC['account'], 'K3')}"] = revenue
    ws[f"{ACC['hourly_cost']}{_row_of(ws, ACC['account'], 'K2')}"] = hourly_cost
    return wb


def _workbooks(folder):
    """Every workbook of this file (typed edits saved in ``folder``)."""
    classes = am.build(CLASSES, hours_available={"Zed": 10.0, "B": 10.0})
    _cell(classes, "Tolerance").value = 0  # the money checks' lower limit
    return {
        "one": am.build(ONE),
        "empty": am.build(),
        "three": _names_shown(3),
        "two": _names_shown(2),
        "plan_typed": _out_of_plan_order(folder),
        "classes": classes,
        "half": am.build(HALF),
        "slots": _slots_typed(folder),
        "inputs": _inputs_typed(folder),
        "no_effort": _no_effort_typed(folder),
        # typed as texts: K3's revenue "1200", K2's hourly cost "50"
        "amount_texts": _amounts_typed(folder, "ks_texts", "1200", "50"),
        # on the limits: K3's revenue 0 (the least number), K2's hourly cost blank
        "amount_limits": _amounts_typed(folder, "ks_limits", 0, None),
    }


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    folder = tmp_path_factory.mktemp("am")
    return recalculate(_workbooks(folder), folder)


def column(values, sheet, letter, n):
    return [values[sheet][f"{letter}{r}"].value for r in range(FIRST, FIRST + n)]


def checks(values) -> list:
    """The Checks sheet's (value, passes) pairs, in their order (the master check first)."""
    ws = values["Checks"]
    return [(ws[f"B{r}"].value, ws[f"C{r}"].value) for r in range(FIRST, FIRST + 10)]


def capacity_row(values, owner_label):
    ws = values["Capacity"]
    (row,) = [r for r in range(FIRST, ws.max_row + 1) if ws[f"A{r}"].value == owner_label][:1]
    return [ws.cell(row, c).value for c in range(1, 10)]


def empty_slot_rows(values):
    ws = values["Capacity"]
    return [
        [ws.cell(r, c).value for c in range(1, 10)]
        for r in range(FIRST, ws.max_row + 1)
        if ws[f"A{r}"].value == "(empty slot)"
    ]


# an empty slot: nothing counted, no hours; Load: 0 needed of 0 available
EMPTY_SLOT = ["(empty slot)", 0, 0, 0, 0, 0, "no hours needed", 0, "ok"]


def test_classes_by_profit_on_their_limits_and_ties_keep_order(books):
    formulas, values = books["classes"]
    n = 5
    assert column(values, "Accounts", ACC["account"], n) == ["P80", "P15", "T1", "T2", "Z"]
    assert column(values, "Accounts", ACC["abc_profit"], n) == ["A", "B", "C", "C", "C"]
    assert column(values, "Focus", FOC["running"], n) == [80, 95, 97.5, 100, 100]
    assert column(values, "Focus", FOC["ahead_share"], n) == [0, 0.8, 0.95, 0.95, 1]
    # revenue 80, 30, 5, 5, 0 of 120: larger accounts hold 0, 80, 110, 110 (tie), 120
    assert column(values, "Accounts", ACC["ahead"], n) == [0, 80, 110, 110, 120]
    assert column(values, "Accounts", ACC["abc"], n) == ["A", "A", "B", "B", "C"]
    assert named(values, formulas, "ProfitMedian") == 2.5
    assert named(values, formulas, "EffortMedian") == 2
    assert column(values, "Accounts", ACC["quadrant"], n) == [
        "Worth the effort", "Sweet spot", "Sweet spot", "Sweet spot", "Low effort",
    ]  # fmt: skip
    assert column(values, "Accounts", ACC["suggested"], n) == ["GO", "GO"] + ["NO-GO"] * 3
    # every row check holds (the ties of revenue, profit and profit per hour included)
    for sheet, letter in (("Accounts", ACC["check_order"]), ("Accounts", ACC["check_inputs"]),
                          ("Focus", FOC["check_order"]), ("Capacity plan", PLN["check_order"])):  # fmt: skip
        assert column(values, sheet, letter, n) == [True] * n, (sheet, letter)
    assert named(values, formulas, "AccountCount") == 5  # "Z" counted (LEN 1)


def test_classes_workbook_passes_every_check_with_a_tolerance_of_0(books):
    _, values = books["classes"]
    # money differences exactly 0 (whole amounts): 0 <= Tolerance 0 holds; hours: GO 6 +
    # freed 4 + unlisted 0 - total 4 + 2 + 1 + 1 + 2 = 10 -> 0
    assert checks(values)[5] == (0, True) and checks(values)[8] == (0, True)
    assert [v for v, _ in checks(values)] == [0, 0, 0, 0, 0, 0, 0, 0, 0, pytest.approx(0.15)]
    assert values["Checks"]["B3"].value == "OK"


def test_plan_owner_numbers_and_capacity_of_an_unsorted_owner_list(books):
    formulas, values = books["classes"]
    assert column(values, "Capacity plan", PLN["account"], 5) == ["P80", "P15", "T1", "T2", "Z"]
    assert column(values, "Capacity plan", PLN["owner_number"], 5) == [1, 1, 2, 2, 2]
    assert column(values, "Capacity plan", PLN["running"], 5) == [4, 6, 0, 0, 0]
    assert column(values, "Capacity plan", PLN["fits"], 5) == ["yes", "yes"] + ["hours freed"] * 3
    # Zed: 2 accounts, both GO, 4 + 2 = 6 h of 10: Load 0.6, 2 fit; B (one letter): 3 NO-GO
    # accounts, 1 + 1 + 2 = 4 h freed, 0 needed of 10: Load 0
    assert capacity_row(values, "Zed") == ["Zed", 2, 2, 6, 0, 10, 0.6, 2, "ok"]
    assert capacity_row(values, "B") == ["B", 3, 0, 0, 4, 10, 0, 0, "ok"]
    assert empty_slot_rows(values) == [EMPTY_SLOT] * 5
    assert named(values, formulas, "OwnerCount") == 2
    assert named(values, formulas, "AccountsPerOwner") == 2.5  # 5 / 2
    assert named(values, formulas, "UnlistedOwnerAccounts") == 0
    # nothing fails to fit: the list says "(none)" and "none" from its first row on
    assert named(values, formulas, "NotFitCount") == 0
    assert named(values, formulas, "NotFitNames") == "none"
    assert named(values, formulas, "NotFitList") == "none"
    assert named(values, formulas, "PlanVerdict") == "GO"


def test_a_profit_between_0_and_1_is_classed_by_its_share(books):
    formulas, values = books["half"]
    # positive total 0.5 + 0.5 = 1 (not 0): both A, larger accounts hold 0 (a tie)
    assert named(values, formulas, "TotalPositiveProfit") == 1
    assert column(values, "Accounts", ACC["abc_profit"], 2) == ["A", "A"]
    assert column(values, "Focus", FOC["running"], 2) == [0.5, 1]
    assert values["Checks"]["B3"].value == "OK"


def test_one_account_on_every_median_line(books):
    formulas, values = books["one"]
    # one account: its profit 400 and effort 2 h are the medians, so it sits on both lines
    assert named(values, formulas, "EffortMedian") == 2
    assert values["Accounts"][f"{ACC['quadrant']}{FIRST}"].value == "Sweet spot"
    # cluster N: 1 account, 1 A: share of A accounts 1 / 1
    (n,) = rows(values["Clusters"], {"N"})
    assert n[6] == 1
    # owner A: 1 account, GO (class A, return 400 / 100 = 4), 2 h of 1,200: Load 2 / 1,200
    a = capacity_row(values, "A")
    assert a[:6] + a[7:] == ["A", 1, 1, 2, 0, 1200, 1, "ok"]
    assert a[6] == pytest.approx(2 / 1200)
    assert empty_slot_rows(values) == [EMPTY_SLOT] * 5
    assert named(values, formulas, "OwnerCount") == 1
    assert named(values, formulas, "AccountsPerOwner") == 1


def test_an_empty_workbook_shows_zeros(books):
    formulas, values = books["empty"]
    # no revenue: the shares are 0 (not an error); no positive profit: larger accounts
    # hold the whole (1), class C
    for key in ("revenue_share", "ahead_share", "cumulative_share"):
        assert values["Accounts"][f"{ACC[key]}{FIRST}"].value == 0, key
    assert values["Focus"][f"{FOC['ahead_share']}{FIRST}"].value == 1
    assert values["Focus"][f"{FOC['abc_profit']}{FIRST}"].value == "C"
    assert named(values, formulas, "EffortMedian") == 0
    assert named(values, formulas, "OutsideIcpShare") == 0
    assert named(values, formulas, "OwnerCount") == 0
    assert named(values, formulas, "AccountsPerOwner") == "no owners listed"
    assert empty_slot_rows(values) == [EMPTY_SLOT] * 5


def test_owners_in_the_last_slot_blank_and_unlisted(books):
    formulas, values = books["slots"]
    plan = ["A1", "C1", "C2", "N1", "U1"]
    assert column(values, "Capacity plan", PLN["account"], 5) == plan
    # 7 slots (2 owners + 5 spare): Ann 1, Cy in the last slot 7, blank and Dee 7 + 1 = 8
    assert column(values, "Capacity plan", PLN["owner_number"], 5) == [1, 7, 7, 8, 8]
    assert column(values, "Capacity plan", PLN["available"], 5) == [100, 5, 5, 0, 0]
    # running GO hours: Ann 10; Cy 5, 5 + 1 = 6; N1 NO-GO 0; U1 0 + 1
    assert column(values, "Capacity plan", PLN["running"], 5) == [10, 5, 6, 0, 1]
    # C1 5 <= 5 (on the limit) fits, C2 6 > 5 does not; U1 has no listed owner
    assert column(values, "Capacity plan", PLN["fits"], 5) == [
        "yes",
        "yes",
        "no",
        "hours freed",
        "no",
    ]
    assert column(values, "Capacity plan", PLN["not_fitting"], 5) == [0, 0, 1, 1, 2]
    assert column(values, "Capacity plan", PLN["check_order"], 5) == [True] * 5
    # Cy: 2 accounts, both GO, 5 + 1 = 6 h of 5: Load 6 / 5 = 1.2, 1 fits, over capacity
    assert capacity_row(values, "Cy") == ["Cy", 2, 2, 6, 0, 5, 1.2, 1, "OVER CAPACITY"]
    assert named(values, formulas, "OwnersOver") == 1
    assert named(values, formulas, "OwnerCount") == 2
    # accounts 5, listed owners' 1 + 2 = 3: 2 unlisted (N1, U1), with 18 - 16 - 0 = 2 h
    assert named(values, formulas, "UnlistedOwnerAccounts") == 2
    assert named(values, formulas, "UnlistedOwnerHours") == 2
    # C2 (count 1) then N1 (still 1): the first to reach 1 is C2; U1 reaches 2
    assert named(values, formulas, "NotFitCount") == 2
    assert named(values, formulas, "NotFitList") == "C2, U1"
    assert named(values, formulas, "PlanVerdict") == "NO GO"
    # only the capacity check fails
    assert [p for _, p in checks(values)] == [True, True, True, False] + [True] * 6
    assert checks(values)[3][0] == 2
    assert values["Capacity"]["A2"].value == (
        "Hours per year: what the GO accounts need against what each owner has. Load = hours "
        "needed / hours available. NO-GO accounts need no hours: theirs are freed."
    )


def test_typed_inputs_fail_their_checks_by_exact_counts(books):
    formulas, values = books["inputs"]
    got = checks(values)
    # inputs: K1's manual "x" is neither GO nor NO-GO, K2's cluster South is in no list
    # (K3 in West, the list's last slot, is valid): 2 rows
    assert got[0] == (2, False)
    # Focus and plan: 1 broken link each: 0 + 0 + 0 + 1 + 0 + 1 = 2
    assert got[2] == (2, False)
    # manual decisions without a reason: "x" and "GO": 2; both typed (CountManual)
    assert got[4] == (2, False)
    assert named(values, formulas, "CountManual") == 2
    # B limit 0.8 - A limit 0.8 = 0: not above 0
    assert got[9] == (0, False)
    # K2's revenue 800 and its account are in no cluster row: -800 and -1
    assert got[5] == (-800, False) and got[6] == (-1, False)
    assert [p for _, p in (got[1], got[3], got[7], got[8])] == [True] * 4
    (west,) = rows(values["Clusters"], {"West"})
    assert west[1:3] == [1, 600]


def test_a_no_effort_row_below_an_effort_row_is_out_of_plan_order(books):
    _, values = books["no_effort"]
    # K2 now 0 h: profit 800 x 0.5 - 0 = 400, ties K1 (Focus in order); on the plan, K2's
    # row follows K1's 2 h: out of order; K3's follows a row of 0 h: in order
    assert column(values, "Capacity plan", PLN["account"], 3) == ["K1", "K2", "K3"]
    assert column(values, "Capacity plan", PLN["check_order"], 3) == [True, False, True]
    assert checks(values)[2] == (1, False)


def test_the_owner_hours_validation_covers_every_slot():
    # ONE: owner A + 5 spare slots = 6; each hours cell, the last included, is held to >= 0
    wb = am.build(ONE)
    first, last = _slots(wb, "OwnerHoursList")
    assert last == first + 5
    refs = [str(dv.sqref) for dv in wb["Inputs"].data_validations.dataValidation]
    assert f"D{first}:D{last}" in refs


# Numeric inputs typed as texts (issue: a text passed "inputs valid", as a text compares
# above every number, while SUM and SUMIFS count it as nothing). KS: K1, K2, K3, revenue
# 1,000, 800, 600, margin 0.5, 2 h at 50 each. "amount_texts": K3's revenue typed as the
# text "1200", K2's hourly cost as the text "50"; "amount_limits": K3's revenue 0 (on the
# limit) and K2's hourly cost cleared (blank), which count 0 as the texts now do:
#   K1 1,000 x 0.5 = 500 gross profit, 2 x 50 = 100 effort cost: 400 profit
#   K2 800 x 0.5 = 400, 2 x N("50") = 2 x 0 (or 2 x blank) = 0: 400, "no effort cost"
#   K3 N("1200") x 0.5 = 0 (or 0 x 0.5), 2 x 50 = 100: 0 - 100 = -100
# Total revenue SUM(1,000, 800, text) = 1,800 (as 1,000 + 800 + 0); total profit
# 400 + 400 - 100 = 700; running revenue 1,000, 1,800, 1,800 (+ N("1200") = 0); larger
# accounts hold 0, 1,000 (1,000 / 1,800 = 0.56 < 0.8: A) and 1,800 (1,800 / 1,800 = 1:
# C; N("1200") = 0 is no tie of K2's 800). Focus K1, K2, K3 (profit 400 = 400, a tie:
# both hold 0 of the positive 800: A, A; K3 a loss: C). Capacity plan: Ann's K1 400 / 2 =
# 200 an hour, K2 400 / 2 = 200 (a tie: in order), K3 -100 / 2 = -50. GO: K1, K2 (A;
# returns 4 and no effort cost), K3 NO-GO (C): 2 + 2 = 4 h of 1,200 needed, 2 freed.
AMOUNT_TEXTS = [f"Accounts {key} cells that are not numbers" for key in am.AMOUNTS]


def all_checks(values) -> list:
    """Every Checks row's (check text, value, passes), in their order."""
    ws = values["Checks"]
    return [
        (ws[f"A{r}"].value, ws[f"B{r}"].value, ws[f"C{r}"].value)
        for r in range(FIRST, ws.max_row + 1)
        if ws[f"A{r}"].value
    ]


@pytest.mark.parametrize("book", ["amount_texts", "amount_limits"])
def test_amounts_typed_as_texts_count_as_0_as_blanks_and_0_do(books, book):
    formulas, values = books[book]
    n = 3
    assert column(values, "Accounts", ACC["account"], n) == ["K1", "K2", "K3"]
    assert column(values, "Accounts", ACC["gross_profit"], n) == [500, 400, 0]
    assert column(values, "Accounts", ACC["effort_cost"], n) == [100, 0, 100]
    assert column(values, "Accounts", ACC["profit"], n) == [400, 400, -100]
    assert column(values, "Accounts", ACC["return_on_effort"], n) == [4, "no effort cost", -1]
    assert column(values, "Accounts", ACC["running"], n) == [1000, 1800, 1800]
    assert column(values, "Accounts", ACC["ahead"], n) == [0, 1000, 1800]
    assert column(values, "Accounts", ACC["abc"], n) == ["A", "A", "C"]
    assert column(values, "Accounts", ACC["abc_profit"], n) == ["A", "A", "C"]
    assert column(values, "Accounts", ACC["decision"], n) == ["GO", "GO", "NO-GO"]
    assert column(values, "Focus", FOC["running"], n) == [400, 800, 800]
    assert column(values, "Capacity plan", PLN["per_hour"], n) == [200, 200, -50]
    assert column(values, "Capacity plan", PLN["check_order"], n) == [True] * n
    assert named(values, formulas, "TotalRevenue") == 1800
    assert named(values, formulas, "TotalProfit") == 700
    assert named(values, formulas, "TotalPositiveProfit") == 800
    assert [named(values, formulas, k) for k in ("CountA", "CountB", "CountC")] == [2, 0, 1]
    (n_row,) = rows(values["Clusters"], {"N"})
    assert n_row[1:6] == [3, 1800, 6, 700, 2]  # 3 accounts, 1,800, 2 + 2 + 2 h, 700, 2 A
    assert capacity_row(values, "Ann")[1:6] == [3, 2, 4, 2, 1200]


def test_amounts_typed_as_texts_fail_their_rows_and_are_counted_by_column(books):
    _, values = books["amount_texts"]
    # K2 (hourly cost "50") and K3 (revenue "1200") break the ISNUMBER rule; K3's text
    # also compares above K2's 800 ("1200" <= 800 is FALSE): out of revenue order
    assert column(values, "Accounts", ACC["check_inputs"], 3) == [True, False, False]
    assert column(values, "Accounts", ACC["check_order"], 3) == [True, True, False]
    got = all_checks(values)
    assert [(v, p) for _, v, p in got[:2]] == [(2, False), (1, False)]
    # the other checks hold: Focus and plan in order, all fit, no manual decision, N's
    # revenue 1,800 - 1,800 = 0 and 3 - 3 accounts, 2 + 0 + 1 - 3 = 0, hours 4 + 2 - 6 =
    # 0, B limit 0.95 - A limit 0.8 = 0.15
    assert [p for _, _, p in got[2:10]] == [True] * 8
    # the four new lines, last: revenue 1 (K3), gross margin 0, effort hours 0, hourly
    # cost 1 (K2), each naming its column and the rule
    assert len(got) == 14
    assert [(t.split(" (")[0], v, p) for t, v, p in got[10:]] == [
        (AMOUNT_TEXTS[0], 1, False),
        (AMOUNT_TEXTS[1], 0, True),
        (AMOUNT_TEXTS[2], 0, True),
        (AMOUNT_TEXTS[3], 1, False),
    ]
    assert "type a number of 0 or more, or leave it blank" in got[10][0]
    assert "type a number from 0 to 1, or leave it blank" in got[11][0]
    assert values["Checks"]["B3"].value == "CHECK FAILED"


def test_amounts_on_their_limits_pass_every_check(books):
    _, values = books["amount_limits"]
    # revenue 0 (>= 0, and 0 <= 800 above: in order) and a blank hourly cost are valid
    assert column(values, "Accounts", ACC["check_inputs"], 3) == [True] * 3
    assert column(values, "Accounts", ACC["check_order"], 3) == [True] * 3
    got = all_checks(values)
    assert len(got) == 14 and all(p is True for _, _, p in got), got
    assert [v for _, v, _ in got[10:]] == [0, 0, 0, 0]
    assert values["Checks"]["B3"].value == "OK"
