"""xlwings Lite: the xlsales templates from inside Excel (Windows, Mac, the web), free.

Paste this file into xlwings Lite's main.py tab and lite/requirements.txt into its
requirements.txt tab. Each template has two scripts: one builds it empty, one from the
selected table (header row first; one selected cell means the table around it); the
funnel planner has a third, from the typed inputs in INPUTS below. The
workbook opens with Excel.createWorkbook where Lite's Python can reach Office.js;
elsewhere the script says so and points to the xlsales pane. Every script is a thin
layer over frontdoors.kinds.build, the same call the CLI and the HTTP API make.
"""

import base64

import xlwings as xw
from xlwings import script

from frontdoors import kinds
from frontdoors.runpython import selected_table
from workbook_templates import to_bytes
from xlsales.errors import XlsalesError


def open_workbook(data: bytes) -> None:
    """Hand the workbook to Excel.createWorkbook (Pyodide's bridge to the page)."""
    try:
        import js  # Pyodide: the page's JavaScript globals
    except ImportError:
        js = None
    excel = getattr(js, "Excel", None)
    if excel is None or not hasattr(excel, "createWorkbook"):
        raise XlsalesError(
            "this xlwings Lite cannot open a new workbook from Python: use the xlsales "
            "pane (xlsales serve) or the xlsales command for this template"
        )
    excel.createWorkbook(base64.b64encode(data).decode("ascii"))


def build(book: xw.Book, kind: str, from_table: bool, **options) -> str:
    """Build ``kind`` (empty or from the selection) and open it; the line to show."""
    try:
        cells = selected_table(book) if from_table else None
        wb, source = kinds.build(kind, cells, options)
        open_workbook(to_bytes(wb))
    except XlsalesError as exc:
        print(f"xlsales: {exc}")  # Lite shows print output in its pane
        return str(exc)
    done = f"{kind}: opened in a new workbook"
    if source is not None:
        done += f" ({source.rows} rows read, SHA-256 {source.sha256[:12]}...)"
    print(done)
    return done


def _script(kind: str, how: str):
    """The Lite script for ``kind``: account_matrix_empty, account_matrix_from_selection,
    funnel_planner_from_inputs (``how``: empty, from_selection or from_inputs)."""
    options = {"empty": {}, "from_selection": OPTIONS, "from_inputs": INPUTS}[how]

    def run(book: xw.Book):
        build(book, kind, how == "from_selection", **options.get(kind, {}))

    run.__name__ = run.__qualname__ = f"{kind.replace('-', '_')}_{how}"
    return script(run)


# Options for the scripts that read a table: edit them here (the stage order is your CRM's).
OPTIONS = {"funnel-planner": {"stages": "Lead,Qualified,Meeting,Proposal,Won"}}

# Typed inputs for the from_inputs scripts (the options of `xlsales template funnel-planner`,
# underscores for dashes): edit them here.
INPUTS = {
    "funnel-planner": {
        "target": 10,
        "rates": "0.3,0.5,0.6,0.4",
        "stage_days": "7,7,14,14",
        "due": "2027-03-31",
        "every": "month",
        "stages": "Lead,Qualified,Meeting,Proposal,Won",
    }
}

# Scripts per template, for every template kind there is (a new template appears here
# as soon as xlsales has it): account_matrix_empty, account_matrix_from_selection, ...,
# and funnel_planner_from_inputs for a template with typed inputs.
globals().update(
    {
        run.__name__: run
        for run in (
            _script(k.name, how)
            for k in kinds.KINDS.values()
            for how in (
                ("empty",)
                + (("from_selection",) if k.filled else ())
                + (("from_inputs",) if k.typed else ())
            )
        )
    }
)
