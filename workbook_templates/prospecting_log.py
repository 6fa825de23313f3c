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
    amount_ok,
    checks_sheet,
    cover,
    criterion,
    data_table,
    define_name,
    exact_text,
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
from xlsales import prospecting
from xlsales.records import ACTIVITY_TYPES, Provenance

LOG = "tblActivities"
PROSPECTS = "tblProspects"
REPS = "tblReps"
NOT_MEASURABLE = prospecting.NOT_MEASURABLE

# the won value of a row when its win is dated on or before (<=) or after (>) the as-of
# date; a won value that is no number (a text such as "1200", TRUE) is no win: 0 here, and
# its row fails "inputs valid" (amount_ok); so is a won value on a row with no date (no
# activity: counted nowhere, as the core reads only dated rows), which fails it too
_WON = (
    "=IF(AND(ISNUMBER([date]{{r}}),ISNUMBER([won_value]{{r}}),ISNUMBER([won_date]{{r}})),"
    "IF(AND([won_value]{{r}}>0,[won_date]{{r}}{op}AsOf),[won_value]{{r}},0),0)"
)
# the Log's activity inputs: a row is blank (skipped by "inputs valid") only when every
# one of them is blank; its source row (where a built row came from) is no input of the
# activity. A row with an amount, a won date, a rep... but no date is no blank row.
ACTIVITY_INPUTS = (
    "date", "rep", "type", "prospect", "outcome", "pipeline_value", "won_value", "won_date"
)  # fmt: skip
_BLANK_ROW = "LEN(" + "&".join(f"[{k}]{{r}}" for k in ACTIVITY_INPUTS) + ")=0"

LOG_SPEC = TableSpec(
    LOG,
    [
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
            "block",
            "count",
            8,
            "=IF(NOT(ISNUMBER([date]{r})),0,IF(OR([date]{r}<ReportStart,[date]{r}>AsOf),0,"
            "INT(([date]{r}-ReportStart)/BlockDays)+1))",
        ),
        ("counted", "counted", "general", 9, "=AND(ISNUMBER([date]{r}),[date]{r}<=AsOf)"),
        (
            "minutes",
            "minutes",
            "count",
            9,
            f"=SUMIFS(TypeMinutes,TypeList,{criterion('[type]{r}')})",
        ),
        ("won_counted", "won counted", "money", 11, _WON.format(op="<=")),
        ("won_after", "won after as of", "money", 11, _WON.format(op=">")),
        (
            "check_inputs",
            "inputs valid",
            "general",
            9,
            f"=OR({_BLANK_ROW},AND(ISNUMBER([date]{{r}}),"
            f"LEN([prospect]{{r}})>0,{amount_ok('pipeline_value')},{amount_ok('won_value')},"
            "OR([won_value]{r}=0,ISNUMBER([won_date]{r})),"
            f"COUNTIF(TypeList,{criterion('[type]{r}')})>0))",
        ),
    ],
)
col = LOG_SPEC.ref
_D, _P, _R = col("date"), col("prospect"), col("rep")
_W, _WC = col("won_date"), col("won_counted")
# pipeline and won values: a text or TRUE in them counts in no sum (SUMPRODUCT's second
# array, ISNUMBER), as in SUMIFS, and fails its row's "inputs valid"
_PV, _WV = col("pipeline_value"), col("won_value")
# the prospect's dated log rows (names match ignoring case, as Excel's = does)
_MINE = f"({_P}=[prospect]{{r}})*ISNUMBER({_D})"
_SAME = f"({_P}=[prospect]{{r}})"

