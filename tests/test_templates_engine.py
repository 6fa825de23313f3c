"""The templates recalculated in LibreOffice agree with the Python core and with hand work.

All workbooks are recalculated in one LibreOffice run (about two seconds to start).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from conftest import load_oracle, recalculate
from formulas import all_formulas
from openpyxl.utils import get_column_letter
from test_prospecting import AS_OF, HAND_LOG, START

from workbook_templates import account_matrix as am
from workbook_templates import funnel_planner as fp
from workbook_templates import prospecting_log as pl
from xlsales import accounts, deals, funnel, prospecting, samples

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
HAND_LIMITS = pd.DataFrame(
    {
        # hourly cost 50; hours available: Ann 100, Bob 100; minimum return 0.5, class C is GO
        "account": ["Overruled", "Ann2", "Bob2", "OnMin", "BelowMin", "NoEffort"],
        "owner": ["Ann", "Ann", "Bob", "Ann", "Bob", "Ann"],
        "cluster": ["North"] * 6,
        "icp_fit": ["yes"] * 6,
        "revenue": [40_000.0, 32_000.0, 32_400.0, 6_000.0, 5_996.0, 1_000.0],
        "gross_margin": [0.5, 0.25, 0.25, 0.25, 0.25, 0.5],
        "effort_hours": [80.0, 80.0, 81.0, 20.0, 20.0, 0.0],
        "hourly_cost": [50.0] * 6,
        "influenceable": ["yes"] * 6,
        "manual_decision": ["NO-GO", "", "", "", "GO", ""],
        "reason": ["churning", "", "", "", "strategic", ""],
    }
)
LIMIT_RULES = accounts.AccountRules(go_max_class="C", min_return_on_effort=0.5)
LIMIT_HOURS = {"Ann": 100.0, "Bob": 100.0}


HAND_STAGES = ["Lead", "Qualified", "Proposal", "Won"]
CRM_AS_OF = dt.date(2026, 3, 2)


def hand_crm():
    """tests/test_deals.py's hand history (worked out there): 8 deals, Jan-Mar 2026."""
    from test_deals import HAND

    return deals.read_deals(HAND, HAND_STAGES)


def crm_planner():
    """The funnel planner with Actuals and Velocity from the hand history."""
    return fp.build(
        1,
        [0.5, 0.5, 0.5],
        [7, 7, 7],
        HAND_STAGES,
        dt.date(2026, 4, 30),
        tracking=deals.period_counts(hand_crm(), "M", CRM_AS_OF, fp.PERIODS),
        velocity=deals.record_metrics(hand_crm(), CRM_AS_OF),
    )


def _split_wins(wb):
    """The hand log with the Reps inputs typed over: Ann still needs 3 wins, Bob none."""
    ws = wb["Reps"]
    head = [c.value for c in ws[FIRST - 1]]
    needed = head.index("wins still needed") + 1
    for r in range(FIRST, FIRST + 2):
        rep = ws.cell(row=r, column=head.index("rep") + 1).value
        ws.cell(row=r, column=needed).value = {"Ann": 3, "Bob": 0}[rep]
    return wb


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
        "am_limits": am.build(HAND_LIMITS, LIMIT_RULES, LIMIT_HOURS),
        "am_1000": am.build(samples.sample_accounts(1_000)),
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
        **{
            f"pl_hand_{day.day}": pl.build(HAND_LOG, start=START, as_of=day, target_wins=3)
            for day in (AS_OF, dt.date(2026, 4, 30), dt.date(2026, 4, 29))
        },
        "pl_empty": pl.build(),
        "pl_hand_split": _split_wins(pl.build(HAND_LOG, start=START, as_of=AS_OF, target_wins=3)),
        "fp_crm": crm_planner(),
        "fp_once": fp.build(
            ROUNDING["target"], ROUNDING["rates"], [10, 14, 21], plan["stages"], DUE, every="once"
        ),
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
        "am_hand",
        "am_empty",
        "fp_end",
        "fp_stage",
        "fp_none",
        "fp_week",
        "fp_noise",
        "fp_empty",
        "fp_fraction",
        "fp_crm",
        "fp_once",
        "pl_sample",
        "pl_hand_1",
        "pl_hand_30",
        "pl_hand_29",
        "pl_empty",
    ],
)
def test_master_check_ok(books, name):
    assert books[name][1]["Checks"]["B3"].value == "OK"


