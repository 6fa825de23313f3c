"""The template kinds every front door offers: one registry, one way to build.

The command line, the HTTP API (and the task pane on it), xlwings Lite and the
classic add-in's RunPython button all call :func:`build`: a kind's name, its data
(a file, or a table of cells with :class:`xlsales.records.Cells`) and its options in,
a workbook and the provenance of what was read out. A builder module in
``workbook_templates`` that is not described here yet (a new template) is offered
empty, so it appears in every front door as soon as it lands.
"""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from xlsales.errors import XlsalesError
from xlsales.funnel import ROUNDINGS
from xlsales.records import Cells, Provenance

Data = str | Path | Cells


@dataclass(frozen=True)
class Option:
    """One option of a template: a CLI flag, a JSON key and a form field of the pane."""

    name: str  # JSON key and form field; the CLI flag is --name with - for _
    label: str
    type: str  # "number", "numbers" (comma-separated), "date", "text" or "choice"
    default: Any = None
    choices: tuple[str, ...] = ()
    required: bool = False

    def parse(self, value: Any) -> Any:
        """The value as the builder wants it; blank means the default."""
        if value is None or (isinstance(value, str) and value.strip() == ""):
            if self.required:
                raise XlsalesError(f"option {self.name} is required: {self.label}")
            return self.default
        if self.choices:
            if str(value) not in self.choices:
                raise XlsalesError(
                    f"option {self.name}={value!r} must be one of: {', '.join(self.choices)}"
                )
            return str(value)
        if self.type == "number":
            try:
                if isinstance(value, bool):
                    raise ValueError
                number = float(value)
            except (TypeError, ValueError):
                raise XlsalesError(f"option {self.name}={value!r} is not a number") from None
            if number != number or number in (float("inf"), float("-inf")):
                raise XlsalesError(f"option {self.name}={value!r} must be a finite number")
            return number
        if self.type == "numbers":  # comma-separated text, or a list of numbers
            items = value.split(",") if isinstance(value, str) else value
            if not isinstance(items, (list, tuple)):
                raise XlsalesError(
                    f"option {self.name}={value!r} must be numbers separated by commas"
                )
            return [self._item(i, item) for i, item in enumerate(items)]
        if self.type == "date":
            if isinstance(value, dt.date):
                return value
            try:
                return dt.date.fromisoformat(str(value).strip()[:10])
            except ValueError:
                raise XlsalesError(
                    f"option {self.name}={value!r} is not a date (use YYYY-MM-DD)"
                ) from None
        return str(value).strip()

    def _item(self, i: int, item: Any) -> float:
        try:
            if isinstance(item, bool):
                raise ValueError
            number = float(item.strip() if isinstance(item, str) else item)
        except (TypeError, ValueError):
            raise XlsalesError(
                f"option {self.name} item {i + 1}={item!r} is not a number"
            ) from None
        return number

    def describe(self) -> dict[str, Any]:
        default = self.default.isoformat() if isinstance(self.default, dt.date) else self.default
        return {
            "name": self.name,
            "label": self.label,
            "type": self.type,
            "default": default,
            "choices": list(self.choices),
            "required": self.required,
        }


@dataclass(frozen=True)
class Kind:
    """A template: its name (``account-matrix``), what its table holds, its options, how
    to build it empty, and how to build it from data (None: empty only)."""

    name: str
    title: str
    purpose: str
    table: str  # what the selected table holds, e.g. "accounts"
    columns: str  # its header, for help texts
    empty: Callable[[], Workbook]
    filled: Callable[[Data | None, dict[str, Any]], tuple[Workbook, Provenance | None]] | None = (
        None
    )
    options: tuple[Option, ...] = field(default_factory=tuple)
    # the option that, given without a table, builds the template from typed inputs
    # (``filled`` is then called with data None); None: no typed form
    typed: str | None = None
    needs: tuple[str, ...] = ()  # the options a typed build needs, ``typed`` among them

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "purpose": self.purpose,
            "table": self.table,
            "columns": self.columns,
            "from_table": self.filled is not None,
            "typed": self.typed,
            "options": [o.describe() for o in self.options],
        }