PROSPECT_SPEC = TableSpec(
    PROSPECTS,
    [
        ("prospect", "prospect", "text", 24, None),
        ("first", "first activity", "date", 11, f"=SUMPRODUCT(MIN({_MINE}*{_D}+(1-{_MINE})*AsOf))"),
        ("activities", "activities", "count", 10, f"=SUMPRODUCT({_MINE}*({_D}<=AsOf))"),
        (
            "minutes",
            "minutes",
            "count",
            10,
            f"=SUMPRODUCT({_MINE}*({_D}<=AsOf)*{col('minutes')})",
        ),
        ("window_ends", "window ends", "date", 11, "=[first]{r}+PayoffDays-1"),
        ("window_closed", "window closed", "general", 9, "=[window_ends]{r}<=AsOf"),
        (
            "pipeline_in_window",
            "pipeline in window",
            "money",
            11,
            f"=SUMPRODUCT({_MINE}*({_D}<=[window_ends]{{r}})*({_D}<=AsOf),{_PV})",
        ),
        (
            "won_in_window",
            "won in window",
            "money",
            11,
            f"=SUMPRODUCT({_SAME}*({_W}<=[window_ends]{{r}})*{_WC})",
        ),
        (
            "poor",
            "Poor prospect",
            "general",
            10,
            "=AND([window_closed]{r},[pipeline_in_window]{r}=0,[won_in_window]{r}=0)",
        ),
        ("time_lost", "Time lost", "count", 10, "=IF([poor]{r},[minutes]{r},0)"),
        (
            "status",
            "status",
            "text",
            12,
            '=IF([activities]{r}=0,"no activity yet",IF(NOT([window_closed]{r}),"open",'
            'IF([poor]{r},"poor","not poor")))',
        ),
        (
            "block",
            "block",
            "count",
            8,
            "=IF(OR([activities]{r}=0,[first]{r}<ReportStart),0,"
            "INT(([first]{r}-ReportStart)/BlockDays)+1)",
        ),
        (
            "payoff_ends",
            "payoff window ends",
            "date",
            11,
            '=IF([block]{r}=0,"no block",ReportStart+[block]{r}*BlockDays+PayoffDays-1)',
        ),
        (
            "pipeline_payoff",
            "pipeline in payoff",
            "money",
            11,
            f"=IF([block]{{r}}=0,0,SUMPRODUCT({_MINE}*({_D}<=[payoff_ends]{{r}})*({_D}<=AsOf),"
            f"{_PV}))",
        ),
        (
            "won_payoff",
            "won in payoff",
            "money",
            11,
            f"=IF([block]{{r}}=0,0,SUMPRODUCT({_SAME}*({_W}<=[payoff_ends]{{r}})*{_WC}))",
        ),
        (
            "wins_payoff",
            "wins in payoff",
            "count",
            9,
            f"=IF([block]{{r}}=0,0,SUMPRODUCT({_SAME}*({_W}<=[payoff_ends]{{r}})*({_WC}>0)))",
        ),
        (
            "wins_before_first",
            "wins before first activity",
            "count",
            10,
            f"=SUMPRODUCT({_SAME}*ISNUMBER({_WV})*({_WV}>0)*ISNUMBER({_W})*({_W}<[first]{{r}}))",
        ),
    ],
)
_NEEDED = (
    "=IF(ISNUMBER(WinsPerActivity),IF(WinsPerActivity>0,IF(NextWorkdays>0,"
    'N([wins_needed]{r})/WinsPerActivity/NextWorkdays,"no working day"),'
    '"no win in the closed blocks"),WinsPerActivity)'
)
REP_SPEC = TableSpec(
    REPS,
    [
        ("rep", "rep", "text", 18, None),
        ("wins_needed", "wins still needed", "#,##0.0", 12, None),
        (
            "activities",
            "activities",
            "count",
            11,
            f"=SUMPRODUCT(({_R}=[rep]{{r}})*{col('counted')})",
        ),
        (
            "recent",
            "activities in the last 30 days",
            "count",
            13,
            f"=SUMPRODUCT(({_R}=[rep]{{r}})*({_D}>=RecentStarts)*({_D}<=AsOf))",
        ),
        ("needed", "activities needed per working day", "#,##0.0", 14, _NEEDED),
        (
            "needed_30",
            "activities needed in the next 30 days",
            "#,##0",
            14,
            "=IF(ISNUMBER([needed]{r}),[needed]{r}*NextWorkdays,[needed]{r})",
        ),
    ],
)
pcol, rcol = PROSPECT_SPEC.ref, REP_SPEC.ref


