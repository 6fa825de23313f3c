"""xlsales.pipeline on a hand-made history of 20 deals, every figure worked out by hand.

Stages Lead, Qualified, Proposal, Won; as of 2026-04-30. Dates are 2026 (February has
28 days, March 31, April 30). No closed_at: a won deal's won date is its Won entry.

Won       W1 Ann 1000 Web       Lead 01-05, Qualified 01-15, Proposal 01-25, Won 02-04
          W2 Ann 2000 Web       Lead 01-10, Qualified 01-30, Proposal 02-09, Won 03-01
          W3 Bob 3000 Referral  Lead 02-01, Proposal 02-11 (skips Qualified), Won 03-13
          W4 Bob 1500 Web       Lead 02-15, Qualified 02-20, Proposal 03-06, Won 03-22
          W5 Ann  500 Referral  Lead 03-01, Qualified 03-11, Proposal 03-21, Won 04-10
Lost      L1 Ann  800 Web       Lead 01-03                                  No budget
          L2 Bob  700 Web       Lead 01-20, Qualified 02-09                 Competitor
          L3 Bob  900 Referral  Lead 02-05, Qualified 02-10, Proposal 02-20 Competitor
          L4 Ann  400 Web       Lead 02-10, Qualified 02-25, Qualified 03-10 again (reopened)
                                                                            No budget
          L5 Bob  600 Referral  Lead 03-05                                  (no reason)
Open      O1 Ann 10000 Web      Lead 04-10
          O2 Bob  5000 Web      Lead 03-01
          O3 Ann  4000 Referral Lead 03-10, Qualified 03-20
          O4 Bob  8000 Web      Lead 03-12, Qualified 04-01
          O5 Ann  6000 Referral Lead 03-20, Proposal 04-04 (skips Qualified)
          O6 Bob  3000 Web      Lead 03-18, Qualified 03-24, Proposal 04-03
          O7 Ann  2000 Web      Lead 04-09
          O8 Bob  1000 Referral Lead 02-20, Qualified 03-01, Proposal 03-08
          O9 Ann  7000 Web      Lead 04-28 (the row exported twice)
          O10 Bob  500 Referral Lead 01-15
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from xlsales import pipeline
from xlsales.errors import DataError, InputError

STAGES = ["Lead", "Qualified", "Proposal", "Won"]
AS_OF = dt.date(2026, 4, 30)
_DEALS = {
    # deal: (owner, amount, source, status, lost reason, [(stage, "MM-DD"), ...])
    "W1": (
        "Ann",
        1000,
        "Web",
        "won",
        "",
        [("Lead", "01-05"), ("Qualified", "01-15"), ("Proposal", "01-25"), ("Won", "02-04")],
    ),
    "W2": (
        "Ann",
        2000,
        "Web",
        "won",
        "",
        [("Lead", "01-10"), ("Qualified", "01-30"), ("Proposal", "02-09"), ("Won", "03-01")],
    ),
    "W3": (
        "Bob",
        3000,
        "Referral",
        "won",
        "",
        [("Lead", "02-01"), ("Proposal", "02-11"), ("Won", "03-13")],
    ),
    "W4": (
        "Bob",
        1500,
        "Web",
        "won",
        "",
        [("Lead", "02-15"), ("Qualified", "02-20"), ("Proposal", "03-06"), ("Won", "03-22")],
    ),
    "W5": (
        "Ann",
        500,
        "Referral",
        "won",
        "",
        [("Lead", "03-01"), ("Qualified", "03-11"), ("Proposal", "03-21"), ("Won", "04-10")],
    ),
    "L1": ("Ann", 800, "Web", "lost", "No budget", [("Lead", "01-03")]),
    "L2": ("Bob", 700, "Web", "lost", "Competitor", [("Lead", "01-20"), ("Qualified", "02-09")]),
    "L3": (
        "Bob",
        900,
        "Referral",
        "lost",
        "Competitor",
        [("Lead", "02-05"), ("Qualified", "02-10"), ("Proposal", "02-20")],
    ),
    "L4": (
        "Ann",
        400,
        "Web",
        "lost",
        "No budget",
        [("Lead", "02-10"), ("Qualified", "02-25"), ("Qualified", "03-10")],
    ),
    "L5": ("Bob", 600, "Referral", "lost", "", [("Lead", "03-05")]),
    "O1": ("Ann", 10000, "Web", "open", "", [("Lead", "04-10")]),
    "O2": ("Bob", 5000, "Web", "open", "", [("Lead", "03-01")]),
    "O3": ("Ann", 4000, "Referral", "open", "", [("Lead", "03-10"), ("Qualified", "03-20")]),
    "O4": ("Bob", 8000, "Web", "open", "", [("Lead", "03-12"), ("Qualified", "04-01")]),
    "O5": ("Ann", 6000, "Referral", "open", "", [("Lead", "03-20"), ("Proposal", "04-04")]),
    "O6": (
        "Bob",
        3000,
        "Web",
        "open",
        "",
        [("Lead", "03-18"), ("Qualified", "03-24"), ("Proposal", "04-03")],
    ),
    "O7": ("Ann", 2000, "Web", "open", "", [("Lead", "04-09")]),
    "O8": (
        "Bob",
        1000,
        "Referral",
        "open",
        "",
        [("Lead", "02-20"), ("Qualified", "03-01"), ("Proposal", "03-08")],
    ),
    "O9": ("Ann", 7000, "Web", "open", "", [("Lead", "04-28"), ("Lead", "04-28")]),
    "O10": ("Bob", 500, "Referral", "open", "", [("Lead", "01-15")]),
}
HISTORY = pd.DataFrame(
    [
        (deal, stage, f"2026-{day}", status, amount, owner, source, reason)
        for deal, (owner, amount, source, status, reason, steps) in _DEALS.items()
        for stage, day in steps
    ],
    columns=[
        "deal_id",
        "stage",
        "entered_at",
        "status",
        "amount",
        "owner",
        "source",
        "lost_reason",
    ],
)


@pytest.fixture(scope="module")
def hand():
    return pipeline.review(HISTORY, STAGES, as_of=AS_OF)


def by_deal(review):
    return review.deals.set_index("deal_id")


def test_rows_in_used_and_left_out(hand):
    # rows: W 4+4+3+4+4 = 19, L 1+2+3+3+1 = 10, O 1+1+2+2+2+3+1+3+2+1 = 18: 47 in;
    # O9's Lead row twice (exported twice), L4's Qualified again on 03-10: 45 used
    assert hand.rows_read == 47
    assert hand.left_out == {"exported twice": 1, "stage entered again": 1}
    assert hand.rows_used == 45
    assert len(hand.deals) == 20


def test_step_conversion_counts_open_deals_as_not_converted(hand):
    s = hand.stages
    # furthest stage: Lead L1 L5 O1 O2 O7 O9 O10 (7); Qualified L2 L4 O3 O4 (4);
    # Proposal L3 O5 O6 O8 (4); Won W1-W5 (5). Entered: Lead 20, Qualified 20 - 7 = 13
    # (W3 and O5 skipped it: passed), Proposal 4 + 5 = 9, Won 5.
    assert s["reached"].tolist() == [20, 13, 9, 5]
    assert s["open_here"].tolist() == [5, 2, 3, 0]
    assert s["rate"].tolist()[:3] == pytest.approx([13 / 20, 9 / 13, 5 / 9])
    # rate to won: Proposal 5/9; Qualified 9/13 * 5/9 = 5/13; Lead 13/20 * 5/13 = 5/20
    assert s["rate_to_won"].tolist() == pytest.approx([0.25, 5 / 13, 5 / 9, 1.0])
    assert pipeline.win_rate(hand) == 5 / (5 + 5)


def test_days_to_won_medians(hand):
    # won date - day entered the stage, won deals:
    # Lead: W1 02-04 - 01-05 = 26 + 4 = 30; W2 03-01 - 01-10 = 21 + 28 + 1 = 50;
    #       W3 03-13 - 02-01 = 27 + 13 = 40; W4 03-22 - 02-15 = 13 + 22 = 35;
    #       W5 04-10 - 03-01 = 30 + 10 = 40 -> sorted 30 35 40 40 50, median 40
    # Qualified: W1 16 + 4 = 20; W2 1 + 28 + 1 = 30; W4 8 + 22 = 30; W5 20 + 10 = 30
    #       (W3 skipped it) -> 20 30 30 30, median (30 + 30) / 2 = 30
    # Proposal: W1 6 + 4 = 10; W2 19 + 1 = 20; W3 17 + 13 = 30; W4 16; W5 10 + 10 = 20
    #       -> 10 16 20 20 30, median 20
    assert hand.stages["days_to_won"].tolist()[:3] == [40, 30, 20]
    # Won: the last stage has no step after it: no deal goes through it to a win (0)
    assert hand.stages["to_won_deals"].tolist() == [5, 4, 5, 0]


def test_weighted_forecast_per_deal_and_month(hand):
    d = by_deal(hand)
    # expected close = MAX(entered + median days to won, as-of 04-30):
    # O1 04-10 + 40 = 05-20; O2 03-01 + 40 = 04-10 -> 04-30; O7 04-09 + 40 = 05-19;
    # O9 04-28 + 40 = 06-07; O10 01-15 + 40 = 02-24 -> 04-30; O3 03-20 + 30 = 04-19
    # -> 04-30; O4 04-01 + 30 = 05-01; O5 04-04 + 20 = 04-24 -> 04-30;
    # O6 04-03 + 20 = 04-23 -> 04-30; O8 03-08 + 20 = 03-28 -> 04-30
    expected = {
        "O1": "2026-05-20",
        "O2": "2026-04-30",
        "O7": "2026-05-19",
        "O9": "2026-06-07",
        "O10": "2026-04-30",
        "O3": "2026-04-30",
        "O4": "2026-05-01",
        "O5": "2026-04-30",
        "O6": "2026-04-30",
        "O8": "2026-04-30",
    }
    got = {k: str(d.loc[k, "expected_close"].date()) for k in expected}
    assert got == expected
    # weighted = amount x rate to won: Lead 0.25, Qualified 5/13, Proposal 5/9
    assert d.loc["O1", "weighted"] == 10000 * 0.25 == 2500
    assert d.loc["O4", "weighted"] == pytest.approx(8000 * 5 / 13)
    assert d.loc["O5", "weighted"] == pytest.approx(6000 * 5 / 9)
    assert d.loc[["W1", "L1"], "weighted"].isna().all()  # only open deals are weighted
    f = pipeline.forecast(hand).set_index(["group", "month"])
    april, may, june = (pd.Timestamp(f"2026-0{m}-01") for m in (4, 5, 6))
    # April: Ann O3 4000 (x 5/13), O5 6000 (x 5/9); Bob O2 5000 and O10 500 (x 0.25),
    # O6 3000 and O8 1000 (x 5/9)
    assert f.loc[("Ann", april), "amount"] == 4000 + 6000
    assert f.loc[("Ann", april), "weighted"] == pytest.approx(20000 / 13 + 30000 / 9)
    assert f.loc[("Bob", april), "amount"] == 5000 + 500 + 3000 + 1000
    assert f.loc[("Bob", april), "weighted"] == pytest.approx(1250 + 125 + 20000 / 9)
    # May: Ann O1 10000 and O7 2000 (x 0.25 = 2500 + 500); Bob O4 8000 x 5/13
    assert f.loc[("Ann", may), ["amount", "weighted"]].tolist() == [12000, 3000]
    assert f.loc[("Bob", may), "weighted"] == pytest.approx(40000 / 13)
    # June: Ann O9 7000 x 0.25 = 1750; July to September: nothing
    assert f.loc[("Total", june), ["deals", "amount", "weighted"]].tolist() == [1, 7000, 1750]
    total = f.loc["Total"]
    assert len(total) == 6 and total["amount"].sum() == 46500  # every open amount
    assert total.loc[pd.Timestamp("2026-09-01"), "amount"] == 0


def test_stall_limits_are_the_90th_percentile(hand):
    # days in Lead before the next stage reached (13 deals left Lead):
    # W1 10, W2 20, W3 10, W4 5, W5 10, L2 20, L3 5, L4 15, O3 10, O4 19 + 1 = 20,
    # O5 11 + 4 = 15, O6 6, O8 8 + 1 = 9 -> 5 5 6 9 10 10 10 10 15 15 20 20 20
    # rank 1 + 0.9 * 12 = 11.8: 20 + 0.8 * (20 - 20) = 20
    # Qualified (7 left): W1 10, W2 10, W4 8 + 6 = 14, W5 10, L3 10, O6 7 + 3 = 10, O8 7
    # -> 7 10 10 10 10 10 14; rank 1 + 0.9 * 6 = 6.4: 10 + 0.4 * (14 - 10) = 11.6
    # Proposal (5 left): W1 10, W2 20, W3 30, W4 16, W5 20 -> 10 16 20 20 30;
    # rank 1 + 0.9 * 4 = 4.6: 20 + 0.6 * (30 - 20) = 26
    s = hand.stages
    assert s["measured"].tolist()[:3] == [13, 7, 5]
    assert s["limit_days"].tolist()[:3] == pytest.approx([20, 11.6, 26])


def test_stalled_on_the_limit_and_one_day_over(hand):
    d = by_deal(hand)
    # idle days to 04-30: O1 20 (= Lead limit 20: not stalled), O7 21 (stalled),
    # O5 26 (= Proposal limit 26: not stalled), O6 27 (stalled)
    assert d.loc[["O1", "O7", "O5", "O6"], "idle_days"].tolist() == [20, 21, 26, 27]
    assert d.loc[["O1", "O7", "O5", "O6"], "stalled"].tolist() == [False, True, False, True]
    # also O2 60, O10 16 + 28 + 31 + 30 = 105, O3 11 + 30 = 41 (Q 11.6), O4 29,
    # O8 23 + 30 = 53; O9 2 days is not; closed deals never stall
    late = pipeline.stalled_list(hand)
    assert late["deal_id"].tolist() == ["O10", "O2", "O8", "O3", "O4", "O6", "O7"]
    assert late["idle_days"].tolist() == [105, 60, 53, 41, 29, 27, 21]


def test_stall_days_by_stage():
    on_limit = pipeline.review(HISTORY, STAGES, as_of=AS_OF, stall_days={"Qualified": 29})
    over = pipeline.review(HISTORY, STAGES, as_of=AS_OF, stall_days={"qualified": 28})
    # O4 has been in Qualified 29 days: on a limit of 29 it is not stalled, on 28 it is;
    # Lead and Proposal keep their 90th percentiles
    assert not by_deal(on_limit).loc["O4", "stalled"] and by_deal(over).loc["O4", "stalled"]
    assert on_limit.stages["limit_days"].tolist()[:3] == pytest.approx([20, 29, 26])
    assert on_limit.stages["set_by"].tolist()[:3] == ["default", "user", "default"]
    with pytest.raises(InputError, match="'Demo': not one of the stages"):
        pipeline.review(HISTORY, STAGES, as_of=AS_OF, stall_days={"Demo": 3})


def test_skipped_reopened_and_cycle(hand):
    d = by_deal(hand)
    # W3 skipped Qualified (stage 4 of 4, 3 stages entered); O5 too (3rd stage, 2 entered)
    assert d.index[d["skipped"] > 0].tolist() == ["W3", "O5"]
    assert d.index[d["reopened"]].tolist() == ["L4"]
    c = pipeline.cycle(hand).set_index("what")
    # created to won = days from Lead to won: 30 35 40 40 50; median 40;
    # p80 rank 1 + 0.8 * 4 = 4.2: 40 + 0.2 * 10 = 42; p90 rank 4.6: 40 + 0.6 * 10 = 46
    close = c.loc["time to close (created to won)"]
    assert close.tolist() == pytest.approx([5, 40, 42, 46])
    # Lead: median rank 7 -> 10; p80 rank 1 + 0.8 * 12 = 10.6: 15 + 0.6 * 5 = 18
    assert c.loc["time in Lead"].tolist() == pytest.approx([13, 10, 18, 20])
    # Qualified p80 rank 5.8: 10 + 0.8 * 0; Proposal p80 rank 4.2: 20 + 0.2 * 10 = 22
    assert c.loc["time in Qualified"].tolist() == pytest.approx([7, 10, 10, 11.6])
    assert c.loc["time in Proposal"].tolist() == pytest.approx([5, 20, 22, 26])


def test_conversion_per_owner_and_source_and_lost(hand):
    owner = pipeline.conversion_by(hand, "owner").set_index(["group", "stage"])
    # Ann: W1 W2 W5 won, L1 O1 O7 O9 at Lead, L4 O3 at Qualified, O5 at Proposal:
    # entered Lead 10, Qualified 10 - 4 = 6, Proposal 3 + 1 = 4, Won 3
    assert owner.loc["Ann", "reached"].tolist() == [10, 6, 4, 3]
    # Bob: W3 W4 won; L5 O2 O10 Lead; L2 O4 Qualified; L3 O6 O8 Proposal -> 10 7 5 2
    assert owner.loc["Bob", "rate"].tolist()[:3] == pytest.approx([7 / 10, 5 / 7, 2 / 5])
    source = pipeline.conversion_by(hand, "source").set_index(["group", "stage"])
    # Web: W1 W2 W4; L1 O1 O2 O7 O9 at Lead; L2 L4 O4 at Qualified; O6 at Proposal
    assert source.loc["Web", "reached"].tolist() == [12, 7, 4, 3]
    # Referral: W3 W5; L5 O10 at Lead; O3 at Qualified; L3 O5 O8 at Proposal
    assert source.loc["Referral", "reached"].tolist() == [8, 6, 5, 2]
    lost = pipeline.lost_by_stage(hand)
    # Lead L1 800 + L5 600; Qualified L2 700 + L4 400; Proposal L3 900
    assert lost["lost"].tolist() == [2, 2, 1, 0]
    assert lost["amount"].tolist() == [1400, 1100, 900, 0]
    reasons = pipeline.lost_reasons(hand)
    assert reasons.values.tolist() == [
        ["Competitor", 2],
        ["No budget", 2],
        ["(no reason given)", 1],
    ]


def test_what_if(hand):
    # Qualified -> Proposal set to 0.9 (measured 9/13): to won from Qualified
    # 0.9 * 5/9 = 0.5, from Lead 13/20 * 0.5 = 0.325; Proposal unchanged 5/9
    w = pipeline.what_if(hand, {"Qualified": 0.9}, target_wins=13).set_index("stage")
    assert w["rate_to_won"].tolist() == pytest.approx([0.325, 0.5, 5 / 9, 1.0])
    # open in Qualified: O3 4000 + O4 8000 = 12000 -> 12000 * 0.5 = 6000 (measured 12000 * 5/13)
    assert w.loc["Qualified", "weighted"] == pytest.approx(6000)
    assert w.loc["Qualified", "measured_weighted"] == pytest.approx(12000 * 5 / 13)
    # 13 wins: Lead 13 / 0.325 = 40 (measured 13 / 0.25 = 52), Qualified 13 / 0.5 = 26
    # (measured 13 / (5/13) = 33.8 -> 34), Proposal 13 / (5/9) = 23.4 -> 24
    assert w["volume"].tolist() == [40, 26, 24, 13]
    assert w["measured_volume"].tolist() == [52, 34, 24, 13]
    # an average deal size of 3000 instead of the amounts: Lead has 5 open deals,
    # 5 * 3000 * 0.325 = 4875
    sized = pipeline.what_if(hand, {"Qualified": 0.9}, deal_size=3000).set_index("stage")
    assert sized.loc["Lead", "weighted"] == pytest.approx(4875)


def test_as_of_defaults_to_the_latest_date():
    assert pipeline.review(HISTORY, STAGES).as_of == dt.date(2026, 4, 28)  # O9's Lead


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda h: h.assign(stage=h["stage"].replace({"Proposal": "Demo"})),
            "row 4, column stage: 'Demo' is not one of the stages",
        ),
        (
            lambda h: h.assign(amount=h["amount"].astype(str).where(h.index != 9, "-5")),
            "row 11, column amount: '-5' must be 0 or more",
        ),
        (
            lambda h: h.assign(entered_at=h["entered_at"].where(h.index != 30, "2026-05-02")),
            "row 32, column entered_at: 2026-05-02 is after the as-of date 2026-04-30",
        ),
    ],
)
def test_bad_input_names_row_and_column(change, message):
    with pytest.raises(DataError, match=message.replace("(", r"\(")):
        pipeline.review(change(HISTORY), STAGES, as_of=AS_OF)


def test_a_stage_order_the_history_contradicts_is_refused():
    # Proposal before Qualified: every deal with both entered Qualified first (W1 W2 W4
    # W5 L3 O6 O8), so the order contradicts 7 of 7; the first is W1's Qualified, row 3
    with pytest.raises(
        DataError, match=r"row 3, column stage: 'Qualified' was entered before 'Proposal' in 7 of 7"
    ):
        pipeline.review(HISTORY, ["Lead", "Proposal", "Qualified", "Won"], as_of=AS_OF)


def test_one_slip_does_not_refuse_the_order():
    slip = HISTORY.copy()
    slip.loc[slip["deal_id"].eq("O8") & slip["stage"].eq("Proposal"), "entered_at"] = "2026-02-25"
    # O8: Qualified 03-01, Proposal 02-25 runs backwards: 1 of 7 deals, counted by stage order
    assert pipeline.review(slip, STAGES, as_of=AS_OF).found.out_of_order == ["O8"]


def test_snapshot_is_refused():
    snap = pd.DataFrame(
        {
            "deal_id": ["a"],
            "stage": ["Lead"],
            "status": ["open"],
            "created_at": ["2026-01-01"],
            "last_change_at": ["2026-01-01"],
        }
    )
    with pytest.raises(DataError, match="needs a stage history"):
        pipeline.review(snap, STAGES)


def test_weighted_forecast_and_stalled_deals_functions():
    # The Lead and Proposal deals of the hand history in the functions' own shape:
    # O1 (04-10 + 40 = 05-20), O7 (04-09 + 40 = 05-19), O5 (04-04 + 20 -> 04-30)
    table = pipeline.weighted_forecast(
        ["Lead", "Lead", "Proposal"],
        [10000, 2000, 6000],
        [dt.date(2026, 4, 10), dt.date(2026, 4, 9), dt.date(2026, 4, 4)],
        {"Lead": 0.25, "Proposal": 5 / 9},
        {"Lead": 40, "Proposal": 20},
        AS_OF,
    )
    assert table["month"].dt.month.tolist() == [4, 5]
    assert table["weighted"].tolist() == pytest.approx([6000 * 5 / 9, 2500 + 500])
    late = pipeline.stalled_deals(
        ["O1", "O7", "O5", "O6"],
        ["Lead", "Lead", "Proposal", "Proposal"],
        [dt.date(2026, 4, 10), dt.date(2026, 4, 9), dt.date(2026, 4, 4), dt.date(2026, 4, 3)],
        {"Lead": 20, "Proposal": 26},
        AS_OF,
    )
    assert late.values.tolist() == [["O6", "Proposal", 27, 26.0], ["O7", "Lead", 21, 20.0]]
    with pytest.raises(InputError, match=r"current_stages\[0\]='Demo' has no entry in stage_rates"):
        pipeline.weighted_forecast(["Demo"], [1], [AS_OF], {"Lead": 0.2}, {"Lead": 3})
    with pytest.raises(InputError, match=r"amounts\[0\]=-1"):
        pipeline.weighted_forecast(["Lead"], [-1], [AS_OF], {"Lead": 0.2}, {"Lead": 3})
