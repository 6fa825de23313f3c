"""Pareto/ABC benchmark (run by hand): python bench/bench_pareto.py

abc_classes and computed_abc over 10k to 1M lognormal revenues, as a ratio to the
time numpy takes to sort the same values, and ABC_CLASS over 100,000 cells through
xlwings' conversion code.
"""

from __future__ import annotations

import numpy as np
from _common import best_of, excel_call

import udfs
from xlsales import pareto


def main() -> None:
    rng = np.random.default_rng(2026)
    print(
        f"{'N':>9}  {'np.sort s':>9}  {'abc_classes s':>13}  {'ratio':>6}  "
        f"{'computed_abc s':>14}  {'ratio':>6}"
    )
    for n in (10_000, 100_000, 1_000_000):
        x = rng.lognormal(10, 1.5, n)
        sort = best_of(lambda: np.sort(x))
        fixed = best_of(lambda: pareto.abc_classes(x))
        computed = best_of(lambda: pareto.computed_abc(x))
        print(
            f"{n:>9,}  {sort:>9.4f}  {fixed:>13.4f}  {fixed / sort:>6.1f}  "
            f"{computed:>14.4f}  {computed / sort:>6.1f}"
        )
    cells = [[v] for v in rng.lognormal(10, 1.5, 100_000).tolist()]
    udf = best_of(lambda: excel_call(udfs, "ABC_CLASS", cells), 1)
    print(f"ABC_CLASS over 100,000 cells (xlwings conversion in and out): {udf:.3f} s")


if __name__ == "__main__":
    main()