def build(
    activities: pd.DataFrame | None = None,
    start: dt.date | None = None,
    as_of: dt.date | None = None,
    target_wins: float | None = None,
    sources: Sequence[Provenance] = (),
) -> Workbook:
    """The log; empty (one blank row) when ``activities`` is None.

    ``start`` defaults to the first activity's date and ``as_of`` to the last one's.
    ``target_wins`` is the team's wins still needed in the coming 90 days; it is split
    evenly between the reps (inputs on the Reps sheet, one per rep).
    """
    rows: list[dict] = []
    names: list[str] = []
    reps: list[str] = []
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
    weeks, blocks = prospecting.report_periods(start, as_of)
    if target_wins is not None:
        v.non_negative("target_wins", target_wins)
    if rows:
        names = prospecting.prospects(frame, as_of, start)["prospect"].tolist()
        reps = rep_names(frame, as_of)
    share = None if target_wins is None else target_wins / max(len(reps), 1)

    wb = new_workbook()
    _inputs(wb, start, as_of)
    _log(wb, rows)
    _table_sheet(
        wb,
        "Prospects",
        "Each prospect judged once, over its window (first activity + 90 days). Open: still "
        "inside it. Poor prospect: window closed by the as-of date with no pipeline and no "
        "win. Time lost in minutes. Payoff: to the end of the payoff window of its block.",
        PROSPECT_SPEC,
        [{"prospect": n} for n in names],
    )
    _table_sheet(
        wb,
        "Reps",
        "Per rep: activity, and the activities needed per working day now to land the "
        "wins still needed in the coming 90 days (yellow: inputs) at the team's measured "
        "wins per activity.",
        REP_SPEC,
        [{"rep": r, "wins_needed": share} for r in reps],
    )
    first_block, last_block = _blocks(wb, blocks)
    _weeks(wb, weeks, reps)
    _summary(wb, first_block, last_block)
    checks_sheet(
        wb,
        [
            (
                "Log rows whose inputs break a rule (blank rows are skipped)",
                f"=ROWS({col('check_inputs')})-COUNTIF({col('check_inputs')},TRUE)",
                "={v}=0",
            ),
            (
                "Wins dated before the first activity on their prospect (cannot be true)",
                f"=SUM({pcol('wins_before_first')})",
                "={v}=0",
            ),
            (
                "Activities up to the as-of date on prospects not listed on Prospects",
                f"=ActivityCount-SUM({pcol('activities')})",
                "={v}=0",
            ),
            (
                "Activities up to the as-of date by reps not listed on Reps",
                f"=ActivityCount-SUM({rcol('activities')})",
                "={v}=0",
            ),
            (
                "Activities in blocks + before the report start minus activities up to the as-of date",
                f"=SUM(Blocks!F{first_block}:F{last_block})+ActivitiesBefore-ActivityCount",
                "={v}=0",
            ),
            (
                "Wins left out by the as-of date (every win is counted or listed here)",
                '=WinsAfter&" wins worth "&FIXED(WonAfter,0)&" dated after the as-of date, '
                'not counted"',
                f'=WinsAfter+WinsCounted=COUNTIFS({col("won_value")},">0",{_W},">0")',
            ),
            (
                "Activities left out by the as-of date",
                '=ActivitiesAfter&" activities dated after the as-of date, not counted"',
                f"=ActivityCount+ActivitiesAfter=COUNT({_D})",
            ),
            (
                "Block length and payoff window are whole days of 1 or more",
                "=AND(BlockDays>=1,PayoffDays>=1,BlockDays=INT(BlockDays),PayoffDays=INT(PayoffDays))",
                "={v}",
            ),
            (
                "Log won_value cells that are not numbers (a text such as '1200', or TRUE/FALSE: "
                "counted in no win or revenue; type a number of 0 or more, or leave it blank)",
                f"=SUMPRODUCT((LEN({_WV})>0)*NOT(ISNUMBER({_WV})))",
                "={v}=0",
            ),
            (
                "Log pipeline_value cells that are not numbers (a text such as '1200', or "
                "TRUE/FALSE: counted in no pipeline; type a number of 0 or more, or leave it blank)",
                f"=SUMPRODUCT((LEN({_PV})>0)*NOT(ISNUMBER({_PV})))",
                "={v}=0",
            ),
        ],
    )
    cover(
        wb,
        "30/90-day prospecting log",
        "What you prospect in any 30 days pays off over the next 90 (Jeb Blount's 30-day rule): "
        "log the activity, and see the pipeline and revenue each 30-day block brought. "
        "Nothing dated after the as-of date counts; what is left out is listed on Checks.",
        [
            "Set the report start, the as-of date and the minutes per activity type on Inputs, "
            "and the wins each rep still needs in the coming 90 days on Reps (yellow cells).",
            "Log every activity in the Log table (date, rep, type, prospect, outcome, pipeline "
            "created, value won and the date won; amounts as numbers: a text such as '1200' "
            "counts nowhere and fails a check), oldest first, or build the workbook with: "
            "xlsales template prospecting-log --activities FILE. A new prospect or rep needs "
            "its own row on Prospects or Reps (a check says so).",
            "Read Prospects (poor prospects and time lost), Blocks (30-day blocks, their payoff "
            "and the rates of the closed ones), Weeks (rolling 30-day activity against the "
            "target line), Reps and Summary (activities needed per working day, projection).",
            "Check the master check above: it must say OK.",
        ],
        [
            ("Checks", "Row checks, what the as-of date leaves out, and the master check."),
            ("Inputs", "Report start, as-of date, block and window lengths, minutes per type."),
            (
                "Log",
                "One row per activity: inputs, then its block and what counts by the as-of date.",
            ),
            (
                "Prospects",
                "Each prospect once: first activity, window, open or Poor prospect, Time lost, "
                "block and payoff.",
            ),
            ("Reps", "Per rep: activity, wins still needed, activities needed per working day."),
            (
                "Blocks",
                "Each 30-day block: activities, new prospects, payoff (pipeline, wins, revenue), "
                "closed or open, rates; chart.",
            ),
            (
                "Weeks",
                "Rolling 30-day activity, team and per rep, each against its target line; a "
                "chart for the team and one per rep.",
            ),
            (
                "Summary",
                "Poor prospects and time lost, rates on closed blocks, activities needed per "
                "working day, revenue projection with its window.",
            ),
        ],
        sources,
        kind="prospecting-log",
    )
    return wb


