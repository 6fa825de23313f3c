"""xlsales verify recalculates the account matrix's Checks from the Accounts table, the
Inputs lists and the core (:mod:`xlsales.accounts`): three accounts worked by hand, built,
recalculated and saved by LibreOffice, then edited in the sheet XML.

    account  owner  cluster  revenue  gross margin  effort hours  hourly cost
    X        Ann    Retail      3000           0.5            10           50
    Y        Ann    Retail      2000           0.5            10           50
    Z        Ann    Retail      1000           0.5            10           50

Accounts holds them largest revenue first: X in row 5, Y in row 6, Z in row 7.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from test_verify import cell_xml, cells, libreoffice_saved, set_value, tamper
from test_verify_recalc import check_cell, expected_cells

from workbook_templates import account_matrix as am
from workbook_templates import recompute
from workbook_templates.verify import verify
from workbook_templates.xlsx_reader import read

pytestmark = pytest.mark.engine
A = am.LETTERS
ACCOUNTS = pd.DataFrame(
    {
        "account": ["X", "Y", "Z"],
        "owner": ["Ann"] * 3,
        "cluster": ["Retail"] * 3,
        "icp_fit": ["yes"] * 3,
        "revenue": [3000.0, 2000.0, 1000.0],
        "gross_margin": [0.5] * 3,
        "effort_hours": [10.0] * 3,
        "hourly_cost": [50.0] * 3,
        "influenceable": ["yes"] * 3,
    }
)


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    folder = tmp_path_factory.mktemp("recalc_accounts")
    return libreoffice_saved(folder, {"am": am.build(ACCOUNTS)})["am"]


def put(ref: str, stored: str):
    def edit(xml):
        cell = cell_xml(xml, ref)
        style = re.search(r' s="\d+"', cell)
        return xml.replace(cell, f'<c r="{ref}"{style.group(0) if style else ""}{stored}')

    return edit


def number(value) -> str:
    return f' t="n"><v>{value}</v></c>'


def text(value: str) -> str:
    return f' t="inlineStr"><is><t xml:space="preserve">{value}</t></is></c>'


def recalculated(path) -> dict:
    return expected_cells(recompute.account_matrix(read(path))[0])


CHECKS = {
    "Account rows whose inputs break a rule": 0,
    "Account rows out of revenue order": 0,  # 3000 >= 2000 >= 1000
    "Manual decisions without a reason": 0,  # none typed
    "Revenue by cluster minus total revenue": 0,  # Retail 6000 - 6000
    "Accounts by cluster minus accounts": 0,  # Retail 3 - 3
    "Hours by owner": 0,  # Ann: 30 hours, GO and NO-GO, minus 30
    # Focus X, Y, Z by profit after effort 1000, 500, 0 (3000 x 0.5 - 10 x 50 = 1000, ...);
    # Capacity plan Ann's X, Y, Z by profit per hour 100, 50, 0; each row linked back
    "Focus and Capacity plan rows not one per account": 0,
}


def test_the_untampered_matrix_is_clean(saved):
    report = verify(saved)
    assert report.status == 0, [f.line() for f in report.findings]


@pytest.mark.parametrize("start", sorted(CHECKS))
def test_each_check_by_hand_and_plus_one_found_at_its_cell(saved, tmp_path, start):
    sheet, ref = check_cell(saved, start)
    assert recalculated(saved)[(sheet, ref)] == pytest.approx(CHECKS[start], abs=1e-9)
    path = tamper(saved, tmp_path / "t.xlsx", sheet, set_value(ref, lambda v: v + 1))
    assert cells(verify(path), "recalculation") == {f"{sheet}!{ref}"}


# (cell edited, what is stored, check, its value by hand)
EDITS = {
    # Y's revenue 3000: equal to X's above it, in order; 3001 is above it: out of order
    "revenue equal to the row above": (f"{A['revenue']}6", number(3000), "Account rows out", 0),
    "revenue above the row above": (f"{A['revenue']}6", number(3001), "Account rows out", 1),
    # gross margin at most 1: 1 passes, 1.01 breaks the rule
    "gross margin 1": (f"{A['gross_margin']}6", number(1), "Account rows whose", 0),
    "gross margin 1.01": (f"{A['gross_margin']}6", number(1.01), "Account rows whose", 1),
    "influenceable not yes or no": (
        f"{A['influenceable']}6",
        text("maybe"),
        "Account rows whose",
        1,
    ),
    # a manual decision needs a reason; spaces only are no decision (TRIM)
    "manual GO without a reason": (f"{A['manual']}6", text("GO"), "Manual decisions", 1),
    "manual spaces only": (f"{A['manual']}6", text("   "), "Manual decisions", 0),
    # Y in a cluster not listed on Inputs: Retail now holds 3000 + 1000 = 4000 of 6000,
    # 2 of 3 accounts, and the row breaks the cluster rule
    "cluster not listed: revenue": (
        f"{A['cluster']}6",
        text("Nowhere"),
        "Revenue by cluster",
        -2000,
    ),
    "cluster not listed: accounts": (
        f"{A['cluster']}6",
        text("Nowhere"),
        "Accounts by cluster",
        -1,
    ),
    "cluster not listed: inputs": (f"{A['cluster']}6", text("Nowhere"), "Account rows whose", 1),
    # cluster names match ignoring case, as Excel's COUNTIFS does
    "cluster in another case": (f"{A['cluster']}6", text("RETAIL"), "Revenue by cluster", 0),
}


@pytest.mark.parametrize("case", sorted(EDITS))
def test_a_check_recalculated_from_an_edited_row(saved, tmp_path, case):
    ref, stored, start, value = EDITS[case]
    path = tamper(saved, tmp_path / "t.xlsx", "Accounts", put(ref, stored))
    assert recalculated(path)[check_cell(saved, start)] == pytest.approx(value)


@pytest.mark.parametrize(("times", "found"), [(1, False), (2, True)])
def test_a_sum_check_is_judged_to_the_workbooks_tolerance(saved, tmp_path, times, found):
    # the hours check is a difference of sums (0 but for rounding): a saved value within
    # the Tolerance (0.005 on Inputs) of the recalculated 0 stands; twice it does not
    from test_verify_recalc import named_cell

    tolerance = read(saved).sheets["Inputs"].value(named_cell(saved, "Tolerance")[1])
    assert tolerance == 0.005
    sheet, ref = check_cell(saved, "Hours by owner")
    path = tamper(saved, tmp_path / "t.xlsx", sheet, set_value(ref, lambda v: times * 0.005))
    assert (f"{sheet}!{ref}" in cells(verify(path), "recalculation")) is found


def focus_cell(path, index, header):
    """The Focus cell of its row ``index`` (from 0) under ``header``."""
    from workbook_templates.xlsx_reader import cell_name

    sheet = read(path).sheets["Focus"]
    table = sheet.tables[0]
    return "Focus", cell_name(
        table.data_rows.start + index, table.bounds[1] + table.columns.index(header)
    )


def test_a_focus_row_linked_to_another_account(saved, tmp_path):
    # Focus's second row (Y, account row 2) pointed at Z (account row 3): Z's focus rank
    # on Accounts is 3, not 2: one row not linked; profits 1000, 0, 0 stay in order
    sheet, ref = focus_cell(saved, 1, "account row")
    path = tamper(saved, tmp_path / "t.xlsx", sheet, put(ref, number(3)))
    assert recalculated(path)[check_cell(saved, "Focus and Capacity plan")] == 1


@pytest.mark.parametrize(("revenue", "out"), [(3000, 0), (4000, 2)])
def test_focus_and_plan_order_on_and_beside_the_row_above(saved, tmp_path, revenue, out):
    # Y's revenue 3000: profit 1500 - 500 = 1000, equal to X's (in order on Focus) and
    # per hour 100, equal to X's (in order on Capacity plan); 4000: profit 1500 above
    # X's 1000 on Focus and 150 an hour above X's 100 on Capacity plan: 2 rows
    path = tamper(saved, tmp_path / "t.xlsx", "Accounts", put(f"{A['revenue']}6", number(revenue)))
    assert recalculated(path)[check_cell(saved, "Focus and Capacity plan")] == out


@pytest.mark.parametrize(("owner", "out"), [("ann", 0), ("Bob", 1)])
def test_plan_order_by_owner_number_from_the_core(saved, tmp_path, owner, out):
    # X (first on Capacity plan) typed "ann": the same owner as Ann, ignoring case, as
    # MATCH does: owner number 1, in order. "Bob" is not listed: X's owner number is
    # the last (after every listed owner), so Y (Ann, number 1) below it is out of
    # order; Z (Ann, 0 an hour after Y's 50) stays in order: 1 row
    path = tamper(saved, tmp_path / "t.xlsx", "Accounts", put(f"{A['owner']}5", text(owner)))
    assert recalculated(path)[check_cell(saved, "Focus and Capacity plan")] == out


# The per-row check columns, recalculated cell by cell: Accounts "inputs valid" and "in
# revenue order", Focus "in profit order" and "linked to its account", Capacity plan "in
# plan order" and "linked to its account". Untampered, every row passes (inputs within
# their rules; revenue 3000 >= 2000 >= 1000; profit 1000 >= 500 >= 0; Ann's profit per
# hour 100 >= 50 >= 0; each row's rank is its account's).


def table_cell(path, sheet_name, index, header):
    """The cell of a sheet's first table, its row ``index`` (from 0), under ``header``."""
    from workbook_templates.xlsx_reader import cell_name

    table = read(path).sheets[sheet_name].tables[0]
    row = table.data_rows.start + index
    return sheet_name, cell_name(row, table.bounds[1] + table.columns.index(header))