def test_demo_accounts_fail_only_the_capacity_check(books):
    # the sample team is over capacity (see test_account_matrix_agrees_with_core): the
    # master check says so, and no other check fails
    values = books["am_sample"][1]
    assert values["Checks"]["B3"].value == "CHECK FAILED"
    failing = [
        values["Checks"][f"A{r}"].value
        for r in range(FIRST, values["Checks"].max_row + 1)
        if values["Checks"][f"C{r}"].value is False
    ]
    assert len(failing) == 1 and failing[0].startswith("GO accounts that do not fit capacity")


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


def checks_by_text(values_wb):
    ws = values_wb["Checks"]
    return {ws[f"A{r}"].value: ws[f"B{r}"].value for r in range(FIRST, ws.max_row + 1)}


def facts(values_wb, sheet, value_column="B"):
    ws = values_wb[sheet]
    return {ws[f"A{r}"].value: ws[f"{value_column}{r}"].value for r in range(FIRST, ws.max_row + 1)}


def test_account_matrix_by_hand(books):
    values = books["am_hand"][1]
    L = am.LETTERS
    assert column(values, "Accounts", L["abc"], 6) == ["A", "A", "B", "B", "C", "C"]
    # profit after effort (x 50 an hour): Five 20,000 - 5,000 = 15,000; Three 15,000 - 2,000
    # = 13,000; One 3,000 - 1,000 = 2,000; Half 2,500 - 2,500 = 0; Small 1,500 - 500 =
    # 1,000; Tiny 400 - 1,500 = -1,100
    assert column(values, "Accounts", L["profit"], 6) == [15_000, 13_000, 2_000, 0, 1_000, -1_100]
    # return on effort = profit after effort / effort cost: 3, 6.5, 2, 0, 2, -0.733
    roe = column(values, "Accounts", L["return_on_effort"], 6)
    assert roe == pytest.approx([3, 6.5, 2, 0, 2, -1_100 / 1_500])
    # class by profit: positive total 31,000 (Tiny's loss left out). Five 0 ahead A; Three
    # 15/31 = 0.48 A; One 28/31 = 0.90 B; Small 30/31 = 0.97 C; Half 31/31 C; Tiny C
    assert column(values, "Accounts", L["abc_profit"], 6) == ["A", "A", "B", "C", "C", "C"]
    # GO: class <= B, return >= 0.5, influenceable. One cannot be influenced; the rest are C
    assert column(values, "Accounts", L["suggested"], 6) == ["GO", "GO"] + ["NO-GO"] * 4
    assert column(values, "Accounts", L["decision"], 6) == ["GO", "GO"] + ["NO-GO"] * 4
    # Ann (1,200 h) needs 100 + 40 = 140 h: both fit; Bob's accounts are NO-GO: 100 h freed
    assert column(values, "Accounts", L["fits"], 6) == ["yes", "yes"] + ["hours freed"] * 4
    cap = values["Capacity"]
    assert [cap[f"{c}{FIRST}"].value for c in "ADEF"] == ["Ann", 140, 0, 1200]
    assert cap[f"G{FIRST}"].value == pytest.approx(140 / 1200)  # Load; LibreOffice keeps 15 digits
    assert [cap[f"{c}{FIRST + 1}"].value for c in "ADEFG"] == ["Bob", 0, 100, 1200, 0]
    # outside the ideal profile: Three (30,000) and Small (3,000) of 100,000
    summary = facts(values, "Summary")
    assert summary["Share of revenue from accounts outside the ideal profile"] == pytest.approx(
        0.33
    )


