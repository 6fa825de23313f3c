"""The one place where Excel values become Python values, and errors become cells.

Excel hands xlwings a selection as a 2-D list (blanks as ``None``); the UDFs hand the
core plain lists and get back plain lists, which leave as a 2-D list shaped like the
selection they came from. A rule broken anywhere in xlsales leaves as one line of
text naming the function, the argument, the value and the rule:

* xlwings Server and xlwings Lite: raised as ``xlwings.XlwingsError``, which Excel shows
  as ``#VALUE!`` with the message on hover (the server answers HTTP 400).
* the classic Windows add-in: returned as the cell's text, ``#VALUE! <message>``,
  because the classic add-in would otherwise show ``#VALUE!`` with a traceback pop-up.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
import functools
import gc
import importlib.util
import operator
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any, NamedTuple

import xlwings as xw
from xlwings import utils as xw_utils

from xlsales.errors import InputError, XlsalesError


def _remember_pyodide_is_absent() -> None:
    """Answer xlwings' per-cell "is this Pyodide's JsNull?" once, off Pyodide.

    xlwings' conversion code asks, for every cell, whether the value is Pyodide's
    ``JsNull`` (``xlwings.utils.is_jsnull``), and each time runs
    ``from pyodide.ffi import JsNull``. Outside Pyodide that import fails, and a failed
    import is not cached, so Python searches sys.path again for every cell (about
    3.5 s per 100,000 cells). Recording the absence once (``sys.modules["pyodide"] =
    None``, Python's own marker for "not importable") makes each attempt fail at once,
    but still through the import machinery (about 30 us a cell); so ``is_jsnull`` is
    also replaced by the answer it would give every time: False. xlwings' conversion
    semantics are unchanged. Under Pyodide (xlwings Lite), or wherever pyodide is
    importable, nothing is done. ``XLSALES_PYODIDE_PROBE=keep`` leaves xlwings as it
    is (to measure xlwings as it ships).
    """
    if os.environ.get("XLSALES_PYODIDE_PROBE") == "keep":
        return
    if sys.platform != "emscripten" and "pyodide" not in sys.modules:
        if importlib.util.find_spec("pyodide") is None:
            sys.modules["pyodide"] = None  # type: ignore[assignment]
            if callable(getattr(xw_utils, "is_jsnull", None)):
                xw_utils.is_jsnull = _never_jsnull
            try:  # the Office.js engine's own alias of it, called once more per cell
                from xlwings.pro import _xlofficejs
            except (ImportError, xw.LicenseError):
                # xlwings.pro checks for a licence key on import; the classic add-in
                # and Lite need none, and without xlwings.pro there is no alias to mend.
                return
            if callable(getattr(_xlofficejs, "_is_jsnull", None)):
                _xlofficejs._is_jsnull = _never_jsnull


def _never_jsnull(value: object) -> bool:
    """``xlwings.utils.is_jsnull`` where Pyodide cannot be imported: never."""
    return False


_remember_pyodide_is_absent()

EXCEL_EPOCH = dt.date(
    1899, 12, 30
)  # serial 61 = 1900-03-01: day 0 after Excel's 1900 leap-year bug
EXCEL_LAST_SERIAL = 2958465  # 9999-12-31, the last day Excel shows


# How a selection of values reaches a UDF (``@xw.arg("values", **CELLS)``). Through
# Office.js (xlwings Server, xlwings Lite) the cells arrive as the JSON Office.js sent and
# :func:`vector` reads them in one pass, as xlwings' conversion would, without its
# per-cell function calls (about 1 us a cell); elsewhere (the classic add-in) through
# xlwings' conversion. Either way error cells come as their text ("#N/A").
CELLS: dict[str, Any] = (
    {"convert": "raw"}
    if os.environ.get("XLWINGS_ON_SERVER") == "true" or sys.platform == "emscripten"
    else {"ndim": 2, "err_to_str": True}
)

EXCEL_ERRORS = frozenset(
    "#DIV/0! #N/A #NAME? #NULL! #NUM! #REF! #VALUE! #DATA! #SPILL! #CALC! #FIELD! "
    "#BLOCKED! #CONNECT! #BUSY! #UNKNOWN! #GETTING_DATA".split()
)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


class Vector(NamedTuple):
    """A selection read as one list, and how to shape results like it."""

    values: list
    shape: str  # "row", "column" or "block"
    width: int  # columns of the selection (for blocks)


def vector(name: str, selection: Any) -> Vector:
    """Read a cell, a row, a column or a block (row by row) as one list.

    Blank cells at the end are dropped; a blank in the middle stays ``None`` so that
    the core names it. A whole blank selection is an empty list.
    """
    return _vector(selection)[0]


def _vector(selection: Any) -> tuple[Vector, bool]:
    """:func:`vector`, and whether any of its values is text (one look at the types)."""
    if not isinstance(selection, list):
        rows: list = [[selection]]
    elif selection and not isinstance(selection[0], list):
        rows = [selection]
    else:
        rows = selection
    width = max(map(len, rows), default=0)
    if len(rows) == 1 and width > 1:
        shape, values = "row", list(rows[0])
    elif width <= 1:  # a column, or a single cell (spills down, as Excel does)
        shape, values = "column", _firsts(rows)
    else:
        shape, values = "block", [x for r in rows for x in r]
    kinds = set(map(type, values))
    if not kinds <= _PLAIN:  # cells as Office.js sent them (see CELLS)
        values = [_plain(x) for x in values]
        kinds = set(map(type, values))
    while values and _blank(values[-1]):
        values.pop()
    text = any(issubclass(t, str) for t in kinds)
    if text:  # spaces-only cells are blanks (numbers alone skip this pass)
        values = [None if _blank(x) else x for x in values]
    return Vector(values, shape, width), text


def _firsts(rows: list) -> list:
    """The first cell of each row of a column (None for an empty row)."""
    try:
        return list(map(_FIRST, rows))
    except IndexError:  # an empty row
        return [r[0] if r else None for r in rows]


_FIRST = operator.itemgetter(0)
_PLAIN = {float, int, bool, str, type(None)}


def _plain(cell: Any) -> Any:
    """One cell as xlwings' Office.js conversion reads it (with ``err_to_str``): an
    error or a rich value (a dict) as its ``basicValue`` ("#N/A"), Pyodide's JsNull as
    a blank."""
    if isinstance(cell, dict):
        return cell.get("basicValue")
    return None if xw_utils.is_jsnull(cell) else cell


def values_only(name: str, selection: Any) -> Vector:
    """:func:`vector` for a function that counts text as 0 or names it: a cell holding
    an Excel error (read with ``@xw.arg(..., err_to_str=True)``, so that it is not
    mistaken for a blank) is refused, because an error is not a value."""
    cells, text = _vector(selection)
    for i, x in enumerate(cells.values if text else ()):
        if isinstance(x, str) and x in EXCEL_ERRORS:
            raise InputError(
                f"{name}[{i}]={x} is an Excel error, not a value: fix or clear that cell"
            )
    return cells


def plain_cells(func: Callable) -> Callable:
    """Hand a UDF's result, a 2-D list of plain strings or numbers, to Excel as it is.

    * xlwings' result conversion looks at every cell for dates, NaN, numpy numbers and
      error codes (about 8 us a cell, 0.8 s for 100,000 cells), none of which such a
      result holds: ``@xw.ret("raw")`` skips it.
    * Python's cycle collector is paused during the call (:func:`_no_collection`).
    * On xlwings Server, the route returns ``{"result": rows}`` as a dict, so FastAPI
      walks every cell with ``jsonable_encoder`` (about 30 us a cell: 3 s for 100,000)
      before ``json.dumps``. FastAPI hands an ``Enum`` member's value over without
      walking it, so the rows leave as a list that is also such a member
      (:class:`_Rows`): equal to the plain list everywhere, written by ``json.dumps``
      as the same JSON array.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with _no_collection():
            result = func(*args, **kwargs)
        if isinstance(result, list) and _on_server():
            return _Rows("Result", [("rows", result)]).rows
        return result

    return xw.ret("raw")(wrapper)


@contextlib.contextmanager
def _no_collection() -> Iterator[None]:
    """Pause Python's cycle collector while a result of many small lists is built.

    Each 700 new lists start a collection, and the older generations' collections
    walk every object the process holds: for 100,000 cells that is most of the time
    spent (72 ms of 78 ms to lay out one column). The pause ends with the call.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class _Rows(list, enum.Enum):
    """A result's rows, as a list that FastAPI's ``jsonable_encoder`` does not walk."""


def _on_server() -> bool:
    return os.environ.get("XLWINGS_ON_SERVER") == "true" and sys.platform != "emscripten"


def spill(values: Sequence, like: Vector) -> list[list]:
    """Lay ``values`` out like the selection they came from (a row stays a row).

    A column of text (class letters) gives one row list per distinct text, shared by
    the rows that hold it (100,000 lists fewer to make, walk and free): read it, never
    change it in place.
    """
    if like.shape == "row":
        return [list(values)]
    if like.shape == "block" and like.width and len(values) % like.width == 0:
        return [list(values[i : i + like.width]) for i in range(0, len(values), like.width)]
    if set(map(type, values)) == {str}:  # labels (classes): one row per distinct label
        rows = {x: [x] for x in set(values)}
        return [rows[x] for x in values]
    return [[x] for x in values]


def orient(table: list[list], like: Vector) -> list[list]:
    """A table with one row per item, turned so that items run like the selection."""
    if like.shape == "row":
        return [list(col) for col in zip(*table)]
    return table


def scalar(name: str, value: Any, default: Any = None) -> Any:
    """One cell: a blank gives ``default``; a range of several cells is refused."""
    if isinstance(value, list):
        cells = vector(name, value).values
        if len(cells) > 1:
            raise InputError(f"{name} is a range of {len(cells)} cells: one cell is required")
        value = cells[0] if cells else None
    return default if _blank(value) else value


def flag(name: str, value: Any) -> bool:
    """TRUE/FALSE, 1/0 or blank (FALSE)."""
    value = scalar(name, value, False)
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    raise InputError(f"{name}={value!r} must be TRUE or FALSE")


def excel_date(name: str, value: Any) -> dt.date:
    """An Excel date: a date cell (a serial number) or a date xlwings already converted.

    ::

        serial 1 .. 59          1899-12-31 + serial    (1 = 1900-01-01, 59 = 1900-02-28)
        serial 60               refused: Excel's 1900-02-29, a day that never was
        serial 61 .. 2958465    1899-12-30 + serial    (61 = 1900-03-01, 2958465 = 9999-12-31)

    A time of day (the fraction) is dropped.
    """
    value = scalar(name, value)
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 61 <= value < EXCEL_LAST_SERIAL + 1:
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        if 1 <= value < 60:
            return dt.date(1899, 12, 31) + dt.timedelta(days=int(value))
        if 60 <= value < 61:
            raise InputError(f"{name}={value!r} is Excel's 1900-02-29, a day that never was")
    raise InputError(f"{name}={value!r} is not an Excel date (1 to {EXCEL_LAST_SERIAL})")


def excel_dates(name: str, selection: Any) -> tuple[list[dt.date], Vector]:
    """A selection of Excel dates, each checked as :func:`excel_date` checks one."""
    cells = vector(name, selection)
    return [excel_date(f"{name}[{i}]", x) for i, x in enumerate(cells.values)], cells


def _on_server_or_lite() -> bool:
    return os.environ.get("XLWINGS_ON_SERVER") == "true" or sys.platform == "emscripten"


def one_line(text: str) -> str:
    return " ".join(str(text).split())


def cell_errors(func: Callable) -> Callable:
    """Turn any failure of ``func`` into the one-line message Excel shows.

    Rules the user broke (``XlsalesError``) read as they are; anything else is a bug
    in xlsales and says so, still on one line, never as a traceback.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except XlsalesError as exc:
            message = f"{func.__name__}: {one_line(exc)}"
        except xw.XlwingsError:
            raise
        except Exception as exc:  # a bug: still one line in the cell
            message = f"{func.__name__}: internal error {type(exc).__name__}: {one_line(exc)}"
        if _on_server_or_lite():
            raise xw.XlwingsError(message)
        return f"#VALUE! {message}"

    return wrapper
