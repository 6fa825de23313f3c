"""Pareto cut-offs and ABC classes on accounts: the fixed 80/20 kind and computed limits."""

from __future__ import annotations

import bisect
import numbers
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from xlsales import _spline
from xlsales import _validate as v
from xlsales.errors import InputError, UndefinedError

NEGATIVES = ("refuse", "last")
SHARE_DECIMALS = 12  # shares are compared at 12 decimals (see abc_classes, Notes)


def _values(name: str, values: object, negatives: str) -> tuple[np.ndarray, int]:
    """Checked values as floats, and how many were negative (ranked last under "last")."""
    negatives = v.choice("negatives", negatives, NEGATIVES)
    out = v.number_array(name, values)
    if out.min() >= 0:
        return out, 0
    low = out < 0
    if negatives == "refuse":
        i = int(np.argmax(low))
        raise InputError(
            f"{name}[{i}]={out[i]:g} is negative: refused (negatives='last' ranks "
            f"loss-making items last in C instead; {int(low.sum())} negative value(s))"
        )
    return out, int(low.sum())


def _cumulative(desc: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Running totals of values sorted in descending order, without overflow.

    Where the total could overflow (the largest value times the count beyond the
    largest float), the values are first multiplied by the power of two that brings
    the largest below 1. That is exact in binary, so every running total and every
    share is the same number it would be without overflow; only the scale of the
    totals changes. So 1e308 + 1e308 is a share of 1/2 each, never inf / inf = NaN.
    """
    exponent = int(np.frexp(desc[0])[1])
    if exponent + len(desc).bit_length() > 1023:  # max * n could reach 2**1024
        desc = np.multiply(desc, 2.0**-exponent, out=out)
    return np.cumsum(desc, out=out)


def _first_reaching(cum: np.ndarray, limit: float) -> int:
    """The first position whose share ``round(cum[i] / cum[-1], 12)`` is at least
    ``round(limit, 12)`` (a bisection: the shares never decrease)."""
    total, target = cum[-1], round(limit, SHARE_DECIMALS)
    return bisect.bisect_left(
        range(len(cum)), target, key=lambda i: np.round(cum[i] / total, SHARE_DECIMALS)
    )


class ParetoCut(NamedTuple):
    """How many of the largest items reach the share, the value at the cut, the share reached."""

    count: int  # type: ignore[assignment]  # the issue names it count (shadows tuple.count)
    threshold: float
    share: float


def pareto_cutoff(values: Sequence[float] | np.ndarray, share: float = 0.8) -> ParetoCut:
    """How many of the largest items together hold at least ``share`` of the total.

    Parameters
    ----------
    values : sequence of float
        Revenue (or profit) per account, each >= 0, not all 0.
    share : float
        The share to reach, in (0, 1]; 0.8 for the 80/20 rule.

    Returns
    -------
    ParetoCut
        ``count`` items (ties at the cut kept together), ``threshold`` (the smallest
        value inside the cut) and ``share`` (the share those items actually hold).
        Unpacks as ``(count, threshold, share)``.

    Notes
    -----
    ::

        sorted descending: v[1] >= v[2] >= ... >= v[n],  S = v[1] + ... + v[n]
        k = the smallest k with (v[1] + ... + v[k]) / S >= share
        then k grows while v[k+1] = v[k]          (ties stay together)
        count = k,  threshold = v[k],  share = (v[1] + ... + v[k]) / S

    Shares are compared at 12 decimals so that float noise in the sum cannot move the
    cut. No other rounding.

    Examples
    --------
    Six accounts; the two largest carry 80 % of revenue:

    >>> pareto_cutoff([50, 30, 10, 5, 3, 2])
    ParetoCut(count=2, threshold=30.0, share=0.8)
    >>> count, threshold, reached = pareto_cutoff([5, 5, 5, 5], share=0.6)
    >>> count, reached  # the third 5 crosses 60 %, and the fourth is tied with it
    (4, 1.0)
    """
    x, _ = _values("values", values, "refuse")
    share = v.share("share", share)
    desc = np.sort(x)[::-1]
    cum = _cumulative(desc)
    if cum[-1] <= 0:
        raise UndefinedError("values add up to 0: shares of the total are undefined (all zero)")
    threshold = desc[_first_reaching(cum, share)]
    k = int(np.searchsorted(-desc, -threshold, side="right"))  # include ties
    return ParetoCut(k, float(threshold), float(np.round(cum[k - 1] / cum[-1], SHARE_DECIMALS)))


def abc_classes(
    values: Sequence[float] | np.ndarray, a: float = 0.8, b: float = 0.95, negatives: str = "refuse"
) -> list[str]:
    """Fixed ABC classes: "A", "B" or "C" per item, in input order.

    Parameters
    ----------
    values : sequence of float
        Revenue or profit per account; not all 0.
    a, b : float
        The class limits as shares of the total, ``0 < a < b <= 1``.
    negatives : {"refuse", "last"}
        What to do with negative values (loss-making accounts): ``"refuse"`` raises;
        ``"last"`` ranks them in C, after every non-negative item, and
        :func:`abc_summary` reports how many. The total then counts only the
        non-negative values.

    Notes
    -----
    ::

        larger(x) = sum of the values strictly larger than x
        share(x)  = larger(x) / sum of all values
        class(x)  = "A" if share(x) < a, else "B" if share(x) < b, else "C"

    So the item that crosses ``a`` is still A, and tied values always share a class.
    Shares are compared at 12 decimals (``ROUND(share, 12)``), so that the order in
    which a spreadsheet or numpy adds the values cannot flip a class at an exact limit.

    References
    ----------
    The account-matrix template reproduces this rule with native formulas
    (``Accounts`` sheet, ``ABC class`` column).

    Examples
    --------
    >>> abc_classes([50, 30, 10, 5, 3, 2])
    ['A', 'A', 'B', 'B', 'C', 'C']
    >>> abc_classes([40, -10, 60], negatives="last")
    ['A', 'C', 'A']
    """
    return _fixed_classes(_values("values", values, negatives)[0], a, b)


def _fixed_classes(x: np.ndarray, a: object, b: object) -> list[str]:
    """The fixed rule on checked values; negatives (if any are left) go last in C.

    One sort and no argsort: the share seen by an item never decreases as its value
    falls, so each class is every value at or above one limit value. In descending
    order, the A limit value is the value at the first position whose running total
    reaches ``a``: everything strictly larger holds less than ``a``, while anything
    smaller sees at least that running total above it.
    """
    a, b = _limits(a, b)
    desc = np.sort(x)[::-1]
    desc = desc[: len(desc) - int(np.searchsorted(desc[::-1], 0.0))]  # the values >= 0
    if not len(desc):
        raise UndefinedError("values has no value of 0 or more: nothing to classify")
    cum = _cumulative(desc)
    if cum[-1] <= 0:
        raise UndefinedError("values add up to 0: shares of the total are undefined (all zero)")
    return _by_limits(x, desc[_first_reaching(cum, a)], desc[_first_reaching(cum, b)])


def _by_limits(x: np.ndarray, a_value: float, b_value: float) -> list[str]:
    """ "A" for values at or above ``a_value``, "B" at or above ``b_value``, else "C"."""
    rank = np.less(x, a_value).view(np.uint8)  # 1 below the A limit value, else 0
    rank += np.less(x, b_value).view(np.uint8)
    rank += ord("A")
    return list(str(rank.data, "ascii"))  # one-letter strings are shared: fast


def _limits(a: object, b: object) -> tuple[float, float]:
    a = v.share("a", a)
    b = v.share("b", b)
    if a >= b:
        raise InputError(f"a={a:g} must be less than b={b:g} (the A limit comes first)")
    return a, b


class ABCSummary(NamedTuple):
    classes: list[str]
    counts: dict[str, int]
    negatives: int


def abc_summary(
    values: Sequence[float], a: float = 0.8, b: float = 0.95, negatives: str = "refuse"
) -> ABCSummary:
    """:func:`abc_classes` with the count per class and how many negatives went last.

    >>> abc_summary([40, -10, 60], negatives="last")
    ABCSummary(classes=['A', 'C', 'A'], counts={'A': 2, 'B': 0, 'C': 1}, negatives=1)
    """
    x, low = _values("values", values, negatives)
    classes = _fixed_classes(x, a, b)
    return ABCSummary(classes, class_counts(classes), low)


def class_counts(classes: Sequence[str] | np.ndarray) -> dict[str, int]:
    """How many items are in A, B and C.

    >>> class_counts(["A", "C", "A"])
    {'A': 2, 'B': 0, 'C': 1}
    """
    labels = np.asarray(classes)
    return {k: int((labels == k).sum()) for k in "ABC"}


class CurvePoint(NamedTuple):
    effort: float  # share of items, x
    yield_: float  # share of the total, y


class ComputedABC(NamedTuple):
    """Result of :func:`computed_abc`."""

    classes: list[str]  # one letter per item, input order
    pareto: CurvePoint  # nearest (0, 1)
    break_even: CurvePoint  # slope nearest 1
    submarginal: CurvePoint  # nearest (x of the right-hand point, 1)
    exchanged: bool  # break-even lay left of Pareto: the A|B limit is the break-even point
    cleaned: int  # non-numbers and negatives counted as 0
    all_equal: bool  # every value equal: all A
    ab_limit: float  # sorted value at the A|B limit
    bc_limit: float  # sorted value at the B|C limit


def _clean(values: object) -> tuple[np.ndarray, int]:
    """Step 1 of cABCanalysis: non-numbers, NaN and negative values count as 0.

    An infinite value is refused: it is a number, but it has no share of a total.
    """
    items = v.sequence("values", values)
    arr = items if isinstance(items, np.ndarray) else np.array(items)
    if arr.ndim != 1 or arr.dtype.kind not in "iuf":
        arr = np.array(
            [
                x if isinstance(x, numbers.Real) and not isinstance(x, bool) else np.nan
                for x in items
            ],
            dtype=float,
        )
    arr = arr.astype(float, copy=False)
    if len(arr) and np.isfinite(arr.max()) and arr.min() >= 0:  # nothing to clean
        return arr, 0
    infinite = np.isinf(arr)
    if infinite.any():
        i = int(np.argmax(infinite))
        raise InputError(
            f"values[{i}]={arr[i]:g} is not a finite number: an infinite value has no share "
            "of the total (text, blanks, NaN and negative values count as 0)"
        )
    bad = ~(arr >= 0)  # NaN too
    return np.where(bad, 0.0, arr), int(bad.sum())


def abc_curve(sorted_desc: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The ABC curve interpolated on cABCanalysis' grid: (effort p, yield y).

    ``sorted_desc`` holds values >= 0 in descending order, the first one > 0.

    ::

        x = i/n, y = (v[1] + ... + v[i]) / total,  i = 0..n  (from (0, 0) to (1, 1))
        p = 0, 0.01, ..., 1  (n < 101)   or   0, 0.001, ..., 1
        y(p) = Hyman-filtered FMM spline through (x, y); from the first y >= 1 on, y = 1
    """
    n = len(sorted_desc)
    y = np.empty(n + 1)
    y[0] = 0.0
    _cumulative(sorted_desc, out=y[1:])
    y[1:] /= y[-1]
    step = 0.01 if n < 101 else 0.001
    steps = int(round(1 / step))
    p = np.minimum(np.arange(steps + 1) * step, 1.0)  # R: seq(0, 1, by = step)
    yp = _spline.hyman_values(_spline.EvenKnots(n), y, p)  # x = i/n, i = 0..n
    full = np.nonzero(yp >= 1)[0]
    if len(full):
        yp[full[0] :] = 1.0
    return p, yp


def computed_abc(values: Sequence[float] | np.ndarray) -> ComputedABC:
    """Data-driven ABC limits (Ultsch & Lötsch 2015), as the R package cABCanalysis.

    Parameters
    ----------
    values : sequence
        Revenue or profit per account. Non-numbers, blanks and negative values count
        as 0 and are reported in ``cleaned``.

    Returns
    -------
    ComputedABC
        ``classes`` per item in input order, the Pareto, break-even and submarginal
        points of the ABC curve, whether A and B were exchanged, ``cleaned``, and the
        sorted values at the two limits.

    Notes
    -----
    ::

        curve     : see abc_curve (Hyman-filtered FMM spline on a 0.01 / 0.001 grid)
        slope(k)  : FMM spline through (p, y(p)), derivative at k/m, k = 1..m
        Pareto    : grid point minimising p^2 + (1 - y)^2            (first minimum)
        break-even: grid point minimising |slope - 1|                (first minimum)
        if break-even lies left of Pareto, exchange them: the left one is A|B
        submarginal: grid point minimising (p - x_right)^2 + (1 - y)^2
        A = sorted positions i with i/n <= x(A|B); B = i/n <= x(submarginal), not A
        ties split across classes move to the class holding most of them; on equal
        counts to the better class when the value is at or above the limit value
        between the two (the sorted value at position round(x * n) of that limit)

    One item is A; all values equal are all A (``all_equal``). No rounding.

    References
    ----------
    A. Ultsch, J. Lötsch, "Computed ABC Analysis for Rational Selection of Most
    Informative Variables in Multivariate Data", PLoS ONE 10(6) e0129767, 2015.
    shared/oracles/abc_published.json: cABCanalysis results, among them the 2,896
    SwissInhabitants values (640 A / 437 B / 1,819 C).

    Examples
    --------
    One account far ahead of ten small ones:

    >>> r = computed_abc([100, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1])
    >>> "".join(r.classes)
    'ABBCCCCCCCC'
    """
    x, cleaned = _clean(values)
    n = len(x)
    asc = np.sort(x)
    desc = asc[::-1]
    if desc[0] == 0:  # the largest: every value is 0
        raise UndefinedError(
            f"values add up to 0 after cleaning {cleaned} non-number(s) or negative(s): "
            "there is nothing to rank"
        )
    if n == 1 or desc[0] == desc[-1]:
        point = CurvePoint(1.0, 1.0)
        return ComputedABC(
            ["A"] * n, point, point, point, False, cleaned, n > 1, desc[-1], desc[-1]
        )
    p, yp = abc_curve(desc)
    m = len(p)
    slope = _spline.evaluate(_spline.fmm(p, yp), np.arange(1, m + 1) / m, deriv=1)
    pareto = int(np.argmin(p**2 + (1 - yp) ** 2))
    even = int(np.argmin(np.abs(slope - 1)))
    exchanged = p[even] < p[pareto]
    left, right = (even, pareto) if exchanged else (pareto, even)
    sub = int(np.argmin((p - p[right]) ** 2 + (1 - yp) ** 2))
    limit_values = [
        desc[max(int(round(p[left] * n)), 1) - 1],
        desc[max(int(round(p[sub] * n)), 1) - 1],
    ]
    # sorted positions i (1-based) with i/n <= p[left] are A, then i/n <= p[sub] are B
    k_a = bisect.bisect_right(range(1, n + 1), p[left], key=lambda i: i / n)
    k_b = max(k_a, bisect.bisect_right(range(1, n + 1), p[sub], key=lambda i: i / n))
    sizes = [k_a, k_b - k_a, n - k_b]
    for s, e in {
        _tie_group(asc, desc[k]) for k in (k_a, k_b) if 0 < k < n and desc[k - 1] == desc[k]
    }:
        before = np.searchsorted([k_a, k_b], np.arange(s, e), side="right")  # 0, 1, 2
        after = _ties_together(desc[s:e], before, limit_values)
        for r in range(3):
            sizes[r] += int((after == r).sum() - (before == r).sum())
    a_end, b_end = sizes[0], sizes[0] + sizes[1]  # whole tie groups now
    classes = _by_limits(
        x, desc[a_end - 1] if a_end else np.inf, desc[b_end - 1] if b_end else np.inf
    )
    pt = lambda i: CurvePoint(float(p[i]), float(yp[i]))  # noqa: E731
    return ComputedABC(
        classes,
        pt(pareto),
        pt(even),
        pt(sub),
        bool(exchanged),
        cleaned,
        False,
        float(limit_values[0]),
        float(limit_values[1]),
    )


def _tie_group(asc: np.ndarray, value: float) -> tuple[int, int]:
    """Where the items equal to ``value`` lie in descending order: positions [s, e)."""
    n = len(asc)
    return n - int(np.searchsorted(asc, value, "right")), n - int(np.searchsorted(asc, value))


def _ties_together(desc: np.ndarray, rank: np.ndarray, limit_values: list[float]) -> np.ndarray:
    """Move tied values split across classes to the class holding most of them."""
    rank = rank.copy()
    starts = np.flatnonzero(np.concatenate([[True], desc[1:] != desc[:-1]]))
    ends = np.concatenate([starts[1:], [len(desc)]])
    split = rank[starts] != rank[ends - 1]
    for s, e in zip(starts[split], ends[split]):
        counts = np.bincount(rank[s:e], minlength=3)
        best = np.flatnonzero(counts == counts.max())
        if len(best) == 1:
            rank[s:e] = best[0]
            continue
        lo, hi = best[0], best[-1]  # two classes hold equally many; lo is the better one
        limit = limit_values[min(lo, 1)]  # the limit value between those two classes
        rank[s:e] = lo if desc[s] >= limit else hi
    return rank
