"""The templates recalculated in LibreOffice agree with the Python core and with hand work.

All workbooks are recalculated in one LibreOffice run (about two seconds to start).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from conftest import load_oracle, recalculate
from formulas import all_formulas

from workbook_templates import account_matrix as am
from workbook_templates import funnel_planner as fp
from workbook_templates import prospecting_log as pl
from xlsales import accounts, funnel, prospecting, samples

pytestmark = pytest.mark.engine
FIRST = 5  # first data row of every table
ROUNDING = load_oracle("funnel_examples.json")["rounding"]
SALES_MATH = next(
    c for c in load_oracle("funnel_examples.json")["reverse_funnel"] if c["name"] == "sales-math"
)
DUE = dt.date(2026, 6, 30)
HAND_ACCOUNTS = pd.DataFrame(
    {
        # the worked example: revenue 50, 30, 10, 5, 3, 2 (thousands) gives A A B B C C
        "account": ["Five", "Three", "One", "Half", "Small", "Tiny"],
        "owner": ["Ann", "Ann", "Bob", "Bob", "", "Bob"],
        "cluster": ["North", "South", "North", "South", "North", "North"],
        "icp_fit": ["yes", "no", "yes", "yes", "no", "yes"],
        "revenue": [50_000.0, 30_000.0, 10_000.0, 5_000.0, 3_000.0, 2_000.0],
        "gross_margin": [0.4, 0.5, 0.3, 0.5, 0.5, 0.2],
        "effort_hours": [100.0, 40.0, 20.0, 50.0, 10.0, 30.0],
        "hourly_cost": [50.0, 50.0, 50.0, 50.0, 50.0, 50.0],
        "influenceable": ["yes", "yes", "no", "yes", "yes", "yes"],
    }
)
HAND_LOG = pd.DataFrame(
    {
        "date": [dt.date(2026, 1, 5), dt.date(2026, 1, 20), dt.date(2026, 2, 3)],
        "rep": ["Ann", "Ann", "Bob"],
        "type": ["call", "meeting", "e-mail"],
        "prospect": ["Acme", "Acme", "Brix"],
        "outcome": ["meeting booked", "proposal sent", "no answer"],
        "pipeline_value": [1000.0, 0.0, 0.0],
        "won_value": [800.0, 0.0, 0.0],
        "won_date": [dt.date(2026, 3, 1), None, None],
    }
)


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    folder = tmp_path_factory.mktemp("engine")
    unsorted = am.build(HAND_ACCOUNTS)
    ws = unsorted["Accounts"]
    rev = am.LETTERS["revenue"]
    ws[f"{rev}{FIRST}"].value, ws[f"{rev}{FIRST + 1}"].value = (
        ws[f"{rev}{FIRST + 1}"].value,
        ws[f"{rev}{FIRST}"].value,
    )
    plan = dict(
        target=ROUNDING["target"],
        rates=ROUNDING["rates"],
        stage_days=[10, 14, 21],
        stages=["leads", "qualified", "proposals", "won"],
        due=DUE,
        actual=[200, 60, 15, 8],
    )
    workbooks = {
        "am_sample": am.build(samples.sample_accounts()),
        "am_hand": am.build(HAND_ACCOUNTS),
        "am_unsorted": unsorted,
        "am_empty": am.build(),
        **{f"fp_{mode}": fp.build(rounding=mode, **plan) for mode in ("end", "stage", "none")},
        "fp_week": fp.build(every="week", **plan),
        "fp_noise": fp.build(
            SALES_MATH["target"], SALES_MATH["rates"], [5, 5, 5, 5], SALES_MATH["stages"], DUE
        ),
        "fp_empty": fp.build(),
        "fp_fraction": fp.build(
            ROUNDING["target"],
            ROUNDING["rates"],
            [7, 10.5, 22.5],
            plan["stages"],
            DUE,
            every="week",
        ),
        "pl_sample": pl.build(samples.sample_activities(), target_wins=12),
        "pl_hand": pl.build(
            HAND_LOG,
            start=dt.date(2026, 1, 1),
            as_of=dt.date(2026, 2, 15),
            target_wins=2,
            plan_start=dt.date(2026, 3, 2),
            plan_end=dt.date(2026, 3, 13),
        ),
        "pl_empty": pl.build(),
    }
    return recalculate(workbooks, folder)


def column(values_wb, sheet, letter, count, first=FIRST):
    ws = values_wb[sheet]
    return [ws[f"{letter}{r}"].value for r in range(first, first + count)]


def day(value):
    return value.date() if isinstance(value, dt.datetime) else value


def schedule_starts(values_wb, stages=4):
    """The Schedule sheet's start dates, period by period, top stage first."""
    ws = values_wb["Schedule"]
    return [
        day(ws.cell(row=FIRST + k, column=3 + i).value)
        for k in range(fp.PERIODS)
        for i in range(stages)
    ]


def test_no_error_and_no_empty_formula_cells(books):
    for name, (formulas_wb, values_wb) in books.items():
        for sheet, ref, _ in all_formulas(formulas_wb):
            value = values_wb[sheet][ref].value
            assert value is not None and value != "", f"{name} {sheet}!{ref} is empty"
            assert not (isinstance(value, str) and value.startswith("#")), (
                f"{name} {sheet}!{ref}={value}"
            )


