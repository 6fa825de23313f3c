"""The fast paths of reading a large CRM export give what the plain paths give (issue 15).

Each case is worked by hand; where a column can take two paths (by its objects, or by
value), both are run and must agree with the hand-worked figures.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from xlsales import deals, tables


def _other(text: str) -> str:
    """An equal text that is another object (as pandas' reader gives across chunks)."""
    copy = "".join(list(text))
    assert copy == text and copy is not text
    return copy


def test_addresses_are_the_cells_objects():
    cells = np.array(["a", "b", None, "a"], dtype=object)
    got = np.asarray(tables._Addresses(cells))
    assert got.tolist() == [id(cells[0]), id(cells[1]), id(None), id(cells[0])]
    assert got.base is not None  # a view, not a copy: it holds the cells alive


@pytest.mark.parametrize("head", [tables.FEW_SAMPLE, 0])  # 0: always by value
def test_factorize_few_distinct_cells(monkeypatch, head):
    # 6,000 cells from 5 objects: "won" twice as two objects, "lost", "open", None.
    # The first 4,096 cells hold 5 distinct objects: 5 * 4 < 4,096, by objects.
    monkeypatch.setattr(tables, "FEW_SAMPLE", head)
    won, lost = "won", "lost"
    cells = [won, lost, _other(won), None, "open", lost] * 1000
    codes, uniques = tables.factorize(pd.Series(cells, dtype=object))
    # first appearances: won (row 0) 0, lost (row 1) 1, open (row 4) 2; None: -1
    assert codes.tolist() == [0, 1, 0, -1, 2, 1] * 1000
    assert uniques.tolist() == ["won", "lost", "open"] and uniques.dtype == object


def test_factorize_equal_values_of_two_objects_and_types():
    # 1.0 and 1 are equal: one value, shown as its first cell (1.0); NaN is missing
    nan = float("nan")
    codes, uniques = tables.factorize(pd.Series([1.0, 1, 2, nan] * 2000, dtype=object))
    assert codes.tolist() == [0, 0, 1, -1] * 2000
    assert uniques.tolist() == [1.0, 2] and type(uniques[0]) is float


def test_factorize_many_distinct_cells_by_value():
    # each id twice in a row, the second another object: 4,096 distinct objects in the
    # first 4,096 cells (4,096 * 4 >= 4,096): by value; d1 d1 d2 d2 ... -> 0 0 1 1 ...
    ids = [f"d{i}" for i in range(1, 3001)]
    cells = [x for i in ids for x in (i, _other(i))]
    codes, uniques = tables.factorize(pd.Series(cells, dtype=object))
    assert codes.tolist() == [k for k in range(3000) for _ in (0, 1)]
    assert uniques.tolist() == ids


def _history(tmp_path, padded: bool) -> str:
    """2,500 deals D1..D2500: each enters Lead on 2026-01-01; the even ones are won on
    2026-01-11 (open/won status), owners alternate Anna / Ben (padded when asked)."""
    anna = " Anna  " if padded else "Anna"
    lines = ["deal_id,stage,entered_at,status,amount,owner"]
    for i in range(1, 2501):
        status = "won" if i % 2 == 0 else "open"
        owner = anna if i % 2 else "Ben"
        lines.append(f"D{i},Lead,2026-01-01,{status},100,{owner}")
        if i % 2 == 0:
            lines.append(f"D{i},Won,2026-01-11,won,100,{owner}")
    path = tmp_path / ("padded.csv" if padded else "plain.csv")
    path.write_text("\n".join(lines) + "\n")
    return str(path)


@pytest.mark.parametrize("padded", [False, True])
@pytest.mark.parametrize("head", [tables.FEW_SAMPLE, 0])
def test_history_read_the_same_by_either_path(tmp_path, monkeypatch, padded, head):
    monkeypatch.setattr(tables, "FEW_SAMPLE", head)
    found = deals.read_deals(_history(tmp_path, padded), "Lead,Won")
    # rows: 2,500 Lead rows + 1,250 Won rows = 3,750; 2,500 deals
    assert found.rows_read == 3750 and len(found.deals) == 2500
    rates = deals.conversion(found)
    # Lead: 2,500 entered, 1,250 went on (the even deals): 1,250 / 2,500 = 0.5
    assert rates["entered"].tolist() == [2500, 1250] and rates["rate"].tolist()[0] == 0.5
    # owners stripped: Anna holds the 1,250 odd deals, Ben the 1,250 even ones
    assert found.deals["owner"].value_counts().to_dict() == {"Anna": 1250, "Ben": 1250}
    assert found.deals["owner"].tolist()[:2] == ["Anna", "Ben"]
    # won on 2026-01-11, 10 days after 2026-01-01: every Lead step is 10 days
    assert deals.stage_durations(found)["median_days"].tolist() == [10.0]


# P lost at Qualified, Q open at Lead, R won, S open at Qualified, T lost at Lead
FIVE = pd.DataFrame(
    [
        ("P", "Lead", "2026-01-01", "lost"),
        ("P", "Qualified", "2026-01-05", "lost"),
        ("Q", "Lead", "2026-01-02", "open"),
        ("R", "Lead", "2026-01-03", "won"),
        ("R", "Qualified", "2026-01-06", "won"),
        ("R", "Won", "2026-01-20", "won"),
        ("S", "Lead", "2026-01-04", "open"),
        ("S", "Qualified", "2026-01-08", "open"),
        ("T", "Lead", "2026-01-05", "lost"),
    ],
    columns=["deal_id", "stage", "entered_at", "status"],
)


@pytest.mark.parametrize(
    "part",
    # labels 2..4: a range (start 2), and the same labels as a list
    [lambda t: t.iloc[2:], lambda t: t.iloc[2:].set_axis(pd.Index([2, 3, 4], dtype="int64"))],
    ids=["range", "list"],
)
def test_a_part_of_the_deals_by_position(part):
    found = deals.read_deals(FIVE, "Lead,Qualified,Won")
    table = part(found.deals)  # R, S, T: labels 2, 3, 4
    history = found.history[found.history["deal_id"].isin(["R", "S", "T"])]
    # history rows: R Lead, R Qualified, R Won, S Lead, S Qualified, T Lead
    assert deals._deal_rows(table, history).tolist() == [0, 0, 0, 1, 1, 2]
    rates = deals.conversion(dataclasses.replace(found, deals=table, history=history))
    # entered: Lead 3 (R, S, T), Qualified 2 (R, S), Won 1 (R); went on 2 and 1;
    # open: S at Qualified (T is lost at Lead)
    assert rates["entered"].tolist() == [3, 2, 1]
    assert rates["went_on"].tolist() == [2, 1, None]
    assert rates["open_here"].tolist() == [0, 1, 0]


def test_stage_days_quartiles_worked_out_together():
    # Lead -> Won after 2, 4, 10 and 20 days (all entered Lead on 2026-01-01).
    # linear quantiles of [2, 4, 10, 20], position (4 - 1) * q:
    #   p25: 0.75 -> 2 + 0.75 * (4 - 2) = 3.5;  median: 1.5 -> 4 + 0.5 * (10 - 4) = 7
    #   p75: 2.25 -> 10 + 0.25 * (20 - 10) = 12.5
    rows = []
    for deal, won in zip("abcd", ["2026-01-03", "2026-01-05", "2026-01-11", "2026-01-21"]):
        rows += [(deal, "Lead", "2026-01-01", "won"), (deal, "Won", won, "won")]
    history = pd.DataFrame(rows, columns=["deal_id", "stage", "entered_at", "status"])
    d = deals.stage_durations(deals.read_deals(history, "Lead,Won")).iloc[0]
    assert (d["deals"], d["p25_days"], d["median_days"], d["p75_days"]) == (4, 3.5, 7.0, 12.5)
