"""xlsales.records on its limits, every expected number worked by hand (issue 16).

The mutants of scripts/mutation.sh that the reader tests let through: rows numbered as
the sheet shows them, the wins-before-the-first-activity rule on and beside its limit,
the messages a user reads.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from conftest import DATA

from xlsales import records
from xlsales.errors import DataError, InputError
from xlsales.records import Cells

ACCOUNTS = (
    "account,owner,cluster,icp_fit,revenue,gross_margin,effort_hours,hourly_cost,influenceable"
)
ACTIVITIES = "date,rep,type,prospect,outcome,pipeline_value,won_value,won_date"


def write(tmp_path, header, *rows, name="t.csv"):
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def refused(call, *args, **kwargs) -> str:
    with pytest.raises(DataError) as info:
        call(*args, **kwargs)
    return str(info.value)


# ---- Cells: the name, the table, the digest -------------------------------------------


def test_cells_name_joins_workbook_sheet_and_address():
    assert Cells([[1]]).name == "table"
    assert Cells([[1]], "B.xlsx").name == "B.xlsx"
    assert Cells([[1]], "B.xlsx", "Accounts").name == "B.xlsx Accounts"
    assert Cells([[1]], "B.xlsx", "", "A1:B2").name == "B.xlsx A1:B2"
    # the sheet named in the address is not repeated
    assert Cells([[1]], "B.xlsx", "Accounts", "Accounts!B5:J8").name == "B.xlsx Accounts!B5:J8"


def test_cells_table_drops_blank_rows_and_columns_at_the_end_only():
    cells = Cells(
        [
            ["a", "b", None, " "],
            [1, None, None],  # a short row: padded with blanks
            [None, 2, "  ", None],
            ["", " ", None, None],  # blank (spaces are blank): the end of the table
            [None, None],
        ]
    )
    # columns 3 and 4 are blank in every row: dropped; column b keeps its blank in row 2
    assert cells.table() == [["a", "b"], [1, None], [None, 2]]
    # a blank row inside the table stays (it is refused later, never dropped)
    inside = Cells([["a"], [None], [1]])
    assert inside.table() == [["a"], [None], [1]]
    assert Cells([[None, " "], [""]]).table() == []


def test_cells_frame_has_the_header_as_names_and_blanks_as_empty_text():
    frame = Cells([[" account ", None], ["Acme", None], [None, 5]]).frame()
    assert frame.columns.tolist() == ["account", ""]
    assert frame.values.tolist() == [["Acme", ""], ["", 5]]


def test_cells_digest_is_over_the_table_as_compact_json():
    cells = Cells(
        [
            ["revenue", "when", "note", None],
            [1000.0, dt.datetime(2026, 1, 5), "Zürich", None],
            [1.5, dt.datetime(2026, 1, 5, 10, 30), "x", None],
            [2, dt.date(2026, 2, 1), "", None],
        ],
        "B.xlsx",
        "Accounts",
        "Accounts!A1:D4",
    )
    # 1000.0 -> 1000, midnight -> the date, a time -> the full ISO form, "ü" as itself,
    # the blank fourth column left out
    text = (
        '[["revenue","when","note"],[1000,"2026-01-05","Zürich"],'
        '[1.5,"2026-01-05T10:30:00","x"],[2,"2026-02-01",""]]'
    )
    got = cells.provenance(3)
    assert got == records.Provenance(
        "B.xlsx", 3, hashlib.sha256(text.encode("utf-8")).hexdigest(), "Accounts", "A1:D4"
    )


def test_file_digest_is_over_the_bytes(tmp_path):
    path = write(tmp_path, "a,b", "1,2")
    assert records.provenance(path, 1) == records.Provenance(
        "t.csv", 1, hashlib.sha256(b"a,b\n1,2\n").hexdigest()
    )


def test_rows_as_sheet_shifts_both_rows_named():
    # header in row 5: the reader's row 3 is the sheet's row 3 + 5 - 1 = 7, row 2 is 6
    with pytest.raises(DataError) as info:
        with records.rows_as_sheet("T x", 5):
            raise DataError("T x row 3, column a: 'q' clashes with 'Q' (row 2)")
    assert str(info.value) == "T x row 7, column a: 'q' clashes with 'Q' (row 6)"
    # a header in row 1 shifts nothing; another table's row is not this table's
    with pytest.raises(DataError, match=r"^T x row 3, column a \(row 2\)$"):
        with records.rows_as_sheet("T x", 1):
            raise DataError("T x row 3, column a (row 2)")
    with pytest.raises(DataError, match=r"^Other row 3: \(row 4\)$"):
        with records.rows_as_sheet("T", 2):
            raise DataError("Other row 3: (row 3)")
    with pytest.raises(ValueError, match="^not a data error$"):
        with records.rows_as_sheet("T", 5):
            raise ValueError("not a data error")


# ---- the cell rules, on and beside their limits -----------------------------------------


def test_gross_margin_is_a_share_0_and_1_included(tmp_path):
    ok = write(tmp_path, ACCOUNTS, "A,Ann,R,yes,10,0,1,1,yes", "B,Ann,R,yes,10,1,1,1,yes")
    frame, _ = records.load_accounts(ok)
    assert frame["gross_margin"].tolist() == [0, 1]
    for bad in ("1.01", "-0.01"):
        path = write(tmp_path, ACCOUNTS, f"A,Ann,R,yes,10,{bad},1,1,yes")
        assert refused(records.load_accounts, path) == (
            f"t.csv row 2, column gross_margin: '{bad}' must be a share between 0 and 1 "
            "(0.35 for 35%)"
        )


def test_amounts_0_allowed_below_0_refused(tmp_path):
    frame, _ = records.load_accounts(write(tmp_path, ACCOUNTS, "A,Ann,R,yes,0,0.5,0,0,yes"))
    assert frame[["revenue", "effort_hours", "hourly_cost"]].values.tolist() == [[0, 0, 0]]
    for column, row in (
        ("revenue", "A,Ann,R,yes,-1,0.5,1,1,yes"),
        ("effort_hours", "A,Ann,R,yes,1,0.5,-1,1,yes"),
        ("hourly_cost", "A,Ann,R,yes,1,0.5,1,-1,yes"),
    ):
        assert refused(records.load_accounts, write(tmp_path, ACCOUNTS, row)) == (
            f"t.csv row 2, column {column}: '-1' must be 0 or more"
        )
    assert refused(
        records.load_accounts, write(tmp_path, ACCOUNTS, "A,Ann,R,yes,,0.5,1,1,yes")
    ) == ("t.csv row 2, column revenue: '' is blank: a number is required")


def test_yes_no_words(tmp_path):
    rows = [f"A{i},Ann,R,{w},1,0.5,1,1,{w}" for i, w in enumerate(
        ["yes", " Y ", "TRUE", "1", "no", "n", "False", "0"])]  # fmt: skip
    frame, _ = records.load_accounts(write(tmp_path, ACCOUNTS, *rows))
    assert frame["icp_fit"].tolist() == ["yes"] * 4 + ["no"] * 4
    assert frame["influenceable"].tolist() == ["yes"] * 4 + ["no"] * 4
    path = write(tmp_path, ACCOUNTS, "A,Ann,R,maybe,1,0.5,1,1,yes")
    assert refused(records.load_accounts, path) == (
        "t.csv row 2, column icp_fit: 'maybe' must be yes or no"
    )


def test_manual_decision_and_reason(tmp_path):
    header = ACCOUNTS + ",decision,reason"
    rows = ["A,Ann,R,yes,1,0.5,1,1,yes, go ,key", "B,Ann,R,yes,1,0.5,1,1,yes,no-go, far ",
            "C,Ann,R,yes,1,0.5,1,1,yes,,"]  # fmt: skip
    frame, _ = records.load_accounts(write(tmp_path, header, *rows))
    assert frame["manual_decision"].tolist() == ["GO", "NO-GO", ""]
    assert frame["reason"].tolist() == ["key", "far", ""]
    # without the optional columns: blank decisions and reasons
    frame, _ = records.load_accounts(write(tmp_path, ACCOUNTS, "A,Ann,R,yes,1,0.5,1,1,yes"))
    assert frame["manual_decision"].tolist() == [""] and frame["reason"].tolist() == [""]
    assert "decision" not in frame.columns
    path = write(tmp_path, header, "A,Ann,R,yes,1,0.5,1,1,yes,maybe,")
    assert refused(records.load_accounts, path) == (
        "t.csv row 2, column decision: 'maybe' must be GO, NO-GO or blank (blank: the "
        "suggested decision holds)"
    )


def test_missing_columns_and_no_rows(tmp_path):
    path = write(tmp_path, "account,owner,cluster,icp_fit,gross_margin,effort_hours,influenceable")
    assert refused(records.load_accounts, path) == (
        "t.csv: missing column(s) revenue, hourly_cost; expected account, owner, cluster, "
        "icp_fit, revenue, gross_margin, effort_hours, hourly_cost, influenceable (name yours "
        'with --map "Your column=revenue,...")'
    )
    assert refused(records.load_accounts, write(tmp_path, ACCOUNTS)) == (
        "t.csv: has a header but no rows"
    )


def test_a_blank_name_is_refused(tmp_path):
    path = write(tmp_path, ACCOUNTS, "A,Ann,R,yes,1,0.5,1,1,yes", " ,Ann,R,yes,1,0.5,1,1,yes")
    assert refused(records.load_accounts, path) == (
        "t.csv row 3, column account: '' is blank: a name is required"
    )


def test_columns_read_names_the_columns_not_used(tmp_path):
    path = write(tmp_path, ACCOUNTS + ",notes,Region", "A,Ann,R,yes,1,0.5,1,1,yes,x,y")
    conventions, unused = records.columns_read(path, records.ACCOUNT_COLUMNS)
    assert unused == ["notes", "Region"]
    frame, _ = records.load_accounts(path)
    assert frame.attrs["ignored"] == ["notes", "Region"]
    assert conventions == frame.attrs["conventions"]


# ---- activities: types, dates, wins -------------------------------------------------------


def test_activity_types_read_without_regard_to_case(tmp_path):
    rows = [f"2026-01-0{i + 1},Ann,{t},P,,0,0," for i, t in enumerate(
        ["CALL", " E-mail ", "linkedin message", "Meeting", "other"])]  # fmt: skip
    frame, _ = records.load_activities(write(tmp_path, ACTIVITIES, *rows))
    assert frame["type"].tolist() == list(records.ACTIVITY_TYPES)
    path = write(tmp_path, ACTIVITIES, "2026-01-05,Ann,fax,P,,0,0,")
    assert refused(records.load_activities, path) == (
        "t.csv row 2, column type: 'fax' must be one of: call, e-mail, LinkedIn message, "
        "meeting, other"
    )


def test_activity_dates(tmp_path):
    frame, _ = records.load_activities(write(tmp_path, ACTIVITIES, "2026-01-05,Ann,call,P,ok,0,0,"))
    assert frame[["source_row", "date", "won_date"]].values.tolist() == [
        [2, dt.date(2026, 1, 5), None]
    ]
    assert frame["outcome"].tolist() == ["ok"]
    path = write(tmp_path, ACTIVITIES, "2026-01-05,Ann,call,P,,0,0,", ",Ann,call,P,,0,0,")
    assert refused(records.load_activities, path) == (
        "t.csv row 3, column date: '' is blank: a date is required (YYYY-MM-DD)"
    )


def test_a_won_value_needs_a_won_date(tmp_path):
    # a won value of 0 (the limit: not a win) needs none; 0.5 above it does
    frame, _ = records.load_activities(write(tmp_path, ACTIVITIES, "2026-01-05,Ann,call,P,,0,0,"))
    assert frame["won_value"].tolist() == [0]
    path = write(
        tmp_path, ACTIVITIES, "2026-01-05,Ann,call,P,,0,0,", "2026-01-06,Ann,call,P,,0,0.5,"
    )
    assert refused(records.load_activities, path) == (
        "t.csv row 3, column won_date: blank, but won_value is 0.5"
    )


def test_a_win_on_the_first_activity_day_counts_one_day_before_is_refused(tmp_path):
    # Acme's first activity: 5 Jan (the row of "acme": names match ignoring case)
    first = "2026-01-05,Ann,call,acme,,0,0,"
    on = write(tmp_path, ACTIVITIES, first, "2026-01-09,Ann,meeting,Acme,,0,800,2026-01-05")
    frame, _ = records.load_activities(on)
    assert frame["won_date"].tolist() == [None, dt.date(2026, 1, 5)]
    before = write(tmp_path, ACTIVITIES, first, "2026-01-09,Ann,meeting,Acme,,0,800,2026-01-04")
    assert refused(records.load_activities, before) == (
        "t.csv row 3, column won_date: 2026-01-04 is before the first activity on prospect "
        "'Acme' (2026-01-05): a win cannot come before the first touch"
    )
    # a won date before the first touch on a row worth 0 is not a win: not refused
    zero = write(tmp_path, ACTIVITIES, first, "2026-01-09,Ann,meeting,Acme,,0,0,2026-01-04")
    assert records.load_activities(zero)[0]["won_value"].tolist() == [0, 0]


def test_activities_from_cells_numbered_as_the_sheet_shows_them():
    header = list(records.ACTIVITY_COLUMNS)
    rows = [[dt.datetime(2026, 1, 5), "Ann", "call", "P", "", 0, 300, None]]
    message = refused(records.load_activities, Cells([header] + rows, "L.xlsx", "Log", "C10:J11"))
    # header in row 10: the record is row 11
    assert message == "L.xlsx Log!C10:J11 row 11, column won_date: blank, but won_value is 300"
    frame, source = records.load_activities(
        Cells(
            [header, [dt.datetime(2026, 1, 5), "Ann", "call", "P", "", 0, 0, None]],
            "L.xlsx",
            "Log",
            "C10:J11",
        )  # fmt: skip
    )
    assert frame["source_row"].tolist() == [11]
    assert (source.source, source.sheet, source.address, source.rows) == (
        "L.xlsx", "Log", "C10:J11", 1
    )  # fmt: skip


def test_negative_pipeline_and_won_values_are_refused(tmp_path):
    for row, column in (
        ("2026-01-05,Ann,call,P,,-5,0,", "pipeline_value"),
        ("2026-01-05,Ann,call,P,,0,-5,2026-01-05", "won_value"),
    ):
        assert refused(records.load_activities, write(tmp_path, ACTIVITIES, row)) == (
            f"t.csv row 2, column {column}: '-5' must be 0 or more"
        )


def test_the_date_order_given_is_used(tmp_path):
    path = write(tmp_path, ACTIVITIES, "05/01/2026,Ann,call,P,,0,0,")
    # 05/01/2026: 5 January read day first, 1 May month first
    assert records.load_activities(path, dates="dmy")[0]["date"].tolist() == [dt.date(2026, 1, 5)]
    assert records.load_activities(path, dates="mdy")[0]["date"].tolist() == [dt.date(2026, 5, 1)]
    assert records.columns_read(path, records.ACTIVITY_COLUMNS, dates="dmy")[0].dates == "dmy"
    assert records.columns_read(path, records.ACTIVITY_COLUMNS, dates="mdy")[0].dates == "mdy"


def test_owners_and_clusters_differing_only_in_case_are_refused(tmp_path):
    for column, rows in (
        ("owner", ("A,Ann,R,yes,1,0.5,1,1,yes", "B,ann,R,yes,1,0.5,1,1,yes")),
        ("cluster", ("A,Ann,Retail,yes,1,0.5,1,1,yes", "B,Ann,RETAIL,yes,1,0.5,1,1,yes")),
    ):
        message = refused(records.load_accounts, write(tmp_path, ACCOUNTS, *rows))
        assert message.startswith(f"t.csv row 3, column {column}: ")
        assert "(row 2) only in case" in message


def test_a_file_provenance_counts_its_rows(tmp_path):
    path = write(tmp_path, ACCOUNTS, "A,Ann,R,yes,1,0.5,1,1,yes", "B,Ann,R,yes,1,0.5,1,1,yes")
    _, source = records.load_accounts(path)
    assert (source.source, source.rows, source.sheet, source.address) == ("t.csv", 2, "", "")


# ---- an account matrix xlsales made, read back as accounts ---------------------------------


@pytest.fixture
def matrix(tmp_path):
    from openpyxl import load_workbook

    from workbook_templates import account_matrix

    csv = write(tmp_path, ACCOUNTS, "Acme,Ann,Retail,yes,200000,0.4,100,60,yes",
                "Brix,Bob,Retail,no,50000,0.3,40,60,yes")  # fmt: skip
    path = tmp_path / "m.xlsx"
    account_matrix.build(records.load_accounts(csv)[0]).save(path)

    def edited(edits: dict[str, object]):
        """The saved matrix with cells of its Accounts sheet typed over (header: row 4)."""
        wb = load_workbook(path)
        for ref, value in edits.items():
            wb["Accounts"][ref] = value
        wb.save(path)
        return path

    return edited


def test_an_account_matrix_reads_back_numbered_as_its_sheet(matrix):
    # header in row 4: Acme is row 5, Brix row 6; a manual decision typed in K6
    frame, source = records.load_accounts(matrix({"K6": "no-go"}))
    assert frame["account"].tolist() == ["Acme", "Brix"]
    assert frame["source_row"].tolist() == [5, 6]
    assert frame["manual_decision"].tolist() == ["", "NO-GO"]
    assert (source.source, source.rows) == ("m.xlsx", 2)


def test_an_account_matrix_blank_last_row_is_not_an_account(matrix):
    # Brix's inputs (B6:J6) cleared: a blank row after the last account, not read
    path = matrix({f"{c}6": None for c in "BCDEFGHIJ"})
    frame, _ = records.load_accounts(path)
    assert frame["account"].tolist() == ["Acme"] and frame["source_row"].tolist() == [5]


def test_an_account_matrix_bad_cell_is_named_by_its_sheet_row(matrix):
    assert refused(records.load_accounts, matrix({"F6": "abc"})) == (
        "m.xlsx row 6, column revenue: 'abc' is not a number"
    )
    # a blank row before the last account: refused on its own row, never dropped
    blank_first = matrix({f"{c}5": None for c in "BCDEFGHIJ"})
    assert refused(records.load_accounts, blank_first).startswith("m.xlsx row 5, column account: ")


def test_other_workbooks_xlsales_made_are_refused(matrix, tmp_path):
    import pandas as pd

    from workbook_templates import prospecting_log

    log = tmp_path / "log.xlsx"
    prospecting_log.build(pd.DataFrame(columns=list(records.ACTIVITY_COLUMNS))).save(log)
    assert refused(records.load_accounts, log) == (
        "log.xlsx: is a workbook xlsales made but not an account matrix (it has no Accounts, "
        "Focus, Capacity plan sheets): give an account matrix or an accounts table"
    )
    assert refused(records.load_activities, matrix({})) == (
        "m.xlsx: is a workbook xlsales made, not a table with the columns date, rep, type, "
        "prospect, outcome, pipeline_value, won_value, won_date: only an account matrix is read "
        "back (as accounts)"
    )


def test_an_empty_account_matrix_has_no_rows(tmp_path):
    from workbook_templates import account_matrix

    # the empty workbook's one blank row is not an account: a header and no rows
    account_matrix.build(None).save(tmp_path / "e.xlsx")
    assert refused(records.load_accounts, tmp_path / "e.xlsx") == "e.xlsx: has a header but no rows"


def test_a_map_given_as_text_and_the_decimal_comma_of_a_share(tmp_path):
    # "Client" named as account by --map; the file's decimal comma reads "1.000,5" as
    # 1000.5 and the share "0,35" as 0.35 (within 0-1), not 35
    path = write(
        tmp_path,
        "Client;owner;cluster;icp_fit;revenue;gross_margin;effort_hours;hourly_cost;influenceable",
        "A;Ann;R;yes;1.000,5;0,35;1;1;yes",
    )
    frame, _ = records.load_accounts(path, columns="Client=account", decimal=",")
    assert frame[["account", "revenue", "gross_margin"]].values.tolist() == [["A", 1000.5, 0.35]]
    # the records' columns: the source row first, then the file's columns in their order
    assert frame.columns.tolist() == ["source_row", *records.ACCOUNT_COLUMNS, "manual_decision",
                                      "reason"]  # fmt: skip


# ---- a fresh sample of records.py's mutants (seed 1126, docs/mutation.md) -------------------


def test_an_activities_map_names_the_users_columns(tmp_path):
    # the rep's file says "Datum" and "Wert gewonnen" for date and won_value: read with
    # the map, refused without it (the missing columns named)
    header = "Datum,rep,type,prospect,outcome,pipeline_value,Wert gewonnen,won_date"
    path = write(tmp_path, header, "2026-01-05,Ann,call,P,ok,0,1200,2026-01-20")
    frame, _ = records.load_activities(path, columns="Datum=date,Wert gewonnen=won_value")
    assert frame[["date", "won_value", "won_date"]].values.tolist() == [
        [dt.date(2026, 1, 5), 1200.0, dt.date(2026, 1, 20)]
    ]
    assert refused(records.load_activities, path).startswith(
        "t.csv: missing column(s) date, won_value; expected date, rep,"
    )


def test_an_accounts_date_order_is_checked_though_accounts_hold_no_date(tmp_path):
    # the date orders are dmy and mdy (any case): "ydm" is refused by name, as for any file
    path = write(tmp_path, ACCOUNTS, "A,Ann,R,yes,100,0.5,1,1,yes")
    with pytest.raises(InputError) as info:
        records.load_accounts(path, dates="ydm")
    assert str(info.value) == "dates='ydm' must be dmy (31-12-2024) or mdy (12/31/2024)"
    frame, _ = records.load_accounts(path, dates="DMY")
    assert frame["account"].tolist() == ["A"]


def test_a_table_of_cells_reads_text_dates_in_the_order_given():
    # "05/01/2026" typed as text: 5 January read day first, 1 May month first
    cells = Cells([ACTIVITIES.split(","), ["05/01/2026", "Ann", "call", "P", "", 0, 0, None]])
    for order, day in (("dmy", dt.date(2026, 1, 5)), ("mdy", dt.date(2026, 5, 1))):
        assert records.load_activities(cells, dates=order)[0]["date"].tolist() == [day]
        assert records.columns_read(cells, records.ACTIVITY_COLUMNS, dates=order)[0].dates == order


def test_two_columns_read_as_one_are_refused(tmp_path):
    # the file has a revenue column and the map names "Umsatz" revenue too
    path = write(tmp_path, ACCOUNTS + ",Umsatz", "A,Ann,R,yes,100,0.5,1,1,yes,120")
    with pytest.raises(InputError) as info:
        records.load_accounts(path, columns="Umsatz=revenue")
    assert str(info.value) == (
        "columns 'revenue', 'Umsatz' would all be read as revenue: map only one of them (--map)"
    )


def test_an_account_matrix_keeps_the_conventions_given(matrix):
    # an account matrix holds no dates, but the conventions given are checked and kept:
    # "ydm" is refused by name; "," and "mdy" are what the report says was used
    path = matrix({})
    with pytest.raises(InputError) as info:
        records.load_accounts(path, dates="ydm")
    assert str(info.value) == "dates='ydm' must be dmy (31-12-2024) or mdy (12/31/2024)"
    expected = {**records.ACCOUNT_COLUMNS, **records.ACCOUNT_OPTIONAL_COLUMNS}
    used, _ = records.columns_read(path, expected, decimal=",", dates="mdy")
    assert (used.decimal, used.decimal_rule, used.dates) == (",", "given", "mdy")


def test_cells_digest_writes_a_time_of_day_as_its_text():
    # a time-only cell (12:30) is neither a number nor a date: JSON has no such value, so
    # it is written as its ISO text "12:30:00"
    digest = Cells([["at"], [dt.time(12, 30)]]).provenance(1).sha256
    assert digest == hashlib.sha256(b'[["at"],["12:30:00"]]').hexdigest()


# ---- a fresh sample of records.py's mutants (seed 1226, docs/mutation.md) -------------------


def test_cells_table_pads_a_short_row_with_blanks():
    # Excel hands a rectangle, but a client may send a row cut short: its missing cells at
    # the end are blank (""), as a blank cell reads
    assert Cells([["a", "b", "c"], [1], [2, 3, 4]]).table() == [
        ["a", "b", "c"], [1, "", ""], [2, 3, 4],
    ]  # fmt: skip


def test_an_account_matrix_read_back_has_no_column_of_its_own(matrix):
    # only the Accounts table's input columns are read: nothing is left over as unused
    path = matrix({})
    frame, _ = records.load_accounts(path)
    assert frame.attrs["ignored"] == []
    expected = {**records.ACCOUNT_COLUMNS, **records.ACCOUNT_OPTIONAL_COLUMNS}
    assert records.columns_read(path, expected)[1] == []


def test_prospects_match_ignoring_case_as_the_prospecting_figures_match_them(tmp_path):
    # xlsales.prospecting keys a prospect by its lower-case name: "Akın" is "akın", "AKIN"
    # is "akin": two prospects (upper case would make both "AKIN"). AKIN's first activity
    # is its own row, 8 Mar: a win on 5 Mar is before it, though Akın was touched on 1 Mar
    path = write(tmp_path, ACTIVITIES, "2026-03-01,Ann,call,Akın,,0,0,",
                 "2026-03-08,Ann,meeting,AKIN,,0,800,2026-03-05")  # fmt: skip
    assert refused(records.load_activities, path) == (
        "t.csv row 3, column won_date: 2026-03-05 is before the first activity on prospect "
        "'AKIN' (2026-03-08): a win cannot come before the first touch"
    )


@pytest.mark.parametrize("won", ["0.5", "1"])
def test_a_small_win_before_the_first_touch_is_refused(tmp_path, won):
    # a won value of 0 is no win (never refused: the test above); 0.5 and 1 are wins,
    # and their won date 4 Jan is before Acme's first activity (5 Jan)
    path = write(tmp_path, ACTIVITIES, "2026-01-05,Ann,call,Acme,,0,0,",
                 f"2026-01-09,Ann,meeting,Acme,,0,{won},2026-01-04")  # fmt: skip
    assert refused(records.load_activities, path) == (
        "t.csv row 3, column won_date: 2026-01-04 is before the first activity on prospect "
        "'Acme' (2026-01-05): a win cannot come before the first touch"
    )


@pytest.mark.parametrize(("decimal", "revenue"), [(".", 1000.0), (",", 1.0)])
def test_the_decimal_mark_given_reads_an_accounts_file(tmp_path, decimal, revenue):
    # "1,000": with the decimal point the comma groups thousands (1000), with the decimal
    # comma it is 1.000 = 1; without either it is ambiguous (tables.amounts refuses it)
    path = write(tmp_path, ACCOUNTS, 'A,Ann,R,yes,"1,000",0,1,1,yes')
    frame, _ = records.load_accounts(path, decimal=decimal)
    assert frame["revenue"].tolist() == [revenue]


def test_a_crm_export_given_as_accounts_is_not_read_by_a_crm_preset():
    # HubSpot's deals export has none of the accounts columns: every one is missing, owner
    # too (HubSpot's "Deal owner" is not read as it), and its columns are unused as named
    path = DATA / "hubspot_deals.csv"
    assert refused(records.load_accounts, path) == (
        "hubspot_deals.csv: missing column(s) account, owner, cluster, icp_fit, revenue, "
        "gross_margin, effort_hours, hourly_cost, influenceable; expected account, owner, "
        "cluster, icp_fit, revenue, gross_margin, effort_hours, hourly_cost, influenceable "
        '(name yours with --map "Your column=account,...")'
    )
    unused = records.columns_read(path, records.ACCOUNT_COLUMNS)[1]
    assert unused[:5] == ["Record ID", "Deal Name", "Deal Stage", "Close Date", "Deal owner"]


def test_a_date_that_is_no_date_is_named_by_its_column(tmp_path):
    for row, column in [("soon,Ann,call,P,,0,0,", "date"),
                        ("2026-01-05,Ann,call,P,,0,5,soon", "won_date")]:  # fmt: skip
        path = write(tmp_path, ACTIVITIES, row)
        assert refused(records.load_activities, path) == (
            f"t.csv row 2, column {column}: 'soon' is not a date (use YYYY-MM-DD)"
        )
