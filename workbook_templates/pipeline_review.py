"""The weekly pipeline review: what will close when, what is stuck, where the funnel leaks.

One row per deal on Deals (the facts the stage history gives: stage, dates, days in
each stage); every figure after that is a native formula over the Deals table
(COUNTIFS/SUMIFS, MEDIAN/PERCENTILE over a column; per-row formulas look at their own
row and at the small per-stage table only). :mod:`xlsales.pipeline` states the same
rules in Python and the tests hold the two together through LibreOffice.

:func:`build` returns a :class:`~workbook_templates._common.TemplateWorkbook`: the rows
of Deals and Stalled below the first are written straight into the file on save
(100,000 deals in seconds rather than the many minutes openpyxl's cell objects take).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import Reference
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from workbook_templates._common import (
    FIRST_ROW,
    FORMATS,
    HEADER_ROW,
    NOTE_FONT,
    Setting,
    TableSpec,
    add_chart,
    checks_sheet,
    column_range,
    cover,
    criterion,
    data_table,
    define_column_ranges,
    define_name,
    exact_text,
    finish,
    header,
    new_workbook,
    safe_text,
    settings_block,
    style_input,
    title,
    validation,
)
from xlsales import pipeline
from xlsales.deals import STATUSES
from xlsales.records import Provenance

TABLE = "tblDeals"
STALLED_TABLE = "tblStalled"
MONTHS = pipeline.FORECAST_MONTHS
DECISIONS = "push,park,drop"
PERCENTILES = (("median", None), ("80th percentile", "Pct80"), ("90th percentile", "Pct90"))
GROUP_LABELS = {"owner": "owner", "source": "source", "segment": "segment"}
# Deals columns Stalled reads row by row: a defined name each (column_range), which
# LibreOffice resolves once, not in every row as it does a structured reference.
LOOKED_UP = ("owner", "stage", "amount", "idle", "limit", "stalled")


def deal_spec(stages: Sequence[str], extras: Sequence[str]) -> TableSpec:
    """The Deals table: data columns from the history, then the calculated columns."""
    text = [(key, key.replace("_", " "), "text", 14, None) for key in extras]
    specs = [
        ("deal", "deal", "text", 12, None),
        ("owner", "owner", "text", 12, None),
        *[s for s in text if s[0] != "lost_reason"],
        ("status", "status", "text", 8, None),
        ("stage", "stage", "text", 12, None),
        (
            "stage_no",
            "stage number",
            "count",
            7,
            f'=IF(LEN([stage]{{r}})=0,"",MATCH({exact_text("[stage]{r}")},StageNames,0))',
        ),
        ("amount", "amount", "money", 11, None),
        ("created", "created", "date", 11, None),
        ("entered", "entered stage", "date", 11, None),
        ("last_change", "last change", "date", 11, None),
        ("closed", "closed", "date", 11, None),
        *[s for s in text if s[0] == "lost_reason"],
        ("stages_entered", "stages entered", "count", 8, None),
        (
            "skipped",
            "skipped stages",
            "count",
            8,
            '=IF(ISNUMBER([stage_no]{r}),[stage_no]{r}-[stages_entered]{r},"")',
        ),
        ("reopened", "reopened", "general", 9, None),
        ("idle", "days idle", "count", 8, '=IF([status]{r}="open",AsOf-[last_change]{r},"")'),
        (
            "probability",
            "probability",
            "rate",
            9,
            '=IF([status]{r}="open",INDEX(RateToWon,[stage_no]{r}),"")',
        ),
        (
            "weighted",
            "weighted amount",
            "money",
            11,
            '=IF(ISNUMBER([probability]{r}),[amount]{r}*[probability]{r},"")',
        ),
        (
            "days_to_won",
            "median days to won",
            "#,##0.0",
            9,
            '=IF([status]{r}="open",INDEX(DaysToWon,[stage_no]{r}),"")',
        ),
        (
            "expected_close",
            "expected close",
            "date",
            11,
            '=IF(ISNUMBER([days_to_won]{r}),MAX([entered]{r}+[days_to_won]{r},AsOf),"")',
        ),
        (
            "close_month",
            "close month",
            "mmm yyyy",
            10,
            "=IF(ISNUMBER([expected_close]{r}),DATE(YEAR([expected_close]{r}),"
            'MONTH([expected_close]{r}),1),"")',
        ),
        (
            "limit",
            "limit days",
            "#,##0.0",
            8,
            '=IF([status]{r}="open",INDEX(StallLimits,[stage_no]{r}),"")',
        ),
        (
            "stalled",
            "stalled",
            "general",
            8,
            "=IF(ISNUMBER([limit]{r}),[idle]{r}>[limit]{r},FALSE)",
        ),
        ("cycle", "cycle days", "count", 8, '=IF([status]{r}="won",[closed]{r}-[created]{r},"")'),
    ]
    for i in range(1, len(stages)):
        specs.append((f"days_in_{i}", f"days in stage {i}", "count", 8, None))
        specs.append((f"to_won_{i}", f"days to won from stage {i}", "count", 8, None))
    return TableSpec(TABLE, specs)


EMPTY_STAGES = ("Lead", "Qualified", "Proposal", "Won")
DEAL_DATES = ("created", "entered", "last_change", "closed")
REQUIRED = ("deal", "status", "stage", "created", "entered", "last_change")  # every deal's


def deal_validations() -> dict:
    """The rules of the Deals data columns, one validation per column: status one of
    open, won, lost; stage one of the stage list (StageNames); amount a number >= 0;
    the four dates dates. The cells of :data:`REQUIRED` (and ``closed`` of a won or lost
    deal) must not be blank; ``xlsales verify`` holds a deal row to that."""
    return {
        "status": validation("list", items=",".join(STATUSES)),
        "stage": validation("list", items="=StageNames"),
        "amount": validation("decimal", low=0),
        **{key: validation("date") for key in DEAL_DATES},
    }


def build(review: pipeline.Review | None = None, sources: Sequence[Provenance] = ()) -> Workbook:
    """The review workbook for ``review`` (:func:`xlsales.pipeline.review`); without one,
    an empty workbook (stages Lead, Qualified, Proposal, Won, one blank deal row)."""
    if review is None:
        review = pipeline.empty_review(EMPTY_STAGES)
    names = review.names
    groups = ["owner", *[c for c in ("source", "segment") if c in review.extras]]
    spec = deal_spec(names, review.extras)
    wb = new_workbook()
    _inputs(wb, review)
    _deals(wb, review, spec)
    conv_rows = _conversion(wb, review, spec, groups)
    _cycle(wb, review, spec)
    _forecast(wb, review, spec)
    _stalled(wb, review, spec)
    _what_if(wb, review, spec)
    col = spec.ref
    first, last = FIRST_ROW, FIRST_ROW + len(names) - 1
    checks_sheet(
        wb,
        [
            (
                "Rows in the export minus rows used minus rows left out (reasons on Inputs)",
                "=RowsRead-RowsUsed-SUM(RowsLeftOut)",
                "={v}=0",
            ),
            (
                "Rows used minus the stage entries of the deals in the Deals table",
                f"=RowsUsed-SUM({col('stages_entered')})",
                "={v}=0",
            ),
            (
                "Deals whose stage is not in the stage list",
                f"=SUMPRODUCT(--(LEN({col('stage')})>0))-COUNT({col('stage_no')})",
                "={v}=0",
            ),
            (
                "Weighted amount of the open deals minus their unweighted amount (must be <= 0)",
                f'=SUM({col("weighted")})-SUMIFS({col("amount")},{col("status")},"open")',
                "={v}<=Tolerance",
            ),
            (
                "Months where the weighted forecast exceeds the unweighted one",
                f"=SUMPRODUCT(--(Forecast!B{FIRST_ROW}:B{FIRST_ROW + MONTHS - 1}"
                f">Forecast!C{FIRST_ROW}:C{FIRST_ROW + MONTHS - 1}+Tolerance))",
                "={v}=0",
            ),
            (
                "Rates outside 0-100 % (step conversion, rate to won, probabilities, what-if)",
                f'=COUNTIF(Conversion!F{first}:G{last},"<0")+COUNTIF(Conversion!F{first}:G{last},">1")'
                f'+COUNTIF(Conversion!F{conv_rows[0]}:F{conv_rows[1]},"<0")'
                f'+COUNTIF(Conversion!F{conv_rows[0]}:F{conv_rows[1]},">1")'
                f'+COUNTIF({col("probability")},"<0")+COUNTIF({col("probability")},">1")'
                f"+COUNTIF('What-if'!D{first}:E{last},\"<0\")+COUNTIF('What-if'!D{first}:E{last},\">1\")",
                "={v}=0",
            ),
            (
                "Win rate in 0-100 %",
                "=IF(ISNUMBER(WinRate),AND(WinRate>=0,WinRate<=1),TRUE)",
                "={v}",
            ),
            (
                "Stall limits entered on Inputs that are negative",
                f'=COUNTIF(Inputs!B{review_stage_row(review)}:B{review_stage_row(review) + len(names) - 1},"<0")',
                "={v}=0",
            ),
        ],
    )
    ws = cover(
        wb,
        "Weekly pipeline review",
        "What will close when, what is stuck and where the funnel leaks: every number a "
        "formula on the CRM export's deals, to bring to the weekly review.",
        [
            "Check the as-of date and the stall limits on Inputs (yellow cells).",
            "Read Forecast (weighted amount per close month), Conversion, Cycle.",
            "Go through Stalled in the meeting: type push, park or drop in each Decision.",
            "Try other rates or deal sizes on What-if; the measured values stay beside them.",
            "Check the master check above: it must say OK.",
        ],
        [
            ("Checks", "Row checks and the master check."),
            ("Inputs", "As-of date, stage order, stall limits per stage, rows read and used."),
            (
                "Deals",
                "One row per deal: stage, dates, probability, weighted amount, close "
                "month, stall limit and flag.",
            ),
            (
                "Conversion",
                "Step conversion per stage with counts, overall and per owner "
                "(and source/segment); win rate; lost deals by last stage and by reason.",
            ),
            (
                "Cycle",
                "Days in each stage and from creation to won: median, 80th and 90th "
                "percentiles with counts; median days to won; stall limits.",
            ),
            (
                "Forecast",
                f"Weighted and unweighted amount per close month, next {MONTHS} "
                "months, in total and per owner; chart.",
            ),
            (
                "Stalled",
                "Open deals idle longer than their stage's limit, oldest first, "
                "with a Decision column.",
            ),
            (
                "What-if",
                "A stage's rate or the average deal size overridden: weighted "
                "pipeline and the volume a win target needs, beside the measured values.",
            ),
        ],
        sources,
    )
    row = ws.max_row + 1
    facts = [
        ("As-of date", review.as_of.isoformat()),
        ("Stage order", ", ".join(names)),
        ("Column mapping", ", ".join(f"{k} -> {v}" for k, v in review.mapping.items()) or "none"),
        (
            "Definitions",
            "Step conversion = deals that reached the next stage / deals that "
            "entered the stage (open deals count as not converted). Probability = rate from "
            "the current stage to won. Expected close = day the stage was entered + median "
            "days won deals took from that stage, not before the as-of date. Stalled = idle "
            "longer than the stage's limit (default: 90th percentile of its measured days).",
        ),
    ]
    for i, (label, value) in enumerate(facts):
        ws.cell(row=row + i, column=1, value=label)
        safe_text(ws.cell(row=row + i, column=2), value)
    return wb


def review_stage_row(review: pipeline.Review) -> int:
    """First row of the stage list on Inputs (after the settings and the data block)."""
    return 20


def _inputs(wb: Workbook, review: pipeline.Review) -> None:
    ws = wb.create_sheet("Inputs")
    title(ws, "Inputs", "Yellow cells are inputs; everything else in the workbook is calculated.")
    row = settings_block(
        wb,
        ws,
        4,
        "Review",
        [
            Setting(
                "AsOf",
                "As-of date",
                review.as_of,
                "date",
                "idle days count to it; no deal is expected to close before it",
                validation("date"),
            ),
            Setting("Tolerance", "Tolerance of the money checks", 0.005, "amount", ""),
            Setting(
                "Pct80",
                "Cycle: second percentile",
                0.8,
                "general",
                "80th",
                validation("decimal", low=0, high=1),
            ),
            Setting(
                "Pct90",
                "Cycle: third percentile, the default stall limit",
                0.9,
                "general",
                "90th: a deal idle longer than this share of deals took is stalled",
                validation("decimal", low=0, high=1),
            ),
        ],
    )
    ws.cell(row=row, column=1, value="Rows of the export").font = Font(bold=True)
    counts = [
        ("RowsRead", "Rows read", review.rows_read),
        ("RowsUsed", "Rows used (one per deal and stage entered)", review.rows_used),
    ] + [
        ("", "Left out: " + pipeline.LEFT_OUT_REASONS[reason], review.left_out.get(reason, 0))
        for reason in pipeline.LEFT_OUT_REASONS
    ]
    for i, (name, label, value) in enumerate(counts, start=row + 1):
        ws.cell(row=i, column=1, value=label)
        ws.cell(row=i, column=3, value=value).number_format = FORMATS["count"]
        if name:
            define_name(wb, name, ws, f"C{i}")
    define_name(wb, "RowsLeftOut", ws, f"$C${row + 3}:$C${row + len(counts)}")
    first = review_stage_row(review)
    assert first > row + len(counts) + 1
    header(
        ws,
        first - 1,
        ["stage (top first, the win last)", "stall limit (days, blank = 90th percentile)"],
    )
    limits = review.stages["set_by"].tolist()
    for i, stage in enumerate(review.names):
        r = first + i
        safe_text(ws.cell(row=r, column=1), stage)
        cell = ws.cell(row=r, column=2)
        if i < len(review.names) - 1:
            if limits[i] == "user":
                cell.value = review.stages["limit_days"].iloc[i]
            style_input(cell, "#,##0.0")
    dv = validation("decimal", low=0)
    ws.add_data_validation(dv)
    dv.add(f"B{first}:B{first + len(review.names) - 2}")
    define_name(wb, "StageNames", ws, f"$A${first}:$A${first + len(review.names) - 1}")
    finish(ws, landscape=False, widths={"A": 70, "B": 22, "C": 14, "D": 40})


def _deals(wb: Workbook, review: pipeline.Review, spec: TableSpec) -> None:
    ws = wb.create_sheet("Deals")
    title(
        ws,
        "Deals",
        "One row per deal from the stage history. Probability = rate to won from the "
        "current stage; expected close = entered stage + median days to won (not before "
        "the as-of date); stalled = days idle > limit days. Days in stage k and days to "
        "won from stage k (k = stage number) feed Cycle.",
    )
    t = review.deals
    data = {
        "deal": t["deal_id"],
        "owner": t["owner"],
        "status": t["status"],
        "stage": t["stage"],
        "amount": t["amount"],
        "created": t["created"],
        "entered": t["entered_stage"],
        "last_change": t["last_change"],
        "closed": t["closed"],
        "stages_entered": t["stages_entered"],
        "reopened": t["reopened"],
        **{key: t[key] for key in review.extras},
    }
    for i in range(1, len(review.names)):
        data[f"days_in_{i}"] = t[f"days_in_{i - 1}"]
        data[f"to_won_{i}"] = t[f"to_won_{i - 1}"]
    frame = pd.DataFrame(data)
    columns = spec.columns(deal_validations())
    data_table(ws, TABLE, columns, _cell_values(frame))
    last = FIRST_ROW + max(len(frame), 1) - 1
    define_column_ranges(wb, ws, spec, LOOKED_UP, FIRST_ROW, last)
    finish(ws, title_rows=f"{HEADER_ROW}:{HEADER_ROW}")


def _cell_values(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the values its cells take: dates as dates (the day only), missing
    values as empty cells, numbers and truth values as Python's."""
    out = {}
    for key in frame.columns:
        column = frame[key]
        if pd.api.types.is_datetime64_any_dtype(column):
            values = column.dt.normalize().dt.date.astype(object)
        elif pd.api.types.is_bool_dtype(column) or pd.api.types.is_numeric_dtype(column):
            values = column.astype(object)
        else:
            values = column.astype(object).where(column.notna(), "").map(str)
        out[key] = values.where(column.notna(), None)
    return pd.DataFrame(out, dtype=object)


