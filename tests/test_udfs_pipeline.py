"""The pipeline UDFs through xlwings' own conversion code, on the hand history's deals
(tests/test_pipeline.py works their numbers out by hand)."""

from __future__ import annotations

from conftest import excel_call, excel_error

import udfs

# Excel serials: 2026-04-03 = 46115, 04-04 = 46116, 04-09 = 46121, 04-10 = 46122,
# 04-30 = 46142 (2026-01-01 = 46023; + 90 days of Jan-Mar = 46113 for 04-01)
APR_3, APR_4, APR_9, APR_10, APR_30 = 46115, 46116, 46121, 46122, 46142
RATES = [["Lead", 0.25], ["Proposal", 5 / 9]]
DAYS = [["Lead", 40], ["Proposal", 20]]


def test_weighted_forecast_by_hand():
    # O1 Lead 10000 entered 04-10: 04-10 + 40 = 05-20 (May), 10000 x 0.25 = 2500
    # O7 Lead 2000 entered 04-09: 05-19 (May), 2000 x 0.25 = 500
    # O5 Proposal 6000 entered 04-04: 04-24, not before the as-of date: April, x 5/9
    got = excel_call(
        udfs,
        "WEIGHTED_FORECAST",
        [["Lead"], ["Lead"], ["Proposal"]],
        [[10000], [2000], [6000]],
        [[APR_10], [APR_9], [APR_4]],
        RATES,
        DAYS,
        APR_30,
    )
    assert got[0] == ["month", "deals", "amount", "weighted"]
    assert got[1][1:3] == [1, 6000] and abs(got[1][3] - 6000 * 5 / 9) < 1e-9
    assert got[2][1:] == [2, 12000, 3000]
    # months leave as Excel dates: 2026-04-01 = 46113, 2026-05-01 = 46113 + 30 = 46143
    assert [row[0]["basicValue"] for row in got[1:]] == [46113, 46143]


def test_stalled_deals_on_the_limit_and_one_day_over():
    # Lead limit 20: O1 idle 04-10 -> 04-30 = 20 (not stalled), O7 21 (stalled);
    # Proposal limit 26: O5 idle 26 (not), O6 27 (stalled); oldest first
    got = excel_call(
        udfs,
        "STALLED_DEALS",
        [["O1"], ["O7"], ["O5"], ["O6"]],
        [["Lead"], ["Lead"], ["Proposal"], ["Proposal"]],
        [[APR_10], [APR_9], [APR_4], [APR_3]],
        [["Lead", 20], ["Proposal", 26]],
        APR_30,
    )
    assert got == [
        ["deal", "stage", "idle days", "limit days"],
        ["O6", "Proposal", 27, 26],
        ["O7", "Lead", 21, 20],
    ]
    none = excel_call(
        udfs, "STALLED_DEALS", [["O1"]], [["Lead"]], [[APR_10]], [["Lead", 20]], APR_30
    )
    assert none[1][0] == "no stalled deal"


def test_bad_input_reads_as_one_line():
    assert (
        excel_error(udfs, "WEIGHTED_FORECAST", [["Demo"]], [[1]], [[APR_10]], RATES, DAYS, APR_30)
        == "WEIGHTED_FORECAST: current_stages[0]='Demo' has no entry in stage_rates"
    )
    assert "amounts[0]=-5" in excel_error(
        udfs, "WEIGHTED_FORECAST", [["Lead"]], [[-5]], [[APR_10]], RATES, DAYS, APR_30
    )
    assert "stage_rates must be two columns" in excel_error(
        udfs, "WEIGHTED_FORECAST", [["Lead"]], [[5]], [[APR_10]], [[0.25]], DAYS, APR_30
    )
    assert "entered_dates[0]=2026-04-30 is after as_of=2026-04-10" in excel_error(
        udfs, "WEIGHTED_FORECAST", [["Lead"]], [[5]], [[APR_30]], RATES, DAYS, APR_10
    )
    assert "last_changes[0]=2026-04-30 is after as_of=2026-04-10" in excel_error(
        udfs, "STALLED_DEALS", [["O1"]], [["Lead"]], [[APR_30]], [["Lead", 20]], APR_10
    )
