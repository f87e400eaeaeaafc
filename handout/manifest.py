"""The batch manifest (DIR/manifest.csv): one line per roster row, what was made and why a
row failed, readable in any spreadsheet and never run by one as a formula.

A run into a folder that already has a manifest keeps the rows it holds: a second roster's
rows are added after the first's (the `roster` column tells them apart), and a row of the
same roster made again replaces its old line. A file of that name that is not a manifest
is refused, never written over.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Iterable
from pathlib import Path

from . import files, limits
from .errors import InputError
from .roster import in_roster_words

MANIFEST_COLUMNS = ("row", "line", "file", "pages", "status", "error", "notes")
PLAN_COLUMNS = ("plan_file", "plan_pages")
ROSTER_COLUMN = "roster"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    """A manifest cell a spreadsheet shows as text: never run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def write_manifest(path: Path, rows: Iterable, with_plan: bool = False,
                   roster: str = "", forget: Collection[int] = ()) -> None:
    """One line per row, written atomically, UTF-8 with a BOM so spreadsheets show accents;
    cells that would start a formula are prefixed with a quote. Rows of other rosters
    already in the file come first, as they were; then this roster's rows in roster order,
    this run's replacing earlier lines of the same row. Earlier lines of the rows in
    `forget` are dropped (their files are gone)."""
    others, mine = _earlier_rows(path, roster)
    for number in forget:
        mine.pop(str(number), None)
    with_plan = with_plan or any(old.get(c) for old in (*others, *mine.values())
                                 for c in PLAN_COLUMNS)
    columns = MANIFEST_COLUMNS + (PLAN_COLUMNS if with_plan else ()) + (ROSTER_COLUMN,)
    for row in rows:
        pages = [("" if p is None else p) for p in row.pages]
        notes = [in_roster_words(w, row.where) for w in (*row.warnings, *row.notes)]
        cells = [row.number, row.line, row.files[0] if row.files else "",
                 pages[0] if pages else "", row.status, row.error, " | ".join(notes)]
        if with_plan:
            cells += [row.files[1] if len(row.files) > 1 else "", pages[1] if len(pages) > 1 else ""]
        mine[str(row.number)] = dict(zip(columns, [_cell(c) for c in cells + [roster]]))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    ordered = sorted(mine.items(), key=lambda item: int(item[0]) if item[0].isdigit() else 0)
    for line in (*others, *(cells for _, cells in ordered)):
        writer.writerow([line.get(c) or "" for c in columns])
    files.write_atomic(buffer.getvalue().encode("utf-8-sig"), path, what="manifest")


def _earlier_rows(path: Path, roster: str) -> tuple[list[dict], dict[str, dict]]:
    """The lines of the manifest already at `path`: those of other rosters, and this
    roster's by row (an old manifest without the roster column is taken to be this
    roster's). Cells are kept as they were written (already made safe then)."""
    if not path.exists():
        return [], {}
    text = files.read_text(path, what="manifest", max_bytes=limits.ROSTER_CSV_BYTES * 2,
                           as_input=False)  # this run's own output, added to
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames or tuple(reader.fieldnames[:len(MANIFEST_COLUMNS)]) != MANIFEST_COLUMNS:
        raise InputError(f"{path}: is not a manifest this tool wrote, so it is not written "
                         f"over; move it away or write into another folder")
    others, mine = [], {}
    for old in reader:
        if (old.get(ROSTER_COLUMN) or roster) == roster:
            mine[old.get("row") or ""] = old
        else:
            others.append(old)
    return others, mine
