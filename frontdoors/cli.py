"""The ``xlsales`` command: parses arguments, calls the library, prints or saves."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gc
import io
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import xlsales
from frontdoors import progress
from xlsales import funnel
from xlsales.errors import XlsalesError

SAMPLE = {
    "target": 10,
    "stages": "approached,conversation,meeting,proposal,won",
    "rates": "0.3,0.5,0.6,0.4",
    "stage_days": "7,7,14,14",
}


def _floats(text: str, name: str) -> list[float]:
    out = []
    for i, part in enumerate(text.split(",")):
        try:
            out.append(float(part))
        except ValueError:
            raise XlsalesError(f"--{name} item {i + 1}={part.strip()!r} is not a number") from None
    return out


def _cmd_funnel(args: argparse.Namespace) -> None:
    rates = _floats(args.rates, "rates")
    stages = [s.strip() for s in args.stages.split(",")] if args.stages else None
    rows = funnel.required_working(args.target, rates, args.rounding, stages)
    width = max(len(r.stage) for r in rows)
    print(f"To win {args.target:g} ({args.rounding} rounding) you need:")
    print(f"  {'stage':<{width}}  {'rate to next':>12}  {'exact need':>10}  {'plan':>6}")
    for r in rows:
        rate = f"{r.rate:.1%}" if r.rate is not None else ""
        print(f"  {r.stage:<{width}}  {rate:>12}  {r.exact:>10.2f}  {r.volume:>6}")
    if args.due:
        days = _floats(args.stage_days, "stage-days")
        schedule = funnel.funnel_schedule(
            args.target,
            rates,
            days,
            _date(args.due, "due"),
            args.rounding,
            args.every,
            args.periods,
            stages,
        )
        print(f"\nBackward schedule (stage days {args.stage_days}):")
        for step in schedule:
            print(
                f"  period {step.period} due {step.due}: {step.stage:<{width}} {step.volume:>6} "
                f"by {step.start}"
            )


ACCOUNTS_HELP = (
    "accounts file (.csv or .xlsx) with the columns: account, owner, cluster, icp_fit (yes/no), "
    "revenue, gross_margin (0-1), effort_hours, hourly_cost, influenceable (yes/no), and "
    "optionally decision (GO, NO-GO or blank: your manual decision) and reason; or an account "
    "matrix xlsales made that you edited (accounts added, manual decisions typed): built "
    "again, in order, with every row and decision"
)
ACTIVITIES_HELP = (
    "activities file (.csv or .xlsx) with the columns: date (YYYY-MM-DD), rep, type (call, "
    "e-mail, LinkedIn message, meeting, other), prospect, outcome, pipeline_value, won_value, "
    "won_date (blank when nothing was won)"
)


def _date(text: str | None, name: str) -> dt.date | None:
    if text is None:
        return None
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise XlsalesError(f"--{name}={text!r} is not a date (use YYYY-MM-DD)") from None
    if not funnel.FIRST_DATE <= day <= funnel.LAST_DATE:
        raise XlsalesError(
            f"--{name}={text} must be a date Excel can show "
            f"({funnel.FIRST_DATE} to {funnel.LAST_DATE})"
        )
    return day


def _write(wb, path: Path, force: bool) -> None:
    from workbook_templates import save

    save(wb, path, force)
    print(f"wrote {path}")


def _cmd_templates(args: argparse.Namespace) -> None:
    from frontdoors.kinds import KINDS

    out = Path(args.out)
    _refuse_existing(out, KINDS, args.force)
    for name, kind in KINDS.items():
        _write(kind.empty(), out / f"{name}.xlsx", args.force)


def _refuse_existing(out: Path, names, force: bool) -> None:
    """Check every target first, so that nothing is written when one would be refused."""
    if force:
        return
    taken = [str(out / f"{n}.xlsx") for n in names if (out / f"{n}.xlsx").exists()]
    if taken:
        raise XlsalesError(f"{', '.join(taken)} exist(s): nothing written (use --force to replace)")


def _cmd_demo(args: argparse.Namespace) -> None:
    from workbook_templates import account_matrix, prospecting_log
    from xlsales import deals, samples

    out = Path(args.out)
    _refuse_existing(
        out, ("account-matrix", "prospecting-log", "funnel-planner", "pipeline-review"), args.force
    )
    accounts = samples.sample_accounts()
    activities = samples.sample_activities()
    _write(
        account_matrix.build(accounts, sources=[samples.provenance(accounts, "sample_accounts")]),
        out / "account-matrix.xlsx",
        args.force,
    )
    _write(
        prospecting_log.build(
            activities,
            target_wins=12,
            sources=[samples.provenance(activities, "sample_activities")],
        ),
        out / "prospecting-log.xlsx",
        args.force,
    )
    export = samples.sample_crm()
    crm_source = [samples.provenance(export, "sample_crm")]
    crm = deals.read_deals(export, samples.CRM_STAGES)
    crm_as_of = deals.default_as_of(crm)
    _write(_planner_from(crm, 10, crm_as_of, crm_source), out / "funnel-planner.xlsx", args.force)
    _write(_review_demo(export, crm_source), out / "pipeline-review.xlsx", args.force)
    print(
        f"built-in sample data: {len(accounts)} accounts, {len(activities)} activities, "
        f"{len(crm.deals)} CRM deals (the planner uses their measured rates and lead times); "
        "open the files in Excel or LibreOffice (they calculate on open)"
    )


def _review_demo(export, sources):
    """The pipeline review of the built-in sample export (as of its latest date)."""
    from workbook_templates import pipeline_review
    from xlsales import pipeline, samples

    review = pipeline.review(export, samples.CRM_STAGES, source="built-in sample CRM export")
    return pipeline_review.build(review, sources)


def _cmd_template(args: argparse.Namespace) -> None:
    from frontdoors import kinds

    out = Path(args.out)
    if out.exists() and not args.force:
        raise XlsalesError(f"{out} exists: not overwritten (use --force to replace it)")
    k = kinds.kind(args.kind)
    if k.typed:
        _template_typed(args, k)
        return
    if k.filled is None:  # a template offered empty only
        _write(k.empty(), out, args.force)
        return
    flag = FILE_FLAGS.get(k.table, "crm")
    data = getattr(args, flag)
    if args.kind == "pipeline-review" and not args.stages:
        from xlsales import samples

        args.stages = ",".join(samples.CRM_STAGES)
    if not data:
        raise XlsalesError(f"template {args.kind} needs --{flag} FILE")
    options = _options(args, k)
    if flag == "crm":
        wb, source = kinds.build(args.kind, data, options)
        _write(wb, out, args.force)
        print(f"{source.source}: {source.rows} rows read; sha256 {source.sha256[:12]}...")
        return
    conventions, ignored = _how_read(args, data)
    rows = progress.rows_in(data)
    warning = progress.size_warning(rows) if args.kind == "account-matrix" else None
    if warning:
        print(warning, file=sys.stderr, flush=True)
    with progress.working(f"{args.kind}, {rows or 0:,} rows", rows, progress.TEMPLATE_ROWS) as step:
        step("reading and building")
        wb, source = kinds.build(args.kind, data, options)
        step("saving")
        _write(wb, out, args.force)
    what = {
        "account-matrix": "accounts (sorted by revenue, largest first)",
        "prospecting-log": "activities (oldest first)",
    }.get(args.kind, "rows")
    print(
        f"{source.source}: {source.rows} rows read, {source.rows} {what} written; "
        f"sha256 {source.sha256[:12]}..."
    )
    print(f"read as: {conventions.describe()}" + (f"; --map {args.map}" if args.map else ""))
    if ignored:
        print(f"ignored column(s), not used: {', '.join(ignored)}")


FILE_FLAGS = {"accounts": "accounts", "activities": "activities"}  # what a kind reads: its flag


class _KindNames:
    """The registry's template names for argparse, read when first needed: importing
    every builder takes seconds that ``xlsales funnel`` should not wait for."""

    def _names(self):
        from frontdoors import kinds

        return list(kinds.KINDS)

    def __iter__(self):
        return iter(self._names())

    def __contains__(self, name) -> bool:
        return name in self._names()


def _options(args: argparse.Namespace, k) -> dict[str, Any]:
    """The kind's options from the flags: --name-with-dashes for each option name."""
    options = {}
    for o in k.options:
        value = getattr(args, o.name, None)
        flag = o.name.replace("_", "-")
        if o.type == "date":
            value = _date(value, flag)
        elif o.type == "numbers" and isinstance(value, str):
            value = _floats(value, flag)
        options[o.name] = value
    return options