def _account_matrix(data: Data, o: dict[str, Any]) -> tuple[Workbook, Provenance]:
    from workbook_templates import account_matrix
    from xlsales import records
    from xlsales.accounts import AccountRules

    frame, source = records.load_accounts(data, o["map"], o["decimal"], o["dates"])
    rules = AccountRules(
        o["a"], o["b"], o["go_max_class"], o["min_return"], o["hours_per_owner"], o["period"]
    )
    return account_matrix.build(frame, rules, sources=[source]), source


def _prospecting_log(data: Data, o: dict[str, Any]) -> tuple[Workbook, Provenance]:
    from workbook_templates import prospecting_log
    from xlsales import records

    frame, source = records.load_activities(data, o["map"], o["decimal"], o["dates"])
    wb = prospecting_log.build(
        frame,
        start=o["start"],
        as_of=o["as_of"],
        target_wins=o["target_wins"],
        sources=[source],
    )
    return wb, source


def read_crm(data: Data, stages: str, mapping: Mapping[str, str] | None = None):
    """A CRM export (file or table of cells) checked by :func:`xlsales.deals.read_deals`,
    with its provenance."""
    from xlsales import deals, records

    if isinstance(data, Cells):
        with data.sheet_rows():
            found = deals.read_deals(data.frame(), stages, mapping, source=data.name)
        return found, data.provenance(found.rows_read)
    found = deals.read_deals(data, stages, mapping)
    return found, records.provenance(Path(data), found.rows_read)


