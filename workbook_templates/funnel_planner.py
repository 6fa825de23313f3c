"""The funnel planner: volumes each stage needs, when each must start, plan against actual.

The required volumes are native formulas that give :func:`xlsales.funnel.required_volumes`
in every rounding mode, and the start dates give :func:`xlsales.funnel.funnel_schedule`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.chart import Reference
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from workbook_templates._common import (
    FIRST_ROW,
    FORMATS,
    HEADER_ROW,
    Setting,
    add_chart,
    checks_sheet,
    cover,
    define_name,
    finish,
    header,
    new_workbook,
    safe_text,
    settings_block,
    style_input,
    title,
    validation,
)
from xlsales import _validate as v
from xlsales import funnel
from xlsales.records import Provenance

SPARE = 2
PERIODS = 12


def build(
    target: float | None = None,
    rates: Sequence[float] = (),
    stage_days: Sequence[float] = (),
    stages: Sequence[str] | None = None,
    due: dt.date | None = None,
    rounding: str = "end",
    every: str = "month",
    actual: Sequence[float] | None = None,
    sources: Sequence[Provenance] = (),
) -> Workbook:
    """The planner; empty (blank stages) when ``rates`` is empty.

    ``rates`` and ``stage_days`` have one entry per step (stages - 1); ``actual`` one
    per stage (this period's actual volumes, for the steering review).
    """
    every = v.choice("every", every, ("once", "week", "month"))  # what the Schedule sheet does
    names: list[str] = []
    if rates:  # the core's own checks: a bad plan is refused before a cell is written
        day = due or dt.date.today()
        rows = funnel.funnel_schedule(target, rates, stage_days, day, rounding, stages=stages)  # type: ignore[arg-type]
        names = [row.stage for row in rows]
        if actual is not None:
            funnel.plan_gap(actual, rates, target, rounding, names)  # type: ignore[arg-type]
    wb = new_workbook()
    slots = len(names) + SPARE if names else 6
    stage_row = _inputs(wb, target, rates, stage_days, names, due, rounding, every, actual, slots)
    _plan(wb, slots, stage_row)
    _schedule(wb, slots)
    r0, r1 = FIRST_ROW, FIRST_ROW + slots - 1
    checks_sheet(
        wb,
        [
            (
                "Stage rows whose rate breaks a rule (each in (0, 1], none on the last stage)",
                f"=ROWS(Plan!L{r0}:L{r1})-COUNTIF(Plan!L{r0}:L{r1},TRUE)",
                "={v}=0",
            ),
            (
                "Top volume x rates minus target (exact chain)",
                f"=IF(StageCount=0,0,Plan!C{r0}*Plan!M{r0}-TargetWins)",
                "=ABS({v})<=Tolerance",
            ),
            (
                "Rounded volumes never below the exact need",
                f"=SUMPRODUCT(--(Plan!F{r0}:F{r1}<Plan!C{r0}:C{r1}-Tolerance))",
                "={v}=0",
            ),
            (
                "Rounding is end, stage or none",
                '=OR(Rounding="end",Rounding="stage",Rounding="none")',
                "={v}",
            ),
        ],
    )
    cover(
        wb,
        "Funnel planner",
        "How many entries each stage needs to win the target, when each stage must start, "
        "and how this period's actuals compare.",
        [
            "Enter the target, the rounding and the due date on Inputs (yellow cells).",
            "List the stages top first: each stage's rate to the next stage and its days; "
            "the last stage (the wins) has no rate.",
            "Read Plan for volumes and start dates; Schedule for the next periods.",
            "For the steering review, enter this period's actual volumes on Inputs.",
            "Check the master check above: it must say OK.",
        ],
        [
            ("Checks", "Row checks and the master check."),
            (
                "Inputs",
                "Target, rounding, due date, recurrence, stages with rates, days and actuals.",
            ),
            (
                "Plan",
                "Exact need and volume per stage in each rounding, start dates, plan vs actual.",
            ),
            ("Schedule", "Due date and stage start dates for the next periods."),
        ],
        sources,
    )
    return wb


def _inputs(wb, target, rates, stage_days, names, due, rounding, every, actual, slots) -> int:
    """The Inputs sheet; returns the row of the first stage."""
    ws = wb.create_sheet("Inputs")
    title(ws, "Inputs", "Yellow cells are inputs; everything else in the workbook is calculated.")
    row = settings_block(
        wb,
        ws,
        4,
        "Target",
        [
            Setting(
                "TargetWins",
                "Wins needed per period",
                target,
                "count",
                "e.g. 10 new customers a month",
                validation("decimal", low=0),
            ),
            Setting(
                "Rounding",
                "Rounding",
                rounding,
                "text",
                "end: each stage rounded up once; stage: at every step; none: exact",
                validation("list", items="end,stage,none"),
            ),
            Setting(
                "DueDate",
                "Due date (first period)",
                due,
                "date",
                "when the wins must land",
                validation("date"),
            ),
            Setting(
                "Recurs",
                "Target recurs every",
                every,
                "text",
                "once, week or month",
                validation("list", items="once,week,month"),
            ),
        ],
    )
    row = settings_block(
        wb,
        ws,
        row,
        "Technical settings",
        [
            Setting("DaysPerWeek", "Days in a week", 7, "count", "for weekly periods"),
            Setting(
                "Tolerance",
                "Tolerance of the checks",
                0.000001,
                "general",
                "exact needs may differ by float noise only",
            ),
        ],
    )
    header(
        ws, HEADER_ROW + row, ["stage", "rate to next stage", "days in stage", "actual this period"]
    )
    first = HEADER_ROW + row + 1
    for i in range(slots):
        r = first + i
        safe_text(ws.cell(row=r, column=1), names[i] if i < len(names) else "")
        values = [
            rates[i] if i < len(rates) else None,
            stage_days[i] if i < len(stage_days) else None,
            actual[i] if actual is not None and i < len(actual) else None,
        ]
        for c, value in enumerate(values, start=2):
            ws.cell(row=r, column=c, value=value)
        for c, fmt in zip(range(1, 5), ("text", "rate", "count", "count")):
            style_input(ws.cell(row=r, column=c), fmt)
    last = first + slots - 1
    for letter, dv in (
        ("B", validation("decimal", low=0, high=1)),
        ("C", validation("decimal", low=0)),
        ("D", validation("decimal", low=0)),
    ):
        ws.add_data_validation(dv)
        dv.add(f"{letter}{first}:{letter}{last}")
    define_name(wb, "StageNames", ws, f"$A${first}:$A${last}")
    finish(ws, landscape=False, widths={"A": 36, "B": 18, "C": 14, "D": 44})
    return first


def _plan(wb: Workbook, slots: int, stage_row: int) -> None:
    ws = wb.create_sheet("Plan")
    title(
        ws,
        "Plan",
        "Worked back from the target through the rates; start = due date minus "
        "the days of this stage and every stage after it.",
    )
    header(
        ws,
        HEADER_ROW,
        [
            "stage",
            "rate to next",
            "exact need",
            "volume (stage rounding)",
            "volume (end rounding)",
            "planned volume",
            "days from stage start to win",
            "start by",
            "actual",
            "variance",
            "status",
            "check: rate valid",
            "rates from here to the win",
            "actual rate",
        ],
    )
    define_name(wb, "StageCount", ws, "B2")
    for i in range(slots):
        r, n = FIRST_ROW + i, FIRST_ROW + i + 1
        src = stage_row + i
        name, rate, days, actual = (
            f"Inputs!$A${src}",
            f"Inputs!$B${src}",
            f"Inputs!$C${src}",
            f"Inputs!$D${src}",
        )
        last_row = i == slots - 1

        def nxt(col: str, n: int = n, last_row: bool = last_row) -> str:
            """The same column one stage down (0 below the last slot)."""
            return "0" if last_row else f"N({col}{n})"

        cells = [
            f'=IF(LEN({name})=0,"(empty slot)",{name})',
            f'=IF(ISNUMBER({rate}),{rate},"last stage")',
            f"=IF(LEN({name})=0,0,IF(ISNUMBER({rate}),{nxt('C')}/{rate},N(TargetWins)))",
            f"=IF(LEN({name})=0,0,IF(ISNUMBER({rate}),ROUNDUP({nxt('D')}/{rate},0),"
            f"ROUNDUP(N(TargetWins),0)))",
            f"=ROUNDUP(C{r},0)",
            f'=IF(Rounding="none",C{r},IF(Rounding="stage",D{r},E{r}))',
            f"=IF(LEN({name})=0,0,IF(ISNUMBER({rate}),N({days})+{nxt('G')},0))",
            f'=IF(ISNUMBER(DueDate),DueDate-ROUNDUP(G{r},0),"set a due date")',
            f'=IF(ISNUMBER({actual}),{actual},"not entered")',
            f'=IF(ISNUMBER({actual}),{actual}-F{r},"not entered")',
            f'=IF(LEN({name})=0,"(empty slot)",IF(ISNUMBER({actual}),IF({actual}>=F{r},"on course","behind"),'
            f'"not entered"))',
            f"=IF(LEN({name})=0,TRUE,IF(ROW()-ROW($A${FIRST_ROW})+1=StageCount,"
            f"NOT(ISNUMBER({rate})),AND(ISNUMBER({rate}),{rate}>0,{rate}<=1)))",
            f"=IF(ISNUMBER({rate}),{rate}*{'1' if last_row else f'N(M{n})'},1)",
            f"=IF(AND(ISNUMBER({rate}),N({actual})>0),"
            + ('"last stage"' if last_row else f"N(Inputs!$D${src + 1})/{actual}")
            + f',IF(ISNUMBER({rate}),"no actuals","last stage"))',
        ]
        for c, formula in enumerate(cells, start=1):
            ws.cell(row=r, column=c, value=formula)
        for c, fmt in zip(
            range(1, 15),
            (
                "text",
                "rate",
                "#,##0.00",
                "count",
                "count",
                "#,##0.##",
                "count",
                "date",
                "count",
                "#,##0.##",
                "text",
                "general",
                "0.0000%",
                "rate",
            ),
        ):
            ws.cell(row=r, column=c).number_format = FORMATS.get(fmt, fmt)
    last = FIRST_ROW + slots - 1
    ws["A2"] = "Stages named:"
    ws["B2"] = "=SUMPRODUCT(--(LEN(StageNames)>0))"
    ws["A2"].font = Font(italic=True)
    add_chart(
        ws,
        f"A{last + 3}",
        "Funnel: planned volume per stage",
        Reference(ws, min_col=6, min_row=HEADER_ROW, max_row=last),
        Reference(ws, min_col=1, min_row=FIRST_ROW, max_row=last),
        kind="bar",
    )
    finish(
        ws,
        widths={
            get_column_letter(c): w
            for c, w in zip(range(1, 15), (22, 11, 12, 12, 12, 12, 12, 12, 10, 10, 11, 10, 12, 10))
        },
        title_rows=f"{HEADER_ROW}:{HEADER_ROW}",
    )


def _schedule(wb: Workbook, slots: int) -> None:
    ws = wb.create_sheet("Schedule")
    title(ws, "Schedule", "For each period: the due date and the date each stage must start.")
    header(ws, HEADER_ROW, ["period", "due"] + [f"=Plan!A{FIRST_ROW + i}" for i in range(slots)])
    for k in range(PERIODS):
        r = FIRST_ROW + k
        if k == 0:
            ws.cell(row=r, column=1, value=1)
        else:
            ws.cell(row=r, column=1, value=f"=A{r - 1}+1")
        ws.cell(
            row=r,
            column=2,
            value=(
                f'=IF(NOT(ISNUMBER(DueDate)),"set a due date",IF(Recurs="month",EDATE(DueDate,A{r}-1),'
                f'IF(Recurs="week",DueDate+(A{r}-1)*DaysPerWeek,IF(A{r}=1,DueDate,"one-off target"))))'
            ),
        ).number_format = "yyyy-mm-dd"
        for i in range(slots):
            c = 3 + i
            ws.cell(
                row=r,
                column=c,
                value=(f"=IF(ISNUMBER(B{r}),B{r}-ROUNDUP(Plan!$G${FIRST_ROW + i},0),B{r})"),
            ).number_format = "yyyy-mm-dd"
    finish(
        ws,
        widths={"A": 8, "B": 14, **{get_column_letter(c): 14 for c in range(3, 3 + slots)}},
        title_rows=f"{HEADER_ROW}:{HEADER_ROW}",
    )