def _how_read(args: argparse.Namespace, data: str):
    """The file's conventions and the columns not used, --map checked first."""
    from xlsales import records
    from xlsales.exports import parse_map

    expected = (
        records.ACCOUNT_COLUMNS if args.kind == "account-matrix" else records.ACTIVITY_COLUMNS
    )
    parse_map(args.map, list(expected))
    return records.columns_read(data, expected, args.map, args.decimal, args.dates)


def _analyze_progress(file: str | None):
    """The live line while a large history is read (see frontdoors.progress)."""
    if file is None or not sys.stderr.isatty():
        return contextlib.nullcontext()
    rows = progress.rows_in(file)
    return progress.working(f"reading {rows or 0:,} history rows", rows, progress.ANALYZE_ROWS)


def _template_typed(args: argparse.Namespace, k) -> None:
    """``template funnel-planner`` from typed inputs (and, with --crm, the actuals)."""
    from frontdoors import kinds

    missing = [f"--{n.replace('_', '-')}" for n in k.needs if getattr(args, n) is None]
    if missing:
        raise XlsalesError(f"template {k.name} needs {', '.join(missing)}")
    if args.crm and not args.stages:
        raise XlsalesError(f"template {k.name} --crm needs --stages (the CRM's stage order)")
    options = _options(args, k)
    wb, source = kinds.build(k.name, args.crm, options)
    _write(wb, Path(args.out), args.force)
    plan = funnel.required_volumes(args.target, options["rates"], args.rounding)
    stages = [s.strip() for s in args.stages.split(",")] if args.stages else None
    names = stages or funnel.stage_names(None, len(plan))
    print(
        f"funnel planner: {args.target:g} wins {'once' if args.every == 'once' else 'every ' + args.every}, "
        f"first due {options['due']}: " + ", ".join(f"{s} {v}" for s, v in zip(names, plan))
    )
    if source is not None:
        print(
            f"{source.source}: {source.rows} rows read into the Actuals; "
            f"sha256 {source.sha256[:12]}..."
        )


