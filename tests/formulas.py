"""Reading the formulas of a generated workbook: which functions, which constants."""

from __future__ import annotations

import re

from openpyxl.formula import Tokenizer
from openpyxl.formula.tokenizer import Token

from workbook_templates.excel_rules import function_problems

STRUCTURAL = {"0", "1"}  # a first row, a +1 step, ROUNDUP(x, 0): structure, not data


def constants(formula: str) -> list[str]:
    """Numeric literals in a formula (text literals are labels and criteria, not numbers)."""
    return [
        t.value
        for t in Tokenizer(formula).items
        if t.type == Token.OPERAND and t.subtype == Token.NUMBER
    ]


def problems(formula: str) -> list[str]:
    found = function_problems(formula)  # the allowed list and the _xlfn. prefix rule
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
