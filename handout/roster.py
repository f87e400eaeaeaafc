"""Rosters: many clients in one file, one row each, for `handout batch`.

A roster is a CSV file as spreadsheets export it (UTF-8 with or without a byte-order mark,
comma, semicolon or tab between cells, quoted cells holding commas or line breaks, blank
lines anywhere) or a YAML list of client blocks. Its columns are the fields of a client file.

    roster = read_roster("clients.csv")     # the header is read and checked here
    roster.warnings                         # file-level warnings: unknown columns ...
    for row in roster:                      # rows are read lazily, one at a time
        row.number, row.line                # 1, 2, ... (blank lines not counted); line in the file
        row.client or row.error             # a Client, or a RowError saying where and why
        row.warnings                        # this row's warnings: unknown key, extra cells ...

Parsing only, like client.py: ids are resolved and safety rules applied when the handout is
made, so an unknown point or a pregnancy conflict shows up there, for that row alone.
Problems that make the whole file unreadable (not UTF-8, a quote never closed, no column
names) raise InputError naming the file and line; an empty roster or one with only a header
raises too, before anything is made.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

from . import files, limits
from .errors import HandoutError, InputError
from .roster_table import (  # noqa: F401 (RosterRow, RowError, in_roster_words: callers import them from here)
    COLUMNS, FIELDS, Roster, RosterRow, RowError, TableRoster, column_key, in_roster_words,
    row_client, short_text,
)
from .yamlio import parse_yaml

DELIMITERS = (",", ";", "\t")
# A cell can hold the longest notes a client file allows, plus room for quoting.
CELL_LIMIT = max(csv.field_size_limit(), limits.ROSTER_CELL)

SUPPORTED = ("CSV (UTF-8, or Excel's 'Unicode Text'), an Excel workbook (.xlsx), an "
             "OpenDocument spreadsheet (.ods) or a YAML list")


def read_roster(path: str | Path, *, sheet: str | None = None) -> "Roster":
    """Open a roster: CSV, Excel's UTF-16 "Unicode text", an .xlsx workbook or an .ods
    spreadsheet (its first sheet, or `sheet`) or YAML, told apart by the file's first bytes,
    then its suffix."""
    path = Path(path)
    files.check_file(path, what="roster", max_bytes=max(
        limits.ROSTER_CSV_BYTES, limits.ROSTER_YAML_BYTES, limits.ROSTER_XLSX_BYTES))
    kind = _kind(path)
    if kind == "xlsx":
        from .roster_xlsx import XlsxRoster  # openpyxl is imported only for a workbook

        return XlsxRoster(path, sheet)
    if kind == "ods":
        from .roster_ods import OdsRoster  # python-calamine only for a spreadsheet

        return OdsRoster(path, sheet)
    if sheet is not None:
        raise InputError(f"{path}: sheet={sheet!r} is for a spreadsheet (.xlsx, .ods); this "
                         f"roster is {'YAML' if kind == 'yaml' else 'CSV'}")
    return YamlRoster(path) if kind == "yaml" else CsvRoster(path)


def _binary_kind(path: Path, start: bytes) -> str | None:
    """'xlsx' or 'ods' for a spreadsheet; None for text; an InputError for any other binary
    file."""
    if start.startswith(b"PK\x03\x04"):
        import zipfile

        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
                mimetype = archive.read("mimetype")[:80] if "mimetype" in names else b""
        except (zipfile.BadZipFile, OSError):
            names, mimetype = set(), b""
        if "xl/workbook.xml" in names:
            return "xlsx"
        if b"opendocument.spreadsheet" in mimetype:
            return "ods"
        what = ("an OpenDocument file but not a spreadsheet" if b"opendocument" in mimetype
                else "a zip archive, not a roster")
        raise InputError(f"{path}: is {what}. A roster is {SUPPORTED}")
    if start.startswith(b"\xd0\xcf\x11\xe0"):  # an OLE compound file
        raise InputError(f"{path}: is a password-protected workbook or an old Excel .xls file; "
                         f"save it as .xlsx without a password, or as CSV UTF-8")
    if start.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None  # UTF-16 text (Excel's "Unicode Text")
    if start.startswith(b"%PDF") or b"\x00" in start:
        raise InputError(f"{path}: is not a roster but a binary file. A roster is {SUPPORTED}")
    spreadsheet = {".xlsx": "an Excel workbook", ".xlsm": "an Excel workbook",
                   ".xls": "an Excel workbook", ".ods": "an OpenDocument spreadsheet"}
    if path.suffix.lower() in spreadsheet and start:  # named like one, but is not
        raise InputError(f"{path}: is not {spreadsheet[path.suffix.lower()]} that can be read "
                         f"(damaged, or renamed from something else); save it again as .xlsx, "
                         f"or as CSV UTF-8")
    return None


def _encoding(start: bytes) -> str:
    """UTF-16 when the file starts with its byte-order mark, else UTF-8 (a BOM or not)."""
    return "utf-16" if start.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig"


def _kind(path: Path) -> str:
    start = files.read_head(path, what="roster", size=4096)
    spreadsheet = _binary_kind(path, start)
    if spreadsheet:
        return spreadsheet
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return "yaml"
    if suffix in (".csv", ".tsv", ".txt"):
        return "csv"
    first = ""
    try:
        for line in files.text_lines(path, what="roster", max_bytes=limits.ROSTER_CSV_BYTES,
                                     encoding=_encoding(start)):
            if line.strip() and not line.lstrip().startswith("#"):
                first = line.strip()
                break
    except HandoutError:
        return "csv"  # let the reader report the problem, in its own words
    return "yaml" if first.startswith(("-", "---")) else "csv"


class CsvRoster(TableRoster):
    """A spreadsheet export: comma, semicolon or tab separated, UTF-8 or UTF-16 text."""

    def _prepare(self) -> None:
        self.encoding = _encoding(files.read_head(self.path, what="roster", size=2))
        self.delimiter, self.skip_lines = self._sniff()

    # -- reading ---------------------------------------------------------------------
    def _lines(self) -> Iterator[str]:
        """The file's lines (any line ending, an old Mac's CR alone too), checked by files.py:
        a regular file, within limits.ROSTER_CSV_BYTES, no control characters."""
        try:
            yield from files.text_lines(self.path, what="roster", encoding=self.encoding,
                                        max_bytes=limits.ROSTER_CSV_BYTES)
        except files.NotText as exc:
            raise self._not_utf8(exc.line) from None

    def _sniff(self) -> tuple[str, int]:
        """The delimiter: the one that splits the first line into the most known columns.

        Excel's `sep=;` first line is honoured (and skipped)."""
        skip, first = 0, ""
        lines = self._lines()
        for line in lines:
            skip += 1
            if line.strip():
                first = line.rstrip("\r\n")
                break
        lines.close()
        match = re.fullmatch(r"\s*sep=(.)\s*", first)
        if match:
            return match.group(1), skip
        best, best_score = ",", (-1, -1)
        for delimiter in DELIMITERS:
            old_limit = csv.field_size_limit(CELL_LIMIT)
            try:
                cells = next(csv.reader([first], delimiter=delimiter), [])
            except csv.Error:  # a cell too long or badly quoted: not this delimiter
                continue
            finally:
                csv.field_size_limit(old_limit)
            known = sum(1 for c in cells if column_key(c) in COLUMNS)
            score = (known, len(cells))
            if score > best_score:
                best, best_score = delimiter, score
        return best, 0

    def _not_utf8(self, line: int) -> InputError:
        return InputError(f"{self.name}: line {line}: not UTF-8 text; save the roster as "
                          f"'CSV UTF-8' (most spreadsheets offer it under Save As or Export)")

    def _raw_records(self) -> Iterator[tuple[int, list[str]]]:
        """(first line, cells) for every non-blank record, the header included."""
        old_limit = csv.field_size_limit(CELL_LIMIT)
        try:
            lines = self._lines()
            reader = csv.reader(lines, delimiter=self.delimiter, strict=True)
            done = 0  # the last line read so far
            try:
                for cells in reader:
                    start, done = done + 1, reader.line_num
                    if start <= self.skip_lines:
                        continue
                    if any(c.strip() for c in cells):
                        yield start, cells
            except csv.Error as exc:
                raise self._csv_error(done + 1, exc) from None
            finally:
                lines.close()
        finally:
            csv.field_size_limit(old_limit)

    def _csv_error(self, line: int, exc: csv.Error) -> InputError:
        text = str(exc)
        if "end of data" in text:
            detail = 'a quoted cell that starts here is never closed (a " is missing)'
        elif "field larger" in text:
            detail = (f"a cell is longer than {CELL_LIMIT:,} characters; "
                      f'is a closing quote (") missing?')
        else:
            detail = f'cells are not quoted properly ({text}); a " inside a quoted cell is written ""'
        return InputError(f"{self.name}: line {line}: {detail}")