def _pct(rate) -> str:
    return "n/a" if rate is None else f"{rate:.1%}"


def _cmd_analyze(args: argparse.Namespace) -> None:
    from xlsales import deals, pipeline
    from xlsales.errors import UndefinedError
    from xlsales.exports import parse_map

    if args.file is None:  # the built-in sample (imported only for it)
        from xlsales import samples
    if args.file is None and not args.sample:
        raise XlsalesError("give a CRM export FILE, or --sample for the built-in one")
    # every argument is checked before the file is read and anything is printed
    mapping = parse_map(args.map) or None
    as_of_given = _date(args.as_of, "as-of")
    for name, day in (("as-of", as_of_given), ("since", _date(args.since, "since"))):
        if day is not None and day > deals.LAST_DEAL_DATE:
            raise XlsalesError(
                f"--{name}={day} is after {deals.LAST_DEAL_DATE}, {deals.WHY_LAST_DEAL_DATE}"
            )
    funnel_bounds = funnel.MAX_VOLUME
    pipeline.parse_stage_days(args.stall_days_by_stage, "--stall-days-by-stage")
    if args.stall_days is not None and not 0 <= args.stall_days <= funnel.MAX_STAGE_DAYS:
        raise XlsalesError(
            f"--stall-days={args.stall_days:g} must be between 0 and {funnel.MAX_STAGE_DAYS}"
        )
    if not 0 <= args.target <= funnel_bounds:
        raise XlsalesError(f"--target={args.target:g} must be between 0 and {funnel_bounds:g}")
    if args.show < 0:
        raise XlsalesError(f"--show={args.show} must be 0 or more")
    if args.planner:
        planner = Path(args.planner)
        if planner.suffix.lower() != ".xlsx":
            raise XlsalesError(f"--planner {planner}: the file name must end in .xlsx")
        if planner.exists() and not args.force:
            raise XlsalesError(f"--planner {planner} exists: not overwritten (use --force)")
    stages = args.stages or (",".join(samples.CRM_STAGES) if args.file is None else None)
    data = samples.sample_crm() if args.file is None else args.file
    with _analyze_progress(args.file):
        found = deals.read_deals(
            data,
            stages,
            mapping,
            source="built-in sample CRM export",
            preset=args.preset,
            decimal=args.decimal,
            dates=args.dates,
            keep_rows=False,
        )
    table = found.deals
    as_of = as_of_given or deals.default_as_of(found)
    print(
        f"{found.source}: {found.rows_read} rows read ({found.shape}), {len(table)} deals, "
        f"as of {as_of}"
    )
    print(f"read with: {found.read_with}; {found.conventions}")
    if found.ignored:
        print(f"ignored column(s), not used: {', '.join(found.ignored)}")
    rule = "the built-in sample's" if args.file is None and not args.stages else found.stage_rule
    print(
        f"stage order ({rule}): {', '.join(found.stages)}"
        + ("" if args.stages else "  (give --stages to set it)")
    )
    if found.lost_at_first:
        print(
            f"{found.lost_at_first} lost deal(s) do not show the stage they were lost at: "
            f"counted as lost at {found.stages[0]}"
        )
    if len(found.duplicates):
        first = ", ".join(
            f"row {r.row} ({r.deal_id} {r.stage})" for r in found.duplicates.head(5).itertuples()
        )
        print(
            f"duplicates: {len(found.duplicates)} repeated deal/stage rows counted once: {first}"
            + (" ..." if len(found.duplicates) > 5 else "")
        )
    if found.out_of_order:
        print(
            f"stage dates against the stage order: {len(found.out_of_order)} deal(s): "
            f"{', '.join(found.out_of_order[:5])}{' ...' if len(found.out_of_order) > 5 else ''}"
        )
    real = deals.conversion(found, as_of=as_of)
    width = max(len(s) for s in found.stages)
    print(
        "\nStep conversion: of the deals that entered a stage, the share that reached the next "
        "by the as-of date (open deals count as not yet converted):"
    )
    print(f"  {'stage':<{width}}  {'entered':>8}  {'went on':>8}  {'rate':>7}  {'open':>6}")
    for r in real.itertuples():
        went = "" if r.went_on is None else r.went_on
        rate = "" if r.went_on is None else _pct(r.rate)
        print(
            f"  {str(r.stage):<{width}}  {r.entered:>8}  {str(went):>8}  {rate:>7}  "
            f"{r.open_here:>6}"
        )
    if args.by:
        groups = deals.conversion(found, by=args.by, period=args.period, as_of=as_of)
        label = "owner" if args.by == "owner" else f"cohort (created per {args.period})"
        print(f"\nStep conversion per {label}: rate (went on / entered, open) per step")
        for key, group in groups.groupby("group", sort=True):
            steps = "  ".join(
                f"{_pct(r.rate)} ({r.went_on}/{r.entered}, {r.open_here} open)"
                for r in group.iloc[:-1].itertuples()
            )
            print(f"  {str(key):<16} {steps}")
    if found.history is not None:
        print("\nStage lead times (days before the next stage: median, 25th-75th percentile):")
        for d in deals.stage_durations(found, as_of).to_dict("records"):
            spread = (
                "no deal moved on"
                if d["median_days"] is None
                else f"{d['median_days']:g} ({d['p25_days']:g}-{d['p75_days']:g}), {d['deals']} deals"
            )
            print(f"  {d['stage']:<{width}}  {spread}")
    try:
        metrics = deals.record_metrics(found, as_of, _date(args.since, "since"))
    except UndefinedError as exc:  # say what cannot be computed, and go on
        print(f"\nWin rate and pipeline velocity: not computable ({exc})")
    else:
        _print_velocity(metrics)
    late, rule = _stalled(found, as_of, args.stall_days, args.stall_days_by_stage)
    print(
        f"\nStalled: {len(late)} open deal(s) idle longer than {rule}"
        " (largest first; force a decision):"
    )
    shown = late.head(args.show)
    ids = max((len(str(d)) for d in shown["deal_id"]), default=0)  # columns line up
    owners = max((len(str(o)) for o in shown["owner"]), default=0)
    for r in shown.itertuples():
        print(
            f"  {r.deal_id:<{ids}}  {r.stage:<{width}}  {r.owner:<{max(owners, 14)}}"
            f"  {r.amount:>12,.0f}  {r.idle_days} days"
        )
    if len(late) > args.show:
        print(f"  ... and {len(late) - args.show} more (--show N lists more)")
    try:
        rates, _days = deals.measured_plan(found, as_of)
        plan = funnel.required_volumes(args.target, rates)
    except UndefinedError as exc:
        print(f"\nPlan for {args.target:g} wins: not computable ({exc})")
        if args.planner:
            raise XlsalesError(f"--planner {args.planner}: not written: {exc}") from None
        return
    print(
        f"\nTo win {args.target:g} at the measured rates: "
        + ", ".join(f"{s} {v}" for s, v in zip(found.stages, plan))
    )
    if args.planner:
        from xlsales import records

        sources = [
            samples.provenance(data, "sample_crm")
            if args.file is None
            else records.provenance(Path(args.file), found.rows_read)
        ]
        _write(_planner_from(found, args.target, as_of, sources), Path(args.planner), args.force)


