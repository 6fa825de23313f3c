"""Shared pieces of every template: styles, cover, inputs, tables, checks, print, protection.

Conventions (FAST Standard, ICAEW Financial Modelling Code): inputs are yellow with blue
text and unlocked; formulas are black and locked; every sheet is protected without a
password so a formula is not overwritten by accident (Review > Unprotect Sheet to
change the structure). Formulas use only functions that Excel 2016+ and LibreOffice 7.4
both evaluate, and name every number they use (inputs and defined names), apart from
the structural 0 and 1.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from copy import copy
from dataclasses import dataclass, field
from xml.sax.saxutils import escape as xml_escape
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.styles.numbers import is_date_format
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.utils.datetime import to_excel
from openpyxl.utils.exceptions import IllegalCharacterError
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.dimensions import SheetDimension
from openpyxl.worksheet.table import Table, TableColumn, TableFormula, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

import xlsales
from workbook_templates.formula_text import escape_column
from workbook_templates.metadata import stamp
from xlsales.records import Provenance

INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
INPUT_FONT = Font(color="1F4E79")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
HEADER_FONT = Font(color="FFFFFF", bold=True)
TITLE_FONT = Font(size=14, bold=True, color="1F4E79")
NOTE_FONT = Font(italic=True, color="595959")
THIN = Side(style="thin", color="BFBFBF")
BOX = Border(top=THIN, bottom=THIN, left=THIN, right=THIN)
UNLOCKED = Protection(locked=False)

FORMATS = {
    "amount": "#,##0.00",
    "money": "#,##0",
    "share": "0.0%",
    "rate": "0.0%",
    "hours": "#,##0.0",
    "count": "#,##0",
    "date": "yyyy-mm-dd",
    "text": "@",
    "general": "General",
    "ratio": "0.00",
}

FIRST_ROW = 5  # tables: title in row 1, note in row 2, header in row 4, data from row 5
HEADER_ROW = FIRST_ROW - 1


def safe_text(cell, value: object) -> None:
    """Write user text as text, never as a formula (=, +, -, @ stay literal)."""
    cell.value = "" if value is None else str(value)
    cell.data_type = "s"


def exact_text(ref: str) -> str:
    """The text in ``ref`` with Excel's wildcards escaped (``~`` -> ``~~``, ``*`` -> ``~*``,
    ``?`` -> ``~?``), for a lookup that must match it as it is: ``MATCH(exact_text(A5),
    list, 0)``. Use :func:`criterion` in COUNTIFS/SUMIFS."""
    return f'SUBSTITUTE(SUBSTITUTE(SUBSTITUTE({ref},"~","~~"),"*","~*"),"?","~?")'


def amount_ok(key: str, most: float | None = None) -> str:
    """The rule of a table's numeric input ``[key]`` in its row's "inputs valid": blank,
    or a number of 0 or more (and at most ``most``). ``>=0`` alone lets a text pass (a
    text compares above every number in Excel, so "1200" or "12k" is >= 0) while SUM,
    SUMIFS, SUMPRODUCT and N() count it as nothing: ISNUMBER refuses it.

    >>> amount_ok("revenue")
    'OR(LEN([revenue]{r})=0,AND(ISNUMBER([revenue]{r}),[revenue]{r}>=0))'
    >>> amount_ok("gross_margin", 1)[-22:]
    '[gross_margin]{r}<=1))'
    """
    x = f"[{key}]{{r}}"
    top = "" if most is None else f",{x}<={most:g}"
    return f"OR(LEN({x})=0,AND(ISNUMBER({x}),{x}>=0{top}))"


def criterion(ref: str) -> str:
    """A COUNTIFS/SUMIFS criterion that counts the cells equal to the text in ``ref``.

    A criterion taken straight from a cell is read by Excel and LibreOffice: "<Team>",
    "=A" or ">=5" become comparisons and "A*", "?" wildcards. ``"="&`` the text with its
    wildcards escaped (:func:`exact_text`) leaves only an exact match, which ignores
    case as Excel's = does ("Ann" counts "ann"; the core refuses such near-duplicates,
    :func:`xlsales._validate.group_labels`, as it refuses labels over the 255 characters
    a criterion may hold).

    >>> criterion("$A5")
    '"="&SUBSTITUTE(SUBSTITUTE(SUBSTITUTE($A5,"~","~~"),"*","~*"),"?","~?")'
    """
    return f'"="&{exact_text(ref)}'


def new_workbook() -> Workbook:
    """An empty :class:`TemplateWorkbook`: its table rows are streamed when it is saved."""
    wb = TemplateWorkbook()
    wb.remove(wb.active)
    return wb


# Writing: the rows of a big table are not held as openpyxl cells. A sheet keeps them as
# columns (one list of values, or one formula pattern, per column, styled like the
# table's first data row) and they are written straight to the file when the workbook is
# saved, as XML text (:func:`_rows_xml`), cell by cell what openpyxl's cell writer
# writes (:func:`_end`; a value of another type leaves the sheet to openpyxl itself,
# :func:`_writes_itself`). Everything else (styles, validations, tables, charts, names, properties,
# protection, print settings) is an ordinary openpyxl workbook. Reading a streamed
# sheet's cells (``ws.cell``, ``iter_rows``, ``max_row``) first turns the rows into
# cells, so the workbook reads exactly as if they had been written one by one.


@dataclass
class _StreamColumn:
    column: int
    style: Cell  # the first data row's cell: every row below is styled like it
    values: list | None  # an input column: one value per row
    formula: str | None  # a calculated column: ``{r}`` this row, ``{p}`` the row above


@dataclass
class _Stream:
    first: int  # the first row written from the columns
    count: int
    columns: list[_StreamColumn]

    @property
    def last(self) -> int:
        return self.first + self.count - 1


class StreamedSheet(Worksheet):
    """A worksheet whose table rows below the first are kept as columns until saved."""

    _stream: _Stream | None = None

    @property
    def _cells(self) -> dict:  # what openpyxl reads: the streamed rows become cells first
        self.unstream()
        return self._written

    def unstream(self) -> None:
        """Turn the streamed rows into cells (any read of the cells does it first)."""
        if self._stream is not None:
            stream, self._stream = self._stream, None
            _as_cells(self._written, self, stream)

    @_cells.setter
    def _cells(self, cells: dict) -> None:
        self._written = cells


def written_cells(ws: Worksheet) -> dict:
    """The cells ``ws`` holds now, leaving out the table rows it streams when saved."""
    return ws._written if isinstance(ws, StreamedSheet) else ws._cells


def _stream_rows(ws: Worksheet, stream: _Stream) -> None:
    """Rows ``stream.first`` on: streamed at save time on a :class:`StreamedSheet`,
    written as cells at once on any other worksheet."""
    if stream.count <= 0:
        return
    if isinstance(ws, StreamedSheet):
        ws.unstream()  # a sheet streams one block of rows: an earlier one becomes cells
        ws._stream = stream
    else:
        _as_cells(ws._cells, ws, stream)


def _as_cells(cells: dict, ws: Worksheet, stream: _Stream) -> None:
    for k in range(stream.count):
        r = stream.first + k
        for c in stream.columns:
            own = Cell(ws, row=r, column=c.column, style_array=copy(c.style._style))
            if c.formula is not None:
                own._value, own.data_type = c.formula.format(r=r, p=r - 1), "f"
            elif isinstance(c.values[k], str):  # text from user data stays text (safe_text)
                own._value, own.data_type = own.check_string(c.values[k]), "s"
            else:
                own.value = c.values[k]
            cells[r, c.column] = own


# What openpyxl writes for a value in a cell: <c r="A6" s="3"{end}. Values of other
# types (and dates in a column without a date format, whose cells openpyxl gives a
# date format of their own) are written by openpyxl itself: the sheet is unstreamed.
_DATES = (dt.date, dt.datetime)
_FAST = frozenset({str, type(None), bool, int, float})


def _end(value: object, styled: bool, epoch) -> str | None:
    """The rest of a cell after its reference and style, as openpyxl's cell writer
    (``openpyxl.cell._writer``) writes it: ``None`` when it writes no cell at all."""
    kind = type(value)
    if kind is str:
        text = value[:32767]  # as Cell.check_string
        if ILLEGAL_CHARACTERS_RE.search(text):
            raise IllegalCharacterError(f"{text} cannot be used in worksheets.")
        if not text:
            return ' t="inlineStr" />'
        stripped = text.strip()
        space = ' xml:space="preserve"' if stripped and stripped != text else ""
        return f' t="inlineStr"><is><t{space}>{xml_escape(text)}</t></is></c>'
    if value is None:
        return ' t="n" />' if styled else None
    if kind is bool:
        return f' t="b"><v>{int(value)}</v></c>'
    if kind in _DATES:
        value = to_excel(value, epoch)
    if math.isnan(value) or math.isinf(value):
        return ' t="n"><v /></c>'
    return f' t="n"><v>{value:.16g}</v></c>'


def _writes_itself(ws: Worksheet, stream: _Stream) -> bool:
    """Whether the fast writer writes ``stream`` as openpyxl would: its values of the
    types :func:`_end` knows, and no cell or row setting of the sheet's own among its rows."""
    if ws.parent.iso_dates or any(
        stream.first <= r <= stream.last
        for r in [r for r, _c in ws._written] + list(ws.row_dimensions)
    ):
        return False
    for c in stream.columns:
        if c.formula is None:
            allowed = _FAST | (set(_DATES) if is_date_format(c.style.number_format) else set())
            if not all(type(v) in allowed for v in c.values):
                return False
    return True


