"""xlsales.pipeline on its limits, every expected number worked by hand (issue 16).

The mutants of scripts/mutation.sh that tests/test_pipeline.py let through: each case sits
on a business limit of DOMAIN.md (stall limit, win rate, forecast weights and months,
cycle percentiles) or just beside it, with the arithmetic in a comment.
"""

from __future__ import annotations

import datetime as dt
import warnings

import numpy as np
import pandas as pd
import pytest

from xlsales import pipeline
from xlsales.errors import DataError, InputError

T = pd.Timestamp
NAT = pd.NaT
AS_OF = dt.date(2026, 3, 31)
STAGES = ["Lead", "Proposal", "Won"]


def deals_table() -> pd.DataFrame:
    """The Deals sheet of a small review, one row per deal (what a user may edit).

    a won:  created 01-01, Proposal 01-11 (10 days in Lead), won 01-21 (10 in Proposal)
    b won:  created 01-05, Proposal 01-19 (14), won 02-08 (20)
    c lost at Proposal: created 02-01, Proposal 02-06 (5)
    d open at Proposal since 03-25: created 03-19 (6 days in Lead), idle 31 - 25 = 6
    e open at Lead since 03-01: idle 30
    f open at a stage not in the list (stage_index -1): counts nowhere
    """
    # the day each deal entered its current stage (as listed above)
    days = ("2026-01-21", "2026-02-08", "2026-02-06", "2026-03-25", "2026-03-01", "2026-03-02")
    entered = [T(day) for day in days]
    return pd.DataFrame(
        {
            "deal_id": ["a", "b", "c", "d", "e", "f"],
            "owner": ["Ann", "Bob", "Ann", "Bob", "Ann", "Bob"],
            "status": ["won", "won", "lost", "open", "open", "open"],
            "stage_index": [2, 2, 1, 1, 0, -1],
            "amount": [1000.0, 2000.0, 500.0, 3000.0, 4000.0, 999.0],
            "created": [
                T("2026-01-01"),
                T("2026-01-05"),
                T("2026-02-01"),
                T("2026-03-19"),
                T("2026-03-01"),
                T("2026-03-02"),
            ],
            "entered_stage": entered,
            "last_change": entered,  # nothing changed since each entered its stage
            "closed": [T("2026-01-21"), T("2026-02-08"), T("2026-02-10"), NAT, NAT, NAT],
            "stages_entered": [3, 3, 2, 2, 1, 1],
            "reopened": [False] * 6,
            "days_in_0": [10.0, 14.0, 5.0, 6.0, np.nan, np.nan],
            "to_won_0": [20.0, 34.0, np.nan, np.nan, np.nan, np.nan],
            "days_in_1": [10.0, 20.0, np.nan, np.nan, np.nan, np.nan],
            "to_won_1": [10.0, 20.0, np.nan, np.nan, np.nan, np.nan],
            "source": ["Web", "Web", "Fair", "Web", "Fair", "Web"],
        }
    )


@pytest.fixture(scope="module")
def edited():
    return pipeline.from_deals(
        deals_table(), STAGES, AS_OF, stall_days={" proposal ": 6}, extras=["source"]
    )


def test_from_deals_counts_rates_and_medians(edited):
    s = edited.stages
    # stage reached: a b 2 (Won), c d 1 (Proposal), e 0 (Lead); f (-1) counts nowhere:
    # entered Lead 5, Proposal 4 (all but e), Won 2; went on 4, 2; open: e at Lead, d
    assert s["stage"].tolist() == STAGES
    assert s["entered"].tolist() == [5, 4, 2] and s["reached"].tolist() == [5, 4, 2]
    assert s["went_on"].tolist() == [4, 2, None]
    assert s["open_here"].tolist() == [1, 1, 0]
    # rate 4/5 = 0.8, 2/4 = 0.5; to won: Lead 0.8 x 0.5 = 0.4, Proposal 0.5, Won 1
    assert s["rate"].tolist() == [0.8, 0.5, None]
    assert s["rate_to_won"].tolist() == [0.4, 0.5, 1.0]
    # days to won: Lead median(20, 34) = 27, Proposal median(10, 20) = 15, Won 0
    assert s["days_to_won"].tolist() == [27, 15, 0]
    assert s["to_won_deals"].tolist() == [2, 2, 0]


