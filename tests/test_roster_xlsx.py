"""Rosters as clinics keep them: Excel workbooks (.xlsx), Excel's UTF-16 "Unicode text",
and one clear line for any other kind of file."""

from __future__ import annotations

import csv
import datetime as dt
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from handout.errors import InputError
from handout.roster import read_roster

from pdfcheck import text
from runcli import run

HEADER = ["Name", "Date", "Protocol", "Conditions", "Large print", "Paper"]
SUPPORTED = ("A roster is CSV (UTF-8, or Excel's 'Unicode Text'), an Excel workbook (.xlsx), "
             "an OpenDocument spreadsheet (.ods) or a YAML list")


def workbook(path: Path, rows, *, title="Clients", more_sheets=()) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for name, extra in more_sheets:
        other = book.create_sheet(name)
        for row in extra:
            other.append(row)
    book.save(path)
    return path


def manifest(out: Path) -> list[dict]:
    with open(out / "manifest.csv", encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_xlsx_roster_makes_a_handout_per_row(tmp_path):
    roster = workbook(tmp_path / "clients.xlsx", [
        HEADER,
        ["Ana Ruiz", dt.date(2026, 3, 14), "sciatica-pregnancy", "pregnancy", False, "A4"],
        [None] * 6,  # a blank row is skipped, as in a CSV
        ["Tom Becker", 46095, "sciatica-gentle", "osteoporosis", True, "Letter"],
    ])
    result = run("batch", roster, "--out", tmp_path / "out", "--jobs", "1")
    assert result.exit_code == 0, result.output
    rows = manifest(tmp_path / "out")
    assert [(r["row"], r["line"], r["file"], r["status"]) for r in rows] == [
        ("1", "2", "001-ana-ruiz.pdf", "made"), ("2", "4", "002-tom-becker.pdf", "made")]
    ana = text((tmp_path / "out" / "001-ana-ruiz.pdf").read_bytes())
    assert "Ana Ruiz" in ana and "14 March 2026" in ana
    # 46095 is Excel's serial number for 14 March 2026 in a date column
    assert "14 March 2026" in text((tmp_path / "out" / "002-tom-becker.pdf").read_bytes())


def test_sheet_option_picks_a_sheet_and_names_the_others(tmp_path):
    roster = workbook(tmp_path / "r.xlsx", [["Notes about this file"]],
                      title="Read me", more_sheets=[("March", [HEADER, ["Bo Li", None, "sciatica"]])])
    rows = list(read_roster(roster, sheet="March"))
    assert rows[0].client.name == "Bo Li"
    assert rows[0].where == f"{roster} (sheet 'March'): row 1 (sheet row 2)"
    result = run("batch", roster, "--sheet", "April", "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert result.stderr == f"Error: {roster}: no sheet named 'April' (its sheets: Read me, March)\n"
    assert not (tmp_path / "out").exists()


def test_sheet_option_on_a_csv_roster_is_refused(tmp_path):
    roster = tmp_path / "r.csv"
    roster.write_text("name,protocol\nAna,sciatica\n")
    result = run("batch", roster, "--sheet", "March", "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert "--sheet March is for a spreadsheet (.xlsx, .ods); this roster is CSV" in result.stderr


def _set_saved_value(path: Path, cell: str, value: str) -> None:
    """Give a formula cell the value a spreadsheet would have saved with it."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    sheet, found = re.subn(rf'<c r="{cell}"><f>(.*?)</f><v\s*/?>(</v>)?',
                           rf'<c r="{cell}" t="str"><f>\1</f><v>{value}</v>', sheet)
    assert found == 1
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def test_formula_gives_its_saved_value_never_its_text(tmp_path):
    roster = workbook(tmp_path / "f.xlsx", [HEADER[:3], ["Ana", None, '="sciatica"&"-gentle"']])
    _set_saved_value(roster, "C2", "sciatica-gentle")
    rows = list(read_roster(roster))
    assert rows[0].client.protocol == "sciatica-gentle"


def test_formula_with_no_saved_value_is_an_error_naming_the_cell(tmp_path):
    roster = workbook(tmp_path / "f.xlsx", [HEADER[:3], ["Ana", None, '="sciatica"']])
    result = run("batch", roster, "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {roster} (sheet 'Clients'): cell C2 holds a formula whose "
                             f"value was never saved; open the workbook in your spreadsheet "
                             f"program, save it, and run again\n")
    assert '"sciatica"' not in result.output
    assert not (tmp_path / "out").exists()


def test_spreadsheet_error_value_names_the_cell(tmp_path):
    roster = workbook(tmp_path / "e.xlsx", [HEADER[:3], ["Ana", None, "sciatica"]])
    book = openpyxl.load_workbook(roster)
    book.active["B2"] = "#N/A"
    book.save(roster)
    with pytest.raises(InputError) as info:
        list(read_roster(roster))
    assert str(info.value) == (f"{roster} (sheet 'Clients'): cell B2 holds the spreadsheet error "
                               f"#N/A; correct it, or clear the cell")


@pytest.mark.parametrize("rows, message", [
    ([], "the sheet is empty; its first row should name the columns: name, date, protocol, "
         "points ..."),
    ([HEADER], "has column names but no client rows; add one row per client"),
    ([["Client details"], ["Ana"]], "sheet row 1: the first row should name the columns "
                                    "(name, date, practitioner, protocol ...); none of its 1 cell "
                                    "is a column name"),
])
def test_empty_or_headless_sheet_is_one_line(tmp_path, rows, message):
    roster = workbook(tmp_path / "x.xlsx", rows)
    result = run("batch", roster, "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert result.stderr == f"Error: {roster} (sheet 'Clients'): {message}\n"


def test_workbook_with_no_sheet_of_cells_is_one_line(tmp_path):
    roster = tmp_path / "charts.xlsx"
    book = openpyxl.Workbook()
    book.create_chartsheet("Chart")
    book.remove(book.active)
    book.save(roster)
    result = run("batch", roster, "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {roster}: the workbook has no sheets of cells (only "
                             f"charts); put the clients on a sheet\n")


def test_merged_header_cells_are_refused(tmp_path):
    roster = tmp_path / "m.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["Name", "", "Protocol"])
    book.active.append(["Ana", "Ruiz", "sciatica"])
    book.active.merge_cells("A1:B1")
    book.save(roster)
    result = run("batch", roster, "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {roster} (sheet 'Sheet'): row 1: cells A1:B1 of the header "
                             f"are merged; give each column its own heading\n")


def test_excel_unicode_text_is_read(tmp_path):
    roster = tmp_path / "clients.txt"
    roster.write_text("Name\tProtocol\tNotes\r\nJosé Núñez\tsciatica\tCamine 10 minutos.\r\n",
                      encoding="utf-16")
    rows = list(read_roster(roster))
    assert (rows[0].client.name, rows[0].client.notes) == ("José Núñez", "Camine 10 minutos.")


@pytest.mark.parametrize("name, content, message", [
    ("junk.xlsx", b"PKjunk", "is not an Excel workbook that can be read (damaged, or renamed "
                             "from something else); save it again as .xlsx, or as CSV UTF-8"),
    ("locked.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
     "is a password-protected workbook or an old Excel .xls file; save it as .xlsx without a "
     "password, or as CSV UTF-8"),
    ("scan.pdf", b"%PDF-1.7\n%\xe2\xe3\n1 0 obj\n", "is not a roster but a binary file. " + SUPPORTED),
    ("photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is not a roster but a binary file. "
     + SUPPORTED),
])
def test_other_binary_files_are_one_clear_line(tmp_path, name, content, message):
    roster = tmp_path / name
    roster.write_bytes(content)
    result = run("batch", roster, "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert result.stderr == f"Error: {roster}: {message}\n"


def test_zip_and_opendocument_files_say_what_they_are(tmp_path):
    odt = tmp_path / "clients.odt"
    with zipfile.ZipFile(odt, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    result = run("batch", odt, "--out", tmp_path / "out")
    assert result.stderr == (f"Error: {odt}: is an OpenDocument file but not a spreadsheet. "
                             f"{SUPPORTED}\n")
    archive_path = tmp_path / "photos.zip"
    with zipfile.ZipFile(archive_path, "w") as archive:
        archive.writestr("a.txt", "hello")
    result = run("batch", archive_path, "--out", tmp_path / "out")
    assert result.stderr == f"Error: {archive_path}: is a zip archive, not a roster. {SUPPORTED}\n"


def test_xlsx_roster_combined_one_file_per_paper_size_with_bookmarks(tmp_path):
    """The issue's 'done when': `handout batch roster.xlsx --combined all.pdf`."""
    import pypdf

    roster = workbook(tmp_path / "roster.xlsx", [
        ["Name", "Protocol", "Paper"],
        ["Ana Ruiz", "sciatica-gentle", "A4"],
        ["Tom Becker", "sciatica-gentle", "Letter"],
        ["Bo Li", "sciatica-gentle", None],  # the brand's paper: A4
    ])
    result = run("batch", roster, "--out", tmp_path / "out", "--combined", tmp_path / "all.pdf",
                 "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "all.pdf").exists()
    a4, letter = pypdf.PdfReader(tmp_path / "all-a4.pdf"), pypdf.PdfReader(tmp_path / "all-letter.pdf")
    assert [item.title for item in a4.outline] == ["1. Ana Ruiz", "3. Bo Li"]
    assert [item.title for item in letter.outline] == ["2. Tom Becker"]
    assert {round(float(p.mediabox.width)) for p in a4.pages} == {595}
    assert {round(float(p.mediabox.width)) for p in letter.pages} == {612}
    assert "so one file for each" in result.stderr