ROW_CHECKS = [
    ("Accounts", 1, "inputs valid"),
    ("Accounts", 1, "in revenue order"),
    ("Focus", 1, "in profit order"),
    ("Focus", 1, "linked to its account"),
    ("Capacity plan", 1, "in plan order"),
    ("Capacity plan", 1, "linked to its account"),
]


@pytest.mark.parametrize("where", ROW_CHECKS, ids=lambda w: f"{w[0]} {w[2]}")
def test_a_row_check_by_hand_and_flipped_found_at_its_cell(saved, tmp_path, where):
    sheet, ref = table_cell(saved, *where)
    assert recalculated(saved)[(sheet, ref)] is True
    path = tamper(saved, tmp_path / "t.xlsx", sheet, set_value(ref, lambda v: int(1 - v)))
    assert cells(verify(path), "recalculation") == {f"{sheet}!{ref}"}


# (Accounts cell edited, what is stored, the row check, its state by hand)
ROW_EDITS = {
    # Y's gross margin at most 1: 1 on the limit passes, 1.01 beside it breaks the rule
    "gross margin 1": (f"{A['gross_margin']}6", number(1), "inputs valid", True),
    "gross margin 1.01": (f"{A['gross_margin']}6", number(1.01), "inputs valid", False),
    # revenue at least 0: 0 passes, -0.01 does not (and 0 <= X's 3000: in order)
    "revenue 0": (f"{A['revenue']}6", number(0), "inputs valid", True),
    "revenue -0.01": (f"{A['revenue']}6", number(-0.01), "inputs valid", False),
    # Y's revenue against X's 3000 above it: equal is in order, 3001 is not
    "revenue equal to the row above": (f"{A['revenue']}6", number(3000), "in revenue order", True),
    "revenue above the row above": (f"{A['revenue']}6", number(3001), "in revenue order", False),
    # influenceable yes or no, ignoring case as Excel's = does
    "influenceable YES": (f"{A['influenceable']}6", text("YES"), "inputs valid", True),
    "influenceable maybe": (f"{A['influenceable']}6", text("maybe"), "inputs valid", False),
}


