"""Rosters kept as OpenDocument spreadsheets (.ods, LibreOffice Calc), read as .xlsx ones
are: the first sheet or --sheet NAME, dates, formulas' saved values, and one located line
for what cannot be read. The spreadsheets are written here as LibreOffice lays them out
(content.xml in a zip, repeated and spanned cells), so each case is exactly what it says."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import pytest

from handout.errors import InputError
from handout.roster import read_roster
from handout.roster_ods import OdsRoster

from pdfcheck import text
from runcli import run

NAMESPACES = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
              'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
              'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
              'xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2"')
MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"


def date(iso: str) -> dict:
    return {"office:value-type": "date", "office:date-value": iso, "text": iso}


def number(value) -> dict:
    return {"office:value-type": "float", "office:value": str(value), "text": str(value)}


def formula(code: str, saved: str | None) -> dict:
    """A formula cell; with saved=None, as a program writes one (no value saved)."""
    cell = {"table:formula": code}
    if saved is not None:
        cell.update({"office:value-type": "string", "office:string-value": saved, "text": saved})
    return cell


def _cell(value) -> str:
    if value is None:
        return '<table:table-cell table:number-columns-repeated="3"/>'  # as LibreOffice pads
    if isinstance(value, bool):
        flag = "true" if value else "false"
        value = {"office:value-type": "boolean", "office:boolean-value": flag, "text": flag.upper()}
    if isinstance(value, str):
        value = {"office:value-type": "string", "text": value}
    tag = "table:covered-table-cell" if value.get("covered") else "table:table-cell"
    attrs = " ".join(f"{k}={quoteattr(v)}" for k, v in value.items() if k not in ("text", "covered"))
    inner = f"<text:p>{escape(value['text'])}</text:p>" if "text" in value else ""
    return f"<{tag} {attrs}>{inner}</{tag}>"


def spreadsheet(path: Path, sheets, *, encrypted: bool = False) -> Path:
    """An .ods file of (sheet name, rows); a row is a list of cells, or None for a blank row."""
    tables = ""
    for name, rows in sheets:
        body = "".join('<table:table-row table:number-rows-repeated="2"><table:table-cell/>'
                       '</table:table-row>' if row is None else
                       "<table:table-row>" + "".join(_cell(c) for c in row) + "</table:table-row>"
                       for row in rows)
        tables += f"<table:table table:name={quoteattr(name)}>{body}</table:table>"
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {NAMESPACES} '
               f'office:version="1.2"><office:body><office:spreadsheet>{tables}'
               f'</office:spreadsheet></office:body></office:document-content>')
    secret = ('<manifest:encryption-data manifest:checksum-type="SHA1/1K" '
              'manifest:checksum="x"/>' if encrypted else "")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
                '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{MIMETYPE}"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type='
                f'"text/xml">{secret}</manifest:file-entry></manifest:manifest>')
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", MIMETYPE)  # first and stored, as the format asks
        archive.writestr("content.xml", b"\x00garbled" if encrypted else content)
        archive.writestr("META-INF/manifest.xml", manifest)
    return path


HEADER = ["Name", "Date", "Protocol", "Conditions", "Large print", "Paper"]


def manifest(out: Path) -> list[dict]:
    with open(out / "manifest.csv", encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_ods_roster_makes_a_handout_per_row(tmp_path):
    roster = spreadsheet(tmp_path / "clients.ods", [("Clients", [
        HEADER,
        ["Ana Ruiz", date("2026-03-14"), "sciatica-pregnancy", "pregnancy", False, "A4"],
        None,  # blank rows are skipped, as in a CSV
        ["Tom Becker", number(46095), formula('of:="sciatica"&"-gentle"', "sciatica-gentle"),
         "osteoporosis", True, "Letter"],
    ])])
    result = run("batch", roster, "--out", tmp_path / "out", "--jobs", "1")
    assert result.exit_code == 0, result.output
    rows = manifest(tmp_path / "out")
    assert [(r["row"], r["line"], r["file"], r["status"]) for r in rows] == [
        ("1", "2", "001-ana-ruiz.pdf", "made"), ("2", "5", "002-tom-becker.pdf", "made")]
    ana = text((tmp_path / "out" / "001-ana-ruiz.pdf").read_bytes())
    assert "Ana Ruiz" in ana and "14 March 2026" in ana
    tom = text((tmp_path / "out" / "002-tom-becker.pdf").read_bytes())
    # 46095 is the date serial of 14 March 2026 in a date column; the formula's saved value
    assert "14 March 2026" in tom and "of:=" not in tom
    assert read_roster(roster).fields[:3] == ["name", "date", "protocol"]


def test_rows_and_columns_keep_their_places_when_the_table_starts_further_in(tmp_path):
    roster = spreadsheet(tmp_path / "c.ods", [("Clients", [
        [], ["", "Name", "Protocol"], ["", "Ana", "sciatica"], ["", "Bo", "nope"]])])
    rows = list(read_roster(roster))
    assert [(r.number, r.line) for r in rows] == [(1, 3), (2, 4)]
    assert rows[0].client.name == "Ana"


def test_sheet_option_picks_a_sheet_and_names_the_others(tmp_path):
    roster = spreadsheet(tmp_path / "c.ods", [("Notes", [["nothing here"]]),
                                              ("March", [["Name", "Protocol"], ["Ana", "sciatica"]])])
    assert [r.client.name for r in read_roster(roster, sheet="March")] == ["Ana"]
    with pytest.raises(InputError) as info:
        read_roster(roster, sheet="April")
    assert str(info.value) == f"{roster}: no sheet named 'April' (its sheets: Notes, March)"


def test_formula_with_no_saved_value_is_an_error_naming_the_cell(tmp_path):
    roster = spreadsheet(tmp_path / "f.ods", [("Clients", [
        ["Name", "Protocol"], ["Ana", "sciatica"], ["Bo", formula('of:="sci"&"atica"', None)]])])
    result = run("batch", roster, "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {roster} (sheet 'Clients'): cell B3 holds a formula whose "
                             f"value was never saved; open the spreadsheet in your spreadsheet "
                             f"program, save it, and run again\n")
    assert "atica" not in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("error", ["#DIV/0!", "Err:502"])
def test_spreadsheet_error_value_names_the_cell(tmp_path, error):
    roster = spreadsheet(tmp_path / "e.ods", [("Clients", [
        ["Name", "Date", "Protocol"], ["Ana", formula("of:=1/0", error), "sciatica"]])])
    with pytest.raises(InputError) as info:
        list(read_roster(roster))
    assert str(info.value) == (f"{roster} (sheet 'Clients'): cell B2 holds the spreadsheet "
                               f"error {error}; correct it, or clear the cell")


def test_merged_header_cells_are_refused(tmp_path):
    roster = spreadsheet(tmp_path / "m.ods", [("Clients", [
        [{"office:value-type": "string", "table:number-columns-spanned": "2", "text": "Name"},
         {"covered": True}, "Protocol"],
        ["Ana", "Ruiz", "sciatica"]])])
    result = run("batch", roster, "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {roster} (sheet 'Clients'): row 1: cells A1:B1 of the "
                             f"header are merged; give each column its own heading\n")


def test_merged_cells_below_the_header_are_read(tmp_path):
    roster = spreadsheet(tmp_path / "m.ods", [("Clients", [
        ["Name", "Protocol", "Notes"],
        ["Ana", "sciatica", {"office:value-type": "string", "table:number-rows-spanned": "2",
                             "text": "Walk daily."}],
        ["Bo", "sciatica", {"covered": True}]])])
    assert [r.client.notes for r in read_roster(roster)] == ["Walk daily.", ""]


@pytest.mark.parametrize("sheets, message", [
    ([], ": the spreadsheet has no sheets of cells"),
    ([("Clients", [])], " (sheet 'Clients'): the sheet is empty; its first row should name the "
                        "columns: name, date, protocol, points ..."),
    ([("Clients", [HEADER])], " (sheet 'Clients'): has column names but no client rows; add "
                              "one row per client"),
])
def test_empty_spreadsheet_or_sheet_is_one_line(tmp_path, sheets, message):
    roster = spreadsheet(tmp_path / "x.ods", sheets)
    result = run("batch", roster, "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert result.stderr == f"Error: {roster}{message}\n"
    assert not (tmp_path / "out").exists()


def test_password_protected_spreadsheet_is_one_line(tmp_path):
    roster = spreadsheet(tmp_path / "locked.ods", [("Clients", [HEADER])], encrypted=True)
    result = run("batch", roster, "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {roster}: is a password-protected spreadsheet; save it "
                             f"without a password, or as CSV UTF-8\n")


def test_a_damaged_spreadsheet_is_one_line(tmp_path):
    roster = tmp_path / "bad.ods"
    with zipfile.ZipFile(roster, "w") as archive:
        archive.writestr("mimetype", MIMETYPE)
        archive.writestr("content.xml", "<office:document-content/>")
    result = run("batch", roster, "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {roster}: cannot read the spreadsheet (")
    assert result.stderr.endswith("); save it again as .ods, or as CSV UTF-8\n")
    assert result.stderr.count("\n") == 1


def test_control_characters_in_a_cell_are_refused(tmp_path):
    roster = spreadsheet(tmp_path / "c.ods", [("Clients", [
        ["Name", "Protocol"], ["Ana\x1b[2J", "sciatica"]])])
    with pytest.raises(InputError, match=r"cell A2: control character U\+001B"):
        list(read_roster(roster))


def test_a_spreadsheet_is_found_by_its_content_not_its_name(tmp_path):
    roster = spreadsheet(tmp_path / "clients.csv", [("Clients", [["Name", "Protocol"],
                                                                 ["Ana", "sciatica"]])])
    assert isinstance(read_roster(roster), OdsRoster)