def test_account_matrix_limits_on_and_beside(books):
    values = books["am_limits"][1]
    L = am.LETTERS
    # revenue order: Overruled 40,000, Bob2 32,400, Ann2 32,000, OnMin 6,000, BelowMin
    # 5,996, NoEffort 1,000
    names = column(values, "Accounts", L["account"], 6)
    assert names == ["Overruled", "Bob2", "Ann2", "OnMin", "BelowMin", "NoEffort"]
    got = {key: dict(zip(names, column(values, "Accounts", L[key], 6))) for key in L}
    # OnMin 6,000 x 0.25 - 1,000 = 500: 500 / 1,000 = 0.5, the minimum: holds;
    # BelowMin 5,996 x 0.25 - 1,000 = 499: 0.499 fails
    assert got["return_on_effort"]["OnMin"] == 0.5 and got["go_return"]["OnMin"] is True
    assert got["return_on_effort"]["BelowMin"] == pytest.approx(0.499)
    assert got["go_return"]["BelowMin"] is False
    assert got["return_on_effort"]["NoEffort"] == "no effort cost"
    assert got["go_return"]["NoEffort"] is True
    # the manual decision wins both ways: Overruled (suggested GO) is NO-GO, BelowMin
    # (suggested NO-GO) is GO
    assert got["suggested"]["Overruled"] == "GO" and got["decision"]["Overruled"] == "NO-GO"
    assert got["suggested"]["BelowMin"] == "NO-GO" and got["decision"]["BelowMin"] == "GO"
    # Ann, 100 h: NoEffort (no effort, first), Overruled (NO-GO, 80 h freed), Ann2 (4,000 /
    # 80 = 50 an hour) 80 h, OnMin (500 / 20 = 25 an hour) 80 + 20 = 100 = 100: fits (ON).
    # Bob, 100 h: Bob2 (4,050 / 81 = 50) 81 h, BelowMin 81 + 20 = 101 > 100: does not fit
    assert got["fits"] == {
        "Overruled": "hours freed",
        "Bob2": "yes",
        "Ann2": "yes",
        "OnMin": "yes",
        "BelowMin": "no",
        "NoEffort": "yes",
    }
    plan = values["Capacity plan"]
    P = am.PLAN_SPEC.letters
    assert column(values, "Capacity plan", P["account"], 6) == [
        "NoEffort",
        "Overruled",
        "Ann2",
        "OnMin",
        "Bob2",
        "BelowMin",
    ]
    assert column(values, "Capacity plan", P["running"], 6) == [0, 0, 80, 100, 81, 101]
    assert plan[f"{P['per_hour']}{FIRST}"].value == "no effort"
    cap = values["Capacity"]
    # Ann: Load 100 / 100 = 100 % (ok); 80 h freed. Bob: 101 / 100 = 101 % (over)
    assert [cap[f"{c}{FIRST}"].value for c in "ADEFGI"] == ["Ann", 100, 80, 100, 1, "ok"]
    assert [cap[f"{c}{FIRST + 1}"].value for c in "ADEFGI"] == [
        "Bob",
        101,
        0,
        100,
        1.01,
        "OVER CAPACITY",
    ]
    capacity = facts(values, "Capacity", "D")
    assert capacity["Period of the hours"] == "year"
    assert capacity["Plan: GO when every GO account fits its owner's hours, else NO GO"] == "NO GO"
    assert values["Checks"]["B3"].value == "CHECK FAILED"
    failing = {k: v for k, v in checks_by_text(values).items() if k and v not in (0, 0.15)}
    assert failing == {
        "GO accounts that do not fit capacity (an owner's load over 100 %, or no listed "
        "owner): BelowMin": 1
    }
    assert values["Capacity"]["A2"].value.startswith("Hours per year: ")


