"""Funnel benchmark (run by hand): python bench/bench_funnel.py

Times required volumes for N scenarios (targets) through the core, one call per
scenario through the core, and through the REQUIRED_LEADS UDF path (xlwings'
conversion code, a 100,000-row block of targets).
"""

from __future__ import annotations

import numpy as np
from _common import best_of, excel_call

import udfs
from xlsales import funnel

RATES = [0.3, 0.5, 0.6, 0.4]


def main() -> None:
    rng = np.random.default_rng(2026)
    print(f"{'N':>9}  {'core table s':>12}  {'core loop s':>11}  {'UDF s':>8}")
    for n in (10_000, 100_000, 1_000_000):
        targets = rng.integers(1, 500, n).astype(float)
        table = best_of(lambda: funnel.required_volumes_table(targets, RATES, "end"))
        loop = best_of(lambda: [funnel.required_volumes(t, RATES) for t in targets[:100_000]], 1)
        udf = float("nan")
        if n <= 100_000:
            block = [[t] for t in targets.tolist()]
            udf = best_of(lambda: excel_call(udfs, "REQUIRED_LEADS", block, [RATES]), 1)
        loop_note = loop * n / min(n, 100_000)
        print(f"{n:>9,}  {table:>12.4f}  {loop_note:>11.3f}  {udf:>8.3f}")


if __name__ == "__main__":
    main()
