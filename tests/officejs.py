"""Calling the xlsales functions the way Excel's Office.js add-in does.

Shared by the tests and the hand-run benchmarks: one payload shape, one way to start
``xlsales serve`` on a free loopback port.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator


def payload(func_name: str, args) -> dict:
    """The body Office.js posts: every argument a 2-D list (scalars wrapped as [[x]])."""
    import xlwings as xw

    return {
        "func_name": func_name,
        "args": [a if isinstance(a, list) else [[a]] for a in args],
        "caller_address": "[Book1.xlsx]Sheet1!A1",
        "formula_name": f"XLSALES.{func_name}",
        "version": xw.__version__,
        "runtime": "1.4",
        "culture_info_name": "en-US",
        "date_format": "M/d/yyyy",
        "client": "Office.js",
        "session_id": "tests",
    }


def excel_call(module, func_name: str, *args):
    """Call a UDF in-process through xlwings' own argument and result conversion."""
    from xlwings import server

    return asyncio.run(server.custom_functions_call(payload(func_name, args), module))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_server(
    extra_env: dict[str, str] | None = None,
    timeout: float = 60,
    licence: str | None = "noncommercial",
    output: list[str] | None = None,
) -> Iterator[str]:
    """``xlsales serve`` on a free loopback port; yields its base URL, stops it after.

    ``licence``: the xlwings licence key (None: no key, so no Excel functions);
    ``output``: a list that receives what the command printed, once it has stopped.
    """
    import httpx

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("XLWINGS_")}
    if licence is not None:
        env["XLWINGS_LICENSE_KEY"] = licence
    env.update(extra_env or {})
    proc = subprocess.Popen(
        [sys.executable, "-m", "frontdoors.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                if httpx.get(f"{base}/xlsales/manifest.xml", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(f"xlsales serve did not start: {proc.stdout.read()}")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        if output is not None:
            output.append(proc.stdout.read())


def http_call(base: str, func_name: str, *args, timeout: float = 30):
    """POST a call to the server's /xlwings/custom-functions-call, as Office.js does."""
    import httpx

    return httpx.post(
        f"{base}/xlwings/custom-functions-call", json=payload(func_name, args), timeout=timeout
    )
