"""Reading a user's table: one reader for accounts, activities and CRM exports.

What a file means is never guessed silently. The rules (also in docs/definitions.md):

* **Delimiter**: a CSV file's delimiter (comma, semicolon or tab) is found with
  :class:`csv.Sniffer` on the start of the file; a UTF-8 byte-order mark is skipped.
* **Decimal convention**: given (``decimal=","`` or ``"."``; ``--decimal`` on the command
  line), else the decimal comma for a semicolon file (the European CSV convention), else
  the decimal point. With the decimal point, ``1,234.56`` and ``1,234,567`` carry
  thousands commas; with the decimal comma, ``1.234,56`` carries thousands dots. Spaces
  may group thousands in either. An amount that fits neither reading (``500,5`` or
  ``1.234,56`` in a comma file) is refused with the file, row and column, and so is one
  that fits both (``1,234`` in a comma file whose convention was not given: 1234 or
  1.234?). Amounts must be finite and at most :data:`MAX_AMOUNT` in size.
* **Dates**: ISO ``YYYY-MM-DD``, optionally followed by a time and a zone (``Z``,
  ``+02:00``). A timestamp counts on the **calendar date as written**: its zone is not
  converted, so ``2024-01-01T23:30:00-05:00`` is 1 January (the day the person who
  entered it saw), and a file mixing zones is read the same way. Day-first and
  month-first dates (``31-12-2024``, ``31.12.2024``, ``12/31/2024``) are read when the
  order is given (``dates="dmy"`` or ``"mdy"``; ``--dates``), or clear: dots mean
  day-first; a column with a first number above 12 is day-first, one with a second
  number above 12 month-first; otherwise a European file (semicolon or decimal comma)
  is day-first. Anything else is refused as ambiguous. Years must lie in
  1900-9999, the dates Excel can show.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from xlsales.errors import DataError, InputError

MAX_AMOUNT = 1e15  # Excel keeps 15 significant digits: larger amounts lose their units
FIRST_YEAR, LAST_YEAR = 1900, 9999  # the dates Excel can show
DECIMALS = (".", ",")
DATE_ORDERS = ("dmy", "mdy")
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}


@dataclass(frozen=True)
class Conventions:
    """How a file's numbers and dates are read, and why (for the report)."""

    decimal: str = "."  # "." or ","
    decimal_rule: str = "default"  # "given", "semicolon file" or "default"
    dates: str | None = None  # "dmy", "mdy" or None (worked out per column)
    delimiter: str | None = None  # None for Excel files and DataFrames

    @property
    def european(self) -> bool:
        return self.decimal == "," and self.decimal_rule != "default"

    def describe(self) -> str:
        parts = []
        if self.delimiter:
            parts.append(f"{DELIMITERS[self.delimiter]}-separated")
        parts.append(
            f"decimal {'comma' if self.decimal == ',' else 'point'}"
            + {"given": " (given)", "semicolon file": " (semicolon file)"}.get(
                self.decimal_rule, ""
            )
        )
        if self.dates:
            parts.append(f"dates {self.dates.upper()} (given)")
        return ", ".join(parts)


def conventions(decimal: str | None = None, dates: str | None = None) -> Conventions:
    """Check the given conventions (``None``: work them out from the file)."""
    if decimal is not None and decimal not in DECIMALS:
        raise InputError(f"decimal={decimal!r} must be '.' or ','")
    if dates is not None and str(dates).lower() not in DATE_ORDERS:
        raise InputError(f"dates={dates!r} must be dmy (31-12-2024) or mdy (12/31/2024)")
    return Conventions(
        decimal or ".", "given" if decimal else "default", dates.lower() if dates else None
    )


def sheet_names(path: str | Path) -> list[str]:
    """The sheets of an Excel workbook (hidden ones too); [] for any other file."""
    if Path(path).suffix.lower() not in (".xlsx", ".xlsm") or not Path(path).exists():
        return []
    try:
        with pd.ExcelFile(path, engine="openpyxl") as book:
            return [str(name) for name in book.sheet_names]
    except (ValueError, OSError, KeyError, zipfile.BadZipFile):
        return []  # read_table says why it cannot be read