def rep_names(activities: pd.DataFrame, as_of: dt.date) -> list[str]:
    """The reps with an activity up to ``as_of``, by name (names match ignoring case)."""
    dated = activities[pd.to_datetime(activities["date"]) <= pd.Timestamp(as_of)]
    first = dated.drop_duplicates(subset="rep", keep="first")
    first = first[~first["rep"].str.lower().duplicated()]
    return sorted(first["rep"], key=str.lower)


def _inputs(wb, start, as_of) -> None:
    ws = wb.create_sheet("Inputs")
    title(ws, "Inputs", "Yellow cells are inputs; everything else in the workbook is calculated.")
    row = settings_block(
        wb,
        ws,
        4,
        "Report",
        [
            Setting(
                "ReportStart",
                "Report start (first day of block 1)",
                start,
                "date",
                "",
                validation("date"),
            ),
            Setting(
                "AsOf",
                "As-of date",
                as_of,
                "date",
                "nothing dated after it counts (listed on Checks)",
                validation("date"),
            ),
            Setting(
                "BlockDays",
                "Prospecting block (days)",
                prospecting.BLOCK_DAYS,
                "count",
                "the 30 of the 30-day rule",
                validation("whole", low=1, high=366),
            ),
            Setting(
                "PayoffDays",
                "Payoff window and prospect window (days)",
                prospecting.PAYOFF_DAYS,
                "count",
                "the 90 days it pays off over",
                validation("whole", low=1, high=1000),
            ),
            Setting("DaysPerWeek", "Days in a week", 7, "count", "for the weekly view"),
            Setting("MinutesPerHour", "Minutes in an hour", 60, "count", "for time lost in hours"),
        ],
    )
    header(ws, row, ["activity type", "minutes per activity"])
    for i, kind in enumerate(ACTIVITY_TYPES, start=row + 1):
        style_input(ws.cell(row=i, column=1, value=kind), "text")
        style_input(ws.cell(row=i, column=2, value=prospecting.MINUTES[kind]), "count")
    last = row + len(ACTIVITY_TYPES)
    define_name(wb, "TypeList", ws, f"$A${row + 1}:$A${last}")
    define_name(wb, "TypeMinutes", ws, f"$B${row + 1}:$B${last}")
    minutes = validation("decimal", low=0)
    ws.add_data_validation(minutes)
    minutes.add(f"B{row + 1}:B{last}")
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
    data_table(ws, LOG, LOG_SPEC.columns(checks), rows)
    finish(ws, title_rows=f"{HEADER_ROW}:{HEADER_ROW}")


