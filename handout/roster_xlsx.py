"""Rosters kept as Excel workbooks (.xlsx): the first sheet, or the one named.

Read with openpyxl in read-only mode (rows stream; a workbook of thousands of clients is
never held whole). Cells become the text a CSV export would hold, so the columns are read
by roster_table.TableRoster exactly as for CSV:
- a formula gives the value the spreadsheet last computed and saved; a formula with no
  saved value (a file written by a program, never opened in a spreadsheet) is an error
  naming the cell, never the formula's text;
- a date cell gives YYYY-MM-DD; a number in the date column is read as an Excel date serial
  (46095 -> 2026-03-14); a whole number stored as 3.0 gives 3;
- a cell holding a spreadsheet error (#REF!, #N/A ...) fails its row, naming the cell;
- merged cells in the header row are refused (give each column its own heading).
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

from . import files, limits
from .errors import InputError
from .roster_table import TableRoster

_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}
_RANGE = re.compile(r"([A-Z]+)(\d+):([A-Z]+)(\d+)")


class XlsxRoster(TableRoster):
    """One sheet of a workbook: a header row of column names, then a row per client."""

    EMPTY = "the sheet is empty; its first row should name the columns: name, date, " \
            "protocol, points ..."

    def __init__(self, path: Path, sheet: str | None = None):
        self.sheet = sheet
        super().__init__(path)

    @property
    def name(self) -> str:
        return f"{self.path} (sheet '{self.sheet_name}')" if getattr(self, "sheet_name", None) \
            else str(self.path)

    def _prepare(self) -> None:
        # openpyxl opens the file itself: files.py checks it first (a regular file, in size)
        files.check_file(self.path, what="roster", max_bytes=limits.ROSTER_XLSX_BYTES)
        self._check_unpacked_size()
        if not self._has_worksheets():
            raise InputError(f"{self.path}: the workbook has no sheets of cells (only charts); "
                             f"put the clients on a sheet")
        names = self._sheet_names()
        if not names:
            raise InputError(f"{self.path}: the workbook has no sheets of cells")
        if self.sheet is None:
            self.sheet_name = names[0]
        elif self.sheet in names:
            self.sheet_name = self.sheet
        else:
            raise InputError(f"{self.path}: no sheet named '{self.sheet}' (its sheets: "
                             f"{', '.join(names)})")
        merged = self._merged_header()
        if merged:
            raise InputError(f"{self.name}: row 1: cells {merged} of the header are merged; "
                             f"give each column its own heading")

    def _line(self, line: int) -> str:
        return f"sheet row {line}"

    def _where(self, number: int, line: int) -> str:
        return f"{self.name}: row {number} (sheet row {line})"

    # -- reading ---------------------------------------------------------------------
    def _open(self, data_only: bool):
        from openpyxl import load_workbook

        try:
            return load_workbook(self.path, read_only=True, data_only=data_only)
        except FileNotFoundError:
            raise InputError(f"{self.path}: roster not found") from None
        except Exception as exc:  # openpyxl raises many kinds for a damaged or odd workbook
            raise InputError(f"{self.path}: cannot read the workbook ({type(exc).__name__}: "
                             f"{exc}); save it again as .xlsx, or as CSV UTF-8") from None

    def _sheet_names(self) -> list[str]:
        book = self._open(data_only=True)
        try:
            return [ws.title for ws in book.worksheets]
        finally:
            book.close()

    def _raw_records(self) -> Iterator[tuple[int, list[str]]]:
        """(sheet row, cells as text) for every row with something in it, the header first.
        The saved values and the formulas are read side by side: a formula whose value was
        never saved is found without ever showing its text."""
        values_book, formulas_book = self._open(True), self._open(False)
        try:
            values = values_book[self.sheet_name].iter_rows(values_only=True)
            formulas = formulas_book[self.sheet_name].iter_rows()
            header_done = False
            for line, (row, cells) in enumerate(zip(values, formulas), 1):
                texts = [self._text(value, cell, line, index, header_done)
                         for index, (value, cell) in enumerate(zip(row, cells))]
                if any(t.strip() for t in texts):
                    header_done = True
                    yield line, texts
        finally:
            values_book.close()
            formulas_book.close()

    def _text(self, value, cell, line: int, index: int, header_done: bool) -> str:
        from openpyxl.cell.cell import ERROR_CODES
        from openpyxl.utils import get_column_letter
        from openpyxl.utils.datetime import from_excel

        where = f"{get_column_letter(index + 1)}{line}"
        if value is None:
            if getattr(cell, "data_type", None) == "f":
                raise InputError(f"{self.name}: cell {where} holds a formula whose value was "
                                 f"never saved; open the workbook in your spreadsheet, save "
                                 f"it, and run again")
            return ""
        if isinstance(value, str) and value in ERROR_CODES:
            raise InputError(f"{self.name}: cell {where} holds the spreadsheet error {value}; "
                             f"correct it, or clear the cell")
        if isinstance(value, str):
            control = files.CONTROL.search(value)
            if control:
                raise InputError(f"{self.name}: cell {where}: control character "
                                 f"U+{ord(control.group()):04X}")
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, dt.datetime):
            return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
        if isinstance(value, (dt.date, dt.time)):
            return value.isoformat()
        if isinstance(value, (int, float)):
            column = self.fields[index] if header_done and index < len(self.fields) else None
            if column == "date" and 1 <= value < 2958466:  # Excel's serial days, to 9999
                return from_excel(value).date().isoformat()
            return str(int(value)) if float(value).is_integer() else str(value)
        return str(value)

    def _merged_header(self) -> str:
        """'A1:B1' for the first merged range touching the header row, else ''. Merged
        ranges are listed in the sheet's XML, which read-only mode does not parse."""
        try:
            with zipfile.ZipFile(self.path) as archive:
                part = self._sheet_part(archive)
                with archive.open(part) as sheet:
                    for _, element in ElementTree.iterparse(sheet):
                        if element.tag == f"{{{_NS['m']}}}mergeCell":
                            match = _RANGE.fullmatch(element.get("ref", ""))
                            if match and int(match.group(2)) == 1:
                                return match.group(0)
                        element.clear()
        except (KeyError, zipfile.BadZipFile, ElementTree.ParseError):
            return ""  # openpyxl has read it; a part we cannot find merges nothing
        return ""

    def _check_unpacked_size(self) -> None:
        """A workbook is a zip archive: refuse one whose parts unpack to more than the limit
        (openpyxl reads its shared strings whole) before any part is read."""
        try:
            with zipfile.ZipFile(self.path) as archive:
                size = sum(info.file_size for info in archive.infolist())
        except (zipfile.BadZipFile, OSError):
            return  # openpyxl says what is wrong with it
        if size > limits.ROSTER_XLSX_UNPACKED_BYTES:
            raise InputError(f"{self.path}: the workbook unpacks to {size:,} bytes, more than "
                             f"the {limits.ROSTER_XLSX_UNPACKED_BYTES:,} allowed; save the "
                             f"clients as CSV UTF-8, or split the workbook")

    def _has_worksheets(self) -> bool:
        """False for a workbook of chart sheets only (openpyxl cannot open one)."""
        try:
            with zipfile.ZipFile(self.path) as archive:
                rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        except (KeyError, zipfile.BadZipFile, ElementTree.ParseError, OSError):
            return True  # let openpyxl say what is wrong
        return any(r.get("Type", "").endswith("/worksheet")
                   for r in rels.findall("rel:Relationship", _NS))

    def _sheet_part(self, archive: zipfile.ZipFile) -> str:
        """The zip member holding the sheet, from the workbook's list and its relations."""
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target") for r in rels.findall("rel:Relationship", _NS)}
        for sheet in book.findall("m:sheets/m:sheet", _NS):
            if sheet.get("name") == self.sheet_name:
                target = targets[sheet.get(f"{{{_NS['r']}}}id")]
                return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        raise KeyError(self.sheet_name)
