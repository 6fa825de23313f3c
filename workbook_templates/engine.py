"""Recalculate workbooks in LibreOffice (headless) and read the values back.

Used by the tests and the benchmarks, never to ship a file: LibreOffice re-saves the
workbook, so the copy it writes is only read for its values.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def soffice() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        raise RuntimeError(
            "LibreOffice is not installed: run scripts/system-deps.sh "
            "(apt-get install libreoffice-calc-nogui)"
        )
    return path


def profile_dir(root: Path) -> Path:
    """A LibreOffice user profile that recalculates every formula on load."""
    user = root / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(PROFILE)
    return root


def convert(
    paths: Sequence[Path], out_dir: Path, fmt: str = "xlsx", timeout: float = 600
) -> list[Path]:
    """Open each file in LibreOffice (recalculating it) and save a copy as ``fmt`` in out_dir."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="xlsales-lo-") as tmp:
        profile = profile_dir(Path(tmp))
        cmd = [
            soffice(),
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            fmt,
            "--outdir",
            str(out_dir),
            *map(str, paths),
        ]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    outputs = [out_dir / (Path(p).stem + "." + fmt.split(":")[0]) for p in paths]
    missing = [str(p) for p in outputs if not p.exists()]
    if missing:
        raise RuntimeError(f"LibreOffice did not write {missing}: {done.stderr.strip()}")
    return outputs
