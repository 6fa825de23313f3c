"""The xlsales command as a user runs it: messages, exit codes, files written or not."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
from openpyxl import load_workbook

from xlsales import samples

ACCOUNTS_HEADER = (
    "account,owner,cluster,icp_fit,revenue,gross_margin,effort_hours,hourly_cost,influenceable"
)


def sample_file(tmp_path, kind: str, rows: int):
    """Built-in sample rows written as the CSV a user would give (no source_row column)."""
    make = samples.sample_accounts if kind == "accounts" else samples.sample_activities
    path = tmp_path / f"{kind}.csv"
    make(rows).drop(columns="source_row").to_csv(path, index=False)
    return path


def run(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "frontdoors.cli", *args], capture_output=True, text=True, cwd=cwd
    )


def test_funnel_prints_a_plan():
    out = run("funnel", "--target", "14", "--rates", "0.1,0.35,0.5,0.4")
    assert out.returncode == 0
    assert "2000" in out.stdout and "2001" not in out.stdout  # sales-math: 2,000 calls


def test_funnel_bad_rate_is_one_line():
    out = run("funnel", "--rates", "0.5,1.4")
    assert out.returncode == 2
    assert (
        out.stderr.strip()
        == "xlsales: error: rates[1]=1.4 must be in (0, 1] (a rate, 0.25 for 25%)"
    )


def test_demo_writes_three_files_and_never_overwrites(tmp_path):
    out = run("demo", "--out", str(tmp_path))
    assert out.returncode == 0, out.stderr
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [
        "account-matrix.xlsx",
        "funnel-planner.xlsx",
        "pipeline-review.xlsx",
        "prospecting-log.xlsx",
    ]
    before = (tmp_path / "account-matrix.xlsx").read_bytes()
    again = run("demo", "--out", str(tmp_path))
    assert again.returncode == 2 and "use --force" in again.stderr
    assert (tmp_path / "account-matrix.xlsx").read_bytes() == before
    assert run("demo", "--out", str(tmp_path), "--force").returncode == 0


def test_demo_covers_name_the_sample_data_an_auditor_can_rehash(tmp_path):
    """The demo's Cover says which built-in sample made it, how many rows, and a SHA-256
    anyone recomputes: sha256 of the sample frame as CSV (no index, \\n line ends)."""
    import hashlib

    from openpyxl import load_workbook

    from xlsales import samples

    def digest(frame):
        return hashlib.sha256(frame.to_csv(index=False, lineterminator="\n").encode()).hexdigest()

    assert run("demo", "--out", str(tmp_path)).returncode == 0
    crm = samples.sample_crm()
    expected = {
        "account-matrix.xlsx": ("sample_accounts", 120, digest(samples.sample_accounts())),
        "prospecting-log.xlsx": ("sample_activities", 900, digest(samples.sample_activities())),
        "funnel-planner.xlsx": ("sample_crm", len(crm), digest(crm)),
        "pipeline-review.xlsx": ("sample_crm", len(crm), digest(crm)),
    }
    for name, (made_by, rows, sha) in expected.items():
        cover = load_workbook(tmp_path / name)["Cover"]
        facts = {r[0]: r[1] for r in cover.iter_rows(min_col=1, max_col=2, values_only=True)}
        assert facts["Source file"] == f"built-in sample data: xlsales.samples.{made_by}()", name
        assert facts["Rows read"] == rows, name
        assert facts["SHA-256"] == sha, name


def test_templates_writes_empty_workbooks(tmp_path):
    assert run("templates", "--out", str(tmp_path)).returncode == 0
    # one empty workbook per template the README's table lists
    written = sorted(p.name for p in tmp_path.glob("*.xlsx"))
    assert written == [
        "account-matrix.xlsx",
        "funnel-planner.xlsx",
        "pipeline-review.xlsx",
        "prospecting-log.xlsx",
    ]


@pytest.mark.parametrize(
    "row, message",
    [
        (
            "Acme,Ann,Retail,yes,abc,0.4,10,60,yes",
            "accounts.csv row 3, column revenue: 'abc' is not a number",
        ),
        (
            "Acme,Ann,Retail,maybe,100,0.4,10,60,yes",
            "row 3, column icp_fit: 'maybe' must be yes or no",
        ),
        (
            "Acme,Ann,Retail,yes,100,1.4,10,60,yes",
            "row 3, column gross_margin: '1.4' must be a share",
        ),
        ("Acme,Ann,Retail,yes,-5,0.4,10,60,yes", "row 3, column revenue: '-5' must be 0 or more"),
        (",Ann,Retail,yes,100,0.4,10,60,yes", "row 3, column account: '' is blank"),
    ],
)
def test_bad_account_row_named_and_nothing_written(tmp_path, row, message):
    csv = tmp_path / "accounts.csv"
    csv.write_text(f"{ACCOUNTS_HEADER}\nGood,Ann,Retail,yes,100,0.4,10,60,yes\n{row}\n")
    target = tmp_path / "out.xlsx"
    out = run("template", "account-matrix", "--accounts", str(csv), "--out", str(target))
    assert out.returncode == 2
    assert message in out.stderr
    assert not target.exists() and list(tmp_path.glob("*.tmp")) == []


def test_missing_column_is_named(tmp_path):
    csv = tmp_path / "accounts.csv"
    csv.write_text("account,owner\nAcme,Ann\n")
    out = run(
        "template", "account-matrix", "--accounts", str(csv), "--out", str(tmp_path / "o.xlsx")
    )
    assert out.returncode == 2 and "missing column(s) cluster, icp_fit" in out.stderr


def test_account_matrix_from_file_reports_rows(tmp_path):
    csv = sample_file(tmp_path, "accounts", 25)
    target = tmp_path / "matrix.xlsx"
    out = run("template", "account-matrix", "--accounts", str(csv), "--out", str(target))
    assert out.returncode == 0, out.stderr
    assert "accounts.csv: 25 rows read, 25 accounts" in out.stdout
    ws = load_workbook(target)["Accounts"]
    assert ws.max_row - 4 == 25
    refused = run("template", "account-matrix", "--accounts", str(csv), "--out", str(target))
    assert refused.returncode == 2 and "not overwritten" in refused.stderr


def test_prospecting_log_from_file(tmp_path):
    csv = sample_file(tmp_path, "activities", 40)
    target = tmp_path / "log.xlsx"
    out = run("template", "prospecting-log", "--activities", str(csv), "--out", str(target))
    assert out.returncode == 0, out.stderr
    assert "activities.csv: 40 rows read, 40 activities" in out.stdout


def test_bad_activity_date_named(tmp_path):
    csv = tmp_path / "log.csv"
    csv.write_text(
        "date,rep,type,prospect,outcome,pipeline_value,won_value,won_date\n"
        "2026-01-05,Ann,call,Acme,ok,0,0,\n31st Jan 2026,Ann,call,Acme,ok,0,0,\n"
    )
    out = run(
        "template", "prospecting-log", "--activities", str(csv), "--out", str(tmp_path / "o.xlsx")
    )
    assert out.returncode == 2
    assert (
        "log.csv row 3, column date: '31st Jan 2026' is not a date (use YYYY-MM-DD)" in out.stderr
    )


def test_analyze_a_hand_export(tmp_path):
    csv = tmp_path / "crm.csv"
    csv.write_text(
        "Opportunity,Phase,entered_at,status,amount,owner\n"
        "A,Lead,2026-01-05,won,1000,Ann\nA,Proposal,2026-01-20,won,1000,Ann\nA,Won,2026-02-10,won,1000,Ann\n"
        "B,Lead,2026-01-06,lost,500,Bob\nB,Lead,2026-01-06,lost,500,Bob\n"
        "C,Lead,2026-02-01,open,900,Ann\n"
    )
    out = run(
        "analyze",
        str(csv),
        "--stages",
        "Lead,Proposal,Won",
        "--map",
        "Opportunity=deal_id,Phase=stage",
        "--as-of",
        "2026-03-20",
        "--stall-days",
        "30",
        "--target",
        "2",
    )
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "crm.csv: 6 rows read (history), 3 deals" in text
    assert "duplicates: 1 repeated deal/stage rows counted once: row 6 (B Lead)" in text
    # Lead: entered 3, went on 1 (A), C open there -> 1 of 3 = 33.3 %, 1 open
    assert any(line.split()[:5] == ["Lead", "3", "1", "33.3%", "1"] for line in text.splitlines())
    assert "C  Lead" in text and "47 days" in text  # stalled since 1 Feb
    # A won (created 01-05, won 02-10: 36 days), B lost, C open on 2026-03-20
    assert (
        "Win rate 50.0% = won / (won + lost) = 1 / (1 + 1), deals closed up to 2026-03-20" in text
    )
    assert "median 36.0, 80th percentile 36.0, 90th percentile 36.0, average 36.0" in text
    # velocity: 1 open x 50 % x 1,000 / 36 days = 13.9 -> 14 per day
    assert "= 1 x 50.0% x 1,000 / 36.0 days = 14 per day" in text
    # to win 2 at 1/3 and 100 % (A went on from Proposal): 2 / (1/3) = 6 leads, 2 proposals
    assert "To win 2 at the measured rates: Lead 6, Proposal 2, Won 2" in text


def test_analyze_speaks_from_an_earlier_as_of_date(tmp_path):
    # the export runs to 10 Feb (A's win); as of 5 Feb nothing dated after it counts:
    # A is open in Proposal since 20 Jan (idle 16 days > 10: stalled), C in Lead since
    # 1 Feb (idle 4), B lost on 6 Jan. Lead time Lead -> Proposal: A's 15 days (5 -> 20
    # Jan); Proposal -> Won (10 Feb) is after the as-of date: no deal moved on yet.
    csv = tmp_path / "crm.csv"
    csv.write_text(
        "deal_id,stage,entered_at,status,amount,owner\n"
        "A,Lead,2026-01-05,won,1000,Ann\nA,Proposal,2026-01-20,won,1000,Ann\n"
        "A,Won,2026-02-10,won,1000,Ann\nB,Lead,2026-01-06,lost,500,Bob\n"
        "C,Lead,2026-02-01,open,900,Ann\n"
    )
    out = run(
        "analyze", str(csv), "--stages", "Lead,Proposal,Won", "--as-of", "2026-02-05",
        "--stall-days", "10",
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    lines = [line.split() for line in out.stdout.splitlines()]
    assert ["Lead", "15", "(15-15),", "1", "deals"] in lines
    assert ["Proposal", "no", "deal", "moved", "on"] in lines
    assert "Stalled: 1 open deal(s)" in out.stdout
    assert ["A", "Proposal", "Ann", "1,000", "16", "days"] in lines
    # no deal won by 5 Feb: velocity says so (an amount column is there)
    assert "= n/a (no deal won up to 2026-02-05): 2 open deals, win rate 0.0%" in out.stdout


def test_analyze_unknown_stage_is_named(tmp_path):
    csv = tmp_path / "crm.csv"
    csv.write_text("deal_id,stage,entered_at\nA,Lead,2026-01-05\nA,Demo,2026-01-09\n")
    out = run("analyze", str(csv), "--stages", "Lead,Won")
    assert out.returncode == 2
    assert "crm.csv row 3, column stage: 'Demo' is not one of the stages: Lead, Won" in out.stderr


def test_analyze_sample_writes_a_planner(tmp_path):
    target = tmp_path / "planner.xlsx"
    out = run("analyze", "--sample", "--planner", str(target))
    assert out.returncode == 0, out.stderr
    ws = load_workbook(target)["Inputs"]
    names = [ws.cell(row=r, column=1).value for r in range(1, 40)]
    assert "Qualified" in names


def test_analyze_by_owner(tmp_path):
    csv = tmp_path / "crm.csv"
    csv.write_text(
        "deal_id,stage,entered_at,status,owner\n"
        "A,Lead,2026-01-05,won,Ann\nA,Won,2026-02-10,won,Ann\n"
        "B,Lead,2026-01-06,lost,Ann\nC,Lead,2026-01-07,lost,Bob\n"
    )
    out = run("analyze", str(csv), "--stages", "Lead,Won", "--by", "owner")
    assert out.returncode == 0, out.stderr
    lines = {line.split()[0]: line.split() for line in out.stdout.splitlines() if line.strip()}
    assert lines["Ann"][1] == "50.0%" and lines["Bob"][1] == "0.0%"  # Ann 1 of 2, Bob 0 of 1


def test_account_matrix_limits_from_the_command_line(tmp_path):
    csv = sample_file(tmp_path, "accounts", 8)
    target = tmp_path / "m.xlsx"
    out = run(
        "template",
        "account-matrix",
        "--accounts",
        str(csv),
        "--out",
        str(target),
        "--a",
        "0.7",
        "--b",
        "0.9",
        "--hours-per-owner",
        "800",
        "--period",
        "quarter",
        "--min-return",
        "0.75",
    )
    assert out.returncode == 0, out.stderr
    wb = load_workbook(target)
    inputs = {wb["Inputs"][f"B{r}"].value: wb["Inputs"][f"C{r}"].value for r in range(1, 30)}
    assert inputs["ALimit"] == 0.7 and inputs["BLimit"] == 0.9
    assert inputs["HoursPeriod"] == "quarter" and inputs["MinReturnOnEffort"] == 0.75
    assert (
        wb["Inputs"][
            "D" + str(next(r for r in range(1, 40) if wb["Inputs"][f"C{r}"].value == "owner") + 1)
        ].value
        == 800
    )
    bad = run(
        "template",
        "account-matrix",
        "--accounts",
        str(csv),
        "--out",
        str(tmp_path / "x.xlsx"),
        "--a",
        "0.95",
        "--b",
        "0.9",
    )
    assert bad.returncode == 2 and "a=0.95 must be less than b=0.9" in bad.stderr


def test_prospecting_log_refuses_as_of_before_start(tmp_path):
    csv = sample_file(tmp_path, "activities", 10)
    target = tmp_path / "log.xlsx"
    out = run(
        "template",
        "prospecting-log",
        "--activities",
        str(csv),
        "--out",
        str(target),
        "--start",
        "2026-05-01",
        "--as-of",
        "2026-04-01",
    )
    assert out.returncode == 2
    assert "as_of=2026-04-01 is before start=2026-05-01" in out.stderr
    assert not target.exists()
    out = run(
        "template",
        "prospecting-log",
        "--activities",
        str(csv),
        "--out",
        str(target),
        "--target-wins",
        "-3",
    )
    assert out.returncode == 2 and "target_wins=-3 must be 0 or more" in out.stderr


def test_account_matrix_manual_decisions_from_the_file(tmp_path):
    csv = tmp_path / "accounts.csv"
    csv.write_text(
        f"{ACCOUNTS_HEADER},decision,reason\n"
        "Acme,Ann,Retail,yes,100,0.4,10,60,yes,no-go,moving away\n"
        "Brix,Ann,Retail,yes,50,0.4,10,60,yes,,\n"
    )
    target = tmp_path / "m.xlsx"
    out = run("template", "account-matrix", "--accounts", str(csv), "--out", str(target))
    assert out.returncode == 0, out.stderr
    ws = load_workbook(target)["Accounts"]
    head = [c.value for c in ws[4]]
    first = {h: ws.cell(row=5, column=j).value for j, h in enumerate(head, start=1)}
    assert first["account"] == "Acme" and first["manual decision"] == "NO-GO"
    assert first["reason"] == "moving away"
    bad = tmp_path / "bad.csv"
    bad.write_text(f"{ACCOUNTS_HEADER},decision\nAcme,Ann,Retail,yes,100,0.4,10,60,yes,stop\n")
    refused = run(
        "template", "account-matrix", "--accounts", str(bad), "--out", str(tmp_path / "b.xlsx")
    )
    assert refused.returncode == 2
    assert "bad.csv row 2, column decision: 'stop' must be GO, NO-GO or blank" in refused.stderr
    assert not (tmp_path / "b.xlsx").exists()


def test_template_funnel_planner_from_typed_inputs(tmp_path):
    target = tmp_path / "plan.xlsx"
    out = run(
        "template",
        "funnel-planner",
        "--target",
        "7",
        "--rates",
        "0.25,0.3,0.45",
        "--stage-days",
        "10,14,21",
        "--due",
        "2026-06-30",
        "--every",
        "week",
        "--periods",
        "4",
        "--stages",
        "leads,qualified,proposals,won",
        "--out",
        str(target),
    )
    assert out.returncode == 0, out.stderr
    # 7 wins at 25 %, 30 %, 45 %: 7/.45 = 15.6 -> 16; /.3 = 51.9 -> 52; /.25 = 207.4 -> 208
    assert "leads 208, qualified 52, proposals 16, won 7" in out.stdout
    wb = load_workbook(target)
    inputs = {wb["Inputs"][f"B{r}"].value: wb["Inputs"][f"C{r}"].value for r in range(1, 30)}
    assert inputs["TargetWins"] == 7 and inputs["Recurs"] == "week" and inputs["PlanPeriods"] == 4
    assert inputs["DueDate"].date() == dt.date(2026, 6, 30)
    names = [wb["Inputs"].cell(row=r, column=1).value for r in range(1, 60)]
    assert "proposals" in names


@pytest.mark.parametrize(
    "change, message",
    [
        (("--rates", "0.25,1.3,0.45"), "rates[1]=1.3 must be in (0, 1]"),
        (("--due", "30/06/2026"), "--due='30/06/2026' is not a date (use YYYY-MM-DD)"),
        (("--stage-days", "10,x,21"), "--stage-days item 2='x' is not a number"),
        (("--periods", "13"), "periods=13 must be from 1 to 12"),
        (("--target", "-1"), "target=-1 must be 0 or more"),
        (("--stages", "a,b"), "stages has 2 name(s) but the rates describe 4 stages"),
    ],
)
def test_template_funnel_planner_refuses_bad_input(tmp_path, change, message):
    args = {
        "--target": "7",
        "--rates": "0.25,0.3,0.45",
        "--stage-days": "10,14,21",
        "--due": "2026-06-30",
        "--stages": "leads,qualified,proposals,won",
    }
    args[change[0]] = change[1]
    target = tmp_path / "plan.xlsx"
    flat = [x for pair in args.items() for x in pair]
    out = run("template", "funnel-planner", *flat, "--out", str(target))
    assert out.returncode == 2 and message in out.stderr, out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and not target.exists()


def test_template_funnel_planner_needs_its_inputs(tmp_path):
    out = run("template", "funnel-planner", "--target", "7", "--out", str(tmp_path / "p.xlsx"))
    assert out.returncode == 2
    assert "template funnel-planner needs --rates, --stage-days, --due" in out.stderr


def test_analyze_planner_carries_the_crm_provenance(tmp_path):
    import hashlib

    csv = tmp_path / "crm.csv"
    csv.write_text(
        "deal_id,stage,entered_at,status,amount\n"
        "A,Lead,2026-01-05,won,1000\nA,Won,2026-02-10,won,1000\n"
        "B,Lead,2026-01-06,lost,500\nC,Lead,2026-02-01,open,900\n"
    )
    target = tmp_path / "planner.xlsx"
    out = run("analyze", str(csv), "--stages", "Lead,Won", "--planner", str(target))
    assert out.returncode == 0, out.stderr
    cover = load_workbook(target)["Cover"]
    facts = {cover[f"A{r}"].value: cover[f"B{r}"].value for r in range(1, 40)}
    assert facts["Source file"] == "crm.csv" and facts["Rows read"] == 4
    assert facts["SHA-256"] == hashlib.sha256(csv.read_bytes()).hexdigest()


HAND_CRM = (  # Lead -> Qualified -> Won; as of 2026-03-31 (D6's win, the latest date)
    "deal_id,stage,entered_at,status,amount,closed_at\n"
    "D1,Lead,2026-01-05,won,10000,2026-02-10\n"
    "D1,Qualified,2026-01-20,won,10000,2026-02-10\n"
    "D1,Won,2026-02-10,won,10000,2026-02-10\n"
    "D2,Lead,2026-01-10,lost,4000,2026-02-15\n"
    "D2,Qualified,2026-02-01,lost,4000,2026-02-15\n"
    "D3,Lead,2026-01-15,lost,3000,2026-01-25\n"
    "D4,Lead,2026-02-03,open,5000,\n"
    "D5,Lead,2026-02-20,open,6000,\n"
    "D5,Qualified,2026-03-05,open,6000,\n"
    "D6,Lead,2026-03-02,won,20000,2026-03-31\n"
    "D6,Qualified,2026-03-10,won,20000,2026-03-31\n"
    "D6,Won,2026-03-31,won,20000,2026-03-31\n"
)


def test_template_funnel_planner_with_crm_fills_the_actuals(tmp_path):
    import hashlib

    from workbook_templates import engine
    from workbook_templates.funnel_planner import BLOCK

    csv = tmp_path / "crm.csv"
    csv.write_text(HAND_CRM)
    target = tmp_path / "plan.xlsx"
    out = run(
        "template", "funnel-planner", "--target", "2", "--rates", "0.5,0.5",
        "--stage-days", "10,20", "--due", "2026-06-30", "--stages", "Lead,Qualified,Won",
        "--crm", str(csv), "--out", str(target),
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    # 2 wins at 50 % and 50 %: 2 / 0.5 = 4 qualified, 4 / 0.5 = 8 leads
    assert "Lead 8, Qualified 4, Won 2" in out.stdout
    assert "crm.csv: 12 rows read into the Actuals" in out.stdout
    wb = load_workbook(target)
    facts = {wb["Cover"][f"A{r}"].value: wb["Cover"][f"B{r}"].value for r in range(1, 60)}
    assert facts["Source file"] == "crm.csv" and facts["Rows read"] == 12
    assert facts["SHA-256"] == hashlib.sha256(csv.read_bytes()).hexdigest()
    engine.convert([target], tmp_path / "calc")
    values = load_workbook(tmp_path / "calc" / "plan.xlsx", data_only=True)
    ws = values["Actuals"]

    def month(slot, k):  # period k (0 = the first of the 12 tracked months) of a stage
        r = 4 + slot * BLOCK + 2 + k
        return [ws.cell(row=r, column=c).value for c in (4, 5, 8, 9, 10)]

    # 12 calendar months up to the one holding the as-of date 2026-03-31: April 2025 to
    # March 2026, so January is k = 9, February 10, March 11; the plan asks every month
    # for 8 leads and 4 qualified. Columns: planned, entered, went on, open here, rate.
    # Lead, January: D1, D2, D3 entered; D1 and D2 reached Qualified: 2 / 3
    assert month(0, 9) == [8, 3, 2, 0, pytest.approx(2 / 3)]
    # Lead, February: D4 (still open in Lead) and D5 (went on): 1 / 2, 1 open
    assert month(0, 10) == [8, 2, 1, 1, pytest.approx(1 / 2)]
    # Lead, March: D6 went on: 1 / 1
    assert month(0, 11) == [8, 1, 1, 0, 1]
    # Qualified, January: D1 won: 1 / 1; February: D2 lost: 0 / 1; March: D5 open, D6 won
    assert month(1, 9) == [4, 1, 1, 0, 1]
    assert month(1, 10) == [4, 1, 0, 0, 0]
    assert month(1, 11) == [4, 2, 1, 1, pytest.approx(1 / 2)]
    # Won: D1 in February, D6 in March; no month before January has an entry
    assert [month(2, k)[1] for k in range(12)] == [0] * 10 + [1, 1]
    assert month(2, 11)[4] == "last stage"
    velocity = values["Velocity"]
    terms = {velocity[f"A{r}"].value: velocity[f"B{r}"].value for r in range(5, 15)}
    # won D1, D6; lost D2, D3: 2 / 4; open D4, D5; average won (10000 + 20000) / 2 = 15000;
    # cycles: D1 5 Jan -> 10 Feb = 36 days, D6 2 Mar -> 31 Mar = 29 days, mean 32.5
    assert terms["Win rate = won / (won + lost)"] == pytest.approx(0.5)
    assert terms["Open deals on the as-of date"] == 2
    assert terms["Pipeline velocity (revenue per day)"] == pytest.approx(2 * 0.5 * 15000 / 32.5)
    assert values["Checks"]["B3"].value == "OK"


def test_template_funnel_planner_crm_needs_stages_and_a_readable_file(tmp_path):
    typed = ["--target", "2", "--rates", "0.5,0.5", "--stage-days", "10,20", "--due", "2026-06-30"]
    csv = tmp_path / "crm.csv"
    csv.write_text(HAND_CRM.replace("D4,Lead,2026-02-03", "D4,Lead,2026-02-31"))
    target = tmp_path / "plan.xlsx"
    out = run("template", "funnel-planner", *typed, "--crm", str(csv), "--out", str(target))
    assert out.returncode == 2
    assert "template funnel-planner --crm needs --stages" in out.stderr
    out = run(
        "template", "funnel-planner", *typed, "--crm", str(csv), "--stages", "Lead,Qualified,Won",
        "--out", str(target),
    )  # fmt: skip
    # D4's row is the 8th line of the file (header = row 1): 31 February does not exist
    assert out.returncode == 2 and "row 8" in out.stderr and "entered_at" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and not target.exists()


def test_version_is_the_installed_packages():
    import xlsales

    out = run("--version")
    assert out.returncode == 0 and out.stdout.strip() == f"xlsales {xlsales.__version__}"
    assert xlsales.__version__ != "0.0.0+source"  # the test environment installs xlsales


def test_the_command_starts_without_reading_package_metadata():
    # importlib.metadata (and the email package under it) is imported only for --version
    # or xlsales.__version__: every other command starts without it (issue 15: analyze
    # against a bare pandas.read_csv process)
    code = "import sys, frontdoors.cli; print('importlib.metadata' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "False", out.stderr