def _table_sheet(wb: Workbook, name: str, note: str, spec: TableSpec, rows: list[dict]) -> None:
    ws = wb.create_sheet(name)
    title(ws, name, note)
    data_table(ws, spec.name, spec.columns({}), rows)
    finish(ws, title_rows=f"{HEADER_ROW}:{HEADER_ROW}")


def _period(ws, r: int, length: str) -> None:
    """Number, first and last day of the period in row ``r`` (periods of ``length`` days)."""
    ws.cell(row=r, column=1, value=1 if r == FIRST_ROW else f"=A{r - 1}+1")
    ws.cell(row=r, column=2, value=f"=ReportStart+(A{r}-1)*{length}").number_format = "yyyy-mm-dd"
    ws.cell(row=r, column=3, value=f"=B{r}+{length}-1").number_format = "yyyy-mm-dd"


def _blocks(wb: Workbook, blocks: int) -> tuple[int, int]:
    ws = wb.create_sheet("Blocks")
    title(
        ws,
        "Blocks",
        "Each 30-day block and its payoff: the pipeline and wins, within the block or the 90 "
        "days after it, of the prospects first touched in the block. Rates count only once "
        "the payoff window has closed by the as-of date; open blocks are shown, marked open.",
    )
    header(
        ws,
        HEADER_ROW,
        [
            "block",
            "starts",
            "ends",
            "payoff window ends",
            "status",
            "activities",
            "new prospects",
            "pipeline",
            "wins",
            "revenue won",
            "wins per activity",
            "revenue per activity",
            "pipeline per activity",
        ],
    )
    block = col("block")
    pblock = pcol("block")
    for i in range(blocks):
        r = FIRST_ROW + i
        _period(ws, r, "BlockDays")
        ws.cell(row=r, column=4, value=f"=C{r}+PayoffDays").number_format = "yyyy-mm-dd"
        ws.cell(row=r, column=5, value=f'=IF(D{r}<=AsOf,"closed","open")')
        ws.cell(row=r, column=6, value=f"=COUNTIFS({block},A{r})")
        ws.cell(row=r, column=7, value=f"=COUNTIFS({pblock},A{r})")
        for c, key in zip((8, 9, 10), ("pipeline_payoff", "wins_payoff", "won_payoff")):
            ws.cell(
                row=r, column=c, value=f"=SUMIFS({pcol(key)},{pblock},A{r})"
            ).number_format = "#,##0"
        for c, source, fmt in ((11, "I", "0.000"), (12, "J", "#,##0"), (13, "H", "#,##0")):
            ws.cell(
                row=r,
                column=c,
                value=f'=IF(E{r}="open","open",IF(F{r}=0,"no activities",{source}{r}/F{r}))',
            ).number_format = fmt
    last = FIRST_ROW + blocks - 1
    add_chart(
        ws,
        f"A{last + 3}",
        "30-day activity (bars) against the revenue its prospects won by the end of the "
        "payoff window (line; open blocks still growing)",
        Reference(ws, min_col=6, min_row=HEADER_ROW, max_row=last),
        Reference(ws, min_col=2, min_row=FIRST_ROW, max_row=last),
        line=Reference(ws, min_col=10, min_row=HEADER_ROW, max_row=last),
        axis_titles=("activities", "revenue won"),
        size=(9, 20),
    )
    finish(
        ws,
        widths={get_column_letter(c): 12 for c in range(1, 14)},
        title_rows=f"{HEADER_ROW}:{HEADER_ROW}",
    )
    return FIRST_ROW, last


# a rep's chart, 9.5 x 6.5 cm, spans 5 columns of width 10 (2 cm each in Excel) and 14 rows
REP_CHART_COLS, REP_CHART_ROWS, CHART_COL_WIDTH = 5, 14, 10


