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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from . import files, limits
from .client import PAPER_SIZES, SIDES, Client, check_client, parse_date
from .errors import API_LISTS, HandoutError, InputError
from .yamlio import parse_yaml

# Column names as a spreadsheet might head them, after lower-casing and turning spaces and
# hyphens into underscores ("Large print", "large-print" -> large_print).
COLUMNS = {
    "name": "name", "client": "name", "client_name": "name",
    "date": "date",
    "practitioner": "practitioner",
    "protocol": "protocol",
    "points": "points",
    "stretches": "stretches",
    "tips": "tips",
    "drop": "drop",
    "side": "side",
    "conditions": "conditions", "condition": "conditions",
    "allow": "allow",
    "notes": "notes",
    "next_appointment": "next_appointment",
    "paper": "paper",
    "large_print": "large_print",
}
FIELDS = tuple(dict.fromkeys(COLUMNS.values()))
LIST_FIELDS = ("points", "stretches", "tips", "drop", "conditions", "allow")
WHAT_TO_PRINT = ("protocol", "points", "stretches", "tips")
YES = ("yes", "y", "true", "1")
NO = ("no", "n", "false", "0")
DELIMITERS = (",", ";", "\t")
# A cell can hold the longest notes a client file allows, plus room for quoting.
CELL_LIMIT = max(csv.field_size_limit(), limits.ROSTER_CELL)
_SPLIT = re.compile(r"[,;\n]")


class RowError(InputError):
    """A roster row that cannot become a client: where it is, and what is wrong."""

    def __init__(self, where: str, detail: str):
        self.where = where
        self.detail = detail
        super().__init__(f"{where}: {detail}")


class RosterRow(NamedTuple):
    number: int  # 1 for the first client row; blank lines and the header do not count
    line: int  # where the row starts in the file (a spreadsheet's row number, for a CSV)
    client: Client | None
    error: RowError | None
    warnings: tuple[str, ...] = ()

    @property
    def where(self) -> str:
        return self.client.source if self.client else self.error.where


SUPPORTED = ("CSV (UTF-8, or Excel's 'Unicode Text'), an Excel workbook (.xlsx) or a YAML "
             "list")


def read_roster(path: str | Path, *, sheet: str | None = None) -> "Roster":
    """Open a roster: CSV, Excel's UTF-16 "Unicode text", an .xlsx workbook (its first sheet,
    or `sheet`) or YAML, told apart by the file's first bytes, then its suffix."""
    path = Path(path)
    files.check_file(path, what="roster", max_bytes=max(
        limits.ROSTER_CSV_BYTES, limits.ROSTER_YAML_BYTES, limits.ROSTER_XLSX_BYTES))
    kind = _kind(path)
    if kind == "xlsx":
        from .roster_xlsx import XlsxRoster  # openpyxl is imported only for a workbook

        return XlsxRoster(path, sheet)
    if sheet is not None:
        raise InputError(f"{path}: --sheet is for an Excel workbook (.xlsx); this roster is "
                         f"{'YAML' if kind == 'yaml' else 'CSV'}")
    return YamlRoster(path) if kind == "yaml" else CsvRoster(path)


def _binary_kind(path: Path, start: bytes) -> str | None:
    """'xlsx' for a workbook; None for text; an InputError for any other binary file."""
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
        what = ("an OpenDocument spreadsheet (.ods); save it as .xlsx or CSV"
                if b"opendocument.spreadsheet" in mimetype else "a zip archive, not a roster")
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
    if _binary_kind(path, start):
        return "xlsx"
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


@dataclass
class Roster:
    path: Path
    warnings: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return str(self.path)

    def __iter__(self) -> Iterator[RosterRow]:
        count = 0
        for row in self._rows():
            count += 1
            if count > limits.ROSTER_ROWS:
                raise self._too_many(row.line)
            yield row
        if not count:
            raise self._no_rows()

    def count(self) -> int:
        """The number of client rows, read without building clients (a CSV is streamed)."""
        count = 0
        for record in self._records():
            count += 1
            if count > limits.ROSTER_ROWS:
                raise self._too_many(record[0] if isinstance(record, tuple) else None)
        if not count:
            raise self._no_rows()
        return count

    def _too_many(self, line: int | None) -> InputError:
        at = f": {self._line(line)}" if line else ""
        return InputError(f"{self.name}{at}: more than {limits.ROSTER_ROWS:,} client rows; "
                          f"split the roster into several files")

    def _line(self, line: int) -> str:
        return f"line {line}"

    def _where(self, number: int, line: int) -> str:
        return f"{self.name}: row {number} (line {line})"

    def _no_rows(self) -> InputError:
        return InputError(f"{self.name}: has column names but no client rows; add one row per client")

    def _rows(self) -> Iterator[RosterRow]:  # pragma: no cover - defined by the subclasses
        raise NotImplementedError

    def _records(self) -> Iterator[Any]:  # pragma: no cover
        raise NotImplementedError


