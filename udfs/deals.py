"""Excel functions over :mod:`xlsales.deals`: they convert and delegate, nothing more."""

from __future__ import annotations

import xlwings as xw

from udfs._boundary import cell_errors, excel_date, excel_dates, flag, scalar, spill, vector
from xlsales import deals, funnel

_STAGES = "The stage order, top of the funnel first, the win last; a row or a column."
_LAST = "Each deal's current or last-reached stage; one row per deal."
_STATUS = "Each deal's status: open, won or lost (blank = open)."


@xw.func
@xw.arg("last_stages", ndim=2, doc=_LAST)
@xw.arg("statuses", ndim=2, doc=_STATUS)
@xw.arg("stage_order", ndim=2, doc=_STAGES)
@xw.arg("show_table", doc="TRUE to spill stage, entered, went on, rate and open here.")
@cell_errors
def CONVERSION_FROM_STAGES(last_stages, statuses, stage_order, show_table=False):
    """Step conversion per step from deals' last stages and statuses: went on / entered. A skipped stage counts as passed; an open deal counts as not yet converted. Spills one rate per step."""
    order = vector("stage_order", stage_order)
    table = deals.conversion_from_stages(
        vector("last_stages", last_stages).values, vector("statuses", statuses).values, order.values
    )
    if flag("show_table", show_table):
        return [["stage", "entered", "went on", "rate", "open here"]] + [
            [
                r.stage,
                r.entered,
                "last stage" if r.went_on is None else r.went_on,
                "last stage" if r.went_on is None else ("undefined" if r.rate is None else r.rate),
                r.open_here,
            ]
            for r in table.itertuples()
        ]
    rates = ["undefined (no deal entered)" if r is None else r for r in table["rate"].tolist()[:-1]]
    return spill(rates, order)


@xw.func
@xw.arg("last_change_dates", ndim=2, doc="Date of each deal's last stage change.")
@xw.arg("as_of", doc="The date to count to (e.g. the export date).")
@cell_errors
def DAYS_IN_STAGE(last_change_dates, as_of):
    """Days each deal has spent in its current stage: as_of - date of its last stage change. Spills one number per deal, shaped like the input."""
    dates, cells = excel_dates("last_change_dates", last_change_dates)
    return spill(deals.days_since(dates, excel_date("as_of", as_of), "last_change_dates"), cells)


@xw.func
@xw.arg("last_stages", ndim=2, doc=_LAST)
@xw.arg("last_change_dates", ndim=2, doc="Date of each deal's last stage change.")
@xw.arg("statuses", ndim=2, doc=_STATUS)
@xw.arg("stage_order", ndim=2, doc=_STAGES)
@xw.arg(
    "stall_days",
    ndim=2,
    doc="Days without change before a deal stalls: one number, or one per stage.",
)
@xw.arg("as_of", doc="The date to count to (e.g. the export date).")
@cell_errors
def STALLED(last_stages, last_change_dates, statuses, stage_order, stall_days, as_of):
    """TRUE per deal that is open and has not changed stage for longer than its stage's limit: the prospects to force to a decision. Spills one flag per deal."""
    stages = vector("last_stages", last_stages)
    dates, _ = excel_dates("last_change_dates", last_change_dates)
    limits = vector("stall_days", stall_days).values
    flags = deals.stalled_flags(
        stages.values,
        dates,
        vector("statuses", statuses).values,
        vector("stage_order", stage_order).values,
        limits[0] if len(limits) == 1 else limits,
        excel_date("as_of", as_of),
    )
    return spill(flags, stages)


@xw.func
@xw.arg("actual_volumes", ndim=2, doc="Deals that entered each stage in the period, top first.")
@xw.arg("planned_rates", ndim=2, doc="Planned step rates, top first, each in (0, 1].")
@xw.arg("target", doc="Wins planned for the period.")
@xw.arg("rounding", doc='Rounding of the plan: "end" (default), "stage" or "none".')
@xw.arg(
    "went_on",
    ndim=2,
    doc="Of each stage's entries, how many reached the next stage by the as-of date (one per step).",
)
@xw.arg("open_here", ndim=2, doc="Of each stage's entries, how many are still open in it.")
@cell_errors
def PLAN_VS_ACTUAL(
    actual_volumes, planned_rates, target, rounding="end", went_on=None, open_here=None
):
    """Plan against actual per stage: required volume, deals that entered, variance, on course, planned rate and the cohort's actual rate (went on / entered, never above 100%) with its counts. Spills a labelled table."""
    moved = vector("went_on", went_on).values or None
    waiting = vector("open_here", open_here).values or None
    gaps = funnel.plan_gap(
        vector("actual_volumes", actual_volumes).values,
        vector("planned_rates", planned_rates).values,
        scalar("target", target),
        scalar("rounding", rounding, "end"),
        went_on=moved,
        open_here=waiting,
    )
    header = ["stage", "required", "actual", "variance", "on course", "planned rate"]
    header += ["actual rate", "went on", "open here", "actual to required"]
    return [header] + [
        [
            g.stage,
            g.required,
            g.actual,
            g.variance,
            g.on_course,
            "last stage" if g.planned_rate is None else g.planned_rate,
            _rate_cell(g, moved is None),
            "n/a" if g.went_on is None else g.went_on,
            "n/a" if g.open_here is None else g.open_here,
            "no plan" if g.ratio is None else g.ratio,
        ]
        for g in gaps
    ]


def _rate_cell(gap: funnel.PlanGap, no_counts: bool) -> object:
    if gap.planned_rate is None:
        return "last stage"
    if no_counts:
        return "n/a (give went_on)"
    return "no entries" if gap.actual_rate is None else gap.actual_rate
