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
from workbook_templates.xlsx_reader import cell_name, read, split_cell

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


# Actuals: the rule of xlsales.funnel.stage_gap (plan_gap's) on the entries typed. The
# monthly plan asks stage b for 10 / 0.5 = 20 deals in every period.


def _typed(path, tmp_path, entries):
    """The monthly plan with ``entries`` ({(stage, period, header): number}) typed on
    Actuals without recalculating."""
    from test_verify import _actuals_cell

    for i, ((stage, period, header), value) in enumerate(entries.items()):
        sheet, ref = _actuals_cell(path, stage, period, header)

        def edit(xml, ref=ref, value=value):
            cell = cell_xml(xml, ref)
            style = re.search(r' s="\d+"', cell)
            stored = f'<c r="{ref}"{style.group(0) if style else ""} t="n"><v>{value}</v></c>'
            return xml.replace(cell, stored)

        path = tamper(path, tmp_path / f"t{i}.xlsx", sheet, edit)
    return path


@pytest.mark.parametrize(
    ("entered", "ratio", "status"),
    [
        (20, 1.0, "on course"),  # 20 / 20: exactly the plan is on course
        (19, 0.95, "behind"),  # 19 / 20: one short is behind
        (0, 0.0, "behind"),  # 0 / 20
    ],
)
def test_actuals_plan_against_actual_on_and_beside_the_plan(
    saved, tmp_path, entered, ratio, status
):
    from test_verify import _actuals_cell

    path = _typed(saved["month"], tmp_path, {("b", 1, "entered"): entered})
    got = expected_at(path, *_actuals_cell(saved["month"], "b", 1, "entered to planned"))
    assert got == pytest.approx(ratio)
    assert expected_at(path, *_actuals_cell(saved["month"], "b", 1, "status")) == status
    assert expected_at(path, *_actuals_cell(saved["month"], "b", 1, "planned volume")) == 20


@pytest.mark.parametrize(
    ("entered", "went_on", "step"),
    [
        (20, 20, 1.0),  # all 20 went on: 100 %, the limit
        (20, 19, 0.95),  # 19 / 20
        (0, 0, "no entries"),  # nothing entered: no rate
    ],
)
def test_actuals_step_conversion_by_hand(saved, tmp_path, entered, went_on, step):
    from test_verify import _actuals_cell

    entries = {("b", 1, "entered"): entered, ("b", 1, "went on"): went_on}
    path = _typed(saved["month"], tmp_path, entries)
    sheet, ref = _actuals_cell(saved["month"], "b", 1, "step conversion")
    assert expected_at(path, sheet, ref) == (pytest.approx(step) if step != "no entries" else step)
    report = verify(path)  # typed, not recalculated: the step's saved "not entered" differs
    assert f"{sheet}!{ref}" in cells(report, "recalculation")


def test_actuals_more_went_on_than_entered_is_left_to_the_checks(saved, tmp_path):
    # 21 of 20 went on: a rate above 100 %, refused by stage_gap: the row's ratio, status
    # and step are not judged; the Checks row "went on plus open exceed entered" is
    from test_verify import _actuals_cell

    entries = {("b", 1, "entered"): 20, ("b", 1, "went on"): 21}
    path = _typed(saved["month"], tmp_path, entries)
    expected, _note = recompute.funnel_planner(read(path))
    at = {(s, cell_name(r, c)) for item in expected if len(item) == 2 for (s, r, c), _v in [item]}
    for header in ("entered to planned", "status", "step conversion"):
        assert _actuals_cell(saved["month"], "b", 1, header) not in at
    assert _actuals_cell(saved["month"], "b", 1, "planned volume") in at


# The Checks sheet: every check's value recalculated from the inputs. The plan of 10
# wins at 30 %, 50 % needs exactly 10 / 0.5 = 20 and 20 / 0.3 = 66.67 (67 rounded).


def _check(path, start, column="B"):
    from test_verify_recalc import check_cell

    return check_cell(path, start, column)


PLANNER_CHECKS = {
    # slot a 0.3, b 0.5 in (0, 1]; c (the last) without a rate; empty slots pass
    "Stage rows whose rate breaks a rule": 0,
    # 66.67 x 0.3 x 0.5 - 10 = 0 (float noise at most)
    "Top volume x rates minus target": 0,
    # 67 >= 66.67, 20 >= 20, 10 >= 10
    "Rounded volumes never below the exact need": 0,
    "Tracked periods where went on plus open exceed entered": 0,  # nothing typed
    "Win rate within 0 to 100 %": 0,  # no won or lost deals
    # no actual typed: a and b "no actuals", c and the empty slots "last stage"
    fp.RISE_CHECK: 0,
}


