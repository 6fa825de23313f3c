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


def _sigma(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """R's fmm_spline up to the solved system: sigma per knot (``c = 3 * sigma``).

    The tridiagonal system (0-based port of R's fmm_spline: b diagonal, d off-diagonal,
    c right-hand side) is set up elementwise. R solves it by Gaussian elimination
    without row interchanges; LAPACK's dgtsv does the same operations in the same
    order whenever no interchange is needed (``|pivot| >= |sub-diagonal|``). That
    holds for every increasing set of knots: the first pivot, ``-d[0]``, equals its
    sub-diagonal in size, and every later pivot is at least ``d[i-1] + 2 d[i]``. So
    the result agrees with R's loop to the last bit (tests/test_spline.py).
    """
    from scipy.linalg import lapack  # type: ignore[import-untyped]  # only computed ABC needs it

    n = len(x)
    d = x[1:] - x[:-1]
    secant = np.subtract(y[1:], y[:-1])
    secant /= d
    b = np.empty(n)
    np.add(d[:-1], d[1:], out=b[1 : n - 1])
    b[1 : n - 1] *= 2.0
    b[0], b[n - 1] = -d[0], -d[n - 2]
    c = np.empty((n, 1))  # the right-hand side, as the column LAPACK takes
    np.subtract(secant[1:], secant[:-1], out=c[1 : n - 1, 0])
    c[0, 0] = c[n - 1, 0] = 0.0
    if n > 3:
        c0 = c[2, 0] / (x[3] - x[1]) - c[1, 0] / (x[2] - x[0])
        cn = c[n - 2, 0] / (x[n - 1] - x[n - 3]) - c[n - 3, 0] / (x[n - 2] - x[n - 4])
        c[0, 0] = c0 * d[0] * d[0] / (x[3] - x[0])
        c[n - 1, 0] = -cn * d[n - 2] * d[n - 2] / (x[n - 1] - x[n - 4])
    del secant
    *_, solution, info = lapack.dgtsv(d, b, d.copy(), c, True, True, True, True)
    if info != 0:
        raise ValueError(f"the spline's system is singular at knot {info - 1}")
    return solution[:, 0]


def _fmm_slopes(x: np.ndarray, y: np.ndarray, sigma: np.ndarray, k: np.ndarray) -> np.ndarray:
    """The FMM spline's first derivative ``b`` at the knots ``k`` (R's final loop)."""
    n = len(x)
    i = np.minimum(k, n - 2)  # the last knot uses the last interval
    h = x[i + 1] - x[i]
    secant = (y[i + 1] - y[i]) / h
    inner = secant - h * (sigma[i + 1] + 2.0 * sigma[i])
    last = secant + h * (sigma[i] + 2.0 * sigma[i + 1])
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
    b = _fmm_slopes(x, y, sigma, np.arange(n))
    d = np.empty(n)
    d[: n - 1] = (sigma[1:] - sigma[:-1]) / (x[1:] - x[:-1])
    d[n - 1] = d[n - 2]
    return Spline(x, y, b, 3.0 * sigma, d)


def _hyman_pieces(
    x: np.ndarray, y: np.ndarray, b: Callable[[np.ndarray], np.ndarray], i: np.ndarray
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


def hyman_values(x: np.ndarray, y: np.ndarray, u: np.ndarray) -> np.ndarray:
    """``evaluate(hyman(fmm(x, y)), u)`` (R's ``spline(x, y, method = "hyman",
    xout = u)``), with the same numbers, for many knots and few points.

    The system is still solved on every knot, but slopes, the filter and the
    coefficients are computed only on the intervals that hold a point of ``u``.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if len(x) < 3:
        return evaluate(hyman(fmm(x, y)), u)
    _monotone(y)
    u = np.asarray(u, dtype=float)
    sigma = _sigma(x, y)
    idx = _intervals(x, u)
    used, where = np.unique(idx, return_inverse=True)
    b, c, d = _hyman_pieces(x, y, lambda k: _fmm_slopes(x, y, sigma, k), used)
    return _cubic(x[idx], y[idx], b[where], c[where], d[where], u)


def _intervals(x: np.ndarray, u: np.ndarray) -> np.ndarray:
    """The knot interval of each point, as R's ``spline_eval`` finds it: kept from the
    previous point while ``x[i] <= u <= x[i+1]``, otherwise searched afresh,
    left-closed (``x[i] <= u < x[i+1]``, the last ``x[i] <= u``; the first below)."""
    n_1 = len(x) - 1
    fresh = np.clip(np.searchsorted(x, u, side="right") - 1, 0, n_1)
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
