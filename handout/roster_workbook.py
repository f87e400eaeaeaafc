"""What the spreadsheet rosters share, an Excel workbook (roster_xlsx.py) and an OpenDocument
spreadsheet (roster_ods.py): the sheet to read (the first, or the one named), a cap on what
the zip archive unpacks to, rows named by the sheet's row numbers, and cells turned into the
text a CSV export would hold, so that the columns are read as for CSV:
- a date cell gives YYYY-MM-DD; a number in the date column is read as a spreadsheet date
  serial (46095 -> 2026-03-14); a whole number stored as 3.0 gives 3; TRUE/FALSE give yes/no;
- a cell holding a spreadsheet error (#REF!, #N/A, Err:502 ...) fails the run, naming the
  cell, and so does a control character.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

from . import files, limits
from .errors import InputError
from .roster_table import TableRoster

# What Excel and LibreOffice save as the value of a formula that failed.
ERROR_VALUES = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A")
_ERR = re.compile(r"Err:\d{3}")
SERIAL_EPOCH = dt.date(1899, 12, 30)  # day 0 of both programs' date serials (from 1900-03-01)
FIRST_SERIAL, LAST_SERIAL = 61, 2958465  # 1900-03-01 to 9999-12-31


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: a column as the spreadsheet names it."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class WorkbookRoster(TableRoster):
    """One sheet of a spreadsheet file: a header row of column names, then a row per client.
    A subclass lists the sheets (_sheet_names), reads one's rows (_raw_records) and checks
    what its reader does not (_check_sheet)."""

    EMPTY = "the sheet is empty; its first row should name the columns: name, date, " \
            "protocol, points ..."
    WHAT = "workbook"  # as messages name the file
    SAVE_AS = "save it again as .xlsx, or as CSV UTF-8"  # the way out of a file we cannot read

    def __init__(self, path: Path, sheet: str | None = None):
        self.sheet = sheet
        self.sheet_name: str | None = None
        super().__init__(path)

    @property
    def name(self) -> str:
        return f"{self.path} (sheet '{self.sheet_name}')" if self.sheet_name else str(self.path)

    def _line(self, line: int) -> str:
        return f"sheet row {line}"

    def _where(self, number: int, line: int) -> str:
        return f"{self.name}: row {number} (sheet row {line})"

    def _prepare(self) -> None:
        # The readers open the file themselves: files.py checks it first (regular, in size)
        files.check_file(self.path, what="roster", max_bytes=limits.ROSTER_XLSX_BYTES)
        self._check_unpacked_size()
        names = self._sheet_names()
        if not names:
            raise InputError(f"{self.path}: the {self.WHAT} has no sheets of cells")
        if self.sheet is None:
            self.sheet_name = names[0]
        elif self.sheet in names:
            self.sheet_name = self.sheet
        else:
            raise InputError(f"{self.path}: no sheet named '{self.sheet}' (its sheets: "
                             f"{', '.join(names)})")
        self._check_sheet()

    def _sheet_names(self) -> list[str]:  # pragma: no cover - defined by the subclasses
        raise NotImplementedError

    def _check_sheet(self) -> None:
        """What the reader does not report (merged header cells ...): an InputError."""

    def _check_unpacked_size(self) -> None:
        """A spreadsheet is a zip archive: refuse one whose parts unpack to more than the
        limit (the readers hold some parts whole) before any part is read."""
        try:
            with zipfile.ZipFile(self.path) as archive:
                size = sum(info.file_size for info in archive.infolist())
        except (zipfile.BadZipFile, OSError):
            return  # the reader says what is wrong with it
        if size > limits.ROSTER_XLSX_UNPACKED_BYTES:
            raise InputError(f"{self.path}: the {self.WHAT} unpacks to {size:,} bytes, more "
                             f"than the {limits.ROSTER_XLSX_UNPACKED_BYTES:,} allowed; save "
                             f"the clients as CSV UTF-8, or split the {self.WHAT}")

    def merged_header(self, cells: str) -> InputError:
        return InputError(f"{self.name}: row 1: cells {cells} of the header are merged; give "
                          f"each column its own heading")

    def unsaved_formula(self, cell: str) -> InputError:
        return InputError(f"{self.name}: cell {cell} holds a formula whose value was never "
                          f"saved; open the {self.WHAT} in your spreadsheet program, save it, "
                          f"and run again")

    def cell_text(self, value, line: int, index: int, header_done: bool) -> str:
        """A cell's value (as the reader gives it: text, number, bool, date ...) as the text
        a CSV export would hold."""
        if value is None:
            return ""
        where = f"{column_letter(index)}{line}"
        if isinstance(value, str):
            if value in ERROR_VALUES or _ERR.fullmatch(value):
                raise InputError(f"{self.name}: cell {where} holds the spreadsheet error "
                                 f"{value}; correct it, or clear the cell")
            control = files.CONTROL.search(value)
            if control:
                raise InputError(f"{self.name}: cell {where}: control character "
                                 f"U+{ord(control.group()):04X}")
            return value
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, dt.datetime):
            return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
        if isinstance(value, (dt.date, dt.time)):
            return value.isoformat()
        if isinstance(value, (int, float)):
            column = self.fields[index] if header_done and index < len(self.fields) else None
            if column == "date" and FIRST_SERIAL <= value <= LAST_SERIAL:
                return (SERIAL_EPOCH + dt.timedelta(days=int(value))).isoformat()
            return str(int(value)) if float(value).is_integer() else str(value)
        return str(value)
