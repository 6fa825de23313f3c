"""The deal UDFs through xlwings' own conversion code."""

from __future__ import annotations

import pytest
from conftest import excel_call, excel_error

import udfs

ORDER = [["Lead", "Proposal", "Won"]]
LAST = [["Won"], ["Proposal"], ["Lead"], ["Lead"], [""]]  # a trailing blank row
STATUS = [["won"], ["lost"], ["lost"], ["open"], [""]]
JAN_1, FEB_1, MAR_1 = 46023, 46054, 46082  # Excel serials of 2026-01-01, 02-01, 03-01


def test_conversion_from_stages_by_hand():
    # entered: Lead 4, Proposal 2, Won 1; the open Lead deal is not converted yet:
    # Lead 2 of 4 went on (1 open beside it); Proposal 1 of 2
    assert excel_call(udfs, "CONVERSION_FROM_STAGES", LAST, STATUS, ORDER) == [[0.5, 0.5]]
    table = excel_call(udfs, "CONVERSION_FROM_STAGES", LAST, STATUS, ORDER, True)
    assert table[0] == ["stage", "entered", "went on", "rate", "open here"]
    assert table[1] == ["Lead", 4, 2, 0.5, 1]
    assert table[3] == ["Won", 1, "last stage", "last stage", 0]


def test_conversion_undefined_is_said():
    # two open leads: Lead 0 of 2 went on (0 %, not undefined); no deal entered Proposal
    got = excel_call(
        udfs, "CONVERSION_FROM_STAGES", [["Lead"], ["Lead"]], [["open"], ["open"]], ORDER
    )
    assert got == [[0.0, "undefined (no deal entered)"]]


def test_days_in_stage_and_stalled():
    dates = [[JAN_1], [FEB_1]]
    assert excel_call(udfs, "DAYS_IN_STAGE", dates, MAR_1) == [[59], [28]]
    flags = excel_call(
        udfs, "STALLED", [["Lead"], ["Lead"]], dates, [["open"], ["open"]], ORDER, 30, MAR_1
    )
    assert flags == [[True], [False]]  # 59 idle days > 30; 28 are not
    per_stage = excel_call(
        udfs,
        "STALLED",
        [["Lead"], ["Proposal"]],
        dates,
        [["open"], ["open"]],
        ORDER,
        [[90, 20, 0]],
        MAR_1,
    )
    assert per_stage == [[False], [True]]


def test_plan_vs_actual_published_rounding_case():
    # 7 wins at 25 %, 30 %, 45 % need 208, 52, 16, 7 (shared oracle, "end" rounding)
    got = excel_call(udfs, "PLAN_VS_ACTUAL", [[200, 60, 15, 8]], [[0.25, 0.3, 0.45]], 7)
    assert got[0] == [
        "stage",
        "required",
        "actual",
        "variance",
        "on course",
        "planned rate",
        "actual rate",
        "went on",
        "open here",
        "actual to required",
    ]
    assert [r[1] for r in got[1:]] == [208, 52, 16, 7]
    assert [r[3] for r in got[1:]] == [-8, 8, -1, 1]
    assert [r[4] for r in got[1:]] == [False, True, False, True]
    # no went_on: the cohort rate cannot be measured; never 60 / 200 or a flow above 100 %
    assert got[1][6] == "n/a (give went_on)" and got[4][6] == "last stage"
    assert got[1][9] == pytest.approx(200 / 208)


def test_plan_vs_actual_cohort_rate_with_counts():
    # 10 leads entered, 20 deals reached Qualified (older leads too): the flow 20 / 10 would
    # read 200 %. Of the 10 leads 4 went on and 3 are still open: 4 / 10 = 40 %.
    got = excel_call(udfs, "PLAN_VS_ACTUAL", [[10, 20]], [[0.5]], 5, "end", [[4]], [[3, 20]])
    assert got[1][6:] == [0.4, 4, 3, 1.0]  # required 5 / 0.5 = 10: ratio 10 / 10
    assert got[2][6:9] == ["last stage", "n/a", 20]


@pytest.mark.parametrize(
    "func, args, message",
    [
        (
            "CONVERSION_FROM_STAGES",
            ([["Demo"]], [["open"]], ORDER),
            "last_stages[0]='Demo' is not one of",
        ),
        (
            "CONVERSION_FROM_STAGES",
            ([["Lead"]], [["maybe"]], ORDER),
            "statuses[0]='maybe' must be open",
        ),
        (
            "CONVERSION_FROM_STAGES",
            ([["Lead"], ["Won"]], [["open"]], ORDER),
            "statuses has 1 value(s) but",
        ),
        ("DAYS_IN_STAGE", ([[MAR_1]], JAN_1), "is after as_of=2026-01-01"),
        ("DAYS_IN_STAGE", ([["soon"]], JAN_1), "last_change_dates[0]='soon' is not an Excel date"),
        (
            "STALLED",
            ([["Lead"]], [[JAN_1]], [["open"]], ORDER, [[1, 2]], MAR_1),
            "stall_days has 2 value(s)",
        ),
        (
            "PLAN_VS_ACTUAL",
            ([[1, 2]], [[0.5, 0.5]], 1),
            "actual has 2 value(s) but the rates describe 3",
        ),
        (
            "PLAN_VS_ACTUAL",
            ([[10, 5]], [[0.5]], 1, "end", [[11]]),
            "went_on[0]=11 and open_here[0]=0 add up to more than actual[0]=10",
        ),
    ],
)
def test_bad_input_is_one_line(func, args, message):
    assert message in excel_error(udfs, func, *args)