@pytest.mark.parametrize(
    "name",
    [
        "am_sample",
        "am_hand",
        "am_empty",
        "fp_end",
        "fp_stage",
        "fp_none",
        "fp_week",
        "fp_noise",
        "fp_empty",
        "fp_fraction",
        "pl_sample",
        "pl_hand",
        "pl_empty",
    ],
)
def test_master_check_ok(books, name):
    assert books[name][1]["Checks"]["B3"].value == "OK"


def test_order_check_catches_an_unsorted_row(books):
    values = books["am_unsorted"][1]
    assert values["Checks"]["B3"].value == "CHECK FAILED"
    failing = {
        values["Checks"][f"A{r}"].value: values["Checks"][f"B{r}"].value
        for r in range(FIRST, FIRST + 7)
    }
    assert (
        failing["Account rows out of revenue order (sort the table by revenue, largest first)"] == 1
    )


def test_account_matrix_by_hand(books):
    values = books["am_hand"][1]
    L = am.LETTERS
    assert column(values, "Accounts", L["abc"], 6) == ["A", "A", "B", "B", "C", "C"]
    # profit after effort: 50,000 x 0.4 - 100 h x 50 = 15,000; 30,000 x 0.5 - 40 x 50 = 13,000
    assert column(values, "Accounts", L["profit"], 2) == [15_000, 13_000]
    # GO needs class <= B, influence, an owner and gross profit >= 1.5 x effort cost:
    # Five: 20,000 / 5,000 = 4 -> GO; One (10,000) cannot be influenced -> NO-GO;
    # Half: 2,500 / 2,500 = 1 < 1.5 -> NO-GO; Small has no owner and is C -> NO-GO
    assert column(values, "Accounts", L["decision"], 6) == [
        "GO",
        "GO",
        "NO-GO",
        "NO-GO",
        "NO-GO",
        "NO-GO",
    ]
    # outside the ideal profile: Three (30,000) and Small (3,000) of 100,000
    summary = {
        values["Summary"][f"A{r}"].value: values["Summary"][f"B{r}"].value
        for r in range(FIRST, FIRST + 12)
    }
    assert summary["Share of revenue from accounts outside the ideal profile"] == pytest.approx(
        0.33
    )


def test_account_matrix_agrees_with_core(books):
    values = books["am_sample"][1]
    core = accounts.account_matrix(samples.sample_accounts())
    n = len(core)
    L = am.LETTERS
    assert column(values, "Accounts", L["account"], n) == core["account"].tolist()
    for key in ("gross_profit", "effort_cost", "profit", "revenue_share"):
        assert column(values, "Accounts", L[key], n) == pytest.approx(core[key].tolist(), rel=1e-12)
    for key in ("abc", "decision", "quadrant", "go_class", "go_influence", "go_owner", "go_return"):
        assert column(values, "Accounts", L[key], n) == core[key].tolist(), key
    summary = {
        values["Summary"][f"A{r}"].value: values["Summary"][f"B{r}"].value
        for r in range(FIRST, FIRST + 12)
    }
    assert summary["Revenue"] == pytest.approx(core["revenue"].sum())
    assert summary["Median profit after effort (quadrant line)"] == pytest.approx(
        core["profit"].median()
    )
    assert summary["A accounts"] == (core["abc"] == "A").sum()
    assert summary["Share of revenue from accounts outside the ideal profile"] == pytest.approx(
        accounts.outside_icp_share(core)
    )
    clusters = accounts.cluster_summary(core).set_index("cluster")
    for r in range(FIRST, FIRST + len(clusters)):
        name = values["Clusters"][f"A{r}"].value
        assert values["Clusters"][f"B{r}"].value == clusters.loc[name, "accounts"]
        assert values["Clusters"][f"C{r}"].value == pytest.approx(clusters.loc[name, "revenue"])
        assert values["Clusters"][f"E{r}"].value == pytest.approx(clusters.loc[name, "profit"])
        assert values["Clusters"][f"G{r}"].value == pytest.approx(clusters.loc[name, "a_share"])
    hours = {o: 1200.0 for o in sorted(set(core["owner"]))}
    cap = accounts.capacity(core, hours).set_index("owner")
    for r in range(FIRST, FIRST + len(hours)):
        owner = values["Capacity"][f"A{r}"].value
        assert values["Capacity"][f"C{r}"].value == pytest.approx(cap.loc[owner, "hours_needed"])
        flag = "OVER CAPACITY" if cap.loc[owner, "over_capacity"] else "ok"
        assert values["Capacity"][f"F{r}"].value == flag


@pytest.mark.parametrize("mode", ["end", "stage", "none"])
def test_funnel_planner_matches_required_volumes_and_oracle(books, mode):
    values = books[f"fp_{mode}"][1]
    planned = column(values, "Plan", "F", 4)
    assert planned == pytest.approx(
        funnel.required_volumes(ROUNDING["target"], ROUNDING["rates"], mode)
    )
    assert planned == pytest.approx(ROUNDING[mode], rel=1e-12)  # the published figures