def _ends(values: list, styled: bool, epoch):
    """A function (start, stop) -> :func:`_end` of ``values[start:stop]``, the ends of
    texts, dates and whole numbers worked out once each."""
    known: dict = {}
    blank = _end(None, styled, epoch)

    def end(value):
        kind = type(value)
        if kind is float:
            if math.isfinite(value):
                return f' t="n"><v>{value:.16g}</v></c>'
            return ' t="n"><v /></c>'
        if value is None:
            return blank
        if kind is bool:
            return _end(value, styled, epoch)
        got = known.get(value)
        if got is None:
            got = known[value] = _end(value, styled, epoch)
        return got

    return lambda start, stop: list(map(end, values[start:stop]))


def _rows_xml(ws: Worksheet, stream: _Stream, block: int = 4096):
    """The streamed rows' XML, ``block`` rows at a time: one format string per row,
    ``{0}`` the row's number, ``{1}`` the row above's, then a value column's cell ends
    (an unstyled one's whole cells: openpyxl writes none for its blanks)."""
    parts, makers = ['<row r="{0}">'], []
    for c in stream.columns:
        styled = c.style.has_style
        letter = get_column_letter(c.column)
        style = f' s="{ws.parent._cell_styles.add(c.style._style)}"' if styled else ""
        if c.formula is not None:
            text = xml_escape(c.formula[1:].format(r="\0r", p="\0p"))
            text = text.replace("{", "{{").replace("}", "}}")
            text = text.replace("\0r", "{0}").replace("\0p", "{1}")
            parts.append(f'<c r="{letter}{{0}}"{style}><f>{text}</f><v /></c>')
            continue
        ends = _ends(c.values, styled, ws.parent.epoch)
        if styled:
            parts.append(f'<c r="{letter}{{0}}"{style}{{{len(makers) + 2}}}')
            makers.append(lambda numbers, start, stop, ends=ends: ends(start, stop))
        else:
            parts.append(f"{{{len(makers) + 2}}}")
            makers.append(
                lambda numbers, start, stop, ends=ends, head=f'<c r="{letter}': [
                    f'{head}{r}"{e}' if e else "" for r, e in zip(numbers, ends(start, stop))
                ]
            )
    row = "".join([*parts, "</row>"]).format
    for start in range(0, stream.count, block):
        stop = min(start + block, stream.count)
        numbers = range(stream.first + start, stream.first + stop)
        columns = [make(numbers, start, stop) for make in makers]
        yield "".join(row(r, r - 1, *cells) for r, *cells in zip(numbers, *columns)).encode()


