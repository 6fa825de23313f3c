"""Long jobs of the ``xlsales`` command: a live line on stderr, and a warning before a
very large template.

The line (rich: a spinner, the step, the time so far) is shown only when stderr is a
terminal, so pipes, logs and tests see nothing of it. It is shown for

* template builds from :data:`TEMPLATE_ROWS` rows up,
* ``analyze`` from :data:`ANALYZE_ROWS` history rows up,
* ``verify`` for files from :data:`VERIFY_BYTES` bytes up.

An account matrix of more than :data:`LARGE_ACCOUNTS` accounts is announced first, on
stderr and always, with the time and memory to expect (:func:`size_warning`).
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

TEMPLATE_ROWS = 50_000  # template builds from this many rows show the live line
ANALYZE_ROWS = 1_000_000  # analyze from this many history rows shows it
VERIFY_BYTES = 3_000_000  # verify shows it for files from this size up (5,000 accounts)
LARGE_ACCOUNTS = 300_000  # an account matrix above this size is announced first

# Account matrix, build + save, measured with bench/ratios.py (2 cores, 2026-11): about
# this much time and peak memory per 1,000 accounts, on top of the start of the command.
# Memory since the tables are streamed when saved: peak RSS 91 MiB at 10,000 accounts,
# 128 MiB at 50,000.
SECONDS_PER_1000 = 0.5
MIB_PER_1000 = 1.0
START_MIB = 80.0


def size_warning(accounts: int | None) -> str | None:
    """The warning for an account matrix of ``accounts`` rows, or None up to the limit.

    ::

        seconds = accounts / 1000 * SECONDS_PER_1000
        memory  = START_MIB + accounts / 1000 * MIB_PER_1000      (MiB)

    >>> size_warning(300_000) is None
    True
    >>> print(size_warning(400_000))  # doctest: +NORMALIZE_WHITESPACE
    warning: 400,000 accounts is more than 300,000: expect about 3.3 minutes and
    0.5 GiB of memory for the account matrix (Excel itself will be slow with it)
    """
    if accounts is None or accounts <= LARGE_ACCOUNTS:
        return None
    seconds = accounts / 1000 * SECONDS_PER_1000
    gib = (START_MIB + accounts / 1000 * MIB_PER_1000) / 1024
    return (
        f"warning: {accounts:,} accounts is more than {LARGE_ACCOUNTS:,}: expect about "
        f"{seconds / 60:.1f} minutes and {gib:.1f} GiB of memory for the account matrix "
        "(Excel itself will be slow with it)"
    )


def rows_in(path: str | Path) -> int | None:
    """Data rows in a .csv (lines after the header) or the first sheet of an .xlsx
    (its stated size; an account matrix: its Accounts sheet); None for anything else or
    a file that cannot be read."""
    path = Path(path)
    try:
        if path.suffix.lower() == ".xlsx":
            from openpyxl import load_workbook

            wb = load_workbook(path, read_only=True)
            try:
                if {"VerifyData", "Accounts"} <= set(wb.sheetnames):  # an account matrix
                    return max(wb["Accounts"].max_row - 4, 0)  # header in row 4
                return max(wb.worksheets[0].max_row - 1, 0)
            finally:
                wb.close()
        with path.open("rb") as f:
            lines = sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))
            f.seek(-1, 2)
            last_ends_line = f.read(1) == b"\n"
        return max(lines - (1 if last_ends_line else 0), 0)
    except (OSError, ValueError, KeyError, IndexError):
        return None


@contextlib.contextmanager
def working(
    what: str, rows: int | None, threshold: int, stream: IO[str] | None = None
) -> Iterator[Callable[[str], None]]:
    """Show ``what`` and the current step live on ``stream`` (stderr) while the block
    runs, if ``rows`` reaches ``threshold`` and the stream is a terminal. Yields
    ``step(text)``, which names the step now running (a no-op when nothing is shown).
    """
    stream = stream or sys.stderr
    if rows is None or rows < threshold or not stream.isatty():
        yield lambda text: None
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=Console(file=stream),
        transient=True,
        redirect_stdout=False,
        redirect_stderr=False,
    ) as bar:
        task = bar.add_task(what)
        yield lambda text: bar.update(task, description=f"{what}: {text}")