def _conversion(
    wb: Workbook, review: pipeline.Review, spec: TableSpec, groups: list[str]
) -> tuple[int, int]:
    """Conversion sheet; returns the first and last row of the per-group rates."""
    ws = wb.create_sheet("Conversion")
    title(
        ws,
        "Conversion",
        "Step conversion = deals that reached the next stage / deals that entered the stage "
        "by the as-of date; open deals count as not (yet) converted (their count is shown). "
        "A skipped stage counts as passed. Rate to won = product of the step rates below.",
    )
    col = spec.ref
    names = review.names
    n = len(names)
    header(
        ws,
        HEADER_ROW,
        [
            "stage",
            "stage number",
            "entered",
            "open here",
            "went on",
            "step conversion",
            "rate to won",
            "lost here",
            "lost amount",
        ],
    )
    first, last = FIRST_ROW, FIRST_ROW + n - 1
    for i, stage in enumerate(names):
        r = first + i
        safe_text(ws.cell(row=r, column=1), stage)
        ws.cell(row=r, column=2, value=i + 1)
        is_last = i == n - 1
        cells = {
            3: f'=COUNTIFS({col("stage_no")},">="&B{r})',
            4: f'=COUNTIFS({col("stage_no")},B{r},{col("status")},"open")',
            5: '=""' if is_last else f"=C{r + 1}",
            6: '=""' if is_last else f'=IF(C{r}>0,E{r}/C{r},"")',
            7: "=1" if is_last else f'=IF(AND(ISNUMBER(F{r}),ISNUMBER(G{r + 1})),F{r}*G{r + 1},"")',
            8: f'=COUNTIFS({col("stage_no")},B{r},{col("status")},"lost")',
            9: f'=SUMIFS({col("amount")},{col("stage_no")},B{r},{col("status")},"lost")',
        }
        for c, formula in cells.items():
            ws.cell(row=r, column=c, value=formula)
        for c, fmt in zip(
            range(2, 10), ("count", "count", "count", "count", "rate", "rate", "count", "money")
        ):
            ws.cell(row=r, column=c).number_format = FORMATS[fmt]
    define_name(wb, "RateToWon", ws, f"$G${first}:$G${last}")
    row = last + 2
    facts = [
        ("Won", f'=COUNTIFS({col("status")},"won")', "count", "WonDeals"),
        ("Lost", f'=COUNTIFS({col("status")},"lost")', "count", "LostDeals"),
        ("Open", f'=COUNTIFS({col("status")},"open")', "count", "OpenDeals"),
        (
            "Win rate = won / (won + lost)",
            '=IF(WonDeals+LostDeals>0,WonDeals/(WonDeals+LostDeals),"")',
            "rate",
            "WinRate",
        ),
        (
            f"Overall conversion = won / entered {names[0]}",
            f'=IF(C{first}>0,C{last}/C{first},"")',
            "rate",
            "OverallConversion",
        ),
    ]
    for i, (label, formula, fmt, name) in enumerate(facts, start=row):
        ws.cell(row=i, column=1, value=label)
        cell = ws.cell(row=i, column=3, value=formula)
        cell.number_format = FORMATS[fmt]
        define_name(wb, name, ws, f"C{i}")
    row += len(facts) + 1
    # per owner / source / segment: one block of stage rows per group
    header(
        ws,
        row,
        [
            "group",
            "value",
            "stage",
            "entered",
            "went on",
            "step conversion",
            "open here",
            "stage number",
        ],
    )
    block_first = row + 1
    r = block_first
    for key in groups:
        values = sorted(set(review.deals[key].replace("", "(none)")))
        for value in values:
            crit = '""' if value == "(none)" else None
            for i, stage in enumerate(names):
                ws.cell(row=r, column=1, value=GROUP_LABELS[key])
                safe_text(ws.cell(row=r, column=2), value)
                safe_text(ws.cell(row=r, column=3), stage)
                match = crit if crit else criterion(f"B{r}")
                ws.cell(row=r, column=8, value=i + 1)
                ws.cell(
                    row=r,
                    column=4,
                    value=f'=COUNTIFS({col(key)},{match},{col("stage_no")},">="&H{r})',
                )
                if i < len(names) - 1:
                    ws.cell(row=r, column=5, value=f"=D{r + 1}")
                    ws.cell(row=r, column=6, value=f'=IF(D{r}>0,E{r}/D{r},"")')
                else:
                    ws.cell(row=r, column=5, value='=""')
                    ws.cell(row=r, column=6, value='=""')
                ws.cell(
                    row=r,
                    column=7,
                    value=f'=COUNTIFS({col(key)},{match},{col("stage_no")},H{r},{col("status")},"open")',
                )
                ws.cell(row=r, column=6).number_format = FORMATS["rate"]
                r += 1
    block_last = r - 1
    row = r + 1
    header(ws, row, ["lost by last stage", "lost", "amount"])
    for i, stage in enumerate(names):
        rr = row + 1 + i
        safe_text(ws.cell(row=rr, column=1), stage)
        ws.cell(row=rr, column=2, value=f"=H{first + i}")
        ws.cell(row=rr, column=3, value=f"=I{first + i}").number_format = FORMATS["money"]
    row += len(names) + 2
    if "lost_reason" in review.extras:
        header(ws, row, ["lost reason", "lost"])
        reasons = pipeline.lost_reasons(review)["reason"].tolist()
        named = [x for x in reasons if x != "(no reason given)"]
        for i, reason in enumerate(named, start=row + 1):
            safe_text(ws.cell(row=i, column=1), reason)
            ws.cell(
                row=i,
                column=2,
                value=f'=COUNTIFS({col("status")},"lost",{col("lost_reason")},{criterion(f"A{i}")})',
            )
        end = row + len(named)
        ws.cell(row=end + 1, column=1, value="(no reason given)")
        total = f"SUM(B{row + 1}:B{end})" if named else "0"
        ws.cell(row=end + 1, column=2, value=f"=LostDeals-{total}")
    finish(
        ws,
        widths={"A": 34, "B": 16, "C": 14, "D": 10, "E": 10, "F": 12, "G": 12, "H": 10, "I": 12},
        title_rows=f"{HEADER_ROW}:{HEADER_ROW}",
    )
    return block_first, max(block_first, block_last)


