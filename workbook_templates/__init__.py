"""One-click template workbooks: account matrix, prospecting log, funnel planner.

Each builder returns an openpyxl Workbook; :func:`save` writes one completely or not
at all, and never over an existing file unless told to; :func:`to_bytes` gives the same
file as bytes (for an HTTP answer or Excel's ``createWorkbook``).
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

from openpyxl import Workbook

from xlsales.errors import XlsalesError

TEMPLATES = ("account-matrix", "prospecting-log", "funnel-planner")


def save(wb: Workbook, path: str | Path, force: bool = False) -> Path:
    """Write ``wb`` to ``path`` atomically (a temporary file, then a rename).

    Refuses to replace an existing file unless ``force``; on any failure the target
    is left as it was and no partial file remains.
    """
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise XlsalesError(f"--out {path}: the file name must end in .xlsx")
    if path.exists() and not force:
        raise XlsalesError(f"{path} exists: not overwritten (use --force to replace it)")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".xlsx.tmp", dir=path.parent)
    os.close(fd)
    try:
        wb.save(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def to_bytes(wb: Workbook) -> bytes:
    """The ``.xlsx`` file :func:`save` would write, as bytes, nothing touching the disk."""
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
