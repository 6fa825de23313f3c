"""verify's formula check takes a table's current row in any of Excel's spellings: a
user who retypes the gross profit of an account as ``tblAccounts[@revenue]*
[@gross_margin]`` wrote the builder's ``F7*G7`` (Excel stores the reference as
``tblAccounts[[#This Row],[revenue]]``, its long form). An actually different formula
is still named. The three-account matrix of test_verify_recalc_accounts, saved by
LibreOffice, has the formula of one cell replaced in the sheet XML.

Accounts holds the table tblAccounts from column A; X in row 5, Y in row 6, Z in row 7.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from test_verify import cells, libreoffice_saved, tamper
from test_verify_recalc_accounts import ACCOUNTS

from workbook_templates import account_matrix as am
from workbook_templates.formula_text import this_row_cells
from workbook_templates.verify import verify

pytestmark = pytest.mark.engine
A = am.LETTERS
T = am.TABLE  # tblAccounts
GROSS = f"{A['gross_profit']}6"  # Y's gross profit: revenue x gross margin


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    folder = tmp_path_factory.mktemp("spelling")
    return libreoffice_saved(folder, {"am": am.build(ACCOUNTS)})["am"]


def retyped(saved, tmp_path, formula):
    """The matrix with Y's gross profit formula stored as ``formula`` (XML-escaped)."""
    builders = f"N({A['revenue']}6)*N({A['gross_margin']}6)"

    def edit(xml):
        return xml.replace(f">{builders}</f>", f">{formula}</f>", 1)

    return tamper(saved, tmp_path / "t.xlsx", "Accounts", edit)


SAME = {
    "Excel's stored long form": f"N({T}[[#This Row],[revenue]])*N({T}[[#This Row],[gross_margin]])",
    "the short form, qualified": f"N({T}[@revenue])*N({T}[@gross_margin])",
    "the short form, unqualified": "N([@revenue])*N([@gross_margin])",
    "mixed, with the column in its own brackets": f"N([@[revenue]])*N({T}[[#This Row],[gross_margin]])",
    "the table name in another case": "N(TBLACCOUNTS[@revenue])*N([@gross_margin])",
    "a structured reference and a cell": f"N([@revenue])*N({A['gross_margin']}6)",
}
DIFFERENT = {
    # another column of the same row: effort hours, not the gross margin
    "another column": f"N({T}[@revenue])*N({T}[@effort_hours])",
    # the same column one row down (Z's margin): beside the current row
    "the row below": f"N({T}[@revenue])*N({A['gross_margin']}7)",
    # the whole column (implicit intersection in old Excel, a spill in new): not the row
    "the whole column": f"N({T}[revenue])*N({T}[gross_margin])",
    # a column the table does not have: left as typed, so it differs
    "a column not in the table": f"N({T}[@revenue])*N({T}[@margin])",
}


def test_the_untampered_matrix_is_clean(saved):
    assert verify(saved).status == 0


@pytest.mark.parametrize("case", sorted(SAME))
def test_the_same_reference_in_another_spelling_is_no_finding(saved, tmp_path, case):
    report = verify(retyped(saved, tmp_path, SAME[case]))
    assert report.status == 0, [f.line() for f in report.findings]


@pytest.mark.parametrize("case", sorted(DIFFERENT))
def test_a_different_formula_is_still_named(saved, tmp_path, case):
    report = verify(retyped(saved, tmp_path, DIFFERENT[case]))
    assert cells(report, "formula") == {f"Accounts!{GROSS}"}
    finding = next(f for f in report.findings if f.check == "formula")
    assert finding.found == "=" + DIFFERENT[case]


# the spelling rule itself, on a table "tbl" at B4:D9 (header row 4, data rows 5-9)
TBL = SimpleNamespace(
    name="tbl", bounds=(4, 2, 9, 4), columns=["revenue", "GO / NO-GO", "x"], data_rows=range(5, 10)
)
OTHER = SimpleNamespace(name="other", bounds=(4, 6, 9, 6), columns=["y"], data_rows=range(5, 10))


@pytest.mark.parametrize(
    ("formula", "row", "col", "cells_meant"),
    [
        # revenue is column B (2), GO / NO-GO C, x D
        ("tbl[@revenue]", 7, 4, "B7"),
        ("[@[GO / NO-GO]]", 7, 4, "C7"),
        ("tbl[[#This Row],[x]]", 7, 4, "D7"),
        ("tbl[[#this row], [revenue]]", 7, 4, "B7"),  # Excel's case and spaces aside
        ("SUM(tbl[@[revenue]:[x]])", 7, 4, "SUM(B7:D7)"),
        # the first and the last data row are in the table; the header row is not
        ("tbl[@revenue]", 5, 4, "B5"),
        ("tbl[@revenue]", 9, 4, "B9"),
        ("tbl[@revenue]", 4, 4, "tbl[[#This Row],[revenue]]"),
        ("tbl[@revenue]", 10, 4, "tbl[[#This Row],[revenue]]"),
        # unqualified: the table holding the cell; the cell in column E holds none
        ("[@y]", 7, 6, "F7"),
        ("[@revenue]", 7, 5, "[[#This Row],[revenue]]"),
        # another table by name, from a cell of this one
        ("other[@y]+tbl[@x]", 7, 4, "F7+D7"),
        # whole columns and text are left as they are
        ('tbl[revenue]&"[@x]"', 7, 4, 'tbl[revenue]&"[@x]"'),
    ],
)
def test_this_row_cells_by_hand(formula, row, col, cells_meant):
    assert this_row_cells(formula, row, col, [TBL, OTHER]) == cells_meant
