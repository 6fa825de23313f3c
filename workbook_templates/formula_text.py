"""Formula text as Excel stores it: functions, structured references, R1C1 patterns.

One scanner splits a formula into text literals, quoted sheet names, bracketed
(structured reference) parts and the rest, so that a cell reference or a function name
is never looked for inside a string or a column name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from openpyxl.utils import column_index_from_string, get_column_letter

# Microsoft's rules for a column specifier in a structured reference ("Using structured
# references with Excel tables"): a column name holding one of these characters must be
# enclosed in its own brackets, Table[[name]] (a space alone needs no extra brackets) ...
NEEDS_BRACKETS = set("\t\n\r,:.[]#'\"{}$^&*+=-><@/")
# ... and inside the brackets these are escaped with a single quotation mark.
ESCAPED = set("[]#'")
SPECIAL_ITEMS = {"#all", "#data", "#headers", "#totals", "#this row"}

_REF = re.compile(r"(?<![A-Za-z0-9_.$])(\$?)([A-Z]{1,3})(\$?)([0-9]{1,7})(?![A-Za-z0-9_(.!\[])")
R1C1 = re.compile(r"\{R([+-]\d+|\$\d+)C([+-]\d+|\$\d+)\}")
_FUNCTION = re.compile(r"([A-Za-z_][A-Za-z0-9_.]*)\(")


def segments(formula: str) -> Iterator[tuple[str, str]]:
    """Split ``formula`` into (kind, text): kind is "text" ("..."), "sheet" ('...'),
    "bracket" (a balanced [...] group, ' escapes honoured) or "code"."""
    i, n, start = 0, len(formula), 0
    while i < n:
        ch = formula[i]
        if ch in "\"'[":
            if i > start:
                yield "code", formula[start:i]
            j = _segment_end(formula, i)
            yield {'"': "text", "'": "sheet", "[": "bracket"}[ch], formula[i:j]
            i = start = j
        else:
            i += 1
    if start < n:
        yield "code", formula[start:]


def _segment_end(formula: str, i: int) -> int:
    ch, n = formula[i], len(formula)
    if ch in "\"'":
        j = i + 1
        while j < n:
            if formula[j] == ch:
                if j + 1 < n and formula[j + 1] == ch:  # "" or '' stays inside
                    j += 2
                    continue
                return j + 1
            j += 1
        return n
    depth, j = 0, i
    while j < n:
        c = formula[j]
        if c == "'" and depth > 1:  # an escape inside an inner specifier
            j += 2
            continue
        if c == "[":
            depth += 1
        elif c == "]":
            depth -= 1
            if depth == 0:
                return j + 1
        j += 1
    return n


def functions(formula: str) -> list[str]:
    """Function names as written, prefix included: ``_xlfn.IFNA``, ``SUM``."""
    return [
        m.group(1).upper()
        for kind, text in segments(formula)
        if kind == "code"
        for m in _FUNCTION.finditer(text)
    ]


def structured_refs(formula: str) -> list[tuple[str, str]]:
    """(table name, bracket text) of every ``Table[...]`` in ``formula``."""
    found, previous = [], ("", "")
    for kind, text in segments(formula):
        if kind == "bracket" and previous[0] == "code":
            name = re.search(r"([A-Za-z_\\][\w.]*)$", previous[1])
            if name:
                found.append((name.group(1), text))
        previous = (kind, text)
    return found


def escape_column(name: str) -> str:
    """A column specifier by Microsoft's rules: ``revenue`` -> ``[revenue]``,
    ``GO / NO-GO`` -> ``[[GO / NO-GO]]``, ``#calls`` -> ``[['#calls]]``."""
    if not NEEDS_BRACKETS & set(name):
        return f"[{name}]"
    escaped = "".join("'" + c if c in ESCAPED else c for c in name)
    return f"[[{escaped}]]"


def column_specifiers(bracket: str) -> list[str] | str:
    """The column names a structured reference's bracket text names, unescaped, or a
    one-line reason why Excel would not read it."""
    inner = bracket[1:-1]
    if not inner.lstrip().startswith("["):  # Table[name]: the simple form
        if inner.lower() in SPECIAL_ITEMS:
            return []
        bad = sorted((NEEDS_BRACKETS - {" "}) & set(inner))
        if bad:
            return f"column name {inner!r} holds {''.join(bad)!r}: write Table[[{inner}]]"
        return [inner]
    names: list[str] = []
    i, n = 0, len(inner)
    while i < n:
        c = inner[i]
        if c in " ,:":
            i += 1
            continue
        if c != "[":
            return f"unexpected {c!r} in {bracket}"
        j, name = i + 1, []
        while j < n and inner[j] != "]":
            if inner[j] == "'" and j + 1 < n:
                name.append(inner[j + 1])
                j += 2
                continue
            if inner[j] in "[#" and not (inner[j] == "#" and j == i + 1):
                return f"{inner[j]!r} in {bracket} must be escaped as '{inner[j]}"
            name.append(inner[j])
            j += 1
        if j >= n:
            return f"unbalanced brackets in {bracket}"
        text = "".join(name)
        if inner[i + 1 : i + 2] == "#":  # unescaped: a special item such as [#This Row]
            if text.lower() not in SPECIAL_ITEMS:
                return f"'#' in {bracket} must be escaped as '#"
        else:
            names.append(text)
        i = j + 1
    return names


def _groups(inner: str) -> list[str] | None:
    """The bracket groups and separators of a structured reference's inner text
    (``[#This Row], [a]:[b]`` -> ``["[#This Row]", ",", "[a]", ":", "[b]"]``), spaces
    between them dropped; None when it is not made of groups."""
    out: list[str] = []
    i, n = 0, len(inner)
    while i < n:
        c = inner[i]
        if c == " ":
            i += 1
        elif c in ",:":
            out.append(c)
            i += 1
        elif c == "[":
            j = i + 1
            while j < n and inner[j] != "]":
                j += 2 if inner[j] == "'" else 1
            if j >= n:
                return None
            out.append(inner[i : j + 1])
            i = j + 1
        else:
            return None
    return out


def _special(group: str) -> str:
    """``[#this row]`` -> ``[#This Row]``: special items in Excel's spelling."""
    lowered = group[1:-1].strip().lower()
    if group.startswith("[#") and lowered in SPECIAL_ITEMS:
        return "[" + {"#this row": "#This Row"}.get(lowered, lowered.title()) + "]"
    return group


def _long_bracket(bracket: str) -> str:
    """One structured reference's bracket text as Excel stores it in the file."""
    inner = bracket[1:-1].strip()
    if inner.startswith("@"):  # [@x], [@[x]], [@[a]:[b]], [@]: the current row
        rest = inner[1:].strip()
        if not rest:
            return "[#This Row]"
        inner = "[#This Row]," + (rest if rest.startswith("[") else escape_column(rest))
    if not inner.startswith("["):
        return _special(f"[{inner}]")
    groups = _groups(inner)
    if groups is None:
        return bracket
    groups = [_special(g) for g in groups]
    if groups[:2] == ["[#Data]", ","]:  # the data rows are what a column names anyway
        groups = groups[2:]
    if len(groups) == 1:  # Table[[name]] -> Table[name] where the name allows it
        only = groups[0]
        if only.startswith("[#") or not NEEDS_BRACKETS & set(only[1:-1]):
            return only
    return "[" + "".join(groups) + "]"


def excel_spelling(formula: str) -> str:
    """``formula`` with its structured references spelt as Excel stores them in the file
    (what a user types and sees is presentation only): ``tbl[@Revenue]`` is stored
    ``tbl[[#This Row],[Revenue]]``; ``tbl[[Revenue]]`` and ``tbl[[#Data],[Revenue]]``
    are ``tbl[Revenue]``; special items in Excel's case, no spaces between groups. The
    short and the long form of one reference give the same text.

    >>> excel_spelling('SUM(tbl[@Revenue],tbl[@[GO / NO-GO]],tbl[[#data], [Cost]])')
    'SUM(tbl[[#This Row],[Revenue]],tbl[[#This Row],[GO / NO-GO]],tbl[Cost])'
    """
    if "[" not in formula:
        return formula
    return "".join(
        _long_bracket(text) if kind == "bracket" else text for kind, text in segments(formula)
    )


def a1_format(pattern: str, col: int) -> tuple[str, tuple[int, ...]]:
    """The R1C1 ``pattern`` in column ``col`` as a %-format string and its relative row
    offsets: ``fmt % tuple(row + o for o in offsets)`` is the A1 text in ``row``, so a
    whole column is spelt out by formatting, not by parsing a formula a cell."""
    pieces, offsets, last = [], [], 0
    for m in R1C1.finditer(pattern):
        pieces.append(pattern[last : m.start()].replace("%", "%%"))
        r, c = m.group(1), m.group(2)
        letter = (
            "$" + get_column_letter(int(c[1:]))
            if c.startswith("$")
            else get_column_letter(col + int(c))
        )
        if r.startswith("$"):
            pieces.append(f"{letter}${r[1:]}")
        else:
            pieces.append(f"{letter}%d")
            offsets.append(int(r))
        last = m.end()
    pieces.append(pattern[last:].replace("%", "%%"))
    return "".join(pieces), tuple(offsets)


def shape(formula: str) -> str:
    """The formula with its cell references blanked: equal for a column of the same
    formula, so that checks which do not look at cell references run once per column."""
    return _REF.sub("@", formula)


def _offset(text: str) -> tuple[bool, int]:
    return (False, int(text[1:])) if text.startswith("$") else (True, int(text))


def to_r1c1(formula: str, row: int, col: int) -> str:
    """The formula with each A1 cell reference as ``{R-1C+2}`` (relative: rows and
    columns away) or ``{R$5C$3}`` (absolute) from the cell at (row, col): equal for every cell of a column
    that carries the same formula. ``TRUE()``/``FALSE()`` read as ``TRUE``/``FALSE``."""

    def ref(m: re.Match) -> str:
        c = column_index_from_string(m.group(2))
        r = int(m.group(4))
        rr = f"${r}" if m.group(3) else f"{r - row:+d}"
        cc = f"${c}" if m.group(1) else f"{c - col:+d}"
        return "{R" + rr + "C" + cc + "}"

    out = []
    for kind, text in segments(formula.lstrip("=")):
        if kind == "code":
            text = _REF.sub(ref, text).replace("TRUE()", "TRUE").replace("FALSE()", "FALSE")
        out.append(text)
    return "".join(out)


def from_r1c1(pattern: str, row: int, col: int) -> str:
    """The A1 formula (without ``=``) that ``pattern`` gives in the cell at (row, col)."""

    def ref(m: re.Match) -> str:
        rel_r, r = _offset(m.group(1))
        rel_c, c = _offset(m.group(2))
        r_text = f"{row + r}" if rel_r else f"${r}"
        c_text = get_column_letter(col + c) if rel_c else "$" + get_column_letter(c)
        return c_text + r_text

    return "".join(
        R1C1.sub(ref, text) if kind == "code" else text for kind, text in segments(pattern)
    )


def this_row_cells(formula: str, row: int, col: int, tables) -> str:
    """``formula`` (A1, as stored) with each structured reference to the current row of
    a table spelt as the cell it means: ``tbl[@revenue]``, ``[@revenue]``,
    ``tbl[[#This Row],[revenue]]`` (Excel's stored form) and ``[@[a]:[b]]`` in row 7 are
    ``F7`` and ``A7:B7`` when ``revenue`` is the table's column F, so that a formula a
    user retyped in another spelling of the same reference compares equal to the
    builder's. ``tables`` are the sheet's tables (name, ``bounds``, ``columns``,
    ``data_rows``); an unqualified reference is to the table holding the cell (row,
    col). A reference outside a table's data rows, to a column it does not have or to
    another sheet's table is left as it is.

    >>> from types import SimpleNamespace as T
    >>> tbl = T(name="tbl", bounds=(4, 2, 9, 4), columns=["revenue", "GO / NO-GO", "x"],
    ...         data_rows=range(5, 10))
    >>> this_row_cells("tbl[@revenue]*[@[GO / NO-GO]]+tbl[[#This Row],[x]]", 7, 4, [tbl])
    'B7*C7+D7'
    >>> this_row_cells("SUM(tbl[@[revenue]:[x]])+tbl[revenue]", 7, 4, [tbl])
    'SUM(B7:D7)+tbl[revenue]'
    """
    if "[" not in formula:
        return formula
    own = next(
        (t for t in tables if row in t.data_rows and t.bounds[1] <= col <= t.bounds[3]),
        None,
    )
    by_name = {t.name.lower(): t for t in tables}
    out: list[str] = []
    for kind, text in segments(excel_spelling(formula)):
        if kind != "bracket":
            out.append(text)
            continue
        before = out[-1] if out else ""
        named = re.search(r"([A-Za-z_\\][\w.]*)$", before)
        if named:
            table = by_name.get(named.group(1).lower())
        else:
            table = None if before.endswith(("!", "]", "'")) else own
        groups = _groups(text[1:-1]) or []
        cells = None
        if table is not None and row in table.data_rows and groups[:2] == ["[#This Row]", ","]:
            names = column_specifiers("[" + "".join(groups[2:]) + "]")
            if (
                isinstance(names, list)
                and 1 <= len(names) <= 2
                and set(names) <= set(table.columns)
            ):
                first = table.bounds[1]
                letters = [get_column_letter(first + table.columns.index(n)) for n in names]
                cells = ":".join(f"{letter}{row}" for letter in letters)
        if cells is None:
            out.append(text)
        else:
            if named:
                out[-1] = before[: named.start()]
            out.append(cells)
    return "".join(out)
