"""The picture of the xlsales pane in README.md and install.md (docs/images/addin-pane.png).

Starts `xlsales serve` on loopback, opens the pane in Debian's chromium through
Playwright with office.js replaced by the tests' recording stub, builds the account
matrix from a selected table, and takes a screenshot. Run: python scripts/render_pane.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from officejs import browser, created, open_pane, running_server, select  # noqa: E402

from xlsales import samples  # noqa: E402


def main() -> None:
    frame = samples.sample_accounts(40).drop(columns="source_row")
    table = [list(frame.columns)] + [
        [v.item() if hasattr(v, "item") else v for v in r] for r in frame.itertuples(index=False)
    ]
    out = ROOT / "docs" / "images" / "addin-pane.png"
    with running_server(licence=None) as base, browser() as b:
        page = open_pane(b, base, viewport={"width": 360, "height": 900})
        select(
            page,
            table,
            f"Accounts!A1:I{len(table)}",
            sheet="Accounts",
            workbook="Accounts 2026.xlsx",
        )
        page.fill("#account-matrix-hours_per_owner", "1000")
        page.click("#table-account-matrix")
        created(page)
        page.wait_for_selector("#section-account-matrix .status:has-text('opened')")
        page.screenshot(path=str(out), full_page=True)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
