"""CRM analysis benchmark (run by hand): python bench/bench_deals.py

Reads a synthetic stage history of about 100k and 1M rows (the seeded sample_crm
generator; generation is not timed) and times read_deals + conversion + durations +
stalled, with the peak memory Python allocated (tracemalloc).
"""

from __future__ import annotations

import datetime as dt
import time

from _common import peak_mib

from xlsales import deals
from xlsales.samples import CRM_STAGES, sample_crm


def analyse(history):
    found = deals.read_deals(history, CRM_STAGES)
    deals.conversion(found)
    deals.conversion(found, by="owner")
    deals.stage_durations(found)
    deals.stalled(found, dt.date(2026, 10, 31), 30)
    return found


def main() -> None:
    print(f"{'rows':>10}  {'deals':>8}  {'seconds':>8}  {'peak MiB':>9}")
    for count in (52_000, 520_000):  # about 1.9 rows per deal
        history = sample_crm(count, seed=count)
        start = time.perf_counter()
        found = analyse(history)
        seconds = time.perf_counter() - start
        peak = peak_mib(lambda: analyse(history))
        print(f"{len(history):>10,}  {len(found.deals):>8,}  {seconds:>8.2f}  {peak:>9.0f}")


if __name__ == "__main__":
    main()
