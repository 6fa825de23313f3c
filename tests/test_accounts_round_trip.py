"""Accounts added by hand: an account matrix xlsales made, edited by a user (a row added
to the Accounts table, a manual decision typed), built again from itself.

docs/definitions.md: Focus and Capacity plan are written in the builder's order and the
Checks fail when a row is out of order, so "to add or re-sort accounts, build the
workbook again from the file": ``xlsales template account-matrix --accounts
filled.xlsx`` reads the Accounts table back and writes a fresh, ordered workbook.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.table import Table

from workbook_templates import engine
from xlsales import records

HEADER = "account,owner,cluster,icp_fit,revenue,gross_margin,effort_hours,hourly_cost,influenceable"
ACCOUNTS = [  # every GO account fits: Ann 100 + 40 hours, Bob 30 (+ Zeta's 120) of 1200
    "Acme,Ann,Retail,yes,200000,0.4,100,60,yes",
    "Brix,Ann,Retail,yes,50000,0.3,40,60,yes",
    "Cora,Bob,Software,no,20000,0.5,30,60,yes",
    "Dyna,Bob,Software,yes,8000,0.2,50,60,no",
]
# the row a user adds at the end of the Accounts table: the largest revenue of all, so a
# workbook that only grew is out of revenue order
ZETA = {
    "account": "Zeta",
    "owner": "Bob",
    "cluster": "Software",
    "icp_fit": "yes",
    "revenue": 500000,
    "gross_margin": 0.35,
    "effort_hours": 120,
    "hourly_cost": 60,
    "influenceable": "yes",
}


def run(*args):
    return subprocess.run(
        [sys.executable, "-m", "frontdoors.cli", *args], capture_output=True, text=True
    )


def accounts_rows(ws) -> list[dict]:
    """The Accounts table's rows as {header: value}: header in row 4."""
    head = [c.value for c in ws[4]]
    return [
        dict(zip(head, (c.value for c in row)))
        for row in ws.iter_rows(min_row=5)
        if row[head.index("account")].value is not None
    ]


def add_row_and_decision(built, edited, row_values: dict, decision: tuple[str, str, str]):
    """What a user does in Excel: type a new account under the table (the table grows
    by a row) and a manual decision with its reason on an existing account."""
    wb = load_workbook(built)
    ws = wb["Accounts"]
    head = [c.value for c in ws[4]]
    table: Table = ws.tables["tblAccounts"]
    first, last = table.ref.split(":")
    new = ws.max_row + 1
    assert new == 5 + len(ACCOUNTS)  # right under the last account
    for key, value in row_values.items():
        ws.cell(row=new, column=head.index(key) + 1, value=value)
    table.ref = f"{first}:{''.join(c for c in last if c.isalpha())}{new}"
    account, manual, reason = decision
    for r in range(5, new):
        if ws.cell(row=r, column=head.index("account") + 1).value == account:
            ws.cell(row=r, column=head.index("manual decision") + 1, value=manual)
            ws.cell(row=r, column=head.index("reason") + 1, value=reason)
    wb.save(edited)
    return new


@pytest.fixture(scope="module")
def trip(tmp_path_factory):
    folder = tmp_path_factory.mktemp("trip")
    csv = folder / "accounts.csv"
    csv.write_text("\n".join([HEADER, *ACCOUNTS]) + "\n")
    built, edited, again = folder / "matrix.xlsx", folder / "filled.xlsx", folder / "again.xlsx"
    out = run("template", "account-matrix", "--accounts", str(csv), "--out", str(built))
    assert out.returncode == 0, out.stderr
    zeta_row = add_row_and_decision(built, edited, ZETA, ("Acme", "NO-GO", "moving to a rival"))
    out = run("template", "account-matrix", "--accounts", str(edited), "--out", str(again))
    assert out.returncode == 0, out.stderr
    engine.convert([edited, again], folder / "calc")
    values = {
        p.stem: load_workbook(folder / "calc" / p.name, data_only=True) for p in (edited, again)
    }
    return {
        "folder": folder,
        "edited": edited,
        "again": again,
        "printed": out.stdout,
        "zeta_row": zeta_row,
        "values": values,
    }


def test_rebuilt_workbook_keeps_every_row_in_revenue_order(trip):
    rows = accounts_rows(load_workbook(trip["again"])["Accounts"])
    # 4 accounts from the file + Zeta added by hand, largest revenue first
    assert [r["account"] for r in rows] == ["Zeta", "Acme", "Brix", "Cora", "Dyna"]
    assert [r["revenue"] for r in rows] == [500000, 200000, 50000, 20000, 8000]
    zeta = rows[0]
    assert {k: zeta[k] for k in ZETA} == ZETA  # every input of the added row
    # each row says where it came from: its row on filled.xlsx's Accounts sheet
    # (header in row 4: Acme 5, Brix 6, Cora 7, Dyna 8 as first written; Zeta 9)
    assert [r["source row"] for r in rows] == [trip["zeta_row"], 5, 6, 7, 8]
    assert "filled.xlsx: 5 rows read, 5 accounts (sorted by revenue" in trip["printed"]