def _weeks(wb: Workbook, weeks: int, reps: list[str]) -> None:
    ws = wb.create_sheet("Weeks")
    title(
        ws,
        "Weeks",
        "Activities per week and in the 30 days up to each week's last day (up to the as-of "
        "date), for the team and per rep, each against its target line: the activities "
        "needed in the next 30 days (Summary for the team, Reps for each rep).",
    )
    header(
        ws,
        HEADER_ROW,
        [
            "week",
            "starts",
            "ends",
            "activities",
            "activities in the last 30 days",
            "target: activities needed in the next 30 days",
        ],
    )
    # two columns per rep: its rolling 30-day activity (headed by its name, which the
    # formulas match on Log) and its target line (its activities needed in the next 30
    # days on Reps, looked up once in the first week and carried down)
    first_rep = 7
    rep_cols = [first_rep + 2 * k for k in range(len(reps))]
    for j, rep in zip(rep_cols, reps):  # rep names from the data: text
        header(ws, HEADER_ROW, ["", ""], first_col=j)
        safe_text(ws.cell(row=HEADER_ROW, column=j), rep)
        safe_text(ws.cell(row=HEADER_ROW, column=j + 1), f"target: {rep}")
    date = col("date")
    for i in range(weeks):
        r = FIRST_ROW + i
        _period(ws, r, "DaysPerWeek")
        ws.cell(
            row=r,
            column=4,
            value=f'=COUNTIFS({date},">="&B{r},{date},"<="&C{r},{date},"<="&AsOf)',
        )
        ws.cell(
            row=r,
            column=5,
            value=f'=COUNTIFS({date},">"&(C{r}-BlockDays),{date},"<="&C{r},{date},"<="&AsOf)',
        )
        ws.cell(row=r, column=6, value="=NeededIn30").number_format = "#,##0"
        for j in rep_cols:
            h = f"{get_column_letter(j)}${HEADER_ROW}"
            ws.cell(
                row=r,
                column=j,
                value=f"=SUMPRODUCT(({_R}={h})*({date}>C{r}-BlockDays)*({date}<=C{r})"
                f"*({date}<=AsOf))",
            )
            found = f"MATCH({exact_text(h)},{rcol('rep')},0)"
            target = (
                f'=IF(ISNUMBER({found}),INDEX({rcol("needed_30")},{found}),"not on Reps")'
                if i == 0
                else f"={get_column_letter(j + 1)}{r - 1}"
            )
            ws.cell(row=r, column=j + 1, value=target).number_format = "#,##0"
    last = FIRST_ROW + weeks - 1
    dates = Reference(ws, min_col=2, min_row=FIRST_ROW, max_row=last)
    right = first_rep + 2 * len(reps) + 1  # charts beside the table
    add_chart(
        ws,
        f"{get_column_letter(right)}{HEADER_ROW}",
        "Team: rolling 30-day activity against the target line (activities needed in the next 30 days)",
        Reference(ws, min_col=5, max_col=6, min_row=HEADER_ROW, max_row=last),
        dates,
        kind="line",
        size=(8, 18),
    )
    # one small chart per rep, two to a row under the team's: its activity and its line
    for k, (j, rep) in enumerate(zip(rep_cols, reps)):
        row, across = divmod(k, 2)
        add_chart(
            ws,
            f"{get_column_letter(right + across * REP_CHART_COLS)}"
            f"{HEADER_ROW + 18 + row * REP_CHART_ROWS}",
            f"{rep}: last 30 days and target line",
            Reference(ws, min_col=j, max_col=j + 1, min_row=HEADER_ROW, max_row=last),
            dates,
            kind="line",
            size=(6.5, 9.5),
        )
    finish(
        ws,
        widths={"A": 7, "B": 12, "C": 12, "D": 11, "E": 14, "F": 16}
        | {get_column_letter(j): 14 for j in range(first_rep, right - 1)}
        | {get_column_letter(j): CHART_COL_WIDTH for j in range(right, right + 2 * REP_CHART_COLS)},
        title_rows=f"{HEADER_ROW}:{HEADER_ROW}",
    )


