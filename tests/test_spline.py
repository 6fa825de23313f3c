"""The FMM spline and Hyman's filter against their published properties.

* FMM (Forsythe, Malcolm & Moler 1977): the end conditions match the third derivative
  of the cubic through the four end points, so data taken from any cubic are
  reproduced exactly, inside and beyond the knots.
* Hyman (1983): on monotone data the filtered spline is monotone. The test data are
  Akima's (1970) set, the standard example where an unfiltered spline overshoots.
"""

from __future__ import annotations

import numpy as np
import pytest

from xlsales import _spline

AKIMA_X = np.array([0, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15], dtype=float)
AKIMA_Y = np.array([10, 10, 10, 10, 10, 10, 10.5, 15, 50, 60, 85], dtype=float)


def cubic(x):
    return 2.0 - 1.5 * x + 0.75 * x**2 - 0.125 * x**3


def test_fmm_reproduces_a_cubic():
    x = np.array([0.0, 0.7, 1.5, 2.0, 3.1, 4.0, 5.5])
    s = _spline.fmm(x, cubic(x))
    u = np.linspace(-0.5, 6.0, 57)
    assert _spline.evaluate(s, u) == pytest.approx(cubic(u), abs=1e-12)
    slope = -1.5 + 1.5 * u - 0.375 * u**2
    assert _spline.evaluate(s, u, deriv=1) == pytest.approx(slope, abs=1e-11)


def test_fmm_two_and_three_points():
    line = _spline.fmm(np.array([0.0, 2.0]), np.array([1.0, 5.0]))
    assert _spline.evaluate(line, np.array([1.0, 3.0])).tolist() == [3.0, 7.0]
    x = np.array([0.0, 1.0, 3.0])
    parabola = _spline.fmm(x, x**2)
    assert _spline.evaluate(parabola, np.array([2.0]))[0] == pytest.approx(4.0)


def test_plain_fmm_overshoots_akima_and_hyman_does_not():
    u = np.linspace(0, 15, 1501)
    plain = _spline.evaluate(_spline.fmm(AKIMA_X, AKIMA_Y), u)
    assert (np.diff(plain) < -1e-9).any()  # the reason Hyman's filter exists
    filtered = _spline.hyman(_spline.fmm(AKIMA_X, AKIMA_Y))
    values = _spline.evaluate(filtered, u)
    assert (np.diff(values) >= -1e-12).all()
    assert _spline.evaluate(filtered, AKIMA_X) == pytest.approx(AKIMA_Y)  # still interpolates


def test_hyman_leaves_a_monotone_safe_spline_alone():
    x = np.linspace(0, 1, 9)
    s = _spline.fmm(x, 3 * x + 1)  # a straight line: slopes are already within the limits
    assert _spline.hyman(s).b == pytest.approx(s.b)


def test_hyman_refuses_non_monotone_data():
    with pytest.raises(ValueError):
        _spline.hyman(_spline.fmm(np.array([0.0, 1, 2, 3]), np.array([0.0, 1, 0, 1])))


def r_fmm_spline(x, y):
    """R's fmm_spline (src/library/stats/src/splines.c), line by line, 0-based: the
    reference the faster numpy/list version must match to the last bit."""
    n = len(x)
    xs, ys = x.tolist(), y.tolist()
    b, c, d = [0.0] * n, [0.0] * n, [0.0] * n
    # tridiagonal system: b diagonal, d off-diagonal, c right-hand side (0-based port)
    d[0] = xs[1] - xs[0]
    c[1] = (ys[1] - ys[0]) / d[0]
    for i in range(1, n - 1):
        d[i] = xs[i + 1] - xs[i]
        b[i] = 2.0 * (d[i - 1] + d[i])
        c[i + 1] = (ys[i + 1] - ys[i]) / d[i]
        c[i] = c[i + 1] - c[i]
    b[0] = -d[0]
    b[n - 1] = -d[n - 2]
    c[0] = c[n - 1] = 0.0
    if n > 3:
        c[0] = c[2] / (xs[3] - xs[1]) - c[1] / (xs[2] - xs[0])
        c[n - 1] = c[n - 2] / (xs[n - 1] - xs[n - 3]) - c[n - 3] / (xs[n - 2] - xs[n - 4])
        c[0] = c[0] * d[0] * d[0] / (xs[3] - xs[0])
        c[n - 1] = -c[n - 1] * d[n - 2] * d[n - 2] / (xs[n - 1] - xs[n - 4])
    for i in range(1, n):  # Gaussian elimination
        t = d[i - 1] / b[i - 1]
        b[i] = b[i] - t * d[i - 1]
        c[i] = c[i] - t * c[i - 1]
    c[n - 1] = c[n - 1] / b[n - 1]  # backward substitution
    for i in range(n - 2, -1, -1):
        c[i] = (c[i] - d[i] * c[i + 1]) / b[i]
    b[n - 1] = (ys[n - 1] - ys[n - 2]) / d[n - 2] + d[n - 2] * (c[n - 2] + 2.0 * c[n - 1])
    for i in range(n - 1):
        b[i] = (ys[i + 1] - ys[i]) / d[i] - d[i] * (c[i + 1] + 2.0 * c[i])
        d[i] = (c[i + 1] - c[i]) / d[i]
        c[i] = 3.0 * c[i]
    c[n - 1] = 3.0 * c[n - 1]
    d[n - 1] = d[n - 2]
    return np.array(b), np.array(c), np.array(d)


