"""Pipeline review scale benchmark (run by hand):
python bench/bench_review.py [DEALS ...] [--repeat K] [--no-recalc]

For each size (default 10,000 deals): the built-in sample export (samples.sample_crm,
about 1.9 history rows per deal; with ``--repeat K`` every row written K times, an
export whose repeats the review leaves out as "exported twice": 100,000 deals with
``--repeat 5`` is about 1M history rows) is written to CSV by a child process; then
this process reads and reviews it (xlsales.pipeline.review), builds the workbook
(workbook_templates.pipeline_review.build) and saves it. Shown: the wall time of each
step, the CPU seconds of the three (the machine is shared: the wall time grows with
its load, the CPU time much less) and the process's peak resident memory (Python,
pandas and openpyxl included). Then LibreOffice headless recalculates the file (the
time includes its start, about a second) and the master check is read back.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook

from workbook_templates import engine, pipeline_review
from xlsales import pipeline, samples


def make(deals: int, repeat: int, csv: Path) -> None:
    export = samples.sample_crm(deals, seed=deals)
    if repeat > 1:
        export = pd.concat([export] * repeat).sort_index(kind="stable")
    export.to_csv(csv, index=False)


def run(deals: int, repeat: int, recalc: bool, folder: Path) -> None:
    csv = folder / f"crm{deals}.csv"
    subprocess.run(
        [sys.executable, __file__, "--make", str(deals), str(repeat), str(csv)], check=True
    )
    c0 = time.process_time()
    t0 = time.perf_counter()
    review = pipeline.review(csv, samples.CRM_STAGES)
    t1 = time.perf_counter()
    wb = pipeline_review.build(review)
    t2 = time.perf_counter()
    path = folder / f"review{deals}.xlsx"
    wb.save(path)
    t3 = time.perf_counter()
    cpu = time.process_time() - c0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10
    del wb
    recalc_s, master = "", ""
    if recalc:
        engine.convert([path], folder / "calc", timeout=7200)
        recalc_s = f"{time.perf_counter() - t3:.1f}"
        calc = load_workbook(folder / "calc" / path.name, read_only=True, data_only=True)
        master = calc["Checks"]["B3"].value
    print(
        f"{deals:>9,}  {review.rows_read:>9,}  {t1 - t0:>8.1f}  {t2 - t1:>7.1f}  {t3 - t2:>6.1f}"
        f"  {t3 - t0:>7.1f}  {cpu:>5.1f}  {rss:>8.0f}  {path.stat().st_size / 2**20:>8.1f}"
        f"  {recalc_s:>8}  {master}",
        flush=True,
    )


def main() -> None:
    if sys.argv[1:2] == ["--make"]:
        make(int(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("deals", nargs="*", type=int, default=[10_000])
    parser.add_argument("--repeat", type=int, default=1, help="write every export row K times")
    parser.add_argument("--no-recalc", action="store_true", help="skip LibreOffice")
    args = parser.parse_args()
    print(
        f"{'deals':>9}  {'rows':>9}  {'review s':>8}  {'build s':>7}  {'save s':>6}  "
        f"{'total s':>7}  {'CPU s':>5}  {'peak MiB':>8}  {'file MiB':>8}  {'recalc s':>8}  master"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for deals in args.deals:
            run(deals, args.repeat, not args.no_recalc, Path(tmp))


if __name__ == "__main__":
    main()
