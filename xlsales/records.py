"""Reading a user's accounts or activities file: every row checked, none dropped.

A problem is refused with the file, the row (as a spreadsheet shows it: the header is
row 1) and the column. What is read is reported with its provenance (file name, rows,
SHA-256) so that a workbook built from it can say where its numbers came from.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from xlsales import tables
from xlsales._validate import group_labels
from xlsales.errors import DataError
from xlsales.exports import parse_map, reading
from xlsales.tables import read_table

__all__ = ["Cells", "Provenance", "load_accounts", "load_activities", "provenance", "read_table"]

YES_NO = {
    "yes": "yes",
    "y": "yes",
    "true": "yes",
    "1": "yes",
    "no": "no",
    "n": "no",
    "false": "no",
    "0": "no",
}

ACCOUNT_COLUMNS = {
    "account": "name",
    "owner": "text",
    "cluster": "text",
    "icp_fit": "yes/no",
    "revenue": "amount",
    "gross_margin": "share",
    "effort_hours": "amount",
    "hourly_cost": "amount",
    "influenceable": "yes/no",
}
ACCOUNT_OPTIONAL_COLUMNS = {"decision": "decision", "reason": "text"}  # the manual decision
ACCOUNT_RENAMED = {"decision": "manual_decision"}  # file column -> column of the frame
ACTIVITY_COLUMNS = {
    "date": "date",
    "rep": "text",
    "type": "activity",
    "prospect": "name",
    "outcome": "text",
    "pipeline_value": "optional amount",  # blank: 0, no pipeline (as the template's Log)
    "won_value": "optional amount",  # blank: 0, no win
    "won_date": "optional date",
}
ACTIVITY_TYPES = ("call", "e-mail", "LinkedIn message", "meeting", "other")


@dataclass(frozen=True)
class Provenance:
    """Where a data set came from, for the cover sheet.

    ``source`` is the file (or workbook) name; for a table read from a workbook,
    ``sheet`` and ``address`` say where in it (blank for a file).
    """

    source: str
    rows: int
    sha256: str
    sheet: str = ""
    address: str = ""


_ADDRESS = re.compile(r"^(?:.*!)?\$?[A-Za-z]{1,3}\$?(\d+)")


@dataclass(frozen=True)
class Cells:
    """A 2-D table of cell values, header row first, and where in a workbook it was read.

    This is what Excel hands over for a selection (Office.js ``range.values``, xlwings
    ``range.value``). :func:`load_accounts` and :func:`load_activities` read it as they
    read a file, with the same checks; a refused cell is named by the row as the sheet
    shows it (the header's row number comes from ``address``, e.g. ``B5:J60``: header in
    row 5, first record in row 6) and the column. Blank rows and blank columns at the
    end of the selection are not part of the table.
    """

    values: Sequence[Sequence[object]]
    workbook: str = "table"
    sheet: str = ""
    address: str = ""

    @property
    def name(self) -> str:
        """How messages name the table: ``Book1.xlsx Accounts!B5:J60``."""
        where = "!".join(p for p in (self.sheet, self.address.split("!")[-1]) if p)
        return f"{self.workbook} {where}" if where else self.workbook

    @property
    def header_row(self) -> int:
        found = _ADDRESS.match(self.address or "")
        return int(found.group(1)) if found else 1

    def table(self) -> list[list[object]]:
        """The cells that make the table: blank rows and columns at the end dropped."""

        def blank(value: object) -> bool:
            return value is None or (isinstance(value, str) and value.strip() == "")

        rows = [list(r) for r in self.values]
        while rows and all(blank(v) for v in rows[-1]):
            rows.pop()
        width = max((len(r) for r in rows), default=0)
        while width and all(len(r) < width or blank(r[width - 1]) for r in rows):
            width -= 1
        return [(r + [""] * width)[:width] for r in rows]

    def frame(self) -> pd.DataFrame:
        """The table as :func:`read_table` gives a file: the header as column names,
        blanks as ''."""
        table = self.table()
        if not table:
            raise DataError(f"{self.name}: the selection is empty: select the table, header first")
        header = [str("" if c is None else c).strip() for c in table[0]]
        body = [["" if v is None else v for v in r] for r in table[1:]]
        return pd.DataFrame(body, columns=header, dtype=object)

    def provenance(self, rows: int) -> Provenance:
        """Workbook, sheet, address, rows, and the SHA-256 of the values read.

        The digest is over the table (header included) as compact UTF-8 JSON, whole
        numbers without a decimal point (1000, not 1000.0: as JavaScript writes them, so
        Excel's values give the same digest through any client) and dates in ISO form::

            sha256(json.dumps(table, separators=(",", ":"), ensure_ascii=False).encode())

        so anyone can recompute it from the same cells.

        >>> Cells([["revenue"], [1000.0]]).provenance(1).sha256 == hashlib.sha256(
        ...     b'[["revenue"],[1000]]').hexdigest()
        True
        """

        def canonical(value: object) -> object:
            if isinstance(value, float) and value.is_integer():
                return int(value)
            if isinstance(value, dt.datetime) and value.time() == dt.time():
                return value.date().isoformat()
            if isinstance(value, (dt.date, dt.datetime)):
                return value.isoformat()
            return value

        table = [[canonical(v) for v in row] for row in self.table()]
        text = json.dumps(table, separators=(",", ":"), ensure_ascii=False, default=str)
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        return Provenance(self.workbook, rows, digest, self.sheet, self.address.split("!")[-1])

    @contextlib.contextmanager
    def sheet_rows(self) -> Iterator[None]:
        """Report refused rows as the sheet numbers them.

        The readers count the header as row 1; a table whose header sits in row ``h``
        shifts every row by ``h - 1``.
        """
        with rows_as_sheet(self.name, self.header_row):
            yield


@contextlib.contextmanager
def rows_as_sheet(name: str, header_row: int) -> Iterator[None]:
    """Report refused rows of table ``name`` as its sheet numbers them: the readers
    count the header as row 1; a header in row ``h`` shifts every row by ``h - 1``."""
    try:
        yield
    except DataError as exc:
        prefix = re.escape(f"{name} row ")
        message = re.sub(
            f"^{prefix}(\\d+)",
            lambda m: f"{name} row {int(m.group(1)) + header_row - 1}",
            str(exc),
        )
        message = re.sub(  # a second row named in the message, e.g. "(row 2)"
            r"\(row (\d+)\)", lambda m: f"(row {int(m.group(1)) + header_row - 1})", message
        )
        raise DataError(message) from None


def _source(
    data: str | Path | Cells,
    expected: dict[str, str],
    columns: str | dict[str, str] | None = None,
    decimal: str | None = None,
    dates: str | None = None,
) -> tuple[pd.DataFrame, str]:
    """The table and its name, the user's column names (``--map``, as text or a mapping)
    turned into ours."""
    if isinstance(columns, str):
        columns = parse_map(columns, list(expected))
    if isinstance(data, Cells):
        frame, name = data.frame(), data.name
        frame.attrs["conventions"] = tables.conventions(decimal, dates)
    elif _made_by_xlsales(data):
        frame, name = _matrix_accounts(data, expected, decimal, dates), Path(data).name
    else:
        frame, name = read_table(data, decimal, dates), Path(data).name
    how = reading(frame.columns, columns, allowed=list(expected), detect=False)
    renamed = frame.rename(columns=how.renames)
    renamed.attrs = frame.attrs
    return renamed, name


# An account matrix that xlsales made (workbook_templates.account_matrix) is read back
# as an accounts file: its Accounts table's input columns, header in row 4. Every
# workbook xlsales makes has the very hidden VerifyData sheet (workbook_templates.metadata).
MADE_BY_XLSALES = "VerifyData"
MATRIX_SHEETS = ("Accounts", "Focus", "Capacity plan")
MATRIX_HEADER_ROW = 4
MATRIX_RENAMED = {"manual decision": "decision"}  # Accounts header -> accounts file column


def _made_by_xlsales(path: str | Path) -> bool:
    return MADE_BY_XLSALES in tables.sheet_names(path)


def _matrix_accounts(
    path: str | Path, expected: dict[str, str], decimal: str | None, dates: str | None
) -> pd.DataFrame:
    """The input columns of an account matrix's Accounts table (rows added and manual
    decisions typed there included), in the table's order; blank rows after the last
    account are not accounts. Rows are counted as the sheet shows them (``header_row``).
    A workbook xlsales made of another kind is refused."""
    name = Path(path).name
    sheets = tables.sheet_names(path)
    if "account" not in expected:  # read as activities or a CRM export
        raise DataError(
            f"{name}: is a workbook xlsales made, not a table with the columns "
            f"{', '.join(expected)}: only an account matrix is read back (as accounts)"
        )
    if not all(s in sheets for s in MATRIX_SHEETS):
        raise DataError(
            f"{name}: is a workbook xlsales made but not an account matrix (it has no "
            f"{', '.join(MATRIX_SHEETS)} sheets): give an account matrix or an accounts table"
        )
    frame = read_table(path, decimal, dates, sheet="Accounts", header_row=MATRIX_HEADER_ROW)
    frame = frame.rename(columns=MATRIX_RENAMED)
    inputs = [c for c in frame.columns if c in expected]
    table = frame[inputs]
    filled = table.apply(lambda col: col.astype(str).str.strip() != "").any(axis=1)
    last = filled[filled].index.max() if filled.any() else -1
    table = table.loc[:last].reset_index(drop=True)
    table.attrs = dict(frame.attrs, header_row=MATRIX_HEADER_ROW)
    return table


def columns_read(
    data: str | Path | Cells,
    expected: dict[str, str],
    columns: str | dict[str, str] | None = None,
    decimal: str | None = None,
    dates: str | None = None,
) -> tuple[tables.Conventions, list[str]]:
    """How a file is read (its conventions) and which of its columns are not used."""
    frame, _ = _source(data, expected, columns, decimal, dates)
    return tables.conventions_of(frame), [c for c in frame.columns if c not in expected]


def _provenance(data: str | Path | Cells, frame: pd.DataFrame) -> Provenance:
    """The provenance of what was read; rows of a table renumbered as its sheet shows them."""
    if isinstance(data, Cells):
        frame["source_row"] += data.header_row - 1
        return data.provenance(len(frame))
    return provenance(Path(data), len(frame))


def provenance(path: Path, rows: int) -> Provenance:
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return Provenance(Path(path).name, rows, digest)


def _cell_checker(kind: str) -> Callable[[object], object]:
    def amount(value: object) -> float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            number = float(value)
        else:
            text = str(value).strip().replace(",", "")
            if text == "":
                raise ValueError("is blank: a number is required")
            number = float(text)  # ValueError names the text
        if number != number or number in (float("inf"), float("-inf")):
            raise ValueError("must be a finite number")
        return number

    def date(value: object) -> dt.date:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = str(value).strip()
        if text == "":
            raise ValueError("is blank: a date is required (YYYY-MM-DD)")
        return dt.date.fromisoformat(text[:10] if len(text) > 10 and text[10] in " T" else text)

    def optional_date(value: object) -> dt.date | None:
        return None if str(value).strip() == "" else date(value)

    def optional_amount(value: object) -> float:
        return 0.0 if str(value).strip() == "" else amount(value)

    def yes_no(value: object) -> str:
        key = str(value).strip().lower()
        if key not in YES_NO:
            raise ValueError("must be yes or no")
        return YES_NO[key]

    def share(value: object) -> float:
        number = amount(value)
        if not 0 <= number <= 1:
            raise ValueError("must be a share between 0 and 1 (0.35 for 35%)")
        return number

    def text(value: object) -> str:
        return str(value).strip()

    def name(value: object) -> str:
        if str(value).strip() == "":
            raise ValueError("is blank: a name is required")
        return str(value).strip()

    def decision(value: object) -> str:
        key = str(value).strip().upper()
        if key not in ("", "GO", "NO-GO"):
            raise ValueError("must be GO, NO-GO or blank (blank: the suggested decision holds)")
        return key

    def activity(value: object) -> str:
        key = str(value).strip()
        for known in ACTIVITY_TYPES:
            if key.lower() == known.lower():
                return known
        raise ValueError(f"must be one of: {', '.join(ACTIVITY_TYPES)}")

    return {
        "amount": amount,
        "date": date,
        "optional date": optional_date,
        "optional amount": optional_amount,
        "yes/no": yes_no,
        "share": share,
        "text": text,
        "name": name,
        "activity": activity,
        "decision": decision,
    }[kind]


def _check(
    frame: pd.DataFrame,
    columns: dict[str, str],
    name: str,
    non_negative: tuple[str, ...],
    optional: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Every cell checked; ``optional`` columns may be left out (then read as blank)."""
    optional = optional or {}
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(
            f"{name}: missing column(s) {', '.join(missing)}; expected {', '.join(columns)} "
            f'(name yours with --map "Your column={missing[0]},...")'
        )
    extra = [c for c in frame.columns if c not in columns and c not in optional]  # reported
    if frame.empty:
        raise DataError(f"{name}: has a header but no rows")
    conv = tables.conventions_of(frame)
    frame = frame.assign(**{c: "" for c in optional if c not in frame.columns})
    out = {}
    for column, kind in {**columns, **optional}.items():
        check = _cell_checker(kind)
        values = []
        cells = frame[column]
        if kind in ("amount", "optional amount", "share"):  # the file's decimal convention
            parsed = tables.amounts(cells, conv, name, column, non_negative=False)
            cells = pd.Series(parsed.where(parsed.notna(), "").tolist(), dtype=object)
        elif "date" in kind:
            parsed = tables.dates(cells, conv, name, column)
            cells = pd.Series([d.date() if pd.notna(d) else "" for d in parsed], dtype=object)
        for i, (cell, raw) in enumerate(zip(cells.tolist(), frame[column].tolist())):
            try:
                value = check(cell)
            except ValueError as exc:
                reason = str(exc)
                if not reason.startswith(("is ", "must ")):
                    reason = (
                        "is not a date (use YYYY-MM-DD)" if "date" in kind else "is not a number"
                    )
                raise DataError(
                    f"{name} row {i + 2}, column {column}: {str(raw)!r} {reason}"
                ) from None
            if column in non_negative and isinstance(value, float) and value < 0:
                raise DataError(
                    f"{name} row {i + 2}, column {column}: {str(raw)!r} must be 0 or more"
                )
            values.append(value)
        out[column] = values
    result = pd.DataFrame(out)
    result.insert(0, "source_row", range(2, len(result) + 2))
    result.attrs["ignored"] = extra
    result.attrs["conventions"] = conv
    return result


