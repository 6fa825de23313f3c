"""xlsales.pareto: published cABCanalysis results, hand-worked cases, properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import load_oracle
from hypothesis import given, settings
from hypothesis import strategies as st

from xlsales import pareto
from xlsales.errors import InputError, UndefinedError

ABC = load_oracle("abc_published.json")["cases"]


def index_sets(classes):
    """1-based positions per class, as the oracle lists them."""
    return {k: sorted(i + 1 for i, c in enumerate(classes) if c == k) for k in "ABC"}


@pytest.mark.parametrize("name", sorted(ABC))
def test_computed_abc_matches_cabcanalysis_item_by_item(name):
    case = ABC[name]
    got = index_sets(pareto.computed_abc(case["data"]).classes)
    assert [len(got[k]) for k in "ABC"] == case["sizes"]
    for k in "ABC":
        assert got[k] == sorted(case[k]), k


def test_swiss_inhabitants_limit_points_match_cabcanalysis():
    # cABCanalysis on the 2,896 SwissInhabitants values puts the A|B limit at the
    # break-even point (it lies left of the Pareto point, so the two are exchanged) and
    # the B|C limit at the submarginal point; the oracle lists both as (effort, yield).
    case = ABC["swiss"]
    r = pareto.computed_abc(case["data"])
    assert r.exchanged
    assert [r.break_even.effort, r.break_even.yield_] == pytest.approx(case["A_point"], rel=1e-9)
    assert [r.submarginal.effort, r.submarginal.yield_] == pytest.approx(case["C_point"], rel=1e-9)
    assert r.pareto.effort > r.break_even.effort


def test_computed_abc_cleans_and_reports():
    # text, a blank and a negative count as 0: three cleaned, leaving 3, 3, 1, 0, 0, 0.
    # By hand, the curve's knots (x = i/6, y = cumulative share of 7) and their squared
    # distance to (0, 1): (1/6, 3/7) 0.354; (2/6, 6/7) 0.131; (3/6, 1) 0.250. So the
    # Pareto point lies between x = 1/6 and 1/2. Position 1 (x = 1/6) is then in A; if
    # the point falls short of x = 2/6 the tie of the two 3s is split 1:1 and step 7
    # moves it to A, because 3 is the value at the A|B limit. Either way both 3s are A.
    r = pareto.computed_abc([1, "x", None, -5, 3, 3])
    assert r.cleaned == 3
    assert 1 / 6 < r.pareto.effort <= 1 / 2 and not r.exchanged
    assert r.classes[4] == r.classes[5] == "A"


def test_computed_abc_one_item_and_all_equal():
    assert pareto.computed_abc([42]).classes == ["A"]
    r = pareto.computed_abc([7, 7, 7])
    assert r.classes == ["A", "A", "A"] and r.all_equal


def test_fixed_abc_worked_example_from_the_issue():
    # 50, 30, 10, 5, 3, 2 (total 100). Larger-than shares: 0, .5, .8, .9, .95, .98
    assert pareto.abc_classes([50, 30, 10, 5, 3, 2]) == ["A", "A", "B", "B", "C", "C"]


def test_fixed_abc_crossing_item_is_still_a_and_ties_share():
    # 60, 30, 30, 10 (total 130): 30s see 60/130 = .46 larger -> A, both of them;
    # 10 sees 120/130 = .92 -> B
    assert pareto.abc_classes([60, 30, 30, 10]) == ["A", "A", "A", "B"]
    # custom limits 0.5 / 0.9: 10 -> .92 >= .9 -> C
    assert pareto.abc_classes([60, 30, 30, 10], a=0.5, b=0.9) == ["A", "A", "A", "C"]


def test_fixed_abc_negatives_last_in_c():
    # -10 ranks last; the total of the rest is 100: 60 -> A (0), 40 -> A (.6)
    summary = pareto.abc_summary([40, -10, 60], negatives="last")
    assert summary.classes == ["A", "C", "A"]
    assert summary.negatives == 1 and summary.counts == {"A": 2, "B": 0, "C": 1}


def test_pareto_cutoff_by_hand():
    # 50 + 30 = 80 of 100: two accounts, threshold 30, 80 % reached
    assert pareto.pareto_cutoff([10, 50, 3, 30, 5, 2]) == (2, 30.0, 0.8)
    count, threshold, share = pareto.pareto_cutoff([50, 30, 10, 5, 3, 2], share=0.85)
    assert (count, threshold, share) == (3, 10.0, 0.9)
    # ties at the cut stay together: 40 + 20 = 60 of 100 reaches .55, the other 20 joins
    assert pareto.pareto_cutoff([40, 20, 20, 20], 0.55) == (4, 20.0, 1.0)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: pareto.abc_classes([]), "values is empty"),
        (lambda: pareto.abc_classes([5, "ten", 3]), "values[1]='ten' is not a number"),
        (lambda: pareto.abc_classes([5, None, 3]), "values[1] is blank"),
        (lambda: pareto.abc_classes([5, float("nan")]), "values[1]=nan must be a finite number"),
        (lambda: pareto.abc_classes([5, -2]), "values[1]=-2 is negative: refused"),
        (lambda: pareto.abc_classes([5, 3], a=0.9, b=0.8), "a=0.9 must be less than b=0.8"),
        (lambda: pareto.abc_classes([5, 3], a=1.2), "a=1.2 must be in (0, 1]"),
        (lambda: pareto.abc_classes([5, 3], negatives="drop"), "negatives='drop' must be one of"),
        (lambda: pareto.pareto_cutoff([5, 3], share=0), "share=0 must be in (0, 1]"),
        (lambda: pareto.pareto_cutoff([5, 3], share=1.5), "share=1.5 must be in (0, 1]"),
        (lambda: pareto.computed_abc([]), "values is empty"),
    ],
)
def test_bad_input_message(call, message):
    with pytest.raises(InputError) as info:
        call()
    assert message in str(info.value)


@pytest.mark.parametrize(
    "call",
    [
        lambda: pareto.abc_classes([0, 0, 0]),
        lambda: pareto.pareto_cutoff([0, 0]),
        lambda: pareto.computed_abc([0, "x", -1]),
        lambda: pareto.abc_classes([-1, -2], negatives="last"),
    ],
)
def test_all_zero_is_undefined_not_a_class(call):
    with pytest.raises(UndefinedError):
        call()


values_st = st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=300).filter(
    lambda xs: sum(xs) > 0
)
RANK = {"A": 0, "B": 1, "C": 2}


@pytest.mark.parametrize(
    "classify", [pareto.abc_classes, lambda xs: pareto.computed_abc(xs).classes]
)
@settings(max_examples=60, deadline=None)
@given(values=values_st, seed=st.integers(0, 2**32 - 1), factor=st.integers(1, 1000))
def test_abc_properties(classify, values, seed, factor):
    classes = classify(values)
    # every item gets exactly one class
    assert len(classes) == len(values) and set(classes) <= {"A", "B", "C"}
    # a larger value never gets a worse class
    for x, cx in zip(values, classes):
        for y, cy in zip(values, classes):
            if x > y:
                assert RANK[cx] <= RANK[cy]
    # shuffling changes no item's class
    perm = np.random.default_rng(seed).permutation(len(values))
    shuffled = classify([values[i] for i in perm])
    assert [classes[i] for i in perm] == shuffled
    # a positive scale changes nothing
    assert classify([x * factor for x in values]) == classes


@given(values_st, st.floats(min_value=0.01, max_value=1.0))
def test_pareto_cutoff_reaches_share_with_the_fewest_items(values, share):
    count, threshold, reached = pareto.pareto_cutoff(values, share)
    desc = sorted(values, reverse=True)
    total = sum(values)
    assert reached == pytest.approx(sum(desc[:count]) / total)
    assert reached >= share - 1e-12
    assert desc[count - 1] == threshold
    assert count == len(desc) or desc[count] < threshold  # ties kept together
    below = [i for i in range(count) if desc[i] > threshold]
    if below:  # without the tie group the share was not reached
        assert sum(desc[: below[-1] + 1]) / total < share + 1e-12


def test_large_input_accepts_numpy_and_lists_alike():
    x = np.random.default_rng(7).lognormal(8, 1.2, 5000)
    assert pareto.abc_classes(x) == pareto.abc_classes(x.tolist())
    assert pareto.computed_abc(x).classes == pareto.computed_abc(list(x)).classes
    assert math.isclose(pareto.pareto_cutoff(x).share, pareto.pareto_cutoff(list(x)).share)


def test_fixed_abc_when_the_total_overflows():
    # 1e308 + 1e308 + 5e307 + 1e307 = 2.6e308, beyond the largest float (1.8e308).
    # Larger-than shares: 0 and 0 (the tie), 2e308 / 2.6e308 = .769 -> A,
    # 2.5e308 / 2.6e308 = .962 >= .95 -> C. (Summing as they are gives inf / inf = NaN.)
    assert pareto.abc_classes([1e308, 1e308, 5e307, 1e307]) == ["A", "A", "A", "C"]


def test_fixed_abc_on_the_a_limit_with_huge_values():
    # 1e308, 6e307, 4e307 (total 2e308): larger-than shares 0, 1e308 / 2e308 = .5 and
    # 1.6e308 / 2e308 = .8 exactly ON the A limit -> B (A needs a share below a)
    assert pareto.abc_classes([1e308, 6e307, 4e307]) == ["A", "A", "B"]
    # just beside the limit: a = .81 -> .8 < .81 -> A
    assert pareto.abc_classes([1e308, 6e307, 4e307], a=0.81) == ["A", "A", "A"]


def test_pareto_cutoff_when_the_total_overflows():
    # the same three: 1e308 + 6e307 = 1.6e308 of 2e308 = .8 reaches .8 with two items;
    # .81 needs the third, 100 %
    assert pareto.pareto_cutoff([4e307, 1e308, 6e307]) == (2, 6e307, 0.8)
    assert pareto.pareto_cutoff([4e307, 1e308, 6e307], share=0.81) == (3, 4e307, 1.0)


@pytest.mark.parametrize("name", sorted(ABC))
def test_computed_abc_when_the_total_overflows(name):
    # Multiplying by a power of two is exact in binary, so every share of the total is
    # the same number: the published sets must come out again, although the plain sum
    # of the scaled values is inf.
    data = np.array(ABC[name]["data"], dtype=float)
    huge = np.ldexp(data, 1023 - np.frexp(data.max())[1] + 1)  # largest in [2**1023, 2**1024)
    with np.errstate(over="ignore"):
        assert np.isinf(huge.sum()) and np.isfinite(huge).all()
    got = index_sets(pareto.computed_abc(huge).classes)
    for k in "ABC":
        assert got[k] == sorted(ABC[name][k]), k


@pytest.mark.parametrize("bad", [math.inf, -math.inf])
def test_computed_abc_refuses_infinity(bad):
    with pytest.raises(InputError) as info:
        pareto.computed_abc([5, bad, 3])
    assert f"values[1]={bad:g} is not a finite number" in str(info.value)


def test_computed_abc_counts_nan_as_missing():
    # NaN is R's NA: cleaned to 0 and counted, as text and blanks are
    r = pareto.computed_abc([1, math.nan, 3, 3])
    assert r.cleaned == 1 and r.classes == pareto.computed_abc([1, 0, 3, 3]).classes


def test_computed_abc_of_many_values_is_the_whole_system_s(monkeypatch):
    # Beyond about 83k values the spline's system is solved only around the knots the
    # grid needs (xlsales/_spline.py, _sigma): every result must be the one the whole
    # system gives, as R's cABCanalysis solves it (WINDOW beyond n: every row)
    from xlsales import _spline

    rng = np.random.default_rng(15)
    values = np.concatenate([rng.lognormal(8, 2, 200_000), rng.integers(0, 50, 100_003)])
    got = pareto.computed_abc(values)
    monkeypatch.setattr(_spline, "WINDOW", 10**9)
    assert pareto.computed_abc(values) == got
