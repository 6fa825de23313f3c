"""The review's big tables written on save: every row as openpyxl would write it.

Deals and Stalled hold one row per deal; their rows below the first are kept as columns
and written into the sheet's XML on save (``_common.StreamedSheet``). Read back by openpyxl,
every row must hold the core's value (text as text, dates as dates, blanks blank), the
column's formula for its own row and the first row's style.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from openpyxl import load_workbook

from workbook_templates import pipeline_review as pr
from workbook_templates._common import fill_letters
from xlsales import pipeline, samples

FIRST = 5


def _history():
    """The sample export, with owners that need escaping in XML."""
    history = samples.sample_crm(120)
    owners = {"Anna Berg": "Ann & <Co>", "Ben Okafor": 'Bob "B" Smith'}
    history["owner"] = history["owner"].replace(owners)
    return history


def test_every_deal_row_is_written_as_the_first_one(tmp_path):
    review = pipeline.review(_history(), samples.CRM_STAGES)
    wb = pr.build(review)
    path = tmp_path / "review.xlsx"
    wb.save(path)
    ws = load_workbook(path)["Deals"]
    deals = review.deals
    n = len(deals)
    assert ws.tables["tblDeals"].ref == f"A4:AD{FIRST + n - 1}"
    head = [c.value for c in ws[FIRST - 1]]
    spec = pr.deal_spec(review.names, review.extras)
    for j, (key, header, _fmt, _w, formula) in enumerate(spec.specs, start=1):
        assert head[j - 1] == header
        first = ws.cell(row=FIRST, column=j)
        for i in range(n):
            cell = ws.cell(row=FIRST + i, column=j)
            assert cell.number_format == first.number_format, (key, i)
            assert cell._style == first._style, (key, i)  # fill, font, protection, format
            if formula is not None:
                r = FIRST + i
                assert cell.value == fill_letters(formula, spec.letters).format(r=r, p=r - 1)
    # values: a few columns of every kind, against the core
    col = {key: j for j, (key, *_r) in enumerate(spec.specs, start=1)}
    rows = range(FIRST, FIRST + n)
    assert [ws.cell(row=r, column=col["deal"]).value for r in rows] == deals["deal_id"].tolist()
    assert [ws.cell(row=r, column=col["owner"]).value for r in rows] == deals["owner"].tolist()
    assert set(deals["owner"]) >= {"Ann & <Co>", 'Bob "B" Smith'}
    assert [ws.cell(row=r, column=col["amount"]).value for r in rows] == deals["amount"].tolist()
    created = [ws.cell(row=r, column=col["created"]).value for r in rows]
    assert [d.date() for d in created] == [d.date() for d in deals["created"]]
    closed = [ws.cell(row=r, column=col["closed"]).value for r in rows]
    expected = [
        None if pd.isna(d) else dt.datetime.combine(d.date(), dt.time()) for d in deals["closed"]
    ]
    assert closed == expected
    assert [ws.cell(row=r, column=col["reopened"]).value for r in rows] == deals[
        "reopened"
    ].tolist()
    days = [ws.cell(row=r, column=col["days_in_1"]).value for r in rows]
    assert days == [None if pd.isna(x) else x for x in deals["days_in_0"]]


def test_every_stalled_row_keeps_its_decision_input(tmp_path):
    review = pipeline.review(_history(), samples.CRM_STAGES, stall_days=5)  # many stalled
    late = pipeline.stalled_list(review)
    assert len(late) > 2  # rows below the first are written on save
    wb = pr.build(review)
    path = tmp_path / "review.xlsx"
    wb.save(path)
    book = load_workbook(path)
    ws = book["Stalled"]
    last = FIRST + len(late) - 1
    # the per-row lookups read one defined name per Deals column: every deal row
    n = len(review.deals)
    assert (
        book.defined_names["tblDeals_owner"].attr_text == f"'Deals'!$B${FIRST}:$B${FIRST + n - 1}"
    )
    assert ws.tables["tblStalled"].ref == f"A4:I{last}"
    assert [ws.cell(row=r, column=1).value for r in range(FIRST, last + 1)] == late[
        "deal_id"
    ].tolist()
    for r in range(FIRST, last + 1):
        decision = ws.cell(row=r, column=9)
        assert decision.value is None and decision.protection.locked is False
        assert ws.cell(row=r, column=3).value == f"=INDEX(tblDeals_owner,B{r})"
    (dv,) = ws.data_validations.dataValidation
    assert str(dv.sqref) == f"I{FIRST}:I{max(last, FIRST + 999)}"
