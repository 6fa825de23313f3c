"""xlwings Server boundary benchmark (run by hand): python bench/bench_server.py

Starts ``xlsales serve`` on a loopback port twice, with xlwings' per-cell Pyodide probe
as xlwings ships it (XLSALES_PYODIDE_PROBE=keep) and with xlsales' one-time answer,
and times ABC_CLASS over 100,000 revenues over HTTP (best of 3, after a warm-up).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def measure(keep_probe: bool) -> float:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("XLWINGS_")}
    env["XLWINGS_LICENSE_KEY"] = "noncommercial"
    if keep_probe:
        env["XLSALES_PYODIDE_PROBE"] = "keep"
    proc = subprocess.Popen(
        [sys.executable, "-m", "xlsales.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                httpx.get(f"{base}/manifest.xml", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        values = [[float((i * 7919) % 100_003 + 1)] for i in range(100_000)]
        body = {
            "func_name": "ABC_CLASS",
            "args": [values],
            "caller_address": "[B]S!A1",
            "version": "",
            "runtime": "1.4",
            "culture_info_name": "en-US",
            "date_format": "M/d/yyyy",
            "client": "Office.js",
        }
        times = []
        for _ in range(4):
            start = time.perf_counter()
            response = httpx.post(f"{base}/xlwings/custom-functions-call", json=body, timeout=120)
            times.append(time.perf_counter() - start)
            assert response.status_code == 200
        return min(times[1:])
    finally:
        proc.terminate()
        proc.wait()


if __name__ == "__main__":
    before = measure(keep_probe=True)
    after = measure(keep_probe=False)
    print(
        f"ABC_CLASS over 100,000 cells via HTTP: stock xlwings probe {before:.2f} s, "
        f"with xlsales' one-time answer {after:.2f} s ({before / after:.1f}x)"
    )