def test_funnel_planner_start_dates_match_schedule(books):
    values = books["fp_end"][1]
    rows = funnel.funnel_schedule(ROUNDING["target"], ROUNDING["rates"], [10, 14, 21], DUE)
    assert [day(v) for v in column(values, "Plan", "H", 4)] == [r.start for r in rows]
    # by hand: leads start 30 June - (10 + 14 + 21) days = 16 May
    assert day(values["Plan"][f"H{FIRST}"].value) == dt.date(2026, 5, 16)
    # plan against actual: 200 leads against 208 planned is 8 behind
    assert values["Plan"][f"J{FIRST}"].value == -8 and values["Plan"][f"K{FIRST}"].value == "behind"


@pytest.mark.parametrize("every", ["month", "week"])
def test_funnel_planner_recurring_schedule(books, every):
    values = books["fp_end" if every == "month" else "fp_week"][1]
    rows = funnel.funnel_schedule(
        ROUNDING["target"], ROUNDING["rates"], [10, 14, 21], DUE, every=every, periods=fp.PERIODS
    )
    assert schedule_starts(values) == [r.start for r in rows]


def test_funnel_planner_fractional_days_round_up_once(books):
    # 7 + 10.5 + 22.5 = 40 days before the due date, not 7 + 11 + 23 = 41
    values = books["fp_fraction"][1]
    rows = funnel.funnel_schedule(
        ROUNDING["target"],
        ROUNDING["rates"],
        [7, 10.5, 22.5],
        DUE,
        every="week",
        periods=fp.PERIODS,
    )
    assert day(values["Plan"][f"H{FIRST}"].value) == DUE - dt.timedelta(days=40)
    assert [day(v) for v in column(values, "Plan", "H", 4)] == [r.start for r in rows[:4]]
    assert schedule_starts(values) == [r.start for r in rows]


def test_funnel_planner_float_noise_is_not_rounded_up(books):
    values = books["fp_noise"][1]
    assert column(values, "Plan", "F", 5) == SALES_MATH["volumes"]  # 2,000 calls, not 2,001


def test_prospecting_log_agrees_with_core(books):
    values = books["pl_sample"][1]
    acts = samples.sample_activities()
    start, as_of = min(acts["date"]), max(acts["date"])
    blocks = prospecting.payoff_blocks(acts, start, as_of)
    for i, block in blocks.iterrows():
        r = FIRST + i
        got = [values["Blocks"][f"{c}{r}"].value for c in "EFGHI"]
        assert got == pytest.approx(
            [
                block["activities"],
                block["pipeline"],
                block["won_early"],
                block["won_in_window"],
                block["won_later"],
            ]
        )
        assert values["Blocks"][f"K{r}"].value == block["window_closed"]
    weeks = prospecting.weekly_activity(acts, start, len(blocks) * 5)
    for i, week in weeks.head(20).iterrows():
        assert values["Weeks"][f"D{FIRST + i}"].value == week["activities"]
        assert values["Weeks"][f"E{FIRST + i}"].value == week["rolling"]
    summary = {
        values["Summary"][f"A{r}"].value: values["Summary"][f"B{r}"].value
        for r in range(FIRST, FIRST + 11)
    }
    assert summary[
        "Share of activity on prospects with no pipeline in the next 90 days"
    ] == pytest.approx(prospecting.poor_prospect_share(acts))
    recent, per, projection = prospecting.pipeline_projection(acts, as_of)
    assert summary["Activities in the last 30 days"] == recent
    assert summary["Pipeline the last 30 days should bring in the next 90"] == pytest.approx(
        projection
    )
    plan_start = dt.date(2026, 9, 1)  # the month after the last activity (2026-08-28)
    needed = prospecting.activities_needed_per_day(12, acts, plan_start, dt.date(2026, 9, 30))
    assert summary["Activities needed per working day to win the target"] == pytest.approx(needed)


def test_prospecting_log_by_hand(books):
    values = books["pl_hand"][1]
    # block 1 = 1-30 Jan: two Acme activities, 1,000 pipeline; the 800 won on 1 March falls
    # in its window (31 Jan to 30 Apr). Block 2 = 31 Jan-1 Mar: one e-mail, nothing.
    assert [values["Blocks"][f"{c}{FIRST}"].value for c in "EFGHI"] == [2, 1000, 0, 800, 0]
    assert [values["Blocks"][f"{c}{FIRST + 1}"].value for c in "EFGHI"] == [1, 0, 0, 0, 0]
    summary = {
        values["Summary"][f"A{r}"].value: values["Summary"][f"B{r}"].value
        for r in range(FIRST, FIRST + 11)
    }
    # Acme on 5 Jan has 1,000 pipeline ahead; Acme on 20 Jan and Brix have none: 2 of 3 poor
    assert summary[
        "Share of activity on prospects with no pipeline in the next 90 days"
    ] == pytest.approx(2 / 3)
    # 3 activities per win; 2 wins over the 10 working days of 2-13 March: 0.6 a day
    assert summary["Activities needed per working day to win the target"] == pytest.approx(0.6)
