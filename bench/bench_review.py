"""Pipeline review scale benchmark (run by hand): python bench/bench_review.py [DEALS ...]

For each size (default 10,000 deals): the built-in sample export (samples.sample_crm,
about 1.9 history rows per deal) written to CSV, then read + reviewed
(xlsales.pipeline.review), built (workbook_templates.pipeline_review.build) and saved,
with the peak memory Python allocated (tracemalloc); then recalculated in LibreOffice
headless (the time includes LibreOffice's start of about a second) and the master
check read back.
"""

from __future__ import annotations

import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from openpyxl import load_workbook

from workbook_templates import engine, pipeline_review
from xlsales import pipeline, samples


def run(deals: int, folder: Path) -> None:
    csv = folder / f"crm{deals}.csv"
    samples.sample_crm(deals, seed=deals).to_csv(csv, index=False)
    tracemalloc.start()
    t0 = time.perf_counter()
    review = pipeline.review(csv, samples.CRM_STAGES)
    t1 = time.perf_counter()
    wb = pipeline_review.build(review)
    t2 = time.perf_counter()
    path = folder / f"review{deals}.xlsx"
    wb.save(path)
    t3 = time.perf_counter()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    del wb
    engine.convert([path], folder / "calc", timeout=3600)
    t4 = time.perf_counter()
    master = load_workbook(folder / "calc" / path.name, read_only=True, data_only=True)["Checks"][
        "B3"
    ].value
    print(
        f"{deals:>9,}  {review.rows_read:>9,}  {t1 - t0:>8.1f}  {t2 - t1:>7.1f}  {t3 - t2:>6.1f}"
        f"  {t3 - t0:>7.1f}  {peak:>8.0f}  {t4 - t3:>9.1f}  {master}"
    )


def main() -> None:
    sizes = [int(x) for x in sys.argv[1:]] or [10_000]
    print(
        f"{'deals':>9}  {'rows':>9}  {'review s':>8}  {'build s':>7}  {'save s':>6}  "
        f"{'total s':>7}  {'peak MiB':>8}  {'recalc s':>9}  master"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for deals in sizes:
            run(deals, Path(tmp))


if __name__ == "__main__":
    main()
