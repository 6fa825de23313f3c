"""The xlsales pane, click to Excel.createWorkbook, 10,000 accounts (run by hand):
python bench/bench_addin.py

Starts ``xlsales serve`` on loopback, opens the pane in Debian's chromium (Playwright,
office.js replaced by the tests' recording stub) with a 10,000-account table selected,
clicks "From the selected table" and times until the workbook reaches createWorkbook:
reading the selection, posting it, checking and building the account matrix, the
bytes back, base64. Best of 3 after a warm-up; the server's own build time beside it.
"""

from __future__ import annotations

import time

import httpx
from _common import running_server
from officejs import browser, created, open_pane, select

from xlsales import samples

ACCOUNTS = 10_000


def main() -> None:
    frame = samples.sample_accounts(ACCOUNTS).drop(columns="source_row")
    table = [list(frame.columns)] + [
        [v.item() if hasattr(v, "item") else v for v in row]
        for row in frame.itertuples(index=False)
    ]
    with running_server(licence=None) as base, browser() as b:
        page = open_pane(b, base)
        select(page, table, f"Accounts!A1:I{len(table)}", sheet="Accounts")
        clicks = []
        for i in range(4):  # the first warms up
            start = time.perf_counter()
            page.click("#table-account-matrix")
            data = created(page, i + 1, timeout=300_000)[i]
            clicks.append(time.perf_counter() - start)
        start = time.perf_counter()
        answer = httpx.post(
            f"{base}/xlsales/templates/account-matrix", json={"table": table}, timeout=300
        )
        server = time.perf_counter() - start
        assert answer.status_code == 200
    print(
        f"{ACCOUNTS:,} accounts: click to createWorkbook {min(clicks[1:]):.2f} s (best of 3; "
        f"warm-up {clicks[0]:.2f} s); the POST alone {server:.2f} s; workbook "
        f"{len(data) / 2**20:.2f} MiB ({len(data) * 4 / 3 / 2**20:.2f} MiB as base64)"
    )


if __name__ == "__main__":
    main()