class _StreamWriter(WorksheetWriter):
    """openpyxl's worksheet writer for the sheet's own rows, with an empty row where the
    streamed rows go (:meth:`_ExcelWriter.write_worksheet` puts them there)."""

    def write_dimensions(self):
        ws, stream = self.ws, self.ws._stream
        rows = {r for r, _c in ws._written} | {stream.first, stream.last}
        cols = {c for _r, c in ws._written} | {c.column for c in stream.columns}
        ref = f"{get_column_letter(min(cols))}{min(rows)}:{get_column_letter(max(cols))}{max(rows)}"
        self.xf.send(SheetDimension(ref).to_tree())

    def rows(self):
        own: dict[int, list] = {}
        for (r, _c), cell in sorted(self.ws._written.items()):
            own.setdefault(r, []).append(cell)
        for r in self.ws.row_dimensions.keys() - own.keys():
            own[r] = []
        own[self.ws._stream.first] = []
        return sorted(own.items())


class _ExcelWriter(ExcelWriter):
    def write_worksheet(self, ws):
        if isinstance(ws, StreamedSheet) and ws._stream is not None:
            if not _writes_itself(ws, ws._stream):
                ws.unstream()
        if not isinstance(ws, StreamedSheet) or ws._stream is None:
            return super().write_worksheet(ws)
        # as ExcelWriter.write_worksheet, with the streamed rows put in place of the
        # empty row the writer leaves for them
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        writer = _StreamWriter(ws)
        writer.write()
        ws._rels = writer._rels
        head, tail = writer.read().split(f'<row r="{ws._stream.first}"></row>'.encode(), 1)
        with self._archive.open(ws.path[1:], "w", force_zip64=True) as out:
            out.write(head)
            for chunk in _rows_xml(ws, ws._stream):
                out.write(chunk)
            out.write(tail)
        self.manifest.append(ws)
        writer.cleanup()


