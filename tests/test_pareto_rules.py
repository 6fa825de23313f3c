"""Hand-worked cases that kill the mutants scripts/mutation.sh found alive in
xlsales/pareto.py (docs/mutation.md): limits on and beside, and every message.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import load_oracle

from xlsales import pareto
from xlsales.errors import InputError, UndefinedError

ABC = load_oracle("abc_published.json")["cases"]


def test_negatives_last_are_left_out_of_the_total():
    # 50, 30, 20 and a loss of -50 ranked last: the total is 100 (not 50): shares of the
    # larger ones 0, 0.5, 0.8 -> A, A, B (0.8 is not < 0.8); the loss is C
    assert pareto.abc_classes([50, 30, 20, -50], negatives="last") == list("AABC")


def test_zero_and_small_values_stay_in_the_total():
    # 80, 20, 0.5 and a loss: the total is 100.5, so 20 sees 80 / 100.5 = 0.796 < 0.8
    # above it: A (without the 0.5 it would be exactly 0.8: B); 0.5 sees 100 / 100.5 =
    # 0.995: C; 0 sees 100.5 / 100.5: C
    assert pareto.abc_classes([80, 20, 0.5, 0, -1], negatives="last") == list("AACCC")


@pytest.mark.parametrize(
    "call, error, message",
    [
        (
            lambda: pareto.abc_classes([-1, -2], negatives="last"),
            UndefinedError,
            "values has no value of 0 or more: nothing to classify",
        ),
        (
            lambda: pareto.abc_classes([0, -2], negatives="last"),
            UndefinedError,
            "values add up to 0: shares of the total are undefined (all zero)",
        ),
        (
            lambda: pareto.abc_classes([1, 2], b=1.5),
            InputError,
            "b=1.5 must be in (0, 1] (a rate, 0.25 for 25%)",
        ),
        (
            lambda: pareto.abc_classes([1, 2], a=0.9, b=0.9),  # on the limit: refused
            InputError,
            "a=0.9 must be less than b=0.9 (the A limit comes first)",
        ),
        (
            lambda: pareto.pareto_cutoff([1, -1]),
            InputError,
            "values[1]=-1 is negative: refused (negatives='last' ranks loss-making items "
            "last in C instead; 1 negative value(s))",
        ),
        (
            lambda: pareto.abc_summary([1, -1]),  # negatives are refused by default
            InputError,
            "values[1]=-1 is negative: refused (negatives='last' ranks loss-making items "
            "last in C instead; 1 negative value(s))",
        ),
    ],
)
def test_each_bad_input_is_named(call, error, message):
    with pytest.raises(error) as info:
        call()
    assert str(info.value) == message


def test_a_just_below_b_is_accepted():
    # a = 0.9, b = 0.91: 95 and 5 (total 100): 95 sees 0 above it: A; 5 sees 0.95: C
    assert pareto.abc_classes([95, 5], a=0.9, b=0.91) == ["A", "C"]


def test_cutoff_of_values_adding_up_to_0():
    with pytest.raises(UndefinedError) as info:
        pareto.pareto_cutoff([0, 0])
    assert str(info.value) == "values add up to 0: shares of the total are undefined (all zero)"


def test_tie_group_positions_in_descending_order():
    # ascending 1, 2, 2, 3 is descending 3, 2, 2, 1: the 2s sit at positions 1 and 2: [1, 3)
    assert pareto._tie_group(np.array([1.0, 2, 2, 3]), 2.0) == (1, 3)
    assert pareto._tie_group(np.array([1.0, 2, 2, 3]), 3.0) == (0, 1)


# computed_abc's tie rule (its Notes): tied values split across classes move to the class
# holding most of them; on equal counts to the better class when the value is at or above
# the limit value between the two classes, else to the worse one. Classes 0 = A, 1 = B, 2 = C.
@pytest.mark.parametrize(
    "desc, rank, limits, expected",
    [
        ([5, 5, 5], [0, 1, 1], [9, 1], [1, 1, 1]),  # 1 A, 2 B: all B
        ([5, 5], [0, 1], [5, 1], [0, 0]),  # 1 A, 1 B; 5 on the A|B limit 5: A
        ([5, 5], [0, 1], [6, 1], [1, 1]),  # just below it: B
        ([5, 5], [1, 2], [9, 5], [1, 1]),  # 1 B, 1 C; on the B|C limit 5: B
        ([5, 5], [1, 2], [9, 6], [2, 2]),  # just below it: C
        ([5, 5, 5], [0, 1, 2], [6, 4], [2, 2, 2]),  # one each; below the A|B limit: C
        ([7, 7, 5], [0, 0, 1], [9, 9], [0, 0, 1]),  # no group split: unchanged
        # two groups: the 7s (1 A, 2 B) all B; then the 5s (1 B, 1 C), below the B|C
        # limit 6: C. The first settles by its count and the second is still looked at.
        ([7, 7, 7, 5, 5], [0, 1, 1, 1, 2], [9, 6], [1, 1, 1, 2, 2]),
        # a first group not split, then a split one
        ([8, 7, 7], [0, 0, 1], [7, 1], [0, 0, 0]),
    ],
)
def test_ties_move_together(desc, rank, limits, expected):
    got = pareto._ties_together(np.array(desc, dtype=float), np.array(rank), limits)
    assert got.tolist() == expected


def test_abc_curve_grid_and_full_yield():
    # fewer than 101 items: a grid of 0.01 (101 points); 101 items or more: 0.001 (1,001)
    assert len(pareto.abc_curve(np.arange(100, 0, -1.0))[0]) == 101
    assert len(pareto.abc_curve(np.arange(101, 0, -1.0))[0]) == 1001
    # 1, 1, 0, 0: the two 1s hold everything by p = 0.5: from there on y = 1 exactly
    p, y = pareto.abc_curve(np.array([1.0, 1, 0, 0]))
    assert p[50] == 0.5 and y[49] < 1 and y[50:].tolist() == [1.0] * 51


def test_computed_abc_counts_what_it_cleans():
    # nothing to clean: 0; a 0 is a value, not cleaned; -1 is (counted as 0): 1; 0.5 is
    # a value: still 1; text and NaN too: 3
    assert pareto.computed_abc([3, 1]).cleaned == 0
    assert pareto.computed_abc([3, 0, 1]).cleaned == 0
    assert pareto.computed_abc([3, 0, -1]).cleaned == 1
    assert pareto.computed_abc([3, 0.5, -1]).cleaned == 1
    assert pareto.computed_abc([3, 0.5, -1, "x", float("nan")]).cleaned == 3


def test_computed_abc_names_an_infinite_value():
    with pytest.raises(InputError) as info:
        pareto.computed_abc([1, float("inf")])
    assert str(info.value) == (
        "values[1]=inf is not a finite number: an infinite value has no share of the total "
        "(text, blanks, NaN and negative values count as 0)"
    )


def test_computed_abc_one_item_or_all_equal_in_full():
    # one item, or every value equal: all A, every point at (1, 1), nothing exchanged or
    # cleaned, both limit values the value itself; all_equal only with more than one item
    one, same = pareto.CurvePoint(1.0, 1.0), pareto.computed_abc([4, 4, 4])
    assert pareto.computed_abc([7]) == pareto.ComputedABC(
        ["A"], one, one, one, False, 0, False, 7.0, 7.0
    )
    assert same == pareto.ComputedABC(["A"] * 3, one, one, one, False, 0, True, 4.0, 4.0)


@pytest.mark.parametrize("values", [[5, 1], [9, 4, 4], [9, 9, 1]])
def test_computed_abc_unequal_values_are_not_all_equal(values):
    r = pareto.computed_abc(values)
    assert r.all_equal is False
    assert r.pareto != pareto.CurvePoint(1.0, 1.0)


def test_computed_abc_with_nothing_to_rank():
    with pytest.raises(UndefinedError) as info:
        pareto.computed_abc([0, -1, "x"])
    assert str(info.value) == (
        "values add up to 0 after cleaning 2 non-number(s) or negative(s): there is nothing to rank"
    )


def test_swiss_limit_values_sit_at_the_published_points():
    # cABCanalysis puts the A|B limit at effort 0.221 and the B|C limit at 0.372 (the
    # oracle's A_point and C_point, 2,896 villages): the limit values are the sorted
    # values at positions round(0.221 x 2896) = round(640.016) = 640 and
    # round(0.372 x 2896) = round(1077.3) = 1077 (1-based, largest first)
    case = ABC["swiss"]
    desc = sorted(case["data"], reverse=True)
    r = pareto.computed_abc(case["data"])
    assert (r.ab_limit, r.bc_limit) == (desc[639], desc[1076])


def test_two_equal_values_are_all_equal():
    # more than one item, all equal: all_equal (one item alone is not "all equal")
    assert pareto.computed_abc([4, 4]).all_equal is True


# --- stop 13: _values, changed since the full run (a shortcut when nothing is negative;
# docs/mutation.md, "Changed modules re-scored (stop 13)") -------------------------------


def test_a_value_of_0_or_a_fraction_is_not_negative():
    # 40, 0 (on the limit: 0 is not negative), 0.5 and 60: no negative value
    assert pareto.abc_summary([40, 0, 0.5, 60], negatives="last").negatives == 0
    # -10 added (beside the limit): 1 negative, not 2 or 3 (0 and 0.5 are not counted)
    assert pareto.abc_summary([40, 0, 0.5, -10, 60], negatives="last").negatives == 1
    # refused by default: the first negative is named (values[3], not the 0 at values[1]
    # or the 0.5 at values[2]), with the count of 1
    with pytest.raises(InputError) as info:
        pareto.abc_summary([40, 0, 0.5, -10, 60])
    assert str(info.value) == (
        "values[3]=-10 is negative: refused (negatives='last' ranks loss-making items "
        "last in C instead; 1 negative value(s))"
    )
