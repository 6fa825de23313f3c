"""`xlsales template pipeline-review`, the demo's review and analyze's stall limits."""

from __future__ import annotations

import hashlib

import pytest
from openpyxl import load_workbook
from test_cli import run
from test_pipeline import AS_OF, HISTORY, STAGES

SHEETS = [
    "Cover",
    "Checks",
    "Inputs",
    "Deals",
    "Conversion",
    "Cycle",
    "Forecast",
    "Stalled",
    "What-if",
]


@pytest.fixture()
def crm(tmp_path):
    path = tmp_path / "crm.csv"
    HISTORY.rename(columns={"deal_id": "Opportunity"}).to_csv(path, index=False)
    return path


def test_template_pipeline_review_from_a_file(crm, tmp_path):
    out = tmp_path / "review.xlsx"
    done = run(
        "template",
        "pipeline-review",
        "--crm",
        str(crm),
        "--out",
        str(out),
        "--stages",
        ",".join(STAGES),
        "--as-of",
        AS_OF.isoformat(),
        "--map",
        "Opportunity=deal_id",
        "--stall-days-by-stage",
        "Qualified=29",
    )
    assert done.returncode == 0, done.stderr
    assert "crm.csv: 47 rows read" in done.stdout
    wb = load_workbook(out)
    assert [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"] == SHEETS
    cover = {wb["Cover"][f"A{r}"].value: wb["Cover"][f"B{r}"].value for r in range(1, 60)}
    assert cover["Source file"] == "crm.csv" and cover["Rows read"] == 47
    assert cover["SHA-256"] == hashlib.sha256(crm.read_bytes()).hexdigest()
    assert cover["As-of date"] == "2026-04-30"
    assert cover["Column mapping"] == "Opportunity -> deal_id"
    assert wb["Inputs"]["B21"].value == 29  # Qualified's limit typed in, the others blank
    assert wb["Inputs"]["B20"].value is None
    # 20 deals, one row each (header in row 4)
    assert wb["Deals"].tables["tblDeals"].ref.endswith(str(4 + 20))


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda t: t.replace(",Proposal,", ",Demo,", 1),
            "row 4, column stage: 'Demo' is not one of the stages",
        ),
        (
            lambda t: t.replace("2026-04-28", "2026-05-03", 1),
            "column entered_at: 2026-05-03 is after the as-of date 2026-04-30",
        ),
        (
            lambda t: t.replace(",10000,", ",-10000,", 1),
            "column amount: '-10000' must be 0 or more",
        ),
    ],
)
def test_bad_input_names_row_and_column_and_writes_nothing(crm, tmp_path, edit, message):
    crm.write_text(edit(crm.read_text()))
    out = tmp_path / "review.xlsx"
    done = run(
        "template",
        "pipeline-review",
        "--crm",
        str(crm),
        "--out",
        str(out),
        "--stages",
        ",".join(STAGES),
        "--as-of",
        AS_OF.isoformat(),
        "--map",
        "Opportunity=deal_id",
    )
    assert done.returncode == 2
    assert message in done.stderr and "crm.csv row" in done.stderr
    assert "Traceback" not in done.stderr and not out.exists()


def test_contradicted_stage_order_and_bad_limits_write_nothing(crm, tmp_path):
    out = tmp_path / "review.xlsx"
    base = [
        "template",
        "pipeline-review",
        "--crm",
        str(crm),
        "--out",
        str(out),
        "--map",
        "Opportunity=deal_id",
    ]
    done = run(*base, "--stages", "Lead,Proposal,Qualified,Won")
    assert "crm.csv row 3, column stage: 'Qualified' was entered before 'Proposal'" in done.stderr
    done = run(*base, "--stages", ",".join(STAGES), "--stall-days-by-stage", "Qualified=soon")
    assert "stall_days_by_stage for Qualified: 'soon' is not a number of days" in done.stderr
    done = run(*base, "--stages", ",".join(STAGES), "--stall-days-by-stage", "Demo=3")
    assert "'Demo': not one of the stages" in done.stderr
    assert not out.exists()


def test_existing_file_is_kept_without_force(crm, tmp_path):
    out = tmp_path / "review.xlsx"
    out.write_bytes(b"mine")
    done = run(
        "template",
        "pipeline-review",
        "--crm",
        str(crm),
        "--out",
        str(out),
        "--stages",
        ",".join(STAGES),
        "--map",
        "Opportunity=deal_id",
    )
    assert done.returncode == 2 and out.read_bytes() == b"mine"


def test_demo_writes_the_review(tmp_path):
    done = run("demo", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    wb = load_workbook(tmp_path / "pipeline-review.xlsx")
    assert [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"] == SHEETS


def test_analyze_stall_days_on_the_limit(crm):
    args = [
        "analyze",
        str(crm),
        "--stages",
        ",".join(STAGES),
        "--map",
        "Opportunity=deal_id",
        "--as-of",
        AS_OF.isoformat(),
        "--show",
        "20",
    ]
    # O4 idle 29 days in Qualified: not stalled on 29, stalled on 28; without limits the
    # 90th percentiles (Lead 20, Qualified 11.6, Proposal 26: tests/test_pipeline.py)
    on = run(*args, "--stall-days-by-stage", "Qualified=29").stdout
    over = run(*args, "--stall-days-by-stage", "Qualified=28").stdout
    assert "  O4  " not in on and "  O4  " in over
    default = run(*args).stdout
    assert "Lead 20 days (90th percentile), Qualified 11.6 days (90th percentile)" in default
    assert "Stalled: 7 open deal(s)" in default
    # one limit for every stage: 30 days -> O2 60, O8 53, O3 41, O10 105
    listed = run(*args, "--stall-days", "30").stdout
    assert "Stalled: 4 open deal(s)" in listed
    # the list's columns line up although O10's id is a character longer than O2's:
    # every row's stage starts 2 spaces after the longest id (2 + 3 + 2 = column 7)
    rows = [line for line in listed.splitlines() if line.endswith(" days")]
    assert sorted(line.split()[0] for line in rows) == ["O10", "O2", "O3", "O8"]
    assert {line.index(line.split()[1]) for line in rows} == {7}