@pytest.mark.parametrize("case", sorted(ROW_EDITS))
def test_a_row_check_recalculated_from_an_edited_row(saved, tmp_path, case):
    ref, stored, header, state = ROW_EDITS[case]
    path = tamper(saved, tmp_path / "t.xlsx", "Accounts", put(ref, stored))
    sheet, check = table_cell(saved, "Accounts", 1, header)
    assert recalculated(path)[(sheet, check)] is state
    # typed without recalculating: the saved TRUE stands where the state is TRUE
    assert (f"{sheet}!{check}" in cells(verify(path), "recalculation")) is (not state)


@pytest.mark.parametrize(("revenue", "state"), [(3000, True), (4000, False)])
def test_focus_and_plan_order_cells_on_and_beside_the_row_above(saved, tmp_path, revenue, state):
    # Y's revenue 3000: profit 1000, equal to X's above it on Focus, and 100 an hour,
    # equal to X's on Capacity plan: in order; 4000: 1500 and 150 an hour, above X's
    path = tamper(saved, tmp_path / "t.xlsx", "Accounts", put(f"{A['revenue']}6", number(revenue)))
    values = recalculated(path)
    assert values[table_cell(saved, "Focus", 1, "in profit order")] is state
    assert values[table_cell(saved, "Capacity plan", 1, "in plan order")] is state
    # Z below Y: 0 <= Y's profit and per hour either way
    assert values[table_cell(saved, "Focus", 2, "in profit order")] is True
    assert values[table_cell(saved, "Capacity plan", 2, "in plan order")] is True


