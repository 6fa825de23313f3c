"""Render the demo workbooks to PNG for the README (run by hand after a template changes).

    python scripts/render_images.py            # writes docs/images/*.png

LibreOffice recalculates each demo workbook and prints it to PDF; pdftoppm turns the
page that starts with the wanted sheet's title into a PNG.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from workbook_templates import engine

ROOT = Path(__file__).resolve().parents[1]
PAGES = {  # workbook: sheet titles to show
    "account-matrix": ["Accounts", "Summary", "Capacity"],
    "prospecting-log": ["Prospects", "Blocks", "Weeks", "Summary"],
    "funnel-planner": ["Plan", "Actuals", "Velocity"],
    "pipeline-review": ["Deals", "Forecast", "Conversion", "Cycle", "Stalled", "What-if"],
}


def page_titles(pdf: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [
        page.strip().splitlines()[0].strip() if page.strip() else "" for page in text.split("\f")
    ]


def main() -> None:
    out = ROOT / "docs" / "images"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        subprocess.run(
            [sys.executable, "-m", "frontdoors.cli", "demo", "--out", str(folder)], check=True
        )
        pdfs = engine.convert(
            [folder / f"{name}.xlsx" for name in PAGES], folder / "pdf", fmt="pdf"
        )
        for pdf, (name, sheets) in zip(pdfs, PAGES.items()):
            titles = page_titles(pdf)
            for sheet in sheets:
                page = titles.index(sheet) + 1
                target = out / f"{name}-{sheet.lower()}"
                subprocess.run(
                    [
                        "pdftoppm",
                        "-f",
                        str(page),
                        "-l",
                        str(page),
                        "-r",
                        "70",
                        "-png",
                        "-singlefile",
                        str(pdf),
                        str(target),
                    ],
                    check=True,
                )
                print(f"wrote {target}.png")


if __name__ == "__main__":
    main()
