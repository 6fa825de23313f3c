"""Read a saved .xlsx as Excel stores it: cells (formula and cached value), tables, data
validations, defined names, charts and custom document properties.

openpyxl reads the cells into objects and drops what it does not model (cached values
of formulas unless asked, shared formulas as written, chart references); the checks of
:mod:`workbook_templates.excel_rules` and :mod:`workbook_templates.verify` need the file
as it is, and fast (a 50,000-row table is 1.5 million cells), so this module reads the
zip's XML itself: the cells with numpy over the sheet's bytes (each tag located by
position, no Python object per cell; texts stay in the bytes until asked for), or by a
regular expression for forms the fast way does not take; the rest with ElementTree.
"""

from __future__ import annotations

import gc
import posixpath
import re
import zipfile
import zlib
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from xml.etree import ElementTree as ET
from xml.sax.saxutils import escape as xml_escape

import numpy as np
import pandas as pd
from openpyxl.utils import column_index_from_string, get_column_letter

from workbook_templates.formula_text import a1_format, to_r1c1

NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
    "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
    "cp": "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties",
    "vt": "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes",
}
M = "{" + NS["m"] + "}"
R_ID = "{" + NS["r"] + "}id"
C = "{" + NS["c"] + "}"
CELL = re.compile(r"([A-Z]+)(\d+)$")


class NotAWorkbook(ValueError):
    """The file is not an .xlsx workbook that can be read."""


def split_cell(ref: str) -> tuple[int, int]:
    """``"AA12"`` -> (12, 27): row and column numbers."""
    m = CELL.match(ref.replace("$", ""))
    if m is None:
        raise ValueError(f"{ref!r} is not a cell reference")
    return int(m.group(2)), column_index_from_string(m.group(1))


def cell_name(row: int, col: int) -> str:
    return f"{get_column_letter(col)}{row}"


def split_range(ref: str) -> tuple[int, int, int, int]:
    """``"A4:C9"`` -> (first row, first column, last row, last column)."""
    first, _, last = ref.partition(":")
    r1, c1 = split_cell(first)
    r2, c2 = split_cell(last) if last else (r1, c1)
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


@dataclass(slots=True)
class Cell:
    """One stored cell: ``formula`` without the leading ``=`` (None for a constant) and
    ``value`` the value the file holds (the cached result for a formula; None if none)."""

    value: object = None
    formula: str | None = None
    kind: str = "n"  # the OOXML cell type: n, s, str, b, e, inlineStr


@dataclass
class TableInfo:
    name: str
    ref: str
    columns: list[str]
    header_rows: int = 1
    totals_rows: int = 0

    @property
    def bounds(self) -> tuple[int, int, int, int]:
        return split_range(self.ref)

    @property
    def data_rows(self) -> range:
        r1, _c1, r2, _c2 = self.bounds
        return range(r1 + self.header_rows, r2 - self.totals_rows + 1)


@dataclass
class Validation:
    sqref: list[tuple[int, int, int, int]]
    type: str
    operator: str
    formula1: str | None
    formula2: str | None
    allow_blank: bool
    text: str  # the sqref as written


@dataclass
class SheetInfo:
    name: str
    path: str
    state: str
    cells: Cells = field(default_factory=lambda: Cells([]))
    tables: list[TableInfo] = field(default_factory=list)
    validations: list[Validation] = field(default_factory=list)
    chart_refs: list[tuple[str, str]] = field(default_factory=list)  # (chart part, formula)
    hyperlinks: int = 0

    def value(self, ref: str) -> object:
        cell = self.cells.get(split_cell(ref))
        return None if cell is None else cell.value


@dataclass
class WorkbookInfo:
    path: Path
    sheets: dict[str, SheetInfo]
    defined_names: list[tuple[str, str, int | None]]  # (name, text, local sheet index)
    properties: dict[str, str]

    def sheet(self, name: str) -> SheetInfo:
        return self.sheets[name]


