"""The permanent catalogue of hostile inputs (issue 14): what a real user, a real CRM
export or a hostile file can give, through the command line as a subprocess and through
the Excel functions via xlwings' own conversion path.

Every case must end in a result or in ONE line naming the argument or the file, row and
column: never a traceback, an internal error, a non-finite number or an int64 overflow.
The case lists are plain data so that ``python tests/test_hostile_inputs.py`` can count
the outcomes against any checkout (PYTHONPATH=that checkout): the counts before and
after the fixes are in the issue note.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

if __name__ == "__main__":  # run as a script: xlwings must see these before its import
    os.environ.setdefault("XLWINGS_ON_SERVER", "true")
    os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
    sys.path.insert(0, str(Path(__file__).resolve().parent))

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
INT64_MIN = -9223372036854775808

# ---------------------------------------------------------------- files for the CLI
HISTORY = "deal_id,stage,entered_at,status,amount\n"
FILES = {
    "ok.csv": HISTORY
    + "a,Lead,2024-01-01,won,1000\na,Won,2024-02-01,won,1000\nb,Lead,2024-01-03,lost,500\n"
    "c,Lead,2024-01-05,open,700\n",
    "timestamps.csv": HISTORY
    + "a,Lead,2024-01-01T10:00:00Z,won,1000\na,Won,2024-02-01T23:30:00-05:00,won,1000\n"
    "b,Lead,2024-01-03T08:00:00+02:00,lost,500\nc,Lead,2024-01-05 09:15,open,700\n",
    "thousands_dot_comma.csv": HISTORY
    + 'a,Lead,2024-01-01,won,"1.234,56"\na,Won,2024-02-01,won,"1.234,56"\n'
    "b,Lead,2024-01-03,lost,500\n",
    "decimal_comma.csv": HISTORY
    + 'a,Lead,2024-01-01,won,"500,5"\na,Won,2024-02-01,won,"500,5"\nb,Lead,2024-01-03,lost,5\n',
    "thousands_comma.csv": HISTORY
    + 'a,Lead,2024-01-01,won,"1,234"\na,Won,2024-02-01,won,"1,234"\nb,Lead,2024-01-03,lost,5\n',
    "us_amounts.csv": HISTORY
    + 'a,Lead,2024-01-01,won,"1,234.50"\na,Won,2024-02-01,won,"1,234.50"\n'
    'b,Lead,2024-01-03,lost,"2,000,000"\n',
    "far_future.csv": HISTORY
    + "a,Lead,2024-01-01,won,10\na,Won,9999-12-31,won,10\nb,Lead,2024-01-03,lost,5\n",
    "last_deal_day.csv": HISTORY
    + "a,Lead,2024-01-01,won,10\na,Won,2262-04-11,won,10\nb,Lead,2024-01-03,lost,5\n",
    "activities_far.csv": "date,rep,type,prospect,outcome,pipeline_value,won_value,won_date\n"
    "2026-01-05,Ann,call,Acme,ok,100,50,9999-12-31\n",
    "year_one.csv": HISTORY + "a,Lead,0001-01-01,open,10\n",
    "year_10000.csv": HISTORY + "a,Lead,10000-01-01,open,10\n",
    "huge_amount.csv": HISTORY + "a,Lead,2024-01-01,open,1e300\nb,Lead,2024-01-02,lost,1\n",
    "inf_amount.csv": HISTORY + "a,Lead,2024-01-01,open,inf\n",
    "nan_amount.csv": HISTORY + "a,Lead,2024-01-01,open,nan\n",
    "negative.csv": HISTORY + "a,Lead,2024-01-01,open,-5\n",
    "only_open.csv": "deal_id,stage,status,created_at,last_change_at,amount\n"
    "a,Lead,open,2024-01-01,2024-01-02,100\nb,Proposal,open,2024-01-01,2024-01-03,200\n",
    "closed_stages.csv": "deal_id,stage,created_at,last_change_at,amount\n"
    "a,Closed Won,2024-01-01,2024-02-01,100\nb,closed lost,2024-01-01,2024-01-20,50\n"
    "c,Proposal,2024-01-10,2024-01-15,70\nd,WON,2024-01-02,2024-01-30,10\n",
    "header_only.csv": HISTORY,
    "empty.csv": "",
    "ragged.csv": HISTORY + "a,Lead,2024-01-01,open,1,extra,cells\n",
    "bom.csv": "\ufeff" + HISTORY + "a,Lead,2024-01-01,open,1\nb,Lead,2024-01-02,lost,1\n",
    "mixed_date_orders.csv": HISTORY + "a,Lead,13/01/2024,open,1\nb,Lead,01/13/2024,open,1\n",
    "ambiguous_dates.csv": HISTORY + "a,Lead,03/04/2024,open,1\nb,Lead,05/06/2024,lost,1\n",
    "no_such_day.csv": HISTORY + "a,Lead,2024-02-30,open,1\n",
    "formula.csv": HISTORY + 'a,=HYPERLINK("x"),2024-01-01,open,1\n',
    "accounts.csv": "account,owner,cluster,icp_fit,revenue,gross_margin,effort_hours,"
    "hourly_cost,influenceable,notes\nAcme,Ann,Retail,yes,1000,0.3,10,50,yes,call back\n",
    "accounts_mapped.csv": "Account,Owner,cluster,icp_fit,Turnover,gross_margin,effort_hours,"
    "hourly_cost,influenceable\nAcme,Ann,Retail,yes,1000,0.3,10,50,yes\n",
    "accounts_eu.csv": "\ufeffaccount;owner;cluster;icp_fit;revenue;gross_margin;effort_hours;"
    "hourly_cost;influenceable\nAcme;Ann;Retail;yes;1.234,5;0,3;10;50;yes\n",
    "activities_ambiguous.csv": "date,rep,type,prospect,outcome,pipeline_value,won_value,"
    'won_date\n2026-01-05,Ann,call,Acme,ok,"500,5",0,\n',
}
for name in (
    "hubspot_deals.csv",
    "salesforce_opportunities.csv",
    "pipedrive_deals.csv",
    "european_deals.csv",
):
    if (DATA / name).exists():
        FILES[name] = (DATA / name).read_text(encoding="utf-8")

NO_FILE = "ok.csv"
A = ["analyze"]
F = ["funnel"]

# (case id, arguments, what must appear: in stderr for a refusal "!", in stdout otherwise)
CLI_CASES: list[tuple[str, list[str], str]] = [
    # reading files: delimiter, BOM, decimal convention, dates
    ("timestamps Z and offsets", A + ["timestamps.csv", "--stages", "Lead,Won"], "4 rows read"),
    (
        "timestamp calendar date as written",
        A + ["timestamps.csv", "--stages", "Lead,Won"],
        "Lead  31",
    ),
    (
        "1.234,56 in a comma file",
        A + ["thousands_dot_comma.csv", "--stages", "Lead,Won"],
        "!row 2, column amount: '1.234,56' is not a number",
    ),
    (
        "1.234,56 with --decimal ,",
        A + ["thousands_dot_comma.csv", "--stages", "Lead,Won", "--decimal", ","],
        "decimal comma",
    ),
    (
        "500,5 in a comma file",
        A + ["decimal_comma.csv", "--stages", "Lead,Won"],
        "!row 2, column amount: '500,5' is not a number",
    ),
    (
        "1,234 ambiguous",
        A + ["thousands_comma.csv", "--stages", "Lead,Won"],
        "!row 2, column amount: '1,234' is ambiguous",
    ),
    (
        "1,234 with --decimal .",
        A + ["thousands_comma.csv", "--stages", "Lead,Won", "--decimal", "."],
        "3 rows read",
    ),
    (
        "US thousands with a decimal point",
        A + ["us_amounts.csv", "--stages", "Lead,Won"],
        "3 rows read",
    ),
    (
        "9999-12-31 in a CRM file",
        A + ["far_future.csv", "--stages", "Lead,Won"],
        "!row 3, column entered_at: '9999-12-31' is after 2262-04-11",
    ),
    (
        "2262-04-11 in a CRM file",
        A + ["last_deal_day.csv", "--stages", "Lead,Won"],
        "as of 2262-04-11",
    ),
    (
        "--as-of 9999-12-31 analyze",
        A + [NO_FILE, "--stages", "Lead,Won", "--as-of", "9999-12-31"],
        "!--as-of=9999-12-31 is after 2262-04-11",
    ),
    (
        "9999-12-31 in an activities file",
        ["template", "prospecting-log", "--activities", "activities_far.csv", "--out", "far.xlsx"],
        "wrote far.xlsx",
    ),
    (
        "year 1 in a file",
        A + ["year_one.csv", "--stages", "Lead,Won"],
        "!row 2, column entered_at: '0001-01-01' must be a date in the years 1900-9999",
    ),
    (
        "year 10000 in a file",
        A + ["year_10000.csv", "--stages", "Lead,Won"],
        "!row 2, column entered_at",
    ),
    (
        "amount 1e300",
        A + ["huge_amount.csv", "--stages", "Lead,Won"],
        "!row 2, column amount: '1e300' must be a finite amount of at most 1e+15",
    ),
    ("amount inf", A + ["inf_amount.csv", "--stages", "Lead,Won"], "!row 2, column amount"),
    ("amount nan", A + ["nan_amount.csv", "--stages", "Lead,Won"], "!row 2, column amount"),
    (
        "negative amount",
        A + ["negative.csv", "--stages", "Lead,Won"],
        "!row 2, column amount: '-5' must be 0 or more",
    ),
    ("header only", A + ["header_only.csv", "--stages", "Lead,Won"], "!has a header but no rows"),
    ("empty file", A + ["empty.csv", "--stages", "Lead,Won"], "!empty.csv"),
    ("ragged rows", A + ["ragged.csv", "--stages", "Lead,Won"], "!ragged.csv"),
    ("UTF-8 BOM", A + ["bom.csv", "--stages", "Lead,Won"], "2 rows read"),
    (
        "day-first and month-first mixed",
        A + ["mixed_date_orders.csv", "--stages", "Lead,Won"],
        "!mixes day-first and month-first",
    ),
    (
        "ambiguous day/month",
        A + ["ambiguous_dates.csv", "--stages", "Lead,Won"],
        "!is ambiguous: day-first or month-first?",
    ),
    (
        "ambiguous day/month declared",
        A + ["ambiguous_dates.csv", "--stages", "Lead,Won", "--dates", "dmy"],
        "2 rows read",
    ),
    ("no such day", A + ["no_such_day.csv", "--stages", "Lead,Won"], "!is not a date"),
    (
        "formula as a stage name",
        A + ["formula.csv", "--stages", "Lead,Won"],
        "!is not one of the stages",
    ),
    ("missing file", A + ["nowhere.csv", "--stages", "Lead,Won"], "!no such file"),
    ("not a table", A + ["ok.pdf", "--stages", "Lead,Won"], "!use a .csv or .xlsx file"),
    # CRM exports
    (
        "closed stages in a snapshot",
        A + ["closed_stages.csv", "--stages", "Lead,Proposal,Won"],
        "1 lost deal(s) do not show the stage",
    ),
    ("only open deals", A + ["only_open.csv", "--stages", "Lead,Proposal,Won"], "not computable"),
    (
        "only open deals still lists stalled",
        A
        + [
            "only_open.csv",
            "--stages",
            "Lead,Proposal,Won",
            "--as-of",
            "2024-06-01",
            "--stall-days",
            "30",
        ],
        "Stalled: 2 open deal(s)",
    ),
    ("snapshot without --stages", A + ["only_open.csv"], "!a snapshot does not show the stage"),
    ("history without --stages", A + ["ok.csv"], "stage order (inferred from the history"),
    ("missing column points to --map", A + ["accounts.csv", "--stages", "Lead,Won"], "!--map"),
    # --map
    (
        "--map garbage",
        A + [NO_FILE, "--stages", "Lead,Won", "--map", "garbage"],
        "!--map item 'garbage'",
    ),
    (
        "--map trailing comma",
        A + [NO_FILE, "--stages", "Lead,Won", "--map", "deal_id=deal_id,"],
        "!--map item 2 of 2 is empty",
    ),
    (
        "--map two onto one",
        A + [NO_FILE, "--stages", "Lead,Won", "--map", "deal_id=stage,status=stage"],
        "!onto stage",
    ),
    (
        "--map onto an existing name",
        A + [NO_FILE, "--stages", "Lead,Won", "--map", "status=stage"],
        "!would all be read as stage",
    ),
    (
        "--map unknown target",
        A + [NO_FILE, "--stages", "Lead,Won", "--map", "amount=money"],
        "!'money' is not one of",
    ),
    (
        "--map column not in file",
        A + [NO_FILE, "--stages", "Lead,Won", "--map", "Nope=owner"],
        "!'Nope' that the file does not have",
    ),
    ("--map =", A + [NO_FILE, "--stages", "Lead,Won", "--map", "="], "!has a blank side"),
    # analyze arguments, all checked before anything is printed
    (
        "--by cohort --period X",
        A + [NO_FILE, "--stages", "Lead,Won", "--by", "cohort", "--period", "X"],
        "!invalid choice: 'X'",
    ),
    (
        "--stall-days -5",
        A + [NO_FILE, "--stages", "Lead,Won", "--stall-days", "-5"],
        "!--stall-days=-5 must be between 0 and 36500",
    ),
    (
        "--stall-days 1e12",
        A + [NO_FILE, "--stages", "Lead,Won", "--stall-days", "1e12"],
        "!--stall-days=1e+12",
    ),
    (
        "--stall-days nan",
        A + [NO_FILE, "--stages", "Lead,Won", "--stall-days", "nan"],
        "!--stall-days=nan",
    ),
    (
        "--target 1e300 analyze",
        A + [NO_FILE, "--stages", "Lead,Won", "--target", "1e300"],
        "!--target=1e+300",
    ),
    (
        "--as-of 0001-01-01",
        A + [NO_FILE, "--stages", "Lead,Won", "--as-of", "0001-01-01"],
        "!--as-of=0001-01-01 must be a date Excel can show",
    ),
    (
        "--as-of garbage",
        A + [NO_FILE, "--stages", "Lead,Won", "--as-of", "soon"],
        "!--as-of='soon' is not a date",
    ),
    ("--show -1", A + [NO_FILE, "--stages", "Lead,Won", "--show", "-1"], "!--show=-1"),
    ("--stages one stage", A + [NO_FILE, "--stages", "Lead"], "!stages has 1 value"),
    ("--stages twice", A + [NO_FILE, "--stages", "Lead,lead,Won"], "!names a stage twice"),
    (
        "--planner not xlsx",
        A + [NO_FILE, "--stages", "Lead,Won", "--planner", "p.txt"],
        "!must end in .xlsx",
    ),
    ("--decimal ;", A + [NO_FILE, "--stages", "Lead,Won", "--decimal", ";"], "!invalid choice"),
    # funnel arguments
    ("--target 1e300", F + ["--target", "1e300"], "!target=1e+300 must be at most 1e+15"),
    ("--target inf", F + ["--target", "inf"], "!target=inf must be a finite number"),
    ("--target nan", F + ["--target", "nan"], "!target=nan must be a finite number"),
    ("--target -1", F + ["--target", "-1"], "!target=-1 must be 0 or more"),
    ("tiny rates", F + ["--rates", "1e-300,0.5,0.5,0.5"], "!beyond what a plan can hold"),
    ("rate 0", F + ["--rates", "0,0.5,0.5,0.5"], "!rates[0]=0 must be in (0, 1]"),
    ("rate text", F + ["--rates", "a,0.5,0.5,0.5"], "!--rates item 1='a' is not a number"),
    ("--due 0001-01-01", F + ["--due", "0001-01-01"], "!--due=0001-01-01 must be a date"),
    ("--due 9999-12-31", F + ["--due", "9999-12-31"], "9999-12-31"),
    (
        "--due 9999-12-31 monthly",
        F + ["--due", "9999-12-31", "--every", "month", "--periods", "2"],
        "!the last period would be due after 9999-12-31",
    ),
    ("--due 1900-01-01", F + ["--due", "1900-01-01"], "!before 1900-01-01"),
    (
        "--stage-days 1e12",
        F + ["--due", "2026-01-01", "--stage-days", "1e12,1,1,1"],
        "!stage_days[0]=1e+12 must be at most 36500",
    ),
    (
        "--stage-days inf",
        F + ["--due", "2026-01-01", "--stage-days", "inf,1,1,1"],
        "!stage_days[0]=inf must be a finite number",
    ),
    (
        "--stage-days -1",
        F + ["--due", "2026-01-01", "--stage-days=-1,1,1,1"],
        "!stage_days[0]=-1 must be 0 or more",
    ),
    (
        "--periods 1e7",
        F + ["--due", "2026-01-01", "--every", "day", "--periods", "1e7"],
        "!invalid int value: '1e7'",
    ),
    (
        "--periods 10000000",
        F + ["--due", "2026-01-01", "--every", "day", "--periods", "10000000"],
        "!periods=10000000 must be between 1 and 10000",
    ),
    (
        "--periods 0",
        F + ["--due", "2026-01-01", "--every", "day", "--periods", "0"],
        "!periods=0 must be between 1 and 10000",
    ),
    (
        "--periods 10000 ok",
        F
        + [
            "--due",
            "2026-01-01",
            "--every",
            "day",
            "--periods",
            "10000",
            "--rates",
            "0.5",
            "--stages",
            "a,b",
            "--stage-days",
            "1",
        ],
        "period 10000 due 2053-05-18",
    ),
    (
        "funnel error prints nothing else",
        F + ["--due", "2026-01-01", "--stage-days", "x"],
        "!--stage-days item 1='x' is not a number",
    ),
    # template
    (
        "template unknown column ignored",
        ["template", "account-matrix", "--accounts", "accounts.csv", "--out", "a.xlsx"],
        "ignored column(s), not used: notes",
    ),
    (
        "template --map",
        [
            "template",
            "account-matrix",
            "--accounts",
            "accounts_mapped.csv",
            "--map",
            "Account=account,Owner=owner,Turnover=revenue",
            "--out",
            "m.xlsx",
        ],
        "wrote m.xlsx",
    ),
    (
        "template European file",
        ["template", "account-matrix", "--accounts", "accounts_eu.csv", "--out", "eu.xlsx"],
        "decimal comma (semicolon file)",
    ),
    (
        "template missing column",
        ["template", "account-matrix", "--accounts", "accounts_mapped.csv", "--out", "x.xlsx"],
        "!--map",
    ),
    (
        "template ambiguous amount",
        [
            "template",
            "prospecting-log",
            "--activities",
            "activities_ambiguous.csv",
            "--out",
            "p.xlsx",
        ],
        "!row 2, column pipeline_value: '500,5' is not a number",
    ),
    (
        "template --map garbage",
        [
            "template",
            "account-matrix",
            "--accounts",
            "accounts.csv",
            "--map",
            "garbage",
            "--out",
            "g.xlsx",
        ],
        "!--map item 'garbage'",
    ),
    (
        "template bad --out",
        ["template", "account-matrix", "--accounts", "accounts.csv", "--out", "a.txt"],
        "!must end in .xlsx",
    ),
]
for name, preset in (
    ("hubspot_deals.csv", "HubSpot"),
    ("salesforce_opportunities.csv", "Salesforce"),
    ("pipedrive_deals.csv", "Pipedrive"),
):
    CLI_CASES.append((f"{preset} export detected", A + [name], f"{preset} preset (detected)"))
CLI_CASES.append(
    (
        "European CRM export",
        A + ["european_deals.csv", "--stages", "Lead,Qualified,Proposal,Won"],
        "semicolon-separated, decimal comma",
    )
)


def write_files(folder: Path) -> None:
    for name, text in FILES.items():
        path = folder / name
        if not path.exists():
            path.write_text(text, encoding="utf-8")
    (folder / "ok.pdf").write_text("%PDF")


def run_batch(cases: list[list[str]], folder: Path) -> list[subprocess.CompletedProcess]:
    """Run ``xlsales`` on each argument list in ONE subprocess (Python starts once), each
    case as the command line runs it: its exit code, its stdout and its stderr, and any
    exception that escapes ``main`` as the traceback a user would see."""
    write_files(folder)
    env = {k: v for k, v in os.environ.items() if not k.startswith("XLWINGS_")}
    try:
        done = subprocess.run(
            [sys.executable, __file__, "--batch"],
            input=json.dumps(cases),
            cwd=folder,
            capture_output=True,
            text=True,
            env=env,
            timeout=60 + 10 * len(cases),
        )
        results = json.loads(done.stdout.splitlines()[-1])
    except subprocess.TimeoutExpired:
        return [run_cli(args, folder) for args in cases]  # find the case that hangs
    return [subprocess.CompletedProcess(a, r[0], r[1], r[2]) for a, r in zip(cases, results)]


def run_cli(args: list[str], folder: Path) -> subprocess.CompletedProcess:
    """One case in its own subprocess, a hang cut off after 60 s."""
    write_files(folder)
    env = {k: v for k, v in os.environ.items() if not k.startswith("XLWINGS_")}
    try:
        return subprocess.run(
            [sys.executable, "-m", "frontdoors.cli", *args],
            cwd=folder,
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
    except subprocess.TimeoutExpired:  # a hang: counted with the failures
        return subprocess.CompletedProcess(args, -9, "", "hung for 60 s")


def _batch() -> None:
    import contextlib
    import io
    import traceback

    from frontdoors.cli import main

    results = []
    for args in json.loads(sys.stdin.read()):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(args)
            except SystemExit as exc:  # argparse
                code = exc.code if isinstance(exc.code, int) else 2
            except BaseException:
                traceback.print_exc()
                code = 1
        results.append((code, out.getvalue(), err.getvalue()))
    print(json.dumps(results))


def cli_outcome(out: subprocess.CompletedProcess) -> str:
    """hang, traceback, non-finite, overflow, refused (one line) or ok."""
    text = out.stdout + out.stderr
    if out.returncode == -9:
        return "hang"
    if "Traceback" in text or "internal error" in text or out.returncode not in (0, 2):
        return "traceback"
    if str(INT64_MIN) in text:
        return "overflow"
    words = text.replace(",", " ").replace("(", " ").replace(")", " ").split()
    if any(w.strip("%.:;").lower() in ("inf", "-inf", "nan", "infinity") for w in words):
        if out.returncode == 0:
            return "non-finite"
    return "ok" if out.returncode == 0 else "refused"


@pytest.fixture(scope="module")
def cli_results(tmp_path_factory) -> dict[str, subprocess.CompletedProcess]:
    folder = tmp_path_factory.mktemp("hostile")
    outs = run_batch([args for _, args, _ in CLI_CASES], folder)
    return {case: out for (case, _, _), out in zip(CLI_CASES, outs)}


@pytest.mark.parametrize("case, args, expect", CLI_CASES, ids=[c[0] for c in CLI_CASES])
def test_cli_case(case, args, expect, cli_results):
    out = cli_results[case]
    assert cli_outcome(out) in ("ok", "refused"), out.stderr[-2000:]
    if expect.startswith("!"):
        assert out.returncode == 2, out.stdout
        assert out.stdout == ""  # nothing of a half report before the error
        lines = out.stderr.strip().splitlines()
        if "invalid" not in expect:  # argparse adds its usage line above its error
            assert len(lines) == 1, out.stderr
        assert expect[1:] in out.stderr
    else:
        assert out.returncode == 0, out.stderr
        assert expect in out.stdout


# ---------------------------------------------------------------- Excel functions
E = "#N/A"
UDF_CASES: list[tuple[str, tuple, str]] = [
    # (function, arguments, a piece of the message; "" for a result that must be finite)
    ("REQUIRED_LEADS", (1e300, [[0.5]]), "target=1e+300 must be at most 1e+15"),
    ("REQUIRED_LEADS", (10, [[1e-300]]), "beyond what a plan can hold"),
    ("REQUIRED_LEADS", ([[1e300], [1]], [[0.5]]), "targets[0]=1e+300 must be at most"),
    ("REQUIRED_LEADS", (float("inf"), [[0.5]]), "target"),
    ("REQUIRED_LEADS", (1e15, [[1.0]]), ""),  # on the limit: 1e15 at every stage
    ("REQUIRED_LEADS", (1e15 + 1, [[1.0]]), "target=1e+15 must be at most 1e+15"),
    ("REQUIRED_LEADS", (5e14, [[0.5]]), ""),  # top stage 5e14 / 0.5 = 1e15: on the limit
    ("REQUIRED_LEADS", (5e14, [[0.4999]]), "beyond what a plan can hold"),
    ("REQUIRED_LEADS", (E, [[0.5]]), "target"),
    ("REQUIRED_LEADS", (True, [[0.5]]), "target"),
    ("REQUIRED_LEADS", ("ten", [[0.5]]), "target='ten' is not a number"),
    ("REQUIRED_LEADS", (10, [[0.5, "x"]]), "rates[1]='x'"),
    ("PIPELINE_VELOCITY", (1e15, 1, 1e15, 1e-300), "is too short for these amounts"),
    ("PIPELINE_VELOCITY", (1e300, 1, 1, 1), "must be at most 1e+15"),
    ("PIPELINE_VELOCITY", (1, 1, 1e300, 1), "must be at most 1e+15"),
    ("PIPELINE_VELOCITY", (40, 0.25, 25000, 90), ""),
    ("PIPELINE_VELOCITY", (40, 0.25, 25000, 0), "must be more than 0"),
    ("PIPELINE_VELOCITY", (40, 2, 25000, 90), "win_rate=2"),
    ("WIN_RATE", (1e308, 1e308), "won=1e+308 must be at most 1e+15"),
    ("WIN_RATE", (0, 0), "undefined"),
    ("WIN_RATE", (1.5, 2), "whole number"),
    ("STAGE_CONVERSION", ([[1e300], [1]],), "counts[0]=1e+300 must be at most"),
    ("STAGE_CONVERSION", ([[10], [E]],), "counts[1]"),
    ("CUMULATIVE_CONVERSION", ([[0], [0]],), "undefined"),
    ("FUNNEL_SCHEDULE", (10, [[0.5]], [[1]], 46083, "end", "day", 1e9), "periods=1000000000"),
    ("FUNNEL_SCHEDULE", (10, [[0.5]], [[1]], 1), "before 1900-01-01"),
    ("FUNNEL_SCHEDULE", (10, [[0.5]], [[1e9]], 46083), "stage_days[0]=1e+09 must be at most"),
    ("FUNNEL_SCHEDULE", (10, [[0.5]], [[1]], 2958465, "end", "month", 2), "after 9999-12-31"),
    ("FUNNEL_SCHEDULE", (10, [[0.5]], [[1]], 2958466), "due"),
    ("FUNNEL_SCHEDULE", (10, [[0.5]], [[1]], -5), "due"),
    ("FUNNEL_SCHEDULE", (10, [[0.5]], [[36500]], 46083), ""),
    ("FUNNEL_SCHEDULE", (10, [[0.5]], [[36501]], 46083), "stage_days[0]=36501"),
    ("FUNNEL_SCHEDULE", (10, [[0.5]], [[0]], 46083, "end", "day", 10000), ""),
    ("FUNNEL_SCHEDULE", (10, [[0.5]], [[0]], 46083, "end", "day", 10001), "periods=10001"),
    ("PLAN_VS_ACTUAL", ([[1e-300], [1e308]], [[0.5]], 1), "actual[1]=1e+308 must be at most"),
    ("PLAN_VS_ACTUAL", ([[10], [5]], [[0.5]], 1e300), "target=1e+300"),
    ("DAYS_IN_STAGE", ([[1e12]], 46083), "not an Excel date"),
    ("STALLED", ([["Lead"]], [[46000]], [["open"]], [["Lead", "Won"]], 1e300, 46083), ""),
    (
        "CONVERSION_FROM_STAGES",
        ([["Lead"], [E]], [["open"], ["won"]], [["Lead", "Won"]]),
        "last_stages[1]",
    ),
    ("PARETO_CUTOFF", ([[1e308], [1e308]],), ""),
    ("PARETO_CUTOFF", ([[float("inf")]],), "values"),
    ("ABC_CLASS", ([[1e308], [1e308], [1]],), ""),
    ("ABC_COMPUTED", ([[1e308], [1], [2]],), ""),
    ("ABC_COMPUTED", ([[E], [1], [2]],), "Excel error"),
    ("ABC_LIMITS", ([[1e308], [1], [2]],), ""),
]


def _numbers(result):
    if isinstance(result, list):
        for item in result:
            yield from _numbers(item)
    elif isinstance(result, dict):  # a formatted date: its serial, within 1900-9999
        serial = result.get("basicValue")
        yield serial if serial is None or 1 <= serial <= 2958465 else float("nan")
    elif isinstance(result, (int, float)) and not isinstance(result, bool):
        yield result


def udf_outcome(func: str, args: tuple) -> tuple[str, str]:
    """(outcome, message): traceback, non-finite, overflow, refused or ok."""
    import xlwings as xw
    from officejs import excel_call

    import udfs

    try:
        result = excel_call(udfs, func, *args)
    except xw.XlwingsError as exc:
        message = str(exc)
        if "\n" in message or "internal error" in message or "Traceback" in message:
            return "traceback", message
        return "refused", message
    except Exception as exc:  # an exception escaping the boundary
        return "traceback", f"{type(exc).__name__}: {exc}"
    for x in _numbers(result):
        if x is None:
            continue
        if x == INT64_MIN or (isinstance(x, int) and abs(x) >= 2**63 - 1):
            return "overflow", repr(result)[:200]
        if not math.isfinite(x):
            return "non-finite", repr(result)[:200]
    if isinstance(result, str) and result.startswith("#VALUE!"):
        return ("traceback" if "internal error" in result else "refused"), result
    return "ok", repr(result)[:200]


@pytest.mark.parametrize(
    "func, args, expect", UDF_CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(UDF_CASES)]
)
def test_udf_case(func, args, expect):
    outcome, message = udf_outcome(func, args)
    if expect:
        assert outcome == "refused", message
        assert expect in message
    else:
        assert outcome == "ok", message


# ---------------------------------------------------------------- property, per UDF
def _udf_names() -> list[str]:
    import udfs

    return list(udfs.__all__)


ERROR_CODES = ["#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!"]
WORDS = [
    "end",
    "stage",
    "none",
    "once",
    "day",
    "week",
    "month",
    "open",
    "won",
    "lost",
    "Lead",
    "Won",
    "refuse",
    "last",
    "",
    "  ",
    "1e300",
    "=1+1",
]


def _cells():
    from hypothesis import strategies as st

    edges = [
        0,
        1,
        2,
        10,
        0.5,
        0.25,
        1e-300,
        1e15,
        1e16,
        1e300,
        1e308,
        -1,
        46083,
        2958465,
        2958466,
        1e9,
        10000,
        10001,
        36500,
        36501,
    ]
    cell = st.one_of(
        st.sampled_from(edges),  # first: hypothesis shrinks towards it
        st.sampled_from(edges),  # numbers weigh more than the rest
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=6),
        st.sampled_from(WORDS + ERROR_CODES),
        st.none(),
        st.booleans(),
    )
    return cell


def _selections():
    from hypothesis import strategies as st

    cell = _cells()
    block = st.integers(1, 3).flatmap(
        lambda width: st.lists(
            st.lists(cell, min_size=width, max_size=width), min_size=1, max_size=4
        )
    )
    return st.one_of(cell, block)


# A valid call per function: the property puts one hostile value into it, so that the
# other arguments do not hide it (a bad value among valid ones is the hard case).
VALID = {
    "STAGE_CONVERSION": ([[1000], [400], [150]],),
    "CUMULATIVE_CONVERSION": ([[1000], [400], [150]],),
    "REQUIRED_LEADS": (10, [[0.25], [0.5]], "end", False, [["a"], ["b"], ["c"]]),
    "FUNNEL_SCHEDULE": (
        10,
        [[0.25], [0.5]],
        [[7], [14]],
        46083,
        "end",
        "week",
        2,
        False,
        [["a"], ["b"], ["c"]],
    ),
    "WIN_RATE": (12, 36),
    "PIPELINE_VELOCITY": (40, 0.25, 25000, 90),
    "XLSALES_VERSION": (),
    "CONVERSION_FROM_STAGES": ([["Lead"], ["Won"]], [["open"], ["won"]], [["Lead", "Won"]], False),
    "DAYS_IN_STAGE": ([[46000], [46050]], 46083),
    "STALLED": (
        [["Lead"], ["Won"]],
        [[46000], [46050]],
        [["open"], ["won"]],
        [["Lead", "Won"]],
        30,
        46083,
    ),
    "PLAN_VS_ACTUAL": ([[200], [60]], [[0.25]], 7, "end"),
    "PARETO_CUTOFF": ([[500], [300], [200]], 0.8, False),
    "ABC_CLASS": ([[500], [300], [200]], 0.8, 0.95, "refuse"),
    "ABC_COMPUTED": ([[500], [300], [200], [10]],),
    "ABC_LIMITS": ([[500], [300], [200], [10]],),
}


@pytest.mark.parametrize("func", _udf_names())
def test_udf_property_any_cell_gives_a_result_or_one_line(func):
    """Any number (finite or not), text, blank, bool or error code, as a whole argument
    or as one cell of a valid selection: a finite, in-range result (dates 1900-9999) or
    one line, never an escaping exception."""
    import copy
    import inspect

    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    import udfs

    count = len(inspect.signature(getattr(udfs, func)).parameters)
    base = list(VALID.get(func, ()))[:count]
    base += [None] * (count - len(base))  # optional arguments left blank
    if func in VALID:  # a function added later has no valid call here yet: blanks then
        assert outcome_of(func, base) == "ok", f"the valid call of {func} is not valid"

    @st.composite
    def calls(draw):
        args = copy.deepcopy(base) + [None] * (count - len(base))
        if not count:
            return args
        i = draw(st.integers(0, count - 1))
        if isinstance(args[i], list) and draw(st.booleans()):  # one cell of the selection
            r = draw(st.integers(0, len(args[i]) - 1))
            c = draw(st.integers(0, len(args[i][r]) - 1))
            args[i][r][c] = draw(_cells())
        else:
            args[i] = draw(_selections())
        return args

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.one_of(calls(), st.lists(_selections(), min_size=count, max_size=count)))
    def check(args):
        outcome, message = udf_outcome(func, tuple(args))
        assert outcome in ("ok", "refused"), f"{func}{tuple(args)!r}: {outcome}: {message}"

    check()


HOSTILE = [
    0,
    -1,
    0.5,
    1e-300,
    1e15,
    1e16,
    1e300,
    1e308,
    -1e308,
    float("inf"),
    float("-inf"),
    float("nan"),
    1e9,
    10001,
    36501,
    2958466,
    "",
    " ",
    "x",
    "1e300",
    "=1+1",
    None,
    True,
    False,
    "#N/A",
    "#DIV/0!",
    "#VALUE!",
]


@pytest.mark.parametrize("func", _udf_names())
def test_udf_every_hostile_value_in_every_place(func):
    """Each value of HOSTILE as each whole argument and as the first cell of each
    selection of a valid call: a finite, in-range result or one line."""
    import copy
    import inspect

    import udfs

    count = len(inspect.signature(getattr(udfs, func)).parameters)
    base = list(VALID.get(func, ()))[:count]
    base += [None] * (count - len(base))  # optional arguments left blank
    bad = []
    for i in range(count):
        for value in HOSTILE:
            variants = [value]
            if isinstance(base[i], list):
                cell = copy.deepcopy(base[i])
                cell[0][0] = value
                variants.append(cell)
            for arg in variants:
                args = base[:i] + [arg] + base[i + 1 :]
                outcome, message = udf_outcome(func, tuple(args))
                if outcome not in ("ok", "refused"):
                    bad.append(f"{func}{tuple(args)!r}: {outcome}: {message}")
    assert not bad, "\n".join(bad[:10])


def outcome_of(func: str, args) -> str:
    return udf_outcome(func, tuple(args))[0]


# ---------------------------------------------------------------- counting
def count(folder: Path) -> dict[str, dict[str, int]]:
    """Outcomes per door; "silently accepted" is a result where a refusal was due."""
    tally: dict[str, dict[str, int]] = {"CLI": {}, "UDF": {}}

    def add(door: str, key: str, case: str) -> None:
        tally[door][key] = tally[door].get(key, 0) + 1
        if key not in ("ok", "refused"):
            print(f"  {door} {key}: {case}")

    outs = run_batch([args for _, args, _ in CLI_CASES], folder)
    for (case, _, expect), out in zip(CLI_CASES, outs):
        key = cli_outcome(out)
        add("CLI", "silently accepted" if key == "ok" and expect[:1] == "!" else key, case)
    for func, args, expect in UDF_CASES:
        key = udf_outcome(func, args)[0]
        add("UDF", "silently accepted" if key == "ok" and expect else key, f"{func}{args}")
    return tally


if __name__ == "__main__" and sys.argv[1:] == ["--batch"]:
    _batch()
elif __name__ == "__main__":  # python tests/test_hostile_inputs.py: the counts of this checkout
    import tempfile

    os.environ.setdefault("XLWINGS_ON_SERVER", "true")
    os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
    sys.path.insert(0, str(HERE))
    with tempfile.TemporaryDirectory() as tmp:
        print(f"{len(CLI_CASES)} CLI cases, {len(UDF_CASES)} UDF cases:", count(Path(tmp)))


# ---------------------------------------------------------------- writing files
def test_written_file_respects_the_umask(tmp_path):
    from openpyxl import Workbook

    from workbook_templates import save

    old = os.umask(0o022)
    try:
        path = save(Workbook(), tmp_path / "a.xlsx")
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o644  # 0666 less the umask 022, not mkstemp's 0600


def test_full_disk_leaves_the_target_safe_and_names_no_temporary_file(tmp_path, monkeypatch):
    import errno

    from openpyxl import Workbook

    from workbook_templates import save
    from xlsales.errors import XlsalesError

    target = tmp_path / "plan.xlsx"
    save(Workbook(), target)
    before = target.read_bytes()

    def full_disk(self, filename):
        with open(filename, "wb") as f:
            f.write(b"PK half a file")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(Workbook, "save", full_disk)
    with pytest.raises(XlsalesError) as info:
        save(Workbook(), target, force=True)
    message = str(info.value)
    assert message == (
        f"{target}: cannot be written (No space left on device); the existing file is unchanged"
    )
    assert ".tmp" not in message
    assert target.read_bytes() == before  # the old file, whole
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.xlsx"]  # no leftover