@pytest.mark.parametrize("start", sorted(PLANNER_CHECKS))
def test_a_planner_check_value_by_hand_and_plus_one_found(saved, tmp_path, start):
    sheet, ref = _check(saved["month"], start)
    assert expected_at(saved["month"], sheet, ref) == pytest.approx(PLANNER_CHECKS[start], abs=1e-9)
    path = tamper(saved["month"], tmp_path / "t.xlsx", sheet, set_value(ref, lambda v: v + 1))
    assert cells(verify(path), "recalculation") == {f"{sheet}!{ref}"}


@pytest.mark.parametrize(("still_open", "over"), [(5, 0), (6, 1)])
def test_tracked_periods_on_and_beside_100_percent(saved, tmp_path, still_open, over):
    # entered 20, went on 15, open 5: 15 + 5 = 20 <= 20 passes; open 6: 21 > 20 fails
    entries = {
        ("b", 2, "entered"): 20,
        ("b", 2, "went on"): 15,
        ("b", 2, "open here"): still_open,
    }
    path = _typed(saved["month"], tmp_path, entries)
    assert expected_at(path, *_check(saved["month"], "Tracked periods")) == over
    from test_verify import _actuals_cell

    cell = _actuals_cell(saved["month"], "b", 2, "check counts valid")
    assert expected_at(path, *cell) is (over == 0)


def _rate_cell(path, stage_index):
    """The Inputs cell of the rate of the stage in slot ``stage_index`` (from 0)."""
    from test_verify_recalc import named_cell

    sheet, ref = named_cell(path, "StageNames")
    row, _col = split_cell(ref.split(":")[0])
    return sheet, f"B{row + stage_index}"


@pytest.mark.parametrize(("rate", "bad"), [(1, 0), (1.01, 1), (0.0001, 0), (0, 1)])
def test_rate_rows_on_and_beside_the_limits(saved, tmp_path, rate, bad):
    # a stage's rate must be in (0, 1]: 1 and 0.0001 pass, 1.01 and 0 fail; with a bad
    # rate the core refuses the plan, and the check is still recalculated
    sheet, ref = _rate_cell(saved["month"], 0)
    path = tamper(saved["month"], tmp_path / "t.xlsx", sheet, set_value(ref, lambda v: rate))
    assert expected_at(path, *_check(saved["month"], "Stage rows whose rate")) == bad
    state = expected_at(path, *_check(saved["month"], "Stage rows whose rate", "C"))
    assert bool(state) is (bad == 0)
    assert expected_at(path, *plan_cell(saved["month"], 0, "check: rate valid")) is (bad == 0)


# The per-row check columns and Plan's plan against actual, cell by cell. The monthly
# plan's Plan rows 5-9 are the slots a, b, c and two empty ones (Inputs rows 32-36);
# planned volumes (end rounding): c 10, b 10 / 0.5 = 20, a 20 / 0.3 = 66.67 -> 67.


def plan_cell(path, slot, header):
    """The Plan cell of stage slot ``slot`` (from 0) under ``header`` (row 4)."""
    ws = read(path).sheets["Plan"]
    col = next(c for c, v in ws.cells.row(4).items() if v == header)
    return "Plan", cell_name(5 + slot, col)


def _actual_cell(path, slot):
    """The Inputs cell of the actual this period of stage slot ``slot`` (from 0)."""
    from test_verify_recalc import named_cell

    sheet, ref = named_cell(path, "StageNames")
    row, _col = split_cell(ref.split(":")[0])
    return sheet, f"D{row + slot}"


def _actual_typed(path, tmp_path, actuals):
    """The plan with ``actuals`` ({slot: number}) typed on Inputs, not recalculated."""
    edits = [(_actual_cell(path, slot), value) for slot, value in actuals.items()]

    def edit(xml):
        for (_sheet, ref), value in edits:
            cell = cell_xml(xml, ref)
            style = re.search(r' s="\d+"', cell)
            stored = f'<c r="{ref}"{style.group(0) if style else ""} t="n"><v>{value}</v></c>'
            xml = xml.replace(cell, stored)
        return xml

    return tamper(path, tmp_path / "typed.xlsx", edits[0][0][0], edit)


