"""The account matrix: which accounts to work, who works them, and whether there is time.

Rows are written in revenue order, largest first: that order lets the ABC class use a
running total (one addition per row) instead of a SUMIF over the whole column on every
row, which grows with the square of the rows. The ``in revenue order`` row check turns
FALSE where a row added later breaks the order (sort the table by revenue, largest
first, to mend it).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
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
    amount_ok,
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
    named_facts,
    new_workbook,
    safe_text,
    settings_block,
    style_input,
    title,
    validation,
)
from xlsales.accounts import PERIODS, AccountRules, effort_figures, focus_order, plan_order
from xlsales.records import ACCOUNT_COLUMNS, Provenance

TABLE = "tblAccounts"
FOCUS = "tblFocus"
PLAN = "tblPlan"
SPARE = 5  # empty slots left in the cluster and owner lists for the user to fill
NAMES_SHOWN = 10  # accounts named in the capacity check (an input on Inputs)

# key, header, format, width, formula ([key] is the column letter of key). Headers hold
# none of : / - [ ] # ' @ so structured references need no escaping.
# The numeric inputs (AMOUNTS) are read through N() wherever a formula computes with
# them: a text typed there ("1200", "12k") or TRUE counts as 0 in every figure, as SUM
# and SUMIFS count it on Summary, Clusters and Capacity, instead of a #VALUE! or (Excel
# turns "1200" into 1200 in arithmetic) a figure no total holds; its row fails "inputs
# valid" (amount_ok) and Checks counts it per column.
AMOUNTS = ("revenue", "gross_margin", "effort_hours", "hourly_cost")
_COLUMNS = [
    ("source_row", "source row", "count", 8, None),
    ("account", "account", "text", 28, None),
    ("owner", "owner", "text", 16, None),
    ("cluster", "cluster", "text", 15, None),
    ("icp_fit", "icp_fit", "text", 9, None),
    ("revenue", "revenue", "money", 12, None),
    ("gross_margin", "gross_margin", "share", 9, None),
    ("effort_hours", "effort_hours", "hours", 9, None),
    ("hourly_cost", "hourly_cost", "amount", 9, None),
    ("influenceable", "influenceable", "text", 11, None),
    ("manual", "manual decision", "text", 10, None),
    ("reason", "reason", "text", 24, None),
    ("gross_profit", "gross profit", "money", 12, "=N([revenue]{r})*N([gross_margin]{r})"),
    ("effort_cost", "effort cost", "money", 11, "=N([effort_hours]{r})*N([hourly_cost]{r})"),
    ("profit", "Profit after effort", "money", 12, "=[gross_profit]{r}-[effort_cost]{r}"),
    (
        "return_on_effort",
        "Return on effort",
        "ratio",
        9,
        '=IF([effort_cost]{r}=0,"no effort cost",[profit]{r}/[effort_cost]{r})',
    ),
    (
        "revenue_share",
        "share of revenue",
        "share",
        9,
        "=IF(TotalRevenue=0,0,N([revenue]{r})/TotalRevenue)",
    ),
    ("running", "running revenue", "money", 12, "=N([running]{p})+N([revenue]{r})"),
    (
        "ahead",
        "revenue of larger accounts",
        "money",
        12,
        "=IF(N([revenue]{r})=N([revenue]{p}),N([ahead]{p}),N([running]{p}))",
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
        "ABC class by revenue",
        "text",
        8,
        '=IF([ahead_share]{r}<ALimit,"A",IF([ahead_share]{r}<BLimit,"B","C"))',
    ),
    ("focus_rank", "focus rank", "count", 7, None),  # generated: the row on Focus
    (
        "abc_profit",
        "ABC class by profit",
        "text",
        8,
        f"=INDEX({column_range(FOCUS, 'abc_profit')},[focus_rank]{{r}})",
    ),
    ("go_class", "profit class within GO classes", "general", 9, "=[abc_profit]{r}<=GoMaxClass"),
    (
        "go_return",
        "return on effort at least the minimum",
        "general",
        9,
        "=IF([effort_cost]{r}=0,TRUE,ROUND([profit]{r}/[effort_cost]{r},SharePrecision)"
        ">=MinReturnOnEffort)",
    ),
    ("go_influence", "can be influenced", "general", 9, '=[influenceable]{r}="yes"'),
    (
        "suggested",
        "Suggested decision",
        "text",
        9,
        '=IF(AND([go_class]{r},[go_return]{r},[go_influence]{r}),"GO","NO-GO")',
    ),
    (
        "decision",
        "Decision",
        "text",
        8,
        '=IF(LEN(TRIM([manual]{r}))=0,[suggested]{r},IF(TRIM([manual]{r})="GO","GO","NO-GO"))',
    ),
    ("plan_row", "plan row", "count", 7, None),  # generated: the row on Capacity plan
    (
        "fits",
        "Fits capacity",
        "text",
        9,
        f"=INDEX({column_range(PLAN, 'fits')},[plan_row]{{r}})",
    ),
    (
        "quadrant",
        "quadrant",
        "text",
        15,
        '=IF([profit]{r}>=ProfitMedian,IF(N([effort_hours]{r})<=EffortMedian,"Sweet spot",'
        '"Worth the effort"),IF(N([effort_hours]{r})<=EffortMedian,"Low effort",'
        '"Effort trap"))',
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
        "in revenue order",
        "general",
        9,
        "=OR(NOT(ISNUMBER([revenue]{p})),[revenue]{r}<=[revenue]{p})",
    ),
    (
        "check_inputs",
        "inputs valid",
        "general",
        9,
        f"=OR(LEN([account]{{r}})=0,AND({amount_ok('revenue')},{amount_ok('gross_margin', 1)},"
        f"{amount_ok('effort_hours')},{amount_ok('hourly_cost')},"
        'OR([icp_fit]{r}="yes",[icp_fit]{r}="no"),'
        f'OR([influenceable]{{r}}="yes",[influenceable]{{r}}="no"),'
        f"COUNTIF(ClusterList,{criterion('[cluster]{r}')})>0,"
        'OR(LEN(TRIM([manual]{r}))=0,TRIM([manual]{r})="GO",TRIM([manual]{r})="NO-GO")))',
    ),
]
SPEC = TableSpec(TABLE, _COLUMNS)
LETTERS = SPEC.letters
col = SPEC.ref


def _account(key: str) -> str:
    """This row's account's value of an Accounts column, by its position there (a
    numeric input through N(): a text counts as 0, as on Accounts)."""
    value = f"INDEX({column_range(TABLE, key)},[account_row]{{r}})"
    return f"=N({value})" if key in AMOUNTS else f"={value}"


# Focus: the accounts by profit after effort, largest first; the class by profit after
# effort is a running total here, as the class by revenue is on Accounts.
_FOCUS_COLUMNS = [
    ("rank", "focus rank", "count", 7, None),  # generated: 1, 2, 3, ...
    ("account_row", "account row", "count", 8, None),  # generated: the row on Accounts
    ("account", "account", "text", 28, _account("account")),
    ("profit", "Profit after effort", "money", 12, _account("profit")),
    (  # a loss counts as 0
        "running",
        "running profit",
        "money",
        12,
        "=N([running]{p})+MAX([profit]{r},0)",
    ),
    (
        "ahead",
        "profit of larger accounts",
        "money",
        12,
        "=IF([profit]{r}=N([profit]{p}),N([ahead]{p}),N([running]{p}))",
    ),
    (
        "ahead_share",
        "share held by larger accounts",
        "share",
        10,
        "=IF(TotalPositiveProfit=0,1,ROUND([ahead]{r}/TotalPositiveProfit,SharePrecision))",
    ),
    (
        "abc_profit",
        "ABC class by profit",
        "text",
        8,
        '=IF(OR([profit]{r}<0,TotalPositiveProfit=0),"C",'
        'IF([ahead_share]{r}<ALimit,"A",IF([ahead_share]{r}<BLimit,"B","C")))',
    ),
    (
        "check_order",
        "in profit order",
        "general",
        9,
        "=OR(NOT(ISNUMBER([profit]{p})),[profit]{r}<=[profit]{p})",
    ),
    (
        "check_link",
        "linked to its account",
        "general",
        9,
        f"=INDEX({column_range(TABLE, 'focus_rank')},[account_row]{{r}})=[rank]{{r}}",
    ),
]
FOCUS_SPEC = TableSpec(FOCUS, _FOCUS_COLUMNS)

# Capacity plan: per owner (in the order of the Inputs list; blank or unlisted owners
# last), the accounts by profit per hour, largest first; the GO hours run up per owner.
_PLAN_COLUMNS = [
    ("plan_row", "plan row", "count", 7, None),  # generated: 1, 2, 3, ...
    ("account_row", "account row", "count", 8, None),  # generated: the row on Accounts
    ("account", "account", "text", 28, _account("account")),
    ("owner", "owner", "text", 16, _account("owner")),
    (
        "owner_number",
        "owner number",
        "count",
        8,
        "=IF(LEN(TRIM([owner]{r}))=0,ROWS(OwnerList)+1,"
        f"IF(COUNTIF(OwnerList,{criterion('[owner]{r}')})=0,"
        f"ROWS(OwnerList)+1,MATCH({exact_text('[owner]{r}')},OwnerList,0)))",
    ),
    ("decision", "Decision", "text", 8, _account("decision")),
    ("effort_hours", "effort_hours", "hours", 9, _account("effort_hours")),
    ("profit", "Profit after effort", "money", 12, _account("profit")),
    (
        "per_hour",
        "Profit after effort per hour",
        "amount",
        10,
        '=IF([effort_hours]{r}=0,"no effort",[profit]{r}/[effort_hours]{r})',
    ),
    ("go_hours", "GO hours", "hours", 9, '=IF([decision]{r}="GO",[effort_hours]{r},0)'),
    (
        "running",
        "running GO hours of the owner",
        "hours",
        10,
        "=IF([owner_number]{r}=N([owner_number]{p}),N([running]{p}),0)+[go_hours]{r}",
    ),
    (
        "available",
        "hours available",
        "hours",
        10,
        "=IF([owner_number]{r}>ROWS(OwnerList),0,INDEX(OwnerHoursList,[owner_number]{r}))",
    ),
    (
        "fits",
        "Fits capacity",
        "text",
        9,
        '=IF([decision]{r}<>"GO","hours freed",IF(AND([owner_number]{r}<=ROWS(OwnerList),'
        '[running]{r}<=[available]{r}),"yes","no"))',
    ),
    (
        "not_fitting",
        "GO accounts not fitting so far",
        "count",
        9,
        '=N([not_fitting]{p})+IF([fits]{r}="no",1,0)',
    ),
    (
        "check_order",
        "in plan order",
        "general",
        9,
        "=OR([owner_number]{r}>N([owner_number]{p}),AND([owner_number]{r}=N([owner_number]{p}),"
        "OR(N([effort_hours]{p})=0,AND([effort_hours]{r}>0,N([per_hour]{r})<=N([per_hour]{p})))))",
    ),
    (
        "check_link",
        "linked to its account",
        "general",
        9,
        f"=INDEX({column_range(TABLE, 'plan_row')},[account_row]{{r}})=[plan_row]{{r}}",
    ),
]
PLAN_SPEC = TableSpec(PLAN, _PLAN_COLUMNS)
LOOKED_UP = {  # columns other tables read row by row: a defined name each (column_range)
    TABLE: ("account", "owner", "decision", "effort_hours", "profit", "focus_rank", "plan_row"),
    FOCUS: ("abc_profit",),
    PLAN: ("account", "not_fitting", "fits"),
}
NAMES_MOST = 50  # the most NamesShown may be: the rows of the not-fitting list
GENERATED = {  # position columns written by the builder: locked, not inputs
    TABLE: ("source_row", "focus_rank", "plan_row"),
    FOCUS: ("rank", "account_row"),
    PLAN: ("plan_row", "account_row"),
}


def build(
    accounts: pd.DataFrame | None = None,
    rules: AccountRules = AccountRules(),
    hours_available: dict[str, float] | None = None,
    sources: Sequence[Provenance] = (),
) -> Workbook:
    """The account-matrix workbook; empty (one blank row) when ``accounts`` is None.

    ``accounts`` has the columns of :data:`xlsales.records.ACCOUNT_COLUMNS` (and
    optionally ``source_row``, ``manual_decision`` and ``reason``); rows are written
    largest revenue first, on Focus largest profit after effort first, and on Capacity
    plan by owner, then profit after effort per hour. Owners not in ``hours_available``
    get ``rules.hours_per_owner``.
    """
    rules = rules.checked()
    rows: pd.DataFrame | list[dict] = [{"focus_rank": 1, "plan_row": 1}]
    focus: pd.DataFrame | list[dict] = [{"rank": 1, "account_row": 1}]
    plan: pd.DataFrame | list[dict] = [{"plan_row": 1, "account_row": 1}]
    owners = list(hours_available or {})
    clusters: list[str] = []
    if accounts is not None:
        if "source_row" not in accounts:
            accounts = accounts.assign(source_row=accounts.index + 2)
        frame = accounts.sort_values("revenue", ascending=False, kind="stable")
        frame = effort_figures(frame.reset_index(drop=True))
        owners += sorted({str(o).strip() for o in frame["owner"] if str(o).strip()} - set(owners))
        clusters = sorted({str(c) for c in frame["cluster"]}) if "cluster" in frame else []
        ranks = range(1, len(frame) + 1)
        focus = pd.DataFrame({"rank": ranks, "account_row": np.add(focus_order(frame), 1)})
        plan = pd.DataFrame(
            {"plan_row": ranks, "account_row": np.add(plan_order(frame, owners), 1)}
        )
        frame["focus_rank"], frame["plan_row"] = 0, 0
        frame.loc[focus["account_row"] - 1, "focus_rank"] = focus["rank"].to_numpy()
        frame.loc[plan["account_row"] - 1, "plan_row"] = plan["plan_row"].to_numpy()
        rows = frame.rename(columns={"manual_decision": "manual"})
    hours = {o: (hours_available or {}).get(o, rules.hours_per_owner) for o in owners}

    wb = new_workbook()
    lists_row = _inputs(wb, rules, clusters, hours)
    first, last = _accounts(wb, rows)
    define_column_ranges(wb, wb["Accounts"], SPEC, LOOKED_UP[TABLE], first, last)
    _helper(wb, "Focus", FOCUS_SPEC, focus, FOCUS_NOTE)
    _helper(wb, "Capacity plan", PLAN_SPEC, plan, PLAN_NOTE)
    _summary(wb, first, last)
    _clusters(wb, len(clusters) + SPARE, lists_row)
    _capacity(wb, len(owners) + SPARE, lists_row)
    focus_ok = f"{FOCUS_SPEC.ref('check_order')},{FOCUS_SPEC.ref('check_link')}"
    plan_ok = f"{PLAN_SPEC.ref('check_order')},{PLAN_SPEC.ref('check_link')}"
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
                "Focus and Capacity plan rows not one per account, out of order or not linked "
                "(build the workbook again from the accounts file)",
                f"=ABS(ROWS({FOCUS_SPEC.ref('rank')})-AccountRows)"
                f"+ABS(ROWS({PLAN_SPEC.ref('plan_row')})-AccountRows)"
                f"+COUNTIF({focus_ok.split(',')[0]},FALSE)+COUNTIF({focus_ok.split(',')[1]},FALSE)"
                f"+COUNTIF({plan_ok.split(',')[0]},FALSE)+COUNTIF({plan_ok.split(',')[1]},FALSE)",
                "={v}=0",
            ),
            (
                "=\"GO accounts that do not fit capacity (an owner's load over 100 %, or no "
                'listed owner): "&NotFitList',
                "=NotFitCount",
                "={v}=0",
            ),
            (
                "Manual decisions without a reason",
                f"=SUMPRODUCT(--(LEN(TRIM({col('manual')}))>0),--(LEN(TRIM({col('reason')}))=0))",
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
                "Hours by owner (GO needed + NO-GO freed, listed + unlisted) minus total effort",
                "=OwnerHours+OwnerFreedHours+UnlistedOwnerHours-TotalEffort",
                "=ABS({v})<=Tolerance",
            ),
            ("ABC limits in order (a < b)", "=BLimit-ALimit", "={v}>0"),
            *[
                (
                    f"Accounts {key} cells that are not numbers (a text such as '1200', or "
                    f"TRUE/FALSE: counted as 0 in every figure and total; type {rule}, or "
                    "leave it blank)",
                    f"=SUMPRODUCT((LEN({col(key)})>0)*NOT(ISNUMBER({col(key)})))",
                    "={v}=0",
                )
                for key, rule in zip(AMOUNTS, NUMBER_RULES)
            ],
        ],
    )
    cover(
        wb,
        "Account matrix",
        "Which accounts carry the revenue and the profit after effort, which to work "
        "(Suggested decision and Decision, GO/NO-GO), and whether the owners have the hours "
        "to work them (Load, Fits capacity).",
        [
            "Set the limits, GO criteria and the period of the hours on Inputs (yellow cells), "
            "with the cluster and owner lists and each owner's hours available per period.",
            "Build the workbook from your accounts file: xlsales template account-matrix "
            "--accounts FILE (Focus and Capacity plan hold one row per account, in their "
            "own order; to add accounts, build it again).",
            "Type revenue, gross margin, effort hours and hourly cost as numbers on Accounts: "
            "a text such as '1200' counts as 0 in every figure and fails a check.",
            "Type a manual decision (GO or NO-GO) and its reason where you overrule the "
            "Suggested decision: the Decision follows it, and so do Load and Fits capacity.",
            "Read Summary, Clusters, Capacity and Capacity plan; every number is a formula "
            "you can trace. Definitions: docs/definitions.md.",
            "Check the master check above: it must say OK (an owner over capacity fails it, "
            "naming the accounts that do not fit).",
            "Sheets are protected without a password: Review > Unprotect Sheet to change them.",
        ],
        [
            ("Checks", "Row checks and the master check."),
            (
                "Inputs",
                "ABC limits, GO criteria, the period of the hours, cluster list, owners "
                "and their hours available per period.",
            ),
            (
                "Accounts",
                "One row per account: inputs, profit after effort, return on effort, ABC class "
                "by revenue and by profit after effort, each GO criterion, Suggested decision, "
                "manual decision and reason, Decision, Fits capacity.",
            ),
            ("Focus", "Accounts by profit after effort: the ABC class by profit after effort."),
            (
                "Capacity plan",
                "Per owner, accounts by profit after effort per hour; GO hours run up "
                "against the hours available: Fits capacity.",
            ),
            (
                "Summary",
                "Totals, medians, ABC counts, decisions, share of revenue outside the "
                "ideal profile, Pareto chart.",
            ),
            ("Clusters", "Accounts, revenue, effort, profit and share of A accounts per cluster."),
            (
                "Capacity",
                "Per owner and period: hours GO accounts need, hours NO-GO accounts free, "
                "hours available, Load; the plan reads GO or NO GO.",
            ),
        ],
        sources,
    )
    return wb


# the rule of each of AMOUNTS, as its Checks line tells it
NUMBER_RULES = ("a number of 0 or more", "a number from 0 to 1", *["a number of 0 or more"] * 2)
FOCUS_NOTE = (
    "Accounts by profit after effort, largest first: the ABC class by profit after effort, by "
    "the rule of abc_classes (loss-making accounts last, in C; they do not count in the total)."
)
PLAN_NOTE = (
    "Per owner, accounts by profit after effort per hour (no effort first): GO hours run up "
    "and restart with each owner. An account fits while the running total stays within the "
    "hours available."
)


def _helper(
    wb: Workbook, name: str, spec: TableSpec, rows: pd.DataFrame | list[dict], note: str
) -> None:
    ws = wb.create_sheet(name)
    title(ws, name, note)
    first, last = data_table(ws, spec.name, spec.columns({}, GENERATED[spec.name]), rows)
    define_column_ranges(wb, ws, spec, LOOKED_UP[spec.name], first, last)
    finish(ws, title_rows=f"{HEADER_ROW}:{HEADER_ROW}")


def _inputs(wb: Workbook, rules: AccountRules, clusters: list[str], hours: dict[str, float]) -> int:
    """The Inputs sheet; returns the first row of the cluster (A) and owner (C, D) lists."""
    ws = wb.create_sheet("Inputs")
    title(ws, "Inputs", "Yellow cells are inputs; everything else in the workbook is calculated.")
    row = settings_block(
        wb,
        ws,
        4,
        "ABC classes and GO criteria",
        [
            Setting(
                "ALimit",
                "A limit: share of the total held by larger accounts below",
                rules.a,
                "share",
                "an account is A while larger ones hold less than this (revenue and profit)",
                validation("decimal", low=0, high=1),
            ),
            Setting(
                "BLimit",
                "B limit",
                rules.b,
                "share",
                "B below this, C from here",
                validation("decimal", low=0, high=1),
            ),
            Setting(
                "GoMaxClass",
                "Worst ABC class by profit after effort that can be GO",
                rules.go_max_class,
                "text",
                "A, B or C",
                validation("list", items="A,B,C"),
            ),
            Setting(
                "MinReturnOnEffort",
                "Return on effort at least (profit after effort / effort cost)",
                rules.min_return_on_effort,
                "ratio",
                "0.5 means 0.50 left for every 1.00 of effort, after paying for the effort",
                validation("decimal", low=0),
            ),
        ],
    )
    row = settings_block(
        wb,
        ws,
        row,
        "Capacity",
        [
            Setting(
                "HoursPeriod",
                "Period of the hours (effort hours and hours available)",
                rules.period,
                "text",
                "hours available per owner per " + rules.period + "; effort hours per the same",
                validation("list", items=",".join(PERIODS)),
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
            Setting(
                "NamesShown",
                "Accounts named in the capacity check, at most",
                NAMES_SHOWN,
                "count",
                "the rest are counted",
                validation("whole", low=1, high=NAMES_MOST),
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
    header(ws, row, ["owner", "hours available per period"], first_col=3)
    owners = list(hours)
    for i in range(len(owners) + SPARE):
        name = ws.cell(row=first + i, column=3)
        safe_text(name, owners[i] if i < len(owners) else "")
        style_input(name, "text")
        style_input(
            ws.cell(row=first + i, column=4, value=hours[owners[i]] if i < len(owners) else 0),
            "hours",
        )
    end = first + len(owners) + SPARE - 1
    define_name(wb, "OwnerList", ws, f"$C${first}:$C${end}")
    define_name(wb, "OwnerHoursList", ws, f"$D${first}:$D${end}")
    hours_check = validation("decimal", low=0)
    ws.add_data_validation(hours_check)
    hours_check.add(f"D{first}:D{end}")
    finish(ws, landscape=False, widths={"A": 52, "B": 18, "C": 20, "D": 44})
    return first


def _accounts(wb: Workbook, rows: pd.DataFrame | list[dict]) -> tuple[int, int]:
    ws = wb.create_sheet("Accounts")
    title(
        ws,
        "Accounts",
        "Largest revenue first. Yellow columns are inputs (type a manual decision, GO or "
        "NO-GO, and its reason to overrule the Suggested decision); the rest are formulas. "
        "Amounts in the currency of the revenue; effort in hours per the period on Inputs. "
        "Type amounts as numbers: a text such as '1200' counts as 0 and fails a check.",
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
        "manual": validation("list", items="GO,NO-GO"),
    }
    first, last = data_table(ws, TABLE, SPEC.columns(checks, GENERATED[TABLE]), rows)
    finish(ws, title_rows=f"{HEADER_ROW}:{HEADER_ROW}")
    return first, last


def _summary(wb: Workbook, first: int, last: int) -> None:
    ws = wb.create_sheet("Summary")
    title(ws, "Summary", "Totals and medians the Accounts sheet uses, and what they say.")
    profit = FOCUS_SPEC.ref("profit")
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
        (
            "TotalPositiveProfit",
            "Profit after effort of the accounts that make one (total of the class by profit)",
            f'=SUMIFS({profit},{profit},">0")',
            "money",
        ),
        ("TotalEffort", "Effort (hours per period)", f"=SUM({col('effort_hours')})", "hours"),
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
        ("CountA", "A accounts by revenue", f'=COUNTIF({col("abc")},"A")', "count"),
        ("CountB", "B accounts by revenue", f'=COUNTIF({col("abc")},"B")', "count"),
        ("CountC", "C accounts by revenue", f'=COUNTIF({col("abc")},"C")', "count"),
        (
            "ProfitA",
            "A accounts by profit after effort",
            f'=COUNTIF({col("abc_profit")},"A")',
            "count",
        ),
        (
            "ProfitB",
            "B accounts by profit after effort",
            f'=COUNTIF({col("abc_profit")},"B")',
            "count",
        ),
        (
            "ProfitC",
            "C accounts by profit after effort",
            f'=COUNTIF({col("abc_profit")},"C")',
            "count",
        ),
        (
            "CountSuggestedGo",
            "Suggested decision GO",
            f'=COUNTIF({col("suggested")},"GO")',
            "count",
        ),
        (
            "CountManual",
            "Manual decisions typed",
            f"=SUMPRODUCT(--(LEN(TRIM({col('manual')}))>0))",
            "count",
        ),
        ("CountGo", "Decision GO", f'=COUNTIF({col("decision")},"GO")', "count"),
        (
            "CountFit",
            "GO accounts that fit capacity",
            f'=COUNTIF({col("fits")},"yes")',
            "count",
        ),
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
        crit = criterion(key)
        ws.cell(
            row=r, column=2, value=f"=IF(LEN({key})=0,0,COUNTIFS({cl},{crit}))"
        ).number_format = "#,##0"
        for c, (ref, fmt) in enumerate(
            [(rev, "#,##0"), (eff, "#,##0.0"), (prof, "#,##0")], start=3
        ):
            ws.cell(
                row=r, column=c, value=f"=IF(LEN({key})=0,0,SUMIFS({ref},{cl},{crit}))"
            ).number_format = fmt
        ws.cell(
            row=r, column=6, value=f'=IF(LEN({key})=0,0,COUNTIFS({cl},{crit},{abc},"A"))'
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


def _not_fitting(wb: Workbook, ws, first: int) -> None:
    """The first NamesShown GO accounts that do not fit, in plan order, from row
    ``first`` down (NAMES_MOST rows): the k-th is on the first plan row whose count of
    them reaches k (MATCH on the running count), "(none)" past them; "named so far" is
    the row above's list and this account ("none" before the first). ``NotFitNames`` is
    the last row's list."""
    header(ws, first - 1, ["k", "GO account that does not fit", "named so far"])
    account, count = column_range(PLAN, "account"), column_range(PLAN, "not_fitting")
    for k in range(1, NAMES_MOST + 1):
        r = first + k - 1
        shown = f"A{r}<=MIN(NotFitCount,NamesShown)"
        ws.cell(row=r, column=1, value=k)
        ws.cell(
            row=r, column=2, value=f'=IF({shown},INDEX({account},MATCH(A{r},{count},0)),"(none)")'
        )
        ws.cell(
            row=r,
            column=3,
            value=f'=IF({shown},IF(A{r}=1,B{r},C{r - 1}&", "&B{r}),IF(A{r}=1,"none",C{r - 1}))',
        )
    define_name(wb, "NotFitNames", ws, f"C{first + NAMES_MOST - 1}")


