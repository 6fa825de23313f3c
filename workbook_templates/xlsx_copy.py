"""A copy of a saved .xlsx with one sheet added and nothing else lost.

openpyxl rewrites a workbook from what it models and drops the rest (charts, for one),
and re-compressing a large file costs seconds. Here the zip's parts are copied as they
are stored (compressed bytes, not re-compressed) and only the four parts that name the
sheets change: the new sheet part, ``xl/workbook.xml`` (the sheet first in the tab
order, sheet-scoped defined names moved one place on), ``xl/_rels/workbook.xml.rels``
and ``[Content_Types].xml`` (ECMA-376 Part 1, 8 and 18.2; Part 2, Open Packaging
Conventions). Charts, tables, data validations, defined names, custom document
properties and every cell stay byte for byte as they were.
"""

from __future__ import annotations

import copy
import re
import struct
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from workbook_templates.xlsx_reader import cell_name, text_of

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WORKSHEET_REL = REL + "/worksheet"
WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
MAX_TEXT = 32767  # characters a cell holds (Excel's specifications and limits)
# characters XML 1.0 cannot carry, and a literal _xHHHH_ that Excel would read as one
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ESCAPE_LIKE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")

TITLE, BOLD, LINK = "title", "bold", "link"  # the styles a cell may ask for
_FONTS = {
    TITLE: '<font><b/><sz val="14"/><name val="Calibri"/><family val="2"/></font>',
    BOLD: '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>',
    LINK: '<font><u/><sz val="11"/><color rgb="FF0563C1"/><name val="Calibri"/>'
    '<family val="2"/></font>',
}


@dataclass
class NewSheet:
    """The sheet to add: text cells by (row, column), column widths, and internal
    hyperlinks (cell -> location such as ``'Accounts'!C7``)."""

    name: str
    cells: dict[tuple[int, int], tuple[str, str]] = field(default_factory=dict)  # text, style
    widths: dict[int, float] = field(default_factory=dict)
    links: dict[tuple[int, int], str] = field(default_factory=dict)

    def text(self, row: int, col: int, value: object, style: str = "") -> None:
        self.cells[row, col] = ("" if value is None else str(value), style)


def ooxml_text(text: str) -> str:
    """``text`` as an OOXML string (ST_Xstring): XML-escaped, characters XML cannot
    carry written ``_xHHHH_``, a literal ``_xHHHH_`` kept literal, at most 32,767."""
    text = _ESCAPE_LIKE.sub(r"_x005F_\1", text[:MAX_TEXT])
    text = _ILLEGAL.sub(lambda m: f"_x{ord(m.group(0)):04X}_", text)
    return escape(text)


def _sheet_xml(sheet: NewSheet, styles: dict[str, int]) -> bytes:
    rows: dict[int, list[str]] = {}
    for (row, col), (text, style) in sorted(sheet.cells.items()):
        s = styles.get(style, 0)
        styled = f' s="{s}"' if s else ""
        rows.setdefault(row, []).append(
            f'<c r="{cell_name(row, col)}"{styled} t="inlineStr">'
            f'<is><t xml:space="preserve">{ooxml_text(text)}</t></is></c>'
        )
    data = "".join(f'<row r="{r}">{"".join(cells)}</row>' for r, cells in sorted(rows.items()))
    cols = "".join(
        f'<col min="{c}" max="{c}" width="{w}" customWidth="1"/>'
        for c, w in sorted(sheet.widths.items())
    )
    links = "".join(
        f'<hyperlink ref="{cell_name(r, c)}" location={quoteattr(where)}/>'
        for (r, c), where in sorted(sheet.links.items())
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{MAIN}" xmlns:r="{REL}">'
        '<sheetViews><sheetView tabSelected="1" workbookViewId="0"/></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/>'
        + (f"<cols>{cols}</cols>" if cols else "")
        + f"<sheetData>{data}</sheetData>"
        + (f"<hyperlinks>{links}</hyperlinks>" if links else "")
        + '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3"'
        ' footer="0.3"/></worksheet>'
    ).encode()


def _append(xml: str, tag: str, child: str, items: list[str]) -> tuple[str, int] | None:
    """``items`` added at the end of the ``tag`` list (fonts, cellXfs), its count set;
    returns the new XML and the index of the first item added, None if not found."""
    m = re.search(rf"<{tag}\b([^>]*)>(.*?)</{tag}>", xml, re.DOTALL)
    if m is None:
        return None
    first = len(re.findall(rf"<{child}[\s>/]", m.group(2)))
    attrs = re.sub(r'\s+count="\d*"', "", m.group(1))
    block = f'<{tag}{attrs} count="{first + len(items)}">{m.group(2)}{"".join(items)}</{tag}>'
    return xml[: m.start()] + block + xml[m.end() :], first