PLAN_UNTYPED = {
    # no actual typed: ISNUMBER fails, "not entered"; an empty slot's status says so
    (1, "actual"): "not entered",
    (1, "variance"): "not entered",
    (1, "status"): "not entered",
    (3, "actual"): "not entered",
    (3, "status"): "(empty slot)",
    # a, b with a rate in (0, 1], c (the last) without one, empty slots: all TRUE
    (0, "check: rate valid"): True,
    (2, "check: rate valid"): True,
    (4, "check: rate valid"): True,
    # actual rate: a has a rate but no actual above 0; c (the wins) and the empty slot
    # have no rate
    (0, "actual rate"): "no actuals",
    (2, "actual rate"): "last stage",
    (4, "actual rate"): "last stage",
}


@pytest.mark.parametrize("case", sorted(PLAN_UNTYPED, key=str), ids=str)
def test_a_plan_cell_by_hand_and_changed_found_at_its_cell(saved, tmp_path, case):
    path = saved["month"]
    sheet, ref = plan_cell(path, *case)
    assert expected_at(path, sheet, ref) == PLAN_UNTYPED[case]
    if case[1] == "check: rate valid":
        edit = set_value(ref, lambda v: int(1 - v))
    else:

        def edit(xml):
            cell = cell_xml(xml, ref)
            return xml.replace(cell, re.sub(r"<v>([^<]*)</v>", r"<v>\1 </v>", cell))

    report = verify(tamper(path, tmp_path / "t.xlsx", sheet, edit))
    assert cells(report, "recalculation") == {f"{sheet}!{ref}"}


@pytest.mark.parametrize(
    ("actual", "variance", "status"),
    [(20, 0, "on course"), (19, -1, "behind")],  # b plans 20: on it, and one short
)
def test_plan_actual_variance_and_status_on_and_beside_the_plan(
    saved, tmp_path, actual, variance, status
):
    path = _actual_typed(saved["month"], tmp_path, {1: actual})
    want = {"actual": actual, "variance": variance, "status": status}
    for header, value in want.items():
        assert expected_at(path, *plan_cell(saved["month"], 1, header)) == value
    # b's actual rate: c's blank (0) over b's actual = 0, saved as "no actuals"
    assert expected_at(path, *plan_cell(saved["month"], 1, "actual rate")) == 0.0
    # typed without recalculating: the three cells saved "not entered" and the actual
    # rate are named
    report = verify(path)
    found = {c for c in cells(report, "recalculation") if c.startswith("Plan!")}
    changed = [*want, "actual rate"]
    assert found == {"Plan!{}".format(plan_cell(saved["month"], 1, h)[1]) for h in changed}


def test_plan_actual_in_an_empty_slot_and_a_negative_actual(saved, tmp_path):
    # an empty slot plans 0: 5 typed there is 5 over it, and the status says "(empty
    # slot)"; b's -1 breaks the input rule (>= 0): its actual is shown, its variance and
    # status (stage_gap refuses a negative count) are left to the input check
    month = saved["month"]
    path = _actual_typed(month, tmp_path, {3: 5, 1: -1})
    assert expected_at(path, *plan_cell(month, 3, "actual")) == 5
    assert expected_at(path, *plan_cell(month, 3, "variance")) == 5
    assert expected_at(path, *plan_cell(month, 3, "status")) == "(empty slot)"
    assert expected_at(path, *plan_cell(month, 1, "actual")) == -1
    with pytest.raises(KeyError):
        expected_at(path, *plan_cell(month, 1, "variance"))
    report = verify(path)
    sheet, ref = _actual_cell(month, 1)
    assert cells(report, "input") == {f"{sheet}!{ref}"}


def test_plan_against_actual_recalculated_by_libreoffice_agrees(saved, tmp_path):
    # a 70 (67 planned: on course, +3), b 19 (20 planned: behind, -1), an empty slot 5,
    # recalculated by LibreOffice: verify finds nothing
    from workbook_templates import engine

    month = saved["month"]
    engine.convert([_actual_typed(month, tmp_path, {0: 70, 1: 19, 3: 5})], tmp_path / "calc")
    path = tmp_path / "calc" / "typed.xlsx"
    for slot, header, value in (
        (0, "variance", 3),
        (0, "status", "on course"),
        (1, "variance", -1),
        (1, "status", "behind"),
        (3, "variance", 5),
        # actual rate: b's 19 over a's 70; c's blank counts 0 (N()) over b's 19; the
        # empty slot has no rate
        (0, "actual rate", pytest.approx(19 / 70)),
        (1, "actual rate", 0.0),
        (3, "actual rate", "last stage"),
    ):
        assert expected_at(path, *plan_cell(month, slot, header)) == value
    report = verify(path)
    assert report.status == 0, [f.line() for f in report.findings]


