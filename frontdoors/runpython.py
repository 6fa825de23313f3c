"""The classic xlwings add-in's door (Windows and Mac desktop): ``RunPython`` buttons.

A button's macro calls, for example::

    Sub AccountMatrixFromSelection()
        RunPython "import frontdoors.runpython as x; x.from_selection('account-matrix')"
    End Sub

    Sub NewFunnelPlanner()
        RunPython "import frontdoors.runpython as x; x.new('funnel-planner')"
    End Sub

    Sub FunnelPlannerFromInputs()
        RunPython "import frontdoors.runpython as x; x.from_inputs('funnel-planner', " & _
            "target=10, rates='0.3,0.5,0.6,0.4', stage_days='7,7,14,14', due='2027-03-31')"
    End Sub

The workbook is written next to the active workbook (``account-matrix.xlsx``, or
``account-matrix (2).xlsx`` when that name is taken: nothing is overwritten) and
opened. A bad table shows one line (the row as the sheet shows it and the column) in
a message box, and nothing is written. xlwings Lite's scripts (lite/main.py) read the
selection the same way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from frontdoors import kinds
from workbook_templates import save
from xlsales.errors import XlsalesError
from xlsales.records import Cells


def selected_table(book: Any) -> Cells:
    """The selected table of an xlwings Book, header first; one selected cell means the
    table around it (``expand("table")``)."""
    rng = book.selection
    if rng is None:
        raise XlsalesError("nothing is selected: select the table, header row first")
    if rng.count == 1:
        rng = rng.expand("table")
    values = rng.options(ndim=2).value
    return Cells(values, book.name, rng.sheet.name, rng.address.replace("$", ""))


def free_path(folder: Path, kind: str) -> Path:
    """``folder/kind.xlsx``, or the first ``kind (n).xlsx`` that does not exist yet."""
    path = folder / f"{kind}.xlsx"
    n = 2
    while path.exists():
        path = folder / f"{kind} ({n}).xlsx"
        n += 1
    return path


def write_next_to(
    book_path: str | Path, kind: str, cells: Cells | None = None, **options: Any
) -> Path:
    """Build ``kind`` (empty, or from ``cells``) and write it beside ``book_path``.

    An unsaved workbook has no folder: the file goes to the home folder.
    """
    wb, _ = kinds.build(kind, cells, options)
    folder = Path(book_path).parent if Path(book_path).parent != Path() else Path.home()
    return save(wb, free_path(folder, kind))


def _run(kind: str, from_table: bool, options: dict[str, Any]) -> Path | None:
    import xlwings as xw

    book = xw.Book.caller()
    try:
        cells = selected_table(book) if from_table else None
        path = write_next_to(book.fullname, kind, cells, **options)
    except XlsalesError as exc:
        book.app.alert(str(exc), title="xlsales")
        return None
    xw.Book(path)  # opens it
    return path


def from_selection(kind: str, **options: Any) -> Path | None:
    """RunPython: build ``kind`` from the selected table, write it beside the workbook, open it."""
    return _run(kind, True, options)


def from_inputs(kind: str, **options: Any) -> Path | None:
    """RunPython: build ``kind`` from typed inputs (the funnel planner:
    ``x.from_inputs('funnel-planner', target=10, rates='0.3,0.5', stage_days='7,14',
    due='2027-03-31')``), write it beside the workbook, open it."""
    return _run(kind, False, options)


def new(kind: str) -> Path | None:
    """RunPython: write the empty ``kind`` beside the workbook and open it."""
    return _run(kind, False, {})