def _days(x) -> str:
    return "n/a" if x is None else f"{x:,.1f}"


def _print_velocity(m: dict) -> None:
    """Win rate, sales cycle and pipeline velocity with each of their terms (DOMAIN.md)."""
    period = f"from {m['since']} " if m["since"] else ""
    print(
        f"\nWin rate {_pct(m['win_rate'])} = won / (won + lost) = {m['won']} / "
        f"({m['won']} + {m['lost']}), deals closed {period}up to {m['as_of']}"
    )
    print(
        f"Sales cycle (days from creation to won, {m['won']} won deals): "
        f"median {_days(m['cycle_median_days'])}, 80th percentile {_days(m['cycle_p80_days'])}, "
        f"90th percentile {_days(m['cycle_p90_days'])}, average {_days(m['average_cycle_days'])}"
    )
    amount = m["average_won_amount"]
    print("Pipeline velocity = open deals x win rate x average won amount / average sales cycle")
    if m["velocity_per_day"] is None:
        if not m["won"]:
            why = f"no deal won up to {m['as_of']}"
        else:
            why = "no amount column" if amount is None else "no won deal with a cycle"
        print(f"  = n/a ({why}): {m['open']} open deals, win rate {_pct(m['win_rate'])}")
        return
    print(
        f"  = {m['open']} x {_pct(m['win_rate'])} x {amount:,.0f} / "
        f"{_days(m['average_cycle_days'])} days = {m['velocity_per_day']:,.0f} per day"
    )


