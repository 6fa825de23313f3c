"""Labels that Excel would read as operators or wildcards are counted as plain text.

COUNTIFS/SUMIFS read a criterion taken from a cell: "<Team>", "=A", ">=5" become
comparisons, "A*", "?" and "~x" wildcards (LibreOffice does the same for xlsx files).
Every template builds its text criteria with ``_common.criterion`` ("=" & the text with
~ * ? escaped); these tests count hostile labels through LibreOffice against counts
worked out by hand, and check what the core refuses (labels that differ only in case,
labels over Excel's 255-character criteria).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from conftest import recalculate

from workbook_templates import account_matrix, pipeline_review, prospecting_log
from workbook_templates._common import criterion, exact_text
from xlsales import _validate as v
from xlsales import pipeline
from xlsales.errors import DataError, InputError
from xlsales.records import Cells, load_accounts, load_activities

HOSTILE = ["<Team>", "=A", "A*", "A", "?", ">=5", "~x"]


def test_criterion_escapes_the_wildcards_after_an_equals_sign():
    assert exact_text("B5") == 'SUBSTITUTE(SUBSTITUTE(SUBSTITUTE(B5,"~","~~"),"*","~*"),"?","~?")'
    assert criterion("B5") == '"="&' + exact_text("B5")


# -- the core: one rule for every label the workbooks count by --------------------------


def test_criterion_length_counts_the_equals_sign_and_each_escape():
    # "=" + 3 letters = 4; "A*" -> "=A~*" = 4; "~?*" -> "=~~~?~*" = 7
    assert [v.criterion_length(x) for x in ("Ann", "A*", "~?*")] == [4, 4, 7]


@pytest.mark.parametrize(
    ("label", "ok"),
    [
        ("x" * 254, True),  # 1 + 254 = 255: on the limit
        ("x" * 255, False),  # 1 + 255 = 256: one over
        ("x" * 252 + "*", True),  # 1 + 253 + 1 escape = 255
        ("x" * 253 + "*", False),  # 1 + 254 + 1 escape = 256
    ],
)
def test_labels_on_and_beside_the_255_character_limit(label, ok):
    labels, rows = ["Ann", label], [2, 3]
    if ok:
        v.group_labels("f.csv", "owner", labels, rows)
        return
    with pytest.raises(DataError) as err:
        v.group_labels("f.csv", "owner", labels, rows)
    message = str(err.value)
    assert message.startswith("f.csv row 3, column owner: 'xxxxxxxxxx")
    assert f"has {len(label)} characters" in message and "at most 254" in message
    assert "\n" not in message


def test_labels_that_differ_only_in_case_are_refused_with_both_rows():
    with pytest.raises(
        DataError,
        match=r"^f\.csv row 5, column cluster: 'ann' differs from "
        r"'Ann' \(row 2\) only in case",
    ):
        v.group_labels("f.csv", "cluster", ["Ann", "Bob", "Ann", "ann"], [2, 3, 4, 5])
    v.group_labels("f.csv", "cluster", ["Ann", "Ann", "A*", "a?"], [2, 3, 4, 5])  # all fine


def _history(owners, sources=None, reasons=None):
    """One Lead row per deal (lost deals also get a Lost row), D1 won on 01-11."""
    rows = []
    for i, owner in enumerate(owners):
        deal = f"D{i + 1}"
        status = "won" if i == 0 else ("lost" if reasons and reasons[i] else "open")
        rows.append(
            (
                deal,
                "Lead",
                f"2026-01-{i + 1:02d}",
                status,
                100 * (i + 1),
                owner,
                sources[i] if sources else "",
                reasons[i] if reasons else "",
            )
        )
        if i == 0:
            rows.append((deal, "Won", "2026-01-11", "won", 100, owner, rows[0][6], ""))
    return pd.DataFrame(
        rows,
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


def test_the_review_refuses_owners_that_differ_only_in_case():
    with pytest.raises(DataError, match=r"row 4, column owner: 'ann' differs from 'Ann' \(row 2\)"):
        pipeline.review(_history(["Ann", "ann"]), ["Lead", "Won"])


def test_the_review_refuses_a_source_over_the_limit():
    long = "S" * 255
    with pytest.raises(DataError, match=r"row 4, column source: 'SSS.*has 255 characters"):
        pipeline.review(_history(["Ann", "Bob"], ["Web", long]), ["Lead", "Won"])


def test_the_review_refuses_a_stage_name_over_the_limit():
    stage = "Q" * 255
    history = _history(["Ann"])
    with pytest.raises(InputError, match="stages: 'QQQ.*has 255 characters"):
        pipeline.review(history, ["Lead", stage, "Won"])


def test_accounts_refuse_owners_that_differ_only_in_case(tmp_path):
    path = tmp_path / "accounts.csv"
    path.write_text(
        "account,owner,cluster,icp_fit,revenue,gross_margin,effort_hours,hourly_cost,influenceable\n"
        "a,Ann,X,yes,100,0.5,1,10,yes\n"
        "b,ANN,X,yes,100,0.5,1,10,yes\n"
    )
    with pytest.raises(DataError, match=r"accounts\.csv row 3, column owner: 'ANN' differs"):
        load_accounts(path)


# -- through LibreOffice: hostile labels counted as text ---------------------------------

# Pipeline review, stages Lead, Won, as of 2026-01-31. Deals (owner, source, lost reason):
#   D1 <Team>  A*      won (Lead 01-01, Won 01-11)        amount 100
#   D2 =A      A       lost, reason ?                     amount 200
#   D3 A*      ?       open                               amount 300
#   D4 A       >=5     open                               amount 400
#   D5 ?       ~x      lost, reason A*                    amount 500
#   D6 >=5     A*      open                               amount 600
#   D7 ~x      <Team>  lost, reason AB                    amount 700
#   D8 A       A       open                               amount 800
# Every deal entered Lead, so a group's "entered" on its Lead row is its number of deals:
#   owner: <Team> 1, =A 1, A* 1, A 2 (D4, D8), ? 1, >=5 1, ~x 1
#   source: A* 2 (D1, D6), A 2 (D2, D8), ? 1, >=5 1, ~x 1, <Team> 1
# (read as criteria, "A*" would count A*, A, A = 3 owners; "?" every one-letter owner;
# ">=5" every owner sorting after "5"; "~x" the owner "x", i.e. none).
# Lost reasons: ? 1, A* 1, AB 1 ("A*" as a wildcard would count A* and AB = 2).
# Forecast: rate Lead -> Won = 1 won / 8 entered = 0.125; median days to won from Lead =
# 10 (D1), so every open deal (entered Lead 01-03..01-08) closes on 01-13..01-18, in Jan:
#   unweighted per owner in Jan: A* 300, A 400 + 800 = 1200, >=5 600.
OWNERS = ["<Team>", "=A", "A*", "A", "?", ">=5", "~x", "A"]
SOURCES = ["A*", "A", "?", ">=5", "~x", "A*", "<Team>", "A"]
REASONS = ["", "?", "", "", "A*", "", "AB", ""]
GROUPS = {
    ("owner", "<Team>"): 1,
    ("owner", "=A"): 1,
    ("owner", "A*"): 1,
    ("owner", "A"): 2,
    ("owner", "?"): 1,
    ("owner", ">=5"): 1,
    ("owner", "~x"): 1,
    ("source", "A*"): 2,
    ("source", "A"): 2,
    ("source", "?"): 1,
    ("source", ">=5"): 1,
    ("source", "~x"): 1,
    ("source", "<Team>"): 1,
}


@pytest.fixture(scope="module")
def hostile_books(tmp_path_factory):
    folder = tmp_path_factory.mktemp("criteria")
    review = pipeline.review(
        _history(OWNERS, SOURCES, REASONS), ["Lead", "Won"], as_of=dt.date(2026, 1, 31)
    )
    accounts, _ = load_accounts(_accounts_csv(folder))
    activities, _ = load_activities(_activities_csv(folder))
    log = prospecting_log.build(activities)
    # types typed into the Log table by hand: "*" and "?all" are no activity type
    log["Log"]["D5"].value, log["Log"]["D6"].value = "*", "c?ll"
    books = {
        "review": pipeline_review.build(review),
        "matrix": account_matrix.build(accounts),
        "log": log,
    }
    return {name: values for name, (_f, values) in recalculate(books, folder).items()}


@pytest.mark.engine
def test_review_groups_count_hostile_labels_as_text(hostile_books):
    ws = hostile_books["review"]["Conversion"]
    found = {}
    for row in ws.iter_rows(min_row=1, values_only=True):
        if row[0] in ("owner", "source") and row[2] == "Lead":
            found[(row[0], row[1])] = row[3]
    assert found == GROUPS
    reasons = {}
    for row in ws.iter_rows(min_row=1, values_only=True):
        if row[0] in ("?", "A*", "AB"):
            reasons[row[0]] = row[1]
    assert reasons == {"?": 1, "A*": 1, "AB": 1}


@pytest.mark.engine
def test_review_forecast_per_owner_counts_hostile_owners_as_text(hostile_books):
    ws = hostile_books["review"]["Forecast"]
    unweighted = {}
    in_block = False
    for row in ws.iter_rows(min_row=1, values_only=True):
        if row[0] == "unweighted per owner":
            in_block = True
        elif in_block and row[0]:
            unweighted[row[0]] = row[1]  # the first month: Jan 2026
        elif in_block:
            break
    assert unweighted == {"A*": 300, "A": 1200, ">=5": 600}


# Account matrix: clusters and owners (hours 1 each unless said):
#   a1 cluster A*     owner <Team>   revenue 1000
#   a2 cluster A      owner A        revenue  900
#   a3 cluster ?      owner A*       revenue  800
#   a4 cluster A      owner =A       revenue  700
#   a5 cluster <Team> owner A        revenue  600
#   a6 cluster ~x     owner >=5      revenue  500
# Clusters: A* 1, A 2, ? 1, <Team> 1, ~x 1 (6 accounts); Capacity, accounts per owner:
#   <Team> 1, A 2, A* 1, =A 1, >=5 1. Every row's inputs are valid (its cluster is listed).
MATRIX = [
    ("a1", "<Team>", "A*", 1000),
    ("a2", "A", "A", 900),
    ("a3", "A*", "?", 800),
    ("a4", "=A", "A", 700),
    ("a5", "A", "<Team>", 600),
    ("a6", ">=5", "~x", 500),
]


def _accounts_csv(folder):
    path = folder / "accounts.csv"
    lines = [
        "account,owner,cluster,icp_fit,revenue,gross_margin,effort_hours,hourly_cost,influenceable"
    ]
    lines += [f"{a},{o},{c},yes,{r},0.5,1,10,yes" for a, o, c, r in MATRIX]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.engine
def test_matrix_clusters_and_capacity_count_hostile_labels_as_text(hostile_books):
    book = hostile_books["matrix"]
    clusters = {
        row[0]: row[1]
        for row in book["Clusters"].iter_rows(min_row=5, values_only=True)
        if row[0] not in (None, "(empty slot)", "Total")
    }
    assert clusters == {"A*": 1, "A": 2, "?": 1, "<Team>": 1, "~x": 1}
    owners = {
        row[0]: row[1] for row in book["Capacity"].iter_rows(min_row=5, max_row=9, values_only=True)
    }
    assert owners == {"<Team>": 1, "A": 2, "A*": 1, "=A": 1, ">=5": 1}
    accounts = book["Accounts"]
    head = [c.value for c in accounts[4]]
    valid = head.index("inputs valid")
    assert [accounts.cell(row=r, column=valid + 1).value for r in range(5, 11)] == [True] * 6


# Prospecting log: four calls (rows 5-8 of Log) by one rep; rows 5 and 6 then get the
# types "*" and "c?ll" typed over them. Neither is an activity type: their minutes are 0
# (read as wildcards, "*" would take the first type's minutes and "c?ll" those of a call)
# and their inputs are not valid; rows 7 and 8 stay calls.


def _activities_csv(folder):
    path = folder / "activities.csv"
    lines = ["date,rep,type,prospect,outcome,pipeline_value,won_value,won_date"]
    lines += [f"2026-01-0{d},Ann,call,P{d},,0,0," for d in range(1, 5)]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.engine
def test_log_types_typed_by_hand_are_not_wildcards(hostile_books):
    ws = hostile_books["log"]["Log"]
    head = [c.value for c in ws[4]]
    minutes, valid = head.index("minutes") + 1, head.index("inputs valid") + 1
    call = hostile_books["log"]["Log"].cell(row=7, column=minutes).value
    assert call > 0  # the minutes of a call (an input on Inputs)
    assert [ws.cell(row=r, column=minutes).value for r in range(5, 9)] == [0, 0, call, call]
    assert [ws.cell(row=r, column=valid).value for r in range(5, 9)] == [False, False, True, True]


def test_a_selection_names_both_rows_as_the_sheet_shows_them():
    # header in row 5 of the sheet (address B5:J7): the records are rows 6 and 7
    head = "account,owner,cluster,icp_fit,revenue,gross_margin,effort_hours,hourly_cost"
    header = [*head.split(","), "influenceable"]
    rows = [
        ["a", "Ann", "X", "yes", 100, 0.5, 1, 10, "yes"],
        ["b", "ANN", "X", "yes", 100, 0.5, 1, 10, "yes"],
    ]
    cells = Cells([header, *rows], "Book1.xlsx", "Accounts", "B5:J7")
    with pytest.raises(
        DataError,
        match=r"Accounts!B5:J7 row 7, column owner: 'ANN' differs "
        r"from 'Ann' \(row 6\) only in case",
    ):
        load_accounts(cells)