@pytest.mark.parametrize("n", [4, 5, 11, 101, 2897, 20001])
def test_fmm_matches_the_line_by_line_port_bit_for_bit(n):
    rng = np.random.default_rng(n)
    for x in (np.arange(n) / (n - 1), np.sort(rng.uniform(0, 5, n))):
        y = np.cumsum(rng.lognormal(0, 1, n))
        got = _spline.fmm(x, y)
        want = r_fmm_spline(np.asarray(x, dtype=float), y)
        for mine, theirs in zip(got[2:], want):
            assert np.array_equal(mine, theirs)


@pytest.mark.parametrize("n", [2, 3, 4, 11, 2897])
def test_hyman_values_are_the_full_filtered_spline_bit_for_bit(n):
    # hyman_values computes only the pieces it needs; the numbers must be the ones the
    # whole filtered spline gives, beyond the ends and exactly on knots included
    rng = np.random.default_rng(n)
    x = np.sort(rng.uniform(0, 5, n))
    y = np.cumsum(rng.lognormal(0, 1, n))
    u = np.concatenate([[x[0] - 1], np.linspace(x[0], x[-1], 301), x, [x[-1] + 1]])
    u.sort()
    want = _spline.evaluate(_spline.hyman(_spline.fmm(x, y)), u)
    assert np.array_equal(_spline.hyman_values(x, y, u), want)
    ax = _spline.hyman_values(AKIMA_X, AKIMA_Y, np.linspace(0, 15, 151))
    assert np.array_equal(
        ax, _spline.evaluate(_spline.hyman(_spline.fmm(AKIMA_X, AKIMA_Y)), np.linspace(0, 15, 151))
    )


def _given_slopes(x, y, b):
    """A spline whose knot slopes are ``b`` (c and d are rebuilt by the filter)."""
    zeros = np.zeros(len(x))
    return _spline.Spline(np.array(x, float), np.array(y, float), np.array(b, float), zeros, zeros)


def test_hyman_values_by_hand_rising():
    # R's hyman_filter, step by step, for x = 0, 1, 2; y = 0, 1, 3; slopes b = 5, -1, 10:
    #   secants ss = 1, 2;  S0 = 1, 1, 2;  S1 = 1, 2, 2;  t1 = min(|S0|, |S1|) = 1, 1, 2
    #   S0*S1 > 0 everywhere, so sig = S1 = 1, 2, 2 >= 0:  b = min(max(0, b), 3*t1)
    #   = min(5, 3), min(0, 3), min(10, 6) = 3, 0, 6
    # spl_coef_conv (h = 1): c = 3*dy - 2*b0 - b1,  d = -2*dy + b0 + b1
    #   piece 1: dy = 1, b = 3, 0: c = -3, d = 1  -> y(t) = 3t - 3t^2 + t^3, y(0.5) = 0.875
    #   piece 2: dy = 2, b = 0, 6: c = 0, d = 2   -> y(t) = 1 + 2t^3,        y(1.5) = 1.25
    s = _spline.hyman(_given_slopes([0, 1, 2], [0, 1, 3], [5, -1, 10]))
    assert s.b.tolist() == [3.0, 0.0, 6.0]
    assert s.c[:2].tolist() == [-3.0, 0.0]
    assert s.d[:2].tolist() == [1.0, 2.0]
    assert _spline.evaluate(s, np.array([0.5, 1.5])).tolist() == [0.875, 1.25]


def test_hyman_values_by_hand_falling():
    # y = 3, 1, 0 on x = 0, 1, 2 with b = 1, -9, -0.5:
    #   ss = -2, -1;  S0 = -2, -2, -1;  S1 = -2, -1, -1;  t1 = 2, 1, 1;  sig = S1 < 0
    #   b = max(min(0, b), -3*t1) = max(0, -6), max(-9, -3), max(-0.5, -3) = 0, -3, -0.5
    s = _spline.hyman(_given_slopes([0, 1, 2], [3, 1, 0], [1, -9, -0.5]))
    assert s.b.tolist() == [0.0, -3.0, -0.5]