def _styles(xml: str) -> tuple[str, dict[str, int]]:
    """styles.xml with the title, bold and link styles added: (xml, style -> xf id).
    A styles part of a form not expected leaves the cells unstyled."""
    fonts = _append(xml, "fonts", "font", list(_FONTS.values()))
    if fonts is None:
        return xml, {}
    xml2, first_font = fonts
    xfs = [
        f'<xf numFmtId="0" fontId="{first_font + i}" fillId="0" borderId="0" xfId="0"'
        ' applyFont="1"/>'
        for i in range(len(_FONTS))
    ]
    cell_xfs = _append(xml2, "cellXfs", "xf", xfs)
    if cell_xfs is None:
        return xml, {}
    xml3, first_xf = cell_xfs
    return xml3, {style: first_xf + i for i, style in enumerate(_FONTS)}


def _unique(name: str, taken: set[str]) -> str:
    lowered = {t.lower() for t in taken}
    if name.lower() not in lowered:
        return name
    n = 2
    while f"{name} {n}".lower() in lowered:
        n += 1
    return f"{name} {n}"


def _workbook(xml: str, name: str, rid: str) -> str:
    """workbook.xml with the sheet first: a new sheetId, sheet-scoped names moved on by
    one (localSheetId counts sheets in tab order), the new sheet the active tab."""
    m = re.search(r"<((?:\w+:)?)sheets>", xml)
    if m is None:
        raise ValueError("xl/workbook.xml has no <sheets>")
    prefix = m.group(1)
    ids = [int(i) for i in re.findall(r'<(?:\w+:)?sheet\b[^>]*\ssheetId="(\d+)"', xml)]
    r_prefix = re.search(rf'xmlns:(\w+)="{re.escape(REL)}"', xml)
    rel_attr = f'{r_prefix.group(1)}:id="{rid}"' if r_prefix else f'xmlns:r="{REL}" r:id="{rid}"'
    sheet = (
        f'<{prefix}sheet name={quoteattr(name)} sheetId="{max(ids, default=0) + 1}" {rel_attr}/>'
    )
    xml = xml[: m.end()] + sheet + xml[m.end() :]
    xml = re.sub(r'localSheetId="(\d+)"', lambda n: f'localSheetId="{int(n.group(1)) + 1}"', xml)
    return re.sub(r"(<(?:\w+:)?workbookView\b[^>]*?)\s(activeTab|firstSheet)=\"\d+\"", r"\1", xml)


def _unselected(data: bytes) -> bytes:
    """A sheet's XML with its tab no longer selected (two selected tabs are a group in
    Excel, and typing into a group types into every sheet of it). Only the part
    before the cells is looked at."""
    end = data.find(b"<sheetData")
    head = data[: end if end >= 0 else len(data)]
    new = re.sub(rb'\stabSelected="(?:1|true)"', b"", head)
    return data if new == head else new + data[len(head) :]


