"""Check that every xlsales dependency installs in xlwings Lite's Pyodide (run by hand).

    python scripts/check_lite_deps.py

Fetches the ``pyodide`` package from the npm registry (``npm pack``), reads its
pyodide-lock.json (the packages Pyodide builds itself) and, for the rest, asks pip
whether PyPI has a pure-Python wheel (``*-none-any``), which micropip can install.
xlwings itself is provided by xlwings Lite.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

NEEDED = ["numpy", "pandas", "openpyxl", "et-xmlfile"]
PROVIDED_BY_LITE = ["xlwings"]


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["npm", "pack", "pyodide", "--silent"], cwd=tmp, check=True, capture_output=True
        )
        archive = next(Path(tmp).glob("pyodide-*.tgz"))
        with tarfile.open(archive) as tar:
            lock = json.load(tar.extractfile("package/pyodide-lock.json"))
        print(f"Pyodide {archive.stem.split('-', 1)[1]} (Python {lock['info']['python']})")
        missing = []
        for name in NEEDED:
            built = lock["packages"].get(name)
            if built:
                print(f"  {name}: built into Pyodide, {built['version']}")
                continue
            wheels = Path(tmp) / name
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "download",
                    "--no-deps",
                    "--only-binary=:all:",
                    "--platform",
                    "any",
                    "--python-version",
                    "3.12",
                    "-d",
                    str(wheels),
                    name,
                ],
                capture_output=True,
                text=True,
            )
            found = sorted(p.name for p in wheels.glob("*-none-any.whl"))
            if done.returncode == 0 and found:
                print(f"  {name}: pure-Python wheel on PyPI, {found[0]}")
            else:
                print(f"  {name}: NOT AVAILABLE")
                missing.append(name)
        for name in PROVIDED_BY_LITE:
            print(f"  {name}: provided by xlwings Lite")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
