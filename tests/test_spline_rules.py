"""The spline's rules by hand, each limit on and beside it (issue 16: _spline.py's survivors).

R's hyman_filter, per knot k (S0, S1 the secants on its left and right):
    sig = S1 if S0 * S1 > 0 else b
    b   = min(max(0, b), 3 * min(|S0|, |S1|))   if sig >= 0
          max(min(0, b), -3 * min(|S0|, |S1|))  otherwise
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from test_spline import _given_slopes as given_slopes

from xlsales import _spline


def test_small_secants_still_take_the_sign_of_the_data():
    # x = 0, 1, 2; y = 0, 0.5, 1: secants 0.5, 0.5, product 0.25 (> 0, though below 1):
    # middle knot: sig = S1 = 0.5 >= 0, so b = min(max(0, -1), 3 * 0.5) = 0 (not -1:
    # a rising curve never gets a falling slope)
    # ends: S0 = S1 = 0.5, b = 0.2 -> min(max(0, 0.2), 1.5) = 0.2
    s = _spline.hyman(given_slopes([0, 1, 2], [0, 0.5, 1], [0.2, -1, 0.2]))
    assert s.b.tolist() == [0.2, 0.0, 0.2]


def test_slope_on_and_beside_three_times_the_secant():
    # secants 1, 1 (y = 0, 1, 2): the limit is 3 * 1 = 3; a slope of 3 stays 3 (on the
    # limit), 3.5 becomes 3, 2.9 stays 2.9
    s = _spline.hyman(given_slopes([0, 1, 2], [0, 1, 2], [3.0, 3.5, 2.9]))
    assert s.b.tolist() == [3.0, 3.0, 2.9]


def test_flat_data_raise_no_warning():
    # Akima's data start flat (secants 0): the filter pins those slopes to 0 without a
    # division by zero reaching the caller as a RuntimeWarning
    x = np.array([0, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15], dtype=float)
    y = np.array([10, 10, 10, 10, 10, 10, 10.5, 15, 50, 60, 85])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = _spline.hyman(_spline.fmm(x, y))
        _spline.hyman_values(x, y, np.array([1.0, 13.0]))
    assert s.b[:5].tolist() == [0.0] * 5


def test_monotone_data_on_and_beside_the_rule():
    # falling with a flat step (3, 2, 2, 0) is monotone: accepted, and the flat step's
    # slopes are 0 (t1 = min(|-1|, |0|) = 0 at knot 1; 0 at knot 2 too)
    s = _spline.hyman(_spline.fmm(np.array([0.0, 1, 2, 3]), np.array([3.0, 2, 2, 0])))
    assert s.b[1] == 0.0 and s.b[2] == 0.0
    # strictly falling, 5 knots: accepted, every filtered slope <= 0
    falling = _spline.hyman(_spline.fmm(np.arange(5.0), np.array([9.0, 7, 4, 2, 1])))
    assert (falling.b <= 0).all()
    # 3, 1, 2, 0: every value below the first, but it rises from 1 to 2: refused
    for y in ([3.0, 1, 2, 0], [0.0, 1, 0, 1]):
        with pytest.raises(ValueError, match="^Hyman's filter needs monotone data$"):
            _spline.hyman(_spline.fmm(np.arange(4.0), np.array(y)))
        with pytest.raises(ValueError, match="^Hyman's filter needs monotone data$"):
            _spline.hyman_values(np.arange(4.0), np.array(y), np.array([0.5]))


def test_whole_number_input_is_read_as_floats():
    # y as whole numbers (a list of ints): y = x^2 on x = 0, 1, 3 (three knots: the
    # parabola), so y(2) = 4; the filtered spline through 0, 1, 4, 9 at x = 0..3, at 1.5:
    # the same as with floats
    assert _spline.evaluate(_spline.fmm([0, 1, 3], [0, 1, 9]), np.array([2.0]))[0] == (
        pytest.approx(4.0)
    )
    ints = _spline.hyman_values([0, 1, 2, 3], [0, 1, 4, 9], np.array([1.5]))
    floats = _spline.hyman_values(np.arange(4.0), np.array([0.0, 1, 4, 9]), np.array([1.5]))
    assert ints.tolist() == floats.tolist()


def test_two_knots_are_the_straight_line():
    # (1, 1) and (3, 5): slope (5 - 1) / (3 - 1) = 2; at 2: 3, at 4: 7
    line = _spline.fmm(np.array([1.0, 3.0]), np.array([1.0, 5.0]))
    assert _spline.evaluate(line, np.array([2.0, 4.0])).tolist() == [3.0, 7.0]


def test_bad_splines_are_refused_in_words():
    with pytest.raises(ValueError, match="^a spline needs at least 2 knots$"):
        _spline.fmm(np.array([1.0]), np.array([1.0]))
    # a repeated knot (0, 0): the first pivot -d[0] is 0, LAPACK reports knot 0
    with (
        np.errstate(divide="ignore", invalid="ignore"),
        pytest.raises(ValueError, match="^the spline's system is singular at knot 0$"),
    ):
        _spline.fmm(np.array([0.0, 0, 1, 2]), np.array([0.0, 1, 2, 3]))
    with pytest.raises(ValueError, match="^deriv must be 0 or 1$"):
        _spline.evaluate(_spline.fmm(np.array([0.0, 1]), np.array([0.0, 1])), [0.5], deriv=2)


def test_points_in_any_order_use_their_own_piece():
    # the by-hand Hyman spline of tests/test_spline.py (x = 0, 1, 2; y = 0, 1, 3;
    # slopes 3, 0, 6): piece 1 is 3t - 3t^2 + t^3 (0.875 at 0.5), piece 2 is 1 + 2t^3
    # (1.25 at 1.5). A point back in the first interval after one in the second is
    # searched afresh: 0.875, not piece 2 extended back (1 + 2 * (-0.5)^3 = 0.75)
    s = _spline.hyman(given_slopes([0, 1, 2], [0, 1, 3], [5, -1, 10]))
    assert _spline.evaluate(s, np.array([1.5, 0.5])).tolist() == [1.25, 0.875]
    # below the first knot, after a later point: the first piece extended,
    # 3(-1) - 3(1) + (-1) = -7
    assert _spline.evaluate(s, np.array([1.5, -1.0])).tolist() == [1.25, -7.0]