def _summary(wb: Workbook, first_block: int, last_block: int) -> None:
    ws = wb.create_sheet("Summary")
    title(
        ws,
        "Summary",
        "What the log says as of the as-of date: poor prospects and time lost, the rates of "
        "closed blocks, the activity needed now and the revenue the last 30 days should bring.",
    )
    date = col("date")
    status = f"Blocks!E{first_block}:E{last_block}"

    def closed(column: str) -> str:
        return f'SUMIFS(Blocks!{column}{first_block}:{column}{last_block},{status},"closed")'

    def rate(wins: str) -> str:
        return f'=IF(ClosedActivities=0,"{NOT_MEASURABLE}",{wins}/ClosedActivities)'

    facts = [
        ("ActivityCount", "Activities up to the as-of date", f"=COUNTIF({col('counted')},TRUE)", "count"),
        ("ActivitiesBefore", "Activities before the report start", f'=COUNTIFS({date},"<"&ReportStart)', "count"),
        ("ActivitiesAfter", "Activities dated after the as-of date (not counted)", f'=COUNTIFS({date},">"&AsOf)', "count"),
        ("WinsCounted", "Wins up to the as-of date", f'=COUNTIF({_WC},">0")', "count"),
        ("WonCounted", "Revenue won up to the as-of date", f"=SUM({_WC})", "money"),
        ("WinsAfter", "Wins dated after the as-of date (not counted)", f'=COUNTIF({col("won_after")},">0")', "count"),
        ("WonAfter", "Revenue won after the as-of date (not counted)", f"=SUM({col('won_after')})", "money"),
        ("ProspectCount", "Prospects (with an activity up to the as-of date)", f'=COUNTIF({pcol("activities")},">0")', "count"),
        ("OpenProspects", "Open prospects (still inside their window)", f'=COUNTIFS({pcol("status")},"open")', "count"),
        ("PoorProspects", "Poor prospects (window closed, no pipeline, no win)", f"=COUNTIF({pcol('poor')},TRUE)", "count"),
        ("TimeLost", "Time lost on poor prospects (hours)", f"=SUM({pcol('time_lost')})/MinutesPerHour", "#,##0.0"),
        ("ClosedBlocks", "Closed blocks (payoff window ended by the as-of date)", f'=COUNTIF({status},"closed")', "count"),
        ("ClosedActivities", "Activities in closed blocks", f"={closed('F')}", "count"),
        ("WinsPerActivity", "Wins per activity (closed blocks)", rate(closed("I")), "0.0000"),
        ("RevenuePerActivity", "Revenue per activity (closed blocks)", rate(closed("J")), "money"),
        ("PipelinePerActivity", "Pipeline per activity (closed blocks)", rate(closed("H")), "money"),
        ("WinsNeeded", "Wins still needed in the coming 90 days (team: the reps' sum)", f"=SUM({rcol('wins_needed')})", "#,##0.0"),
        ("NextWorkdays", "Working days in the next 30 days (Monday to Friday)", "=NETWORKDAYS(AsOf+1,AsOf+BlockDays)", "count"),
        ("NeededPerDay", "Activities needed per working day (team)", _NEEDED.replace("N([wins_needed]{r})", "WinsNeeded"), "#,##0.0"),
        ("NeededIn30", "Activities needed in the next 30 days (team: the target line)", "=IF(ISNUMBER(NeededPerDay),NeededPerDay*NextWorkdays,NeededPerDay)", "#,##0"),
        ("RecentStarts", "Last 30 days: from", "=AsOf-BlockDays+1", "date"),
        ("RecentEnds", "Last 30 days: to (the as-of date)", "=AsOf", "date"),
        ("RecentActivities", "Activities in the last 30 days", f'=COUNTIFS({date},">="&RecentStarts,{date},"<="&RecentEnds)', "count"),
        ("ProjectionStarts", "Projection window: from", "=AsOf+1", "date"),
        ("ProjectionEnds", "Projection window: to", "=AsOf+PayoffDays", "date"),
        (
            "ProjectedRevenue",
            "Projection: revenue the last 30 days' activities should bring in the projection window",
            "=IF(ISNUMBER(RevenuePerActivity),RecentActivities*RevenuePerActivity,RevenuePerActivity)",
            "money",
        ),
    ]  # fmt: skip
    header(ws, HEADER_ROW, ["what", "value"])
    named_facts(wb, ws, FIRST_ROW, facts)
    finish(ws, landscape=False, widths={"A": 72, "B": 16})
