"""Read a saved .xlsx as Excel stores it: cells (formula and cached value), tables, data
validations, defined names, charts and custom document properties.

openpyxl reads the cells into objects and drops what it does not model (cached values
of formulas unless asked, shared formulas as written, chart references); the checks of
:mod:`workbook_templates.excel_rules` and :mod:`workbook_templates.verify` need the file
as it is, and fast (a 50,000-row table is 1.5 million cells), so this module reads the
zip's XML with the standard library only.
"""

from __future__ import annotations

import gc
import posixpath
import re
import zipfile
from collections.abc import Mapping
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
    r"(?:<v>([^<]*)</v>|<v\s*/>)?(?:<is>(.*?)</is>)?</c>)",
    re.DOTALL,
)
_T = re.compile(r"<t(?:\s[^>]*)?>(.*?)</t>", re.DOTALL)
_ATTR = re.compile(r'(\w+)="([^"]*)"')
_COLUMNS: dict[str, int] = {}


def _column(letters: str) -> int:
    col = _COLUMNS.get(letters)
    if col is None:
        col = _COLUMNS[letters] = column_index_from_string(letters)
    return col


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


@dataclass(slots=True)
class Column:
    """The stored cells of one sheet column, in row order, as parallel arrays: ``rows``
    (int), ``kinds`` (the OOXML type, "n" when not written), ``formulas`` (the formula
    text as stored, XML-escaped, or None for a constant), ``values`` (the value text as
    stored, "" when none) and ``inline`` (an inline string's XML, "" when none).
    A 50,000-row column is five arrays, not 50,000 objects."""

    rows: np.ndarray
    kinds: np.ndarray
    formulas: np.ndarray
    values: np.ndarray
    inline: np.ndarray
    _index: dict[int, int] | None = None

    def __len__(self) -> int:
        return len(self.rows)

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

    def texts(self, strings: np.ndarray) -> np.ndarray:
        """The stored values as text where the cell holds text (a shared or formula
        string), else as stored."""
        out = self.values.copy()
        shared = (self.kinds == "s") & (self.values != "")
        if shared.any():
            out[shared] = strings[self.values[shared].astype(np.int64)]
        formula_text = self.kinds == "str"
        if formula_text.any():
            out[formula_text] = list(map(text_of, out[formula_text]))
        return out

    def raw(self, i: int) -> tuple[str, str | None, str, str] | None:
        """The stored cell at position ``i``; None for an empty one (a style alone)."""
        formula, value, inline = self.formulas[i], self.values[i], self.inline[i]
        if formula is None and not value and not inline:
            return None
        return self.kinds[i], formula, value, inline


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
        kinds, values = column.kinds[part], column.values[part]
        filled = values != ""
        numeric = (kinds == "n") & filled
        if len(kinds) == len(rows) and numeric.all():
            return values.astype(float)
        out = np.full(len(kinds), None, dtype=object)
        out[numeric] = values[numeric].astype(float).tolist()
        shared = (kinds == "s") & filled
        if shared.any():
            out[shared] = self.string_array()[values[shared].astype(np.int64)]
        rest = np.flatnonzero(~numeric & ~shared & ((kinds != "n") | filled)).tolist()
        decode, inline, formulas = self.stored_value, column.inline[part], column.formulas[part]
        for i in rest:
            out[i] = decode((kinds[i], formulas[i], values[i], inline[i]))
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


def _read_cells(
    z: zipfile.ZipFile, part: str, strings: list[str], sheet: SheetInfo, with_cells: bool
) -> list[tuple[str, str]]:
    """Cells by regular expression (the XML is machine-written and regular; a parser
    is ten times slower on a large table); the rest of the sheet with ElementTree.
    Returns the (kind, relationship id) of the sheet's table parts and drawings."""
    text = z.read(part).decode("utf-8")
    start = text.find("<sheetData")
    end = text.find("</sheetData>")
    if start < 0:
        rest = text
    elif end < 0:  # <sheetData/>
        close = text.index(">", start) + 1
        rest = text[:start] + text[close:]
    else:
        rest = text[:start] + text[end + len("</sheetData>") :]
        if with_cells:
            _cells(text[start:end], sheet)
    del text
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
    """One regular-expression pass over the sheet's cells, then numpy sorts them into
    columns: no Python object per cell beyond the match itself."""
    found = _CELL_XML.findall(xml)
    if len(found) != xml.count("<c"):  # a cell without r, or r not first: rare writers
        found = _CELL_XML.findall(_positioned(xml))
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
    if "shared" in xml:
        _shared_formulas(letters, rows, fopen, ftext, formulas)
    codes, names = pd.factorize(letters)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(names) + 1))
    numbers = rows.astype(np.int64)
    columns = sheet.cells.columns
    for code, name in enumerate(names):
        part = order[bounds[code] : bounds[code + 1]]
        columns[_column(name)] = Column(
            numbers[part], kinds[part], formulas[part], values[part], inline[part]
        )


def _shared_formulas(letters, rows, fopen, ftext, formulas) -> None:
    """Spell out shared formulas (ECMA-376 Part 1, 18.3.1.40, the f element: Excel
    stores a filled-down column as ``<f t="shared" ref="D5:D900" si="0">D4+1</f>`` in
    the first cell and ``<f t="shared" si="0"/>`` in the others, each meaning the first
    cell's formula moved by the distance between the two cells: relative references
    shift, ``$`` references stay). The followers of one master in one column are
    spelt out by formatting one string, not by parsing a formula a cell."""
    shared: dict[str, str] = {}  # si -> R1C1 text of the master
    followers: dict[tuple[str, int], list[int]] = {}
    for i in np.flatnonzero(np.char.find(fopen.astype(str), "shared") >= 0).tolist():
        attrs = dict(_ATTR.findall(fopen[i]))
        if attrs.get("t") != "shared":
            continue
        row, col = int(rows[i]), _column(letters[i])
        si = attrs.get("si", "")
        if ftext[i]:  # the master: the one cell that holds the text (and the ref)
            shared[si] = to_r1c1(text_of(ftext[i]), row, col)
        else:
            followers.setdefault((si, col), []).append(i)
    for (si, col), where in followers.items():
        if si not in shared:
            continue  # a follower whose master is missing: left a formula-less cell
        fmt, offsets = a1_format(xml_escape(shared[si]), col)
        at = rows[where].astype(np.int64)
        shifted = ((at + o).tolist() for o in offsets)
        formulas[where] = list(map(fmt.__mod__, zip(*shifted))) if offsets else fmt


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
    strings = _shared_strings(z)
    sheets: dict[str, SheetInfo] = {}
    for s in book.findall("m:sheets/m:sheet", NS):
        part = rels[s.get(R_ID)]
        sheet = SheetInfo(s.get("name"), part, s.get("state", "visible"), Cells(strings))
        parts = _read_cells(z, part, strings, sheet, with_cells)
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
