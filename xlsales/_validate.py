"""Checks at the door of every public function (one place, one wording)."""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from xlsales.errors import DataError, InputError


def _show(value: object) -> str:
    if isinstance(value, str):
        return repr(value)
    return f"{value!r}" if not isinstance(value, float) else f"{value:g}"


def number(name: str, value: object) -> float:
    """Return ``value`` as a float or raise: text, blanks, booleans, NaN and infinity are refused."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        if value is None:
            raise InputError(f"{name} is blank: a number is required")
        raise InputError(f"{name}={_show(value)} is not a number")
    value = float(value)
    if math.isnan(value) or math.isinf(value):
        raise InputError(f"{name}={_show(value)} must be a finite number")
    return value


def non_negative(name: str, value: object) -> float:
    value = number(name, value)
    if value < 0:
        raise InputError(f"{name}={_show(value)} must be 0 or more")
    return value


def positive(name: str, value: object) -> float:
    value = number(name, value)
    if value <= 0:
        raise InputError(f"{name}={_show(value)} must be more than 0")
    return value


def whole(name: str, value: object) -> int:
    """A count: a non-negative whole number (2.0 is accepted as 2)."""
    value = non_negative(name, value)
    if value != int(value):
        raise InputError(f"{name}={_show(value)} must be a whole number")
    return int(value)


def share(name: str, value: object, *, zero_ok: bool = False) -> float:
    """A rate or share in (0, 1] (or [0, 1] with ``zero_ok``)."""
    value = number(name, value)
    low_ok = value >= 0 if zero_ok else value > 0
    if not (low_ok and value <= 1):
        interval = "[0, 1]" if zero_ok else "(0, 1]"
        raise InputError(f"{name}={_show(value)} must be in {interval} (a rate, 0.25 for 25%)")
    return value


def sequence(name: str, values: Any, *, min_len: int = 1) -> Any:
    """A non-empty list (or numpy array, kept whole); a lone string or number is refused
    so that it is not read letter by letter."""
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise InputError(f"{name}={_show(values)} must be a list of values")
    if not (isinstance(values, list) or hasattr(values, "dtype")):  # keep numpy arrays whole
        values = list(values)
    if len(values) < min_len:
        what = "is empty" if not values else f"has {len(values)} value(s)"
        raise InputError(f"{name} {what}: at least {min_len} value(s) are required")
    return values


def same_length(name_a: str, a: Sequence, name_b: str, b: Sequence) -> None:
    if len(a) != len(b):
        raise InputError(
            f"{name_b} has {len(b)} value(s) but {name_a} has {len(a)}: they must have one each"
        )


def choice(name: str, value: object, allowed: Sequence[str]) -> str:
    """One of ``allowed``, matched without regard to case or surrounding blanks."""
    if isinstance(value, str):
        for item in allowed:
            if value.strip().lower() == item.lower():
                return item
    raise InputError(f"{name}={_show(value)} must be one of: {', '.join(allowed)}")


def number_array(name: str, values: object, *, min_len: int = 1) -> np.ndarray:
    """A list of numbers as a float array; the first bad item is named as in :func:`number`.

    Real numbers take a fast path through numpy; anything else (text, blanks, booleans,
    NaN) is looked at item by item so that the message names it.
    """
    items = sequence(name, values, min_len=min_len)
    arr = items if isinstance(items, np.ndarray) else np.array(items)
    if arr.ndim == 1 and arr.dtype.kind in "iuf":
        arr = arr.astype(float, copy=False)
        if np.isfinite(arr).all():
            return arr
    return np.array([number(f"{name}[{i}]", x) for i, x in enumerate(items)], dtype=float)


# Excel's COUNTIFS/SUMIFS/MATCH take criteria of at most 255 characters (Microsoft's
# "functions that support long strings" leaves them out): a longer one gives #VALUE!.
CRITERIA_LIMIT = 255
WILDCARDS = "~*?"  # escaped with a ~ in a criterion, so each counts twice


def criterion_length(label: str) -> int:
    """Characters ``label`` takes as an exact-match criterion: ``=`` plus the label with
    each ``~ * ?`` escaped by a ``~``.

    >>> criterion_length("Ann"), criterion_length("A*")
    (4, 4)
    """
    return 1 + len(label) + sum(label.count(ch) for ch in WILDCARDS)


def group_labels(source: str, column: str, labels: Sequence[str], rows: Sequence[int]) -> None:
    """Refuse text that Excel's COUNTIFS/SUMIFS would group otherwise than Python does.

    ``labels`` are a column's cells (owner, cluster, source, ...) and ``rows`` the rows
    of the file they come from (header = row 1). The workbooks count by such labels as
    exact text (``"="&`` the label, wildcards escaped), and Excel compares text without
    regard to case and refuses criteria over 255 characters.

    Raises
    ------
    DataError
        For a label longer than the criteria limit (``criterion_length(label) > 255``:
        254 characters, each ``~ * ?`` counting twice), or for two labels that differ
        only in case ("Ann" and "ann": Excel counts them as one group, Python as two).

    Examples
    --------
    >>> group_labels("deals.csv", "owner", ["Ann", "Bob", "Ann"], [2, 3, 4])
    >>> group_labels("deals.csv", "owner", ["Ann", "Bob", "ann"], [2, 3, 4])
    Traceback (most recent call last):
    ...
    xlsales.errors.DataError: deals.csv row 4, column owner: 'ann' differs from 'Ann' (row 2) only in case: Excel counts the two as one group; write them the same way
    """
    firsts = pd.Series(np.asarray(rows), index=pd.Index(labels, dtype=object))
    firsts = firsts[~firsts.index.duplicated()]  # each label once, with its first row
    seen: dict[str, tuple[str, int]] = {}
    for label, row in firsts.items():
        if criterion_length(label) > CRITERIA_LIMIT:
            raise DataError(
                f"{source} row {row}, column {column}: {label[:30]!r}... has {len(label)} "
                f"characters, too long to count by: Excel's COUNTIFS takes at most "
                f"{CRITERIA_LIMIT - 1} (each ~ * ? counting twice)"
            )
        key = label.lower()
        if key in seen:
            first, first_row = seen[key]
            raise DataError(
                f"{source} row {row}, column {column}: {label!r} differs from {first!r} "
                f"(row {first_row}) only in case: Excel counts the two as one group; "
                "write them the same way"
            )
        seen[key] = (label, int(row))
