"""The table reader: a 2-D table of cell values gives the same checked records as a file."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pandas as pd
import pytest

from frontdoors import kinds
from xlsales import prospecting, records
from xlsales.errors import DataError
from xlsales.records import Cells

HEADER = list(records.ACCOUNT_COLUMNS)
ROWS = [
    ["Acme", "Ann", "Retail", "yes", 1000, 0.3, 10, 50, "yes"],
    ["Bolt", "Bob", "Retail", "no", "2,500.00", "0.25", 4.5, 60, "n"],
    ["Core", "Ann", "Energy", "y", 0, 0, 0, 0, "no"],
]


def test_same_records_as_the_file_reader(tmp_path):
    csv = tmp_path / "accounts.csv"
    pd.DataFrame(ROWS, columns=HEADER).to_csv(csv, index=False)
    from_file, _ = records.load_accounts(csv)
    from_cells, source = records.load_accounts(Cells([HEADER] + ROWS, "Book1.xlsx", "Accounts"))
    pd.testing.assert_frame_equal(from_cells, from_file)
    assert from_cells["revenue"].tolist() == [1000.0, 2500.0, 0.0]  # "2,500.00" read as 2500
    # "2,500" alone could be 2500 or 2.5: refused unless the decimal mark is given (issue 14)
    bare = [HEADER, ROWS[0], ROWS[1][:4] + ["2,500"] + ROWS[1][5:]]
    with pytest.raises(DataError, match="row 3, column revenue: '2,500' is ambiguous"):
        records.load_accounts(Cells(bare))
    frame, _ = records.load_accounts(Cells(bare), decimal=".")
    assert frame["revenue"].tolist() == [1000.0, 2500.0]
    assert (source.source, source.sheet, source.address, source.rows) == (
        "Book1.xlsx",
        "Accounts",
        "",
        3,
    )


def test_rows_are_numbered_as_the_sheet_shows_them():
    # header in row 5 (B5:J8): the records are rows 6, 7 and 8
    frame, source = records.load_accounts(Cells([HEADER] + ROWS, "Book1.xlsx", "Accounts", "B5:J8"))
    assert frame["source_row"].tolist() == [6, 7, 8]
    assert source.address == "B5:J8"
    # header in row 1 (the file reader's numbering): records 2, 3, 4
    frame, _ = records.load_accounts(Cells([HEADER] + ROWS, address="Accounts!$A$1:$I$4"))
    assert frame["source_row"].tolist() == [2, 3, 4]


@pytest.mark.parametrize(
    "address, header_row",
    [("B5:J8", 5), ("'My Sheet'!$B$5:$J$8", 5), ("Sheet1!A1:I4", 1), ("", 1), ("AB120:AC200", 120)],
)
def test_header_row_from_the_address(address, header_row):
    assert Cells([[1]], address=address).header_row == header_row


def test_a_bad_cell_names_the_sheet_row_and_the_column():
    bad = [list(r) for r in ROWS]
    bad[2][4] = "lots"  # the third record: header row 5 + 3 = sheet row 8
    with pytest.raises(DataError) as info:
        records.load_accounts(Cells([HEADER] + bad, "Book1.xlsx", "Accounts", "Accounts!B5:J8"))
    assert (
        str(info.value) == "Book1.xlsx Accounts!B5:J8 row 8, column revenue: 'lots' is not a number"
    )


def test_activity_rule_across_columns_names_the_sheet_row():
    header = list(records.ACTIVITY_COLUMNS)
    rows = [
        ["2026-03-02", "Ann", "call", "Acme", "meeting booked", 5000, 0, ""],
        ["2026-03-03", "Ann", "call", "Bolt", "won", 4000, 3000, ""],  # won, no won date
    ]
    with pytest.raises(DataError) as info:
        records.load_activities(Cells([header] + rows, "Log.xlsx", "Log", "A10:H12"))
    # header in row 10: the second record is row 10 + 2 = 12
    assert (
        str(info.value)
        == "Log.xlsx Log!A10:H12 row 12, column won_date: blank, but won_value is 3000"
    )


def test_blank_rows_and_columns_at_the_end_are_not_the_table():
    table = [HEADER + ["", None]] + [r + [None, ""] for r in ROWS] + [[""] * 11, [None] * 11]
    cells = Cells(table, "Book1.xlsx", "Accounts", "A1:K6")
    assert cells.table() == [HEADER] + ROWS
    frame, source = records.load_accounts(cells)
    assert len(frame) == 3 and source.rows == 3
    # the digest is over the table read, as documented: compact UTF-8 JSON
    text = json.dumps([HEADER] + ROWS, separators=(",", ":"), ensure_ascii=False)
    assert source.sha256 == hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_a_blank_row_inside_the_table_is_refused_not_dropped():
    table = [HEADER, ROWS[0], [""] * 9, ROWS[1]]
    with pytest.raises(DataError) as info:
        records.load_accounts(Cells(table, "Book1.xlsx", "Accounts", "A1:I4"))
    # the blank row is the second record: row 1 + 2 = 3
    assert (
        str(info.value)
        == "Book1.xlsx Accounts!A1:I4 row 3, column account: '' is blank: a name is required"
    )


def test_dates_from_xlwings_are_read_as_dates():
    header = list(records.ACTIVITY_COLUMNS)
    row = [dt.datetime(2026, 3, 2), "Ann", "Call", "Acme", "", 0, 0, None]
    frame, _ = records.load_activities(Cells([header, row]))
    assert frame["date"].tolist() == [dt.date(2026, 3, 2)]
    assert frame["type"].tolist() == ["call"]


def test_empty_selection_is_refused():
    with pytest.raises(DataError, match="Book1.xlsx Sheet1!A1: the selection is empty"):
        records.load_accounts(Cells([[None]], "Book1.xlsx", "Sheet1", "A1"))


def test_crm_table_rows_are_numbered_as_the_sheet_shows_them():
    table = [
        ["deal_id", "stage", "entered_at"],
        ["D1", "Lead", "2026-01-05"],
        ["D1", "Won", "2026-01-20"],
        ["D2", "Lead", "yesterday"],
    ]
    with pytest.raises(DataError) as info:
        kinds.read_crm(Cells(table, "CRM.xlsx", "Export", "D3:F6"), "Lead,Won")
    # header in row 3: the third record is row 3 + 3 = 6
    assert str(info.value) == (
        "CRM.xlsx Export!D3:F6 row 6, column entered_at: 'yesterday' is not a date (use YYYY-MM-DD)"
    )


@pytest.mark.parametrize(
    "option, value, message",
    [
        (kinds.Option("x", "X", "number"), "1e999", "option x='1e999' must be a finite number"),
        (kinds.Option("x", "X", "number"), True, "option x=True is not a number"),
        (
            kinds.Option("d", "D", "date"),
            "2026-02-30",
            "option d='2026-02-30' is not a date (use YYYY-MM-DD)",
        ),
        (kinds.Option("s", "S", "text", required=True), " ", "option s is required: S"),
        (
            kinds.Option("c", "C", "choice", "B", ("A", "B")),
            "D",
            "option c='D' must be one of: A, B",
        ),
    ],
)
def test_bad_option_is_refused_with_its_name(option, value, message):
    with pytest.raises(Exception) as info:
        option.parse(value)
    assert str(info.value) == message


def test_blank_option_takes_its_default():
    assert kinds.Option("x", "X", "number", 1200.0).parse("") == 1200.0
    assert kinds.Option("d", "D", "date").parse(None) is None
    assert kinds.Option("d", "D", "date").parse("2026-03-02") == dt.date(2026, 3, 2)


# A won value typed as text in a log (Excel stores "12k" typed there as a text): the
# reader refuses it in one line with the sheet's row, the column, the value and the rule,
# never drops the row or reads it as 0. The header sits in row 4 of the sheet, so the
# second record is row 4 + 2 = 6.
ACTIVITY_HEADER = list(records.ACTIVITY_COLUMNS)


def _log_cells(won) -> Cells:
    rows = [
        ["2026-01-05", "Ann", "call", "Acme", "", 0, 500, "2026-01-20"],
        ["2026-01-06", "Bob", "call", "Brix", "", 0, won, "2026-01-20"],
    ]
    return Cells([ACTIVITY_HEADER] + rows, "Log.xlsx", "Log", "A4:H6")


@pytest.mark.parametrize(
    ("won", "shown", "rule"),
    [
        ("12k", "'12k'", "is not a number"),
        (True, "'True'", "is not a number"),
        (False, "'False'", "is not a number"),
        (-1, "'-1'", "must be 0 or more"),  # just beside the limit 0
    ],
)
def test_a_won_value_that_is_no_number_is_refused_naming_row_column_and_rule(won, shown, rule):
    # a blank won value is no longer refused (it reads as 0, as the template's Log reads
    # it): see test_a_blank_won_value_with_a_won_date_reads_as_no_win
    with pytest.raises(DataError) as info:
        records.load_activities(_log_cells(won))
    assert str(info.value) == f"Log.xlsx Log!A4:H6 row 6, column won_value: {shown} {rule}"


def test_a_blank_won_value_with_a_won_date_reads_as_no_win():
    # Brix: won_value blank, won_date 2026-01-20: 0, no win, as the Log's "inputs valid"
    # passes it (OR(LEN(won)=0, ...) and OR(won=0, ISNUMBER(won_date))); a won value of
    # exactly 0 (on the limit) reads the same
    for won in ("", 0):
        frame, _ = records.load_activities(_log_cells(won))
        assert frame["won_value"].tolist() == [500.0, 0.0]
        # the wins up to 2026-01-31: Acme's 500 only (Brix's 0 is no win): 1 win, 500
        after = prospecting.left_out(frame, dt.date(2026, 1, 31))
        assert (after["wins_after"], after["won_after"]) == (0, 0.0)
        people = prospecting.prospects(frame, dt.date(2026, 1, 31))
        assert people["won_in_window"].tolist() == [500.0, 0.0]  # Acme 500, Brix 0


def test_a_won_value_above_0_without_a_won_date_is_still_refused():
    # just beside the limit: 0.01 above 0 with a blank won date
    header, acme, brix = _log_cells(0.01).values
    cells = Cells([header, acme, list(brix[:7]) + [""]], "Log.xlsx", "Log", "A4:H6")
    with pytest.raises(DataError) as info:
        records.load_activities(cells)
    assert str(info.value) == (
        "Log.xlsx Log!A4:H6 row 6, column won_date: blank, but won_value is 0.01"
    )


# Three calls that created no pipeline and won nothing, their amounts left blank as the
# template's Log allows, and one win: Acme 2026-01-05 (blank, blank), Brix 2026-01-06
# (blank, blank), Core 2026-01-07 (pipeline 800, won 300 on 2026-01-20), Dune 2026-01-08
# (blank pipeline, blank won, won date blank).
BLANK_AMOUNTS = [
    ["2026-01-05", "Ann", "call", "Acme", "no answer", "", "", ""],
    ["2026-01-06", "Bob", "call", "Brix", "no answer", "", "", ""],
    ["2026-01-07", "Ann", "meeting", "Core", "won", 800, 300, "2026-01-20"],
    ["2026-01-08", "Bob", "call", "Dune", "", "", "", ""],
]


def _blank_amounts_hand_worked(frame):
    # blanks read as 0: pipeline 0 + 0 + 800 + 0 = 800, won 0 + 0 + 300 + 0 = 300
    assert frame["pipeline_value"].tolist() == [0.0, 0.0, 800.0, 0.0]
    assert frame["won_value"].tolist() == [0.0, 0.0, 300.0, 0.0]
    assert frame["source_row"].tolist() == [2, 3, 4, 5]  # no row lost
    # as of 2026-04-06, a window (first activity + 89 days) is closed when it ends on or
    # before it: Acme's ends 2026-01-05 + 89 = 2026-04-04, Brix's 2026-04-05, Core's
    # 2026-04-06 (on the limit: closed), Dune's 2026-04-07 (a day beside it: open); so
    # Acme and Brix (no pipeline, no win) are poor, Core (800 pipeline, 300 won) is not,
    # Dune is open
    people = prospecting.prospects(frame, dt.date(2026, 4, 6)).set_index("prospect")
    assert people["pipeline_in_window"].to_dict() == {
        "Acme": 0.0, "Brix": 0.0, "Core": 800.0, "Dune": 0.0
    }  # fmt: skip
    assert people["won_in_window"].to_dict() == {
        "Acme": 0.0,
        "Brix": 0.0,
        "Core": 300.0,
        "Dune": 0.0,
    }
    assert people["poor"].to_dict() == {"Acme": True, "Brix": True, "Core": False, "Dune": False}
    assert people["window_closed"].to_dict() == {
        "Acme": True, "Brix": True, "Core": True, "Dune": False
    }  # fmt: skip


def test_blank_amounts_in_a_csv_read_as_0(tmp_path):
    path = tmp_path / "log.csv"
    pd.DataFrame(BLANK_AMOUNTS, columns=ACTIVITY_HEADER).to_csv(path, index=False)
    assert ",,," in path.read_text()  # the empty cells really are empty in the file
    frame, _ = records.load_activities(path)
    _blank_amounts_hand_worked(frame)


def test_blank_amounts_in_an_xlsx_read_as_0(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(ACTIVITY_HEADER)
    for row in BLANK_AMOUNTS:  # blank cells are None in openpyxl: nothing written
        wb.active.append(
            [dt.date.fromisoformat(v) if k in (0, 7) and v else (v if v != "" else None)
             for k, v in enumerate(row)]
        )  # fmt: skip
    wb.save(tmp_path / "log.xlsx")
    frame, _ = records.load_activities(tmp_path / "log.xlsx")
    _blank_amounts_hand_worked(frame)


def test_a_won_value_written_as_the_text_of_a_number_reads_as_that_number():
    # a file's cells are text: "1200" is 1200, counted (500 + 1200), not dropped
    frame, _ = records.load_activities(_log_cells("1200"))
    assert frame["won_value"].tolist() == [500.0, 1200.0]


def test_a_text_won_value_in_an_xlsx_log_is_refused_with_the_files_row(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(ACTIVITY_HEADER)
    wb.active.append([dt.date(2026, 1, 5), "Ann", "call", "Acme", "", 0, 500, dt.date(2026, 1, 20)])
    wb.active.append(
        [dt.date(2026, 1, 6), "Bob", "call", "Brix", "", 0, "12k", dt.date(2026, 1, 20)]
    )
    wb.save(tmp_path / "log.xlsx")
    with pytest.raises(DataError) as info:
        records.load_activities(tmp_path / "log.xlsx")
    # header row 1, Brix's record row 3
    assert str(info.value) == "log.xlsx row 3, column won_value: '12k' is not a number"


def test_log_amounts_follow_the_decimal_comma_given(tmp_path):
    # a semicolon CSV with the decimal comma: "1.000,50" is 1000.5 (not 1.0005), "2,5"
    # is 2.5, a blank is 0 (no pipeline, no win)
    path = tmp_path / "log.csv"
    path.write_text(
        "date;rep;type;prospect;outcome;pipeline_value;won_value;won_date\n"
        "2026-01-05;Ann;call;Acme;;1.000,50;2,5;2026-01-20\n"
        "2026-01-06;Bob;call;Brix;;;;\n"
    )
    frame, _ = records.load_activities(path, decimal=",")
    assert frame["pipeline_value"].tolist() == [1000.5, 0.0]
    assert frame["won_value"].tolist() == [2.5, 0.0]
