"""Cubic splines as R computes them: FMM end conditions and Hyman's monotone filter.

scipy has neither the Forsythe-Malcolm-Moler end conditions nor Hyman's filter, and
computed ABC analysis (:func:`xlsales.pareto.computed_abc`) must reproduce R's
``spline(method = "hyman")`` and ``splinefun(method = "fmm")`` to the last item. This
module ports the published algorithms, one function each.

A spline is kept as R keeps it: knots ``x``, values ``y`` and per-knot coefficients
``b, c, d``, so that on ``[x[i], x[i+1]]``::

    s(u) = y[i] + b[i]*dx + c[i]*dx**2 + d[i]*dx**3,   dx = u - x[i]

References
----------
G. E. Forsythe, M. A. Malcolm, C. B. Moler, *Computer Methods for Mathematical
Computations*, Prentice-Hall 1977, routine SPLINE (end conditions: the third
derivative at each end equals that of the cubic through the four nearest points).
J. M. Hyman, "Accurate monotonicity preserving cubic interpolation", SIAM J. Sci.
Stat. Comput. 4 (1983) 645-654.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np


class Spline(NamedTuple):
    x: np.ndarray
    y: np.ndarray
    b: np.ndarray
    c: np.ndarray
    d: np.ndarray


class EvenKnots:
    """The knots ``0, 1/n, 2/n, ..., 1`` without holding them: ``x[i]`` is ``i / n``,
    the same number as ``(np.arange(n + 1) / n)[i]``. For splines through a million
    knots whose few hundred evaluation points need a few thousand of them."""

    def __init__(self, n: int) -> None:
        self.n = n

    def __len__(self) -> int:
        return self.n + 1

    def __getitem__(self, i: int | np.ndarray) -> float | np.ndarray:
        return i / self.n

    def __array__(self, dtype: object = None, copy: object = None) -> np.ndarray:
        return np.arange(self.n + 1, dtype=float) / self.n

    def searchsorted(self, u: np.ndarray, side: str = "right") -> np.ndarray:
        """``np.searchsorted(knots, u, side="right")``: how many knots are ``<= u``."""
        if side != "right":
            raise ValueError("only side='right' is supported")
        n = self.n
        # u * n and i / n are each rounded once, so floor(u * n) + 1 is the count or one
        # off it either way, and only where u is within an ulp of a knot: one step mends it
        k = np.clip(np.floor(u * n), -1, n).astype(np.intp) + 1
        k -= (k > 0) & (self[np.maximum(k - 1, 0)] > u)  # one too many
        k += (k <= n) & (self[np.minimum(k, n)] <= u)  # one too few
        return k


WINDOW = 40  # rows of the system solved on each side of a knot hyman_values needs
BLOCK = 8192  # about as many rows solved at a time: their arrays stay in the cache


def _rows(knots: np.ndarray, n: int) -> np.ndarray:
    """The rows of the system within ``WINDOW`` of one of ``knots``, in order; all of
    them when those stretches would hold ``n`` rows or more together."""
    lo = np.maximum(knots - WINDOW, 0)
    hi = np.minimum(knots + WINDOW + 1, n)
    if int(np.sum(hi - lo)) >= n:
        return np.arange(n)
    first = np.flatnonzero(np.concatenate([[True], lo[1:] > hi[:-1]]))  # of each run
    start, end = lo[first], hi[np.append(first[1:], len(hi)) - 1]
    length = end - start
    shift = start - np.concatenate([[0], np.cumsum(length[:-1])])
    return np.arange(int(length.sum())) + np.repeat(shift, length)


def _sigma(x: np.ndarray | EvenKnots, y: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
    """R's fmm_spline up to the solved system: sigma per knot (``c = 3 * sigma``).

    The tridiagonal system (0-based port of R's fmm_spline: b diagonal, d off-diagonal,
    c right-hand side) is set up elementwise. R solves it by Gaussian elimination
    without row interchanges; LAPACK's dgtsv does the same operations in the same
    order whenever no interchange is needed (``|pivot| >= |sub-diagonal|``). That
    holds for every increasing set of knots: the first pivot, ``-d[0]``, equals its
    sub-diagonal in size, and every later pivot is at least ``d[i-1] + 2 d[i]``. So
    the result agrees with R's loop to the last bit (tests/test_spline.py).

    ``rows`` (in order; default all): only those rows are solved, each unbroken run of
    them as a system of its own (sigma outside the run taken as 0); sigma comes back on
    them. Each inner row's diagonal, ``2 (d[i-1] + d[i])``, is twice its two neighbours
    together, so the error a run's cut ends bring shrinks by half or more per row
    inwards (by 2 - sqrt(3) = 0.27 for evenly spaced knots): after ``WINDOW`` - 2 = 38
    rows, 0.27**38 = 2e-22 of the largest sigma. On the ABC curve (y from 0 to 1, knots
    h = 1/n apart) sigma is below 1/h**2 and a value of the curve moves by at most
    18 h**2 times the error in sigma: 4e-21, far below half an ulp of the curve beyond
    its first knot (y >= x there, at least 0.001 on the grid).
    """
    from scipy.linalg import lapack  # type: ignore[import-untyped]  # only computed ABC needs it

    n = len(x)
    i = np.arange(n) if rows is None else rows
    k = np.clip(i, 1, n - 2)  # an inner row's own knot (the end rows are set apart)
    x0, x1, x2 = x[k - 1], x[k], x[k + 1]
    y0, y1, y2 = y[k - 1], y[k], y[k + 1]
    d_left = x1 - x0  # d[i-1]
    d = x2 - x1  # d[i]: the off-diagonal between rows i and i + 1
    c = np.empty((len(i), 1))  # the right-hand side, as the column LAPACK takes
    np.subtract((y2 - y1) / d, (y1 - y0) / d_left, out=c[:, 0])
    b = d_left + d
    b *= 2.0
    first, last = _end_rows(x, y)
    if i[0] == 0:
        (b[0], c[0, 0]), d[0] = first, x[1] - x[0]
    if i[-1] == n - 1:
        b[-1], c[-1, 0] = last
    off = d[:-1]
    off[i[1:] != i[:-1] + 1] = 0.0  # where a run ends, nothing couples it to the next
    *_, solution, info = lapack.dgtsv(off, b, off.copy(), c, True, True, True, True)
    if info != 0:
        raise ValueError(f"the spline's system is singular at knot {i[info - 1]}")
    return solution[:, 0]


def _end_rows(
    x: np.ndarray | EvenKnots, y: np.ndarray
) -> tuple[tuple[float, float], tuple[float, float]]:
    """(diagonal, right-hand side) of the first and of the last row: FMM's end
    conditions (the third derivative of the cubic through the four nearest points)."""
    n = len(x)
    d0, dn = x[1] - x[0], x[n - 1] - x[n - 2]
    if n <= 3:
        return (-d0, 0.0), (-dn, 0.0)
    k = np.array([0, 1, 2, n - 4, n - 3, n - 2])  # the intervals the two conditions use
    secant = (y[k + 1] - y[k]) / (x[k + 1] - x[k])
    c1, c2, _, cn2, cn1 = np.diff(secant)  # c[1], c[2], -, c[n-3], c[n-2]
    c0 = c2 / (x[3] - x[1]) - c1 / (x[2] - x[0])
    cn = cn1 / (x[n - 1] - x[n - 3]) - cn2 / (x[n - 2] - x[n - 4])
    return (-d0, c0 * d0 * d0 / (x[3] - x[0])), (-dn, -cn * dn * dn / (x[n - 1] - x[n - 4]))


def _fmm_slopes(
    x: np.ndarray | EvenKnots,
    y: np.ndarray,
    sigma: Callable[[np.ndarray], np.ndarray],
    k: np.ndarray,
) -> np.ndarray:
    """The FMM spline's first derivative ``b`` at the knots ``k`` (R's final loop);
    ``sigma(i)`` gives sigma at the knots ``i``."""
    n = len(x)
    i = np.minimum(k, n - 2)  # the last knot uses the last interval
    h = x[i + 1] - x[i]
    secant = (y[i + 1] - y[i]) / h
    s0, s1 = sigma(i), sigma(i + 1)
    inner = secant - h * (s1 + 2.0 * s0)
    last = secant + h * (s0 + 2.0 * s1)
    return np.where(k == n - 1, last, inner)


def fmm(x: np.ndarray, y: np.ndarray) -> Spline:
    """Interpolating cubic spline with the FMM end conditions (R's ``method = "fmm"``).

    Two points give the straight line; three give the parabola through them.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    n = len(x)
    if n < 2:
        raise ValueError("a spline needs at least 2 knots")
    if n < 3:
        slope = (y[1] - y[0]) / (x[1] - x[0])
        return Spline(x, y, np.full(n, slope), np.zeros(n), np.zeros(n))
    sigma = _sigma(x, y)
    b = _fmm_slopes(x, y, sigma.__getitem__, np.arange(n))
    d = np.empty(n)
    d[: n - 1] = (sigma[1:] - sigma[:-1]) / (x[1:] - x[:-1])
    d[n - 1] = d[n - 2]
    return Spline(x, y, b, 3.0 * sigma, d)


def _hyman_pieces(
    x: np.ndarray | EvenKnots, y: np.ndarray, b: Callable[[np.ndarray], np.ndarray], i: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Hyman-filtered slope, ``c`` and ``d`` on the intervals ``i`` (sorted).

    ``b(k)`` gives the unfiltered slopes at the knots ``k``. As R's ``hyman_filter``
    followed by ``spl_coef_conv``: per knot, the slope is limited to 3 times the
    smaller neighbouring secant, with the sign the data go; then each interval's
    cubic Hermite coefficients come from its two end slopes (the last knot's piece
    uses the last interval's).
    """
    n = len(x)
    j = np.minimum(i, n - 2)  # the interval whose two ends make the piece
    k = np.unique(np.concatenate([j, j + 1]))  # the knots whose slopes that needs
    km, kp = np.maximum(k - 1, 0), np.minimum(k, n - 2)
    s0 = (y[km + 1] - y[km]) / (x[km + 1] - x[km])  # secant on the left (first: its own)
    s1 = (y[kp + 1] - y[kp]) / (x[kp + 1] - x[kp])  # secant on the right (last: its own)
    t1 = np.minimum(np.abs(s0), np.abs(s1))
    slope = b(k)
    sig = np.where(s0 * s1 > 0, s1, slope)
    slope = np.where(
        sig >= 0,
        np.minimum(np.maximum(0.0, slope), 3.0 * t1),
        np.maximum(np.minimum(0.0, slope), -3.0 * t1),
    )
    b0, b1 = slope[np.searchsorted(k, j)], slope[np.searchsorted(k, j + 1)]
    h = x[j + 1] - x[j]
    yd = -(y[j + 1] - y[j])
    cc = np.where(
        i == n - 1,
        (3.0 * yd + (b0 + 2.0 * b1) * h) / h**2,
        -(3.0 * yd + (2.0 * b0 + b1) * h) / h**2,
    )
    dd = (2.0 * yd / h + b0 + b1) / h**2
    return np.where(i == n - 1, b1, b0), cc, dd


def hyman(spline: Spline) -> Spline:
    """Hyman's filter: limit the slopes so the spline is monotone where the data are.

    Then rebuild ``c`` and ``d`` from the filtered slopes (cubic Hermite pieces), as
    R's ``hyman_filter`` followed by ``spl_coef_conv``. The data must be monotone.
    """
    x, y = spline.x, spline.y
    _monotone(y)
    b, c, d = _hyman_pieces(x, y, lambda k: spline.b[k], np.arange(len(x)))
    return Spline(x, y, b, c, d)


def _monotone(y: np.ndarray) -> None:
    if not ((y[1:] >= y[:-1]).all() or (y[1:] <= y[:-1]).all()):
        raise ValueError("Hyman's filter needs monotone data")


def hyman_values(x: np.ndarray | EvenKnots, y: np.ndarray, u: np.ndarray) -> np.ndarray:
    """``evaluate(hyman(fmm(x, y)), u)`` (R's ``spline(x, y, method = "hyman",
    xout = u)``), with the same numbers, for many knots and few points.

    The system is solved only around the knots the points need (see :func:`_sigma`),
    and slopes, the filter and the coefficients only on the intervals that hold a
    point of ``u``. ``x`` may be :class:`EvenKnots`.
    """
    if not isinstance(x, EvenKnots):
        x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if len(x) < 3:
        return evaluate(hyman(fmm(np.asarray(x), y)), u)
    _monotone(y)
    u = np.asarray(u, dtype=float)
    idx = _intervals(x, u)
    used, where = np.unique(idx, return_inverse=True)
    j = np.minimum(used, len(x) - 2)  # slopes at j and j + 1 take sigma up to j + 2
    rows = _rows(np.unique(np.concatenate([j, np.minimum(j + 2, len(x) - 1)])), len(x))
    starts = np.flatnonzero(np.diff(rows) != 1) + 1  # where a run of rows begins
    blocks = np.split(rows, starts[np.diff(starts // BLOCK, prepend=0) > 0])
    sigma = np.concatenate([_sigma(x, y, block) for block in blocks])  # runs kept whole
    at = lambda i: sigma[np.searchsorted(rows, i)]  # noqa: E731
    b, c, d = _hyman_pieces(x, y, lambda k: _fmm_slopes(x, y, at, k), used)
    return _cubic(x[idx], y[idx], b[where], c[where], d[where], u)


def _intervals(x: np.ndarray | EvenKnots, u: np.ndarray) -> np.ndarray:
    """The knot interval of each point, as R's ``spline_eval`` finds it: kept from the
    previous point while ``x[i] <= u <= x[i+1]``, otherwise searched afresh,
    left-closed (``x[i] <= u < x[i+1]``, the last ``x[i] <= u``; the first below)."""
    n_1 = len(x) - 1
    fresh = np.clip(x.searchsorted(u, side="right") - 1, 0, n_1)
    idx = np.empty(len(u), dtype=np.intp)
    i = 0
    for pos, ul in enumerate(u.tolist()):
        if ul < x[i] or (i < n_1 and x[i + 1] < ul):
            i = int(fresh[pos])
        idx[pos] = i
    return idx


def _cubic(
    xi: np.ndarray, yi: np.ndarray, bi: np.ndarray, ci: np.ndarray, di: np.ndarray, u: np.ndarray
) -> np.ndarray:
    dx = u - xi
    return yi + dx * (bi + dx * (ci + dx * di))


def evaluate(spline: Spline, u: np.ndarray, deriv: int = 0) -> np.ndarray:
    """Values (``deriv=0``) or first derivatives (``deriv=1``) at ``u``.

    The knot interval is found as R's ``spline_eval`` does: it is kept from the
    previous point while ``x[i] <= u <= x[i+1]`` and otherwise searched afresh,
    left-closed (``x[i] <= u < x[i+1]``); beyond the ends the end pieces extend.
    """
    x, y, b, c, d = spline
    if deriv == 1:  # R's splinefun(deriv = 1): the derivative's own coefficients
        y, b, c, d = b, 2.0 * c, 3.0 * d, np.zeros_like(d)
    elif deriv != 0:
        raise ValueError("deriv must be 0 or 1")
    u = np.asarray(u, dtype=float)
    idx = _intervals(x, u)
    return _cubic(x[idx], y[idx], b[idx], c[idx], d[idx], u)
