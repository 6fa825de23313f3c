"""xlwings Server with the xlsales functions, started for real on a loopback port.

The tests talk to it as Office.js does: the manifest, the functions' metadata and
JavaScript, and POSTs to /xlwings/custom-functions-call.
"""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET

import httpx
import pytest
from conftest import load_oracle
from officejs import http_call, running_server

import udfs

ORACLE = load_oracle("funnel_examples.json")


@pytest.fixture(scope="module")
def server():
    with running_server() as base:
        yield base


call = http_call


def test_manifest_names_the_xlsales_namespace(server):
    response = httpx.get(f"{server}/manifest.xml")
    root = ET.fromstring(response.text)  # well-formed XML
    strings = {e.get("id"): e.get("DefaultValue") for e in root.iter() if e.get("id")}
    assert strings["Functions.Namespace"] == "XLSALES"
    assert f"{server}/xlwings/custom-functions-meta" in response.text


def test_metadata_lists_every_function_with_help(server):
    meta = httpx.get(f"{server}/xlwings/custom-functions-meta").json()
    listed = {f["name"]: f for f in meta["functions"]}
    assert set(udfs.__all__) <= set(listed)
    for name in udfs.__all__:
        assert not listed[name]["description"].startswith("Python function"), name
        for p in listed[name]["parameters"]:
            assert p["description"] and not p["description"].startswith("Positional"), (name, p)


def test_javascript_associates_every_function(server):
    js = httpx.get(f"{server}/xlwings/custom-functions-code").text
    for name in udfs.__all__:
        assert f'CustomFunctions.associate("{name}", {name});' in js
    assert "/xlwings/custom-functions-call" in js


def test_call_published_reverse_funnel(server):
    case = next(c for c in ORACLE["reverse_funnel"] if c["name"] == "sales-math")
    response = call(server, "REQUIRED_LEADS", case["target"], [case["rates"]])
    assert response.status_code == 200
    assert response.json() == {"result": [case["volumes"]]}


def test_call_with_blanks_and_dates(server):
    # blank optional arguments take their defaults; trailing blank cells are ignored
    case = ORACLE["rounding"]
    response = call(server, "REQUIRED_LEADS", case["target"], [case["rates"] + ["", ""]], "", "")
    assert response.json()["result"] == [case["end"]]
    # due 2026-03-02 (serial 46083), 14 days: start 2026-02-16 (serial 46069)
    response = call(server, "FUNNEL_SCHEDULE", 10, [[0.1]], [[14]], 46083)
    starts = [row[1]["basicValue"] for row in response.json()["result"]]
    assert starts == [46069, 46083]


@pytest.mark.parametrize(
    "func, args, message",
    [
        (
            "REQUIRED_LEADS",
            (10, [[0.5, 1.3]]),
            "REQUIRED_LEADS: rates[1]=1.3 must be in (0, 1] (a rate, 0.25 for 25%)",
        ),
        ("ABC_CLASS", ([[5, "ten", 3]],), "ABC_CLASS: values[1]='ten' is not a number"),
        (
            "WIN_RATE",
            (0, 0),
            "WIN_RATE: won=0 and lost=0: the win rate is undefined (no closed deals)",
        ),
    ],
)
def test_bad_input_is_400_with_the_message(server, func, args, message):
    response = call(server, func, *args)
    assert response.status_code == 400  # not 500, which Office.js retries three times
    assert response.text == message


def test_abc_class_over_100000_cells(server):
    values = [[float((i * 7919) % 100_003 + 1)] for i in range(100_000)]
    response = call(server, "ABC_CLASS", values, timeout=120)
    assert response.status_code == 200
    got = [row[0] for row in response.json()["result"]]
    from xlsales.pareto import abc_classes

    assert got == abc_classes([v[0] for v in values])  # what the core gives, cell for cell


def run_in_excel_js(base, calls):
    """Run the server's custom-functions JavaScript in Node.js (Office globals stubbed)."""
    import shutil
    from pathlib import Path

    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is not installed: run scripts/system-deps.sh")
    harness = Path(__file__).parent / "js" / "excel_harness.mjs"
    import json

    done = subprocess.run(
        [node, str(harness), base, json.dumps(calls)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()], done.stderr


def test_excel_javascript_against_the_live_server(server):
    case = next(c for c in ORACLE["reverse_funnel"] if c["name"] == "sales-math")
    rounding = ORACLE["rounding"]
    results, log = run_in_excel_js(
        server,
        [
            ["REQUIRED_LEADS", [[[case["target"]]], [case["rates"]]]],
            # a blank cell at the end of the selection, and an omitted optional argument (null)
            ["REQUIRED_LEADS", [[[rounding["target"]]], [rounding["rates"] + [""]], None]],
            ["REQUIRED_LEADS", [[[10]], [[0.5, 1.3]]]],
            ["XLSALES_VERSION", []],
        ],
    )
    assert results[0] == {"ok": True, "result": [case["volumes"]]}
    assert results[1] == {"ok": True, "result": [rounding["end"]]}
    assert results[2] == {
        "ok": False,
        "code": "#VALUE!",
        "message": "REQUIRED_LEADS: rates[1]=1.3 must be in (0, 1] (a rate, 0.25 for 25%)",
    }
    assert log.count("Attempt") == 1  # a 400 is not retried
    import xlsales

    assert results[3]["result"] == [[xlsales.__version__]]