def _delimiter(sample: str) -> str:
    try:
        found = csv.Sniffer().sniff(sample, delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        found = ""
    if found not in DELIMITERS:  # one column, or the sniffer gave up: count in the header
        header = sample.splitlines()[0] if sample else ""
        found = max(DELIMITERS, key=lambda d: (header.count(d), d == ","))
    return found


def read_table(
    path: str | Path,
    decimal: str | None = None,
    dates: str | None = None,
    sheet: str | int = 0,
    header_row: int = 1,
) -> pd.DataFrame:
    """A CSV or Excel file as cells (text for CSV, nothing converted), blanks as ''.

    An Excel file is read from ``sheet`` (default: the first), its header in row
    ``header_row`` (default 1). The conventions used to read its numbers and dates are
    in ``frame.attrs["conventions"]`` (see the module notes).
    """
    given = conventions(decimal, dates)
    path = Path(path)
    if not path.exists():
        raise DataError(f"{path}: no such file")
    suffix = path.suffix.lower()
    delimiter = None
    if suffix == ".xls" or (suffix in (".xlsx", ".xlsm") and not zipfile.is_zipfile(path)):
        raise DataError(
            f"{path.name}: is not an .xlsx workbook (an .xlsx file is a zip archive): "
            "save it from Excel as .xlsx or as CSV UTF-8"
        )
    if suffix not in (".xlsx", ".xlsm", ".csv", ".txt"):
        raise DataError(f"{path.name}: use a .csv or .xlsx file (got {suffix or 'no suffix'})")
    try:
        if suffix in (".xlsx", ".xlsm"):
            frame = pd.read_excel(
                path, sheet_name=sheet, header=header_row - 1, dtype=object, engine="openpyxl"
            )
        else:  # .csv or .txt
            with open(path, encoding="utf-8-sig", newline="") as f:
                sample = f.read(65536)
            delimiter = _delimiter(sample)
            frame = pd.read_csv(
                path,
                sep=delimiter,
                dtype=str,
                keep_default_na=False,
                skipinitialspace=True,
                encoding="utf-8-sig",
            )
    except UnicodeDecodeError:
        raise DataError(
            f"{path.name}: is not UTF-8 text: save it as 'CSV UTF-8' (or as .xlsx)"
        ) from None
    except (ValueError, OSError) as exc:
        reason = " ".join(str(exc).split())
        raise DataError(f"{path.name}: cannot be read as a table ({reason})") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    if delimiter is None:  # a CSV file's cells are all text: no value is read as missing
        frame = frame.fillna("")
    if delimiter == ";" and decimal is None:
        given = Conventions(",", "semicolon file", given.dates)
    frame.attrs["conventions"] = Conventions(
        given.decimal, given.decimal_rule, given.dates, delimiter
    )
    return frame


def conventions_of(frame: pd.DataFrame) -> Conventions:
    found = frame.attrs.get("conventions")
    return found if isinstance(found, Conventions) else Conventions()


def _where(source: str, position: int, column: str) -> str:
    return f"{source} row {position + 2}, column {column}"


FEW_SAMPLE = 4096  # the first cells that tell a column of few distinct cells


class _Addresses:
    """An object array's cells read as the integers they hold (the addresses of their
    objects), without a copy; NumPy's view keeps this, and so the array, alive."""

    def __init__(self, cells: np.ndarray):
        self.cells = cells
        self.__array_interface__ = {
            "shape": cells.shape,
            "strides": cells.strides,
            "typestr": np.dtype(np.intp).str,
            "data": (cells.__array_interface__["data"][0], True),
            "version": 3,
        }


def factorize(raw: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Per cell a code into the distinct values (an object array); -1 for a missing cell.

    The cells go to :func:`pandas.factorize` as one object array, which is faster than
    a column of the string dtype. A column of few distinct cells (at most one in four
    of its first :data:`FEW_SAMPLE` cells is a new object) is factorised first on its
    objects' addresses, integers that hash without reading the text: pandas' CSV
    reader gives equal texts one object, so only the distinct objects are then
    factorised by value. The codes and the distinct values, in order of first
    appearance, are the same either way: cells that are one object are equal, and
    objects keep the order of their first cells.
    """
    cells = raw.to_numpy(dtype=object)
    addresses = np.asarray(_Addresses(cells))
    head = addresses[:FEW_SAMPLE]
    if len(np.unique(head)) * 4 >= len(head):  # many distinct cells: by value only
        codes, uniques = pd.factorize(cells, use_na_sentinel=True)
        return codes, np.asarray(uniques, dtype=object)
    by_object, objects = pd.factorize(addresses)
    one_cell = np.empty(len(objects), dtype=np.intp)
    one_cell[by_object] = np.arange(len(cells))  # any cell of each object
    codes, uniques = pd.factorize(cells[one_cell], use_na_sentinel=True)
    return codes[by_object], np.asarray(uniques, dtype=object)


def _codes(raw: pd.Series) -> tuple[np.ndarray, list]:
    codes, uniques = factorize(raw)
    return codes, uniques.tolist()


def _is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and value != value:
        return True
    return isinstance(value, str) and value.strip() == "" or value is pd.NaT


_SPACES = " \u00a0\u202f"
_SIGN = r"[+-]?"


def _amount_patterns(decimal: str) -> tuple[re.Pattern, str]:
    group = r"\." if decimal == "," else ","
    dec = re.escape(decimal)
    plain = rf"\d+(?:{dec}\d*)?|{dec}\d+"
    if decimal == ".":
        plain += r"|\d+(?:\.\d*)?[eE][+-]?\d+"
    grouped = rf"\d{{1,3}}(?:{group}\d{{3}})+(?:{dec}\d+)?"
    spaced = rf"\d{{1,3}}(?:[{_SPACES}]\d{{3}})+(?:{dec}\d+)?"
    return re.compile(rf"{_SIGN}(?:{plain}|{grouped}|{spaced})"), group.strip("\\")


_AMBIGUOUS = re.compile(r"[+-]?\d{1,3},\d{3}")


def _one_amount(text: str, conv: Conventions, pattern: re.Pattern, group: str) -> float | str:
    """The number, or the reason it is refused (a string starting 'is' or 'must')."""
    if not pattern.fullmatch(text):
        other = "," if conv.decimal == "." else "."
        alt, _ = _amount_patterns(other)
        if alt.fullmatch(text):
            why = {
                "given": "the decimal given",
                "semicolon file": "a semicolon file's decimal comma",
                "default": "the decimal point of a comma-separated file",
            }[conv.decimal_rule]
            name = "comma" if other == "," else "point"
            return (
                f"is not a number with {why}: give --decimal {other} if the file uses the "
                f"decimal {name}"
            )
        return "is not a number"
    if conv.decimal_rule == "default" and _AMBIGUOUS.fullmatch(text):
        return (
            "is ambiguous: a thousands comma or a decimal comma? give --decimal . "
            "(thousands comma) or --decimal , (decimal comma)"
        )
    cleaned = text.replace(group, "")
    for space in _SPACES:
        cleaned = cleaned.replace(space, "")
    return float(cleaned.replace(",", "."))


def amounts(
    raw: pd.Series,
    conv: Conventions,
    source: str,
    column: str,
    *,
    non_negative: bool = True,
) -> pd.Series:
    """A column of amounts as floats (NaN for a blank cell), read by ``conv``.

    The first cell that breaks the rules of the module notes is refused with the file,
    row and column. Negative amounts are refused when ``non_negative``.
    """
    raw = raw.reset_index(drop=True)
    codes, uniques = _codes(raw)
    pattern, group = _amount_patterns(conv.decimal)
    values = np.empty(len(uniques) + 1)
    values[-1] = np.nan  # pandas' own missing values
    problems: dict[int, str] = {}
    for k, value in enumerate(uniques):
        if _is_blank(value):
            values[k] = np.nan
            continue
        if isinstance(value, bool):
            problems[k] = "is not a number"
            continue
        if isinstance(value, (int, float, np.integer, np.floating)):
            number: float | str = float(value)
        else:
            number = _one_amount(str(value).strip(), conv, pattern, group)
        if isinstance(number, str):
            problems[k] = number
            continue
        if not np.isfinite(number) or abs(number) > MAX_AMOUNT:
            problems[k] = f"must be a finite amount of at most {MAX_AMOUNT:g}"
        elif non_negative and number < 0:
            problems[k] = "must be 0 or more"
        values[k] = number
    if problems:
        bad = np.isin(codes, list(problems))
        first = int(np.flatnonzero(bad)[0])
        raise DataError(
            f"{_where(source, first, column)}: {str(raw.iloc[first])!r} {problems[codes[first]]}"
        )
    return pd.Series(values[codes], dtype=float, copy=False)


_ISO = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:Z|UTC|[+-]\d{2}(?::?\d{2})?)?)?",
    re.IGNORECASE,
)
_LOCAL = re.compile(
    r"(\d{1,2})([-./])(\d{1,2})\2(\d{4})"
    r"(?:,?\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AP]M)?\s*(?:Z|UTC|[+-]\d{2}(?::?\d{2})?)?)?",
    re.IGNORECASE,
)


def _date_order(parts: list[tuple[int, str, int, int]], conv: Conventions) -> str | None:
    """'dmy', 'mdy', or None when the column does not say (see the module notes)."""
    if conv.dates:
        return conv.dates
    if any(sep == "." for _, sep, _, _ in parts):
        return "dmy"
    day_first = any(a > 12 for _, _, a, _ in parts)
    month_first = any(b > 12 for _, _, _, b in parts)
    if day_first and not month_first:
        return "dmy"
    if month_first and not day_first:
        return "mdy"
    if day_first and month_first:
        return "mixed"
    return "dmy" if conv.european else None


def dates(
    raw: pd.Series,
    conv: Conventions,
    source: str,
    column: str,
    last: dt.date | None = None,
    why_last: str = "",
) -> pd.Series:
    """A column of dates as ``datetime64[s]`` at midnight (NaT for a blank cell).

    Read by the rules of the module notes; the first cell that breaks them is refused
    with the file, row and column. ``last`` lowers the last date accepted (``why_last``
    says why).
    """
    raw = raw.reset_index(drop=True)
    codes, uniques = _codes(raw)
    found: list[dt.date | None] = [None] * len(uniques)
    problems: dict[int, str] = {}
    local: list[tuple[int, str, int, int]] = []  # (unique, separator, first, second)
    local_years: dict[int, int] = {}
    for k, value in enumerate(uniques):
        if _is_blank(value):
            continue
        if isinstance(value, (dt.datetime, pd.Timestamp)):
            found[k] = value.date()
            continue
        if isinstance(value, dt.date):
            found[k] = value
            continue
        text = str(value).strip()
        iso = _ISO.fullmatch(text)
        if iso:
            try:
                found[k] = dt.date(int(iso[1]), int(iso[2]), int(iso[3]))
            except ValueError:
                problems[k] = "is not a date (no such day)"
            continue
        match = _LOCAL.fullmatch(text)
        if match:
            local.append((k, match[2], int(match[1]), int(match[3])))
            local_years[k] = int(match[4])
            continue
        problems[k] = "is not a date (use YYYY-MM-DD)"
    if local:
        order = _date_order(local, conv)
        for k, _, a, b in local:
            if order is None:
                problems[k] = (
                    "is ambiguous: day-first or month-first? give --dates dmy or --dates mdy"
                )
            elif order == "mixed":
                problems[k] = "is in a column that mixes day-first and month-first dates"
            else:
                day, month = (a, b) if order == "dmy" else (b, a)
                try:
                    found[k] = dt.date(local_years[k], month, day)
                except ValueError:
                    problems[k] = "is not a date (no such day)"
    for k, day in enumerate(found):
        if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
            problems[k] = f"must be a date in the years {FIRST_YEAR}-{LAST_YEAR}"
        elif day is not None and last is not None and day > last:
            problems[k] = f"is after {last}, {why_last}"
    if problems:
        bad = np.isin(codes, list(problems))
        first = int(np.flatnonzero(bad)[0])
        raise DataError(
            f"{_where(source, first, column)}: {str(raw.iloc[first])!r} {problems[codes[first]]}"
        )
    stamps = np.array(
        [np.datetime64(d, "s") if d is not None else np.datetime64("NaT", "s") for d in found]
        + [np.datetime64("NaT", "s")],
        dtype="datetime64[s]",
    )
    return pd.Series(stamps[codes], dtype="datetime64[s]", copy=False)