class TableRoster(Roster):
    """A table of cells: a header row of column names, then one row per client. The
    subclasses read the cells (CSV text, a workbook's sheet); the columns are read here."""

    EMPTY = "the roster is empty; its first line should name the columns, e.g. " \
            "name,date,protocol,points"

    def __init__(self, path: Path):
        super().__init__(path)
        self.fields: list[str | None] = []  # client field per column; None: ignored
        self.unnamed: set[int] = set()  # columns with an empty heading (0-based)
        self.headings: dict[str, str] = {}  # field -> the column's name as written
        self._prepare()
        header = next(self._raw_records(), None)
        if header is None:
            raise InputError(f"{self.name}: {self.EMPTY}")
        self._read_header(*header)

    def _prepare(self) -> None:  # pragma: no cover - defined by the subclasses
        raise NotImplementedError

    def _raw_records(self) -> Iterator[tuple[int, list[str]]]:  # pragma: no cover
        raise NotImplementedError

    def _records(self) -> Iterator[tuple[int, list[str]]]:
        records = self._raw_records()
        next(records, None)  # the header
        yield from records

    # -- the header ------------------------------------------------------------------
    def _read_header(self, line: int, cells: list[str]) -> None:
        at = self._line(line)
        if len(cells) > limits.ROSTER_COLUMNS:
            raise InputError(f"{self.name}: {at}: {len(cells):,} columns; a roster has at most "
                             f"{limits.ROSTER_COLUMNS} (the client fields are: "
                             f"{', '.join(FIELDS)})")
        first_seen: dict[str, int] = {}
        for index, cell in enumerate(cells, 1):
            heading = cell.strip()
            key = COLUMNS.get(_column_key(heading))
            if key is None:
                self.fields.append(None)
                if not heading:
                    self.unnamed.add(index - 1)
                else:
                    self.warnings.append(
                        f"{self.name}: {at}: column {index} '{heading}' is not a client "
                        f"field and is ignored (known columns: {', '.join(FIELDS)})")
                continue
            if key in first_seen:
                raise InputError(f"{self.name}: {at}: columns {first_seen[key]} and {index} "
                                 f"both give '{key}'; keep one of them")
            first_seen[key] = index
            self.fields.append(key)
            self.headings[key] = heading
        if not first_seen:  # its cells are not quoted: the file may not be a roster at all
            count = sum(1 for c in cells if c.strip())
            raise InputError(f"{self.name}: {at}: the first row should name the columns "
                             f"({', '.join(FIELDS[:4])} ...); none of its {count} "
                             f"cell{'s' if count != 1 else ''} is a column name")
        if not any(k in first_seen for k in WHAT_TO_PRINT):
            raise InputError(f"{self.name}: {at}: no column says what to print; add a "
                             f"'protocol' column (or points, stretches, tips)")

    def _rows(self) -> Iterator[RosterRow]:
        for number, (line, cells) in enumerate(self._records(), 1):
            where = self._where(number, line)
            if len(cells) > limits.ROSTER_COLUMNS:
                yield RosterRow(number, line, None, RowError(
                    where, f"{len(cells):,} cells; a row has at most {limits.ROSTER_COLUMNS}"))
                continue
            values: dict[str, Any] = {}
            warnings = []
            for index, cell in enumerate(cells):
                key = self.fields[index] if index < len(self.fields) else None
                if key is not None:
                    values[key] = cell
                elif cell.strip() and index >= len(self.fields):
                    warnings.append(f"{where}: a cell after the last column is ignored: "
                                    f"'{_short(cell)}'")
                elif cell.strip() and index in self.unnamed:
                    warnings.append(f"{where}: column {index + 1} has no name, so its cell "
                                    f"'{_short(cell)}' is ignored")
            client, error = _client(values, where, self.headings)
            yield RosterRow(number, line, client, error, tuple(warnings))


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
            known = sum(1 for c in cells if _column_key(c) in COLUMNS)
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
                                        f"not {_short(str(item))!r}")
                yield RosterRow(number, line, None, error)
                continue
            values, warnings, headings = {}, [], {}
            for key, value in item.items():
                field_name = COLUMNS.get(_column_key(key))
                if field_name is None:
                    warnings.append(f"{where}: '{key}' is not a client field and is ignored "
                                    f"(known: {', '.join(FIELDS)})")
                elif field_name in values:
                    warnings.append(f"{where}: '{key}' repeats '{field_name}'; the first is used")
                else:
                    values[field_name] = value
                    headings[field_name] = key
            client, error = _client(values, where, headings)
            yield RosterRow(number, line, client, error, tuple(warnings))