def planner_from(found, target: float, as_of: dt.date, sources=()) -> Workbook:
    """A funnel planner with the measured rates and lead times, due a month after they run
    out, the last full month's entries per stage as this period's actuals, the last 12
    months' plan against actual and the terms of pipeline velocity, all as of ``as_of``."""
    from workbook_templates import funnel_planner
    from xlsales import deals
    from xlsales.errors import UndefinedError

    rates, days = deals.measured_plan(found, as_of)
    try:
        due = as_of + dt.timedelta(days=int(sum(days)) + 30)
    except OverflowError:
        raise XlsalesError(
            f"the planner would be due after 9999-12-31 (as of {as_of} plus the measured "
            "lead times): nothing written"
        ) from None
    last_month = (as_of.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    entries = deals.entries_per_period(found, as_of=as_of)
    actual = list(entries.loc[last_month]) if last_month in entries.index else None
    tracking = deals.period_counts(found, "M", as_of, funnel_planner.PERIODS)
    try:
        velocity = deals.record_metrics(found, as_of)
    except UndefinedError:  # no closed deal yet: the terms stay blank, never 0
        velocity = None
    return funnel_planner.build(
        target,
        rates,
        days,
        found.stages,
        due,
        actual=actual,
        sources=list(sources),
        tracking=tracking,
        velocity=velocity,
    )


def _funnel_planner(data: Data | None, o: dict[str, Any]) -> tuple[Workbook, Provenance | None]:
    """Typed (``rates`` given): the plan from the typed inputs, its Actuals filled from the
    CRM table when there is one. Else the measured planner of the CRM table."""
    from workbook_templates import funnel_planner
    from xlsales import deals
    from xlsales.errors import UndefinedError

    found = source = None
    if data is not None:
        if not o["stages"]:
            raise XlsalesError(
                "funnel-planner: option stages is required with a CRM table "
                "(its stage order, top first, comma-separated; last = won)"
            )
        found, source = read_crm(data, o["stages"])
        as_of = o["as_of"] or deals.default_as_of(found)
    if o["rates"] is None:  # data is given: build() calls a typed kind without it only typed
        target = 10.0 if o["target"] is None else o["target"]
        return planner_from(found, target, as_of, [source]), source
    stages = [s.strip() for s in o["stages"].split(",")] if o["stages"] else None
    tracking = velocity = None
    if found is not None:
        period = "W" if o["every"] == "week" else "M"
        tracking = deals.period_counts(found, period, as_of, funnel_planner.PERIODS)
        try:
            velocity = deals.record_metrics(found, as_of)
        except UndefinedError:  # no closed deal yet: the terms stay blank, never 0
            velocity = None
    wb = funnel_planner.build(
        o["target"],
        o["rates"],
        o["stage_days"],
        stages,
        o["due"],
        o["rounding"],
        o["every"],
        sources=[source] if source else [],
        periods=o["periods"],
        tracking=tracking,
        velocity=velocity,
    )
    return wb, source


def _pipeline_review(data: Data, o: dict[str, Any]) -> tuple[Workbook, Provenance]:
    from workbook_templates import pipeline_review
    from xlsales import pipeline, records
    from xlsales.exports import DEAL_COLUMNS, parse_map

    stall = pipeline.parse_stage_days(o["stall_days_by_stage"], "stall_days_by_stage") or None
    mapping = parse_map(o["map"], DEAL_COLUMNS + pipeline.OPTIONAL_TEXT) or None
    reading = {"decimal": o["decimal"], "dates": o["dates"]}
    if isinstance(data, Cells):
        with data.sheet_rows():
            review = pipeline.review(
                data.frame(), o["stages"], mapping, o["as_of"], stall, data.name, **reading
            )
        source = data.provenance(review.rows_read)
    else:
        review = pipeline.review(data, o["stages"], mapping, o["as_of"], stall, **reading)
        source = records.provenance(Path(data), review.rows_read)
    return pipeline_review.build(review, [source]), source


ACCOUNTS = (
    "account, owner, cluster, icp_fit (yes/no), revenue, gross_margin (0-1), effort_hours, "
    "hourly_cost, influenceable (yes/no)[, decision (GO, NO-GO or blank), reason]"
)
ACTIVITIES = (
    "date (YYYY-MM-DD), rep, type (call, e-mail, LinkedIn message, meeting, other), prospect, "
    "outcome, pipeline_value, won_value, won_date (blank when nothing was won; never before "
    "the prospect's first activity)"
)
CRM = (
    "a stage history: deal_id, stage, entered_at[, status, amount, owner, closed_at]; or a "
    "snapshot: deal_id, stage, status, created_at, last_change_at[, amount, owner]"
)

REVIEW_CRM = (
    "a stage history: deal_id, stage, entered_at[, status, amount, owner, closed_at, source, "
    "segment, lost_reason]"
)


READING = (  # how a file is read (xlsales.tables): the user's names, decimal mark, date order
    Option("map", "Your column names to ours, e.g. Turnover=revenue,Owner=owner", "text"),
    Option(
        "decimal",
        "Decimal mark (default: comma in a semicolon file, else point)",
        "choice",
        None,
        (".", ","),
    ),
    Option(
        "dates",
        "Order of non-ISO dates: dmy or mdy (default: from the data)",
        "choice",
        None,
        ("dmy", "mdy"),
    ),
)


def _empty(module: str) -> Callable[[], Workbook]:
    def build() -> Workbook:
        return importlib.import_module(f"workbook_templates.{module}").build()

    return build


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind(
            "account-matrix",
            "Account matrix",
            "ABC by revenue and by profit after effort, Suggested decision and Decision "
            "(GO/NO-GO), Load and Fits capacity per owner",
            "accounts",
            ACCOUNTS,
            _empty("account_matrix"),
            _account_matrix,
            (
                Option("a", "A limit (share of revenue)", "number", 0.8),
                Option("b", "B limit (share of revenue)", "number", 0.95),
                Option(
                    "go_max_class",
                    "Worst ABC class by profit after effort that is GO",
                    "choice",
                    "B",
                    ("A", "B", "C"),
                ),
                Option(
                    "min_return",
                    "Minimum return on effort (profit after effort / effort cost)",
                    "number",
                    0.5,
                ),
                Option("hours_per_owner", "Hours available per owner per period", "number", 1200.0),
                Option(
                    "period",
                    "Period of the hours",
                    "choice",
                    "year",
                    ("year", "half year", "quarter", "month"),
                ),
                *READING,
            ),
        ),
        Kind(
            "prospecting-log",
            "Prospecting log",
            "The 30/90-day rule as of an as-of date: Poor prospect and Time lost, 30-day "
            "blocks and their payoff, activities needed per working day, revenue projection",
            "activities",
            ACTIVITIES,
            _empty("prospecting_log"),
            _prospecting_log,
            (
                Option("start", "First day of block 1 (default: first activity)", "date"),
                Option(
                    "as_of",
                    "As-of date: nothing dated after it counts (default: last activity)",
                    "date",
                ),
                Option(
                    "target_wins",
                    "Wins the team still needs in the coming 90 days (split between the reps)",
                    "number",
                ),
                *READING,
            ),
        ),
        Kind(
            "funnel-planner",
            "Funnel planner",
            "Volume per stage for a target, start dates, schedule, plan against actual",
            "CRM export",
            CRM,
            _empty("funnel_planner"),
            _funnel_planner,
            (
                Option(
                    "stages",
                    "Stage order, top first, comma-separated (last = won); needed with a "
                    "CRM table, else optional names (one more than the rates)",
                    "text",
                ),
                Option(
                    "target",
                    "Wins to plan for, per period when the plan recurs (default 10 from a "
                    "CRM table)",
                    "number",
                ),
                Option(
                    "rates",
                    "Step rates, top first, e.g. 0.25,0.3,0.45 (blank with a CRM table: its "
                    "measured rates and lead times)",
                    "numbers",
                ),
                Option("stage_days", "Days in each stage, one per rate, e.g. 10,14,21", "numbers"),
                Option("due", "Date the first target must be won", "date"),
                Option(
                    "every",
                    "How often the target recurs",
                    "choice",
                    "month",
                    ("once", "week", "month"),
                ),
                Option("periods", "Periods planned, 1 to 12 (default 12; 1 when once)", "number"),
                Option("rounding", "Rounding of the volumes", "choice", "end", ROUNDINGS),
                Option(
                    "as_of",
                    "As-of date of the CRM table (default: its latest date)",
                    "date",
                ),
            ),
            typed="rates",
            needs=("target", "rates", "stage_days", "due"),
        ),
        Kind(
            "pipeline-review",
            "Pipeline review",
            "Weighted forecast per close month, conversion, cycle times, stalled deals, what-if",
            "CRM stage history",
            REVIEW_CRM,
            _empty("pipeline_review"),
            _pipeline_review,
            (
                Option(
                    "stages",
                    "Stage order, top first, comma-separated (last = won)",
                    "text",
                    required=True,
                ),
                Option("as_of", "As-of date (default: the latest date)", "date"),
                Option(
                    "stall_days_by_stage",
                    'Stall limits per stage, e.g. "Qualified=14,Proposal=21" '
                    "(default: each stage's 90th percentile)",
                    "text",
                ),
                *READING,
            ),
        ),
    )
}


