"""The doors that are free for companies need no xlwings licence key.

xlwings Lite and the classic add-in are free for commercial use; only xlwings Server needs
a licence. ``xlwings.pro`` checks for a key when it is imported, so an import of it on the
classic add-in's path would break every function there. The test suite sets
``XLWINGS_LICENSE_KEY=noncommercial`` (conftest.py) for the Server tests, so this check runs
in a fresh interpreter without it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# To win 10 with a 50 % step and then a 20 % step, work back: 10 / 0.2 = 50 proposals,
# 50 / 0.5 = 100 leads at the top.
CALL = """
import udfs, frontdoors.runpython
from udfs.funnel import REQUIRED_LEADS
print(REQUIRED_LEADS(10, [0.5, 0.2]))
"""


def test_the_functions_and_runpython_import_without_a_licence_key():
    # No XLWINGS_* variable at all: the classic add-in's path (XLWINGS_ON_SERVER=true
    # is the Server path, where xlwings itself asks for the licence).
    env = {k: v for k, v in os.environ.items() if not k.startswith("XLWINGS_")}
    run = subprocess.run(
        [sys.executable, "-c", CALL], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert "LicenseError" not in run.stderr
    # one row: the volume of each stage, top first, ending with the target
    assert run.stdout.strip() == "[[100, 50, 10]]"