def _cycle(wb: Workbook, review: pipeline.Review, spec: TableSpec) -> None:
    ws = wb.create_sheet("Cycle")
    title(
        ws,
        "Cycle",
        "Days in each stage before moving on, and from creation to won (won deals): "
        "percentiles interpolate between ranks (PERCENTILE). Stall limit = the limit on "
        "Inputs, else the 90th percentile of the stage's days.",
    )
    names = review.names
    header(
        ws,
        HEADER_ROW,
        [
            "what",
            "stage number",
            "deals",
            "median",
            "80th percentile",
            "90th percentile",
            "won deals through it",
            "median days to won",
            "stall limit (days)",
        ],
    )
    stage_row = review_stage_row(review)
    for i, stage in enumerate([*names[:-1], None]):
        r = FIRST_ROW + i
        if stage is None:
            ws.cell(row=r, column=1, value="time to close (created to won)")
            ref = spec.ref("cycle")
        else:
            safe_text(ws.cell(row=r, column=1), f"time in {stage}")
            ws.cell(row=r, column=2, value=i + 1)
            ref = spec.ref(f"days_in_{i + 1}")
        ws.cell(row=r, column=3, value=f"=COUNT({ref})")
        for c, (_label, q) in enumerate(PERCENTILES, start=4):
            stat = f"MEDIAN({ref})" if q is None else f"PERCENTILE({ref},{q})"
            ws.cell(row=r, column=c, value=f'=IF(C{r}>0,{stat},"")').number_format = "#,##0.0"
        if stage is not None:
            won = spec.ref(f"to_won_{i + 1}")
            ws.cell(row=r, column=7, value=f"=COUNT({won})")
            ws.cell(
                row=r, column=8, value=f'=IF(G{r}>0,MEDIAN({won}),"")'
            ).number_format = "#,##0.0"
            src = f"Inputs!B{stage_row + i}"
            ws.cell(
                row=r, column=9, value=f'=IF(ISNUMBER({src}),{src},IF(C{r}>0,F{r},""))'
            ).number_format = "#,##0.0"
    last = FIRST_ROW + len(names) - 1  # the win's row: 0 days to won, no limit
    ws.cell(row=last, column=8, value=0)
    ws.cell(row=last, column=9, value='=""')
    ws.cell(row=last, column=2, value=len(names))
    define_name(wb, "DaysToWon", ws, f"$H${FIRST_ROW}:$H${last}")
    define_name(wb, "StallLimits", ws, f"$I${FIRST_ROW}:$I${last}")
    ws.cell(
        row=last + 2,
        column=1,
        value="The last row is also the win's row of the "
        "per-stage ranges (DaysToWon 0, no stall limit).",
    ).font = NOTE_FONT
    finish(
        ws,
        widths={"A": 34, **{get_column_letter(c): 13 for c in range(2, 10)}},
        title_rows=f"{HEADER_ROW}:{HEADER_ROW}",
    )