def test_an_actuals_counts_cell_flipped_is_found_at_its_cell(saved, tmp_path):
    from test_verify import _actuals_cell

    sheet, ref = _actuals_cell(saved["month"], "b", 2, "check counts valid")
    assert expected_at(saved["month"], sheet, ref) is True  # 0 + 0 <= 0
    path = tamper(saved["month"], tmp_path / "t.xlsx", sheet, set_value(ref, lambda v: int(1 - v)))
    assert cells(verify(path), "recalculation") == {f"{sheet}!{ref}"}


@pytest.mark.parametrize(
    ("typed", "want"),
    [
        # a's actual at the N(actual) > 0 limit: 0 reads "no actuals", 1 a rate (b's 0
        # over a's 1)
        ({0: 0}, "no actuals"),
        ({0: 1}, 0.0),
        # at the 100 % limit: b holds as many as a (70 / 70 = 1); 35 of 70 = 0.5
        ({0: 70, 1: 70}, 1.0),
        ({0: 70, 1: 35}, 0.5),
    ],
)
def test_actual_rate_on_and_beside_its_limits(saved, tmp_path, typed, want):
    month = saved["month"]
    path = _actual_typed(month, tmp_path, typed)
    assert expected_at(path, *plan_cell(month, 0, "actual rate")) == want


@pytest.mark.parametrize(("b", "want", "rises"), [(70, 1.0, 0), (71, fp.RISE, 1)])
def test_actual_rate_and_the_rise_check_on_and_beside_100_percent(saved, tmp_path, b, want, rises):
    # a 70, b 70: 70 / 70 = 1 (100 %, the limit, a number); b 71 = 70 + 1: stage_conversion
    # refuses the rise (71 > 70) while 71, 70 the other way round pass: "next stage holds
    # more", and the Checks line counts 1 row; it passes either way (no number above
    # 100 %). b's own rate: c's blank (0) over b's actual = 0
    month = saved["month"]
    path = _actual_typed(month, tmp_path, {0: 70, 1: b})
    assert expected_at(path, *plan_cell(month, 0, "actual rate")) == want
    assert expected_at(path, *plan_cell(month, 1, "actual rate")) == 0.0
    assert expected_at(path, *_check(month, fp.RISE_CHECK)) == rises
    assert expected_at(path, *_check(month, fp.RISE_CHECK, "C")) is True


def test_a_fraction_beside_a_rise_is_not_judged(saved, tmp_path):
    # a 70.5, b 71: stage_conversion refuses 70.5 (not a whole count) either way round,
    # so a's actual rate and the count of rising rows are left to the input check
    month = saved["month"]
    path = _actual_typed(month, tmp_path, {0: 70.5, 1: 71})
    with pytest.raises(KeyError):
        expected_at(path, *plan_cell(month, 0, "actual rate"))
    with pytest.raises(KeyError):
        expected_at(path, *_check(month, fp.RISE_CHECK))
    assert expected_at(path, *plan_cell(month, 1, "actual rate")) == 0.0


def test_rising_actuals_recalculated_by_libreoffice_agree(saved, tmp_path):
    # a 70, b 71, c 80, recalculated by LibreOffice: b holds more than a (71 > 70) and c
    # more than b (80 > 71): both say "next stage holds more", c is the last stage;
    # Checks counts 2 rows, passes, and the master check stays OK. verify's recalculation
    # (the core's refusal) agrees with every value LibreOffice saved: no finding
    from workbook_templates import engine

    month = saved["month"]
    engine.convert([_actual_typed(month, tmp_path, {0: 70, 1: 71, 2: 80})], tmp_path / "calc")
    path = tmp_path / "calc" / "typed.xlsx"
    book = read(path)

    def saved_value(sheet, ref):
        return book.sheets[sheet].cells.value(split_cell(ref))

    for slot, want in ((0, fp.RISE), (1, fp.RISE), (2, "last stage")):
        cell = plan_cell(month, slot, "actual rate")
        assert saved_value(*cell) == want
        assert expected_at(path, *cell) == want
    for column, want in (("B", 2), ("C", True)):
        cell = _check(month, fp.RISE_CHECK, column)
        assert saved_value(*cell) == want
        assert expected_at(path, *cell) == want
    assert saved_value("Checks", "B3") == "OK"
    report = verify(path)
    assert report.status == 0, [f.line() for f in report.findings]