# -- cells to client fields ------------------------------------------------------------
def _client(values: dict[str, Any], where: str,
            headings: dict[str, str]) -> tuple[Client | None, RowError | None]:
    """A Client from a row's values by field; problems name the column as headed."""
    problems: list[str] = []
    fields: dict[str, Any] = {"source": where}
    for key, value in values.items():
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        try:
            fields[key] = _convert(key, value)
        except _Bad as bad:
            problems.append(f"{headings.get(key, key)}: {bad}")
    if not problems and not any(fields.get(k) for k in WHAT_TO_PRINT):
        problems.append("nothing to print: give a protocol, or points, stretches or tips")
    if problems:
        return None, RowError(where, "; ".join(problems))
    try:
        return check_client(Client(**fields)), None
    except HandoutError as exc:
        detail = str(exc)
        detail = detail[len(where) + 2:] if detail.startswith(where + ": ") else detail
        return None, RowError(where, detail)


class _Bad(Exception):
    """A cell that cannot be read as its field."""


def _convert(key: str, value: Any):
    if key in LIST_FIELDS:
        items = value if isinstance(value, list) else [value]
        out = []
        for item in items:
            if isinstance(item, (dict, list)) or item is None:
                raise _Bad("should be a list of ids, like BL60, GB34")
            out += [part.strip() for part in _SPLIT.split(str(item)) if part.strip()]
        return tuple(dict.fromkeys(out))
    if isinstance(value, (dict, list)):
        raise _Bad("should be a single value, not a list or a block")
    if key == "date":
        try:
            return parse_date(value, "date")
        except InputError as exc:
            raise _Bad(str(exc).split(": ", 1)[1]) from None
    if key == "large_print":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in YES:
            return True
        if text in NO:
            return False
        raise _Bad(f"'{_short(str(value))}' should be yes or no (or true/false, 1/0)")
    if key == "paper":
        sizes = {s.lower(): s for s in PAPER_SIZES}
        text = str(value).strip()
        if text.lower() not in sizes:
            raise _Bad(f"'{_short(text)}' is not one of {', '.join(PAPER_SIZES)}")
        return sizes[text.lower()]
    if key == "side":
        text = str(value).strip().lower()
        if text not in SIDES:
            raise _Bad(f"'{_short(str(value))}' is not one of {', '.join(SIDES)}")
        return text
    if isinstance(value, bool):
        raise _Bad(f"should be text, not {str(value).lower()}")
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return text.strip() if key == "notes" else " ".join(text.split())


def in_roster_words(message: str, where: str) -> str:
    """The message without its roster location, and with the API arguments that the
    library suggests (allow=['BL60']) said as the roster columns that do the same."""
    message = message[len(where) + 2:] if where and message.startswith(where + ": ") else message
    message = re.sub(r"confirm with allow=\['([^']*)'\]", r"confirm it by putting \1 in the "
                     r"row's allow column", message)
    message = re.sub(r"\b(protocol)='[^']*'", r"the \1 column", message)
    return re.sub(r"\b(" + "|".join(API_LISTS) + r")=\[[^\]]*\]", r"the \1 column", message)


def _column_key(heading: Any) -> str:
    return re.sub(r"[\s\-]+", "_", str(heading).strip().lower())


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
