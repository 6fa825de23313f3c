"""xlwings Server boundary benchmark (run by hand): python bench/bench_server.py

Starts ``xlsales serve`` on a loopback port twice, with xlwings' per-cell Pyodide probe
as xlwings ships it (XLSALES_PYODIDE_PROBE=keep) and with xlsales' one-time answer,
and times ABC_CLASS over 100,000 revenues over HTTP (best of 3, after a warm-up).
"""

from __future__ import annotations

import time

from _common import http_call, running_server


def measure(keep_probe: bool) -> float:
    extra = {"XLSALES_PYODIDE_PROBE": "keep"} if keep_probe else {}
    values = [[float((i * 7919) % 100_003 + 1)] for i in range(100_000)]
    with running_server(extra) as base:
        times = []
        for _ in range(4):  # the first call warms up; the best of the other three counts
            start = time.perf_counter()
            response = http_call(base, "ABC_CLASS", values, timeout=120)
            times.append(time.perf_counter() - start)
            assert response.status_code == 200
        return min(times[1:])


if __name__ == "__main__":
    before = measure(keep_probe=True)
    after = measure(keep_probe=False)
    print(
        f"ABC_CLASS over 100,000 cells via HTTP: stock xlwings probe {before:.2f} s, "
        f"with xlsales' one-time answer {after:.2f} s ({before / after:.1f}x)"
    )
