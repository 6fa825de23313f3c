"""The prospecting log's payoff of block 0 and its wins-before-the-first-activity count on
their limits, through LibreOffice.

Found by scripts/mutation_formulas.py (issue 16): with the Prospects table's
``IF([block]=0,0,...)`` giving 1 instead of 0 for a prospect first touched before the
report start, or the count of wins before the first activity reading ``won_value>=0`` or
``won_value>1`` instead of ``won_value>0``, no test failed: no log had a prospect in
block 0 with a win, a dated row with a won value of 0, or a win worth exactly 1 dated
before the first touch.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from conftest import recalculate
from test_templates_engine import table

from workbook_templates import prospecting_log as pl

pytestmark = pytest.mark.engine
D = dt.date
START = D(2026, 1, 1)  # block 1 = 1-30 Jan 2026
AS_OF = D(2026, 5, 1)
COLUMNS = ["date", "rep", "type", "prospect", "pipeline_value", "won_value", "won_date"]
ROWS = [
    # Zed: first touched 20 Dec 2025, before the report start: block 0, no payoff window;
    # its 700 pipeline and its 900 won on 10 Jan fall inside its own 90-day window
    (D(2025, 12, 20), "Ann", "call", "Zed", 700, 900, D(2026, 1, 10)),
    (D(2026, 1, 5), "Ann", "call", "Acme", 0, 0, None),
    # a won date typed on a row worth 0: not a win (won_value > 0 is the rule), so not a
    # win before Acme's first activity (5 Jan) although 31 Dec is before it
    (D(2026, 1, 6), "Ann", "e-mail", "Acme", 0, 0, D(2025, 12, 31)),
    # Brix: a win worth 1 (just above the limit 0); its date is typed on the sheet as
    # 2 Jan below, 6 days before Brix's first activity on 8 Jan
    (D(2026, 1, 8), "Bob", "call", "Brix", 0, 1, D(2026, 1, 20)),
    # Edge and Late: first touched 2 Jan; the window is 90 days with the first one:
    # 2 Jan + 89 days = 1 Apr (29 days to 31 Jan, 28 in Feb, 31 in Mar, then 1 Apr).
    # Edge's pipeline on 1 Apr, the window's last day: in the window, not poor;
    # Late's on 2 Apr, one day after: not in it, so Late is poor (window closed by 1 May)
    (D(2026, 1, 2), "Bob", "call", "Edge", 0, 0, None),
    (D(2026, 4, 1), "Bob", "meeting", "Edge", 500, 0, None),
    (D(2026, 1, 2), "Bob", "call", "Late", 0, 0, None),
    (D(2026, 4, 2), "Bob", "meeting", "Late", 400, 0, None),
]


@pytest.fixture(scope="module")
def log(tmp_path_factory):
    frame = pd.DataFrame(ROWS, columns=COLUMNS).assign(outcome="")
    wb = pl.build(frame, start=START, as_of=AS_OF)
    # the core refuses a win before the first touch; in the workbook a user can type one
    ws = wb["Log"]
    head = {c.value: c.column for c in ws[4]}
    row = next(r for r in range(5, ws.max_row + 1) if ws.cell(r, head["prospect"]).value == "Brix")
    ws.cell(row, head["won_date"]).value = D(2026, 1, 2)
    _, values = recalculate({"log": wb}, tmp_path_factory.mktemp("pl"))["log"]
    return values


def test_a_prospect_in_block_0_has_no_payoff(log):
    zed = {r["prospect"]: r for r in table(log, "Prospects")}["Zed"]
    # 20 Dec 2025 < report start 1 Jan 2026: block 0, no payoff window, payoff 0 (block 0
    # is the limit of the IF); its window (20 Dec + 89 days = 19 Mar) still holds the 900
    assert zed["block"] == 0
    assert zed["payoff window ends"] == "no block"
    assert [zed[k] for k in ("pipeline in payoff", "won in payoff", "wins in payoff")] == [0, 0, 0]
    assert zed["won in window"] == 900


def test_wins_before_the_first_activity_count_only_won_values_above_0(log):
    prospects = {r["prospect"]: r for r in table(log, "Prospects")}
    # Acme: the only dated row is worth 0 (on the limit: not a win) -> 0;
    # Brix: 1 won on 2 Jan < first activity 8 Jan (1 > 0: a win) -> 1
    assert prospects["Acme"]["wins before first activity"] == 0
    assert prospects["Brix"]["wins before first activity"] == 1
    assert prospects["Zed"]["wins before first activity"] == 0  # won 10 Jan, after 20 Dec
    checks = {log["Checks"][f"A{r}"].value: log["Checks"][f"B{r}"].value for r in range(5, 13)}
    # the check sums them: 0 + 1 + 0 = 1, which fails it, and the master check with it
    assert checks["Wins dated before the first activity on their prospect (cannot be true)"] == 1
    assert log["Checks"]["B3"].value == "CHECK FAILED"


def test_pipeline_on_the_last_day_of_the_window_counts_the_day_after_does_not(log):
    prospects = {r["prospect"]: r for r in table(log, "Prospects")}
    edge, late = prospects["Edge"], prospects["Late"]
    for p in (edge, late):  # 2 Jan + 89 days
        assert p["window ends"].date() == D(2026, 4, 1)
    assert edge["pipeline in window"] == 500 and edge["Poor prospect"] in (False, 0)
    assert late["pipeline in window"] == 0 and late["Poor prospect"] in (True, 1)


def test_every_activity_types_minutes_cell_takes_a_number_from_0():
    # the minutes per activity type (call, e-mail, LinkedIn message, meeting, other): each
    # of the 5 cells, the last one ("other") included, has the "decimal from 0" validation
    wb = pl.build(pd.DataFrame(ROWS, columns=COLUMNS).assign(outcome=""), start=START, as_of=AS_OF)
    sheet, ref = next(wb.defined_names["TypeMinutes"].destinations)
    ws = wb[sheet]
    cells = [c.coordinate for row in ws[ref.replace("$", "")] for c in row]
    assert len(cells) == 5
    decimal = [dv for dv in ws.data_validations.dataValidation if dv.type == "decimal"]
    for cell in cells:
        assert [dv.operator for dv in decimal if cell in dv.sqref] == ["greaterThanOrEqual"]


def test_a_row_whose_type_is_not_on_the_type_list_breaks_its_inputs_rule(tmp_path):
    # found by scripts/mutation_formulas.py (seed 1126): COUNTIF(TypeList, type)>0 changed
    # to >=0 survived, as no log row had a type missing from the list. Three dated rows,
    # each with a prospect and no values: "call" is listed (valid), "CALL" too (COUNTIF
    # ignores case), "pigeon" is not (the row breaks the rule)
    frame = pd.DataFrame(
        [(D(2026, 1, 5), "Ann", "call", p, 0, 0, None) for p in ("Acme", "Brix", "Cato")],
        columns=COLUMNS,
    ).assign(outcome="")
    wb = pl.build(frame, start=START, as_of=AS_OF)
    ws = wb["Log"]
    head = {c.value: c.column for c in ws[4]}
    rows = {ws.cell(r, head["prospect"]).value: r for r in range(5, 8)}
    ws.cell(rows["Brix"], head["type"]).value = "CALL"
    ws.cell(rows["Cato"], head["type"]).value = "pigeon"
    _, values = recalculate({"types": wb}, tmp_path)["types"]
    shown = values["Log"]
    valid = {p: shown.cell(r, head["inputs valid"]).value for p, r in rows.items()}
    assert valid == {"Acme": True, "Brix": True, "Cato": False}