class TemplateWorkbook(Workbook):
    """An openpyxl workbook whose sheets stream their table rows when saved.

    Read and changed like any openpyxl workbook; ``save`` writes the same file as
    openpyxl would, without first making a cell object for every table cell.
    """

    def create_sheet(self, title: str | None = None, index: int | None = None) -> Worksheet:
        ws = StreamedSheet(parent=self, title=title)
        self._add_sheet(sheet=ws, index=index)
        return ws

    def save(self, filename) -> None:
        """As openpyxl's ``save_workbook``, with the streaming writer, compressed at
        zlib level 1 (several times faster than the default, a somewhat larger file)."""
        archive = ZipFile(filename, "w", ZIP_DEFLATED, allowZip64=True, compresslevel=1)
        self.properties.modified = dt.datetime.now(tz=dt.timezone.utc).replace(tzinfo=None)
        _ExcelWriter(self, archive).save()


def define_name(wb: Workbook, name: str, ws: Worksheet, ref: str) -> None:
    """A workbook-level name for a cell or range, e.g. ``ALimit`` -> ``Inputs!$C$5``."""
    col, row = ref.rstrip("0123456789"), ref[len(ref.rstrip("0123456789")) :]
    absolute = f"${col}${row}" if ":" not in ref else ref
    wb.defined_names[name] = DefinedName(name, attr_text=f"{quote_sheetname(ws.title)}!{absolute}")


def title(ws: Worksheet, text: str, note: str) -> None:
    ws["A1"] = text
    ws["A1"].font = TITLE_FONT
    ws["A2"] = note
    ws["A2"].font = NOTE_FONT