@pytest.mark.parametrize(("link", "state"), [(2, True), (3, False)])
def test_a_focus_link_cell_on_and_beside_its_account(saved, tmp_path, link, state):
    # Focus's second row (rank 2) pointed at account row 2 (Y, focus rank 2): linked;
    # at row 3 (Z, focus rank 3): not. Z's profit 0 <= X's 1000 above: in order
    sheet, ref = table_cell(saved, "Focus", 1, "account row")
    path = saved if link == 2 else tamper(saved, tmp_path / "t.xlsx", sheet, put(ref, number(link)))
    values = recalculated(path)
    assert values[table_cell(saved, "Focus", 1, "linked to its account")] is state
    assert values[table_cell(saved, "Focus", 1, "in profit order")] is True


def test_failing_row_checks_recalculated_by_libreoffice_agree(saved, tmp_path):
    # Y's revenue 4000 and effort 15 hours, Z's influenceable "maybe", recalculated by
    # LibreOffice: Y is out of revenue order on Accounts (4000 > 3000) and Z's inputs
    # break a rule; Y's profit 4000 x 0.5 - 15 x 50 = 1250 is above X's 1000 on Focus,
    # while its 1250 / 15 = 83.33 an hour stays below X's 100 on Capacity plan (in
    # order). verify agrees with every saved value: the input and the failing checks are
    # the only findings.
    from workbook_templates import engine

    edits = [
        put(f"{A['revenue']}6", number(4000)),
        put(f"{A['effort_hours']}6", number(15)),
        put(f"{A['influenceable']}7", text("maybe")),
    ]

    def edit(xml):
        for one in edits:
            xml = one(xml)
        return xml

    engine.convert([tamper(saved, tmp_path / "edited.xlsx", "Accounts", edit)], tmp_path / "calc")
    path = tmp_path / "calc" / "edited.xlsx"
    values = recalculated(path)
    for where, state in (
        (("Accounts", 1, "in revenue order"), False),
        (("Accounts", 2, "inputs valid"), False),
        (("Accounts", 1, "inputs valid"), True),
        (("Focus", 1, "in profit order"), False),
        (("Capacity plan", 1, "in plan order"), True),
    ):
        assert values[table_cell(saved, *where)] is state, where
    report = verify(path)
    assert cells(report, "recalculation") == set(), [f.line() for f in report.findings]
    assert cells(report, "input") == {f"Accounts!{A['influenceable']}7"}
    assert {f.cell for f in report.findings if f.check == "checks"} == {
        check_cell(saved, start, "C")[1]
        for start in ("Account rows whose", "Account rows out", "Focus and Capacity plan")
    }