def test_hyman_flat_secant_pins_the_slope_to_zero():
    # a flat step (ss = 0 on one side) gives t1 = 0 there, so the slope must be 0:
    # y = 0, 0, 2: ss = 0, 2;  S0 = 0, 0, 2;  S1 = 0, 2, 2;  t1 = 0, 0, 2
    # knot 2: S0*S1 = 0, sig = b = 1 >= 0, b = min(max(0, 1), 0) = 0; knot 3: min(7, 6) = 6
    s = _spline.hyman(_given_slopes([0, 1, 2], [0, 0, 2], [0.5, 1, 7]))
    assert s.b.tolist() == [0.0, 0.0, 6.0]


def test_even_knots_are_i_over_n():
    # EvenKnots(n)[i] is i / n, the same double as (np.arange(n + 1) / n)[i]; searching
    # in them finds what np.searchsorted finds in that array, on a knot, one double
    # below and one above it, beyond both ends and on the computed-ABC grid
    for n in (1, 2, 3, 7, 1000, 999_983, 2_000_003):
        x = np.arange(n + 1, dtype=float) / n
        knots = _spline.EvenKnots(n)
        assert len(knots) == n + 1 and np.array_equal(np.asarray(knots), x)
        at = np.unique(np.linspace(0, n, 200).astype(int))
        assert np.array_equal(knots[at], x[at]) and knots[int(at[-1])] == x[at[-1]]
        u = np.concatenate(
            [x[at], np.nextafter(x[at], -1), np.nextafter(x[at], 2), [-0.5, 1.5]]
            + [np.minimum(np.arange(1001) * 0.001, 1.0)]
        )
        assert np.array_equal(knots.searchsorted(u, side="right"), np.searchsorted(x, u, "right"))
    with pytest.raises(ValueError, match="side='right'"):
        _spline.EvenKnots(3).searchsorted(np.array([0.5]), side="left")


def _big_curve(n, seed):
    """An ABC curve through n + 1 knots: tied values (integers) and a long tail."""
    rng = np.random.default_rng(seed)
    values = np.sort(np.concatenate([rng.lognormal(3, 2, n // 2), rng.integers(0, 9, n - n // 2)]))
    y = np.concatenate([[0.0], np.cumsum(values[::-1])])
    return y / y[-1]


@pytest.mark.parametrize("n", [150_001, 400_007])
def test_hyman_values_solved_around_the_points_are_the_whole_system_s(n, monkeypatch):
    # With more than 1001 * 83 knots, hyman_values solves the system only within WINDOW
    # rows of the knots the grid needs; the error that leaves is far below an ulp (see
    # _sigma), so the values are the very doubles the whole system gives. Solving it in
    # blocks changes nothing either: the runs of rows are separate systems.
    y = _big_curve(n, n)
    grid = np.minimum(np.arange(1001) * 0.001, 1.0)
    x = np.arange(n + 1, dtype=float) / n
    windows = _spline.hyman_values(_spline.EvenKnots(n), y, grid)
    assert np.array_equal(_spline.hyman_values(x, y, grid), windows)
    whole = _spline.evaluate(_spline.hyman(_spline.fmm(x, y)), grid)
    assert np.array_equal(windows, whole)
    monkeypatch.setattr(_spline, "BLOCK", 50)
    assert np.array_equal(_spline.hyman_values(x, y, grid), whole)
    # the comparison can fail: three rows each side are too few
    monkeypatch.setattr(_spline, "WINDOW", 3)
    assert not np.array_equal(_spline.hyman_values(x, y, grid), whole)


def test_hyman_values_solved_around_points_inside_the_first_interval():
    # Any caller of hyman_values, not only the ABC grid (whose first point is the first
    # knot itself, where every cubic gives y[0] whatever its slope): 1,001 knots and two
    # points, 0.0005 (inside the first interval) and 0.5. The knots they need are 0, 2,
    # 500 and 502; their windows hold 41 + 43 + 81 + 81 = 246 < 1,001 rows, so the system
    # is solved as two runs, rows 0-42 and 460-542, the first of them from row 0 (FMM's
    # end condition). The values must be the whole filtered spline's, to the last bit.
    n = 1000
    x = np.arange(n + 1, dtype=float) / n
    y = _big_curve(n, 7)
    u = np.array([0.0005, 0.5])
    want = _spline.evaluate(_spline.hyman(_spline.fmm(x, y)), u)
    assert np.array_equal(_spline.hyman_values(x, y, u), want)
    assert np.array_equal(_spline.hyman_values(_spline.EvenKnots(n), y, u), want)