def header(ws: Worksheet, row: int, labels: Sequence[str], first_col: int = 1) -> None:
    for i, label in enumerate(labels):
        cell = ws.cell(row=row, column=first_col + i, value=label)
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    if any(len(str(label)) > 10 for label in labels):
        ws.row_dimensions[row].height = 45  # room for wrapped headers


def style_input(cell, number_format: str = "general") -> None:
    cell.fill, cell.font, cell.protection = INPUT_FILL, INPUT_FONT, UNLOCKED
    cell.number_format = FORMATS.get(number_format, number_format)
    cell.border = BOX


@dataclass
class Setting:
    """One named input on the Inputs sheet."""

    name: str  # defined name, e.g. ALimit
    label: str
    value: object
    fmt: str = "general"
    note: str = ""
    validation: DataValidation | None = None


def settings_block(
    wb: Workbook, ws: Worksheet, row: int, heading: str, settings: Sequence[Setting]
) -> int:
    """Label | value | note rows; each value an input cell with its own defined name."""
    ws.cell(row=row, column=1, value=heading).font = Font(bold=True)
    for i, s in enumerate(settings, start=row + 1):
        ws.cell(row=i, column=1, value=s.label)
        cell = ws.cell(row=i, column=3, value=s.value)
        style_input(cell, s.fmt)
        ws.cell(row=i, column=4, value=s.note).font = NOTE_FONT
        ws.cell(row=i, column=2, value=s.name).font = NOTE_FONT
        define_name(wb, s.name, ws, cell.coordinate)
        if s.validation is not None:
            if s.validation not in ws.data_validations.dataValidation:  # shared by settings
                ws.add_data_validation(s.validation)
            s.validation.add(cell.coordinate)
    return row + len(settings) + 2


def validation(
    kind: str, *, low: object = None, high: object = None, items: str = "", prompt: str = ""
) -> DataValidation:
    """Data validation with an error message a reader understands.

    ``items`` is "a,b,c" for a fixed list or "=Name" for a named range; OOXML stores the
    range without the "=".
    """
    if kind == "list":
        dv = DataValidation(
            type="list",
            formula1=items[1:] if items.startswith("=") else f'"{items}"',
            allow_blank=True,
        )
        message = f"Choose one of: {items.lstrip('=')}"
    elif kind == "date":
        dv = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True)
        message = "Enter a date (yyyy-mm-dd)."
    elif low is not None and high is not None:
        dv = DataValidation(
            type=kind, operator="between", formula1=str(low), formula2=str(high), allow_blank=True
        )
        message = f"Enter a number from {low} to {high}."
    else:
        dv = DataValidation(
            type=kind, operator="greaterThanOrEqual", formula1=str(low or 0), allow_blank=True
        )
        message = f"Enter a number of {low or 0} or more."
    dv.error, dv.errorTitle, dv.showErrorMessage = message, "xlsales", True
    if prompt:
        dv.prompt, dv.showInputMessage = prompt, True
    return dv


@dataclass
class Column:
    """A column of a data table: an input (``formula`` None) or a calculated column.

    ``formula`` is a template with ``{r}`` for this row and ``{p}`` for the row above,
    e.g. ``"=F{r}*G{r}"``; the same formula runs down the whole column.
    """

    name: str
    fmt: str = "general"
    formula: str | None = None
    width: float = 12
    validation: DataValidation | None = None
    key: str = ""  # the data field feeding an input column (default: name)
    extra: dict = field(default_factory=dict)
    generated: bool = False  # written by the builder (a position): locked, not an input


def _values(rows, key: str) -> list:
    """One input column of ``rows``: dicts, or a pandas DataFrame (column by column,
    without a dict per row)."""
    if hasattr(rows, "columns"):
        return rows[key].tolist() if key in rows.columns else [None] * len(rows)
    return [row.get(key) for row in rows]


