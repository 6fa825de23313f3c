"""xlsales verify recalculates the funnel planner's Schedule with the Python core: plans
for 10 wins at 30 % then 50 %, 7 days in each of stages a and b, built, recalculated and
saved by LibreOffice. The untampered files are clean, the recalculation gives the
hand-worked dates and texts, and a +1 (or a changed text) on one cached value is found
at exactly that cell.

Stage a must start 7 + 7 = 14 days before each due date, b 7 days before, c (the wins)
on it. Serials: 1 Jan 2026 = 46023, 31 Jan = 46053, 28 Feb = 46081, 29 May = 46023 + 31
+ 28 + 31 + 30 + 28 = 46171.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from test_verify import cell_xml, cells, libreoffice_saved, set_value, tamper

from workbook_templates import funnel_planner as fp
from workbook_templates import recompute
from workbook_templates.verify import verify
from workbook_templates.xlsx_reader import cell_name, read

pytestmark = pytest.mark.engine
PLAN = (10, [0.3, 0.5], [7, 7], ["a", "b", "c"])


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    books = {
        "month": fp.build(*PLAN, dt.date(2026, 1, 31)),
        "week": fp.build(*PLAN, dt.date(2026, 5, 29), every="week"),
        "once": fp.build(*PLAN, dt.date(2026, 5, 29), every="once"),
        "no_due": fp.build(*PLAN),
    }
    return libreoffice_saved(tmp_path_factory.mktemp("recalc_planner"), books)


def schedule_cell(path, period, column):
    """The Schedule cell of ``period`` (by its number in column A) under ``column``
    ("due" or a stage's name, as row 4 shows them)."""
    ws = read(path).sheets["Schedule"]
    col = next(c for c, v in ws.cells.row(4).items() if v == column)
    row = next(r for r in range(5, 30) if ws.cells.value((r, 1)) == period)
    return "Schedule", cell_name(row, col)


def expected_at(path, sheet, ref):
    expected, _note = recompute.funnel_planner(read(path))
    at = {(s, cell_name(r, c)): v for item in expected if len(item) == 2 for (s, r, c), v in [item]}
    return at[(sheet, ref)]


HAND = {
    # EDATE(31 Jan, 1) keeps the month's end: 28 Feb = 46081; a starts 14 days before
    ("month", 2, "due"): 46081,
    ("month", 2, "a"): 46081 - 14,
    # EDATE(31 Jan, 3): 30 April = 46081 + 31 + 30 = 46142 (31 April does not exist)
    ("month", 4, "b"): 46142 - 7,
    # weekly: 29 May + 2 x 7 days = 12 June = 46185; b starts a week before
    ("week", 3, "due"): 46171 + 14,
    ("week", 3, "b"): 46171 + 14 - 7,
    ("once", 1, "a"): 46171 - 14,
    # a one-off plan plans 1 period: the second is after the plan, in every column
    ("once", 2, "due"): "after the plan",
    ("once", 2, "c"): "after the plan",
    ("no_due", 1, "due"): "set a due date",
    ("no_due", 5, "b"): "set a due date",
}


@pytest.mark.parametrize("name", ["month", "week", "once", "no_due"])
def test_untampered_planner_is_clean(saved, name):
    report = verify(saved[name])
    assert report.status == 0, [f.line() for f in report.findings]
    assert "Schedule" in report.facts["Recalculation"]


@pytest.mark.parametrize("case", sorted(HAND, key=str), ids=str)
def test_a_schedule_cell_by_hand(saved, case):
    name, period, column = case
    sheet, ref = schedule_cell(saved[name], period, column)
    assert expected_at(saved[name], sheet, ref) == HAND[case]


@pytest.mark.parametrize("name, period, column", [("month", 3, "due"), ("week", 2, "a")])
def test_a_schedule_date_plus_one_is_found_at_its_cell(saved, tmp_path, name, period, column):
    sheet, ref = schedule_cell(saved[name], period, column)
    path = tamper(saved[name], tmp_path / "t.xlsx", sheet, set_value(ref, lambda v: v + 1))
    report = verify(path)
    assert cells(report, "recalculation") == {f"{sheet}!{ref}"}
    finding = next(f for f in report.findings if f.check == "recalculation")
    assert float(finding.found) - float(finding.expected) == 1


def test_a_changed_schedule_text_is_found_at_its_cell(saved, tmp_path):
    sheet, ref = schedule_cell(saved["once"], 3, "b")

    def edit(xml):
        cell = cell_xml(xml, ref)
        return xml.replace(cell, re.sub(r"<v>after the plan</v>", "<v>after the pla</v>", cell))

    report = verify(tamper(saved["once"], tmp_path / "t.xlsx", sheet, edit))
    assert cells(report, "recalculation") == {f"{sheet}!{ref}"}
