"""The funnel UDFs through xlwings' own conversion code, as Office.js calls them."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest
from conftest import excel_call, excel_error, load_oracle

import udfs
import xlsales

ORACLE = load_oracle("funnel_examples.json")
SALES_MATH = next(c for c in ORACLE["reverse_funnel"] if c["name"] == "sales-math")
EXCEL_2026_03_02 = 46083  # =DATE(2026,3,2) in Excel's 1900 date system


def dates(cells):
    """Formatted date results back to Python dates (Excel serials from 1899-12-30)."""
    return [
        dt.date(1899, 12, 30) + dt.timedelta(days=c["basicValue"]) if isinstance(c, dict) else c
        for c in cells
    ]


def test_required_leads_column_in_column_out():
    rates = [[r] for r in SALES_MATH["rates"]]
    got = excel_call(udfs, "REQUIRED_LEADS", SALES_MATH["target"], rates)
    assert got == [[v] for v in SALES_MATH["volumes"]]


def test_required_leads_row_in_row_out_with_trailing_blanks():
    rates = [SALES_MATH["rates"] + ["", ""]]  # a selection wider than the rates
    got = excel_call(udfs, "REQUIRED_LEADS", SALES_MATH["target"], rates)
    assert got == [SALES_MATH["volumes"]]


def test_required_leads_rounding_modes_hand_derived():
    # the oracle's rounding case is derived by hand (see tests/test_funnel.py for the steps)
    case = ORACLE["rounding"]
    for mode in ("stage", "end"):
        got = excel_call(udfs, "REQUIRED_LEADS", case["target"], [case["rates"]], mode)
        assert got == [case[mode]]


def test_required_leads_column_of_targets_gives_a_row_each():
    case = ORACLE["rounding"]
    # 7 wins is the published case; 14 wins doubles each exact need before rounding up:
    # 414.81 -> 415, 103.70 -> 104, 31.11 -> 32, 14
    got = excel_call(udfs, "REQUIRED_LEADS", [[7], [14]], [case["rates"]])
    assert got == [case["end"], [415, 104, 32, 14]]
    got = excel_call(udfs, "REQUIRED_LEADS", [[7, 14]], [case["rates"]])  # a row of targets
    assert got == [list(col) for col in zip(case["end"], [415, 104, 32, 14])]


def test_required_leads_blank_optional_arguments_take_defaults():
    case = ORACLE["rounding"]
    got = excel_call(udfs, "REQUIRED_LEADS", case["target"], [case["rates"]], "", "")
    assert got == [case["end"]]


def test_required_leads_show_working_table():
    case = ORACLE["rounding"]
    names = [["leads", "qualified", "proposals", "won"]]
    got = excel_call(udfs, "REQUIRED_LEADS", case["target"], [case["rates"]], "end", True, names)
    assert got[0] == ["stage", "rate to next", "exact need", "volume (end)"]
    assert [r[0] for r in got[1:]] == names[0]
    assert [r[1] for r in got[1:]] == case["rates"] + [""]
    assert [r[2] for r in got[1:]] == pytest.approx(case["none"], rel=1e-12)
    assert [r[3] for r in got[1:]] == case["end"]


def test_stage_conversion_and_cumulative_published():
    case = ORACLE["stage_conversion"][0]
    got = excel_call(udfs, "STAGE_CONVERSION", [[c] for c in case["counts"]])
    assert [r[0] for r in got] == pytest.approx(case["step"])
    got = excel_call(udfs, "CUMULATIVE_CONVERSION", [case["counts"]])
    assert got[0][-1] == pytest.approx(case["overall"])
    assert got[0][0] == 1


def test_block_selection_is_read_row_by_row():
    # a 2 x 2 block of counts 1000, 400 / 150, 30 is the same funnel as the oracle
    case = ORACLE["stage_conversion"][0]
    got = excel_call(udfs, "CUMULATIVE_CONVERSION", [case["counts"][:2], case["counts"][2:]])
    assert got[1][1] == pytest.approx(case["overall"])


def test_velocity_and_win_rate_published():
    case = ORACLE["pipeline_velocity"][0]
    args = (case["opportunities"], case["win_rate"], case["deal_size"], case["cycle_days"])
    assert excel_call(udfs, "PIPELINE_VELOCITY", *args)[0][0] == pytest.approx(case["per_day"])
    assert excel_call(udfs, "WIN_RATE", 12, 36) == [[0.25]]  # 12 / (12 + 36)


def test_funnel_schedule_dates_arrive_as_excel_dates():
    # 10 wins a week from 100 approaches at 10 %, approaches take 14 days:
    # start 2026-03-02 - 14 days = 2026-02-16, then a week later for period 2.
    got = excel_call(
        udfs, "FUNNEL_SCHEDULE", 10, [[0.1]], [[14]], EXCEL_2026_03_02, "end", "week", 2
    )
    assert got[0][0] == 100 and dates(got[0][1:]) == [dt.date(2026, 2, 16), dt.date(2026, 2, 23)]
    assert got[1][0] == 10 and dates(got[1][1:]) == [dt.date(2026, 3, 2), dt.date(2026, 3, 9)]


def test_funnel_schedule_row_input_spills_rows():
    got = excel_call(udfs, "FUNNEL_SCHEDULE", 4, [[0.5, 0.5]], [[20, 10]], EXCEL_2026_03_02)
    assert got[0] == [16, 8, 4]  # volumes in the first row, like the rates
    # starts: 03-02 - 30 days, - 10 days, the due date itself
    assert dates(got[1]) == [dt.date(2026, 1, 31), dt.date(2026, 2, 20), dt.date(2026, 3, 2)]


def test_funnel_schedule_working_table():
    got = excel_call(
        udfs, "FUNNEL_SCHEDULE", 4, [[0.5, 0.5]], [[20, 10]], EXCEL_2026_03_02, "", "", "", True
    )
    assert got[0] == ["period", "due", "stage", "rate to next", "exact need", "volume", "start by"]
    assert [r[2] for r in got[1:]] == ["stage 1", "stage 2", "stage 3"]
    assert [r[5] for r in got[1:]] == [16, 8, 4]
    assert dates([r[6] for r in got[1:]])[0] == dt.date(2026, 1, 31)


def test_version_for_the_audit_trail():
    assert excel_call(udfs, "XLSALES_VERSION") == [[xlsales.__version__]]


@pytest.mark.parametrize(
    "func, args, message",
    [
        ("REQUIRED_LEADS", (10, [[0.5, 1.3]]), "REQUIRED_LEADS: rates[1]=1.3 must be in (0, 1]"),
        ("REQUIRED_LEADS", (10, [[0.5, "", 0.2]]), "REQUIRED_LEADS: rates[1] is blank"),
        ("REQUIRED_LEADS", (10, [["", ""]]), "REQUIRED_LEADS: rates is empty"),
        ("REQUIRED_LEADS", ("", [[0.5]]), "REQUIRED_LEADS: target is blank"),
        ("REQUIRED_LEADS", ("ten", [[0.5]]), "REQUIRED_LEADS: target='ten' is not a number"),
        ("REQUIRED_LEADS", (-3, [[0.5]]), "REQUIRED_LEADS: target=-3 must be 0 or more"),
        ("REQUIRED_LEADS", (3, [[0.5]], "up"), "REQUIRED_LEADS: rounding='up' must be one of"),
        ("REQUIRED_LEADS", ([[1], [-2]], [[0.5]]), "REQUIRED_LEADS: targets[1]=-2 must be 0"),
        ("REQUIRED_LEADS", ([[1], ["x"]], [[0.5]]), "REQUIRED_LEADS: targets[1]='x' is not a"),
        ("REQUIRED_LEADS", (3, [[0.5]], "end", "maybe"), "show_working='maybe' must be TRUE"),
        ("STAGE_CONVERSION", ([[100, 150]],), "counts[1]=150 is more than counts[0]=100"),
        (
            "STAGE_CONVERSION",
            ([[100, 0, 0]],),
            "counts[1]=0: the conversion from stage 2 to stage 3",
        ),
        ("STAGE_CONVERSION", ([[100, 2.5]],), "counts[1]=2.5 must be a whole number"),
        ("WIN_RATE", (0, 0), "WIN_RATE: won=0 and lost=0: the win rate is undefined"),
        ("PIPELINE_VELOCITY", (10, 0.2, 100, 0), "average_cycle_days=0 must be more than 0"),
        ("FUNNEL_SCHEDULE", (1, [[0.5]], [[3, 4]], 46083), "stage_days has 2 value(s) but rates"),
        ("FUNNEL_SCHEDULE", (1, [[0.5]], [[3]], "soon"), "due='soon' is not an Excel date"),
        ("FUNNEL_SCHEDULE", (1, [[0.5]], [[3]], 46083, "end", "year"), "every='year' must be"),
    ],
)
def test_bad_input_is_one_line_in_the_cell(func, args, message):
    assert message in excel_error(udfs, func, *args)


def test_metadata_documents_every_function_and_argument():
    from xlwings import server

    meta = {f["name"]: f for f in server.custom_functions_meta(udfs)["functions"]}
    expected = {
        "STAGE_CONVERSION",
        "CUMULATIVE_CONVERSION",
        "REQUIRED_LEADS",
        "FUNNEL_SCHEDULE",
        "WIN_RATE",
        "PIPELINE_VELOCITY",
        "XLSALES_VERSION",
    }
    assert expected <= set(meta)
    for name in expected:
        assert not meta[name]["description"].startswith("Python function"), name
        for param in meta[name]["parameters"]:
            assert not param["description"].startswith("Positional argument"), (name, param)


def test_classic_addin_shows_the_message_as_cell_text():
    # Without XLWINGS_ON_SERVER (the classic Windows add-in), the message is the cell's
    # text rather than an exception that the add-in would show with a traceback.
    code = (
        "import udfs; print(udfs.REQUIRED_LEADS(10, [[0.5, 1.3]]));"
        "print(udfs.REQUIRED_LEADS(14, [[0.1, 0.35, 0.5, 0.4]]))"
    )
    env = {k: v for k, v in os.environ.items() if k != "XLWINGS_ON_SERVER"}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out[0] == "#VALUE! REQUIRED_LEADS: rates[1]=1.3 must be in (0, 1] (a rate, 0.25 for 25%)"
    assert out[1] == "[[2000, 200, 70, 35, 14]]"


def test_core_imports_with_xlwings_and_openpyxl_blocked():
    code = (
        "import sys\n"
        "for name in ('xlwings', 'openpyxl', 'udfs', 'workbook_templates', 'frontdoors'):\n"
        "    sys.modules[name] = None  # any import of it now raises ImportError\n"
        "import xlsales, xlsales.funnel\n"
        "import pkgutil, importlib\n"
        "for m in pkgutil.iter_modules(xlsales.__path__):\n"
        "    importlib.import_module('xlsales.' + m.name)\n"
        "print(xlsales.funnel.required_volumes(10, [0.1]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[100, 10]"
