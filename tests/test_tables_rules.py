"""Reading a user's table, rule by rule, by hand (issue 16: tables.py's survivors).

The rules are the module notes of xlsales/tables.py; each case below says which one it
pins, with a case on each limit and one beside it where there is a limit.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import pytest

from xlsales import tables
from xlsales.errors import DataError, InputError
from xlsales.tables import Conventions

POINT = Conventions()  # decimal point, by default
GIVEN_COMMA = Conventions(",", "given")


def refused(message, error=DataError):
    return pytest.raises(error, match=f"^{re.escape(message)}$")


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


# --- conventions ---------------------------------------------------------------------


def test_describe_names_each_convention_and_why():
    assert Conventions().describe() == "decimal point"
    assert Conventions(".", "default", None, ",").describe() == "comma-separated, decimal point"
    assert (
        Conventions(".", "given", None, "\t").describe() == "tab-separated, decimal point (given)"
    )
    assert (
        Conventions(",", "semicolon file", None, ";").describe()
        == "semicolon-separated, decimal comma (semicolon file)"
    )
    assert (
        Conventions(",", "given", "dmy", ";").describe()
        == "semicolon-separated, decimal comma (given), dates DMY (given)"
    )


def test_conventions_given_and_refused():
    assert tables.conventions() == Conventions(".", "default", None, None)
    assert tables.conventions(",", "DMY") == Conventions(",", "given", "dmy", None)
    assert tables.conventions(".", "mdy") == Conventions(".", "given", "mdy", None)
    with refused("decimal=';' must be '.' or ','", InputError):
        tables.conventions(";")
    with refused("dates='ymd' must be dmy (31-12-2024) or mdy (12/31/2024)", InputError):
        tables.conventions(dates="ymd")
    # a frame without conventions is read by the defaults
    assert tables.conventions_of(pd.DataFrame()) == Conventions()


# --- files -----------------------------------------------------------------------------


@pytest.fixture
def book(tmp_path):
    """deals.xlsx: a title row, then the header in row 2 of sheet Deals; a Notes sheet."""
    path = tmp_path / "deals.xlsx"
    with pd.ExcelWriter(path) as w:
        pd.DataFrame(
            [["Deals export", None], [" deal_id ", "amount"], ["D1", 7], ["D2", None]]
        ).to_excel(w, sheet_name="Deals", header=False, index=False)
        pd.DataFrame({"note": ["x"]}).to_excel(w, sheet_name="Notes", index=False)
    return path


def test_sheet_names_of_workbooks_only(book, tmp_path):
    assert tables.sheet_names(book) == ["Deals", "Notes"]
    upper = tmp_path / "DEALS.XLSM"  # the suffix in any case, .xlsm too
    upper.write_bytes(book.read_bytes())
    assert tables.sheet_names(upper) == ["Deals", "Notes"]
    assert tables.sheet_names(tmp_path / "missing.xlsx") == []
    assert tables.sheet_names(write(tmp_path, "a.csv", "x\n1\n")) == []
    assert tables.sheet_names(write(tmp_path, "fake.xlsx", "not a zip")) == []


def test_read_excel_sheet_and_header_row(book, tmp_path):
    frame = tables.read_table(book, sheet="Deals", header_row=2)
    assert list(frame.columns) == ["deal_id", "amount"]  # header cells stripped
    assert frame["deal_id"].tolist() == ["D1", "D2"]
    assert frame["amount"].tolist() == [7, ""]  # a blank cell is '', not NaN
    assert frame["amount"].dtype == object  # nothing converted
    first = tables.read_table(book)  # sheet 0, header in row 1
    assert list(first.columns) == ["Deals export", "Unnamed: 1"]
    xlsm = tmp_path / "deals.XLSM"
    xlsm.write_bytes(book.read_bytes())
    assert tables.read_table(xlsm, sheet=1)["note"].tolist() == ["x"]
    with pytest.raises(
        DataError,
        match=r"^deals\.xlsx: cannot be read as a table \(Worksheet named 'Nope' not found\)$",
    ):
        tables.read_table(book, sheet="Nope")


def test_excel_cells_keep_their_own_types(tmp_path):
    # whole numbers are not turned into an int64 column: each cell keeps its own value
    path = tmp_path / "n.xlsx"
    pd.DataFrame({"n": [1, 2]}).to_excel(path, index=False)
    frame = tables.read_table(path)
    assert frame["n"].dtype == object and frame["n"].tolist() == [1, 2]


def test_empty_csv_is_refused_in_words(tmp_path):
    with pytest.raises(DataError, match=r"^e\.csv: cannot be read as a table \(.+\)$"):
        tables.read_table(write(tmp_path, "e.csv", ""))


def test_read_csv_cells_as_written(tmp_path):
    # a byte-order mark is skipped; "007" and "NA" stay text; a space after the comma
    # is dropped; .txt is read like .csv
    path = write(tmp_path, "deals.txt", "\ufeffdeal_id,amount,owner\n007,NA, Ann\n")
    frame = tables.read_table(path)
    assert list(frame.columns) == ["deal_id", "amount", "owner"]
    assert frame.iloc[0].tolist() == ["007", "NA", "Ann"]
    conv = tables.conventions_of(frame)
    assert (conv.delimiter, conv.decimal, conv.decimal_rule) == (",", ".", "default")


def test_delimiters_and_the_conventions_they_bring(tmp_path):
    semi = tables.read_table(write(tmp_path, "s.csv", "a;b\n1,5;2\n3,5;4\n"), dates="mdy")
    conv = tables.conventions_of(semi)
    assert (conv.delimiter, conv.decimal, conv.decimal_rule, conv.dates) == (
        ";",
        ",",
        "semicolon file",
        "mdy",
    )
    tab = tables.conventions_of(tables.read_table(write(tmp_path, "t.csv", "a\tb\n1\t2\n3\t4\n")))
    assert tab.delimiter == "\t"
    # one column: nothing to sniff, the header has no delimiter: a comma file (not ;)
    one = tables.read_table(write(tmp_path, "o.csv", "deal_id\n"), dates="dmy")
    conv = tables.conventions_of(one)
    assert (conv.delimiter, conv.decimal_rule, conv.dates) == (",", "default", "dmy")
    # the sniffer gives up on ragged rows: the header's semicolons decide
    ragged = tables.read_table(write(tmp_path, "r.csv", "a;b;c\n1\n"))
    assert tables.conventions_of(ragged).delimiter == ";"


def test_unreadable_files_in_words(tmp_path):
    with refused(f"{tmp_path / 'none.csv'}: no such file"):
        tables.read_table(tmp_path / "none.csv")
    with refused("d.json: use a .csv or .xlsx file (got .json)"):
        tables.read_table(write(tmp_path, "d.json", "{}"))
    with refused("deals: use a .csv or .xlsx file (got no suffix)"):
        tables.read_table(write(tmp_path, "deals", "a\n"))
    with refused("l.csv: is not UTF-8 text: save it as 'CSV UTF-8' (or as .xlsx)"):
        tables.read_table(write(tmp_path, "l.csv", "owner\nJürgen\n", "latin-1"))


# --- cells ------------------------------------------------------------------------------


def test_factorize_codes_missing_cells_minus_one():
    codes, uniques = tables.factorize(pd.Series(["a", None, "b", "a"], dtype=object))
    assert codes.tolist() == [0, -1, 1, 0] and uniques.tolist() == ["a", "b"]
    assert uniques.dtype == object
    cat = pd.Series(["x", "y", "x", None], dtype="category")
    codes, uniques = tables.factorize(cat)
    assert codes.tolist() == [0, 1, 0, -1] and uniques.tolist() == ["x", "y"]


def test_amounts_zero_on_the_limit_and_negative_beside():
    # non_negative: 0 is accepted (on the limit), 0.5 too, -0.01 refused at its row
    got = tables.amounts(pd.Series(["0", "0.5", ""]), POINT, "a.csv", "amount")
    assert got.iloc[:2].tolist() == [0.0, 0.5] and np.isnan(got.iloc[2])
    with refused("a.csv row 3, column amount: '-0.01' must be 0 or more"):
        tables.amounts(pd.Series(["1", "-0.01"]), POINT, "a.csv", "amount")


def test_amounts_missing_cells_and_exponents():
    # a missing cell (None) is NaN between two amounts; 1E3 and 2.5e-1 are numbers with
    # the decimal point: 1000 and 0.25
    got = tables.amounts(pd.Series(["5", None, "1E3", "2.5e-1"], dtype=object), POINT, "a", "x")
    assert got.iloc[0] == 5.0 and np.isnan(got.iloc[1]) and got.iloc[2:].tolist() == [1000.0, 0.25]


def test_amounts_every_cell_is_looked_at_after_blanks_and_numbers():
    # a blank and a number before the bad cell do not end the scan
    with refused("a.csv row 4, column amount: 'x' is not a number"):
        tables.amounts(pd.Series(["", 5.0, "x"], dtype=object), POINT, "a.csv", "amount")
    with refused("a.csv row 2, column amount: 'True' is not a number"):
        tables.amounts(pd.Series([True, 1], dtype=object), POINT, "a.csv", "amount")


def test_amount_in_the_other_convention_says_which_to_give():
    with refused(
        "a.csv row 2, column amount: '1.234,56' is not a number with the decimal point of a "
        "comma-separated file: give --decimal , if the file uses the decimal comma"
    ):
        tables.amounts(pd.Series(["1.234,56"]), POINT, "a.csv", "amount")
    with refused(
        "a.csv row 2, column amount: '1,234.56' is not a number with the decimal given: "
        "give --decimal . if the file uses the decimal point"
    ):
        tables.amounts(pd.Series(["1,234.56"]), GIVEN_COMMA, "a.csv", "amount")
    with refused(
        "a.csv row 2, column amount: '1,234' is ambiguous: a thousands comma or a decimal "
        "comma? give --decimal . (thousands comma) or --decimal , (decimal comma)"
    ):
        tables.amounts(pd.Series(["1,234"]), POINT, "a.csv", "amount")


# --- dates ------------------------------------------------------------------------------


def test_dates_after_the_last_date_on_and_beside():
    last = dt.date(2026, 3, 2)
    got = tables.dates(pd.Series(["2026-03-02", ""]), POINT, "d.csv", "closed_at", last, "as of")
    assert got.iloc[0] == pd.Timestamp(2026, 3, 2) and pd.isna(got.iloc[1])
    with refused("d.csv row 3, column closed_at: '2026-03-03' is after 2026-03-02, the as-of date"):
        tables.dates(
            pd.Series(["2026-03-02", "2026-03-03"]),
            POINT,
            "d.csv",
            "closed_at",
            last,
            "the as-of date",
        )


def test_date_objects_and_text_mixed():
    # a datetime and a date from an Excel file, then ISO text: every cell read
    cells = pd.Series(
        [dt.datetime(2026, 1, 5, 13, 0), dt.date(2026, 1, 6), "2026-01-07"], dtype=object
    )
    got = tables.dates(cells, POINT, "d.xlsx", "entered_at")
    assert [d.date() for d in got] == [
        dt.date(2026, 1, 5),
        dt.date(2026, 1, 6),
        dt.date(2026, 1, 7),
    ]


def test_date_refusals_in_words():
    with refused("d.csv row 2, column day: 'soon' is not a date (use YYYY-MM-DD)"):
        tables.dates(pd.Series(["soon"]), POINT, "d.csv", "day")
    # 13 first in one cell (day-first) and 13 second in another (month-first)
    with refused(
        "d.csv row 2, column day: '13/01/2026' is in a column that mixes day-first and month-first dates"
    ):
        tables.dates(pd.Series(["13/01/2026", "01/13/2026"]), POINT, "d.csv", "day")
    # day-first by its dots: 31.02.2026 has no such day
    with refused("d.csv row 2, column day: '31.02.2026' is not a date (no such day)"):
        tables.dates(pd.Series(["31.02.2026"]), POINT, "d.csv", "day")


# --- stop 13: sheet_names and read_table name their reader (61e4714; docs/mutation.md,
# "Changed modules re-scored (stop 13)") -------------------------------------------------


def test_excel_files_are_read_by_openpyxl_whatever_reader_pandas_would_choose(book):
    # the same cells must read the same way on every machine: pandas' own choice of .xlsx
    # reader is an option ("auto": openpyxl here, another where that one is installed).
    # Set to calamine (not installed here), the sheets and cells are still read, by
    # openpyxl: the same two sheets and deal ids as test_read_excel_sheet_and_header_row
    with pd.option_context("io.excel.xlsx.reader", "calamine"):
        assert tables.sheet_names(book) == ["Deals", "Notes"]
        frame = tables.read_table(book, sheet="Deals", header_row=2)
    assert frame["deal_id"].tolist() == ["D1", "D2"]
