"""Excel functions over :mod:`xlsales.pareto`: they convert and delegate, nothing more."""

from __future__ import annotations

import xlwings as xw

from udfs._boundary import CELLS, cell_errors, flag, plain_cells, scalar, spill, values_only
from xlsales import pareto

_VALUES = "Revenue or profit per account: a row, a column or a block."
_COMPUTED_VALUES = (
    "Values per item; text, blanks inside and negatives count as 0; error cells are refused."
)
_NEGATIVES = 'Negative values: "refuse" (default, an error) or "last" (ranked last in C).'


@xw.func
@xw.arg("values", **CELLS, doc=_VALUES)
@xw.arg("share", doc="Share of the total to reach, in (0, 1]; default 0.8 (80/20).")
@xw.arg("labels", doc="TRUE to add a header row: count, threshold, share.")
@cell_errors
def PARETO_CUTOFF(values, share=0.8, labels=False):
    """How many of the largest accounts hold at least the share (80%) of the total, ties kept together. Spills count, threshold (smallest value inside the cut) and share reached."""
    cut = pareto.pareto_cutoff(values_only("values", values).values, scalar("share", share, 0.8))
    row = [cut.count, cut.threshold, cut.share]
    return [["count", "threshold", "share"], row] if flag("labels", labels) else [row]


@xw.func
@plain_cells
@xw.arg("values", **CELLS, doc=_VALUES)
@xw.arg("a", doc="A limit: share of the total, default 0.8.")
@xw.arg("b", doc="B limit: share of the total, default 0.95; more than a.")
@xw.arg("negatives", doc=_NEGATIVES)
@cell_errors
def ABC_CLASS(values, a=0.8, b=0.95, negatives="refuse"):
    """Fixed ABC class per account, shaped like the input: A when the accounts strictly larger hold less than a (80%) of the total, B below b (95%), else C. Ties share a class."""
    selection = values_only("values", values)
    classes = pareto.abc_classes(
        selection.values,
        scalar("a", a, 0.8),
        scalar("b", b, 0.95),
        scalar("negatives", negatives, "refuse"),
    )
    return spill(classes, selection)


@xw.func
@plain_cells
@xw.arg("values", **CELLS, doc=_COMPUTED_VALUES)
@cell_errors
def ABC_COMPUTED(values):
    """Computed (data-driven) ABC class per item, shaped like the input: limits from the ABC curve's Pareto and break-even points (Ultsch & Lotsch 2015, as R's cABCanalysis)."""
    selection = values_only("values", values)
    return spill(pareto.computed_abc(selection.values).classes, selection)


@xw.func
@xw.arg("values", **CELLS, doc=_COMPUTED_VALUES)
@cell_errors
def ABC_LIMITS(values):
    """The computed ABC limits as a labelled table: Pareto, break-even and submarginal points (share of items, share of total), limit values, class sizes, exchanged, cleaned."""
    r = pareto.computed_abc(values_only("values", values).values)
    sizes = pareto.class_counts(r.classes)
    return [
        ["item", "effort (share of items)", "yield (share of total)"],
        ["Pareto point", r.pareto.effort, r.pareto.yield_],
        ["break-even point", r.break_even.effort, r.break_even.yield_],
        ["submarginal point", r.submarginal.effort, r.submarginal.yield_],
        ["A|B limit value", r.ab_limit, None],
        ["B|C limit value", r.bc_limit, None],
        ["A, B, C items", f"{sizes['A']}, {sizes['B']}, {sizes['C']}", None],
        ["A and B exchanged", r.exchanged, None],
        ["cleaned to 0", r.cleaned, None],
        ["all values equal", r.all_equal, None],
    ]