def test_account_matrix_agrees_with_core(books):
    values = books["am_sample"][1]
    core = accounts.account_matrix(samples.sample_accounts())
    n = len(core)
    L = am.LETTERS
    assert column(values, "Accounts", L["account"], n) == core["account"].tolist()
    for key in ("gross_profit", "effort_cost", "profit", "revenue_share", "return_on_effort"):
        assert column(values, "Accounts", L[key], n) == pytest.approx(core[key].tolist(), rel=1e-12)
    for key in (
        "abc",
        "abc_profit",
        "go_class",
        "go_return",
        "go_influence",
        "suggested",
        "decision",
        "quadrant",
    ):
        assert column(values, "Accounts", L[key], n) == core[key].tolist(), key
    summary = facts(values, "Summary")
    assert summary["Revenue"] == pytest.approx(core["revenue"].sum())
    assert summary["Median profit after effort (quadrant line)"] == pytest.approx(
        core["profit"].median()
    )
    assert summary["A accounts by revenue"] == (core["abc"] == "A").sum()
    assert summary["A accounts by profit after effort"] == (core["abc_profit"] == "A").sum()
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
    plan = accounts.capacity_plan(core, hours)
    P = am.PLAN_SPEC.letters
    assert column(values, "Capacity plan", P["account"], n) == plan["account"].tolist()
    assert column(values, "Capacity plan", P["running"], n) == pytest.approx(
        plan["running_hours"].tolist()
    )
    assert column(values, "Capacity plan", P["fits"], n) == plan["fits"].tolist()
    fits = dict(zip(plan["row"], plan["fits"]))
    assert column(values, "Accounts", L["fits"], n) == [fits[i] for i in range(n)]
    cap = accounts.capacity(core, hours).set_index("owner")
    for r in range(FIRST, FIRST + len(hours)):
        owner = values["Capacity"][f"A{r}"].value
        assert values["Capacity"][f"D{r}"].value == pytest.approx(cap.loc[owner, "hours_needed"])
        assert values["Capacity"][f"E{r}"].value == pytest.approx(cap.loc[owner, "hours_freed"])
        assert values["Capacity"][f"G{r}"].value == pytest.approx(cap.loc[owner, "load"])
        assert values["Capacity"][f"H{r}"].value == cap.loc[owner, "fitting"]
        flag = "OVER CAPACITY" if cap.loc[owner, "over_capacity"] else "ok"
        assert values["Capacity"][f"I{r}"].value == flag
    verdict = facts(values, "Capacity", "D")
    key = "Plan: GO when every GO account fits its owner's hours, else NO GO"
    assert verdict[key] == accounts.plan_verdict(core, hours)


def test_a_team_of_four_with_1000_accounts_reads_no_go_on_the_plan(books):
    values = books["am_1000"][1]
    core = accounts.account_matrix(samples.sample_accounts(1_000))
    hours = {o: 1200.0 for o in sorted(set(core["owner"]))}
    assert len(hours) == 4
    capacity = facts(values, "Capacity", "D")
    assert capacity["Plan: GO when every GO account fits its owner's hours, else NO GO"] == "NO GO"
    not_fitting = sum(len(names) for names in accounts.capacity(core, hours)["not_fitting"])
    assert capacity["GO accounts that do not fit"] == not_fitting > 0
    assert values["Checks"]["B3"].value == "CHECK FAILED"
    named = [k for k in checks_by_text(values) if k and k.startswith("GO accounts that do not")]
    assert named and named[0].endswith(f" and {not_fitting - 10} more")


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


def summary(values) -> dict:
    ws = values["Summary"]
    return {ws[f"A{r}"].value: ws[f"B{r}"].value for r in range(FIRST, ws.max_row + 1)}