def data_table(
    ws: Worksheet,
    table_name: str,
    columns: Sequence[Column],
    rows,
    *,
    blank_rows: int = 1,
) -> tuple[int, int]:
    """Write an Excel table: inputs from ``rows``, calculated columns as formulas.

    ``rows`` are dicts (a key per input column) or a pandas DataFrame (a column each).

    With no rows, ``blank_rows`` empty input rows keep the table valid and ready to fill.
    The first data row is written as cells; the rows below it are styled like it and,
    on a :class:`StreamedSheet`, streamed when the workbook is saved.
    Returns (first data row, last data row).
    """
    header(ws, HEADER_ROW, [c.name for c in columns])
    count = len(rows) or blank_rows
    last = FIRST_ROW + count - 1
    streamed = []
    for j, col in enumerate(columns, start=1):
        letter = get_column_letter(j)
        ws.column_dimensions[letter].width = col.width
        proto = ws.cell(row=FIRST_ROW, column=j)
        proto.number_format = FORMATS.get(col.fmt, col.fmt)
        if col.formula is None and not col.generated:
            proto.fill, proto.font, proto.protection = INPUT_FILL, INPUT_FONT, UNLOCKED
        if col.formula is not None:
            if count:
                proto.value = col.formula.format(r=FIRST_ROW, p=HEADER_ROW)
            streamed.append(_StreamColumn(j, proto, None, col.formula))
        else:
            values = _values(rows, col.key or col.name) or [None] * count
            if count and isinstance(values[0], str):
                safe_text(proto, values[0])
            elif count:
                proto.value = values[0]
            streamed.append(_StreamColumn(j, proto, values[1:], None))
        if col.validation is not None:
            ws.add_data_validation(col.validation)
            col.validation.add(f"{letter}{FIRST_ROW}:{letter}{FIRST_ROW + max(count, 1000) - 1}")
    _stream_rows(ws, _Stream(FIRST_ROW + 1, count - 1, streamed))
    ref = f"A{HEADER_ROW}:{get_column_letter(len(columns))}{last}"
    table = Table(displayName=table_name, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    table.tableColumns = [
        TableColumn(
            id=j,
            name=col.name,
            calculatedColumnFormula=(
                TableFormula(attr_text=col.formula.format(r=FIRST_ROW, p=HEADER_ROW)[1:])
                if col.formula
                else None
            ),
        )
        for j, col in enumerate(columns, start=1)
    ]
    ws.add_table(table)
    ws.freeze_panes = f"A{FIRST_ROW}"
    return FIRST_ROW, last


def fill_letters(template: str, letters: dict[str, str]) -> str:
    """Replace ``[key]`` in a formula template with the column letter of ``key``.

    A structured reference such as ``tblLog[date]`` (a name right before the bracket)
    is left as it is.
    """
    return re.sub(r"(?<![\w\]])\[(\w+)\]", lambda m: letters[m.group(1)], template)


def column_ref(table_name: str, column: str) -> str:
    """A structured reference to a whole table column, escaped by Microsoft's rules:
    ``tblAccounts[revenue]``, ``tblAccounts[[GO / NO-GO]]`` (see
    :func:`workbook_templates.formula_text.escape_column`)."""
    return table_name + escape_column(column)


def column_range(table_name: str, key: str) -> str:
    """The defined name of a table column's data cells, e.g. ``tblAccounts_account``
    (:func:`define_column_ranges` defines it).

    Per-row lookups into another table (``INDEX(tblAccounts_account,[row]{r})``) use
    it instead of a structured reference: LibreOffice resolves a structured reference
    in each formula on load (about 0.4 s per 10,000 cells), a defined name once. The
    name covers the rows the builder wrote, so it suits tables rebuilt, not extended.
    """
    return f"{table_name}_{key}"


def define_column_ranges(
    wb: Workbook, ws: Worksheet, spec: TableSpec, keys: Sequence[str], first: int, last: int
) -> None:
    """Define :func:`column_range` for each of ``keys``: rows ``first`` to ``last``."""
    for key in keys:
        letter = spec.letters[key]
        define_name(wb, spec.range_name(key), ws, f"${letter}${first}:${letter}${last}")


class TableSpec:
    """The columns of a template's data table, by key: letters, headers, references.

    ``specs`` are (key, header, format, width, formula template or None); a template
    names columns as ``[key]`` and rows as ``{r}`` (this row) and ``{p}`` (the row above).
    """

    def __init__(self, name: str, specs: Sequence[tuple]):
        self.name = name
        self.specs = list(specs)
        self.letters = {key: get_column_letter(i) for i, (key, *_r) in enumerate(self.specs, 1)}
        self.headers = {key: head for key, head, *_r in self.specs}

    def ref(self, key: str) -> str:
        """Structured reference to a whole column, e.g. ``tblAccounts[revenue]``."""
        return column_ref(self.name, self.headers[key])

    def range_name(self, key: str) -> str:
        """The defined name of a column's data cells (:func:`column_range`)."""
        return column_range(self.name, key)

    def index(self, key: str) -> int:
        return list(self.letters).index(key) + 1

    def columns(
        self, validations: dict[str, DataValidation], generated: Sequence[str] = ()
    ) -> list[Column]:
        """The table's columns; ``generated`` keys are positions the builder writes."""
        return [
            Column(
                head,
                fmt,
                fill_letters(formula, self.letters) if formula else None,
                width,
                validations.get(key),
                key,
                generated=key in generated,
            )
            for key, head, fmt, width, formula in self.specs
        ]


def named_facts(
    wb: Workbook,
    ws: Worksheet,
    row: int,
    facts: Sequence[tuple[str, str, str, str]],
    value_column: int = 2,
) -> int:
    """Label | formula rows, each value cell with its own defined name; returns the next row.

    ``facts`` are (defined name, label, formula, number format key or pattern).
    """
    for i, (name, label, formula, fmt) in enumerate(facts, start=row):
        ws.cell(row=i, column=1, value=label)
        cell = ws.cell(row=i, column=value_column, value=formula)
        cell.number_format = FORMATS.get(fmt, fmt)
        define_name(wb, name, ws, cell.coordinate)
    return row + len(facts)


def finish(
    ws: Worksheet,
    *,
    landscape: bool = True,
    title_rows: str | None = None,
    widths: dict[str, float] | None = None,
    protect: bool = True,
) -> None:
    """Print settings (A4, fit to width, repeated titles) and protection without a password."""
    for letter, width in (widths or {}).items():
        ws.column_dimensions[letter].width = width
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = False
    if title_rows:
        ws.print_title_rows = title_rows
    ws.oddFooter.center.text = "&A, page &P of &N"
    if protect:
        ws.protection.sheet = True
        ws.protection.autoFilter = False
        ws.protection.sort = False
        ws.protection.formatColumns = False


def cover(
    wb: Workbook,
    name: str,
    purpose: str,
    how_to: Sequence[str],
    sheets: Sequence[tuple[str, str]],
    sources: Sequence[Provenance],
    kind: str = "",
) -> Worksheet:
    """The first sheet: purpose, how to use it, what each sheet does, provenance.

    Called last by every builder: it also stamps the workbook with what ``xlsales
    verify`` needs (:func:`workbook_templates.metadata.stamp`): ``kind`` (default: the
    name in lower case with hyphens, "Account matrix" -> "account-matrix"), the version
    and the formula patterns.
    """
    ws = wb.create_sheet("Cover", 0)
    title(ws, name, purpose)
    row = 4
    ws.cell(row=row, column=1, value="Master check").font = Font(bold=True)
    ws.cell(row=row, column=2, value="=MasterCheck").font = Font(bold=True)
    row += 2
    ws.cell(row=row, column=1, value="How to use it").font = Font(bold=True)
    for i, step in enumerate(how_to, start=1):
        ws.cell(row=row + i, column=1, value=f"{i}.")
        ws.cell(row=row + i, column=2, value=step)
    row += len(how_to) + 2
    ws.cell(row=row, column=1, value="Sheets").font = Font(bold=True)
    for i, (sheet, what) in enumerate(sheets, start=1):
        ws.cell(row=row + i, column=1, value=sheet)
        ws.cell(row=row + i, column=2, value=what)
    row += len(sheets) + 2
    ws.cell(row=row, column=1, value="Provenance (for auditors)").font = Font(bold=True)
    facts: list[tuple[str, object]] = [
        ("Generated by", f"xlsales {xlsales.__version__}"),
        ("Generated at (UTC)", dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")),
    ]
    for p in sources:
        if p.sheet or p.address:  # a table read from a workbook
            facts += [("Source workbook", p.source), ("Sheet", p.sheet), ("Address", p.address)]
        else:
            facts.append(("Source file", p.source))
        facts += [("Rows read", p.rows), ("SHA-256", p.sha256)]
    if not sources:
        facts.append(("Source file", "none: an empty template (or built-in sample data)"))
    for i, (label, value) in enumerate(facts, start=1):
        ws.cell(row=row + i, column=1, value=label)
        cell = ws.cell(row=row + i, column=2)
        if isinstance(value, str):
            safe_text(cell, value)
        else:
            cell.value = value
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 100
    finish(ws, landscape=False)
    stamp(wb, kind or "-".join(name.lower().split()))
    return ws


def checks_sheet(wb: Workbook, checks: Sequence[tuple[str, str, str]]) -> Worksheet:
    """Checks: each row a check (what, the formula's result, TRUE when fine); master on top.

    ``checks`` are (description, value formula, pass formula with ``{v}`` for the value
    cell). The master check is ``MasterCheck``: "OK" or "CHECK FAILED".
    """
    ws = wb.create_sheet("Checks", 0)  # the cover goes in front of it
    title(ws, "Checks", "Every check must be TRUE; the master check sums them up.")
    ws["A3"], ws["B3"] = "Master check", None
    ws["A3"].font = Font(bold=True)
    header(ws, HEADER_ROW, ["check", "value", "passes"])
    for i, (what, value, passes) in enumerate(checks):
        r = FIRST_ROW + i
        ws.cell(row=r, column=1, value=what)
        ws.cell(row=r, column=2, value=value).number_format = "#,##0.##"
        ws.cell(row=r, column=3, value=passes.format(v=f"B{r}"))
    last = FIRST_ROW + len(checks) - 1
    ws["B3"] = f'=IF(AND(C{FIRST_ROW}:C{last}),"OK","CHECK FAILED")'
    ws["B3"].font = Font(bold=True)
    define_name(wb, "MasterCheck", ws, "B3")
    finish(ws, landscape=False, widths={"A": 70, "B": 16, "C": 10}, title_rows="4:4")
    return ws


def add_chart(
    ws: Worksheet,
    anchor: str,
    title_text: str,
    data: Reference,
    categories: Reference | None = None,
    *,
    kind: str = "column",
    line: Reference | None = None,
    axis_titles: tuple[str, str] = ("", ""),
    size: tuple[float, float] = (8, 16),
    line_format: str = "General",
) -> None:
    """A native chart: columns, horizontal bars or lines; ``line`` adds a line series on
    a second axis (e.g. a cumulative share over the bars). Lines are never smoothed,
    so the chart shows the numbers the cells hold."""
    chart = LineChart() if kind == "line" else BarChart()
    if kind == "bar":
        chart.type = "bar"
        chart.x_axis.scaling.orientation = "maxMin"  # first category on top, like the table
    chart.title = title_text
    chart.add_data(data, titles_from_data=True)
    if categories is not None:
        chart.set_categories(categories)
    chart.y_axis.title = axis_titles[0] or None
    if line is not None:
        second = LineChart()
        second.add_data(line, titles_from_data=True)
        second.y_axis.axId = 200
        second.y_axis.title = axis_titles[1] or None
        second.y_axis.crosses = "max"
        second.y_axis.number_format = line_format
        _straight(second)
        chart += second
    if kind == "line":
        _straight(chart)
    chart.height, chart.width = size
    ws.add_chart(chart, anchor)


def _straight(chart: LineChart) -> None:
    for series in chart.series:
        series.smooth = False
