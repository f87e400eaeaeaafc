"""Rosters kept as Excel workbooks (.xlsx): the first sheet, or the one named.

Read with openpyxl in read-only mode (rows stream; a workbook of thousands of clients is
never held whole). Cells become text as roster_workbook.py says (dates, numbers, errors);
besides:
- a formula gives the value the spreadsheet last computed and saved; a formula with no
  saved value (a file written by a program, never opened in a spreadsheet) is an error
  naming the cell, never the formula's text;
- merged cells in the header row are refused (give each column its own heading).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from xml.etree import ElementTree

from .errors import InputError
from .roster_workbook import WorkbookRoster, column_letter

_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}
_RANGE = re.compile(r"([A-Z]+)(\d+):([A-Z]+)(\d+)")


class XlsxRoster(WorkbookRoster):
    """One sheet of an Excel workbook."""

    def _check_sheet(self) -> None:
        merged = self._merged_header()
        if merged:
            raise self.merged_header(merged)

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
        if not self._has_worksheets():
            raise InputError(f"{self.path}: the workbook has no sheets of cells (only charts); "
                             f"put the clients on a sheet")
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
        if value is None and getattr(cell, "data_type", None) == "f":
            raise self.unsaved_formula(f"{column_letter(index)}{line}")
        return self.cell_text(value, line, index, header_done)

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