def load_accounts(
    path: str | Path | Cells,
    columns: str | dict[str, str] | None = None,
    decimal: str | None = None,
    dates: str | None = None,
) -> tuple[pd.DataFrame, Provenance]:
    """Accounts from a CSV or Excel file, or a table of cells (:class:`Cells`), with the
    columns of :data:`ACCOUNT_COLUMNS`.

    Returns the checked rows (plus ``source_row``: the row in the file) and their
    provenance. Revenue, effort and hourly cost must be >= 0; the gross margin is a
    share in [0, 1]; icp_fit and influenceable are yes or no. The optional columns
    ``decision`` (the manual decision: GO, NO-GO in any case, or blank for none) and
    ``reason`` come back as ``manual_decision`` and ``reason`` ("" when absent).

    An account matrix that xlsales made, and a user then edited (accounts added to the
    Accounts table, manual decisions and reasons typed), reads as an accounts file: the
    Accounts table's input columns, ``manual decision`` as ``decision``, each row
    numbered as the sheet shows it (header in row 4). Any other workbook xlsales made is
    refused.
    """
    with path.sheet_rows() if isinstance(path, Cells) else contextlib.nullcontext():
        expected = {**ACCOUNT_COLUMNS, **ACCOUNT_OPTIONAL_COLUMNS}
        table, name = _source(path, expected, columns, decimal, dates)
        header_row = table.attrs.get("header_row", 1)  # an account matrix: row 4
        with rows_as_sheet(name, header_row):
            frame = _check(
                table,
                ACCOUNT_COLUMNS,
                name,
                ("revenue", "effort_hours", "hourly_cost"),
                ACCOUNT_OPTIONAL_COLUMNS,
            ).rename(columns=ACCOUNT_RENAMED)
        frame["source_row"] += header_row - 1
        for column in ("owner", "cluster"):  # the labels the account matrix counts by
            group_labels(name, column, frame[column], frame["source_row"])
    return frame, _provenance(path, frame)


