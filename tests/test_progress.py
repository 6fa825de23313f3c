"""frontdoors.progress: the live line on a terminal and the large-template warning."""

from __future__ import annotations

import io

from openpyxl import Workbook

from frontdoors import progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_no_warning_on_the_limit_and_one_just_above():
    assert progress.size_warning(300_000) is None
    assert progress.size_warning(None) is None
    # 300,001 accounts: 300.001 x 0.5 s = 150 s = 2.5 minutes;
    # 80 MiB + 300.001 x 1 MiB = 380 MiB = 380 / 1024 GiB = 0.37 GiB
    text = progress.size_warning(300_001)
    assert text == (
        "warning: 300,001 accounts is more than 300,000: expect about 2.5 minutes and "
        "0.4 GiB of memory for the account matrix (Excel itself will be slow with it)"
    )


def test_rows_in_csv_and_xlsx(tmp_path):
    with_end = tmp_path / "a.csv"
    with_end.write_text("account,revenue\na,1\nb,2\nc,3\n")
    without_end = tmp_path / "b.csv"
    without_end.write_text("account,revenue\na,1\nb,2\nc,3")
    assert progress.rows_in(with_end) == 3 and progress.rows_in(without_end) == 3
    wb = Workbook()
    for r in [["account", "revenue"], ["a", 1], ["b", 2], ["c", 3], ["d", 4]]:
        wb.active.append(r)
    wb.save(tmp_path / "c.xlsx")
    assert progress.rows_in(tmp_path / "c.xlsx") == 4
    assert progress.rows_in(tmp_path / "missing.csv") is None


def test_the_live_line_from_the_threshold_on_a_terminal_only():
    shown = Terminal()
    with progress.working("account-matrix, 50,000 rows", 50_000, 50_000, shown) as step:
        step("saving")
    assert "account-matrix, 50,000 rows" in shown.getvalue()
    for rows, stream in [(49_999, Terminal()), (2_000_000, io.StringIO()), (None, Terminal())]:
        with progress.working("x", rows, 50_000, stream) as step:
            step("saving")
        assert stream.getvalue() == ""
