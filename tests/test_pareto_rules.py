"""Hand-worked cases that kill the mutants scripts/mutation.sh found alive in
xlsales/pareto.py (docs/mutation.md): limits on and beside, and every message.
"""

from __future__ import annotations

import pytest

from xlsales import pareto
from xlsales.errors import InputError, UndefinedError


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