def _copy_stored(src: zipfile.ZipFile, dst: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Copy one part as stored: its compressed bytes, not decompressed and compressed
    again (the APPNOTE local header rebuilt with the sizes in it)."""
    src.fp.seek(info.header_offset)
    header = src.fp.read(30)
    if header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"{info.filename}: bad local header")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    src.fp.seek(info.header_offset + 30 + name_length + extra_length)
    data = src.fp.read(info.compress_size)
    new = copy.copy(info)
    new.flag_bits &= ~0x08  # sizes in the header, no data descriptor after the data
    dst.fp.seek(dst.start_dir)
    new.header_offset = dst.fp.tell()
    dst.fp.write(new.FileHeader())
    dst.fp.write(data)
    dst.start_dir = dst.fp.tell()
    dst.filelist.append(new)
    dst.NameToInfo[new.filename] = new
    dst._didModify = True


def sheet_names(path: str | Path) -> list[str]:
    """The workbook's sheet names in tab order, from ``xl/workbook.xml`` alone."""
    with zipfile.ZipFile(path) as z:
        book = z.read("xl/workbook.xml").decode("utf-8")
    return [text_of(n) for n in re.findall(r'<(?:\w+:)?sheet\b[^>]*\sname="([^"]*)"', book)]


def _part_path(target: str, base: str = "xl") -> str:
    return target.lstrip("/") if target.startswith("/") else f"{base}/{target}"


@dataclass
class WithSheet:
    """``source`` with ``sheet`` added first; ``save(path)`` writes it (the interface
    :func:`workbook_templates.save` expects of a workbook, so the copy is written
    atomically and never over an existing file unless asked)."""

    source: Path
    sheet: NewSheet

    def save(self, path: str | Path) -> None:
        with zipfile.ZipFile(self.source) as src:
            names = set(src.namelist())
            book = src.read("xl/workbook.xml").decode("utf-8")
            rels = src.read("xl/_rels/workbook.xml.rels").decode("utf-8")
            types = src.read("[Content_Types].xml").decode("utf-8")
            taken = set(re.findall(r'<(?:\w+:)?sheet\b[^>]*\sname="([^"]*)"', book))
            name = _unique(self.sheet.name, {text_of(t) for t in taken})
            rid = _unique("rIdXlsales", set(re.findall(r'Id="([^"]+)"', rels))).replace(" ", "")
            part = _unique("xl/worksheets/xlsales_audit", {n.removesuffix(".xml") for n in names})
            part = part.replace(" ", "_") + ".xml"
            selected = {
                _part_path(t)
                for t in re.findall(r'Target="([^"]+)"', rels)
                if _part_path(t) in names and "worksheets/" in t
            }
            changed: dict[str, bytes] = {}
            styles = {}
            if "xl/styles.xml" in names:
                xml, styles = _styles(src.read("xl/styles.xml").decode("utf-8"))
                changed["xl/styles.xml"] = xml.encode()
            changed["xl/workbook.xml"] = _workbook(book, name, rid).encode()
            target = part.removeprefix("xl/")
            changed["xl/_rels/workbook.xml.rels"] = rels.replace(
                "</Relationships>",
                f'<Relationship Id="{rid}" Type="{WORKSHEET_REL}" Target="{target}"/>'
                "</Relationships>",
            ).encode()
            changed["[Content_Types].xml"] = types.replace(
                "</Types>",
                f'<Override PartName="/{part}" ContentType="{WORKSHEET_TYPE}"/></Types>',
            ).encode()
            if "docProps/app.xml" in names:
                app = src.read("docProps/app.xml").decode("utf-8")
                if _app_properties(app, name) != app:
                    changed["docProps/app.xml"] = _app_properties(app, name).encode()
            for sheet_part in selected:
                if src.getinfo(sheet_part).file_size < 1 << 16 or _head_selected(src, sheet_part):
                    data = src.read(sheet_part)
                    new = _unselected(data)
                    if new != data:
                        changed[sheet_part] = new
            with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
                for info in src.infolist():
                    if info.filename in changed:
                        dst.writestr(copy.copy(info), changed[info.filename], zipfile.ZIP_DEFLATED)
                    else:
                        _copy_stored(src, dst, info)
                dst.writestr(part, _sheet_xml(self.sheet, styles), zipfile.ZIP_DEFLATED)


def _app_properties(xml: str, name: str) -> str:
    """The extended properties (docProps/app.xml) with ``name`` listed as the first
    worksheet, where they list the parts as Excel does (ECMA-376 Part 1, 22.2.2.12
    HeadingPairs and 22.2.2.26 TitlesOfParts): the Worksheets count one higher, the
    name first among the worksheets' titles, the vector one longer. Properties
    without such lists (LibreOffice, openpyxl) are left as they are."""
    pairs = re.search(r"<(\w+:)?HeadingPairs>(.*?)</(\w+:)?HeadingPairs>", xml, re.DOTALL)
    titles = re.search(r"<(\w+:)?TitlesOfParts>(.*?)</(\w+:)?TitlesOfParts>", xml, re.DOTALL)
    if pairs is None or titles is None:
        return xml
    groups = re.findall(
        r"<(?:\w+:)?variant>\s*<(?:\w+:)?lpstr>([^<]*)</(?:\w+:)?lpstr>\s*</(?:\w+:)?variant>"
        r"\s*<(?:\w+:)?variant>\s*<((?:\w+:)?i4)>(\d+)</(?:\w+:)?i4>\s*</(?:\w+:)?variant>",
        pairs.group(2),
    )
    before = 0  # the titles listed ahead of the worksheets'
    for group, _tag, count in groups:
        if group == "Worksheets":
            break
        before += int(count)
    else:
        return xml
    new_pairs = re.sub(
        r"(<(?:\w+:)?lpstr>Worksheets</(?:\w+:)?lpstr>\s*</(?:\w+:)?variant>\s*"
        r"<(?:\w+:)?variant>\s*<(?:\w+:)?i4>)(\d+)",
        lambda m: m.group(1) + str(int(m.group(2)) + 1),
        pairs.group(0),
        count=1,
    )
    vector = re.search(r'(<(\w+:)?vector\b[^>]*\ssize=")(\d+)(")', titles.group(0))
    if vector is None:
        return xml
    prefix = vector.group(2) or ""
    items = list(re.finditer(rf"<{prefix}lpstr>", titles.group(0)))
    at = (
        items[before].start()
        if before < len(items)
        else titles.group(0).rindex(f"</{prefix}vector>")
    )
    entry = f"<{prefix}lpstr>{escape(name)}</{prefix}lpstr>"
    new_titles = titles.group(0)[:at] + entry + titles.group(0)[at:]
    new_titles = new_titles.replace(
        vector.group(0), f"{vector.group(1)}{int(vector.group(3)) + 1}{vector.group(4)}", 1
    )
    return xml.replace(pairs.group(0), new_pairs, 1).replace(titles.group(0), new_titles, 1)


def _head_selected(src: zipfile.ZipFile, part: str) -> bool:
    """Whether a large sheet's first 64 KiB (its views come before its cells) select
    its tab: read without decompressing the whole part."""
    with src.open(part) as f:
        return re.search(rb'\stabSelected="(?:1|true)"', f.read(1 << 16)) is not None
