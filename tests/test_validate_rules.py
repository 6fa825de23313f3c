"""The checks at the door, by hand, each limit on and beside it (issue 16: _validate.py).

Excel's COUNTIFS takes criteria of at most 255 characters; a label is counted by the
criterion ``=`` & label with each ``~ * ?`` escaped by a ``~``, so its length is
1 + len(label) + (number of ~ * ?), and a label may take 254 plain characters.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pytest

from xlsales import _validate as v
from xlsales.errors import DataError, InputError


def refused(message, error=InputError):
    return pytest.raises(error, match=f"^{re.escape(message)}$")


def test_messages_name_the_argument_and_show_the_value():
    with refused("rate=0 must be more than 0"):
        v.positive("rate", 0)
    with refused("rates[2]=1.5 must be in (0, 1] (a rate, 0.25 for 25%)"):
        v.share("rates[2]", 1.5)
    # the name reaches the message of the number check inside too
    with refused("rate='x' is not a number"):
        v.positive("rate", "x")
    with refused("rates[0]='x' is not a number"):
        v.share("rates[0]", "x")
    # a value that is not a float is shown as Python writes it (a date has no :g format)
    with refused("due=datetime.date(2026, 1, 1) is not a number"):
        v.number("due", dt.date(2026, 1, 1))


def test_share_zero_on_and_beside_its_limit():
    # zero_ok: 0 is on the limit [0, 1] and accepted; -0.01 beside it is refused
    assert v.share("r", 0, zero_ok=True) == 0.0
    with refused("r=-0.01 must be in [0, 1] (a rate, 0.25 for 25%)"):
        v.share("r", -0.01, zero_ok=True)
    # without zero_ok, 0 is refused and the smallest step above it accepted; 1 accepted
    with refused("r=0 must be in (0, 1] (a rate, 0.25 for 25%)"):
        v.share("r", 0)
    assert v.share("r", 1e-9) == 1e-9 and v.share("r", 1) == 1.0


def test_sequence_keeps_lists_and_arrays_and_lists_the_rest():
    a = np.array([1.0, 2.0])
    assert v.sequence("x", a) is a  # an array is kept whole
    items = [1, 2]
    assert v.sequence("x", items) is items
    assert v.sequence("x", (n for n in (3, 4))) == [3, 4]  # a generator becomes a list
    assert v.sequence("x", (5, 6)) == [5, 6]


def test_number_array_length_and_nesting():
    # min_len = 2: two values on the limit accepted, one refused
    assert v.number_array("counts", [1, 2], min_len=2).tolist() == [1.0, 2.0]
    with refused("counts has 1 value(s): at least 2 value(s) are required"):
        v.number_array("counts", [1], min_len=2)
    # a list of lists is not a list of numbers: the first item is named
    with refused("x[0]=[1, 2] is not a number"):
        v.number_array("x", [[1, 2], [3, 4]])


def test_criterion_length_by_hand():
    # "=" + label, each ~ * ? escaped: "Ann" 1 + 3 = 4; "A*" 1 + 2 + 1 = 4;
    # "~*?" 1 + 3 + 3 = 7
    assert [v.criterion_length(s) for s in ("Ann", "A*", "~*?")] == [4, 4, 7]


def test_group_labels_length_on_and_beside_the_limit():
    # 254 plain characters: 1 + 254 = 255, on the limit: accepted
    v.group_labels("deals.csv", "owner", ["a" * 254, "Bob"], [2, 3])
    # 253 characters and one * : 1 + 254 + 1 = 256: refused at the sheet's row 3
    long = "b" * 253 + "*"
    with refused(
        f"deals.csv row 3, column owner: {long[:30]!r}... has 254 characters, too long to "
        "count by: Excel's COUNTIFS takes at most 254 (each ~ * ? counting twice)",
        DataError,
    ):
        v.group_labels("deals.csv", "owner", ["Ann", long], [2, 3])


def test_group_labels_case_clash_names_both_rows():
    # the same label twice is one group (no clash); a second spelling in another case
    # is refused at its first row, naming the first spelling's first row
    v.group_labels("a.csv", "cluster", ["North", "South", "North"], [2, 3, 4])
    with refused(
        "a.csv row 5, column cluster: 'north' differs from 'North' (row 2) only in case: "
        "Excel counts the two as one group; write them the same way",
        DataError,
    ):
        v.group_labels(
            "a.csv", "cluster", ["North", "South", "North", "north", "north"], [2, 3, 4, 5, 6]
        )