def table(values, sheet, first_col=1) -> list[dict]:
    ws = values[sheet]
    head = [c.value for c in ws[FIRST - 1]][first_col - 1 :]
    return [
        dict(zip(head, [c.value for c in row][first_col - 1 :]))
        for row in ws.iter_rows(min_row=FIRST)
        if row[0].value is not None
    ]


def test_prospecting_log_agrees_with_core(books):
    values = books["pl_sample"][1]
    acts = samples.sample_activities()
    start, as_of = min(acts["date"]), max(acts["date"])
    core = prospecting.prospects(acts, as_of, start)
    sheet = table(values, "Prospects")
    assert [r["prospect"] for r in sheet] == core["prospect"].tolist()
    for row, (_, want) in zip(sheet, core.iterrows()):
        assert day(row["first activity"]) == want["first_activity"]
        assert [row[k] for k in ("activities", "minutes", "Poor prospect", "Time lost")] == [
            want["activities"],
            want["minutes"],
            want["poor"],
            want["time_lost"],
        ]
        got = [row[k] for k in ("pipeline in window", "won in window", "block")]
        assert got == pytest.approx(
            [want["pipeline_in_window"], want["won_in_window"], want["block"]]
        )
        got = [row[k] for k in ("pipeline in payoff", "won in payoff", "wins in payoff")]
        assert got == pytest.approx(
            [want["pipeline_payoff"], want["won_payoff"], want["wins_payoff"]]
        )
    blocks = prospecting.payoff_blocks(acts, start, as_of)
    sheet = table(values, "Blocks")
    assert len(sheet) == len(blocks)
    for row, (_, block) in zip(sheet, blocks.iterrows()):
        got = [row[k] for k in ("activities", "new prospects", "pipeline", "wins", "revenue won")]
        want = [block[k] for k in ("activities", "prospects", "pipeline", "wins", "revenue")]
        assert got == pytest.approx(want)
        assert row["status"] == ("closed" if block["closed"] else "open")
    rates = prospecting.rates(blocks)
    facts = summary(values)
    assert facts["Wins per activity (closed blocks)"] == pytest.approx(rates.wins_per_activity)
    assert facts["Revenue per activity (closed blocks)"] == pytest.approx(
        rates.revenue_per_activity
    )
    gone = prospecting.left_out(acts, as_of)
    assert facts["Wins dated after the as-of date (not counted)"] == gone["wins_after"]
    assert facts["Revenue won after the as-of date (not counted)"] == gone["won_after"]
    assert facts["Poor prospects (window closed, no pipeline, no win)"] == core["poor"].sum()
    assert facts["Time lost on poor prospects (hours)"] == pytest.approx(
        core["time_lost"].sum() / 60
    )
    team = prospecting.activities_needed_per_day(12, rates.wins_per_activity, as_of)
    assert facts["Activities needed per working day (team)"] == pytest.approx(team)
    reps = pl.rep_names(acts, as_of)
    each = prospecting.activities_needed_per_day(12 / len(reps), rates.wins_per_activity, as_of)
    assert [r["activities needed per working day"] for r in table(values, "Reps")] == pytest.approx(
        [each] * len(reps)
    )
    projection = prospecting.revenue_projection(acts, as_of, rates.revenue_per_activity)
    assert facts["Activities in the last 30 days"] == projection["activities"]
    label = "Projection: revenue the last 30 days' activities should bring in the projection window"
    assert facts[label] == pytest.approx(projection["revenue"])
    assert day(facts["Projection window: from"]) == projection["window_starts"]
    assert day(facts["Projection window: to"]) == projection["window_ends"]
    weeks = prospecting.rolling_activity(acts, start, as_of, reps)
    sheet = table(values, "Weeks")
    assert len(sheet) == len(weeks)
    for row, (_, week) in zip(sheet, weeks.iterrows()):
        assert row["activities"] == week["activities"]
        assert row["activities in the last 30 days"] == week["rolling"]
        assert [row[r] for r in reps] == [week[f"rolling_{r}"] for r in reps]
        assert row["target: activities needed in the next 30 days"] == pytest.approx(team * 20)
        # each rep's target line: its activities needed per working day x 20 working days
        assert [row[f"target: {r}"] for r in reps] == pytest.approx([each * 20] * len(reps))