def _stalled(found, as_of: dt.date, every: float | None, by_stage: str | None):
    """The stalled deals and the rule in words: --stall-days for every stage, the
    by-stage limits over it, the 90th percentile where neither is given."""
    from xlsales import deals, pipeline

    limits: Any = pipeline.parse_stage_days(by_stage, "--stall-days-by-stage")
    if every is not None:
        limits = {s: every for s in found.stages[:-1]} | limits
    late = deals.stalled(found, as_of, limits or None)
    table = deals.stall_limits(found, limits or None, as_of)
    rule = ", ".join(
        f"{r.stage} {'no limit' if r.limit_days is None else f'{r.limit_days:g} days'}"
        + (" (90th percentile)" if r.set_by == "default" else "")
        for r in table.itertuples()
    )
    return late, f"their stage's limit: {rule}"


def _planner_from(found, target: float, as_of: dt.date, sources=()):
    from frontdoors.kinds import planner_from

    return planner_from(found, target, as_of, sources)


NAMESPACE = "XLSALES"


def server_environment() -> dict[str, str]:
    """Settings for xlwings Server running the xlsales functions (namespace XLSALES).

    They must be in the environment before xlwings is first imported, so the project
    folder is found without importing :mod:`udfs`.
    """
    import importlib.util

    spec = importlib.util.find_spec("udfs")
    if spec is None or not spec.submodule_search_locations:
        raise XlsalesError("the udfs package is not installed: pip install 'xlsales[server]'")
    udfs_dir = list(spec.submodule_search_locations)[0]
    return {
        "XLWINGS_PROJECT_DIR": str(Path(udfs_dir) / "_server"),
        "XLWINGS_ON_SERVER": "true",
        "XLWINGS_FUNCTIONS_NAMESPACE": NAMESPACE,
        "XLWINGS_PROJECT_NAME": "xlsales",
        "XLWINGS_ENVIRONMENT": "prod",  # the namespace stays XLSALES (dev adds _DEV)
        "XLWINGS_ENABLE_HOTRELOAD": "false",
        "XLWINGS_ENABLE_EXAMPLES": "false",
    }


FUNCTIONS_ELSEWHERE = (
    "the Excel functions need the classic xlwings add-in, xlwings Lite or an xlwings Server "
    "licence (pip install 'xlsales[server]' and set XLWINGS_LICENSE_KEY; 'noncommercial' is "
    "the key for noncommercial use): see install.md"
)


