"""The account matrix: which accounts to work, who works them, and whether there is time.

Rows are written in revenue order, largest first: that order lets the ABC class use a
running total (one addition per row) instead of a SUMIF over the whole column on every
row, which grows with the square of the rows. The ``in revenue order`` row check turns
FALSE where a row added later breaks the order (sort the table by revenue, largest
first, to mend it).
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
    safe_text,
    settings_block,
    style_input,
    title,
    validation,
)
from xlsales.accounts import AccountRules
from xlsales.records import ACCOUNT_COLUMNS, Provenance

TABLE = "tblAccounts"
SPARE = 5  # empty slots left in the cluster and owner lists for the user to fill

# key, header, format, width, formula ([key] is the column letter of key)
_COLUMNS = [
    ("source_row", "source row", "count", 8, None),
    ("account", "account", "text", 28, None),
    ("owner", "owner", "text", 16, None),
    ("cluster", "cluster", "text", 15, None),
    ("icp_fit", "icp_fit (yes/no)", "text", 9, None),
    ("revenue", "revenue", "money", 12, None),
    ("gross_margin", "gross_margin", "share", 9, None),
    ("effort_hours", "effort_hours", "hours", 9, None),
    ("hourly_cost", "hourly_cost", "amount", 9, None),
    ("influenceable", "influenceable (yes/no)", "text", 11, None),
    ("gross_profit", "gross profit", "money", 12, "=[revenue]{r}*[gross_margin]{r}"),
    ("effort_cost", "effort cost", "money", 11, "=[effort_hours]{r}*[hourly_cost]{r}"),
    ("profit", "profit after effort", "money", 12, "=[gross_profit]{r}-[effort_cost]{r}"),
    (
        "revenue_share",
        "share of revenue",
        "share",
        9,
        "=IF(TotalRevenue=0,0,[revenue]{r}/TotalRevenue)",
    ),
    ("running", "running revenue", "money", 12, "=N([running]{p})+[revenue]{r}"),
    (
        "ahead",
        "revenue of larger accounts",
        "money",
        12,
        "=IF([revenue]{r}=N([revenue]{p}),N([ahead]{p}),N([running]{p}))",
    ),
    (
        "ahead_share",
        "share held by larger accounts",
        "share",
        10,
        "=IF(TotalRevenue=0,0,ROUND([ahead]{r}/TotalRevenue,SharePrecision))",
    ),
    (
        "abc",
        "ABC class",
        "text",
        7,
        '=IF([ahead_share]{r}<ALimit,"A",IF([ahead_share]{r}<BLimit,"B","C"))',
    ),
    ("go_class", "GO: class good enough", "general", 9, "=[abc]{r}<=GoMaxClass"),
    ("go_influence", "GO: can be influenced", "general", 9, '=[influenceable]{r}="yes"'),
    ("go_owner", "GO: has an owner", "general", 9, "=LEN(TRIM([owner]{r}))>0"),
    (
        "go_return",
        "GO: effort pays back",
        "general",
        9,
        "=IF([effort_cost]{r}=0,TRUE,ROUND([gross_profit]{r}/[effort_cost]{r},SharePrecision)"
        ">=MinReturnOnEffort)",
    ),
    (
        "decision",
        "GO / NO-GO",
        "text",
        8,
        '=IF(AND([go_class]{r},[go_influence]{r},[go_owner]{r},[go_return]{r}),"GO","NO-GO")',
    ),
    (
        "quadrant",
        "sweet-spot quadrant",
        "text",
        15,
        '=IF([profit]{r}>=ProfitMedian,IF([effort_hours]{r}<=EffortMedian,"Sweet spot",'
        '"Worth the effort"),IF([effort_hours]{r}<=EffortMedian,"Low effort","Effort trap"))',
    ),
    (
        "cumulative_share",
        "cumulative share of revenue",
        "share",
        10,
        "=IF(TotalRevenue=0,0,[running]{r}/TotalRevenue)",
    ),
    (
        "check_order",
        "check: in revenue order",
        "general",
        9,
        "=OR(NOT(ISNUMBER([revenue]{p})),[revenue]{r}<=[revenue]{p})",
    ),
    (
        "check_inputs",
        "check: inputs valid",
        "general",
        9,
        "=OR(LEN([account]{r})=0,AND([revenue]{r}>=0,[gross_margin]{r}>=0,[gross_margin]{r}<=1,"
        '[effort_hours]{r}>=0,[hourly_cost]{r}>=0,OR([icp_fit]{r}="yes",[icp_fit]{r}="no"),'
        'OR([influenceable]{r}="yes",[influenceable]{r}="no"),COUNTIF(ClusterList,[cluster]{r})>0))',
    ),
]
SPEC = TableSpec(TABLE, _COLUMNS)
LETTERS = SPEC.letters
col = SPEC.ref


def build(
    accounts: pd.DataFrame | None = None,
    rules: AccountRules = AccountRules(),
    hours_available: dict[str, float] | None = None,
    sources: Sequence[Provenance] = (),
) -> Workbook:
    """The account-matrix workbook; empty (one blank row) when ``accounts`` is None.

    ``accounts`` has the columns of :data:`xlsales.records.ACCOUNT_COLUMNS` (and
    optionally ``source_row``); rows are written largest revenue first. Owners not in
    ``hours_available`` get ``rules.hours_per_owner``.
    """
    rules = rules.checked()
    rows: list[dict] = []
    if accounts is not None:
        frame = accounts.sort_values("revenue", ascending=False, kind="stable")
        if "source_row" not in frame:
            frame = frame.assign(source_row=frame.index + 2)
        rows = frame.to_dict("records")
    clusters = list(dict.fromkeys(sorted(str(r["cluster"]) for r in rows)))
    owners = list(hours_available or {}) + sorted(
        {str(r["owner"]) for r in rows if str(r["owner"]).strip()} - set(hours_available or {})
    )
    hours = {o: (hours_available or {}).get(o, rules.hours_per_owner) for o in owners}

    wb = new_workbook()
    lists_row = _inputs(wb, rules, clusters, hours)
    first, last = _accounts(wb, rows)
    _summary(wb, first, last)
    _clusters(wb, len(clusters) + SPARE, lists_row)
    _capacity(wb, len(owners) + SPARE, lists_row)
    checks_sheet(
        wb,
        [
            (
                "Account rows whose inputs break a rule (blank account rows are skipped)",
                f"=ROWS({col('check_inputs')})-COUNTIF({col('check_inputs')},TRUE)",
                "={v}=0",
            ),
            (
                "Account rows out of revenue order (sort the table by revenue, largest first)",
                f"=ROWS({col('check_order')})-COUNTIF({col('check_order')},TRUE)",
                "={v}=0",
            ),
            (
                "Revenue by cluster minus total revenue",
                "=ClusterRevenue-TotalRevenue",
                "=ABS({v})<=Tolerance",
            ),
            ("Accounts by cluster minus accounts", "=ClusterAccounts-AccountCount", "={v}=0"),
            ("A + B + C accounts minus table rows", "=CountA+CountB+CountC-AccountRows", "={v}=0"),
            (
                "Hours needed by owner (listed + unlisted) minus total effort",
                "=OwnerHours+UnlistedOwnerHours-TotalEffort",
                "=ABS({v})<=Tolerance",
            ),
            ("ABC limits in order (a < b)", "=BLimit-ALimit", "={v}>0"),
        ],
    )
    cover(
        wb,
        "Account matrix",
        "Which accounts carry the revenue and the profit, which to work (GO/NO-GO), "
        "and whether the owners have the hours to work them.",
        [
            "Set the limits and criteria on Inputs (yellow cells), with the cluster and owner lists.",
            "Enter or paste accounts in the Accounts table, largest revenue first "
            "(or build the workbook with: xlsales template account-matrix --accounts FILE).",
            "Read Summary, Clusters and Capacity; every number is a formula you can trace.",
            "Check the master check above: it must say OK.",
            "Sheets are protected without a password: Review > Unprotect Sheet to add rows.",
        ],
        [
            ("Checks", "Row checks and the master check."),
            ("Inputs", "ABC limits, GO/NO-GO criteria, cluster list, owners and their hours."),
            ("Accounts", "One row per account: inputs, then profit, ABC class, GO/NO-GO criteria."),
            (
                "Summary",
                "Totals, medians, ABC counts, share of revenue outside the ideal "
                "profile, Pareto chart.",
            ),
            ("Clusters", "Accounts, revenue, effort, profit and share of A accounts per cluster."),
            ("Capacity", "Hours needed against hours available per owner."),
        ],
        sources,
    )
    return wb


def _inputs(wb: Workbook, rules: AccountRules, clusters: list[str], hours: dict[str, float]) -> int:
    """The Inputs sheet; returns the first row of the cluster (A) and owner (C, D) lists."""
    ws = wb.create_sheet("Inputs")
    title(ws, "Inputs", "Yellow cells are inputs; everything else in the workbook is calculated.")
    share = validation("decimal", low=0, high=1)
    row = settings_block(
        wb,
        ws,
        4,
        "ABC classes and GO/NO-GO",
        [
            Setting(
                "ALimit",
                "A limit: share of revenue held by larger accounts below",
                rules.a,
                "share",
                "an account is A while larger ones hold less than this",
                share,
            ),
            Setting("BLimit", "B limit", rules.b, "share", "B below this, C from here", share),
            Setting(
                "GoMaxClass",
                "Worst ABC class that can be GO",
                rules.go_max_class,
                "text",
                "A, B or C",
                validation("list", items="A,B,C"),
            ),
            Setting(
                "MinReturnOnEffort",
                "Gross profit per unit of effort cost, at least",
                rules.min_return_on_effort,
                "ratio",
                "1.5 means 1.50 back for every 1.00 spent",
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
            Setting(
                "SharePrecision",
                "Decimals used to compare shares",
                12,
                "count",
                "so float noise never moves an account across a limit",
                validation("whole", low=0, high=15),
            ),
            Setting(
                "Tolerance",
                "Tolerance of the money checks",
                0.005,
                "amount",
                "sums may differ by rounding noise only",
                validation("decimal", low=0),
            ),
        ],
    )
    header(ws, row, ["cluster"])
    first = row + 1
    for i in range(len(clusters) + SPARE):
        cell = ws.cell(row=first + i, column=1)
        safe_text(cell, clusters[i] if i < len(clusters) else "")
        style_input(cell, "text")
    last = first + len(clusters) + SPARE - 1
    define_name(wb, "ClusterList", ws, f"$A${first}:$A${last}")
    header(ws, row, ["owner", "hours available"], first_col=3)
    owners = list(hours)
    for i in range(len(owners) + SPARE):
        name = ws.cell(row=first + i, column=3)
        safe_text(name, owners[i] if i < len(owners) else "")
        style_input(name, "text")
        style_input(
            ws.cell(row=first + i, column=4, value=hours[owners[i]] if i < len(owners) else 0),
            "hours",
        )
    define_name(wb, "OwnerList", ws, f"$C${first}:$C${first + len(owners) + SPARE - 1}")
    hours_check = validation("decimal", low=0)
    ws.add_data_validation(hours_check)
    hours_check.add(f"D{first}:D{first + len(owners) + SPARE - 1}")
    finish(ws, landscape=False, widths={"A": 52, "B": 18, "C": 20, "D": 44})
    return first


def _accounts(wb: Workbook, rows: list[dict]) -> tuple[int, int]:
    ws = wb.create_sheet("Accounts")
    title(
        ws,
        "Accounts",
        "Largest revenue first. Yellow columns are inputs; the rest are "
        "formulas. Amounts in the currency of the revenue; effort in hours.",
    )
    yes_no = "yes,no"
    checks = {
        "icp_fit": validation("list", items=yes_no),
        "influenceable": validation("list", items=yes_no),
        "revenue": validation("decimal", low=0),
        "gross_margin": validation("decimal", low=0, high=1),
        "effort_hours": validation("decimal", low=0),
        "hourly_cost": validation("decimal", low=0),
        "cluster": validation("list", items="=ClusterList"),
        "owner": validation("list", items="=OwnerList"),
    }
    first, last = data_table(ws, TABLE, SPEC.columns(checks), rows)
    finish(ws, title_rows=f"{HEADER_ROW}:{HEADER_ROW}")
    return first, last


def _summary(wb: Workbook, first: int, last: int) -> None:
    ws = wb.create_sheet("Summary")
    title(ws, "Summary", "Totals and medians the Accounts sheet uses, and what they say.")
    facts = [
        (
            "AccountCount",
            "Accounts (rows with a name)",
            f"=SUMPRODUCT(--(LEN({col('account')})>0))",
            "count",
        ),
        ("AccountRows", "Rows in the accounts table", f"=ROWS({col('account')})", "count"),
        ("TotalRevenue", "Revenue", f"=SUM({col('revenue')})", "money"),
        ("TotalProfit", "Profit after effort", f"=SUM({col('profit')})", "money"),
        ("TotalEffort", "Effort (hours)", f"=SUM({col('effort_hours')})", "hours"),
        (
            "ProfitMedian",
            "Median profit after effort (quadrant line)",
            f"=IF(COUNT({col('profit')})=0,0,MEDIAN({col('profit')}))",
            "money",
        ),
        (
            "EffortMedian",
            "Median effort hours (quadrant line)",
            f"=IF(COUNT({col('effort_hours')})=0,0,MEDIAN({col('effort_hours')}))",
            "hours",
        ),
        ("CountA", "A accounts", f'=COUNTIF({col("abc")},"A")', "count"),
        ("CountB", "B accounts", f'=COUNTIF({col("abc")},"B")', "count"),
        ("CountC", "C accounts", f'=COUNTIF({col("abc")},"C")', "count"),
        ("CountGo", "GO accounts", f'=COUNTIF({col("decision")},"GO")', "count"),
        (
            "OutsideIcpShare",
            "Share of revenue from accounts outside the ideal profile",
            f'=IF(TotalRevenue=0,0,SUMIFS({col("revenue")},{col("icp_fit")},"no")/TotalRevenue)',
            "share",
        ),
    ]
    header(ws, HEADER_ROW, ["what", "value"])
    named_facts(wb, ws, FIRST_ROW, facts)
    chart_rows = min(last, first + 199)  # the 200 largest accounts keep the chart legible
    accounts = wb["Accounts"]
    add_chart(
        ws,
        "D4",
        "Pareto: revenue by account (bars) and cumulative share (line)",
        Reference(accounts, min_col=SPEC.index("revenue"), min_row=HEADER_ROW, max_row=chart_rows),
        line=Reference(
            accounts, min_col=SPEC.index("cumulative_share"), min_row=HEADER_ROW, max_row=chart_rows
        ),
        axis_titles=("revenue", "cumulative share"),
        line_format="0%",
        size=(9, 18),
    )
    finish(ws, widths={"A": 52, "B": 16})


def _clusters(wb: Workbook, slots: int, list_row: int) -> None:
    ws = wb.create_sheet("Clusters")
    title(ws, "Clusters", "One row per cluster listed on Inputs; teams work a cluster at a time.")
    header(
        ws,
        HEADER_ROW,
        [
            "cluster",
            "accounts",
            "revenue",
            "effort hours",
            "profit after effort",
            "A accounts",
            "share of A accounts",
        ],
    )
    cl, rev, eff, prof, abc = (
        col("cluster"),
        col("revenue"),
        col("effort_hours"),
        col("profit"),
        col("abc"),
    )
    for i in range(slots):
        r = FIRST_ROW + i
        ws.cell(
            row=r,
            column=1,
            value=f'=IF(LEN(Inputs!$A${list_row + i})=0,"(empty slot)",Inputs!$A${list_row + i})',
        )
        key = f"Inputs!$A${list_row + i}"
        ws.cell(
            row=r, column=2, value=f"=IF(LEN({key})=0,0,COUNTIFS({cl},{key}))"
        ).number_format = "#,##0"
        for c, (ref, fmt) in enumerate(
            [(rev, "#,##0"), (eff, "#,##0.0"), (prof, "#,##0")], start=3
        ):
            ws.cell(
                row=r, column=c, value=f"=IF(LEN({key})=0,0,SUMIFS({ref},{cl},{key}))"
            ).number_format = fmt
        ws.cell(
            row=r, column=6, value=f'=IF(LEN({key})=0,0,COUNTIFS({cl},{key},{abc},"A"))'
        ).number_format = "#,##0"
        ws.cell(
            row=r, column=7, value=f'=IF(B{r}=0,"no accounts",F{r}/B{r})'
        ).number_format = "0.0%"
    last = FIRST_ROW + slots - 1
    total = last + 1
    ws.cell(row=total, column=1, value="Total").font = Font(bold=True)
    for c in range(2, 7):
        letter = get_column_letter(c)
        ws.cell(row=total, column=c, value=f"=SUM({letter}{FIRST_ROW}:{letter}{last})").font = Font(
            bold=True
        )
    define_name(wb, "ClusterAccounts", ws, f"B{total}")
    define_name(wb, "ClusterRevenue", ws, f"C{total}")
    finish(
        ws,
        widths={"A": 22, "B": 10, "C": 14, "D": 12, "E": 16, "F": 11, "G": 14},
        title_rows=f"{HEADER_ROW}:{HEADER_ROW}",
    )


def _capacity(wb: Workbook, slots: int, list_row: int) -> None:
    ws = wb.create_sheet("Capacity")
    title(ws, "Capacity", "Hours the accounts need (effort) against the hours each owner has.")
    header(
        ws,
        HEADER_ROW,
        ["owner", "accounts", "hours needed", "hours available", "utilisation", "status"],
    )
    owner, effort = col("owner"), col("effort_hours")
    for i in range(slots):
        r = FIRST_ROW + i
        name, avail = f"Inputs!$C${list_row + i}", f"Inputs!$D${list_row + i}"
        ws.cell(row=r, column=1, value=f'=IF(LEN({name})=0,"(empty slot)",{name})')
        ws.cell(
            row=r, column=2, value=f"=IF(LEN({name})=0,0,COUNTIFS({owner},{name}))"
        ).number_format = "#,##0"
        ws.cell(
            row=r, column=3, value=f"=IF(LEN({name})=0,0,SUMIFS({effort},{owner},{name}))"
        ).number_format = "#,##0.0"
        ws.cell(row=r, column=4, value=f"={avail}").number_format = "#,##0.0"
        ws.cell(row=r, column=5, value=f'=IF(D{r}=0,"no hours set",C{r}/D{r})').number_format = "0%"
        ws.cell(row=r, column=6, value=f'=IF(C{r}>D{r},"OVER CAPACITY","ok")')
    last = FIRST_ROW + slots - 1
    total = last + 1
    ws.cell(row=total, column=1, value="Listed owners").font = Font(bold=True)
    for c, fmt in ((2, "#,##0"), (3, "#,##0.0"), (4, "#,##0.0")):
        letter = get_column_letter(c)
        ws.cell(
            row=total, column=c, value=f"=SUM({letter}{FIRST_ROW}:{letter}{last})"
        ).number_format = fmt
    define_name(wb, "OwnerHours", ws, f"C{total}")
    team = [
        ("OwnerCount", "Owners listed", "=SUMPRODUCT(--(LEN(OwnerList)>0))", "#,##0"),
        (
            "AccountsPerOwner",
            "Accounts per listed owner",
            '=IF(OwnerCount=0,"no owners listed",AccountCount/OwnerCount)',
            "#,##0.0",
        ),
        (
            "UnlistedOwnerAccounts",
            "Accounts whose owner is blank or not listed",
            f"=AccountCount-B{total}",
            "#,##0",
        ),
        (
            "UnlistedOwnerHours",
            "Hours needed by those accounts",
            f"=TotalEffort-C{total}",
            "#,##0.0",
        ),
        (
            "TeamUtilisation",
            "Team: hours needed / hours available",
            f'=IF(D{total}=0,"no hours set",TotalEffort/D{total})',
            "0%",
        ),
        (
            "OwnersOver",
            "Owners over capacity",
            f'=COUNTIF(F{FIRST_ROW}:F{last},"OVER CAPACITY")',
            "#,##0",
        ),
    ]
    named_facts(wb, ws, total + 2, team, value_column=3)
    add_chart(
        ws,
        "H4",
        "Hours needed against hours available",
        Reference(ws, min_col=3, max_col=4, min_row=HEADER_ROW, max_row=last),
        Reference(ws, min_col=1, min_row=FIRST_ROW, max_row=last),
    )
    finish(
        ws,
        widths={"A": 36, "B": 10, "C": 14, "D": 14, "E": 12, "F": 16},
        title_rows=f"{HEADER_ROW}:{HEADER_ROW}",
    )


__all__ = ["ACCOUNT_COLUMNS", "build", "col", "LETTERS", "SPEC", "TABLE"]
