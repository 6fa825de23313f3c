"""The Pareto UDFs through xlwings' own conversion code."""

from __future__ import annotations

import pytest
from conftest import excel_call, excel_error, load_oracle

import udfs
from xlsales import pareto

ABC = load_oracle("abc_published.json")["cases"]


def test_abc_class_column_in_column_out():
    got = excel_call(udfs, "ABC_CLASS", [[x] for x in [50, 30, 10, 5, 3, 2]])
    assert got == [["A"], ["A"], ["B"], ["B"], ["C"], ["C"]]


def test_abc_class_row_with_trailing_blanks_and_block():
    assert excel_call(udfs, "ABC_CLASS", [[50, 30, 10, 5, 3, 2, "", ""]]) == [
        ["A", "A", "B", "B", "C", "C"]
    ]
    assert excel_call(udfs, "ABC_CLASS", [[50, 30], [10, 5], [3, 2]]) == [
        ["A", "A"],
        ["B", "B"],
        ["C", "C"],
    ]


def test_abc_class_negatives_choice():
    assert "values[1]=-10 is negative" in excel_error(udfs, "ABC_CLASS", [[40, -10, 60]])
    got = excel_call(udfs, "ABC_CLASS", [[40, -10, 60]], "", "", "last")
    assert got == [["A", "C", "A"]]


def test_abc_computed_swiss_sizes():
    case = ABC["swiss"]
    got = excel_call(udfs, "ABC_COMPUTED", [[x] for x in case["data"]])
    flat = [r[0] for r in got]
    assert [flat.count(k) for k in "ABC"] == case["sizes"]
    assert sorted(i + 1 for i, c in enumerate(flat) if c == "A") == sorted(case["A"])


def test_abc_limits_table():
    case = ABC["test8"]
    got = excel_call(udfs, "ABC_LIMITS", [case["data"]])
    labels = [r[0] for r in got]
    assert labels[:4] == ["item", "Pareto point", "break-even point", "submarginal point"]
    sizes = dict((r[0], r[1]) for r in got)["A, B, C items"]
    assert sizes == ", ".join(str(s) for s in case["sizes"])
    # the same points as the core's, row by row (effort, yield)
    core = pareto.computed_abc(case["data"])
    points = [core.pareto, core.break_even, core.submarginal]
    assert [row[1:3] for row in got[1:4]] == [[p.effort, p.yield_] for p in points]


def test_pareto_cutoff_udf():
    # 50 + 30 = 80 of 100
    assert excel_call(udfs, "PARETO_CUTOFF", [[10, 50, 3, 30, 5, 2]]) == [[2, 30, 0.8]]
    got = excel_call(udfs, "PARETO_CUTOFF", [[10, 50, 3, 30, 5, 2]], 0.8, True)
    assert got[0] == ["count", "threshold", "share"]


@pytest.mark.parametrize(
    "func, args, message",
    [
        ("ABC_CLASS", ([["", ""]],), "ABC_CLASS: values is empty"),
        ("ABC_CLASS", ([[0, 0, 0]],), "values add up to 0"),
        ("ABC_CLASS", ([[5, "ten", 3]],), "values[1]='ten' is not a number"),
        ("ABC_CLASS", ([[5, "", 3]],), "values[1] is blank"),
        ("ABC_CLASS", ([[5, 3]], 0.95, 0.8), "a=0.95 must be less than b=0.8"),
        ("PARETO_CUTOFF", ([[5, 3]], 1.5), "share=1.5 must be in (0, 1]"),
        ("ABC_COMPUTED", ([[0, "x"]],), "values add up to 0 after cleaning 1"),
    ],
)
def test_bad_input_is_one_line(func, args, message):
    assert message in excel_error(udfs, func, *args)


NA = {"type": "Error", "basicValue": "#N/A", "errorType": "NotAvailable"}  # as Office.js sends it


@pytest.mark.parametrize("func", ["ABC_CLASS", "ABC_COMPUTED", "ABC_LIMITS", "PARETO_CUTOFF"])
def test_an_error_cell_is_refused_not_read_as_blank_or_zero(func):
    message = excel_error(udfs, func, [[5], [NA], [3]])
    assert f"{func}: values[1]=#N/A is an Excel error, not a value" in message


def test_huge_values_give_classes_not_an_internal_error():
    # 1e308, 6e307, 4e307: larger-than shares 0, .5, .8 (ON the A limit -> B); see
    # test_pareto.test_fixed_abc_on_the_a_limit_with_huge_values
    assert excel_call(udfs, "ABC_CLASS", [[1e308, 6e307, 4e307]]) == [["A", "A", "B"]]
    assert excel_call(udfs, "PARETO_CUTOFF", [[1e308, 6e307, 4e307]]) == [[2, 6e307, 0.8]]
    # computed ABC of the package's test8 case scaled by 2**1017 (exact, so the same
    # published classes: 1 A, 2 B, 8 C) although the plain sum overflows
    data = [x * 2.0**1017 for x in ABC["test8"]["data"]]
    (row,) = excel_call(udfs, "ABC_COMPUTED", [data])
    assert sorted(i + 1 for i, c in enumerate(row) if c == "A") == ABC["test8"]["A"]
    assert [row.count(k) for k in "ABC"] == ABC["test8"]["sizes"]


def test_rich_values_read_as_their_value():
    # Office.js sends a formatted number as a dict; its basicValue is the number:
    # 50, 30, 10, 5, 3, 2 as in test_abc_class_column_in_column_out -> A A B B C C
    thirty = {"type": "FormattedNumber", "basicValue": 30, "numberFormat": "#,##0"}
    got = excel_call(udfs, "ABC_CLASS", [[50], [thirty], [10], [5], [3], [2]])
    assert got == [["A"], ["A"], ["B"], ["B"], ["C"], ["C"]]


def test_a_result_leaves_as_plain_json_and_the_collector_runs_again():
    import gc
    import json

    from fastapi.encoders import jsonable_encoder

    got = excel_call(udfs, "ABC_CLASS", [[50, 30, 10, 5, 3, 2]])
    # what xlwings Server's route hands to FastAPI: the rows, not walked cell by cell
    assert jsonable_encoder({"result": got}) == {"result": [["A", "A", "B", "B", "C", "C"]]}
    assert json.dumps(got) == '[["A", "A", "B", "B", "C", "C"]]'
    excel_error(udfs, "ABC_CLASS", [[5, -2]])  # an error inside the call
    assert gc.isenabled()


def test_the_pyodide_probe_is_answered_once():
    from xlwings import utils

    from udfs import _boundary

    assert utils.is_jsnull is _boundary._never_jsnull  # Pyodide is not installed here
    assert utils.is_jsnull(None) is False