def test_from_deals_stall_limits_typed_and_default(edited):
    s = edited.stages
    # days in Lead 5 6 10 14 (4 measured): 90th percentile rank 1 + 0.9 x 3 = 3.7:
    # 10 + 0.7 x (14 - 10) = 12.8; Proposal 10 20: rank 1.9: 10 + 0.9 x 10 = 19
    assert s["measured"].tolist() == [4, 2, None]  # the win: none (None, never NaN)
    assert s["p90_days"].tolist()[:2] == pytest.approx([12.8, 19]) and s["p90_days"][2] is None
    # Proposal's limit typed as 6 (" proposal ": case and spaces ignored)
    assert s["limit_days"].tolist()[:2] == pytest.approx([12.8, 6]) and s["limit_days"][2] is None
    assert s["set_by"].tolist() == ["default", "user", None]
    # another percentile: the median, Lead (6 + 10) / 2 = 8, Proposal 15
    median = pipeline.from_deals(deals_table(), STAGES, AS_OF, percentile=0.5).stages
    assert median["limit_days"].tolist()[:2] == [8, 15]
    assert median["set_by"].tolist()[:2] == ["default", "default"]


def test_from_deals_per_deal_figures(edited):
    d = edited.deals.set_index("deal_id")
    # d: idle 6 = its typed limit 6: not stalled (stalled is idle > limit);
    # e: idle 30 > 12.8: stalled
    assert d.loc[["d", "e"], "idle_days"].tolist() == [6, 30]
    assert d.loc[["d", "e"], "stalled"].tolist() == [False, True]
    # weighted: d 3000 x 0.5 = 1500, e 4000 x 0.4 = 1600
    assert d.loc[["d", "e"], "weighted"].tolist() == [1500, 1600]
    # expected close: d 03-25 + 15 = 04-09 (April); e 03-01 + 27 = 03-28 -> the as-of 03-31
    assert [str(x.date()) for x in d.loc[["d", "e"], "expected_close"]] == [
        "2026-04-09",
        "2026-03-31",
    ]
    assert [str(x.date()) for x in d.loc[["d", "e"], "close_month"]] == [
        "2026-04-01",
        "2026-03-01",
    ]
    # the won deals' cycle: a 01-21 - 01-01 = 20, b 02-08 - 01-05 = 27 + 7 = 34
    assert d.loc[["a", "b"], "cycle_days"].tolist() == [20, 34]
    # f's stage is not in the list: blank stage and figures, never stalled
    assert d.loc["f", "stage"] == "" and not d.loc["f", "stalled"]
    assert np.isnan(d.loc["f", "weighted"])
    assert d["stage"].tolist() == ["Won", "Won", "Proposal", "Proposal", "Lead", ""]
    assert edited.deals["source"].tolist() == ["Web", "Web", "Fair", "Web", "Fair", "Web"]


def test_from_deals_review_fields(edited):
    assert edited.as_of == AS_OF and edited.extras == ["source"] and edited.left_out == {}
    assert edited.stall_days == {" proposal ": 6}
    found = edited.found
    assert found.history is None and found.rows_read == 6 and found.source == "the Deals table"
    assert found.stages == STAGES
    assert found.deals["furthest"].tolist() == [2, 2, 1, 1, 0, -1]
    assert found.deals["owner"].tolist() == ["Ann", "Bob", "Ann", "Bob", "Ann", "Bob"]
    # counted per owner from each deal's stage: Ann a (Won) c (Proposal) e (Lead):
    # entered 3, 2, 1; Bob b (Won) d (Proposal), f nowhere: 2, 2, 1
    by = pipeline.conversion_by(edited, "owner").set_index(["group", "stage"])
    assert by.loc["Ann", "reached"].tolist() == [3, 2, 1]
    assert by.loc["Bob", "reached"].tolist() == [2, 2, 1]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"percentile": 1.5}, "percentile=1.5 must be in"),
        (
            {"stall_days": {"Won": 3}},
            r"stall days for 'Won': not one of the stages before the "
            r"win \(Lead, Proposal\)",
        ),
        ({"stall_days": {"Lead": -1}}, "stall days for Lead=-1 must be 0 or more"),
    ],
)
def test_from_deals_refuses(kwargs, message):
    with pytest.raises(InputError, match=message):
        pipeline.from_deals(deals_table(), STAGES, AS_OF, **kwargs)


