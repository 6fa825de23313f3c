"""The account matrix's empty-slot and empty-table formulas through LibreOffice, by hand.

Found by scripts/mutation_formulas.py (issue 16): with the limit LEN(name) = 0 moved to 1,
or the value of an empty slot or an empty table changed from 0 to 1, no test failed.
Each case sits on the limit (an empty slot, LEN = 0; an empty table, COUNT = 0) or just
beside it (a one-letter name, LEN = 1; one account, COUNT = 1).
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


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    return recalculate({"one": am.build(ONE), "empty": am.build()}, tmp_path_factory.mktemp("am"))


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


def test_the_accounts_that_do_not_fit_are_named_up_to_names_shown(tmp_path):
    books = recalculate({"three": _names_shown(3), "two": _names_shown(2)}, tmp_path)
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


def test_a_capacity_plan_row_out_of_order_within_its_owner_fails_its_check(tmp_path):
    # Ann's two accounts, 20 hours each at 50 an hour = 1,000 effort cost:
    # Hi 10,000 x 50 % - 1,000 = 4,000 profit, 4,000 / 20 = 200 an hour;
    # Lo 4,000 x 50 % - 1,000 = 1,000, 50 an hour. Plan order: Hi, then Lo.
    two = pd.DataFrame(
        {"account": ["Lo", "Hi"], "owner": ["Ann", "Ann"], "cluster": ["N", "N"],
         "icp_fit": ["yes", "yes"], "revenue": [4_000.0, 10_000.0], "gross_margin": [0.5, 0.5],
         "effort_hours": [20.0, 20.0], "hourly_cost": [50.0, 50.0],
         "influenceable": ["yes", "yes"]}
    )  # fmt: skip
    am.build(two).save(tmp_path / "two.xlsx")  # helper sheets are written when saved
    wb = load_workbook(tmp_path / "two.xlsx")
    P, first = am.PLAN_SPEC.letters, 5  # data from row 5
    # Lo's profit per hour typed over as 300, above Hi's 200 in the row before: the same
    # owner (owner number equal, the limit of ">"), so the row is out of plan order
    wb["Capacity plan"][f"{P['per_hour']}{first + 1}"] = 300
    _, values = recalculate({"typed": wb}, tmp_path)["typed"]
    plan = values["Capacity plan"]
    assert [plan[f"{P['account']}{r}"].value for r in (first, first + 1)] == ["Hi", "Lo"]
    assert [plan[f"{P['owner_number']}{r}"].value for r in (first, first + 1)] == [1, 1]
    assert plan[f"{P['check_order']}{first}"].value in (True, 1)
    assert plan[f"{P['check_order']}{first + 1}"].value in (False, 0)
    assert values["Checks"]["B3"].value == "CHECK FAILED"