def _forecast(wb: Workbook, review: pipeline.Review, spec: TableSpec) -> None:
    ws = wb.create_sheet("Forecast")
    title(
        ws,
        "Forecast",
        "Open deals by expected close month: weighted = amount x probability (rate to won "
        "from the current stage); unweighted = amount. Deals expected later, or from a "
        "stage no won deal has passed, are in no month.",
    )
    col = spec.ref
    header(ws, HEADER_ROW, ["month", "weighted", "unweighted", "deals"])
    for k in range(MONTHS):
        r = FIRST_ROW + k
        month = "=DATE(YEAR(AsOf),MONTH(AsOf),1)" if k == 0 else f"=EDATE(A{r - 1},1)"
        ws.cell(row=r, column=1, value=month).number_format = "mmm yyyy"
        ws.cell(row=r, column=2, value=f"=SUMIFS({col('weighted')},{col('close_month')},A{r})")
        ws.cell(row=r, column=3, value=f"=SUMIFS({col('amount')},{col('close_month')},A{r})")
        ws.cell(row=r, column=4, value=f"=COUNTIFS({col('close_month')},A{r})")
        for c, fmt in ((2, "money"), (3, "money"), (4, "count")):
            ws.cell(row=r, column=c).number_format = FORMATS[fmt]
    last = FIRST_ROW + MONTHS - 1
    total = last + 1
    ws.cell(row=total, column=1, value="Total").font = Font(bold=True)
    for c in (2, 3, 4):
        letter = get_column_letter(c)
        ws.cell(
            row=total, column=c, value=f"=SUM({letter}{FIRST_ROW}:{letter}{last})"
        ).number_format = FORMATS["money" if c < 4 else "count"]
    # per owner: weighted, then unweighted, one column per month
    owners = sorted(set(review.deals.loc[review.deals["status"] == "open", "owner"]))
    row = total + 2
    for label, key in (("weighted per owner", "weighted"), ("unweighted per owner", "amount")):
        header(ws, row, [label] + [f"=A{FIRST_ROW + k}" for k in range(MONTHS)] + ["total"])
        for k in range(MONTHS):
            ws.cell(row=row, column=2 + k).number_format = "mmm yyyy"
        for i, owner in enumerate(owners, start=row + 1):
            safe_text(ws.cell(row=i, column=1), owner)
            for k in range(MONTHS):
                month = f"$A${FIRST_ROW + k}"
                ws.cell(
                    row=i,
                    column=2 + k,
                    value=f"=SUMIFS({col(key)},{col('owner')},{criterion(f'$A{i}')},"
                    f"{col('close_month')},{month})",
                ).number_format = FORMATS["money"]
            ws.cell(
                row=i, column=2 + MONTHS, value=f"=SUM(B{i}:{get_column_letter(1 + MONTHS)}{i})"
            ).number_format = FORMATS["money"]
        row += len(owners) + 2
    add_chart(
        ws,
        f"A{row + 1}",
        "Forecast per close month",
        Reference(ws, min_col=2, max_col=3, min_row=HEADER_ROW, max_row=last),
        Reference(ws, min_col=1, min_row=FIRST_ROW, max_row=last),
        axis_titles=("amount", ""),
    )
    finish(
        ws,
        widths={"A": 22, **{get_column_letter(c): 13 for c in range(2, 3 + MONTHS)}},
        title_rows=f"{HEADER_ROW}:{HEADER_ROW}",
    )