def test_from_deals_percentile_0_and_1_are_allowed():
    # the limits of [0, 1]: the smallest and the largest days in Lead, 5 and 14
    low = pipeline.from_deals(deals_table(), STAGES, AS_OF, percentile=0)
    high = pipeline.from_deals(deals_table(), STAGES, AS_OF, percentile=1)
    assert low.stages["limit_days"][0] == 5 and high.stages["limit_days"][0] == 14


def test_empty_review_has_every_count_0_and_every_rate_undefined():
    r = pipeline.empty_review("Lead,Proposal,Won", dt.date(2026, 5, 1))
    assert r.as_of == dt.date(2026, 5, 1) and r.names == STAGES
    assert r.deals.columns.tolist() == [
        "deal_id", "owner", "status", "stage", "stage_index", "amount", "created",
        "entered_stage", "last_change", "closed", "stages_entered", "skipped",
        "reopened", "idle_days", "rate_to_won", "weighted", "days_to_won",
        "expected_close", "close_month", "limit_days", "stalled", "cycle_days",
        "days_in_0", "to_won_0", "days_in_1", "to_won_1",
    ]  # fmt: skip
    assert r.deals.empty and r.extras == []
    rows = r.stages.to_dict("records")
    assert [row.pop("stage") for row in rows] == STAGES
    for row in rows:
        assert row == {
            "entered": 0, "reached": 0, "went_on": None, "open_here": 0, "rate": None,
            "rate_to_won": None, "days_to_won": None, "to_won_deals": 0, "measured": 0,
            "p90_days": None, "limit_days": None, "set_by": "none",
        }  # fmt: skip
    assert r.left_out == {"exported twice": 0, "stage entered again": 0, "closed stage row": 0}
    assert r.rows_read == 0 and r.rows_used == 0
    assert r.found.source == "none" and r.found.history.columns.tolist() == [
        "deal_id", "deal", "stage_index", "entered_at"
    ]  # fmt: skip
    assert r.found.duplicates.columns.tolist() == ["row", "deal_id", "stage_index", "stage"]
    assert r.found.deals is r.deals and r.found.out_of_order == []
    assert pipeline.empty_review(STAGES).as_of == dt.date.today()


def test_parse_pairs():
    assert pipeline.parse_pairs(" Opportunity = deal_id ,, Phase=stage=x, ", "map") == {
        "Opportunity": "deal_id",
        "Phase": "stage=x",  # only the first "=" splits
    }
    assert pipeline.parse_pairs(None, "map") == {} and pipeline.parse_pairs("", "map") == {}
    # items counted from 1, blanks included: "a=b" 1, "" 2, "c" 3
    for text, item in (("a=b,,c", "map item 3='c'"), ("=b", "map item 1='=b'"),
                       ("a= ", "map item 1='a='")):  # fmt: skip
        with pytest.raises(InputError, match=f"^{item} must be NAME=VALUE$"):
            pipeline.parse_pairs(text, "map")


def test_parse_stage_days():
    assert pipeline.parse_stage_days("Qualified=14, Proposal=0") == {
        "Qualified": 14.0,
        "Proposal": 0.0,  # 0 days: on the limit, allowed
    }
    with pytest.raises(InputError, match=r"^stall_days_by_stage for Q=-1 must be 0 or more$"):
        pipeline.parse_stage_days("Q=-1")
    with pytest.raises(InputError, match=r"^limits for Q: 'abc' is not a number of days$"):
        pipeline.parse_stage_days("Q=abc", "limits")
    with pytest.raises(InputError, match=r"^limits item 1='Q' must be NAME=VALUE$"):
        pipeline.parse_stage_days("Q", "limits")


def test_average_open_amount(edited):
    # open deals d 3000, e 4000, f 999: (3000 + 4000 + 999) / 3 = 2666.33...
    assert pipeline.average_open_amount(edited) == pytest.approx(7999 / 3)
    assert pipeline.average_open_amount(pipeline.empty_review(STAGES)) is None


LEAD = {"Lead": 0.25}
DAYS = {"Lead": 40}


