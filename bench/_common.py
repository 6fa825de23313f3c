"""Helpers for the hand-run benchmarks: best-of timing and peak memory."""

from __future__ import annotations

import asyncio
import os
import time
import tracemalloc

os.environ.setdefault("XLWINGS_ON_SERVER", "true")
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")


def best_of(func, repeat: int = 3) -> float:
    """The fastest of ``repeat`` runs, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def peak_mib(func) -> float:
    tracemalloc.start()
    func()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def excel_call(module, func_name: str, *args):
    """A UDF call through xlwings' conversion code, shaped as Office.js sends it."""
    import xlwings as xw
    from xlwings import server

    data = {
        "func_name": func_name,
        "args": [a if isinstance(a, list) else [[a]] for a in args],
        "caller_address": "Sheet1!A1",
        "formula_name": func_name,
        "version": xw.__version__,
        "runtime": "1.4",
        "culture_info_name": "en-US",
        "date_format": "yyyy-mm-dd",
        "client": "Office.js",
    }
    return asyncio.run(server.custom_functions_call(data, module))