def test_prospecting_log_by_hand(books):
    # the hand-worked log of tests/test_prospecting.py, as of 1 May 2026
    values = books["pl_hand_1"][1]
    prospects = {r["prospect"]: r for r in table(values, "Prospects")}
    # poor: Brix (its win is 1 day after its window) and Cora (window closes on the
    # as-of date); Acme (won on the last day of its window) and Echo (on the first) not
    assert {k for k, r in prospects.items() if r["Poor prospect"]} == {"Brix", "Cora"}
    assert [prospects[k]["status"] for k in ("Acme", "Echo", "Dyna", "Hugo")] == [
        "not poor",
        "not poor",
        "open",  # window ends 2 May, one day after the as-of date
        "open",
    ]
    assert prospects["Acme"]["activities"] == 3  # "acme" on 20 April is Acme
    assert prospects["Hugo"]["activities"] == 1  # the call of 2 May does not count
    facts = summary(values)
    # time lost: Brix call 10 + e-mail 5, Cora call 10 = 25 minutes = 25/60 hours
    assert facts["Time lost on poor prospects (hours)"] == pytest.approx(25 / 60)
    assert facts["Poor prospects (window closed, no pipeline, no win)"] == 2
    assert facts["Open prospects (still inside their window)"] == 4
    blocks = table(values, "Blocks")
    # block 1 closed (payoff ends 30 April): 5 activities, 3 wins, 1,900; block 2 open
    # (Fenn's 2,000 pipeline and its 300 won on the as-of date)
    assert [blocks[0][k] for k in ("status", "activities", "wins", "revenue won")] == [
        "closed",
        5,
        3,
        1900,
    ]
    assert [blocks[1][k] for k in ("status", "pipeline", "wins", "revenue won")] == [
        "open",
        2000,
        1,
        300,
    ]
    assert blocks[1]["wins per activity"] == "open"
    # rates from block 1: 3/5 = 0.6 wins, 1,900/5 = 380 revenue per activity
    assert facts["Wins per activity (closed blocks)"] == pytest.approx(0.6)
    assert facts["Revenue per activity (closed blocks)"] == pytest.approx(380)
    # 3 wins (1.5 per rep) / 0.6 / 20 working days (2-31 May) = 0.25 a day, 0.125 per rep
    assert facts["Working days in the next 30 days (Monday to Friday)"] == 20
    assert facts["Activities needed per working day (team)"] == pytest.approx(0.25)
    reps = table(values, "Reps")
    assert [r["activities needed per working day"] for r in reps] == pytest.approx([0.125] * 2)
    assert [r["activities"] for r in reps] == [6, 5]  # Ann, Bob up to 1 May
    # projection: 2 activities in 2 April-1 May x 380 = 760, in 2 May-30 July
    label = "Projection: revenue the last 30 days' activities should bring in the projection window"
    assert facts[label] == pytest.approx(760)
    assert day(facts["Projection window: to"]) == dt.date(2026, 7, 30)
    checks = {
        values["Checks"][f"A{r}"].value: values["Checks"][f"B{r}"].value for r in range(5, 13)
    }
    assert checks["Wins left out by the as-of date (every win is counted or listed here)"] == (
        "1 wins worth 400 dated after the as-of date, not counted"
    )
    assert values["Checks"]["B3"].value == "OK"