def _discover() -> None:
    """Offer every other builder module in workbook_templates, empty."""
    import workbook_templates

    names = set(getattr(workbook_templates, "TEMPLATES", ()))
    names |= {
        m.name.replace("_", "-")
        for m in pkgutil.iter_modules(workbook_templates.__path__)
        if not m.name.startswith("_") and m.name != "engine"
    }
    for name in sorted(names - set(KINDS)):
        module = importlib.import_module(f"workbook_templates.{name.replace('-', '_')}")
        if callable(getattr(module, "build", None)):
            summary = (module.__doc__ or name).strip().splitlines()[0]
            KINDS[name] = Kind(
                name, name.replace("-", " ").capitalize(), summary, "", "", module.build
            )


_discover()


def kind(name: str) -> Kind:
    """The registered kind, or an error naming the ones there are."""
    if name not in KINDS:
        raise XlsalesError(f"unknown template {name!r}: use one of {', '.join(KINDS)}")
    return KINDS[name]


def build(
    name: str, data: Data | None = None, options: Mapping[str, Any] | None = None
) -> tuple[Workbook, Provenance | None]:
    """Build template ``name``: empty without data, else from a file or a table of cells;
    a kind with typed inputs (``Kind.typed``) is built from them when that option is given,
    with or without data.

    Options are checked by name (an unknown one is refused) and converted to numbers
    and dates; blank ones take their defaults. Bad data is refused with one line naming
    the source, the row as the sheet shows it and the column; nothing is built.
    """
    k = kind(name)
    given = dict(options or {})
    unknown = sorted(set(given) - {o.name for o in k.options})
    if unknown:
        raise XlsalesError(
            f"{name}: unknown option(s) {', '.join(unknown)}; "
            f"use {', '.join(o.name for o in k.options) or 'none'}"
        )
    typed = k.typed is not None and not _blank(given.get(k.typed))
    if data is None and not typed:
        return k.empty(), None
    if k.filled is None:
        raise XlsalesError(f"{name}: is offered empty only (no table is read yet)")
    parsed = {o.name: o.parse(given.get(o.name)) for o in k.options}
    missing = [n for n in k.needs if parsed[n] is None] if typed else []
    if missing:
        raise XlsalesError(f"{name}: typed inputs need {', '.join(missing)}")
    return k.filled(data, parsed)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "") or value == []
