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


OFFICE_JS = "https://appsforoffice.microsoft.com/lib/1/hosted/office.js"
OFFICE_STUB = os.path.join(os.path.dirname(__file__), "js", "office_stub.js")


def chromium() -> str:
    """Debian's chromium (scripts/system-deps.sh installs it; Playwright downloads none)."""
    import shutil

    path = shutil.which("chromium")
    if path is None:
        raise RuntimeError("chromium is not installed: run scripts/system-deps.sh")
    return path


@contextlib.contextmanager
def browser() -> Iterator:
    """Playwright driving Debian's chromium, headless."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium(), args=["--no-sandbox"])
        try:
            yield b
        finally:
            b.close()


def open_pane(b, base: str, path: str = "/xlsales/taskpane.html", init: str = "", **page_args):
    """A page of the add-in with office.js replaced by the recording stub, once it is ready."""
    page = b.new_page(accept_downloads=True, **page_args)
    page.route(
        OFFICE_JS,
        lambda route: route.fulfill(path=OFFICE_STUB, content_type="application/javascript"),
    )
    if init:
        page.add_init_script(init)
    page.goto(base + path)
    page.wait_for_selector("body[data-ready=true]", state="attached")
    return page


def select(page, values, address: str, sheet: str = "Data", workbook: str = "Book1.xlsx", **more):
    """Put a table in the stub's selected range (number formats: General unless given)."""
    import json

    selection = {
        "values": values,
        "address": address,
        "sheet": sheet,
        "workbook": workbook,
        **more,
    }
    page.evaluate(f"window.__selection = {json.dumps(selection)}")


def created(page, count: int = 1, timeout: float = 60_000) -> list[bytes]:
    """The workbooks the page handed to Excel.createWorkbook, once there are ``count``."""
    import base64

    page.wait_for_function(f"window.__office.created.length >= {count}", timeout=timeout)
    return [base64.b64decode(b) for b in page.evaluate("window.__office.created")]


def http_call(base: str, func_name: str, *args, timeout: float = 30, client=None):
    """POST a call to the server's /xlwings/custom-functions-call, as Office.js does.

    ``client``: an ``httpx.Client`` to send it on (its connection is kept, as a browser
    keeps one); by default a new one per call.
    """
    import httpx

    post = httpx.post if client is None else client.post
    return post(
        f"{base}/xlwings/custom-functions-call", json=payload(func_name, args), timeout=timeout
    )