def test_prospecting_log_target_line_per_rep_by_hand(books):
    # as of 1 May 2026: 0.6 wins per activity (block 1), 20 working days from 2 to 31 May
    weeks = table(books["pl_hand_1"][1], "Weeks")
    # 3 wins split evenly: 1.5 each / 0.6 = 2.5 activities in the next 30 days
    # (0.125 a day x 20 working days), the same line in every week
    assert {(w["target: Ann"], w["target: Bob"]) for w in weeks} == {(2.5, 2.5)}
    # Ann typed 3 wins on Reps, Bob 0: Ann 3 / 0.6 = 5 (0.25 a day x 20), Bob 0; the team
    # line is their sum, 5; each rep's line is read from its own row, not its neighbour's
    split = books["pl_hand_split"][1]
    weeks = table(split, "Weeks")
    assert {(w["target: Ann"], w["target: Bob"]) for w in weeks} == {(5, 0)}
    assert {w["target: activities needed in the next 30 days"] for w in weeks} == {5}
    assert split["Checks"]["B3"].value == "OK"
    # Reps says the same per working day: Ann 3 / 0.6 / 20 = 0.25, Bob 0
    reps = {r["rep"]: r["activities needed per working day"] for r in table(split, "Reps")}
    assert reps == {"Ann": pytest.approx(0.25), "Bob": 0}


def test_prospecting_log_draws_a_chart_per_rep_with_its_target_line(books):
    formulas = books["pl_hand_1"][0]
    ws = formulas["Weeks"]
    head = [c.value for c in ws[FIRST - 1]]
    charts = ws._charts
    # the team's chart, then one per rep (Ann, Bob), each two lines: activity and target
    assert len(charts) == 3
    for chart, rep in zip(charts[1:], ("Ann", "Bob")):
        refs = [s.val.numRef.f for s in chart.series]
        cols = [get_column_letter(head.index(h) + 1) for h in (rep, f"target: {rep}")]
        last = FIRST + len(table(books["pl_hand_1"][1], "Weeks")) - 1
        assert refs == [f"'Weeks'!${c}${FIRST}:${c}${last}" for c in cols]
        titles = [s.tx.strRef.f for s in chart.series]
        assert titles == [f"'Weeks'!{c}{FIRST - 1}" for c in cols]
    # the target cells are formulas: looked up once on Reps, carried down week by week
    target = get_column_letter(head.index("target: Ann") + 1)
    assert ws[f"{target}{FIRST}"].value.startswith("=IF(ISNUMBER(MATCH(SUBSTITUTE(")
    assert ws[f"{target}{FIRST + 1}"].value == f"={target}{FIRST}"


def test_prospecting_log_by_hand_one_and_two_days_earlier(books):
    values = books["pl_hand_30"][1]  # as of 30 April
    prospects = {r["prospect"]: r for r in table(values, "Prospects")}
    assert prospects["Cora"]["status"] == "open"  # its window ends 1 May: one day later
    assert summary(values)["Poor prospects (window closed, no pipeline, no win)"] == 1
    assert table(values, "Blocks")[0]["status"] == "closed"  # payoff ends on the as-of date
    # Fenn's 300 (1 May) and Gala's 400 (2 May) are now both after the as-of date
    assert (
        values["Checks"]["B10"].value == "2 wins worth 700 dated after the as-of date, not counted"
    )
    values = books["pl_hand_29"][1]  # as of 29 April: no block closed
    assert table(values, "Blocks")[0]["status"] == "open"
    facts = summary(values)
    for what in ("Wins", "Revenue", "Pipeline"):
        assert facts[f"{what} per activity (closed blocks)"] == "not yet measurable"
    assert facts["Activities needed per working day (team)"] == "not yet measurable"


def actuals_block(values_wb, slot):
    """One stage's 12 rows on Actuals: columns A to K."""
    ws = values_wb["Actuals"]
    first = 4 + slot * fp.BLOCK + 2
    return [
        [ws.cell(row=r, column=c).value for c in range(1, 12)] for r in range(first, first + 12)
    ]


