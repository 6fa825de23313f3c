"""The 30/90-day prospecting log: what you prospect in any 30 days pays off over the next 90.

Every derived number is a native formula; :mod:`xlsales.prospecting` states the same
rules in Python and the tests hold the two together.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import Reference
from openpyxl.utils import get_column_letter

from workbook_templates._common import (
    FIRST_ROW,
    HEADER_ROW,
    Setting,
    TableSpec,
    add_chart,
    checks_sheet,
    cover,
    data_table,
    define_name,
    finish,
    header,
    named_facts,
    new_workbook,
    settings_block,
    style_input,
    title,
    validation,
)
from xlsales import _validate as v
from xlsales import prospecting
from xlsales.records import ACTIVITY_TYPES, Provenance

TABLE = "tblActivities"

_COLUMNS = [
    ("source_row", "source row", "count", 8, None),
    ("date", "date", "date", 11, None),
    ("rep", "rep", "text", 14, None),
    ("type", "type", "text", 15, None),
    ("prospect", "prospect", "text", 24, None),
    ("outcome", "outcome", "text", 15, None),
    ("pipeline_value", "pipeline_value", "money", 11, None),
    ("won_value", "won_value", "money", 11, None),
    ("won_date", "won_date", "date", 11, None),
    (
        "block",
        "30-day block",
        "count",
        8,
        "=IF(NOT(ISNUMBER([date]{r})),0,IF([date]{r}<ReportStart,0,"
        "INT(([date]{r}-ReportStart)/BlockDays)+1))",
    ),
    ("opens", "payoff window opens", "date", 11, "=ReportStart+[block]{r}*BlockDays"),
    ("closes", "payoff window over (first day after)", "date", 11, "=[opens]{r}+PayoffDays"),
    (
        "won_early",
        "won before the window",
        "money",
        11,
        "=IF(AND([block]{r}>0,ISNUMBER([won_date]{r})),IF([won_date]{r}<[opens]{r},[won_value]{r},0),0)",
    ),
    (
        "won_in_window",
        "won in the 90-day window",
        "money",
        11,
        "=IF(AND([block]{r}>0,ISNUMBER([won_date]{r})),IF(AND([won_date]{r}>=[opens]{r},"
        "[won_date]{r}<[closes]{r}),[won_value]{r},0),0)",
    ),
    (
        "won_later",
        "won after the window",
        "money",
        11,
        "=IF(AND([block]{r}>0,ISNUMBER([won_date]{r})),IF([won_date]{r}>=[closes]{r},[won_value]{r},0),0)",
    ),
    ("prospect_pipeline", "pipeline from the prospect in the next 90 days", "money", 12, None),
    ("poor", "poor prospect (no pipeline in 90 days)", "general", 11, "=[prospect_pipeline]{r}=0"),
    (
        "check_inputs",
        "check: inputs valid",
        "general",
        9,
        "=OR(AND(NOT(ISNUMBER([date]{r})),LEN([prospect]{r})=0),AND(ISNUMBER([date]{r}),"
        "[pipeline_value]{r}>=0,[won_value]{r}>=0,OR([won_value]{r}=0,ISNUMBER([won_date]{r})),"
        "COUNTIF(TypeList,[type]{r})>0))",
    ),
]
SPEC = TableSpec(TABLE, _COLUMNS)
col = SPEC.ref
# the one formula that needs whole-column references of its own table (one SUMIFS a row:
# its cost grows with the square of the rows, fine for a rep's log of a few thousand)
SPEC.specs[SPEC.index("prospect_pipeline") - 1] = (
    "prospect_pipeline",
    SPEC.headers["prospect_pipeline"],
    "money",
    12,
    f"=SUMIFS({col('pipeline_value')},{col('prospect')},[prospect]{{r}},"
    f'{col("date")},">="&[date]{{r}},{col("date")},"<"&([date]{{r}}+PayoffDays))',
)


def build(
    activities: pd.DataFrame | None = None,
    start: dt.date | None = None,
    as_of: dt.date | None = None,
    target_wins: float | None = None,
    plan_start: dt.date | None = None,
    plan_end: dt.date | None = None,
    sources: Sequence[Provenance] = (),
) -> Workbook:
    """The log; empty (one blank row) when ``activities`` is None.

    ``start`` defaults to the first activity's date and ``as_of`` to the last one's;
    the plan period defaults to the calendar month after ``as_of``.
    """
    rows: list[dict] = []
    if activities is not None and len(activities):
        frame = activities.sort_values("date", kind="stable")
        if "source_row" not in frame:
            frame = frame.assign(source_row=frame.index + 2)
        rows = frame.to_dict("records")
        start = start or min(r["date"] for r in rows)
        as_of = as_of or max(r["date"] for r in rows)
    if start is None:  # an empty log: this month, six blocks
        start = dt.date.today().replace(day=1)
    if as_of is None:
        as_of = start + dt.timedelta(days=6 * 30 - 1)
    default_start, default_end = prospecting.month_after(as_of)
    plan_start, plan_end = plan_start or default_start, plan_end or default_end
    weeks, blocks = prospecting.report_periods(start, as_of)
    if target_wins is not None:
        v.non_negative("target_wins", target_wins)

    wb = new_workbook()
    _inputs(wb, start, as_of, target_wins, plan_start, plan_end)
    _log(wb, rows)
    _weeks(wb, weeks)
    first_block, last_block = _blocks(wb, blocks)
    _summary(wb)
    checks_sheet(
        wb,
        [
            (
                "Log rows whose inputs break a rule (blank rows are skipped)",
                f"=ROWS({col('check_inputs')})-COUNTIF({col('check_inputs')},TRUE)",
                "={v}=0",
            ),
            (
                "Activities in blocks + before the start + after the last block minus all activities",
                f"=SUM(Blocks!E{first_block}:E{last_block})+ActivitiesBefore+ActivitiesAfter-ActivityCount",
                "={v}=0",
            ),
            (
                "Activities dated after the as-of date (the report would miss them)",
                "=ActivitiesAfter",
                "={v}=0",
            ),
            (
                "Won value split early / in window / later minus won value of activities in blocks",
                f'=SUM(Blocks!G{first_block}:I{last_block})-SUMIFS({col("won_value")},{col("block")},">0")',
                "=ABS({v})<=Tolerance",
            ),
            (
                "Block length and payoff window are whole days of 1 or more",
                "=AND(BlockDays>=1,PayoffDays>=1,BlockDays=INT(BlockDays),PayoffDays=INT(PayoffDays))",
                "={v}",
            ),
        ],
    )
    cover(
        wb,
        "30/90-day prospecting log",
        "What you prospect in any 30 days pays off over the next 90 (Jeb Blount's 30-day rule): "
        "log the activity, and see the pipeline and revenue each 30-day block brought.",
        [
            "Set the report start, the as-of date and the plan on Inputs (yellow cells).",
            "Log every activity in the Log table (date, rep, type, prospect, outcome, pipeline "
            "created, value won and the date won), or build the workbook with: "
            "xlsales template prospecting-log --activities FILE.",
            "Read Weeks (rolling 30-day activity), Blocks (30-day blocks and their 90-day "
            "payoff) and Summary (activity needed per working day, poor prospects, projection).",
            "Check the master check above: it must say OK.",
        ],
        [
            ("Checks", "Row checks and the master check."),
            ("Inputs", "Report start, as-of date, block and window lengths, plan, activity types."),
            (
                "Log",
                "One row per activity: inputs, then its block, payoff window and poor-prospect flag.",
            ),
            ("Weeks", "Activities per week and the rolling 30-day count."),
            (
                "Blocks",
                "Each 30-day block: activities, pipeline, revenue won before, in and after "
                "its 90-day window; chart.",
            ),
            (
                "Summary",
                "Activity needed per working day, share of activity on poor prospects, "
                "projection of the pipeline the last 30 days should bring.",
            ),
        ],
        sources,
    )
    return wb


def _inputs(wb, start, as_of, target_wins, plan_start, plan_end) -> None:
    ws = wb.create_sheet("Inputs")
    title(ws, "Inputs", "Yellow cells are inputs; everything else in the workbook is calculated.")
    date = validation("date")
    row = settings_block(
        wb,
        ws,
        4,
        "Report",
        [
            Setting("ReportStart", "Report start (first day of block 1)", start, "date", "", date),
            Setting("AsOf", "As-of date (last day of data)", as_of, "date", "", validation("date")),
            Setting(
                "BlockDays",
                "Prospecting block (days)",
                30,
                "count",
                "the 30 of the 30-day rule",
                validation("whole", low=1, high=366),
            ),
            Setting(
                "PayoffDays",
                "Payoff window (days)",
                90,
                "count",
                "the 90 days it pays off over",
                validation("whole", low=1, high=1000),
            ),
            Setting("DaysPerWeek", "Days in a week", 7, "count", "for the weekly view"),
        ],
    )
    row = settings_block(
        wb,
        ws,
        row,
        "Plan",
        [
            Setting(
                "TargetWins",
                "Wins needed in the plan period",
                target_wins,
                "count",
                "",
                validation("decimal", low=0),
            ),
            Setting("PlanStart", "Plan period starts", plan_start, "date", "", validation("date")),
            Setting(
                "PlanEnd",
                "Plan period ends",
                plan_end,
                "date",
                "working days: Monday to Friday",
                validation("date"),
            ),
            Setting("Tolerance", "Tolerance of the money checks", 0.005, "amount", ""),
        ],
    )
    header(ws, row, ["activity types"])
    for i, kind in enumerate(ACTIVITY_TYPES, start=row + 1):
        style_input(ws.cell(row=i, column=1, value=kind), "text")
    define_name(wb, "TypeList", ws, f"$A${row + 1}:$A${row + len(ACTIVITY_TYPES)}")
    finish(ws, landscape=False, widths={"A": 40, "B": 14, "C": 14, "D": 40})


def _log(wb: Workbook, rows: list[dict]) -> None:
    ws = wb.create_sheet("Log")
    title(ws, "Log", "One row per activity, oldest first. Yellow columns are inputs.")
    checks = {
        "date": validation("date"),
        "won_date": validation("date"),
        "type": validation("list", items="=TypeList"),
        "pipeline_value": validation("decimal", low=0),
        "won_value": validation("decimal", low=0),
    }
    data_table(ws, TABLE, SPEC.columns(checks), rows)
    finish(ws, title_rows=f"{HEADER_ROW}:{HEADER_ROW}")


def _weeks(wb: Workbook, weeks: int) -> None:
    ws = wb.create_sheet("Weeks")
    title(ws, "Weeks", "Activities per week, and in the 30 days up to each week's last day.")
    header(
        ws, HEADER_ROW, ["week", "starts", "ends", "activities", "activities in the last 30 days"]
    )
    date = col("date")
    for i in range(weeks):
        r = FIRST_ROW + i
        ws.cell(row=r, column=1, value=1 if i == 0 else f"=A{r - 1}+1")
        ws.cell(
            row=r, column=2, value=f"=ReportStart+(A{r}-1)*DaysPerWeek"
        ).number_format = "yyyy-mm-dd"
        ws.cell(row=r, column=3, value=f"=B{r}+DaysPerWeek-1").number_format = "yyyy-mm-dd"
        ws.cell(row=r, column=4, value=f'=COUNTIFS({date},">="&B{r},{date},"<="&C{r})')
        ws.cell(row=r, column=5, value=f'=COUNTIFS({date},">"&(C{r}-BlockDays),{date},"<="&C{r})')
    last = FIRST_ROW + weeks - 1
    add_chart(
        ws,
        "G4",
        "Activities per week and rolling 30 days",
        Reference(ws, min_col=4, max_col=5, min_row=HEADER_ROW, max_row=last),
        Reference(ws, min_col=2, min_row=FIRST_ROW, max_row=last),
        kind="line",
        size=(8, 18),
    )
    finish(
        ws,
        widths={"A": 7, "B": 12, "C": 12, "D": 11, "E": 16},
        title_rows=f"{HEADER_ROW}:{HEADER_ROW}",
    )


def _blocks(wb: Workbook, blocks: int) -> tuple[int, int]:
    ws = wb.create_sheet("Blocks")
    title(
        ws,
        "Blocks",
        "Each 30-day block and what its activities brought: pipeline, and revenue "
        "won before, inside and after the 90 days that follow the block.",
    )
    header(
        ws,
        HEADER_ROW,
        [
            "block",
            "starts",
            "ends",
            "window closes",
            "activities",
            "pipeline created",
            "won before the window",
            "won in the 90-day window",
            "won after the window",
            "share won in the window",
            "window fully seen",
        ],
    )
    block = col("block")
    for i in range(blocks):
        r = FIRST_ROW + i
        ws.cell(row=r, column=1, value=1 if i == 0 else f"=A{r - 1}+1")
        ws.cell(
            row=r, column=2, value=f"=ReportStart+(A{r}-1)*BlockDays"
        ).number_format = "yyyy-mm-dd"
        ws.cell(row=r, column=3, value=f"=B{r}+BlockDays-1").number_format = "yyyy-mm-dd"
        ws.cell(row=r, column=4, value=f"=C{r}+PayoffDays").number_format = "yyyy-mm-dd"
        ws.cell(row=r, column=5, value=f"=COUNTIFS({block},A{r})")
        for c, key in zip(
            range(6, 10), ("pipeline_value", "won_early", "won_in_window", "won_later")
        ):
            ws.cell(
                row=r, column=c, value=f"=SUMIFS({col(key)},{block},A{r})"
            ).number_format = "#,##0"
        ws.cell(
            row=r, column=10, value=f'=IF(SUM(G{r}:I{r})=0,"nothing won",H{r}/SUM(G{r}:I{r}))'
        ).number_format = "0%"
        ws.cell(row=r, column=11, value=f"=D{r}<=AsOf")
    last = FIRST_ROW + blocks - 1
    define_name(wb, "LastBlock", ws, f"A{last}")
    add_chart(
        ws,
        f"A{last + 3}",
        "30-day activity (bars) against the revenue its 90-day window brought (line)",
        Reference(ws, min_col=5, min_row=HEADER_ROW, max_row=last),
        Reference(ws, min_col=2, min_row=FIRST_ROW, max_row=last),
        line=Reference(ws, min_col=8, min_row=HEADER_ROW, max_row=last),
        axis_titles=("activities", "won in the window"),
        size=(9, 20),
    )
    finish(
        ws,
        widths={get_column_letter(c): 13 for c in range(1, 12)},
        title_rows=f"{HEADER_ROW}:{HEADER_ROW}",
    )
    return FIRST_ROW, last


def _summary(wb: Workbook) -> None:
    ws = wb.create_sheet("Summary")
    title(ws, "Summary", "What the log says about the activity you need and where it goes.")
    date, block = col("date"), col("block")
    facts = [
        ("ActivityCount", "Activities logged", f"=COUNT({date})", "count"),
        (
            "ActivitiesBefore",
            "Activities before the report start",
            f'=COUNTIFS({date},"<"&ReportStart)',
            "count",
        ),
        (
            "ActivitiesAfter",
            "Activities after the last block",
            f'=COUNTIFS({block},">"&LastBlock)',
            "count",
        ),
        ("WinCount", "Activities that led to a win", f'=COUNTIF({col("won_value")},">0")', "count"),
        (
            "ActivitiesPerWin",
            "Activities per win (measured)",
            '=IF(WinCount=0,"no wins yet",ActivityCount/WinCount)',
            "#,##0.0",
        ),
        (
            "PlanWorkdays",
            "Working days in the plan period",
            '=IF(AND(ISNUMBER(PlanStart),ISNUMBER(PlanEnd)),NETWORKDAYS(PlanStart,PlanEnd),"set the plan dates")',
            "count",
        ),
        (
            "NeededPerDay",
            "Activities needed per working day to win the target",
            '=IF(WinCount=0,"no wins yet",IF(ISNUMBER(PlanWorkdays),IF(PlanWorkdays>0,'
            'N(TargetWins)*ActivitiesPerWin/PlanWorkdays,"no working days"),PlanWorkdays))',
            "#,##0.0",
        ),
        (
            "PoorShare",
            "Share of activity on prospects with no pipeline in the next 90 days",
            f'=IF(ActivityCount=0,"no activities",COUNTIF({col("poor")},TRUE)/ActivityCount)',
            "share",
        ),
        (
            "YieldPerActivity",
            "Pipeline created per activity (measured)",
            f'=IF(ActivityCount=0,"no activities",SUM({col("pipeline_value")})/ActivityCount)',
            "money",
        ),
        (
            "RecentActivities",
            "Activities in the last 30 days",
            f'=COUNTIFS({date},">"&(AsOf-BlockDays),{date},"<="&AsOf)',
            "count",
        ),
        (
            "ProjectedPipeline",
            "Pipeline the last 30 days should bring in the next 90",
            '=IF(ActivityCount=0,"no activities",RecentActivities*YieldPerActivity)',
            "money",
        ),
    ]
    header(ws, HEADER_ROW, ["what", "value"])
    named_facts(wb, ws, FIRST_ROW, facts)
    finish(ws, landscape=False, widths={"A": 64, "B": 16})