def _functions_app():
    """xlwings Server with the xlsales functions, or None (and why) when it cannot run here."""
    import importlib.util
    import os

    if importlib.util.find_spec("xlwings_server") is None:
        return None, "xlwings Server is not installed"
    if not os.environ.get("XLWINGS_LICENSE_KEY"):
        return None, "XLWINGS_LICENSE_KEY is not set"
    os.environ.update(server_environment())
    from xlwings_server.main import main_app

    return main_app, ""


def _cmd_serve(args: argparse.Namespace) -> None:
    try:
        import uvicorn

        from frontdoors import web
    except ImportError as exc:
        raise XlsalesError(
            f"xlsales serve needs FastAPI and uvicorn ({exc.name} is missing): "
            "pip install 'xlsales[web]'"
        ) from None
    functions, why = _functions_app()
    base = f"http://127.0.0.1:{args.port}"
    print(
        f"xlsales add-in (templates, no licence needed): manifest {base}/xlsales/manifest.xml, "
        f"pane {base}/xlsales/taskpane.html, API {base}/xlsales/templates",
        flush=True,
    )
    if functions is None:
        print(f"Excel functions not served ({why}): {FUNCTIONS_ELSEWHERE}", flush=True)
    else:
        print(
            f"Excel functions from xlwings Server as ={NAMESPACE}.REQUIRED_LEADS(...) "
            "(commercial use needs an xlwings licence key; 'noncommercial' is for "
            "noncommercial use only). Ctrl+C stops.",
            flush=True,
        )
    app = web.create_app(functions)
    # Keep the objects of the loaded app out of every later collection of Python's cycle
    # collector: a request that parses 100,000 cells otherwise walks them all several
    # times (json.loads of such a body: 0.3 s instead of 0.1 s).
    gc.freeze()
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level=args.log_level)


def _reading_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--decimal",
        choices=[".", ","],
        help="the file's decimal mark (default: comma for a semicolon file, else point; "
        "an amount that could be read both ways is refused)",
    )
    p.add_argument(
        "--dates",
        choices=["dmy", "mdy"],
        help="order of non-ISO dates: dmy (31-12-2024) or mdy (12/31/2024); "
        "default: from the data, refused when it cannot tell",
    )


def _cmd_verify(args: argparse.Namespace) -> int:
    """Exit 0 clean, 1 with findings, 2 unreadable or not made by xlsales."""
    import json

    from workbook_templates.verify import verify, write_report

    try:
        size: int | None = Path(args.file).stat().st_size
    except OSError:
        size = None
    with progress.working(f"verifying {args.file}", size, progress.VERIFY_BYTES) as step:
        report = verify(args.file, args.tolerance, step)
    if args.report and report.status != 2:
        write_report(report, args.report, args.force)
    if args.json:
        print(json.dumps(report.as_dict(), indent=1, default=str))
    else:
        print(f"{args.file}: {report.kind or 'not an xlsales workbook'} {report.version}".rstrip())
        for label, value in report.facts.items():
            print(f"  {label}: {value}")
        for finding in report.findings:
            print(f"  {finding.line()}")
        print(("verified, " if report.status == 0 else "") + report.reason)
        if args.report and report.status != 2:
            print(f"wrote {args.report}")
    return report.status