def test_funnel_planner_actuals_agree_with_core(books):
    values = books["fp_crm"][1]
    core = deals.plan_vs_actual(hand_crm(), [0.5, 0.5, 0.5], 1, as_of=CRM_AS_OF, periods=12)
    for slot, stage in enumerate(HAND_STAGES):
        rows = core[core["stage"] == stage].reset_index(drop=True)
        block = actuals_block(values, slot)
        assert values["Actuals"].cell(row=4 + slot * fp.BLOCK, column=2).value == stage
        for k, (got, want) in enumerate(zip(block, rows.itertuples())):
            assert day(got[1]) == want.start, (stage, k)
            assert got[3] == want.required and got[4] == want.actual
            assert got[5] == pytest.approx(want.ratio)
            assert got[6] == ("on course" if want.on_course else "behind")
            if stage == "Won":
                assert got[9] == "last stage"
            elif want.actual_rate is None:
                assert got[9] == "no entries"
            else:
                assert got[9] == pytest.approx(want.actual_rate)
            assert got[10] is True


def test_funnel_planner_actuals_by_hand(books):
    values = books["fp_crm"][1]
    # 12 months up to the as-of date 2026-03-02: April 2025 to March 2026; January is row 10
    lead, qualified, proposal, won = (actuals_block(values, s) for s in range(4))
    assert day(lead[0][1]) == dt.date(2025, 4, 1) and day(lead[0][2]) == dt.date(2025, 4, 30)
    assert day(lead[11][1]) == dt.date(2026, 3, 1)
    # plan: 1 win at 50 % per step: 8 leads, 4 qualified, 2 proposals, 1 win each month.
    # January (tests/test_deals.py): proposals A B = 2 against 2 planned: ON the plan;
    # February: G alone, one less than planned: behind (ratio 1 / 2)
    assert proposal[9][3:7] == [2, 2, 1, "on course"]
    assert proposal[10][3:7] == [2, 1, 0.5, "behind"]
    # January's 6 leads: 5 went on (all but C), 5 / 6; 12 / 22 style counts beside the rate
    assert lead[9][4] == 6 and lead[9][7:10] == [5, 0, pytest.approx(5 / 6)]
    # March: F entered Lead and is open there: 0 of 1, 1 open
    assert lead[11][4] == 1 and lead[11][7:10] == [0, 1, 0]
    assert won[10][4] == 1 and won[10][9] == "last stage"  # A won in February


def test_funnel_planner_velocity_by_hand(books):
    values = books["fp_crm"][1]
    facts = {
        values["Velocity"][f"A{r}"].value: values["Velocity"][f"B{r}"].value for r in range(5, 15)
    }
    # won A, G; lost B, C, D, H: 2 / (2 + 4); open on 2026-03-02: E, F;
    # average won amount (1000 + 700) / 2 = 850; average cycle (36 + 51) / 2 = 43.5 days
    assert facts["Win rate = won / (won + lost)"] == pytest.approx(2 / 6)
    assert facts["Open deals on the as-of date"] == 2
    assert facts["Pipeline velocity (revenue per day)"] == pytest.approx(2 * (2 / 6) * 850 / 43.5)
    m = deals.record_metrics(hand_crm(), CRM_AS_OF)
    assert facts["Pipeline velocity (revenue per day)"] == pytest.approx(m["velocity_per_day"])
    assert facts["Sales cycle, 90th percentile (days)"] == pytest.approx(49.5)  # 36 + 0.9 x 15


def test_funnel_planner_one_off_plans_each_stage_once(books):
    # a one-off plan: each stage's volume planned only in the period holding its start
    # date (leads start 16 May 2026, 45 days before 30 June; see the schedule test)
    values = books["fp_once"][1]
    lead = actuals_block(values, 0)
    assert day(lead[0][1]) == dt.date(2026, 5, 1)  # the month of the leads' start date
    assert [row[3] for row in lead] == [208] + [0] * 11
    won = actuals_block(values, 3)
    assert [row[3] for row in won] == [0, 7] + [0] * 10  # the wins are due in June