def forecast(stages=("Lead",), amounts=(1000,), dates=(dt.date(2026, 4, 1),), rates=None,
             days=None, as_of=dt.date(2026, 4, 30)):  # fmt: skip
    return pipeline.weighted_forecast(
        list(stages) if isinstance(stages, tuple) else stages,
        list(amounts) if isinstance(amounts, tuple) else amounts,
        list(dates) if isinstance(dates, tuple) else dates,
        LEAD if rates is None else rates,
        DAYS if days is None else days,
        as_of,
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"stages": "Lead"}, "current_stages='Lead' must be a list of values"),
        ({"amounts": 1000}, "amounts=1000 must be a list of values"),
        ({"dates": "2026-04-01"}, "entered_dates='2026-04-01' must be a list of values"),
        ({"amounts": (1000, 2000)}, "amounts has 2 value(s) but current_stages has 1: "),
        ({"dates": (dt.date(2026, 4, 1),) * 2}, "entered_dates has 2 value(s) but current_stages has 1: "),
        ({"amounts": (-1,)}, "amounts[0]=-1 must be 0 or more"),
        ({"rates": {"Lead": 1.5}}, "stage_rates[Lead]=1.5 must be in [0, 1] (a rate, 0.25 for 25%)"),
        ({"days": {"Lead": -2}}, "stage_days[Lead]=-2 must be 0 or more"),
        ({"stages": ("Demo",)}, "current_stages[0]='Demo' has no entry in stage_rates"),
        ({"stages": (None,)}, "current_stages[0]=None has no entry in stage_rates"),
        ({"days": {"Demo": 3}}, "current_stages[0]='Lead' has no entry in stage_days"),
        ({"dates": ("2026-04-01",)}, "entered_dates[0]='2026-04-01' is not a date"),
        ({"dates": (dt.date(2026, 5, 1),)}, "entered_dates[0]=2026-05-01 is after as_of=2026-04-30"),
    ],
)  # fmt: skip
def test_weighted_forecast_refuses_with_the_argument_named(kwargs, message):
    with pytest.raises(InputError, match="^" + message.replace("[", r"\[").replace("(", r"\(")
                       .replace(")", r"\)").replace("]", r"\]")):  # fmt: skip
        forecast(**kwargs)


def test_weighted_forecast_on_its_limits():
    # a rate of 0 (the lower limit of [0, 1]) weighs 0; " lead " finds Lead (case and
    # spaces ignored). Closes: 04-01 + 29 days = 04-30 (the as-of date itself, April);
    # 04-01 15:30 is read as the day 04-01 (+ 29 = 04-30); 03-01 + 60 = 04-30
    table = forecast(
        stages=(" lead ", "Lead", "Won"),
        amounts=(1000, 2000, 500),
        dates=(dt.date(2026, 4, 1), dt.datetime(2026, 4, 1, 15, 30), dt.date(2026, 3, 1)),
        rates={"LEAD": 0.25, "Won": 0},
        days={"lead": 29, "won": 60},
    )
    # all in April: 1000 + 2000 + 500 = 3500; 1000 x 0.25 + 2000 x 0.25 + 500 x 0 = 750
    assert table["month"].tolist() == [pd.Timestamp("2026-04-01")]
    assert table[["deals", "amount", "weighted"]].values.tolist() == [[3, 3500, 750]]
    # one day more: 04-01 + 30 = 05-01, May's first day
    may = forecast(stages=("Lead",), days={"Lead": 30})
    assert may["month"].tolist() == [pd.Timestamp("2026-05-01")]
    # a stage entered at 15:30 on the as-of date is not after it (the day counts)
    same_day = forecast(dates=(dt.datetime(2026, 4, 30, 15, 30),), days={"Lead": 1})
    assert same_day["month"].tolist() == [pd.Timestamp("2026-05-01")]  # 04-30 + 1 = 05-01


def test_weighted_forecast_as_of_defaults_to_the_latest_entered_date():
    # as of 04-20 (the later date): 04-01 + 10 = 04-11 -> 04-20; 04-20 + 10 = 04-30:
    # both April; with as_of 05-01 the first would close on 05-01, in May. Either way one
    # month of 2 deals: 100 + 300 = 400, weighted 400 x 0.5 = 200
    args = (["Lead", "Lead"], [100, 300], [dt.date(2026, 4, 1), dt.date(2026, 4, 20)],
            {"Lead": 0.5}, {"Lead": 10})  # fmt: skip
    table = pipeline.weighted_forecast(*args)
    assert table.values.tolist() == [[pd.Timestamp("2026-04-01"), 2, 400, 200]]
    later = pipeline.weighted_forecast(*args, dt.date(2026, 5, 1))
    assert later.values.tolist() == [[pd.Timestamp("2026-05-01"), 2, 400, 200]]


