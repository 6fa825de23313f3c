"""Excel functions over :mod:`xlsales.funnel`: they convert and delegate, nothing more."""

from __future__ import annotations

import xlwings as xw

import xlsales
from udfs._boundary import cell_errors, excel_date, flag, orient, scalar, spill, vector
from xlsales import funnel

_RATES = "Step conversion rates, top of the funnel first, each in (0, 1]; a row or a column."
_ROUNDING = 'Rounding: "end" (default, each stage rounded up once), "stage" or "none".'
_WORKING = "TRUE to spill the labelled working table instead of the volumes."
_STAGES = "Optional stage names, one per stage (one more than the rates)."


def _names(value: object) -> list | None:
    names = vector("stages", value).values
    return names or None


@xw.func
@xw.arg("counts", ndim=2, doc="Entries per stage, top of the funnel first; a row or a column.")
@cell_errors
def STAGE_CONVERSION(counts):
    """Step conversion rates of a funnel: each stage's count over the stage before it. Spills one rate fewer than counts, shaped like the input. Formula: rate[i] = counts[i+1] / counts[i]."""
    selection = vector("counts", counts)
    return spill(funnel.stage_conversion(selection.values), selection)


@xw.func
@xw.arg("counts", ndim=2, doc="Entries per stage, top of the funnel first; a row or a column.")
@cell_errors
def CUMULATIVE_CONVERSION(counts):
    """Each stage's share of the top stage (the first is 100%). Spills one share per stage, shaped like the input. Formula: share[i] = counts[i] / counts[1]."""
    selection = vector("counts", counts)
    return spill(funnel.cumulative_conversion(selection.values), selection)


@xw.func
@xw.arg("target", ndim=2, doc="Wins needed, e.g. 10; a column of targets gives one row each.")
@xw.arg("rates", ndim=2, doc=_RATES)
@xw.arg("rounding", doc=_ROUNDING)
@xw.arg("show_working", doc=_WORKING)
@xw.arg("stages", ndim=2, doc=_STAGES)
@cell_errors
def REQUIRED_LEADS(target, rates, rounding="end", show_working=False, stages=None):
    """Volume each funnel stage needs to win the target, working back through the conversion rates (top first, ending with the target). To win 10 at 10% approach 100. Rounding "end" rounds each stage up once."""
    selection = vector("rates", rates)
    rounding = scalar("rounding", rounding, "end")
    targets = vector("target", target)
    if len(targets.values) > 1:  # scenarios: one row of volumes per target
        table = funnel.required_volumes_table(targets.values, selection.values, rounding)
        return orient(table.tolist(), targets)
    target = scalar("target", target)
    if flag("show_working", show_working):
        rows = funnel.required_working(target, selection.values, rounding, _names(stages))
        header = ["stage", "rate to next", "exact need", f"volume ({rounding})"]
        return [header] + [[r.stage, r.rate, r.exact, r.volume] for r in rows]
    return spill(funnel.required_volumes(target, selection.values, rounding), selection)


@xw.func
@xw.arg("target", doc="Wins needed per period (or once).")
@xw.arg("rates", ndim=2, doc=_RATES)
@xw.arg(
    "stage_days", ndim=2, doc="Days an entry spends in each stage before the next; one per rate."
)
@xw.arg("due", doc="Date the (first) target must be won.")
@xw.arg("rounding", doc=_ROUNDING)
@xw.arg("every", doc='"once" (default) or "day", "week", "month" for a recurring target.')
@xw.arg("periods", doc="How many periods to schedule (default 1).")
@xw.arg("show_working", doc=_WORKING)
@xw.arg("stages", ndim=2, doc=_STAGES)
@cell_errors
def FUNNEL_SCHEDULE(
    target,
    rates,
    stage_days,
    due,
    rounding="end",
    every="once",
    periods=1,
    show_working=False,
    stages=None,
):
    """Backward schedule: per stage, the volume and the date it must be entered by so the target is won on the due date (start = due - days of the stages after it). Spills volume, then one start date per period."""
    selection = vector("rates", rates)
    rows = funnel.funnel_schedule(
        scalar("target", target),
        selection.values,
        vector("stage_days", stage_days).values,
        excel_date("due", due),
        scalar("rounding", rounding, "end"),
        scalar("every", every, "once"),
        scalar("periods", periods, 1),
        _names(stages),
    )
    if flag("show_working", show_working):
        header = ["period", "due", "stage", "rate to next", "exact need", "volume", "start by"]
        return [header] + [list(r) for r in rows]
    n = len(selection.values) + 1
    table = [
        [rows[i].volume] + [rows[k * n + i].start for k in range(len(rows) // n)] for i in range(n)
    ]
    return orient(table, selection)


@xw.func
@xw.arg("won", doc="Deals won (a count).")
@xw.arg("lost", doc="Deals lost (a count); open deals are not counted.")
@cell_errors
def WIN_RATE(won, lost):
    """Share of closed deals that were won: won / (won + lost). Open deals are left out."""
    return funnel.win_rate(scalar("won", won), scalar("lost", lost))


@xw.func
@xw.arg("open_deals", doc="Deals open on the as-of date, whatever their stage.")
@xw.arg("win_rate", doc="won / (won + lost) over the deals closed in the period, in [0, 1].")
@xw.arg("average_won_amount", doc="Average amount of the won deals.")
@xw.arg("average_cycle_days", doc="Average days from creation to won, over won deals, > 0.")
@cell_errors
def PIPELINE_VELOCITY(open_deals, win_rate, average_won_amount, average_cycle_days):
    """Expected revenue per day: open deals x win rate (won / (won + lost), deals closed in the period) x average won amount / average sales cycle (days from creation to won)."""
    return funnel.pipeline_velocity(
        scalar("open_deals", open_deals),
        scalar("win_rate", win_rate),
        scalar("average_won_amount", average_won_amount),
        scalar("average_cycle_days", average_cycle_days),
    )


@xw.func
@cell_errors
def XLSALES_VERSION():
    """The xlsales version that computed this sheet, for the audit trail."""
    return xlsales.__version__