class YamlRoster(Roster):
    """A YAML list of client blocks, with the keys of a client file."""

    def __init__(self, path: Path):
        super().__init__(path)
        text = files.read_text(path, what="roster", max_bytes=limits.ROSTER_YAML_BYTES)
        if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#")
                                   for ln in text.splitlines()):
            raise InputError(f"{self.name}: the roster is empty; write one block per client, "
                             f"e.g. '- name: Ana Ruiz' then '  protocol: sciatica'")
        data = parse_yaml(text, self.name, what="roster")
        if not isinstance(data, list):
            raise InputError(f"{self.name}: should be a list of clients, each starting with "
                             f"'- ' (e.g. '- name: Ana Ruiz'), not a single block")
        if not data:
            raise InputError(f"{self.name}: the list of clients is empty")
        if len(data) > limits.ROSTER_ROWS:
            raise self._too_many(data.line_of(limits.ROSTER_ROWS) if hasattr(data, "line_of")
                                 else None)
        self.items = data

    def count(self) -> int:
        return len(self.items)

    def _records(self):
        return iter(self.items)

    def _rows(self) -> Iterator[RosterRow]:
        for index, item in enumerate(self.items):
            number = index + 1
            line = self.items.line_of(index) if hasattr(self.items, "line_of") else number
            where = self._where(number, line)
            if not isinstance(item, dict):
                error = RowError(where, "should be a block of fields (name: ..., protocol: ...), "
                                        f"not {short_text(str(item))!r}")
                yield RosterRow(number, line, None, error)
                continue
            values, warnings, headings = {}, [], {}
            for key, value in item.items():
                field_name = COLUMNS.get(column_key(key))
                if field_name is None:
                    warnings.append(f"{where}: '{key}' is not a client field and is ignored "
                                    f"(known: {', '.join(FIELDS)})")
                elif field_name in values:
                    warnings.append(f"{where}: '{key}' repeats '{field_name}'; the first is used")
                else:
                    values[field_name] = value
                    headings[field_name] = key
            client, error = row_client(values, where, headings)
            yield RosterRow(number, line, client, error, tuple(warnings))