def test_stalled_list_ties_larger_amount_first_then_input_order():
    deals = pd.DataFrame(
        {
            "deal_id": ["a", "b", "c", "d", "e"],
            "idle_days": [10, 30, 30, 30, 50],
            "amount": [100.0, 200.0, 500.0, 200.0, 1.0],
            "stalled": [True, True, True, True, False],
        },
        index=[7, 8, 9, 10, 11],
    )
    review = pipeline.empty_review(STAGES)
    review.deals = deals
    # e is not stalled; 30 days: c (500) before b and d (200 each, in the input's order)
    got = pipeline.stalled_list(review)
    assert got["deal_id"].tolist() == ["c", "b", "d", "a"]
    assert got.index.tolist() == [0, 1, 2, 3] and "index" not in got.columns


def test_win_rate_without_closed_deals_is_undefined():
    assert pipeline.win_rate(pipeline.empty_review(STAGES)) is None


# ---- review(): how the export is read, and what it leaves out -----------------------------


def test_review_reads_the_users_columns_decimal_comma_and_source_name():
    export = pd.DataFrame(
        {
            "Opp": ["a", "a", "b"],
            "Phase": ["Lead", "Won", "Lead"],
            "When": ["2026-01-01", "2026-01-11", "2026-01-05"],
            "status": ["won", "won", "open"],
            "amount": ["1.000,50", "1.000,50", "2.000,25"],
        }
    )
    mapping = {"Opp": "deal_id", "Phase": "stage", "When": "entered_at"}
    r = pipeline.review(export, "Lead,Won", mapping, source="crm.csv", decimal=",")
    # "1.000,50" with the decimal comma: 1000.5; "2.000,25": 2000.25
    assert r.deals[["deal_id", "amount"]].values.tolist() == [["a", 1000.5], ["b", 2000.25]]
    assert r.deals["stage"].tolist() == ["Won", "Lead"]  # each deal's furthest stage, named
    assert r.mapping == mapping and r.found.source == "crm.csv"
    # without the decimal mark the same text is refused, naming the source given
    with pytest.raises(DataError, match=r"^crm\.csv row 2, column amount: '1\.000,50' is not a "):
        pipeline.review(export, "Lead,Won", mapping, source="crm.csv")
    assert pipeline.review(export.rename(columns=mapping), "Lead,Won", decimal=",").mapping == {}


def test_review_stage_names_on_and_beside_the_criteria_limit():
    # Excel's criteria take 255 characters: "=" + the name; 254 letters fit, 255 do not
    fits, over = "S" * 254, "S" * 255
    history = pd.DataFrame(
        {"deal_id": ["a", "a"], "stage": [fits, "Won"], "entered_at": ["2026-01-01", "2026-01-02"]}
    )
    assert pipeline.review(history, [fits, "Won"]).names == [fits, "Won"]
    with pytest.raises(InputError, match=r"has 255 characters, too long to look up: Excel's MATCH "
                       r"takes at most 254 \(each ~ \* \? counting twice\)$"):  # fmt: skip
        pipeline.review(history.replace(fits, over), [over, "Won"])
    # the message shows the name's first 30 characters, then "...": 'SSS...S' (30 S)
    long_name = "ABCDEFGHIJ" * 3 + "x" * 225  # 30 + 225 = 255 characters
    with pytest.raises(InputError) as info:
        pipeline.review(history.replace(fits, long_name), [long_name, "Won"])
    assert str(info.value).startswith(
        "stages: 'ABCDEFGHIJABCDEFGHIJABCDEFGHIJ'... has 255 characters"
    )


