"""Hand-worked cases that kill the mutants scripts/mutation.sh found alive in
udfs/_boundary.py (docs/mutation.md): the Office.js cell payloads, the Pyodide probe, the
raw result hand-over and where the code runs.
"""

from __future__ import annotations

import enum
import gc
import importlib.util
import sys

import pytest
from xlwings import utils as xw_utils

from udfs import _boundary as b
from xlsales.errors import InputError

JSNULL = object()  # stands for Pyodide's JsNull


def fake_is_jsnull(value):
    return value is JSNULL


@pytest.fixture
def off_pyodide(monkeypatch):
    """A process where Pyodide was never looked for: the probe can run again."""
    real = importlib.util.find_spec
    monkeypatch.delenv("XLSALES_PYODIDE_PROBE", raising=False)
    monkeypatch.delitem(sys.modules, "pyodide", raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "pyodide" else real(name, *a)
    )
    monkeypatch.setattr(xw_utils, "is_jsnull", fake_is_jsnull)
    from xlwings.pro import _xlofficejs  # importable with the test licence key (conftest)

    monkeypatch.setattr(_xlofficejs, "_is_jsnull", fake_is_jsnull)
    return _xlofficejs


def test_probe_records_pyodide_absent_once_and_answers_never(off_pyodide):
    b._remember_pyodide_is_absent()
    assert "pyodide" in sys.modules and sys.modules["pyodide"] is None
    assert xw_utils.is_jsnull is b._never_jsnull
    assert off_pyodide._is_jsnull is b._never_jsnull
    assert b._never_jsnull(None) is False and b._never_jsnull(JSNULL) is False


@pytest.mark.parametrize("where", ["keep", "emscripten", "importable", "recorded"])
def test_probe_leaves_xlwings_as_it_is(off_pyodide, monkeypatch, where):
    if where == "keep":
        monkeypatch.setenv("XLSALES_PYODIDE_PROBE", "keep")
    elif where == "emscripten":
        monkeypatch.setattr(sys, "platform", "emscripten")
    elif where == "importable":
        monkeypatch.setattr(  # pyodide alone is found
            importlib.util, "find_spec", lambda name, *a: object() if name == "pyodide" else None
        )
    else:  # already recorded (or imported) once
        monkeypatch.setitem(sys.modules, "pyodide", None)
    b._remember_pyodide_is_absent()
    assert xw_utils.is_jsnull is fake_is_jsnull
    assert off_pyodide._is_jsnull is fake_is_jsnull
    assert ("pyodide" in sys.modules) == (where == "recorded")


@pytest.mark.parametrize("missing", [True, False])
def test_probe_without_an_is_jsnull_to_replace(off_pyodide, monkeypatch, missing):
    # an xlwings without them (missing), or with something else under their names
    for module, attribute in ((xw_utils, "is_jsnull"), (off_pyodide, "_is_jsnull")):
        if missing:
            monkeypatch.delattr(module, attribute)
        else:
            monkeypatch.setattr(module, attribute, None)
    b._remember_pyodide_is_absent()
    assert sys.modules["pyodide"] is None
    for module, attribute in ((xw_utils, "is_jsnull"), (off_pyodide, "_is_jsnull")):
        assert getattr(module, attribute, "missing") == ("missing" if missing else None)


def test_office_js_cells_read_as_xlwings_reads_them(monkeypatch):
    monkeypatch.setattr(xw_utils, "is_jsnull", fake_is_jsnull)
    # an error or rich value arrives as a dict: its basicValue; JsNull is a blank
    assert b._plain({"type": "Error", "basicValue": "#N/A"}) == "#N/A"
    assert b._plain(JSNULL) is None and b._plain(5) == 5 and b._plain("x") == "x"
    cells = [[{"type": "Double", "basicValue": 5}], [JSNULL], [{"basicValue": "#N/A"}], [JSNULL]]
    # 5, a blank in the middle, #N/A, and a trailing blank dropped
    assert b.vector("v", cells) == b.Vector([5, None, "#N/A"], "column", 1)


def test_empty_selections_and_empty_rows():
    assert b.vector("v", []) == b.Vector([], "column", 0)
    assert b.vector("v", [[1], [], [3]]) == b.Vector([1, None, 3], "column", 1)


def test_values_only_refuses_an_error_cell_and_keeps_text():
    with pytest.raises(InputError) as info:
        b.values_only("v", [[1, "#N/A", 3]])
    assert str(info.value) == "v[1]=#N/A is an Excel error, not a value: fix or clear that cell"
    assert b.values_only("v", [[1, "ten", 3]]) == b.Vector([1, "ten", 3], "row", 3)
    assert b.values_only("v", [[1], [2]]) == b.Vector([1, 2], "column", 1)


def test_one_cell_arguments_name_themselves_when_given_a_range():
    for check, name in ((b.flag, "f"), (b.excel_date, "d")):
        with pytest.raises(InputError) as info:
            check(name, [[1, 0]])
        assert str(info.value) == f"{name} is a range of 2 cells: one cell is required"


def test_plain_cells_result_with_the_collector_paused(monkeypatch):
    monkeypatch.delenv("XLWINGS_ON_SERVER", raising=False)
    seen = []

    def F():
        seen.append(gc.isenabled())
        return [[1, "a"], [2, "b"]]

    G = b.plain_cells(F)
    assert G() == [[1, "a"], [2, "b"]] and seen == [False] and gc.isenabled()
    # on xlwings Server the same rows leave as an Enum member (FastAPI does not walk it)
    monkeypatch.setenv("XLWINGS_ON_SERVER", "true")
    monkeypatch.setattr(sys, "platform", "linux")
    rows = G()
    assert isinstance(rows, enum.Enum) and rows == [[1, "a"], [2, "b"]]


@pytest.mark.parametrize(
    "env, platform, server, server_or_lite",
    [
        (None, "linux", False, False),  # the classic add-in
        ("true", "linux", True, True),  # xlwings Server
        ("true", "emscripten", False, True),  # xlwings Lite (Pyodide), the env var set
        (None, "emscripten", False, True),  # xlwings Lite
        ("1", "linux", False, False),  # only "true" means the server
    ],
)
def test_where_the_code_runs(monkeypatch, env, platform, server, server_or_lite):
    if env is None:
        monkeypatch.delenv("XLWINGS_ON_SERVER", raising=False)
    else:
        monkeypatch.setenv("XLWINGS_ON_SERVER", env)
    monkeypatch.setattr(sys, "platform", platform)
    assert (b._on_server(), b._on_server_or_lite()) == (server, server_or_lite)