@pytest.mark.parametrize(
    ("row", "want"),
    [
        # X: class A by profit after effort (1000 of 1500 = 67 % <= 80 %), return on
        # effort 1000 / 500 = 2 >= 0.5, influenceable: GO; its 10 hours within Ann's 1,200
        (5, "yes"),
        # Z: profit after effort 0, return 0 < 0.5: NO-GO, its hours freed
        (7, "hours freed"),
    ],
)
def test_an_accounts_fits_capacity_cell_by_hand_and_changed_found_at_its_cell(
    saved, tmp_path, row, want
):
    ref = f"{A['fits']}{row}"
    assert recalculated(saved)[("Accounts", ref)] == want
    path = tamper(saved, tmp_path / "t.xlsx", "Accounts", put(ref, text("no")))
    assert cells(verify(path), "recalculation") == {f"Accounts!{ref}"}


REVENUE_TEXT = "Accounts revenue cells that are not numbers"


def test_a_revenue_typed_as_text_recalculated_by_libreoffice(saved, tmp_path):
    # Z's revenue (1000, row 7) typed as the text "1000" and recalculated by LibreOffice:
    # the text counts as 0 in the sheet's formulas (N()) and sums (SUM, SUMIFS) and in
    # verify's recalculation alike, so verify finds no wrong value; it names the cell that
    # breaks its validation and the three checks that fail on it. By hand: Z's gross
    # profit 0 x 0.5 = 0, effort cost 10 x 50 = 500, profit after effort -500; revenue
    # 3000 + 2000 = 5000; Z's row breaks the ISNUMBER rule (1 row, 1 revenue cell) and
    # its text compares above Y's 2000 ("1000" <= 2000 is FALSE): 1 row out of order
    from workbook_templates import engine

    where = f"{A['revenue']}7"
    edited = tamper(saved, tmp_path / "edited.xlsx", "Accounts", put(where, text("1000")))
    engine.convert([edited], tmp_path / "calc")
    path = tmp_path / "calc" / "edited.xlsx"
    sheet = read(path).sheets["Accounts"]
    assert sheet.value(where) == "1000"  # still a text
    report = verify(path)
    assert cells(report, "recalculation") == set(), [f.line() for f in report.findings]
    assert cells(report, "input") == {f"Accounts!{where}"}
    assert {f.cell for f in report.findings if f.check == "checks"} == {
        check_cell(saved, start, "C")[1]
        for start in ("Account rows whose", "Account rows out", REVENUE_TEXT)
    }
    values = recalculated(path)
    assert values[table_cell(saved, "Accounts", 2, "inputs valid")] is False
    assert values[table_cell(saved, "Accounts", 2, "in revenue order")] is False
    assert values[check_cell(saved, "Account rows whose")] == 1
    assert values[check_cell(saved, REVENUE_TEXT)] == 1
    assert values[("Accounts", f"{A['profit']}7")] == -500
    # and LibreOffice's own values are the same (verify compared them all: none differs)
    assert sheet.value(f"{A['profit']}7") == -500
    assert sheet.value(f"{A['running']}7") == 5000  # 3000 + 2000 + N("1000") = 0


@pytest.mark.parametrize(
    ("stored", "valid"),
    [
        ("/>", True),  # blank: valid, as today (counted 0)
        (number(0), True),  # 0: a number, on the limit 0
        (text("1000"), False),  # a text, though it reads 1000
        (text("12k"), False),
        (' t="b"><v>1</v></c>', False),  # TRUE: Excel's ISNUMBER(TRUE) is FALSE
    ],
    ids=["blank", "zero", "text 1000", "text 12k", "TRUE"],
)
def test_a_revenue_that_is_no_number_breaks_the_rule_as_excel_reads_it(
    saved, tmp_path, stored, valid
):
    # Z's revenue (row 7, the last: in order whatever number it holds at most 2000)
    # typed over, not recalculated: verify's rule reads each as Excel's ISNUMBER does
    path = tamper(saved, tmp_path / "t.xlsx", "Accounts", put(f"{A['revenue']}7", stored))
    values = recalculated(path)
    cell = table_cell(saved, "Accounts", 2, "inputs valid")
    assert values[cell] is valid
    bad = 0 if valid else 1
    assert values[check_cell(saved, "Account rows whose")] == bad
    assert values[check_cell(saved, REVENUE_TEXT)] == bad
    assert (f"{cell[0]}!{cell[1]}" in cells(verify(path), "recalculation")) is not valid
