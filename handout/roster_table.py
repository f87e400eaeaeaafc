"""What every roster shares, whatever its file: the columns (a client file's fields, as a
spreadsheet might head them), a row's cells turned into a Client or a located RowError, and
the Roster classes' common part (TableRoster: a header row, then a row per client). The
file formats are read in roster.py (CSV, YAML, and which format a file is), roster_xlsx.py
and roster_ods.py; this module imports none of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from . import limits
from .client import PAPER_SIZES, SIDES, Client, check_client, parse_date
from .errors import API_LISTS, HandoutError, InputError

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
            key = COLUMNS.get(column_key(heading))
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
                                    f"'{short_text(cell)}'")
                elif cell.strip() and index in self.unnamed:
                    warnings.append(f"{where}: column {index + 1} has no name, so its cell "
                                    f"'{short_text(cell)}' is ignored")
            client, error = row_client(values, where, self.headings)
            yield RosterRow(number, line, client, error, tuple(warnings))


# -- cells to client fields ------------------------------------------------------------
def row_client(values: dict[str, Any], where: str,
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
        raise _Bad(f"'{short_text(str(value))}' should be yes or no (or true/false, 1/0)")
    if key == "paper":
        sizes = {s.lower(): s for s in PAPER_SIZES}
        text = str(value).strip()
        if text.lower() not in sizes:
            raise _Bad(f"'{short_text(text)}' is not one of {', '.join(PAPER_SIZES)}")
        return sizes[text.lower()]
    if key == "side":
        text = str(value).strip().lower()
        if text not in SIDES:
            raise _Bad(f"'{short_text(str(value))}' is not one of {', '.join(SIDES)}")
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


def column_key(heading: Any) -> str:
    return re.sub(r"[\s\-]+", "_", str(heading).strip().lower())


def short_text(text: str, limit: int = 40) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