def test_review_refuses_a_snapshot_in_words():
    # a snapshot (one row per deal, no entered_at) holds no stage history to review
    snap = pd.DataFrame(
        {"deal_id": ["a"], "stage": ["Lead"], "status": ["open"],
         "created_at": ["2026-01-01"], "last_change_at": ["2026-01-01"]}
    )  # fmt: skip
    with pytest.raises(DataError) as info:
        pipeline.review(snap, STAGES, source="crm.csv")
    assert str(info.value) == (
        "crm.csv: the pipeline review needs a stage history (one row per deal and stage, with "
        "an entered_at column); this export is a snapshot"
    )


def test_review_counts_closed_stage_rows_and_keeps_the_last_text_given():
    history = pd.DataFrame(
        {
            "deal_id": ["a", "a", "a", "b", "b"],
            "stage": ["Lead", "Proposal", "Lost", "Lead", "Proposal"],
            "entered_at": ["2026-01-01", "2026-01-05", "2026-01-09", "2026-01-02", "2026-01-06"],
            "status": ["lost", "lost", "lost", "open", "open"],
            "source": ["Web", "", "", "Fair", "Web"],
        }
    )
    r = pipeline.review(history, ["Lead", "Proposal", "Won"])
    # a's "Lost" row is a closed stage's row: left out, counted; 5 read, 4 used
    assert r.left_out == {"exported twice": 0, "stage entered again": 0, "closed stage row": 1}
    assert r.rows_used == 4
    # a's source: the last one given ("Web"; its later rows are blank); b's: "Web" (its last)
    assert r.deals.set_index("deal_id")["source"].to_dict() == {"a": "Web", "b": "Web"}


def test_a_slip_elsewhere_is_not_the_row_named_for_a_contradicted_order():
    # x: Qualified (row 3) typed before Lead (row 2): one slip, and w goes the other way
    # (Lead 01-01, Qualified 01-02): 1 of 2 deals, the order Lead, Qualified holds.
    # y and z entered Proposal before Qualified: 2 of 2, the order is refused, and the
    # row named is y's Proposal (row 8), the first row that runs against it, not x's row 3
    rows = [
        ("x", "Lead", "2026-01-10"), ("x", "Qualified", "2026-01-05"),
        ("w", "Lead", "2026-01-01"), ("w", "Qualified", "2026-01-02"),
        ("y", "Lead", "2026-01-10"), ("y", "Qualified", "2026-01-20"),
        ("y", "Proposal", "2026-01-15"),
        ("z", "Lead", "2026-01-11"), ("z", "Qualified", "2026-01-21"),
        ("z", "Proposal", "2026-01-16"),
    ]  # fmt: skip
    history = pd.DataFrame(rows, columns=["deal_id", "stage", "entered_at"])
    with pytest.raises(DataError, match=r"^deals row 8, column stage: 'Proposal' was entered "
                       r"before 'Qualified' in 2 of 2 deals"):  # fmt: skip
        pipeline.review(history, ["Lead", "Qualified", "Proposal", "Won"])


# ---- rates to won, what-if, conversion by group ------------------------------------------


def test_rates_to_won_on_the_limits_and_undefined():
    # a rate of 0 (the limit of [0, 1]) gives 0 from there up; 1 passes everything on
    assert pipeline.rates_to_won([0.0, 0.5]) == [0.0, 0.5, 1.0]
    assert pipeline.rates_to_won([1.0, 1.0]) == [1.0, 1.0, 1.0]
    # an undefined step leaves every stage above it undefined, none below
    assert pipeline.rates_to_won([0.5, None]) == [None, None, 1.0]
    assert pipeline.rates_to_won([None, 0.5]) == [None, 0.5, 1.0]
    with pytest.raises(InputError, match=r"^rate=1\.01 must be in \[0, 1\]"):
        pipeline.rates_to_won([0.5, 1.01])


def test_what_if_without_measured_rates_and_with_an_unknown_stage():
    w = pipeline.what_if(pipeline.empty_review(STAGES), target_wins=3)
    # no deals: every measured rate undefined, so nothing to weigh and no volume
    assert w["rate_to_won"].tolist() == [None, None, 1.0]
    assert w["measured_weighted"].tolist() == [None, None, 0.0]
    assert w["volume"].tolist() == [None, None, 3]
    with pytest.raises(InputError, match=r"^step_rates names 'Won': not a stage with a next "
                       r"step \(Lead, Proposal\)$"):  # fmt: skip
        pipeline.what_if(pipeline.empty_review(STAGES), {"Won": 0.5})