def load_activities(
    path: str | Path | Cells,
    columns: str | dict[str, str] | None = None,
    decimal: str | None = None,
    dates: str | None = None,
) -> tuple[pd.DataFrame, Provenance]:
    """Activities from a CSV or Excel file, or a table of cells (:class:`Cells`), with
    the columns of :data:`ACTIVITY_COLUMNS`.

    ``won_date`` may be blank (nothing won yet); a won value above 0 needs a won date.
    A blank ``pipeline_value`` or ``won_value`` reads as 0 (no pipeline, no win), as the
    prospecting log's "inputs valid" reads it; a won date with a blank or 0 won value is
    no win. A text that is no number, TRUE/FALSE or a negative amount is refused. A win
    dated before the first activity on its prospect (names match ignoring case) cannot
    be true and is refused, naming the row of the win and the date of that first activity.
    """
    with path.sheet_rows() if isinstance(path, Cells) else contextlib.nullcontext():
        table, name = _source(path, ACTIVITY_COLUMNS, columns, decimal, dates)
        frame = _check(table, ACTIVITY_COLUMNS, name, ("pipeline_value", "won_value"))
        for i, (won, when) in enumerate(zip(frame["won_value"], frame["won_date"])):
            if float(won) > 0 and when is None:
                raise DataError(
                    f"{name} row {i + 2}, column won_date: blank, but won_value is {won:g}"
                )
        _refuse_wins_before_first_activity(frame, name)
    return frame, _provenance(path, frame)


def _refuse_wins_before_first_activity(frame: pd.DataFrame, name: str) -> None:
    """A win dated before the first activity on its prospect cannot be true (DOMAIN.md)."""
    key = frame["prospect"].str.lower()
    first = frame.groupby(key)["date"].transform("min")
    early = (frame["won_value"] > 0) & frame["won_date"].notna()
    early &= frame["won_date"].where(early, first) < first
    if early.any():
        i = int(early.to_numpy().nonzero()[0][0])
        raise DataError(
            f"{name} row {i + 2}, column won_date: {frame['won_date'][i]} is before the "
            f"first activity on prospect {frame['prospect'][i]!r} ({first[i]}): a win "
            "cannot come before the first touch"
        )
