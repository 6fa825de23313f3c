"""udfs._boundary: how Excel cells become Python values, alone and through xlwings.

Each expected value follows from the boundary's documented rules: blanks at the end of
a selection are dropped, a blank in the middle stays (and the core names it), a cell
holding only spaces is a blank, results spill in the shape of the selection.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
import xlwings as xw
from conftest import excel_call, excel_error

import udfs
from udfs import _boundary as b
from xlsales.errors import InputError

# -- vector: the shape of a selection and its blanks -------------------------------------


@pytest.mark.parametrize(
    "selection, values, shape",
    [
        (5, [5], "column"),  # one cell spills down, as Excel does
        ([[1, 2, 3]], [1, 2, 3], "row"),
        ([[1], [2], [3]], [1, 2, 3], "column"),
        ([[1, 2], [3, 4]], [1, 2, 3, 4], "block"),  # a block is read row by row
        ([[1, 2, None, "  "]], [1, 2], "row"),  # trailing blank and spaces-only dropped
        ([[1], [None], [3]], [1, None, 3], "column"),  # a blank in the middle stays
        ([[1], ["   "], [3]], [1, None, 3], "column"),  # spaces only is a blank
        ([[1], ["\t"], [3], [""]], [1, None, 3], "column"),
        ([[None, None]], [], "row"),  # a whole blank selection is empty
        ([[" x "]], [" x "], "column"),  # text with spaces around is text, kept as it is
    ],
)
def test_vector_shape_and_blanks(selection, values, shape):
    got = b.vector("v", selection)
    assert got.values == values
    assert got.shape == shape


def test_vector_keeps_bools_and_error_codes_for_the_core_to_name():
    # the boundary converts shape and blanks only; what a cell means is the core's rule
    assert b.vector("v", [[True, "#N/A", 0]]).values == [True, "#N/A", 0]


def test_spill_follows_the_selection():
    row = b.vector("v", [[1, 2, 3]])
    col = b.vector("v", [[1], [2], [3]])
    block = b.vector("v", [[1, 2], [3, 4]])
    assert b.spill([7, 8], row) == [[7, 8]]
    assert b.spill([7, 8], col) == [[7], [8]]
    assert b.spill([5, 6, 7, 8], block) == [[5, 6], [7, 8]]
    # a result that does not fill the block's width goes down a column
    assert b.spill([5, 6, 7], block) == [[5], [6], [7]]


def test_spill_a_column_of_labels_shares_one_row_per_label():
    # class letters down a column: equal to one new row per cell, and the two "A"
    # rows are one list (made once); numbers and mixed columns get a row each
    col = b.vector("v", [[1], [2], [3]])
    rows = b.spill(["A", "B", "A"], col)
    assert rows == [["A"], ["B"], ["A"]] and rows[0] is rows[2]
    assert b.spill([1.0, 1, True], col) == [[1.0], [1], [True]]
    assert [type(r[0]) for r in b.spill([1.0, 1, True], col)] == [float, int, bool]
    mixed = b.spill(["A", 1, "A"], col)
    assert mixed == [["A"], [1], ["A"]] and mixed[0] is not mixed[2]


def test_orient_turns_a_table_for_a_row_selection():
    table = [["a", 1], ["b", 2]]  # one row per item
    assert b.orient(table, b.vector("v", [[1, 2]])) == [["a", "b"], [1, 2]]
    assert b.orient(table, b.vector("v", [[1], [2]])) == table


# -- scalar, flag, excel_date ---------------------------------------------------------------


def test_scalar_blank_spaces_and_ranges():
    assert b.scalar("x", None, "end") == "end"
    assert b.scalar("x", "   ", "end") == "end"  # spaces only: the default
    assert b.scalar("x", [[None]], 3) == 3
    assert b.scalar("x", [[4, None]], 3) == 4  # trailing blank dropped: one cell left
    with pytest.raises(InputError, match=r"^x is a range of 2 cells: one cell is required$"):
        b.scalar("x", [[4, 5]])


@pytest.mark.parametrize(
    "value, expected",
    [(None, False), ("  ", False), (True, True), (False, False), (1, True), (0, False)],
)
def test_flag_accepts(value, expected):
    assert b.flag("f", value) is expected


@pytest.mark.parametrize("value", [2, -1, 0.5, "yes", "TRUE"])
def test_flag_refuses(value):
    with pytest.raises(InputError, match=r"^f=.* must be TRUE or FALSE$"):
        b.flag("f", value)


def test_excel_date_serials_at_the_limits():
    # Excel counts 1900-01-01 as serial 1 and has a 1900-02-29 (serial 60) that never was,
    # so serial 59 is 1900-02-28, 61 is 1900-03-01 and from there on a date is
    # 1899-12-30 + serial: 45658 = 2025-01-01. 2958465 is 9999-12-31, Excel's last day.
    assert b.excel_date("d", 1) == dt.date(1900, 1, 1)
    assert b.excel_date("d", 59) == dt.date(1900, 2, 28)
    assert b.excel_date("d", 61) == dt.date(1900, 3, 1)
    assert b.excel_date("d", 45658) == dt.date(2025, 1, 1)
    assert b.excel_date("d", 45658.75) == dt.date(2025, 1, 1)  # a time of day is dropped
    assert b.excel_date("d", 2958465) == dt.date(9999, 12, 31)
    assert b.excel_date("d", dt.datetime(2025, 1, 1, 13, 5)) == dt.date(2025, 1, 1)
    for bad in (0, 0.99, 2958466, True, "2025-01-01", -1):
        with pytest.raises(InputError, match=r"^d=.* is not an Excel date \(1 to 2958465\)$"):
            b.excel_date("d", bad)
    with pytest.raises(InputError, match=r"^d=60 is Excel's 1900-02-29, a day that never was$"):
        b.excel_date("d", 60)


def test_excel_dates_names_the_item():
    with pytest.raises(InputError, match=r"^d\[1\]=0 is not an Excel date"):
        b.excel_dates("d", [[45658], [0]])


# -- the same rules through xlwings' own conversion (Office.js payloads) ---------------------


def test_through_xlwings_trailing_blanks_and_spaces_are_dropped():
    # 100 -> 50 -> 20: 50/100 = 0.5, 20/50 = 0.4; the ' ' and blank after them are no stage
    assert excel_call(udfs, "STAGE_CONVERSION", [[100, 50, 20, " ", None]]) == [[0.5, 0.4]]
    assert excel_call(udfs, "STAGE_CONVERSION", [[100], [50], [20], [None]]) == [[0.5], [0.4]]


@pytest.mark.parametrize("middle", [None, " ", "\t "])
def test_through_xlwings_a_blank_in_the_middle_is_named(middle):
    message = excel_error(udfs, "STAGE_CONVERSION", [[100, middle, 20]])
    assert message == "STAGE_CONVERSION: counts[1] is blank: a number is required"


@pytest.mark.parametrize("cell", [True, False, "#N/A", "#DIV/0!", "12 apples"])
def test_through_xlwings_bools_error_codes_and_text_are_named(cell):
    message = excel_error(udfs, "STAGE_CONVERSION", [[100, cell, 20]])
    assert message == f"STAGE_CONVERSION: counts[1]={cell!r} is not a number"


def test_through_xlwings_blank_and_spaces_optional_arguments_take_defaults():
    # 7 wins at 25 %, 30 %, 45 %, "end": 7/.45 = 15.6 -> 16, 7/(.45*.3) = 51.9 -> 52,
    # 7/(.45*.3*.25) = 207.4 -> 208
    for blank in (None, "", "  "):
        got = excel_call(udfs, "REQUIRED_LEADS", 7, [[0.25, 0.3, 0.45]], blank, blank)
        assert got == [[208, 52, 16, 7]]


def test_through_xlwings_a_range_where_one_cell_belongs():
    message = excel_error(udfs, "REQUIRED_LEADS", 7, [[0.25, 0.3, 0.45]], [["end", "stage"]])
    assert message == "REQUIRED_LEADS: rounding is a range of 2 cells: one cell is required"


def test_an_unexpected_failure_is_one_line_too():
    @b.cell_errors
    def BROKEN():
        raise ValueError("no\nsuch\tkey")

    with pytest.raises(xw.XlwingsError) as info:
        BROKEN()
    assert str(info.value) == "BROKEN: internal error ValueError: no such key"


def test_classic_add_in_gets_the_message_as_cell_text():
    # without XLWINGS_ON_SERVER (the classic Windows add-in) the message is the cell's text
    code = (
        "import os; os.environ.pop('XLWINGS_ON_SERVER', None)\n"
        "from udfs._boundary import cell_errors\n"
        "from xlsales.errors import InputError\n"
        "@cell_errors\n"
        "def F():\n"
        "    raise InputError('x=2 must be\\n1')\n"
        "print(F())\n"
    )
    env = {k: v for k, v in __import__("os").environ.items() if k != "XLWINGS_ON_SERVER"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "#VALUE! F: x=2 must be 1"