def test_conversion_by_a_blank_group_is_none_and_rows_are_numbered_afresh():
    review = pipeline.from_deals(deals_table().assign(source=["Web", "", "Web", "", "Fair", ""]),
                                 STAGES, AS_OF, extras=["source"])  # fmt: skip
    out = pipeline.conversion_by(review, "source")
    # groups sorted: "(none)" (b Won, d Proposal, f nowhere), Fair (e Lead), Web (a Won, c)
    assert out["group"].tolist() == ["(none)"] * 3 + ["Fair"] * 3 + ["Web"] * 3
    assert out.loc[out["group"] == "(none)", "reached"].tolist() == [2, 2, 1]
    assert out.index.tolist() == list(range(9))


# ---- stalled_deals: the stall limit ---------------------------------------------------------


def test_stalled_deals_on_and_beside_the_limit():
    # as of 31 March, limit 30 days in Lead: 1 March is 30 days idle (on the limit: not
    # stalled), 28 February 31 (stalled); Proposal has no limit: never stalled
    got = pipeline.stalled_deals(
        ["a", "b", "c", "d"],
        ["Lead", " lead ", "Proposal", None],
        [dt.date(2026, 3, 1), dt.date(2026, 2, 28), dt.date(2026, 1, 1), dt.date(2026, 1, 1)],
        {"LEAD": 30},
        AS_OF,
    )
    assert got.values.tolist() == [["b", " lead ", 31, 30.0]]
    # a limit of 0: a deal changed on the as-of date is 0 days idle, not stalled
    none = pipeline.stalled_deals(["a"], ["Lead"], [AS_OF], {"Lead": 0}, AS_OF)
    assert none.empty and none.columns.tolist() == ["deal_id", "stage", "idle_days", "limit_days"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((["a"], ["Lead"], "2026-03-01"), "last_changes='2026-03-01' must be a list of values"),
        ((["a"], "Lead", [AS_OF]), "current_stages='Lead' must be a list of values"),
        ((["a"], [], [AS_OF]), "current_stages is empty: at least 1 value(s) are required"),
        ((["a"], ["Lead", "Lead"], [AS_OF]), "current_stages has 2 value(s) but deal_ids has 1"),
        ((["a"], ["Lead"], [AS_OF, AS_OF]), "last_changes has 2 value(s) but deal_ids has 1"),
        ((["a"], ["Lead"], ["2026-03-01"]), "last_changes[0]='2026-03-01' is not a date"),
        ((["a"], ["Lead"], [dt.date(2026, 4, 1)]), "last_changes[0]=2026-04-01 is after as_of=2026-03-31"),
    ],
)  # fmt: skip
def test_stalled_deals_refuses_with_the_argument_named(args, message):
    with pytest.raises(InputError) as info:
        pipeline.stalled_deals(*args, {"Lead": 3}, AS_OF)
    assert str(info.value).startswith(message)


def test_stalled_deals_refuses_a_negative_limit():
    with pytest.raises(InputError, match=r"^stage_limits\[Lead\]=-1 must be 0 or more$"):
        pipeline.stalled_deals(["a"], ["Lead"], [AS_OF], {"Lead": -1}, AS_OF)


# ---- a fresh sample of pipeline.py's mutants (seed 1126, docs/mutation.md) ------------------


def test_a_review_with_deals_has_the_columns_of_an_empty_one():
    # the Deals sheet's columns (pinned for the empty review above), rows numbered 0, 1
    history = pd.DataFrame(
        {"deal_id": ["b", "a", "a"], "stage": ["Lead", "Lead", "Proposal"],
         "entered_at": ["2026-01-02", "2026-01-01", "2026-01-05"]}
    )  # fmt: skip
    got = pipeline.review(history, STAGES)
    assert got.deals.columns.tolist() == pipeline.empty_review(STAGES).deals.columns.tolist()
    assert got.deals.index.tolist() == [0, 1]


def test_from_deals_a_stage_no_deal_has_left_has_no_limit_set_by_none():
    # nobody's days in Proposal known: no 90th percentile, no limit, set by "none";
    # Lead keeps its default (12.8, worked above)
    table = deals_table().assign(days_in_1=np.nan)
    s = pipeline.from_deals(table, STAGES, AS_OF).stages
    assert s["p90_days"][1] is None and s["limit_days"][1] is None
    assert s["set_by"].tolist()[:2] == ["default", "none"]


