"""Named ranges with every slot filled (issue 16), through LibreOffice.

A range one row short (``StageNames`` or ``TypeList`` missing its last slot) passes every
test that leaves that slot empty; here the last slot is used, and the numbers are
worked by hand.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from conftest import recalculate

from workbook_templates import funnel_planner as fp
from workbook_templates import prospecting_log as pl
from xlsales.records import ACTIVITY_TYPES

pytestmark = pytest.mark.engine

FIRST = 5  # first data row of every table
DUE = dt.date(2026, 6, 30)


def planner_with_every_slot_filled():
    wb = fp.build(1, [0.5], [10], ["Lead", "Won"], DUE)  # 2 stages + 2 spare slots = 4
    ws = wb["Inputs"]
    first = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Lead")
    slots = [("S1", 0.5, 1.25), ("S2", 0.5, 2), ("S3", 0.5, 3), ("S4", None, None)]
    for i, (name, rate, days) in enumerate(slots):
        ws.cell(first + i, 1).value = name
        ws.cell(first + i, 2).value = rate
        ws.cell(first + i, 3).value = days
    return wb


def log_of_every_type():
    day = dt.date(2026, 1, 5)
    return pd.DataFrame(
        {
            "date": [day] * len(ACTIVITY_TYPES),
            "rep": ["Ann"] * len(ACTIVITY_TYPES),
            "type": list(ACTIVITY_TYPES),
            "prospect": [f"P{i}" for i in range(len(ACTIVITY_TYPES))],
            "outcome": [""] * len(ACTIVITY_TYPES),
            "pipeline_value": [0.0] * len(ACTIVITY_TYPES),
            "won_value": [0.0] * len(ACTIVITY_TYPES),
            "won_date": [None] * len(ACTIVITY_TYPES),
        }
    )


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    return recalculate(
        {"fp_full": planner_with_every_slot_filled(), "pl_types": pl.build(log_of_every_type())},
        tmp_path_factory.mktemp("named"),
    )


def test_stage_names_with_every_slot_filled(books):
    plan = books["fp_full"][1]["Plan"]
    assert plan["B2"].value == 4  # StageNames: all 4 slots named
    rows = range(FIRST, FIRST + 4)
    assert [plan[f"A{r}"].value for r in rows] == ["S1", "S2", "S3", "S4"]
    # 1 win at S4 (the last slot, no rate); S3 = 1 / 0.5 = 2, S2 = 4, S1 = 8
    assert [plan[f"F{r}"].value for r in rows] == [8, 4, 2, 1]
    # days to the win: S1 1.25 + 2 + 3 = 6.25 -> 7 days before 30 June = 23 June;
    # S2 2 + 3 = 5 -> 25 June; S3 3 -> 27 June; S4 on the due date
    starts = [plan[f"H{r}"].value for r in rows]
    assert [d.date() if isinstance(d, dt.datetime) else d for d in starts] == [
        dt.date(2026, 6, 23), dt.date(2026, 6, 25), dt.date(2026, 6, 27), DUE
    ]  # fmt: skip
    # the rate check: every slot valid, the last (StageCount = 4) without a rate
    assert [plan[f"L{r}"].value for r in rows] == [True] * 4


def test_type_list_with_every_type_used(books):
    ws = books["pl_types"][1]["Log"]
    head = [c.value for c in ws[FIRST - 1]]
    rows = [dict(zip(head, [c.value for c in row])) for row in ws.iter_rows(min_row=FIRST)]
    rows = [r for r in rows if r["type"]]
    # minutes per type: call 10, e-mail 5, LinkedIn message 5, meeting 60, other 15 (the
    # last slot of TypeList), each a valid type
    assert [(r["type"], r["minutes"]) for r in rows] == [
        ("call", 10), ("e-mail", 5), ("LinkedIn message", 5), ("meeting", 60), ("other", 15)
    ]  # fmt: skip
    assert [r["inputs valid"] for r in rows] == [True] * 5