def test_rebuilt_workbook_keeps_the_manual_decision(trip):
    rows = {r["account"]: r for r in accounts_rows(load_workbook(trip["again"])["Accounts"])}
    assert (rows["Acme"]["manual decision"], rows["Acme"]["reason"]) == (
        "NO-GO",
        "moving to a rival",
    )
    assert all(rows[a]["manual decision"] is None for a in ("Zeta", "Brix", "Cora", "Dyna"))
    calc = {r["account"]: r for r in accounts_rows(trip["values"]["again"]["Accounts"])}
    # Acme's suggestion is GO: profit after effort 200000 x 0.4 - 100 x 60 = 74000, return
    # on effort 74000 / 6000 = 12.3 (at least 0.5), influenceable; class A by profit, as
    # only Zeta's 500000 x 0.35 - 120 x 60 = 167800 is ahead of it, 167800 / (167800 +
    # 74000 + 12600 + 8200) = 64 % of the profit, under the A limit of 80 %. The person's
    # NO-GO wins.
    assert (calc["Acme"]["Suggested decision"], calc["Acme"]["Decision"]) == ("GO", "NO-GO")


def test_edited_workbook_fails_its_checks_and_the_rebuilt_one_passes(trip):
    # the grown table is out of revenue order and longer than Focus and Capacity plan
    assert trip["values"]["filled"]["Checks"]["B3"].value != "OK"
    assert trip["values"]["again"]["Checks"]["B3"].value == "OK"


def test_rebuilt_cover_names_the_edited_workbook(trip):
    cover = load_workbook(trip["again"])["Cover"]
    facts = {cover[f"A{r}"].value: cover[f"B{r}"].value for r in range(1, 60)}
    assert facts["Source file"] == "filled.xlsx" and facts["Rows read"] == 5
    assert facts["SHA-256"] == hashlib.sha256(trip["edited"].read_bytes()).hexdigest()


def test_loader_reads_the_table_through_the_one_reader(trip):
    frame, source = records.load_accounts(trip["edited"])
    assert frame["account"].tolist() == ["Acme", "Brix", "Cora", "Dyna", "Zeta"]  # as typed
    assert frame["manual_decision"].tolist() == ["NO-GO", "", "", "", ""]
    assert frame["source_row"].tolist() == [5, 6, 7, 8, 9]
    assert source.rows == 5


def test_a_bad_value_names_its_sheet_row(trip, tmp_path):
    matrix, out_file = trip["folder"] / "matrix.xlsx", tmp_path / "x.xlsx"
    bad = tmp_path / "bad.xlsx"
    add_row_and_decision(matrix, bad, ZETA, ("Brix", "maybe", ""))
    out = run("template", "account-matrix", "--accounts", str(bad), "--out", str(out_file))
    assert out.returncode == 2 and not out_file.exists()
    # Brix was written on sheet row 6 (header in row 4, Acme 5, Brix 6)
    assert out.stderr.strip() == (
        "xlsales: error: bad.xlsx row 6, column decision: 'maybe' must be GO, NO-GO or blank "
        "(blank: the suggested decision holds)"
    )
    added = tmp_path / "added.xlsx"
    row = add_row_and_decision(matrix, added, {**ZETA, "gross_margin": 35}, ("Brix", "", ""))
    out = run("template", "account-matrix", "--accounts", str(added), "--out", str(out_file))
    assert out.returncode == 2 and not out_file.exists()
    assert out.stderr.strip() == (
        f"xlsales: error: added.xlsx row {row}, column gross_margin: '35' must be a share "
        "between 0 and 1 (0.35 for 35%)"
    )


def test_other_workbooks_are_refused_in_one_line(tmp_path):
    out = run("demo", "--out", str(tmp_path))
    assert out.returncode == 0, out.stderr
    for kind in ("prospecting-log", "funnel-planner", "pipeline-review"):
        refused = run(
            "template", "account-matrix", "--accounts", str(tmp_path / f"{kind}.xlsx"),
            "--out", str(tmp_path / "x.xlsx"),
        )  # fmt: skip
        assert refused.returncode == 2 and not (tmp_path / "x.xlsx").exists()
        assert refused.stderr.strip() == (
            f"xlsales: error: {kind}.xlsx: is a workbook xlsales made but not an account "
            "matrix (it has no Accounts, Focus, Capacity plan sheets): give an account "
            "matrix or an accounts table"
        )
    refused = run(
        "template", "prospecting-log", "--activities", str(tmp_path / "account-matrix.xlsx"),
        "--out", str(tmp_path / "x.xlsx"),
    )  # fmt: skip
    assert refused.returncode == 2 and len(refused.stderr.strip().splitlines()) == 1
    assert "account-matrix.xlsx: is a workbook xlsales made, not a table with the columns date" in (
        refused.stderr
    )
    # an xlsx xlsales did not make is read as a table, from its first sheet, as before
    from openpyxl import Workbook

    plain = Workbook()
    plain.active.append(["name", "turnover"])
    plain.active.append(["Acme", 100])
    plain.save(tmp_path / "plain.xlsx")
    refused = run(
        "template", "account-matrix", "--accounts", str(tmp_path / "plain.xlsx"),
        "--out", str(tmp_path / "x.xlsx"),
    )  # fmt: skip
    assert refused.returncode == 2
    assert "plain.xlsx: missing column(s) account, owner" in refused.stderr