def _capacity(wb: Workbook, slots: int, list_row: int) -> None:
    ws = wb.create_sheet("Capacity")
    title(ws, "Capacity", "")
    ws["A2"] = (
        '="Hours per "&HoursPeriod&": what the GO accounts need against what each owner has. '
        'Load = hours needed / hours available. NO-GO accounts need no hours: theirs are freed."'
    )
    header(
        ws,
        HEADER_ROW,
        [
            "owner",
            "accounts",
            "GO accounts",
            "hours needed (GO)",
            "hours freed (NO-GO)",
            "hours available",
            "Load",
            "GO accounts that fit",
            "status",
        ],
    )
    owner, effort, decision = col("owner"), col("effort_hours"), col("decision")
    plan_owner, plan_fits = PLAN_SPEC.ref("owner"), PLAN_SPEC.ref("fits")
    for i in range(slots):
        r = FIRST_ROW + i
        name, avail = f"Inputs!$C${list_row + i}", f"Inputs!$D${list_row + i}"
        crit = criterion(name)
        ws.cell(row=r, column=1, value=f'=IF(LEN({name})=0,"(empty slot)",{name})')
        cells = [
            (f"=IF(LEN({name})=0,0,COUNTIFS({owner},{crit}))", "#,##0"),
            (f'=IF(LEN({name})=0,0,COUNTIFS({owner},{crit},{decision},"GO"))', "#,##0"),
            (f'=IF(LEN({name})=0,0,SUMIFS({effort},{owner},{crit},{decision},"GO"))', "#,##0.0"),
            (f'=IF(LEN({name})=0,0,SUMIFS({effort},{owner},{crit},{decision},"<>GO"))', "#,##0.0"),
            (f"={avail}", "#,##0.0"),
            (f'=IF(F{r}=0,IF(D{r}=0,"no hours needed","no hours set"),D{r}/F{r})', "0%"),
            (f'=IF(LEN({name})=0,0,COUNTIFS({plan_owner},{crit},{plan_fits},"yes"))', "#,##0"),
            (f'=IF(D{r}>F{r},"OVER CAPACITY","ok")', "General"),
        ]
        for c, (formula, fmt) in enumerate(cells, start=2):
            ws.cell(row=r, column=c, value=formula).number_format = fmt
    last = FIRST_ROW + slots - 1
    total = last + 1
    ws.cell(row=total, column=1, value="Listed owners").font = Font(bold=True)
    for c, fmt in ((2, "#,##0"), (3, "#,##0"), (4, "#,##0.0"), (5, "#,##0.0"), (6, "#,##0.0")):
        letter = get_column_letter(c)
        ws.cell(
            row=total, column=c, value=f"=SUM({letter}{FIRST_ROW}:{letter}{last})"
        ).number_format = fmt
    define_name(wb, "OwnerHours", ws, f"D{total}")
    define_name(wb, "OwnerFreedHours", ws, f"E{total}")
    team = [
        ("PeriodShown", "Period of the hours", "=HoursPeriod", "General"),
        ("OwnerCount", "Owners listed", "=SUMPRODUCT(--(LEN(OwnerList)>0))", "#,##0"),
        (
            "AccountsPerOwner",
            "Accounts per listed owner",
            '=IF(OwnerCount=0,"no owners listed",AccountCount/OwnerCount)',
            "#,##0.0",
        ),
        (
            "UnlistedOwnerAccounts",
            "Accounts whose owner is blank or not listed (no hours: a GO one never fits)",
            f"=AccountCount-B{total}",
            "#,##0",
        ),
        (
            "UnlistedOwnerHours",
            "Effort hours of those accounts",
            f"=TotalEffort-D{total}-E{total}",
            "#,##0.0",
        ),
        (
            "TeamLoad",
            "Team Load: hours GO accounts need / hours available",
            f'=IF(F{total}=0,"no hours set",SUMIFS({effort},{decision},"GO")/F{total})',
            "0%",
        ),
        (
            "OwnersOver",
            "Owners over capacity (Load over 100 %)",
            f'=COUNTIF(I{FIRST_ROW}:I{last},"OVER CAPACITY")',
            "#,##0",
        ),
        ("NotFitCount", "GO accounts that do not fit", f'=COUNTIF({plan_fits},"no")', "#,##0"),
        (
            "NotFitList",
            "Which (the first ones, in plan order)",
            '=IF(NotFitCount=0,"none",NotFitNames'
            '&IF(NotFitCount>NamesShown," and "&(NotFitCount-NamesShown)&" more",""))',
            "General",
        ),
        (
            "PlanVerdict",
            "Plan: GO when every GO account fits its owner's hours, else NO GO",
            '=IF(NotFitCount=0,"GO","NO GO")',
            "General",
        ),
    ]
    below = named_facts(wb, ws, total + 2, team, value_column=4)
    _not_fitting(wb, ws, below + 2)
    add_chart(
        ws,
        "K4",
        "Hours needed (GO), freed (NO-GO) and available per owner",
        Reference(ws, min_col=4, max_col=6, min_row=HEADER_ROW, max_row=last),
        Reference(ws, min_col=1, min_row=FIRST_ROW, max_row=last),
    )
    finish(
        ws,
        widths={"A": 40, "B": 10, "C": 10, "D": 14, "E": 14, "F": 14, "G": 10, "H": 12, "I": 16},
        title_rows=f"{HEADER_ROW}:{HEADER_ROW}",
    )


__all__ = ["ACCOUNT_COLUMNS", "build", "col", "LETTERS", "SPEC", "TABLE", "FOCUS_SPEC", "PLAN_SPEC"]
