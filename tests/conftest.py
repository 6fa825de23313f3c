"""Shared test set-up.

xlwings attaches Excel metadata with ``@xw.func`` only when ``XLWINGS_ON_SERVER`` is
set before its first import, and ``custom_functions_call`` needs a licence key:
``noncommercial`` is the key xlwings provides for noncommercial use.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

os.environ.setdefault("XLWINGS_ON_SERVER", "true")
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import pytest  # noqa: E402
from hypothesis import settings  # noqa: E402

# No per-example time limit: on a shared 2-core machine a slow example is load, not a bug
# (speed is measured in bench/, never in tests).
settings.register_profile("xlsales", deadline=None)
settings.load_profile("xlsales")
import xlwings as xw  # noqa: E402
from officejs import excel_call  # noqa: E402, F401  (the tests import it from here)

DATA = Path(__file__).resolve().parent / "data"


def load_oracle(name: str) -> dict:
    """A published example file, kept in tests/data with its 'about' field."""
    return json.loads((DATA / name).read_text())


def excel_error(module, func_name: str, *args) -> str:
    """The one-line message a cell shows on hover for a bad input."""
    with pytest.raises(xw.XlwingsError) as info:
        excel_call(module, func_name, *args)
    message = str(info.value)
    assert "\n" not in message and "Traceback" not in message
    return message


def recalculate(workbooks: dict, folder: Path) -> dict:
    """Save openpyxl workbooks, recalculate them all in one LibreOffice run, load the values.

    Returns {name: (formulas workbook, values workbook)}. LibreOffice's copies are read
    for their values only.
    """
    from openpyxl import load_workbook

    from workbook_templates import engine

    paths = []
    for name, wb in workbooks.items():
        path = folder / f"{name}.xlsx"
        wb.save(path)
        paths.append(path)
    engine.convert(paths, folder / "calc")
    return {
        name: (
            load_workbook(folder / f"{name}.xlsx"),
            load_workbook(folder / "calc" / f"{name}.xlsx", data_only=True),
        )
        for name in workbooks
    }
