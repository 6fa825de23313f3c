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

    Refuses to replace an existing file unless ``force``; on any failure (a full disk,
    no permission) the target is left as it was, no partial file remains and the
    message names the target, never the temporary file. The file gets the usual
    permissions of a new file (0666 less the umask), as other tools' files do.
    """
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise XlsalesError(f"--out {path}: the file name must end in .xlsx")
    if path.exists() and not force:
        raise XlsalesError(f"{path} exists: not overwritten (use --force to replace it)")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".xlsx.tmp", dir=path.parent)
    except OSError as exc:
        raise XlsalesError(f"{path}: cannot be written ({exc.strerror or exc})") from None
    os.close(fd)
    try:
        wb.save(tmp)
        os.chmod(tmp, 0o666 & ~_umask())  # as any new file: mkstemp made it 0600
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise XlsalesError(
            f"{path}: cannot be written ({exc.strerror or type(exc).__name__}); "
            f"{'the existing file is unchanged' if path.exists() else 'nothing was written'}"
        ) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def to_bytes(wb: Workbook) -> bytes:
    """The ``.xlsx`` file :func:`save` would write, as bytes, nothing touching the disk."""
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _umask() -> int:
    mask = os.umask(0)  # the only way to read it; set straight back
    os.umask(mask)
    return mask