def _stalled(wb: Workbook, review: pipeline.Review, spec: TableSpec) -> None:
    ws = wb.create_sheet("Stalled")
    title(
        ws,
        "Stalled",
        "Open deals idle longer than their stage's limit when the workbook was built, "
        "oldest first. Decide each one: push, park or drop. 'still stalled' follows the "
        "limits on Inputs.",
    )
    late = pipeline.stalled_list(review)
    positions = {deal: i for i, deal in enumerate(review.deals["deal_id"])}
    rows = [{"deal": d, "row": positions[d] + 1} for d in late["deal_id"]]

    def at(key: str) -> str:  # this row's deal's value of a Deals column
        return f"=INDEX({column_range(TABLE, key)},[row]{{r}})"

    specs = [
        ("deal", "deal", "text", 12, None),
        ("row", "deals row", "count", 8, None),
        ("owner", "owner", "text", 12, at("owner")),
        ("stage", "stage", "text", 12, at("stage")),
        ("amount", "amount", "money", 11, at("amount")),
        ("idle", "days idle", "count", 9, at("idle")),
        ("limit", "limit days", "#,##0.0", 9, at("limit")),
        ("still", "still stalled", "general", 9, at("stalled")),
        ("decision", "Decision", "text", 12, None),
    ]
    table = TableSpec(STALLED_TABLE, specs)
    columns = table.columns({"decision": validation("list", items=DECISIONS)})
    data_table(ws, STALLED_TABLE, columns, rows)
    finish(ws, title_rows=f"{HEADER_ROW}:{HEADER_ROW}")


