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

from typing import NamedTuple

import numpy as np


class Spline(NamedTuple):
    x: np.ndarray
    y: np.ndarray
    b: np.ndarray
    c: np.ndarray
    d: np.ndarray


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
    # Tridiagonal system (0-based port of R's fmm_spline): b diagonal, d off-diagonal,
    # c right-hand side. The set-up and the final coefficients are elementwise and run
    # in numpy; the elimination and back substitution are sequential and run on Python
    # floats (faster than numpy scalars). Every operation is R's, in R's order, so the
    # results agree to the last bit.
    d = np.zeros(n)
    d[: n - 1] = x[1:] - x[:-1]
    secant = (y[1:] - y[:-1]) / d[: n - 1]
    b = np.zeros(n)
    b[1 : n - 1] = 2.0 * (d[: n - 2] + d[1 : n - 1])
    b[0], b[n - 1] = -d[0], -d[n - 2]
    c = np.zeros(n)
    c[1 : n - 1] = secant[1:] - secant[:-1]
    if n > 3:
        c[0] = c[2] / (x[3] - x[1]) - c[1] / (x[2] - x[0])
        c[n - 1] = c[n - 2] / (x[n - 1] - x[n - 3]) - c[n - 3] / (x[n - 2] - x[n - 4])
        c[0] = c[0] * d[0] * d[0] / (x[3] - x[0])
        c[n - 1] = -c[n - 1] * d[n - 2] * d[n - 2] / (x[n - 1] - x[n - 4])
    bl, cl, dl = b.tolist(), c.tolist(), d.tolist()
    b_prev, c_prev = bl[0], cl[0]
    for i in range(1, n):  # Gaussian elimination
        t = dl[i - 1] / b_prev
        b_prev = bl[i] = bl[i] - t * dl[i - 1]
        c_prev = cl[i] = cl[i] - t * c_prev
    c_next = cl[n - 1] = cl[n - 1] / bl[n - 1]  # backward substitution
    for i in range(n - 2, -1, -1):
        c_next = cl[i] = (cl[i] - dl[i] * c_next) / bl[i]
    sigma = np.array(cl)
    b = np.empty(n)
    b[n - 1] = (y[n - 1] - y[n - 2]) / d[n - 2] + d[n - 2] * (sigma[n - 2] + 2.0 * sigma[n - 1])
    b[: n - 1] = secant - d[: n - 1] * (sigma[1:] + 2.0 * sigma[:-1])
    d[: n - 1] = (sigma[1:] - sigma[:-1]) / d[: n - 1]
    d[n - 1] = d[n - 2]
    c = 3.0 * sigma
    return Spline(x, y, b, c, d)


def hyman(spline: Spline) -> Spline:
    """Hyman's filter: limit the slopes so the spline is monotone where the data are.

    Then rebuild ``c`` and ``d`` from the filtered slopes (cubic Hermite pieces), as
    R's ``hyman_filter`` followed by ``spl_coef_conv``. The data must be monotone.
    """
    x, y, b = spline.x, spline.y, spline.b.copy()
    n = len(x)
    dy = np.diff(y)
    if not (np.all(dy >= 0) or np.all(dy <= 0)):
        raise ValueError("Hyman's filter needs monotone data")
    ss = dy / np.diff(x)
    s0 = np.concatenate([[ss[0]], ss])
    s1 = np.concatenate([ss, [ss[n - 2]]])
    t1 = np.minimum(np.abs(s0), np.abs(s1))
    sig = b.copy()
    same = s0 * s1 > 0
    sig[same] = s1[same]
    up = sig >= 0
    b[up] = np.minimum(np.maximum(0.0, b[up]), 3.0 * t1[up])
    down = ~up
    b[down] = np.maximum(np.minimum(0.0, b[down]), -3.0 * t1[down])
    # spl_coef_conv: Hermite coefficients from values and slopes
    h = np.diff(x)
    yd = -dy
    b0, b1 = b[:-1], b[1:]
    cc = -(3.0 * yd + (2.0 * b0 + b1) * h) / h**2
    c1 = (3.0 * yd[-1] + (b0[-1] + 2.0 * b1[-1]) * h[-1]) / h[-1] ** 2
    dd = (2.0 * yd / h + b0 + b1) / h**2
    return Spline(x, y, b, np.concatenate([cc, [c1]]), np.concatenate([dd, [dd[-1]]]))


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
    n_1 = len(x) - 1
    idx = np.empty(len(u), dtype=int)
    i = 0
    for pos, ul in enumerate(u):
        if ul < x[i] or (i < n_1 and x[i + 1] < ul):
            i, j = 0, n_1 + 1
            while j > i + 1:
                k = (i + j) // 2
                if ul < x[k]:
                    j = k
                else:
                    i = k
        idx[pos] = i
    dx = u - x[idx]
    return y[idx] + dx * (b[idx] + dx * (c[idx] + dx * d[idx]))