def _rels(z: zipfile.ZipFile, part: str) -> dict[str, str]:
    """Relationship id -> target part path for ``part``."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", name + ".rels")
    if rels not in z.namelist():
        return {}
    out = {}
    for rel in ET.fromstring(z.read(rels)).findall("rel:Relationship", NS):
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External":
            continue
        path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        out[rel.get("Id")] = posixpath.normpath(path)
    return out


def _shared_strings(z: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in z.namelist():
        return []
    root = ET.fromstring(z.read("xl/sharedStrings.xml"))
    return ["".join(t.text or "" for t in si.iter(M + "t")) for si in root.findall("m:si", NS)]


def _number(text: str) -> float | int:
    number = float(text)
    return int(number) if number.is_integer() and abs(number) < 2**53 else number


# One cell as machine writers store it: <c r="K5" s="3" t="n"><f>F5*G5</f><v>12</v></c>,
# an inline string <is><t>..</t></is>, or an empty <c r="A1"/>. The groups: column
# letters, row, type, other attributes, the <f opening (empty without a formula), the
# formula text, the value, the inline string.
_CELL_XML = re.compile(
    r'<c r="([A-Z]+)([0-9]+)"(?: s="[0-9]*")?(?: t="([a-zA-Z]+)")?([^>/]*)'
    r"(?:/>|>(?:(<f[^>/]*)(?:/>|>([^<]*)</f>))?"
    r"(?:<v(?:\s[^>]*)?(?:/>|>([^<]*)</v>))?(?:<is>(.*?)</is>)?</c>)",
    re.DOTALL,
)
_CELL_OPEN = re.compile(r"<c[\s>/]")  # a cell's tag (not <color> in a rich text)
_T = re.compile(r"<t(?:\s[^>]*)?>(.*?)</t>", re.DOTALL)
_ATTR = re.compile(r'(\w+)="([^"]*)"')
_COLUMNS: dict[str, int] = {}


def _column(letters: str) -> int:
    col = _COLUMNS.get(letters)
    if col is None:
        col = _COLUMNS[letters] = column_index_from_string(letters)
    return col


def plain(value: object) -> object:
    """numpy scalars as Python values (bool, float, str)."""
    return value.item() if hasattr(value, "item") else value


def text_of(raw: str) -> str:
    """XML text as characters (``&lt;`` -> ``<``)."""
    if "&" not in raw:
        return raw
    if "&#" in raw:
        return unescape(raw)
    return (
        raw.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&apos;", "'")
        .replace("&amp;", "&")
    )


class Column:
    """The stored cells of one sheet column, in row order, as parallel arrays: ``rows``
    (int), ``kinds`` (the OOXML type, "n" when not written), ``formulas`` (the formula
    text as stored, XML-escaped, or None for a constant), ``values`` (the value text as
    stored, "" when none) and ``inline`` (an inline string's XML, "" when none).
    A 50,000-row column is a few arrays, not 50,000 objects: formulas and values are
    kept as positions in the sheet's bytes (``spans``) and made into text only when
    asked; ``numbers`` parses the numeric values in one go."""

    def __init__(self, rows, kinds, formulas, values, inline, data: bytes = b""):
        """``formulas`` and ``values``: object arrays of text, or (starts, ends) of
        each cell's text in ``data`` (the sheet's bytes; a start of -1 for none)."""
        self.rows, self.kinds, self.inline = rows, kinds, inline
        self._formulas = formulas if isinstance(formulas, np.ndarray) else None
        self._values = values if isinstance(values, np.ndarray) else None
        # "formulas"/"values" -> (the bytes, starts, ends)
        self._spans: dict[str, tuple[bytes, np.ndarray, np.ndarray]] = {}
        if isinstance(formulas, tuple):
            self._spans["formulas"] = (data, *formulas)
        if isinstance(values, tuple):
            self._spans["values"] = (data, *values)
        self._numbers: np.ndarray | None = None
        self._index: dict[int, int] | None = None

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def formulas(self) -> np.ndarray:
        if self._formulas is None:
            data, starts, ends = self._spans["formulas"]
            self._formulas = np.full(len(self.rows), None, dtype=object)
            have = np.flatnonzero(starts >= 0)
            self._formulas[have] = _texts(data, starts[have], ends[have])
        return self._formulas

    @property
    def values(self) -> np.ndarray:
        if self._values is None:
            data, starts, ends = self._spans["values"]
            self._values = np.full(len(self.rows), "", dtype=object)
            have = np.flatnonzero(ends > starts)
            self._values[have] = _texts(data, starts[have], ends[have])
        return self._values

    @property
    def has_formula(self) -> np.ndarray:
        """True where the cell holds a formula."""
        if "formulas" in self._spans:
            return self._spans["formulas"][1] >= 0
        return np.not_equal(self._formulas, None)

    @property
    def filled(self) -> np.ndarray:
        """True where the cell holds a value (a formula's cached result included)."""
        if "values" in self._spans:
            _data, starts, ends = self._spans["values"]
            return ends > starts
        return self._values != ""

    def spans(self, what: str) -> tuple[bytes, np.ndarray, np.ndarray]:
        """(the bytes, starts, ends) of the stored ``what``
        ("formulas" or "values"), UTF-8 and XML-escaped as stored; a start of -1 for
        none."""
        if what not in self._spans:
            texts = self.formulas if what == "formulas" else self.values
            present = np.not_equal(texts, None)
            encoded = [t.encode() for t in texts[present].tolist()]
            lengths = np.fromiter(map(len, encoded), np.int64, len(encoded))
            starts = np.full(len(texts), -1, np.int64)
            ends = np.full(len(texts), -1, np.int64)
            ends[present] = np.cumsum(lengths)
            starts[present] = ends[present] - lengths
            self._spans[what] = (b"".join(encoded) + bytes(8), starts, ends)
        return self._spans[what]

    @property
    def numbers(self) -> np.ndarray:
        """The values as floats where the cell holds a number (type n), NaN elsewhere."""
        if self._numbers is None:
            out = np.full(len(self.rows), np.nan)
            numeric = (self.kinds == "n") & self.filled
            if numeric.any():
                if self._values is None:
                    data, starts, ends = self._spans["values"]
                    out[numeric] = _parse_numbers(data, starts[numeric], ends[numeric])
                else:
                    out[numeric] = self._values[numeric].astype(float)
            self._numbers = out
        return self._numbers

    def truth(self, pos: np.ndarray) -> np.ndarray:
        """True where the value stored at ``pos`` reads as true ("1" or "true")."""
        if self._values is not None:
            values = self._values[pos]
            return (values == "1") | (values == "true")
        data, starts, ends = self._spans["values"]
        buf = ByteBuffer(data)
        starts, lengths = starts[pos], ends[pos] - starts[pos]
        return ((lengths == 1) & (buf.buf[starts] == 49)) | (
            (lengths == 4) & buf.equal_at(starts, b"true")
        )

    def span(self, first: int, last: int) -> slice:
        """The positions of the stored cells from row ``first`` to ``last``."""
        lo, hi = np.searchsorted(self.rows, (first, last + 1))
        return slice(int(lo), int(hi))

    def find(self, row: int) -> int | None:
        """The position of row ``row``, None when the column stores no such cell."""
        if self._index is None:
            if len(self.rows) > 64:  # a long column: a binary search, no index built
                i = int(np.searchsorted(self.rows, row))
                return i if i < len(self.rows) and self.rows[i] == row else None
            self._index = dict(zip(self.rows.tolist(), range(len(self.rows))))
        return self._index.get(row)

    def texts(self, strings: np.ndarray, pos: np.ndarray) -> np.ndarray:
        """The values stored at positions ``pos`` as text where the cell holds text (a
        shared or formula string), else ""."""
        kinds = self.kinds[pos]
        out = np.full(len(pos), "", dtype=object)
        shared = np.flatnonzero((kinds == "s") & self.filled[pos])
        if len(shared):
            at = pos[shared]
            if self._values is None:
                data, starts, ends = self._spans["values"]
                numbers = _parse_numbers(data, starts[at], ends[at])
            else:
                numbers = self._values[at].astype(float)
            out[shared] = strings[numbers.astype(np.int64)]
        formula_text = np.flatnonzero(kinds == "str")
        if len(formula_text):
            out[formula_text] = list(map(text_of, self.value_texts(pos[formula_text])))
        return out

    def value_texts(self, pos: np.ndarray) -> list[str]:
        """The values stored at positions ``pos`` as stored ("" for none)."""
        if self._values is not None:
            return self._values[pos].tolist()
        data, starts, ends = self._spans["values"]
        return _texts(data, starts[pos], ends[pos])

    def raw(self, i: int) -> tuple[str, str | None, str, str] | None:
        """The stored cell at position ``i``; None for an empty one (a style alone)."""
        formula, value, inline = self._formula(i), self._value(i), self.inline[i]
        if formula is None and not value and not inline:
            return None
        return self.kinds[i], formula, value, inline

    def _formula(self, i: int) -> str | None:
        if self._formulas is not None:
            return self._formulas[i]
        data, starts, ends = self._spans["formulas"]
        start, end = int(starts[i]), int(ends[i])
        return None if start < 0 else data[start:end].decode()

    def _value(self, i: int) -> str:
        if self._values is not None:
            return self._values[i]
        data, starts, ends = self._spans["values"]
        start, end = int(starts[i]), int(ends[i])
        return data[start:end].decode() if end > start else ""


def _parse_numbers(data: bytes, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The numbers written at ``data[start:end]``, parsed by numpy in one go (each text
    padded into a fixed-width byte string; numpy reads them as ``float()`` does)."""
    lengths = ends - starts
    # whole numbers of up to eight digits (shared string indices, counts, rows) from
    # one eight-byte word each: exact in a float, as float() reads them
    b = ByteBuffer(data)
    whole, digits = _digits(b.bytes_at(starts) if len(data) >= 8 else np.zeros((len(starts), 0)))
    short = (lengths == digits) & (lengths > 0) & (starts + 8 <= len(data))
    if short.all():
        return whole.astype(float)
    out = np.empty(len(starts))
    out[short] = whole[short]
    rest = np.flatnonzero(~short)
    starts, ends, lengths = starts[rest], ends[rest], lengths[rest]
    width = int(lengths.max())
    at = starts[:, None] + np.arange(width)
    fixed = np.where(at < ends[:, None], b.buf[np.minimum(at, len(b.buf) - 1)], 0)
    out[rest] = fixed.astype(np.uint8).view(f"S{width}").ravel().astype(float)
    return out


class Cells(Mapping):
    """(row, column) -> :class:`Cell`, kept column by column as the stored text
    (:class:`Column`) and decoded on access, so that a 50,000-row table costs a few
    arrays until a check reads it."""

    def __init__(self, strings: list[str]):
        self.columns: dict[int, Column] = {}
        self.strings = strings
        self._strings: np.ndarray | None = None

    def string_array(self) -> np.ndarray:
        """The shared strings as an object array (indexed by a cell's stored value)."""
        if self._strings is None:
            self._strings = np.array(self.strings + [""], dtype=object)[:-1]
        return self._strings

    def stored(self, key: tuple[int, int]) -> tuple[str, str | None, str, str] | None:
        """(type, formula as stored or None, value as stored, inline XML) of a cell."""
        column = self.columns.get(key[1])
        i = None if column is None else column.find(key[0])
        return None if i is None else column.raw(i)

    def __getitem__(self, key: tuple[int, int]) -> Cell:
        raw = self.stored(key)
        if raw is None:
            raise KeyError(key)
        return self.decode(raw)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, tuple) and self.stored(key) is not None

    def __iter__(self):
        for col, column in sorted(self.columns.items()):
            for i, row in enumerate(column.rows.tolist()):
                if column.raw(i) is not None:
                    yield row, col

    def __len__(self) -> int:
        return sum(1 for _key in self)

    def get(self, key, default=None):
        raw = self.stored(key)
        return default if raw is None else self.decode(raw)

    def value(self, key: tuple[int, int]) -> object:
        """The value stored in the cell (a formula's cached result), None if blank."""
        raw = self.stored(key)
        return None if raw is None else self.stored_value(raw)

    def row(self, row: int) -> dict[int, object]:
        """column -> value of the stored cells of ``row``."""
        out = {}
        for col, column in sorted(self.columns.items()):
            i = column.find(row)
            raw = None if i is None else column.raw(i)
            if raw is not None:
                out[col] = self.stored_value(raw)
        return out

    def column_values(self, col: int, rows: range) -> list[object] | np.ndarray:
        """The values of column ``col`` in ``rows`` (None where blank), in row order:
        a float array when every row holds a number; numbers as floats, text as str."""
        column = self.columns.get(col)
        if column is None:
            return [None] * len(rows)
        part = column.span(rows.start, rows.stop - 1)
        kinds, filled = column.kinds[part], column.filled[part]
        numeric = (kinds == "n") & filled
        if len(kinds) == len(rows) and numeric.all():
            return column.numbers[part].copy()
        out = np.full(len(kinds), None, dtype=object)
        out[numeric] = column.numbers[part][numeric].tolist()
        shared = (kinds == "s") & filled
        if shared.any():
            at = np.flatnonzero(shared) + part.start
            out[shared] = column.texts(self.string_array(), at)
        rest = np.flatnonzero(~numeric & ~shared & ((kinds != "n") | filled)).tolist()
        for i in rest:
            out[i] = self.stored_value(column.raw(part.start + i) or (kinds[i], None, "", ""))
        if len(out) == len(rows):
            return out.tolist()
        stored = dict(zip(column.rows[part].tolist(), out.tolist()))
        return [stored.get(r) for r in rows]

    def decode(self, raw: tuple[str, str | None, str, str]) -> Cell:
        formula = raw[1]
        return Cell(self.stored_value(raw), None if formula is None else text_of(formula), raw[0])

    def stored_value(self, raw: tuple[str, str | None, str, str]) -> object:
        """The value of a ``raw`` entry."""
        kind, _formula, v, inline = raw
        value: object = None
        if kind == "inlineStr":
            value = unescape("".join(_T.findall(inline)))
        elif not v:
            value = None
        elif kind == "n":
            value = _number(v)
        elif kind == "s":
            value = self.strings[int(v)]
        elif kind == "b":
            value = v in ("1", "true")
        else:
            value = text_of(v)
        return value


def _sheet_bounds(data: bytes) -> tuple[int, int, bytes]:
    """(start, end, rest) of the sheet part ``data``: its sheet data is
    ``data[start:end]`` (start -1 when it holds no cells), ``rest`` the part without it."""
    start = data.find(b"<sheetData")
    end = data.rfind(_END)
    if start < 0:
        return -1, -1, data
    if end < 0:  # <sheetData/>
        close = data.index(b">", start) + 1
        return -1, -1, data[:start] + data[close:]
    return start, end, data[:start] + data[end + len(_END) :]


def _sheet_rest(rest: bytes, sheet: SheetInfo) -> list[tuple[str, str]]:
    """The sheet part without its cells, read with ElementTree: the data validations
    and hyperlinks into ``sheet``. Returns the (kind, relationship id) of the sheet's
    table parts and drawings."""
    root = ET.fromstring(rest)
    for el in root.iter(M + "dataValidation"):
        sqref = el.get("sqref", "")
        f1, f2 = el.find("m:formula1", NS), el.find("m:formula2", NS)
        sheet.validations.append(
            Validation(
                [split_range(r) for r in sqref.split()],
                el.get("type", "none"),
                el.get("operator", "between"),
                None if f1 is None else f1.text,
                None if f2 is None else f2.text,
                el.get("allowBlank") in ("1", "true"),
                sqref,
            )
        )
    sheet.hyperlinks = len(list(root.iter(M + "hyperlink")))
    return [("table", el.get(R_ID)) for el in root.iter(M + "tablePart")] + [
        ("drawing", el.get(R_ID)) for el in root.iter(M + "drawing")
    ]


# The fast path of :func:`_sheet_data`: the sheet data as a byte array, every tag found by
# numpy (the "<" positions and the bytes after them), each cell's reference, type,
# formula and value located by position, and no Python object made per cell (the
# texts stay in the bytes until asked for: :class:`Column`). It takes the forms
# LibreOffice and Excel write (a cell opens with its r attribute, its type attribute
# last; <f>, <f aca="false"> or any <f ...> for shared formulas; <v>text</v> or
# <v/>); anything else is read by the regular expression below.
# Why both stay: the regular expression is not only the fast way's reference in the
# tests. Real files reach it: Excel 365 writes vm="1" or cm="1" after the type (a
# linked data type's cell, a dynamic-array formula a user typed), and ECMA-376 lets
# a writer leave out r or put attributes on <v>; verify must read a user's saved
# file whatever wrote it. The fast way would need a parser for each of those forms.
_KIND_NAMES = np.array(["n", "s", "str", "b", "e", "inlineStr", "d"], dtype=object)
_ONE_LETTER = {ord("n"): 0, ord("s"): 1, ord("b"): 3, ord("e"): 4, ord("d"): 6}
_ACA = b' aca="false">'
_END = b"</sheetData>"
_FOLLOWER = b'<f t="shared" si="'


def _digits(found: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the number, the count of digits) that each row of bytes ``found`` starts with."""
    number = np.zeros(len(found), np.int64)
    digits = np.zeros(len(found), np.int64)
    going = np.ones(len(found), dtype=bool)
    for j in range(found.shape[1]):
        d = found[:, j]
        going &= (d >= 48) & (d <= 57)
        number = np.where(going, number * 10 + d - 48, number)
        digits += going
    return number, digits


def _texts(data: bytes, starts: np.ndarray, ends: np.ndarray) -> list[str]:
    return [data[s:e].decode() for s, e in zip(starts.tolist(), ends.tolist())]


class ByteBuffer:
    """A byte buffer that also reads eight bytes from any position in one step (a
    strided view as little-endian 64-bit words), to compare short texts at many
    positions at once."""

    def __init__(self, data: bytes):
        self.buf = np.frombuffer(data, np.uint8)
        words = np.lib.stride_tricks.as_strided(
            self.buf, (max(len(data) - 7, 0), 8), (1, 1), writeable=False
        )
        self.words = words.view("<u8")[:, 0]

    def find(self, byte: int, first: int, last: int, step: int = 1 << 22) -> np.ndarray:
        """The positions of ``byte`` from ``first`` to before ``last``, found a few
        megabytes at a time."""
        found, flags = [], np.empty(max(0, min(step, last - first)), dtype=bool)
        for start in range(first, last, step):
            part = self.buf[start : min(start + step, last)]
            np.equal(part, byte, out=flags[: len(part)])
            found.append(np.flatnonzero(flags[: len(part)]) + start)
        return np.concatenate(found) if found else np.zeros(0, np.int64)

    def bytes_at(self, at: np.ndarray) -> np.ndarray:
        """The eight bytes from each position ``at``, as rows of a (len(at), 8) array."""
        words = self.words[np.clip(at, 0, len(self.words) - 1)]
        return words.view(np.uint8).reshape(-1, 8)

    def equal_at(self, at: np.ndarray, text: bytes) -> np.ndarray:
        """True where the buffer holds ``text`` from position ``at``."""
        ok = np.ones(len(at), dtype=bool)
        for i in range(0, len(text), 8):
            part = text[i : i + 8]
            mask = (1 << (8 * len(part))) - 1
            word = self.words[np.clip(at + i, 0, len(self.words) - 1)]
            word = word if len(part) == 8 else word & mask
            ok &= word == int.from_bytes(part, "little")
        return ok


_BLOCK = 4 << 20  # bytes of sheet data located at a time (see _blocks)


@dataclass(slots=True)
class _Located:
    """The cells of one block of sheet data, in file order, located in the sheet's
    bytes: column, row, type code (into ``_KIND_NAMES``), the formula's and the value's
    (start, end) (-1 for no formula), the inline string's XML; for shared formulas, the
    followers as Excel writes them (position, shared index) and the other formula cells
    whose <f> tag has attributes (position, the tag's text)."""

    col: np.ndarray
    row: np.ndarray
    codes: np.ndarray
    formulas: tuple[np.ndarray, np.ndarray]
    values: tuple[np.ndarray, np.ndarray]
    inline: np.ndarray | None  # None: no inline string
    follow: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    si: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    other: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    opened: list = field(default_factory=list)
    shared: bool = False


def _blocks(data: bytes, start: int, end: int, size: int = _BLOCK) -> list[tuple[int, int]]:
    """``data[start:end]`` (sheet data) cut into pieces of about ``size`` bytes, each
    cut just before a <row> tag, so that every cell lies wholly in one piece. Located a
    piece at a time, the arrays of positions stay small (in the processor's cache, and
    in memory the process already has: a fresh page costs more than reading it), and
    the pieces of one large sheet can be located by two threads."""
    out, at = [], start
    while end - at > size:
        cut = data.find(b"<row", at + size, end)
        while cut >= 0 and data[cut + 4 : cut + 5] not in (b" ", b">", b"/"):
            cut = data.find(b"<row", cut + 4, end)  # a tag whose name only starts so
        if cut < 0:
            break
        out.append((at, cut))
        at = cut
    out.append((at, end))
    return out


def _cells_fast(data: bytes, sheet: SheetInfo, start: int, end: int, block: int = _BLOCK) -> bool:
    """Read the cells of ``data[start:end]`` (the sheet data: ``end`` is where its
    closing tag starts) into ``sheet``, ``block`` bytes at a time; False, with nothing
    read, when a cell is not in a form this reads."""
    located = []
    for first, last in _blocks(data, start, end, block):
        found = _locate(data, first, last)
        if found is None:
            return False
        located.append(found)
    _assemble(data, sheet, located)
    return True


def _assemble(data: bytes, sheet: SheetInfo, located: list[_Located]) -> None:
    """Put the located blocks of one sheet's cells (in file order) into ``sheet``: shared
    formulas spelt out across blocks (a master and its followers may lie in two)."""
    count = sum(len(part.col) for part in located)
    if not count:
        return
    offsets = np.cumsum([0] + [len(part.col) for part in located])[:-1].tolist()

    def joined(get) -> np.ndarray:
        return np.concatenate([get(part) for part in located])

    col, row = joined(lambda b: b.col), joined(lambda b: b.row)
    kinds = _KIND_NAMES[joined(lambda b: b.codes)]
    formulas: tuple | np.ndarray = (
        joined(lambda b: b.formulas[0]),
        joined(lambda b: b.formulas[1]),
    )
    values = (joined(lambda b: b.values[0]), joined(lambda b: b.values[1]))
    inline = (
        None
        if all(part.inline is None for part in located)
        else np.concatenate(
            [
                np.full(len(b.col), "", dtype=object) if b.inline is None else b.inline
                for b in located
            ]
        )
    )
    if any(part.shared for part in located):
        # spelt out (Excel's files): the followers of one master in one column as one
        # byte matrix per count of digits, in a buffer after the sheet's bytes; the
        # formulas stay positions in the bytes, as in LibreOffice's files
        starts, ends = formulas
        fopen = np.full(count, "", dtype=object)
        other = np.concatenate([b.other + at for b, at in zip(located, offsets)])
        fopen[other] = [text for part in located for text in part.opened]
        follow = np.concatenate([b.follow + at for b, at in zip(located, offsets)])

        def stored(i: int) -> str:
            return data[starts[i] : ends[i]].decode()

        groups = _shared_groups(col, row, fopen, stored, follow, joined(lambda b: b.si))
        blobs, size = [data], len(data)
        for where, fmt, shifts in groups:
            blob, first, last = _spelt(fmt, shifts, row[where])
            starts[where], ends[where] = first + size, last + size
            blobs.append(blob)
            size += len(blob)
        if groups:
            data = b"".join([*blobs, bytes(8)])  # 8 bytes: a word read from any text
    _columns(sheet, col, row, kinds, formulas, values, inline, data)


def _locate(data: bytes, start: int, end: int) -> _Located | None:
    """The cells of ``data[start:end]`` (sheet data cut before a row), located; None
    when a cell is not in a form this reads."""
    b = ByteBuffer(data)
    buf = b.buf
    lt = b.find(60, start, end)  # <
    first, second = buf[lt + 1], buf[lt + 2]
    is_c = first == 99
    opens = is_c & ((second == 32) | (second == 62) | (second == 47))
    at_cell = np.flatnonzero(opens)
    p = lt[at_cell]
    if len(p) != np.count_nonzero(is_c):  # another tag starting with c
        return None
    if not len(p):
        none = np.zeros(0, np.int64)
        return _Located(none, none, none, (none, none), (none, none), None)
    if not b.equal_at(p + 2, b' r="').all():
        return None  # r is not the first attribute
    # the reference: one to three letters, digits, a quote (the 16 bytes after r=")
    ref = np.hstack([b.bytes_at(p + 6), b.bytes_at(p + 14)])
    up = (ref[:, :4] >= 65) & (ref[:, :4] <= 90)
    if not up[:, 0].all() or up.all(axis=1).any():
        return None
    two, three = up[:, 1], up[:, 1] & up[:, 2]
    col = ref[:, 0].astype(np.int64) - 64
    col[two] = col[two] * 26 + ref[two, 1] - 64
    col[three] = col[three] * 26 + ref[three, 2] - 64
    letters = 1 + two + three
    number = np.where(
        (letters == 1)[:, None], ref[:, 1:9], np.where(three[:, None], ref[:, 3:11], ref[:, 2:10])
    )
    row, digits = _digits(number)
    ends = np.take_along_axis(number, np.minimum(digits, 7)[:, None], axis=1)[:, 0]
    if not ((digits > 0) & (digits < 8) & (ends == 34)).all():
        return None
    ref_end = p + 6 + letters + digits  # the reference's closing quote
    # the tag ends just before the next one; its last attribute ends with a quote
    tag_end = lt[at_cell + 1] - 1
    closed = buf[tag_end - 1] == 47
    quote = tag_end - 1 - closed
    if not ((buf[tag_end] == 62) & (buf[quote] == 34)).all():
        return None
    # the type, when it is the last attribute: t="n", t="str" or t="inlineStr"
    codes = np.zeros(len(p), np.int8)
    last = b.bytes_at(quote - 7)  # the eight bytes up to the quote
    one = np.flatnonzero(
        (last[:, 2] == 32) & (last[:, 3] == 116) & (last[:, 4] == 61) & (last[:, 5] == 34)
    )
    letter = last[one, 6]
    codes[one] = -1
    for byte, code in _ONE_LETTER.items():
        codes[one[letter == byte]] = code
    codes[(last == np.frombuffer(b' t="str"', np.uint8)).all(axis=1)] = 2
    maybe = np.flatnonzero(last[:, 0] == ord("l"))  # ...lineStr"
    codes[maybe[b.equal_at(quote[maybe] - 13, b' t="inlineStr')]] = 5
    if (codes < 0).any():
        return None  # a type not in the standard
    typed = np.count_nonzero(codes) + np.count_nonzero(codes[one] == 0)
    # a cell without a type found holds r alone or r and s="digits": no type elsewhere
    has_type = codes != 0
    has_type[one] = True
    untyped = np.flatnonzero(~has_type)
    rest = quote[untyped] - ref_end[untyped]
    plain_tags = (rest == 0) | (
        (rest >= 5) & (rest <= 9) & b.equal_at(ref_end[untyped] + 1, b' s="')
    )
    # a cell's children follow its tag in order: <f>, <v>, <is> (each at most once)
    after = at_cell + 1  # the position in lt of the tag after each cell's tag

    def children(tags: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """(cells, their tag among ``tags``) where the tag follows the cell's
        tag or last child; None if one of ``tags`` is elsewhere."""
        cells = np.flatnonzero(~closed & tags[after])
        return (cells, after[cells]) if len(cells) == np.count_nonzero(tags) else None

    formulas = (np.full(len(p), -1), np.full(len(p), -1))
    shared: tuple = ()
    t_in_formulas = 0
    found = children((first == 102) & ((second == 32) | (second == 62) | (second == 47)))
    if found is None:
        return None
    f_cell, f_tag = found
    if len(f_tag):
        f_at = lt[f_tag]
        f_end = np.where(second[f_tag] == 62, f_at + 2, -1)
        aca = f_end < 0
        aca[aca] = b.equal_at(f_at[aca] + 2, _ACA)
        f_end[aca] = f_at[aca] + 1 + len(_ACA)
        # a shared formula's follower as Excel writes it: <f t="shared" si="7"/>
        follow = np.flatnonzero(f_end < 0)
        follow = follow[b.equal_at(f_at[follow], _FOLLOWER)]
        tail = b.bytes_at(f_at[follow] + len(_FOLLOWER))
        si, si_digits = _digits(tail)
        closing = np.minimum(si_digits, 5)[:, None] + np.arange(3)  # "/>
        fits = (si_digits > 0) & (si_digits <= 5) & ~((si_digits > 1) & (tail[:, 0] == 48))
        fits &= (np.take_along_axis(tail, closing, axis=1) == np.frombuffer(b'"/>', np.uint8)).all(
            1
        )
        follow, si = follow[fits], si[fits]
        f_end[follow] = f_at[follow] + len(_FOLLOWER) + si_digits[fits] + 2
        other = np.flatnonzero(f_end < 0)  # masters and other attributes
        f_end[other] = [data.index(b">", q) for q in f_at[other].tolist()]
        if not (lt[f_tag + 1] > f_end).all():
            return None  # a < inside the tag
        empty = buf[f_end - 1] == 47
        text_end = np.where(empty, f_end + 1, lt[f_tag + 1])
        closing = f_tag[~empty] + 1
        if not ((first[closing] == 47) & (second[closing] == 102)).all():
            return None  # not </f>
        formulas[0][f_cell] = f_end + 1
        formulas[1][f_cell] = text_end
        after[f_cell] = f_tag + 2 - empty
        opened = _texts(data, f_at[other], f_end[other] - empty[other])
        t_in_formulas = len(follow) + sum(text.count(' t="') for text in opened)
        shared = (f_cell[follow], si, f_cell[other], opened)
    if not plain_tags.all() and typed + t_in_formulas != data.count(b' t="', start, end):
        return None  # a type attribute that is not the cell's last
    values = (np.zeros(len(p), np.int64), np.zeros(len(p), np.int64))
    found = children((first == 118) & ((second == 62) | (second == 32) | (second == 47)))
    if found is None:
        return None
    v_cell, v_tag = found
    if len(v_tag):
        v_at = lt[v_tag]
        plain = second[v_tag] == 62
        if not b.equal_at(v_at[~plain] + 2, b"/>").all():
            return None  # attributes on <v>
        closing = v_tag[plain] + 1
        if not ((first[closing] == 47) & (second[closing] == 118)).all():
            return None  # not </v>
        values[0][v_cell] = v_at + 3
        values[1][v_cell] = np.where(plain, lt[v_tag + 1], v_at + 3)
        after[v_cell] = v_tag + 1 + plain
    inline = None
    tags = (first == 105) & (second == 115)  # <is>
    maybe = np.flatnonzero(tags)
    tags[maybe] = buf[lt[maybe] + 3] == 62
    found = children(tags)
    if found is None:
        return None
    i_cell, i_tag = found
    if len(i_cell):
        close = np.flatnonzero((first == 47) & (second == 105))  # </is>
        close = lt[close[buf[lt[close] + 3] == 115]]
        i_at = lt[i_tag]
        inline = np.full(len(p), "", dtype=object)
        inline[i_cell] = _texts(data, i_at + 4, close[np.searchsorted(close, i_at)])
    located = _Located(col, row, codes, formulas, values, inline)
    if shared:
        located.follow, located.si, located.other, located.opened = shared
        located.shared = len(located.follow) > 0 or any("shared" in t for t in shared[3])
    return located


_TAG = re.compile(r"<(row|c)(?=[\s>/])([^>]*)>")
_R = re.compile(r'\sr="([^"]*)"')


def _positioned(xml: str) -> str:
    """The sheet data with every row and cell carrying its ``r`` attribute, written
    first. ECMA-376 Part 1, 18.3.1.73 (row) and 18.3.1.4 (c) make ``r`` optional: a
    row without it follows the row before, a cell without it the cell before (writers
    other than Excel leave it out). Run only on a sheet that needs it."""
    row, col = 0, 0

    def tag(m: re.Match) -> str:
        nonlocal row, col
        name, attrs = m.group(1), m.group(2)
        given = _R.search(" " + attrs)
        rest = _R.sub("", " " + attrs).strip()
        rest = (" " + rest) if rest else ""
        if name == "row":
            row = int(given.group(1)) if given else row + 1
            col = 0
            return f'<row r="{row}"{rest}>'
        if given:
            row, col = split_cell(given.group(1))
        else:
            col += 1
        return f'<c r="{cell_name(row, col)}"{rest}>'

    return _TAG.sub(tag, xml)


def _cells(xml: str, sheet: SheetInfo) -> None:
    """Read the sheet's cells (the text inside its sheetData) into ``sheet``."""
    data = xml.encode() + _END
    _sheet_data(data, 0, len(data) - len(_END), sheet)


def _sheet_data(data: bytes, start: int, end: int, sheet: SheetInfo) -> None:
    """Read the cells of ``data[start:end]`` (the sheet data; its closing tag at
    ``end``) into ``sheet``: the fast way, else by the regular expression."""
    if not _cells_fast(data, sheet, start, end):
        _cells_matched(data[start:end].decode("utf-8"), sheet)


def _cells_matched(xml: str, sheet: SheetInfo) -> None:
    """One regular-expression pass over the sheet's cells, then numpy sorts them into
    columns: no Python object per cell beyond the match itself."""
    found = _CELL_XML.findall(xml)
    count = len(_CELL_OPEN.findall(xml))
    if len(found) != count:  # a cell without r, or r not first: rare writers
        found = _CELL_XML.findall(_positioned(xml))
    if len(found) != count:  # never a cell lost without a word
        raise ValueError(
            f"sheet {sheet.name}: {count - len(found)} of its {count} cells are in a form "
            "this reader does not take"
        )
    if not found:
        return
    table = np.array(found, dtype=object)
    del found
    letters, rows, kinds, attrs, fopen, ftext, values, inline = table.T
    odd = np.flatnonzero(attrs != "")
    for i in odd.tolist():  # attributes in another order than Excel writes them
        if not kinds[i] and 't="' in attrs[i]:
            at = attrs[i].index('t="') + 3
            kinds[i] = attrs[i][at : attrs[i].index('"', at)]
    kinds = np.where(kinds == "", "n", kinds)
    has_formula = fopen != ""
    formulas = np.where(has_formula, ftext, None)
    codes, names = pd.factorize(letters)
    cols = np.array([_column(name) for name in names], dtype=np.int64)[codes]
    numbers = rows.astype(np.int64)
    if "shared" in xml:
        _shared_formulas(cols, numbers, fopen, ftext, formulas)
    _columns(sheet, cols, numbers, kinds, formulas, values, inline)


def _columns(sheet: SheetInfo, cols, rows, kinds, formulas, values, inline, data=b"") -> None:
    """Sort the cells (given in file order) into the sheet's columns (in the order they
    first appear), each in row order."""
    order = np.argsort(cols.astype(np.int16), kind="stable")  # a radix sort
    cols = cols[order]
    starts = np.flatnonzero(np.r_[True, cols[1:] != cols[:-1]])
    bounds = np.r_[starts, len(cols)].tolist()
    columns = sheet.cells.columns
    # every array put in column order once: each column's cells are then a slice
    rows, kinds = rows[order], kinds[order]
    formulas, values = (
        tuple(a[order] for a in texts) if isinstance(texts, tuple) else texts[order]
        for texts in (formulas, values)
    )
    inline = None if inline is None or not inline.any() else inline[order]
    for i in np.argsort(order[starts], kind="stable").tolist():
        part = slice(bounds[i], bounds[i + 1])
        columns[int(cols[bounds[i]])] = Column(
            rows[part],
            kinds[part],
            tuple(a[part] for a in formulas) if isinstance(formulas, tuple) else formulas[part],
            tuple(a[part] for a in values) if isinstance(values, tuple) else values[part],
            np.full(bounds[i + 1] - bounds[i], "", dtype=object)
            if inline is None
            else inline[part],
            data,
        )


def _shared_formulas(cols, rows, fopen, ftext, formulas) -> None:
    """Spell out the shared formulas (see :func:`_shared_groups`) of cells read by the
    regular expression: ``formulas`` (an object array) gets each follower's text."""
    for where, fmt, offsets in _shared_groups(cols, rows, fopen, ftext.__getitem__):
        at = rows[where]
        shifted = ((at + o).tolist() for o in offsets)
        formulas[where] = list(map(fmt.__mod__, zip(*shifted))) if offsets else fmt


def _shared_groups(cols, rows, fopen, text_at, follow=(), follow_si=()) -> list:
    """The followers of each shared formula, to spell out (ECMA-376 Part 1, 18.3.1.40,
    the f element: Excel stores a filled-down column as
    ``<f t="shared" ref="D5:D900" si="0">D4+1</f>`` in
    the first cell and ``<f t="shared" si="0"/>`` in the others, each meaning the first
    cell's formula moved by the distance between the two cells: relative references
    shift, ``$`` references stay). Returns (positions, %-format, row offsets) for the
    followers of one master in one column: ``fmt % tuple(row + o for o in offsets)``
    is each one's text, as stored (XML-escaped), so they are spelt out by formatting,
    not by parsing a formula a cell; followers whose master is missing are left out
    (formula-less cells). ``fopen``: the text of each cell's <f> tag ("" for none or a
    plain <f>); ``text_at(i)``: the formula text stored at ``i``; ``follow`` and
    ``follow_si``: followers already found (positions, shared index)."""
    shared: dict[str, str] = {}  # si -> R1C1 text of the master
    followers: dict[tuple[str, int], list] = {}  # (si, column) -> position arrays
    if len(follow):
        follow = np.asarray(follow, np.int64)
        key = np.asarray(follow_si, np.int64) * (1 << 15) + cols[follow]
        order = np.argsort(key, kind="stable")
        key = key[order]
        bounds = np.flatnonzero(np.r_[True, key[1:] != key[:-1], True]).tolist()
        for first, last in zip(bounds[:-1], bounds[1:]):
            value = int(key[first])
            followers[str(value >> 15), value & ((1 << 15) - 1)] = [follow[order[first:last]]]
    for i in np.flatnonzero(fopen != "").tolist():
        if "shared" not in fopen[i]:
            continue
        attrs = dict(_ATTR.findall(fopen[i]))
        if attrs.get("t") != "shared":
            continue
        row, col = int(rows[i]), int(cols[i])
        si = attrs.get("si", "")
        text = text_at(i)
        if text:  # the master: the one cell that holds the text (and the ref)
            shared[si] = to_r1c1(text_of(text), row, col)
        else:
            followers.setdefault((si, col), []).append(np.array([i]))
    return [
        (np.concatenate(where), *a1_format(xml_escape(shared[si]), col))
        for (si, col), where in followers.items()
        if si in shared
    ]


def format_pieces(fmt: str) -> list[str]:
    """The literal pieces of a %-format string of ``%d`` s (``%%`` a literal %): the
    numbers go between them."""
    pieces = [""]
    for token in re.split(r"(%%|%d)", fmt):
        if token == "%d":
            pieces.append("")
        else:
            pieces[-1] += "%" if token == "%%" else token
    return pieces


_POWERS = 10 ** np.arange(1, 8)


def _spelt(fmt: str, offsets: tuple, rows: np.ndarray) -> tuple[bytes, np.ndarray, np.ndarray]:
    """``fmt % tuple(row + o for o in offsets)`` for each of ``rows``, UTF-8, in one
    buffer: (the buffer, each text's start and end in it). The rows whose numbers have
    the same counts of digits give texts of one layout, built as one byte matrix."""
    numbers = np.stack([rows + o for o in offsets]) if offsets else np.zeros((0, len(rows)))
    numbers = numbers.astype(np.int64)
    if len(numbers) and len(rows) and (numbers.min() < 0 or numbers.max() >= 10**8):
        texts = [(fmt % tuple(n)).encode() for n in numbers.T.tolist()]  # rare: by Python
        ends = np.cumsum([len(t) for t in texts], dtype=np.int64)
        return b"".join(texts), ends - [len(t) for t in texts], ends
    pieces = [piece.encode() for piece in format_pieces(fmt)]
    digits = 1 + np.searchsorted(_POWERS, numbers, side="right")
    shape = (digits * 8 ** np.arange(len(digits))[:, None]).sum(axis=0)
    starts, ends = np.zeros(len(rows), np.int64), np.zeros(len(rows), np.int64)
    blobs, at_blob = [], 0
    for key in np.unique(shape).tolist():
        group = np.flatnonzero(shape == key)
        counts = digits[:, group[0]].tolist() if len(digits) else []
        size = sum(map(len, pieces)) + sum(counts)
        text = np.zeros((len(group), size), np.uint8)
        at = 0
        for i, piece in enumerate(pieces):
            text[:, at : at + len(piece)] = np.frombuffer(piece, np.uint8)
            at += len(piece)
            if i < len(counts):  # the number's digits, the first first
                places = 10 ** np.arange(counts[i] - 1, -1, -1)
                text[:, at : at + counts[i]] = numbers[i, group, None] // places % 10 + 48
                at += counts[i]
        starts[group] = at_blob + size * np.arange(len(group))
        ends[group] = starts[group] + size
        blobs.append(text.tobytes())
        at_blob += text.size
    return b"".join(blobs), starts, ends


@contextmanager
def no_gc():
    """The cyclic garbage collector paused: reading a large sheet makes millions of
    small objects (none of them in a cycle), and the collector's passes over them cost
    more than the reading itself."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read(path: str | Path, *, cells: bool = True) -> WorkbookInfo:
    """Read ``path``; raises :class:`NotAWorkbook` with a one-line reason if it cannot."""
    with no_gc():
        return _open(Path(path), cells)


def _open(path: Path, cells: bool) -> WorkbookInfo:
    try:
        z = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise NotAWorkbook(f"{path}: no such file") from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise NotAWorkbook(f"{path}: not an .xlsx workbook ({exc})") from None
    with z:
        try:
            return _read(z, path, cells)
        except (KeyError, ET.ParseError, ValueError) as exc:
            raise NotAWorkbook(f"{path}: not a readable .xlsx workbook ({exc})") from None


def _read(z: zipfile.ZipFile, path: Path, with_cells: bool) -> WorkbookInfo:
    book = ET.fromstring(z.read("xl/workbook.xml"))
    rels = _rels(z, "xl/workbook.xml")
    listed = book.findall("m:sheets/m:sheet", NS)
    strings = _shared_strings(z)
    # Two threads inflate the sheets (largest first) and locate their cells a block at
    # a time (see _blocks), so that even one large sheet keeps two cores busy: zlib and
    # numpy work outside Python's lock. This thread puts each sheet's blocks together
    # and reads the rest of the sheet.
    workers = ThreadPoolExecutor(2)
    try:
        inflating = {}
        for s in sorted(listed, key=lambda s: -_size(z, rels.get(s.get(R_ID)))):
            sheet = SheetInfo(s.get("name"), "", s.get("state", "visible"), Cells(strings))
            if s.get(R_ID) in rels:
                sheet.path = rels[s.get(R_ID)]
                inflating[sheet.name] = sheet, workers.submit(_inflate, z, sheet.path)
        locating = {}
        for sheet, inflated in inflating.values():
            data = inflated.result()
            start, end, rest = _sheet_bounds(data)
            blocks = _blocks(data, start, end) if with_cells and start >= 0 else []
            found = [workers.submit(_locate, data, *block) for block in blocks]
            locating[sheet.name] = sheet, data, start, end, rest, found
        read_parts = {}
        for sheet, data, start, end, rest, found in locating.values():
            located = [f.result() for f in found]
            if any(block is None for block in located):
                _cells_matched(data[start:end].decode("utf-8"), sheet)
            elif located:
                _assemble(data, sheet, located)
            read_parts[sheet.name] = sheet, _sheet_rest(rest, sheet)
        return _read_sheets(z, path, book, rels, listed, read_parts)
    finally:
        workers.shutdown(cancel_futures=True)


def _inflate(z: zipfile.ZipFile, name: str) -> bytes:
    """The part ``name`` of ``z``, inflated in one call into one buffer of its known
    size, its CRC checked (zipfile's read inflates into growing blocks and joins them:
    twice the memory, and on this kind of machine a fresh page costs more than the
    inflating). The compressed bytes follow the part's local header (APPNOTE.TXT
    4.3.7: 30 bytes, then the name and the extra field). A part this does not take
    (not deflated, encrypted, a zip without a file name, anything unexpected) is read
    by zipfile, which also names any fault."""
    info = z.getinfo(name)
    if info.compress_type != zipfile.ZIP_DEFLATED or info.flag_bits & 1 or not z.filename:
        return z.read(name)
    with open(z.filename, "rb") as f:
        f.seek(info.header_offset)
        head = f.read(30)
        if len(head) < 30 or head[:4] != b"PK\x03\x04":
            return z.read(name)
        f.seek(int.from_bytes(head[26:28], "little") + int.from_bytes(head[28:30], "little"), 1)
        raw = f.read(info.compress_size)
    try:
        data = zlib.decompress(raw, -15, max(info.file_size, 1))
    except zlib.error:
        return z.read(name)
    if len(data) != info.file_size or zlib.crc32(data) != info.CRC:
        return z.read(name)
    return data


def _size(z: zipfile.ZipFile, part: str | None) -> int:
    try:
        return z.getinfo(part).file_size
    except KeyError:
        return 0


def _read_sheets(z, path, book, rels, listed, read_parts) -> WorkbookInfo:
    sheets: dict[str, SheetInfo] = {}
    for s in listed:
        part = rels[s.get(R_ID)]
        sheet, parts = read_parts[s.get("name")]
        sheet_rels = _rels(z, part)
        sheet.tables = [
            _table(z, sheet_rels[rid])
            for kind, rid in parts
            if kind == "table" and rid in sheet_rels
        ]
        for kind, rid in parts:
            if kind != "drawing":
                continue
            if rid not in sheet_rels:
                continue
            for chart in _rels(z, sheet_rels[rid]).values():
                if chart in z.namelist() and "/charts/" in chart:
                    root = ET.fromstring(z.read(chart))
                    sheet.chart_refs += [
                        (chart, f.text or "")
                        for ser in root.iter(C + "ser")
                        for f in ser.iter(C + "f")
                    ]
        sheets[sheet.name] = sheet
    names = [
        (
            d.get("name"),
            d.text or "",
            None if d.get("localSheetId") is None else int(d.get("localSheetId")),
        )
        for d in book.findall("m:definedNames/m:definedName", NS)
    ]
    properties = {}
    if "docProps/custom.xml" in z.namelist():
        for p in ET.fromstring(z.read("docProps/custom.xml")).findall("cp:property", NS):
            value = next(iter(p), None)
            properties[p.get("name")] = "" if value is None else (value.text or "")
    return WorkbookInfo(path, sheets, names, properties)


def _table(z: zipfile.ZipFile, part: str) -> TableInfo:
    root = ET.fromstring(z.read(part))
    return TableInfo(
        root.get("displayName") or root.get("name"),
        root.get("ref"),
        [c.get("name") for c in root.findall("m:tableColumns/m:tableColumn", NS)],
        int(root.get("headerRowCount", "1")),
        int(root.get("totalsRowCount", "0")),
    )
