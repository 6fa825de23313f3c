"""Account-matrix scale benchmark (run by hand): python bench/bench_templates.py

Generates the account matrix for 1k, 10k and 50k accounts and recalculates each in
LibreOffice headless (one file per run, so each time includes LibreOffice's start of
about a second; the start alone is measured too and printed).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from openpyxl import load_workbook

from workbook_templates import account_matrix, engine
from xlsales.samples import sample_accounts


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        empty = folder / "empty.xlsx"
        account_matrix.build().save(empty)
        start = time.perf_counter()
        engine.convert([empty], folder / "calc")
        print(f"LibreOffice start + empty workbook: {time.perf_counter() - start:.2f} s")
        print(f"{'accounts':>9}  {'generate s':>10}  {'save s':>7}  {'recalc s':>8}  {'master':>6}")
        for n in (1_000, 10_000, 50_000):
            frame = sample_accounts(n, seed=n)
            t0 = time.perf_counter()
            wb = account_matrix.build(frame)
            t1 = time.perf_counter()
            path = folder / f"am{n}.xlsx"
            wb.save(path)
            t2 = time.perf_counter()
            engine.convert([path], folder / "calc")
            t3 = time.perf_counter()
            master = load_workbook(folder / "calc" / path.name, read_only=True, data_only=True)[
                "Checks"
            ]["B3"].value
            print(f"{n:>9,}  {t1 - t0:>10.2f}  {t2 - t1:>7.2f}  {t3 - t2:>8.2f}  {master:>6}")


if __name__ == "__main__":
    main()
