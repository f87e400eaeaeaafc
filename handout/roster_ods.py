"""Rosters kept as OpenDocument spreadsheets (.ods, as LibreOffice Calc saves them): the first
sheet, or the one named.

Read with python-calamine (a small binding of the Rust calamine reader, no other
dependency); the sheet's cells are held in memory while it is read, a few MB for the 20,000
rows a roster may have. Cells become text as roster_workbook.py says (dates, numbers, errors). calamine
reports neither merged cells nor a formula's missing value, so the sheet's part of
content.xml is read first, streaming, for both:
- merged cells in the header row are refused (give each column its own heading);
- a formula gives the value the spreadsheet saved; a formula with no saved value (a file
  written by a program, never opened in a spreadsheet) is an error naming the cell, never
  the formula's text.
A password-protected spreadsheet is refused before any part is read.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from xml.etree import ElementTree

from .errors import InputError
from .roster_workbook import WorkbookRoster, column_letter

_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_CELLS = (f"{{{_TABLE}}}table-cell", f"{{{_TABLE}}}covered-table-cell")


def _number(element, name: str) -> int:
    try:
        return max(1, int(element.get(f"{{{_TABLE}}}{name}", "1")))
    except ValueError:
        return 1


class OdsRoster(WorkbookRoster):
    """One sheet of an OpenDocument spreadsheet."""

    WHAT = "spreadsheet"
    SAVE_AS = "save it again as .ods, or as CSV UTF-8"

    def _open(self):
        if self._encrypted():
            raise InputError(f"{self.path}: is a password-protected spreadsheet; save it "
                             f"without a password, or as CSV UTF-8")
        from python_calamine import CalamineWorkbook

        try:
            return CalamineWorkbook.from_path(str(self.path))
        except FileNotFoundError:
            raise InputError(f"{self.path}: roster not found") from None
        except Exception as exc:  # calamine raises its own kinds for a damaged file
            raise InputError(f"{self.path}: cannot read the spreadsheet ({type(exc).__name__}: "
                             f"{exc}); {self.SAVE_AS}") from None

    def _encrypted(self) -> bool:
        try:
            with zipfile.ZipFile(self.path) as archive:
                return b"encryption-data" in archive.read("META-INF/manifest.xml")
        except (KeyError, zipfile.BadZipFile, OSError):
            return False  # calamine says what is wrong with it

    def _sheet_names(self) -> list[str]:
        book = self._open()
        try:
            return list(book.sheet_names)
        finally:
            book.close()

    def _check_sheet(self) -> None:
        """Merged header cells and formulas without a saved value, from content.xml."""
        try:
            with zipfile.ZipFile(self.path) as archive, archive.open("content.xml") as part:
                self._scan(part)
        except (KeyError, zipfile.BadZipFile, ElementTree.ParseError):
            return  # calamine has read it; a part we cannot find merges nothing

    def _scan(self, part) -> None:
        inside, row, column = False, 0, 0
        for event, element in ElementTree.iterparse(part, events=("start", "end")):
            tag = element.tag
            if tag == f"{{{_TABLE}}}table":
                if event == "start":
                    inside = element.get(f"{{{_TABLE}}}name") == self.sheet_name
                elif inside:
                    return
                continue
            if not inside:
                if event == "end":
                    element.clear()
                continue
            if tag == f"{{{_TABLE}}}table-row":
                if event == "start":
                    column = 0
                else:
                    row += _number(element, "number-rows-repeated")
                    element.clear()
            elif tag in _CELLS and event == "start":
                across = _number(element, "number-columns-spanned")
                down = _number(element, "number-rows-spanned")
                if row == 0 and (across > 1 or down > 1):
                    raise self.merged_header(f"{column_letter(column)}1:"
                                             f"{column_letter(column + across - 1)}{down}")
                if (element.get(f"{{{_TABLE}}}formula")
                        and element.get(f"{{{_OFFICE}}}value-type") is None):
                    raise self.unsaved_formula(f"{column_letter(column)}{row + 1}")
                column += _number(element, "number-columns-repeated")

    def _raw_records(self) -> Iterator[tuple[int, list[str]]]:
        """(sheet row, cells as text) for every row with something in it, the header first;
        the cells from column A on (calamine's used range may start further in)."""
        book = self._open()
        try:
            try:
                rows = book.get_sheet_by_name(self.sheet_name).to_python(skip_empty_area=False)
            except Exception as exc:  # calamine raises its own kinds for a damaged sheet
                raise InputError(f"{self.name}: cannot read the sheet ({type(exc).__name__}: "
                                 f"{exc}); {self.SAVE_AS}") from None
        finally:
            book.close()
        header_done = False
        for line, values in enumerate(rows, 1):
            texts = [self.cell_text(None if value == "" else value, line, index, header_done)
                     for index, value in enumerate(values)]
            if any(t.strip() for t in texts):
                header_done = True
                yield line, texts