def test_expected_close_in_fractional_days_without_a_warning():
    # entered 1 Mar + 1.5 days = 2 Mar 12:00, after the as-of date (2 Mar): kept;
    # 1 Mar + 0 days is before it: moved to the as-of date; no entry date: none
    entered = pd.Series([T("2026-03-01"), T("2026-03-01"), NAT])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # pandas' deprecated spellings (unit "d") included
        got = pipeline.expected_close(entered, [1.5, 0.0, 3.0], dt.date(2026, 3, 2))
    assert got.tolist()[:2] == [T("2026-03-02 12:00"), T("2026-03-02")] and pd.isna(got[2])


def test_stalled_deals_a_blank_stage_is_not_a_stage_named_none():
    # a deal with no stage (a blank cell) is idle 31 days; the limit of 0 days is for a
    # stage that happens to be called "None": the blank deal has no limit, cannot stall
    got = pipeline.stalled_deals(["a", "b"], [None, "None"], [dt.date(2026, 2, 28)] * 2,
                                 {"None": 0}, AS_OF)  # fmt: skip
    assert got["deal_id"].tolist() == ["b"] and got["idle_days"].tolist() == [31]


def test_what_if_volume_on_a_target_of_0_and_1_and_refused_below(edited):
    # rates to won 0.4, 0.5, 1 (worked above): a target of 1 win needs ROUNDUP(1 / 0.4) =
    # ROUNDUP(2.5) = 3 leads, 1 / 0.5 = 2 proposals, 1 win; a target of 0 needs 0 of each
    assert pipeline.what_if(edited, target_wins=1)["volume"].tolist() == [3, 2, 1]
    assert pipeline.what_if(edited, target_wins=0)["volume"].tolist() == [0, 0, 0]
    with pytest.raises(InputError) as info:
        pipeline.what_if(edited, target_wins=-1)
    assert str(info.value) == "target_wins=-1 must be 0 or more"


def test_a_won_deal_without_a_row_for_the_win_entered_won_on_its_won_date():
    # a: Lead 01-01, Proposal 01-05, won, closed_at 01-20, no Won row: it entered Won on
    # 01-20 (its won date), not 01-05; cycle 01-01 -> 01-20 = 19 days; its last stage
    # change stays its last history row, 01-05.
    # b: the same with a Won row on 01-18 and no closed_at: entered Won 01-18, cycle 17.
    history = pd.DataFrame(
        {
            "deal_id": ["a", "a", "b", "b", "b"],
            "stage": ["Lead", "Proposal", "Lead", "Proposal", "Won"],
            "entered_at": ["2026-01-01", "2026-01-05", "2026-01-01", "2026-01-05", "2026-01-18"],
            "status": ["won"] * 5,
            "closed_at": ["2026-01-20", "2026-01-20", "", "", ""],
        }
    )
    deals = pipeline.review(history, ["Lead", "Proposal", "Won"]).deals.set_index("deal_id")
    assert deals["stage"].tolist() == ["Won", "Won"]
    assert deals["entered_stage"].dt.strftime("%m-%d").tolist() == ["01-20", "01-18"]
    assert deals["last_change"].dt.strftime("%m-%d").tolist() == ["01-05", "01-18"]
    assert deals["cycle_days"].tolist() == [19, 17]


def test_review_gives_the_win_no_stall_figures_as_from_deals_does():
    # a: Lead 01-01, Won 01-11 (10 days in Lead); b: Lead 01-01, open. Lead measured on 1
    # deal, its 90th percentile is that deal's 10 days; the win has no stay, no limit:
    # None in every such column, as from_deals gives (never NaN)
    history = pd.DataFrame(
        {
            "deal_id": ["a", "a", "b"],
            "stage": ["Lead", "Won", "Lead"],
            "entered_at": ["2026-01-01", "2026-01-11", "2026-01-01"],
            "status": ["won", "won", "open"],
        }
    )
    s = pipeline.review(history, ["Lead", "Won"]).stages
    assert s["measured"].tolist() == [1, None]
    assert s["p90_days"].tolist() == [10, None] and s["limit_days"].tolist() == [10, None]
    assert s["set_by"].tolist() == ["default", None]