class _Version(argparse.Action):
    """``--version``, as argparse's own, with the installed version looked up only when
    asked for (reading the package metadata takes longer than a short command)."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, **kwargs):
        kwargs.setdefault("help", "show the program's version number and exit")
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"xlsales {xlsales.__version__}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="xlsales", description=__doc__)
    parser.add_argument("--version", action=_Version)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser(
        "funnel",
        help="print the volume each stage needs to reach a win target",
        description="Work back from a win target through the stage conversion rates. "
        "Without arguments it plans 10 wins on built-in sample rates.",
    )
    p.add_argument(
        "--target", type=float, default=SAMPLE["target"], help="wins needed (default 10)"
    )
    p.add_argument(
        "--rates", default=SAMPLE["rates"], help="step rates, top first, comma-separated"
    )
    p.add_argument("--stages", default=SAMPLE["stages"], help="stage names, comma-separated")
    p.add_argument("--rounding", default="end", choices=funnel.ROUNDINGS)
    p.add_argument(
        "--stage-days", default=SAMPLE["stage_days"], help="days per stage, one per rate"
    )
    p.add_argument("--due", help="date the target must be won (YYYY-MM-DD): prints the schedule")
    p.add_argument("--every", default="once", choices=funnel.PERIODS)
    p.add_argument("--periods", type=int, default=1)
    p.set_defaults(run=_cmd_funnel)

    p = sub.add_parser("templates", help="write every template workbook, empty")
    p.add_argument("--out", required=True, help="folder to write into")
    p.add_argument("--force", action="store_true", help="replace existing files")
    p.set_defaults(run=_cmd_templates)

    p = sub.add_parser(
        "demo", help="write the four template workbooks filled with built-in sample data"
    )
    p.add_argument("--out", required=True, help="folder to write into")
    p.add_argument("--force", action="store_true", help="replace existing files")
    p.set_defaults(run=_cmd_demo)

    p = sub.add_parser(
        "template",
        help="fill a template from your own file",
        description="Fill a template from a CSV or Excel file (the funnel planner from typed "
        "inputs: --target, --rates, --stage-days, --due). Every row is checked: a bad "
        "value is refused with the file, row and column, and nothing is written.",
    )
    p.add_argument("kind", choices=_KindNames(), metavar="KIND", help="one of: %(choices)s")
    p.add_argument("--accounts", help=ACCOUNTS_HELP)
    p.add_argument(
        "--crm",
        help="pipeline review: the CRM stage history (.csv or .xlsx); funnel planner: a CRM "
        "export whose entries fill plan against actual",
    )
    p.add_argument(
        "--stages",
        help="pipeline review, funnel planner: stage order, top first, e.g. "
        '"Lead,Qualified,Proposal,Won" (pipeline review default: the built-in sample\'s '
        "Lead,Qualified,Meeting,Proposal,Won; funnel planner: the stage names, one more than "
        "the rates, and the CRM's stage order with --crm)",
    )
    p.add_argument(
        "--stall-days-by-stage",
        help='pipeline review: stall limits, e.g. "Qualified=14,Proposal=21" '
        "(default: the 90th percentile of each stage's days)",
    )
    p.add_argument("--activities", help=ACTIVITIES_HELP)
    p.add_argument("--map", help='your column names to ours: "Turnover=revenue,Owner=owner"')
    _reading_arguments(p)
    p.add_argument("--out", required=True, help="the .xlsx file to write")
    p.add_argument("--force", action="store_true", help="replace an existing file")
    p.add_argument(
        "--start", help="prospecting log: first day of block 1 (default: first activity)"
    )
    p.add_argument(
        "--as-of",
        help="prospecting log, pipeline review, funnel planner with --crm: the as-of date; "
        "nothing dated after it counts (default: the last activity / the latest date in the "
        "export)",
    )
    p.add_argument(
        "--target-wins",
        type=float,
        help="prospecting log: wins the team still needs in the coming 90 days "
        "(split evenly between the reps)",
    )
    p.add_argument("--a", type=float, default=0.8, help="account matrix: A limit (default 0.8)")
    p.add_argument("--b", type=float, default=0.95, help="account matrix: B limit (default 0.95)")
    p.add_argument(
        "--go-max-class",
        default="B",
        help="account matrix: worst ABC class by profit after effort that can be GO (default B)",
    )
    p.add_argument(
        "--min-return",
        type=float,
        default=0.5,
        help="account matrix: return on effort (profit after effort / effort cost) for GO "
        "(default 0.5)",
    )
    p.add_argument(
        "--hours-per-owner",
        type=float,
        default=1200,
        help="account matrix: hours available per owner per period; Load = hours the "
        "owner's GO accounts need / these (default 1200)",
    )
    p.add_argument(
        "--period",
        default="year",
        help="account matrix: the period of the hours: year, half year, quarter or month "
        "(default year)",
    )
    p.add_argument("--target", type=float, help="funnel planner: wins needed per period")
    p.add_argument("--rates", help="funnel planner: step rates, top first, e.g. 0.25,0.3,0.45")
    p.add_argument("--stage-days", help="funnel planner: days in each stage, one per rate")
    p.add_argument("--due", help="funnel planner: date the first target must be won (YYYY-MM-DD)")
    p.add_argument(
        "--every", default="month", choices=("once", "week", "month"), help="funnel planner"
    )
    p.add_argument("--periods", type=int, help="funnel planner: periods planned (1-12)")
    p.add_argument("--rounding", default="end", choices=funnel.ROUNDINGS, help="funnel planner")
    p.set_defaults(run=_cmd_template)

    p = sub.add_parser(
        "analyze",
        help="real conversion, lead times and stalled deals from a CRM export",
        description="Read a CRM export (a stage history: deal_id, stage, entered_at[, status, "
        "amount, owner, closed_at]; or a snapshot: deal_id, stage, status, created_at, "
        "last_change_at[, amount, owner]) and print the real funnel.",
    )
    p.add_argument("file", nargs="?", help="the export (.csv or .xlsx)")
    p.add_argument("--sample", action="store_true", help="use the built-in synthetic CRM export")
    p.add_argument("--stages", help='stage order, top first, e.g. "Lead,Qualified,Proposal,Won"')
    p.add_argument("--map", help='your column names to ours: "Opportunity=deal_id,Phase=stage"')
    p.add_argument(
        "--preset",
        choices=["hubspot", "salesforce", "pipedrive"],
        help="read a CRM's own deal export columns (detected when not given)",
    )
    _reading_arguments(p)
    p.add_argument("--as-of", help="date to measure idle days to (default: the latest date)")
    p.add_argument(
        "--since", help="win rate and sales cycle over deals closed from this date (default: all)"
    )
    p.add_argument(
        "--stall-days",
        type=float,
        help="idle days before a deal stalls, every stage (default: each stage's 90th "
        "percentile of its measured days)",
    )
    p.add_argument(
        "--stall-days-by-stage",
        help='idle days per stage, e.g. "Qualified=14,Proposal=21" (other stages: --stall-days '
        "or the 90th percentile)",
    )
    p.add_argument("--target", type=float, default=10, help="wins to plan for (default 10)")
    p.add_argument("--show", type=int, default=10, help="stalled deals to list (default 10)")
    p.add_argument("--by", choices=["owner", "cohort"], help="also break conversion down")
    p.add_argument(
        "--period",
        default="M",
        choices=["W", "M", "Q", "Y"],
        help="cohort period: W, M (month), Q or Y (default M)",
    )
    p.add_argument("--planner", help="write a funnel planner .xlsx with the measured rates")
    p.add_argument("--force", action="store_true", help="replace an existing planner file")
    p.set_defaults(run=_cmd_analyze)

    p = sub.add_parser(
        "serve",
        help="serve the xlsales add-in (templates) and, where licensed, the Excel functions",
        description="Serve the xlsales add-in for Excel on 127.0.0.1: its manifest, task pane "
        "and HTTP API (/xlsales/...), free for commercial use. Where xlwings Server is "
        "installed and XLWINGS_LICENSE_KEY is set, the Excel functions (namespace XLSALES) "
        "are served from the same app. Needs the 'web' extra (pip install 'xlsales[web]').",
    )
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--log-level", default="warning")
    p.set_defaults(run=_cmd_serve)

    p = sub.add_parser(
        "verify",
        help="audit a workbook xlsales generated: formulas, inputs, recalculation, checks",
        description="Audit a workbook that came back from the field, without changing it: "
        "formulas replaced or edited (a grown table's new rows included), inputs outside "
        "their validation, required blanks, the saved values against a recalculation by "
        "the Python core, the Checks sheet, and Excel's file-structure rules. Exit 0 "
        "clean, 1 with findings, 2 when the file cannot be read or was not made by xlsales.",
    )
    p.add_argument("file", help="the .xlsx to audit")
    p.add_argument("--json", action="store_true", help="print the findings as JSON")
    p.add_argument("--report", help="write a copy with an Audit sheet linking to each cell")
    p.add_argument("--force", action="store_true", help="replace an existing --report file")
    p.add_argument(
        "--tolerance", type=float, default=1e-9, help="relative tolerance (default 1e-9)"
    )
    p.set_defaults(run=_cmd_verify)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command. Its report is held back until it has finished, so that an error
    prints one line and nothing of a half report; ``serve`` prints as it goes."""
    args = build_parser().parse_args(argv)
    report = io.StringIO()
    try:
        if args.run is _cmd_serve:
            code = args.run(args)
        else:
            with contextlib.redirect_stdout(report):
                code = args.run(args)
    except (XlsalesError, OSError) as exc:  # bad input, or a file that cannot be read/written
        print(f"xlsales: error: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2
    except Exception as exc:  # a bug: still one line, and said to be one
        print(
            f"xlsales: internal error {type(exc).__name__}: {' '.join(str(exc).split())} "
            "(please report it)",
            file=sys.stderr,
        )
        return 3
    sys.stdout.write(report.getvalue())
    return code or 0


if __name__ == "__main__":
    sys.exit(main())
