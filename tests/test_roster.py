"""Reading rosters (handout/roster.py): spreadsheet CSV exports and YAML lists, cell by cell.

No PDFs are drawn here; tests/test_batch.py makes the handouts.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from handout.errors import InputError
from handout.roster import CsvRoster, YamlRoster, read_roster

ROSTERS = Path(__file__).resolve().parent / "data" / "rosters"
TRICKY = ROSTERS / "tricky.csv"
YAML_ROSTER = ROSTERS / "clients.yaml"
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "roster.csv"


def write(tmp_path: Path, text: str, name: str = "roster.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def rows_of(path: Path):
    return list(read_roster(path))


# -- the tricky roster: BOM, semicolons, CRLF, quoted cells, blank lines -------------------
def test_tricky_roster_is_a_bom_semicolon_crlf_file():
    raw = TRICKY.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw and b";" in raw.splitlines()[0]


def test_bom_and_semicolons_read_the_header():
    roster = read_roster(TRICKY)
    assert isinstance(roster, CsvRoster)
    assert roster.delimiter == ";"
    first = next(iter(roster))
    # The BOM is not glued to the first column's name: 'Name' is known and read.
    assert first.client.name == "Ana Ruiz"
    assert first.client.protocol == "sciatica-pregnancy"
    assert first.client.date == dt.date(2026, 3, 14)  # DD/MM/YYYY


def test_quoted_cell_keeps_semicolons_commas_and_line_breaks():
    first = rows_of(TRICKY)[0]
    assert first.client.notes == ("Lie on your left side; a pillow between your knees, like this:\n"
                                  "1. left side\n2. pillow")
    assert first.line == 3  # after the header and a blank line
    assert first.client.large_print is True and first.client.paper == "A4"


def test_blank_lines_and_empty_rows_are_not_rows():
    rows = rows_of(TRICKY)
    assert [r.number for r in rows] == list(range(1, 13))
    # Row 3 starts on line 7: row 1 spans lines 3-5 (two line breaks in a quoted cell).
    assert (rows[2].number, rows[2].line) == (3, 7)
    # ';;;;;;;;;' and a blank line sit between rows 9 and 10.
    assert (rows[8].line, rows[9].line) == (13, 16)


def test_good_and_bad_rows_of_the_tricky_roster():
    rows = rows_of(TRICKY)
    good = [r.number for r in rows if r.client]
    bad = {r.number: r.error for r in rows if r.error}
    assert good == [1, 2, 3, 4, 6, 7, 8, 11, 12]  # 4, 6, 7 fail later, against the library
    assert set(bad) == {5, 9, 10}
    assert str(bad[5]) == (f"{TRICKY}: row 5 (line 9): Date: '2026/03/14' is not a date; "
                           f"write it as YYYY-MM-DD, e.g. 2026-03-14")
    assert "nothing to print" in bad[9].detail
    assert bad[10].detail == "Large print: 'maybe' should be yes or no (or true/false, 1/0)"
    assert bad[10].where == f"{TRICKY}: row 10 (line 16)"


def test_cells_are_kept_literally():
    rows = rows_of(TRICKY)
    assert rows[1].client.name == "../../etc/x"
    assert rows[2].client.notes == '=HYPERLINK("http://evil.example";"click me")'
    assert rows[7].client.notes == '<b>not bold</b> & <img src="/etc/passwd"/>'
    assert rows[9].error and rows[9].where.endswith("row 10 (line 16)")
    assert rows[1].client.paper == "Letter"  # 'letter' in the file
    assert rows[2].client.date == dt.date(2026, 3, 14)  # DD.MM.YYYY


def test_unknown_column_is_a_warning_naming_it():
    roster = read_roster(TRICKY)
    assert len(roster.warnings) == 1
    assert "column 10 'Favourite colour' is not a client field and is ignored" in roster.warnings[0]
    assert all(r.client or r.error for r in roster)  # nothing failed because of it


def test_cells_beyond_the_last_column_are_a_warning():
    row = rows_of(TRICKY)[10]
    assert row.client.name == "José Núñez"
    assert row.warnings == (f"{TRICKY}: row 11 (line 17): a cell after the last column is "
                            f"ignored: 'extra cell'",)


def test_lists_split_on_commas_and_semicolons(tmp_path):
    path = write(tmp_path, 'name,points,stretches,conditions\n'
                           'A,"BL60, GB34;KI3 , BL60",knee-to-chest,"pregnancy; anticoagulants"\n')
    client = rows_of(path)[0].client
    assert client.points == ("BL60", "GB34", "KI3")
    assert client.stretches == ("knee-to-chest",)
    assert client.conditions == ("pregnancy", "anticoagulants")


@pytest.mark.parametrize("cell, expected", [
    ("yes", True), ("YES", True), ("true", True), ("1", True), ("y", True),
    ("no", False), ("False", False), ("0", False), ("", None),
])
def test_large_print_values(tmp_path, cell, expected):
    path = write(tmp_path, f"name,protocol,large_print\nA,sciatica,{cell}\n")
    assert rows_of(path)[0].client.large_print is expected


@pytest.mark.parametrize("cell, expected", [("A4", "A4"), ("a4", "A4"), ("LETTER", "Letter"),
                                            ("", "")])
def test_paper_is_case_insensitive(tmp_path, cell, expected):
    path = write(tmp_path, f"name,protocol,paper\nA,sciatica,{cell}\n")
    assert rows_of(path)[0].client.paper == expected


def test_several_bad_cells_are_all_named(tmp_path):
    path = write(tmp_path, "Name,Protocol,Paper,Side,Date\nA,sciatica,A5,middle,31/02/2026\n")
    error = rows_of(path)[0].error
    assert error.detail == ("Paper: 'A5' is not one of A4, Letter; "
                            "Side: 'middle' is not one of both, left, right; "
                            "Date: '31/02/2026' is not a date; write it as YYYY-MM-DD, e.g. 2026-03-14")


def test_a_too_long_name_fails_its_row(tmp_path):
    path = write(tmp_path, f"name,protocol\n{'x' * 401},sciatica\nB,sciatica\n")
    first, second = rows_of(path)
    assert first.error.detail == "name is 401 characters; at most 400"
    assert second.client.name == "B"


def test_comma_csv_with_quoted_commas_and_line_breaks():
    rows = rows_of(EXAMPLE)
    assert read_roster(EXAMPLE).delimiter == ","
    assert all(r.client for r in rows), [str(r.error) for r in rows if r.error]
    assert rows[0].client.practitioner == "Sam Okafor, physiotherapist"
    assert rows[0].client.notes.count("\n") == 1
    assert rows[0].client.large_print is False
    assert rows[1].number == 2 and rows[1].line == 4
    assert rows[4].client.points == ("BL60", "GB34", "KI3")


def test_excel_sep_line_and_tabs(tmp_path):
    path = write(tmp_path, "sep=;\r\nname;protocol\r\nA, B;sciatica\r\n")
    row = rows_of(path)[0]
    assert row.client.name == "A, B" and row.line == 3
    path = write(tmp_path, "name\tprotocol\tnotes\nA\tsciatica\tx, y; z\n", "tabs.tsv")
    assert rows_of(path)[0].client.notes == "x, y; z"


def test_headings_are_matched_loosely(tmp_path):
    path = write(tmp_path, "Client Name,PROTOCOL,Large-Print,Next appointment\n"
                           "A,sciatica,yes,Monday 10:00\n")
    client = rows_of(path)[0].client
    assert (client.name, client.large_print, client.next_appointment) == ("A", True, "Monday 10:00")


# -- rosters that cannot be read at all ----------------------------------------------------
@pytest.mark.parametrize("text", ["", "\n\n  \n", "\ufeff"])
def test_empty_roster(tmp_path, text):
    path = write(tmp_path, text)
    with pytest.raises(InputError, match=r"roster\.csv: the roster is empty"):
        read_roster(path)


def test_header_only_roster(tmp_path):
    path = write(tmp_path, "name,protocol\n\n,,\n , \n")
    roster = read_roster(path)
    with pytest.raises(InputError, match="has column names but no client rows"):
        roster.count()
    with pytest.raises(InputError, match="has column names but no client rows"):
        list(roster)


def test_no_header_row(tmp_path):
    path = write(tmp_path, "Ana Ruiz,sciatica,2026-03-14\n")
    with pytest.raises(InputError, match=r"line 1: the first row should name the columns .*none of its 3 cells"):
        read_roster(path)


def test_nothing_to_print_column(tmp_path):
    path = write(tmp_path, "name,date\nA,2026-03-14\n")
    with pytest.raises(InputError, match="no column says what to print"):
        read_roster(path)


def test_same_field_twice(tmp_path):
    path = write(tmp_path, "name,protocol,client\nA,sciatica,B\n")
    with pytest.raises(InputError, match="columns 1 and 3 both give 'name'"):
        read_roster(path)


def test_quote_never_closed_names_its_line(tmp_path):
    path = write(tmp_path, 'name,protocol,notes\nA,sciatica,ok\nB,sciatica,"never closed\nC,sciatica,x\n')
    roster = read_roster(path)
    with pytest.raises(InputError, match=r"roster\.csv: line 3: a quoted cell that starts here is never closed"):
        roster.count()


def test_not_utf8_names_its_line(tmp_path):
    path = write(tmp_path, "name,protocol\nA,sciatica\nJosé,sciatica\n", encoding="cp1252")
    with pytest.raises(InputError, match=r"roster\.csv: line 3: not UTF-8 text; save the roster as 'CSV UTF-8'"):
        read_roster(path).count()  # by the time the rows are counted, before any is made


def test_rows_are_read_lazily(tmp_path):
    """The first rows come before the file is read to its end (a CSV roster streams)."""
    lines = ["name,protocol"] + [f"Client {i},sciatica" for i in range(10_000)]
    path = write(tmp_path, "\n".join(lines) + '\nLast,"sciatica\n')  # broken only at the end
    rows = iter(read_roster(path))
    assert next(rows).client.name == "Client 0"
    assert next(rows).client.name == "Client 1"
    with pytest.raises(InputError, match="line 10002: a quoted cell"):
        read_roster(path).count()


def test_missing_roster(tmp_path):
    with pytest.raises(InputError, match="roster not found"):
        read_roster(tmp_path / "nope.csv")


# -- YAML rosters --------------------------------------------------------------------------
def test_yaml_roster():
    roster = read_roster(YAML_ROSTER)
    assert isinstance(roster, YamlRoster) and roster.count() == 3
    rows = list(roster)
    first, second, third = (r.client for r in rows)
    assert first.points == ("GB30",) and first.date == dt.date(2026, 3, 14)
    assert first.notes == "Keep walking every day.\nTen minutes at a time is fine."
    assert second.points == ("KI3", "ST36") and second.date == dt.date(2026, 3, 14)
    assert second.large_print is True and second.paper == "Letter"
    assert third.points == ("BL60",) and third.conditions == ("pregnancy",)
    assert third.allow == ("BL60",)
    assert [r.line for r in rows] == [2, 11, 18]
    assert rows[1].warnings == (f"{YAML_ROSTER}: row 2 (line 11): 'favourite colour' is not a "
                                f"client field and is ignored (known: name, date, practitioner, "
                                f"protocol, points, stretches, tips, drop, side, conditions, allow, "
                                f"notes, next_appointment, paper, large_print)",)


def test_yaml_roster_bad_rows(tmp_path):
    path = write(tmp_path, "- name: A\n  protocol: sciatica\n  date: soon\n- just text\n"
                           "- name: C\n  points: [[BL60]]\n", "r.yaml")
    a, b, c = rows_of(path)
    assert a.error.detail.startswith("date: 'soon' is not a date")
    assert b.error.detail.startswith("should be a block of fields")
    assert c.error.detail == "points: should be a list of ids, like BL60, GB34"


@pytest.mark.parametrize("text, message", [
    ("name: A\nprotocol: sciatica\n", "should be a list of clients"),
    ("[]\n", "the list of clients is empty"),
    ("# only a comment\n", "the roster is empty"),
])
def test_yaml_roster_that_is_not_a_list(tmp_path, text, message):
    with pytest.raises(InputError, match=message):
        read_roster(write(tmp_path, text, "r.yml"))


def test_kind_from_content_when_suffix_says_nothing(tmp_path):
    assert isinstance(read_roster(write(tmp_path, "- name: A\n  protocol: sciatica\n", "r")), YamlRoster)
    assert isinstance(read_roster(write(tmp_path, "name,protocol\nA,sciatica\n", "r2")), CsvRoster)


def test_not_utf8_far_down_names_the_right_line(tmp_path):
    lines = ["name,protocol"] + [f"Client {i},sciatica" for i in range(2000)] + ["Zoë,sciatica"]
    path = write(tmp_path, "\n".join(lines[:-1]) + "\n", "a.csv")
    path.write_bytes(path.read_bytes() + "Zoë,sciatica\n".encode("cp1252"))
    with pytest.raises(InputError, match=r"a\.csv: line 2002: not UTF-8 text"):
        read_roster(path).count()
