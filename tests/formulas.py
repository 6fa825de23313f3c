"""Reading the formulas of a generated workbook: which functions, which constants."""

from __future__ import annotations

import re

from openpyxl.formula import Tokenizer
from openpyxl.formula.tokenizer import Token

# Functions that Excel 2016+ and LibreOffice 7.4 both evaluate, none volatile, none
# dynamic-array. A template formula must use nothing else.
ALLOWED = {
    "ABS",
    "AND",
    "COUNT",
    "COUNTIF",
    "COUNTIFS",
    "EDATE",
    "IF",
    "INT",
    "ISNUMBER",
    "LEN",
    "MEDIAN",
    "N",
    "NETWORKDAYS",
    "NOT",
    "OR",
    "ROUND",
    "ROUNDUP",
    "ROW",
    "ROWS",
    "SUM",
    "SUMIFS",
    "SUMPRODUCT",
    "TRIM",
}
VOLATILE = {"NOW", "TODAY", "RAND", "RANDBETWEEN", "OFFSET", "INDIRECT", "CELL", "INFO"}
STRUCTURAL = {"0", "1"}  # a first row, a +1 step, ROUNDUP(x, 0): structure, not data


def functions(formula: str) -> set[str]:
    tokens = Tokenizer(formula).items
    return {
        t.value.rstrip("(").upper().removeprefix("_XLFN.")
        for t in tokens
        if t.type == Token.FUNC and t.subtype == Token.OPEN
    }


def constants(formula: str) -> list[str]:
    """Numeric literals in a formula (text literals are labels and criteria, not numbers)."""
    return [
        t.value
        for t in Tokenizer(formula).items
        if t.type == Token.OPERAND and t.subtype == Token.NUMBER
    ]


def problems(formula: str) -> list[str]:
    found = []
    for name in functions(formula) - ALLOWED:
        found.append(f"function {name} is not in the allowed set")
    for value in constants(formula):
        if value not in STRUCTURAL:
            found.append(f"constant {value} inside the formula")
    if re.search(r"\[#This Row\]|@", formula):
        found.append("implicit intersection")
    return found


def all_formulas(wb):
    """(sheet, cell, formula) for every formula cell of an openpyxl workbook."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f" and isinstance(cell.value, str):
                    yield ws.title, cell.coordinate, cell.value
