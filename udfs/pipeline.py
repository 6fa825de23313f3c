"""Excel functions over :mod:`xlsales.pipeline`: they convert and delegate, nothing more."""

from __future__ import annotations

import xlwings as xw

from udfs._boundary import cell_errors, excel_date, excel_dates, scalar, vector
from xlsales import pipeline
from xlsales.errors import InputError

_STAGE_TABLE = "Two columns: stage name | {what}; one row per stage."


def _per_stage(name: str, selection) -> dict:
    """A two-column range (stage | value) as {stage: value}."""
    cells = vector(name, selection)
    one_row = cells.shape == "row" and len(cells.values) == 2
    if not one_row and (cells.shape != "block" or cells.width != 2 or len(cells.values) % 2):
        raise InputError(f"{name} must be two columns: stage name | value, one row per stage")
    pairs = list(zip(cells.values[::2], cells.values[1::2]))
    for i, (stage, value) in enumerate(pairs):
        if stage is None or value is None:
            raise InputError(f"{name} row {i + 1} has a blank cell: give a stage and a number")
    return {str(stage): value for stage, value in pairs}


@xw.func
@xw.arg("stages", ndim=2, doc="Each open deal's current stage; one row per deal.")
@xw.arg("amounts", ndim=2, doc="Each deal's amount (0 or more).")
@xw.arg("entered_dates", ndim=2, doc="The day each deal entered its current stage.")
@xw.arg("stage_rates", ndim=2, doc=_STAGE_TABLE.format(what="rate from it to won (0-1)"))
@xw.arg("stage_days", ndim=2, doc=_STAGE_TABLE.format(what="median days from it to won"))
@xw.arg("as_of", doc="No deal closes before it (default: the latest entered date).")
@cell_errors
def WEIGHTED_FORECAST(stages, amounts, entered_dates, stage_rates, stage_days, as_of=None):
    """Weighted forecast: amount x rate to won, in the month each deal is expected to close (entered its stage + median days to won, not before as_of). Spills month, deals, amount, weighted."""
    dates, _ = excel_dates("entered_dates", entered_dates)
    day = scalar("as_of", as_of)
    table = pipeline.weighted_forecast(
        vector("stages", stages).values,
        vector("amounts", amounts).values,
        dates,
        _per_stage("stage_rates", stage_rates),
        _per_stage("stage_days", stage_days),
        None if day is None else excel_date("as_of", day),
    )
    return [["month", "deals", "amount", "weighted"]] + [
        [r.month.date(), int(r.deals), float(r.amount), float(r.weighted)]
        for r in table.itertuples()
    ]


@xw.func
@xw.arg("deal_ids", ndim=2, doc="Each open deal's id or name; one row per deal.")
@xw.arg("stages", ndim=2, doc="Each deal's current stage.")
@xw.arg("last_change_dates", ndim=2, doc="The day of each deal's last stage change.")
@xw.arg("stage_limits", ndim=2, doc=_STAGE_TABLE.format(what="idle days it allows"))
@xw.arg("as_of", doc="The day idle days count to (e.g. the export date).")
@cell_errors
def STALLED_DEALS(deal_ids, stages, last_change_dates, stage_limits, as_of):
    """The stalled deals, oldest first: open deals idle (as_of - last change) longer than their stage's limit; idle exactly the limit is not stalled. Spills deal, stage, idle days, limit."""
    dates, _ = excel_dates("last_change_dates", last_change_dates)
    table = pipeline.stalled_deals(
        vector("deal_ids", deal_ids).values,
        vector("stages", stages).values,
        dates,
        _per_stage("stage_limits", stage_limits),
        excel_date("as_of", as_of),
    )
    header = ["deal", "stage", "idle days", "limit days"]
    if table.empty:
        return [header, ["no stalled deal", "", "", ""]]
    return [header] + [
        [r.deal_id, r.stage, int(r.idle_days), float(r.limit_days)] for r in table.itertuples()
    ]
