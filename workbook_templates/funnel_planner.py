"""The funnel planner: volumes each stage needs, when each must start, plan against actual.

The required volumes are native formulas that give :func:`xlsales.funnel.required_volumes`
in every rounding mode, and the start dates give :func:`xlsales.funnel.funnel_schedule`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference, Series
from openpyxl.chart.data_source import StrRef
from openpyxl.chart.series import SeriesLabel
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
    named_facts,
    new_workbook,
    safe_text,
    settings_block,
    style_input,
    title,
    validation,
)
from xlsales import _validate as v
from xlsales import funnel
from xlsales.errors import InputError
from xlsales.records import Provenance

SPARE = 2
RISE = "next stage holds more"  # Plan's actual rate where the next stage's actual is larger
RISE_CHECK = "Stage rows whose actuals rise"  # the Checks line that counts them
PERIODS = 12
BLOCK = PERIODS + 3  # an Actuals block: stage row, header, 12 periods, a blank row
ACTUALS = [
    "period",
    "start",
    "end",
    "planned volume",
    "entered",
    "entered to planned",
    "status",
    "went on",
    "open here",
    "step conversion",
    "check counts valid",
]


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
    periods: int | None = None,
    tracking: pd.DataFrame | None = None,
    velocity: Mapping | None = None,
) -> Workbook:
    """The planner; empty (blank stages) when ``rates`` is empty.

    ``rates`` and ``stage_days`` have one entry per step (stages - 1); ``actual`` one
    per stage (this period's actual volumes, for the steering review). ``periods`` is
    how many periods the Schedule plans (1 to 12; default 12, or 1 for a
    one-off target).

    ``tracking`` fills the Actuals sheet: :func:`xlsales.deals.period_counts` for the
    12 tracked periods (period, start, stage_index, entered, went_on, open_here); the
    first start is the first tracked period. ``velocity`` fills the terms of pipeline
    velocity: :func:`xlsales.deals.record_metrics`' dict.
    """
    every = v.choice("every", every, ("once", "week", "month"))  # what the Schedule sheet does
    periods = v.whole(
        "periods", (1 if every == "once" else PERIODS) if periods is None else periods
    )
    if not 1 <= periods <= PERIODS or (every == "once" and periods != 1):
        rule = "1 for a one-off target" if every == "once" else f"from 1 to {PERIODS}"
        raise InputError(f"periods={periods} must be {rule} (the Schedule holds {PERIODS})")
    names: list[str] = []
    first_period = None
    if rates:  # the core's own checks: a bad plan is refused before a cell is written
        day = due or dt.date.today()
        rows = funnel.funnel_schedule(target, rates, stage_days, day, rounding, stages=stages)  # type: ignore[arg-type]
        names = [row.stage for row in rows]
        if actual is not None:
            funnel.plan_gap(actual, rates, target, rounding, names)  # type: ignore[arg-type]
        first_period = rows[0].start if every == "week" else rows[0].start.replace(day=1)
    tracked = _tracked(tracking, len(names))
    if tracked:
        first_period = tracked["first"]
    wb = new_workbook()
    slots = len(names) + SPARE if names else 6
    given = dict(
        target=target,
        rates=rates,
        stage_days=stage_days,
        due=due,
        rounding=rounding,
        every=every,
        actual=actual,
        periods=periods,
        first_period=first_period,
    )
    stage_row = _inputs(wb, names, slots, given, velocity)
    _plan(wb, slots, stage_row)
    _schedule(wb, slots)
    a0, a1 = _actuals(wb, slots, tracked, len(names))
    _velocity(wb)
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
            (
                f"{RISE_CHECK} (more deals entered the next stage than this one this period: "
                f'a flow, not a step conversion; shown as "{RISE}"); passes while no actual '
                "rate exceeds 100 %",
                f'=COUNTIF(Plan!N{r0}:N{r1},"{RISE}")',
                f'=COUNTIF(Plan!N{r0}:N{r1},">1")=0',
            ),
            (
                "Tracked periods where went on plus open exceed entered (a rate above 100 %)",
                f"=COUNTIF(Actuals!K{a0}:K{a1},FALSE)",
                "={v}=0",
            ),
            (
                "Win rate within 0 to 100 % (won and lost are 0 or more)",
                "=IF(ISNUMBER(WinRate),IF(AND(WinRate>=0,WinRate<=1),0,1),0)",
                "={v}=0",
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
            "For the steering review, enter this period's actual volumes on Inputs. Plan's "
            "actual rate is the next stage's actual over this one's, never above 100 %: where "
            "the next stage holds more (deals from earlier periods moving on: a flow), it "
            f'says "{RISE}" and Checks counts the row.',
            "Actuals: per stage and period, the deals that entered the stage against the planned "
            "volume, and of them the ones that went on and the ones still open (filled from the "
            "CRM file when the planner was made from one, else typed).",
            "Velocity: pipeline velocity = open deals x win rate x average won amount / "
            "average sales cycle in days, each term shown.",
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
                "Exact need and volume per stage in each rounding, start dates, plan vs actual, "
                "actual rate (next stage's actual / this one's, never above 100 %).",
            ),
            ("Schedule", "Due date and stage start dates for the next periods."),
            (
                "Actuals",
                "Plan against actual per stage for 12 periods: planned volume, entered, their "
                "ratio, step conversion (went on / entered, open beside it), with a chart.",
            ),
            ("Velocity", "Win rate, sales cycle and pipeline velocity with each term."),
        ],
        sources,
    )
    return wb


def _inputs(wb, names, slots, given: dict, velocity) -> int:
    """The Inputs sheet (``given``: build's plan arguments); returns the row of the first
    stage."""
    target, rates, stage_days, due = (given[k] for k in ("target", "rates", "stage_days", "due"))
    rounding, every, actual = given["rounding"], given["every"], given["actual"]
    periods, first_period = given["periods"], given["first_period"]
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
            Setting(
                "PlanPeriods",
                "Periods planned",
                periods,
                "count",
                f"how many periods the Schedule plans (1 to {PERIODS}; 1 for a one-off target)",
                validation("whole", low=1, high=PERIODS),
            ),
            Setting(
                "FirstPeriod",
                "First tracked period starts",
                first_period,
                "date",
                "first day of the first of the 12 periods on Actuals (a month, or a week)",
                validation("date"),
            ),
        ],
    )
    m = dict(velocity or {})
    row = settings_block(
        wb,
        ws,
        row,
        "Pipeline velocity terms (from the CRM file, or typed)",
        [
            Setting(
                "AsOfDate",
                "As-of date",
                m.get("as_of"),
                "date",
                "the day the terms speak from",
                validation("date"),
            ),
            Setting(
                "OpenDeals",
                "Open deals",
                m.get("open"),
                "count",
                "deals open on the as-of date, any stage",
                validation("decimal", low=0),
            ),
            Setting(
                "WonDeals",
                "Won deals",
                m.get("won"),
                "count",
                "won in the period",
                validation("decimal", low=0),
            ),
            Setting(
                "LostDeals",
                "Lost deals",
                m.get("lost"),
                "count",
                "lost in the period",
                validation("decimal", low=0),
            ),
            Setting(
                "AverageWonAmount",
                "Average won amount",
                m.get("average_won_amount"),
                "money",
                "mean amount of the won deals",
                validation("decimal", low=0),
            ),
            Setting(
                "AverageCycleDays",
                "Average sales cycle (days)",
                m.get("average_cycle_days"),
                "#,##0.0",
                "mean days from creation to won, over won deals",
                validation("decimal", low=0),
            ),
            Setting(
                "MedianCycleDays",
                "Sales cycle, median (days)",
                m.get("cycle_median_days"),
                "#,##0.0",
                "for lead times",
                validation("decimal", low=0),
            ),
            Setting(
                "P80CycleDays",
                "Sales cycle, 80th percentile (days)",
                m.get("cycle_p80_days"),
                "#,##0.0",
                "linear (PERCENTILE.INC)",
                validation("decimal", low=0),
            ),
            Setting(
                "P90CycleDays",
                "Sales cycle, 90th percentile (days)",
                m.get("cycle_p90_days"),
                "#,##0.0",
                "linear (PERCENTILE.INC)",
                validation("decimal", low=0),
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
            + ('"last stage"' if last_row else _actual_rate(f"Inputs!$D${src + 1}", actual))
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


def _actual_rate(following: str, actual: str) -> str:
    """Plan's actual rate of a stage with a rate and an actual above 0: the next stage's
    actual over this one's (:func:`xlsales.funnel.stage_conversion` of the two), never
    above 100 %: where the next stage holds more, the ratio is a flow (deals that entered
    this stage in earlier periods), not a step conversion, and the cell says :data:`RISE`."""
    return f'IF(N({following})>N({actual}),"{RISE}",N({following})/N({actual}))'


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
                f'=IF(NOT(ISNUMBER(DueDate)),"set a due date",IF(A{r}>PlanPeriods,"after the plan",'
                f'IF(Recurs="month",EDATE(DueDate,A{r}-1),IF(Recurs="week",'
                f'DueDate+(A{r}-1)*DaysPerWeek,IF(A{r}=1,DueDate,"one-off target")))))'
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


def _tracked(tracking: pd.DataFrame | None, stages: int) -> dict | None:
    """The CRM counts per stage index: ``{"first": date, i: [(entered, went_on, open)]}``."""
    if tracking is None:
        return None
    starts = sorted(set(tracking["start"]))
    if len(starts) != PERIODS:
        raise InputError(f"tracking has {len(starts)} period(s): give {PERIODS}")
    out: dict = {"first": starts[0]}
    for i in range(stages):
        part = tracking[tracking["stage_index"] == i].sort_values("start")
        out[i] = list(zip(part["entered"], part["went_on"], part["open_here"]))
    return out


def _actuals(wb: Workbook, slots: int, tracked: dict | None, stages: int) -> tuple[int, int]:
    """Plan against actual: one block of 12 periods per stage slot; returns its row span."""
    ws = wb.create_sheet("Actuals")
    title(
        ws,
        "Actuals",
        "Plan against actual per stage and period: the deals that entered the stage against the planned volume "
        "(a recurring plan asks for the Plan volume every period); step conversion = of "
        "those, the share that reached the next stage by the as-of date, open ones beside it.",
    )
    ws["A3"] = (
        "Entered, went on and open here come from the CRM file (see the Cover)"
        if tracked
        else "Type entered, went on and open here per period (yellow cells)."
    )
    top = 4
    first_data = top + 2
    for s in range(slots):
        b = top + s * BLOCK
        p = FIRST_ROW + s  # the stage's row on Plan
        ws.cell(row=b, column=1, value="Stage").font = Font(bold=True)
        ws.cell(row=b, column=2, value=f"=Plan!A{p}").font = Font(bold=True)
        header(ws, b + 1, ACTUALS)
        counts = tracked.get(s) if tracked else None
        for k in range(PERIODS):
            r = b + 2 + k
            plan_start = f"Plan!$H${p}"
            cells = [
                1 if k == 0 else f"=A{r - 1}+1",
                '=IF(NOT(ISNUMBER(FirstPeriod)),"set the first period",IF(Recurs="week",'
                f"FirstPeriod+(A{r}-1)*DaysPerWeek,EDATE(FirstPeriod,A{r}-1)))",
                f'=IF(ISNUMBER(B{r}),IF(Recurs="week",B{r}+DaysPerWeek-1,'
                f"EDATE(FirstPeriod,A{r})-1),B{r})",
                f'=IF(NOT(ISNUMBER(B{r})),0,IF(Recurs="once",IF(AND(ISNUMBER({plan_start}),'
                f"{plan_start}>=B{r},{plan_start}<=C{r}),Plan!$F${p},0),Plan!$F${p}))",
                None,
                f'=IF(ISNUMBER(E{r}),IF(D{r}>0,E{r}/D{r},"no plan"),"not entered")',
                f'=IF(ISNUMBER(E{r}),IF(D{r}=0,"no plan",IF(E{r}>=D{r},"on course","behind")),'
                '"not entered")',
                None,
                None,
                f'=IF(NOT(ISNUMBER(Plan!$B${p})),"last stage",IF(AND(ISNUMBER(E{r}),'
                f'ISNUMBER(H{r})),IF(E{r}>0,H{r}/E{r},"no entries"),"not entered"))',
                f"=N(H{r})+N(I{r})<=N(E{r})",
            ]
            for c, value in enumerate(cells, start=1):
                ws.cell(row=r, column=c, value=value)
            entered, went_on, still_open = counts[k] if counts else (None, None, None)
            if counts and s == stages - 1:
                went_on = None  # the last stage has no next one
            for c, value in ((5, entered), (8, went_on), (9, still_open)):
                cell = ws.cell(row=r, column=c, value=None if value is None else int(value))
                style_input(cell, "count")
            for c, fmt in zip(
                range(1, 12),
                (
                    "count",
                    "date",
                    "date",
                    "#,##0.##",
                    "count",
                    "rate",
                    "text",
                    "count",
                    "count",
                    "rate",
                    "general",
                ),
            ):
                if c not in (5, 8, 9):
                    ws.cell(row=r, column=c).number_format = FORMATS.get(fmt, fmt)
    last = top + (slots - 1) * BLOCK + 1 + PERIODS
    dv = validation("decimal", low=0)
    ws.add_data_validation(dv)
    for s in range(slots):
        b = top + s * BLOCK + 2
        for letter in ("E", "H", "I"):
            dv.add(f"{letter}{b}:{letter}{b + PERIODS - 1}")
    chart = LineChart()
    chart.title = "Entered to planned per stage (1 = on plan)"
    chart.y_axis.title = "entered / planned"
    chart.y_axis.number_format = "0%"
    for s in range(stages or slots):
        b = top + s * BLOCK + 2
        series = Series(Reference(ws, min_col=6, min_row=b, max_row=b + PERIODS - 1))
        series.tx = SeriesLabel(strRef=StrRef(f"Actuals!$B${top + s * BLOCK}"))
        series.smooth = False
        chart.series.append(series)
    chart.set_categories(
        Reference(ws, min_col=2, min_row=first_data, max_row=first_data + PERIODS - 1)
    )
    chart.x_axis.number_format = "yyyy-mm-dd"
    chart.height, chart.width = 9, 18
    ws.add_chart(chart, "M4")
    finish(
        ws,
        widths={
            get_column_letter(c): w
            for c, w in zip(range(1, 12), (8, 12, 12, 11, 10, 11, 11, 10, 10, 11, 10))
        },
    )
    return first_data, last


def _velocity(wb: Workbook) -> None:
    ws = wb.create_sheet("Velocity")
    title(
        ws,
        "Velocity",
        "Pipeline velocity = open deals x win rate x average won amount / average sales cycle "
        "in days: expected revenue per day (terms on Inputs).",
    )
    header(ws, HEADER_ROW, ["term", "value"])
    named_facts(
        wb,
        ws,
        FIRST_ROW,
        [
            ("VelocityOpen", "Open deals on the as-of date", "=N(OpenDeals)", "count"),
            ("VelocityWon", "Won in the period", "=N(WonDeals)", "count"),
            ("VelocityLost", "Lost in the period", "=N(LostDeals)", "count"),
            (
                "WinRate",
                "Win rate = won / (won + lost)",
                "=IF(N(WonDeals)+N(LostDeals)>0,N(WonDeals)/(N(WonDeals)+N(LostDeals)),"
                '"undefined (no closed deal)")',
                "rate",
            ),
            (
                "VelocityAmount",
                "Average won amount",
                '=IF(ISNUMBER(AverageWonAmount),AverageWonAmount,"not entered")',
                "money",
            ),
            (
                "VelocityCycle",
                "Average sales cycle (days from creation to won)",
                '=IF(N(AverageCycleDays)>0,AverageCycleDays,"not entered")',
                "#,##0.0",
            ),
            (
                "PipelineVelocity",
                "Pipeline velocity (revenue per day)",
                "=IF(AND(ISNUMBER(WinRate),ISNUMBER(VelocityAmount),ISNUMBER(VelocityCycle)),"
                'VelocityOpen*WinRate*VelocityAmount/VelocityCycle,"needs won or lost deals, '
                'an amount and a cycle")',
                "money",
            ),
            (
                "CycleMedian",
                "Sales cycle, median (days)",
                '=IF(ISNUMBER(MedianCycleDays),MedianCycleDays,"not entered")',
                "#,##0.0",
            ),
            (
                "CycleP80",
                "Sales cycle, 80th percentile (days)",
                '=IF(ISNUMBER(P80CycleDays),P80CycleDays,"not entered")',
                "#,##0.0",
            ),
            (
                "CycleP90",
                "Sales cycle, 90th percentile (days)",
                '=IF(ISNUMBER(P90CycleDays),P90CycleDays,"not entered")',
                "#,##0.0",
            ),
        ],
    )
    finish(ws, landscape=False, widths={"A": 48, "B": 16})
