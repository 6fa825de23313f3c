"""The one reader: delimiter, BOM, decimal convention, dates (xlsales.tables)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from xlsales import tables
from xlsales.errors import DataError, InputError

POINT = tables.Conventions()  # a comma file, nothing given
GIVEN_POINT = tables.conventions(".")
GIVEN_COMMA = tables.conventions(",")
SEMICOLON = tables.Conventions(",", "semicolon file", None, ";")


def amounts(cells, conv=POINT, non_negative=False):
    series = pd.Series(cells, dtype=object)
    return tables.amounts(series, conv, "f.csv", "amount", non_negative=non_negative).tolist()


@pytest.mark.parametrize(
    "conv, cells, expected",
    [
        # decimal point: thousands commas only where they cannot be a decimal comma
        (
            POINT,
            ["1234.5", "1,234.50", "2,000,000", "12", "-3", " 7 "],
            [1234.5, 1234.5, 2e6, 12, -3, 7],
        ),
        (POINT, ["1 234.5", "1\u00a0234"], [1234.5, 1234]),  # spaces group thousands
        (GIVEN_POINT, ["1,234"], [1234]),  # given: the comma groups thousands
        # decimal comma: given, or a semicolon file
        (GIVEN_COMMA, ["1.234,56", "500,5", "1,234", "2.000"], [1234.56, 500.5, 1.234, 2000]),
        (SEMICOLON, ["1.234,56", "0,3", "7"], [1234.56, 0.3, 7]),
        (POINT, [1234.5, 3], [1234.5, 3]),  # numbers from an Excel file stay as they are
    ],
)
def test_amounts_by_convention(conv, cells, expected):
    assert amounts(cells, conv) == pytest.approx(expected)


@pytest.mark.parametrize(
    "conv, cell, message",
    [
        (
            POINT,
            "1.234,56",
            "'1.234,56' is not a number with the decimal point of a comma-separated file: give --decimal ,",
        ),
        (POINT, "500,5", "'500,5' is not a number with the decimal point"),
        (POINT, "1,234", "'1,234' is ambiguous"),
        (
            SEMICOLON,
            "1234.5",
            "'1234.5' is not a number with a semicolon file's decimal comma: give --decimal .",
        ),
        (GIVEN_POINT, "1,23", "'1,23' is not a number with the decimal given"),
        (POINT, "12,34,567", "is not a number"),  # not groups of three
        (POINT, "lots", "'lots' is not a number"),
        (POINT, "inf", "'inf' is not a number"),
        (POINT, "1e16", "must be a finite amount of at most 1e+15"),
        (POINT, "$12", "is not a number"),
    ],
)
def test_amounts_refused_with_row_and_column(conv, cell, message):
    with pytest.raises(DataError) as info:
        amounts(["1", cell], conv)
    assert str(info.value).startswith("f.csv row 3, column amount: ")
    assert message in str(info.value)


def test_negative_amounts_refused_where_asked():
    with pytest.raises(DataError, match="row 2, column amount: '-3' must be 0 or more"):
        amounts(["-3"], non_negative=True)


def test_amount_bound_on_and_beside_the_limit():
    assert amounts(["1000000000000000"]) == [1e15]  # on the limit
    with pytest.raises(DataError, match="at most 1e"):
        amounts(["1000000000000001"])  # one more


def dates(cells, conv=POINT):
    out = tables.dates(pd.Series(cells, dtype=object), conv, "f.csv", "day")
    return [None if pd.isna(d) else d.date() for d in out]


def test_iso_and_timestamps_count_on_the_date_as_written():
    got = dates(
        [
            "2024-01-01",
            "2024-01-01T10:00:00Z",
            "2024-01-01T23:30:00-05:00",
            "2024-01-01 23:59:59.5+14:00",
            "2024-01-01 09:15",
            "",
            dt.datetime(2024, 1, 1, 22),
        ]
    )
    # 23:30 at -05:00 is 04:30 UTC on 2 January, but it was entered on 1 January: the
    # calendar date as written counts, never a converted one
    assert got == [dt.date(2024, 1, 1)] * 5 + [None, dt.date(2024, 1, 1)]


@pytest.mark.parametrize(
    "cells, conv, expected",
    [
        (
            ["31-12-2024", "01-02-2024"],
            POINT,
            [dt.date(2024, 12, 31), dt.date(2024, 2, 1)],
        ),  # 31 > 12: day first
        (
            ["12/31/2024", "02/01/2024"],
            POINT,
            [dt.date(2024, 12, 31), dt.date(2024, 2, 1)],
        ),  # 31 > 12: month first
        (["01.02.2024"], POINT, [dt.date(2024, 2, 1)]),  # dots: day first
        (["01-02-2024"], SEMICOLON, [dt.date(2024, 2, 1)]),  # a European file: day first
        (["01/02/2024"], tables.conventions(None, "mdy"), [dt.date(2024, 1, 2)]),  # given
    ],
)
def test_day_and_month_first(cells, conv, expected):
    assert dates(cells, conv) == expected


@pytest.mark.parametrize(
    "cells, message",
    [
        (
            ["01-02-2024"],
            "'01-02-2024' is ambiguous: day-first or month-first? give --dates dmy or --dates mdy",
        ),
        (["13-01-2024", "01-13-2024"], "mixes day-first and month-first"),
        (["2024-02-30"], "'2024-02-30' is not a date (no such day)"),
        (["1899-12-31"], "must be a date in the years 1900-9999"),  # beside the first day
        (["31 Jan 2024"], "is not a date (use YYYY-MM-DD)"),
    ],
)
def test_dates_refused(cells, message):
    with pytest.raises(DataError) as info:
        dates(cells)
    assert "f.csv row 2, column day: " in str(info.value)
    assert message in str(info.value)


def test_first_and_last_day_excel_shows():
    assert dates(["1900-01-01", "9999-12-31"]) == [dt.date(1900, 1, 1), dt.date(9999, 12, 31)]


def test_read_table_sniffs_semicolons_and_skips_the_bom(tmp_path):
    path = tmp_path / "eu.csv"
    path.write_bytes("\ufeffname;amount\nJürgen;1.234,5\n".encode("utf-8"))
    frame = tables.read_table(path)
    assert list(frame.columns) == ["name", "amount"]  # no BOM in the first name
    conv = tables.conventions_of(frame)
    assert (conv.delimiter, conv.decimal, conv.decimal_rule) == (";", ",", "semicolon file")
    assert amounts(frame["amount"].tolist(), conv) == [1234.5]
    assert conv.describe() == "semicolon-separated, decimal comma (semicolon file)"


def test_read_table_given_decimal_wins_over_the_semicolon(tmp_path):
    path = tmp_path / "eu.csv"
    path.write_text("name;amount\nA;1234.5\n")
    conv = tables.conventions_of(tables.read_table(path, decimal="."))
    assert (conv.decimal, conv.decimal_rule) == (".", "given")


def test_read_table_refuses_other_encodings_in_one_line(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("name,amount\nJ\xfcrgen,1\n".encode("latin-1"))
    with pytest.raises(DataError, match="latin.csv: is not UTF-8 text"):
        tables.read_table(path)


def test_bad_conventions_named():
    with pytest.raises(InputError, match="decimal=';' must be"):
        tables.conventions(";")
    with pytest.raises(InputError, match="dates='ymd' must be"):
        tables.conventions(None, "ymd")


@pytest.mark.parametrize("name", ["accounts.xlsx", "accounts.xlsm", "accounts.xls"])
def test_a_workbook_that_is_not_an_xlsx_zip_is_refused_in_words(tmp_path, name):
    # A text file renamed .xlsx (or an old binary .xls) used to reach the user as pandas'
    # "Excel file format cannot be determined, you must specify an engine manually".
    path = tmp_path / name
    path.write_text("account,owner\nAcme,Ann\n")
    with pytest.raises(DataError) as caught:
        tables.read_table(path)
    assert str(caught.value) == (
        f"{name}: is not an .xlsx workbook (an .xlsx file is a zip archive): "
        "save it from Excel as .xlsx or as CSV UTF-8"
    )
