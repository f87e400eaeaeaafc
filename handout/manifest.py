"""The batch manifest (DIR/manifest.csv): one line per roster row of the run, what was made
and why a row failed, readable in any spreadsheet and never run by one as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

from .files import write_atomic
from .roster import in_roster_words

MANIFEST_COLUMNS = ("row", "line", "file", "pages", "status", "error", "notes")
PLAN_COLUMNS = ("plan_file", "plan_pages")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    """A manifest cell a spreadsheet shows as text: never run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def write_manifest(path: Path, rows: Iterable, with_plan: bool = False) -> None:
    """One line per row (roster order), written atomically, UTF-8 with a BOM so spreadsheets
    show accents; cells that would start a formula are prefixed with a quote."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(MANIFEST_COLUMNS + (PLAN_COLUMNS if with_plan else ()))
    for row in rows:
        pages = [("" if p is None else p) for p in row.pages]
        notes = [in_roster_words(w, row.where) for w in (*row.warnings, *row.notes)]
        cells = [row.number, row.line, row.files[0] if row.files else "",
                 pages[0] if pages else "", row.status, row.error, " | ".join(notes)]
        if with_plan:
            cells += [row.files[1] if len(row.files) > 1 else "", pages[1] if len(pages) > 1 else ""]
        writer.writerow([_cell(c) for c in cells])
    write_atomic(buffer.getvalue().encode("utf-8-sig"), path)