def _what_if(wb: Workbook, review: pipeline.Review, spec: TableSpec) -> None:
    ws = wb.create_sheet("What-if")
    title(
        ws,
        "What-if",
        "Type a step rate for a stage, an average deal size or a win target (yellow). "
        "Weighted pipeline = open amount (or open deals x deal size) x rate to won; "
        "volume needed = ROUNDUP(win target / rate to won). Measured values beside.",
    )
    names = review.names
    n = len(names)
    col = spec.ref
    header(
        ws,
        HEADER_ROW,
        [
            "stage",
            "measured step rate",
            "your step rate",
            "step rate used",
            "rate to won used",
            "measured rate to won",
            "open deals",
            "open amount",
            "weighted pipeline",
            "measured weighted pipeline",
            "volume needed",
            "measured volume needed",
        ],
    )
    first, last = FIRST_ROW, FIRST_ROW + n - 1
    for i, stage in enumerate(names):
        r = first + i
        conv = FIRST_ROW + i
        safe_text(ws.cell(row=r, column=1), stage)
        is_last = i == n - 1
        cells = {
            2: '=""' if is_last else f"=Conversion!F{conv}",
            4: '=""' if is_last else f"=IF(ISNUMBER(C{r}),C{r},B{r})",
            5: "=1" if is_last else f'=IF(AND(ISNUMBER(D{r}),ISNUMBER(E{r + 1})),D{r}*E{r + 1},"")',
            6: f"=Conversion!G{conv}",
            7: f"=Conversion!D{conv}",
            8: f'=SUMIFS({col("amount")},{col("stage_no")},Conversion!B{conv},{col("status")},"open")',
            9: f'=IF(ISNUMBER(E{r}),IF(ISNUMBER(DealSize),G{r}*DealSize,H{r})*E{r},"")',
            10: f'=IF(ISNUMBER(F{r}),H{r}*F{r},"")',
            11: f'=IF(AND(ISNUMBER(TargetWins),N(E{r})>0),ROUNDUP(TargetWins/E{r},0),"")',
            12: f'=IF(AND(ISNUMBER(TargetWins),N(F{r})>0),ROUNDUP(TargetWins/F{r},0),"")',
        }
        for c, formula in cells.items():
            ws.cell(row=r, column=c, value=formula)
        if not is_last:
            style_input(ws.cell(row=r, column=3), "rate")
        for c, fmt in zip(
            range(2, 13),
            (
                "rate",
                "rate",
                "rate",
                "rate",
                "rate",
                "count",
                "money",
                "money",
                "money",
                "count",
                "count",
            ),
        ):
            if c != 3:
                ws.cell(row=r, column=c).number_format = FORMATS[fmt]
    dv = validation("decimal", low=0, high=1)
    ws.add_data_validation(dv)
    dv.add(f"C{first}:C{last - 1}")
    total = last + 1
    ws.cell(row=total, column=1, value="Total").font = Font(bold=True)
    for c in (7, 8, 9, 10):
        letter = get_column_letter(c)
        ws.cell(
            row=total, column=c, value=f"=SUM({letter}{first}:{letter}{last})"
        ).number_format = FORMATS["money" if c > 7 else "count"]
    measured_size = pipeline.average_open_amount(review)
    settings_block(
        wb,
        ws,
        total + 2,
        "What-if inputs",
        [
            Setting(
                "DealSize",
                "Average deal size (blank = each deal's amount)",
                None,
                "money",
                f"measured average of the open deals: {measured_size:,.0f}"
                if measured_size
                else "",
                validation("decimal", low=0),
            ),
            Setting(
                "TargetWins",
                "Win target (deals)",
                None,
                "count",
                "for the volume needed",
                validation("decimal", low=0),
            ),
        ],
    )
    finish(
        ws,
        widths={
            "A": 30,
            "B": 14,
            "C": 14,
            "D": 34,
            **{get_column_letter(c): 13 for c in range(5, 13)},
        },
        title_rows=f"{HEADER_ROW}:{HEADER_ROW}",
    )
