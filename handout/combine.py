"""The combined print file of a batch: every client's PDFs in one file per paper size.

Written by pdfstream.PdfStream, page by page (pypdf reads the handouts and serialises their
objects), which
- adds a bookmark (outline item) per client, "3. Ana Ruiz", and one below it for a weekly
  plan;
- keeps the handouts' document language (/Lang), so a screen reader speaks it rightly;
- writes once the objects every handout holds alike (the embedded fonts, the logo, the
  diagram art): a combined file is several times smaller than its parts put together;
- holds only offsets and digests, never the pages: memory stays flat however many clients
  (pypdf's own writer held every page until the end, half a megabyte a client).

A roster whose rows ask for A4 and Letter writes one file per size (all-a4.pdf and
all-letter.pdf beside the all.pdf asked for): a printer fed one file of mixed sizes scales
pages or stops for paper. Each file is written through atomic_file: all of it or nothing.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError
from .files import atomic_file, write_stdout

PAPERS = {(595, 842): ("a4", "A4"), (612, 792): ("letter", "Letter")}  # points, rounded


@dataclass(frozen=True)
class Part:
    """One client in the combined file: the bookmark's title and their PDFs, in order."""

    title: str
    files: tuple[Path, ...]


@dataclass(frozen=True)
class Combined:
    path: Path | str  # '-' for standard output
    paper: str  # "A4", "Letter" or "210 x 148 mm"
    pages: int
    clients: int


def paper_of(page) -> tuple[str, str]:
    """(file-name key, label) of a page's paper, the same whichever way up it is printed."""
    width, height = sorted((round(float(page.mediabox.width)), round(float(page.mediabox.height))))
    if (width, height) in PAPERS:
        return PAPERS[(width, height)]
    mm = f"{round(width / 72 * 25.4)}x{round(height / 72 * 25.4)}mm"
    return mm, mm.replace("x", " x ").replace("mm", " mm")


def _read(source, path: Path):
    from pypdf import PdfReader

    try:
        reader = PdfReader(source)
        reader.pages[0]  # a damaged file fails here, not half-way through writing
        return reader
    except Exception as exc:  # pypdf raises many kinds for a damaged file
        raise InputError(f"combined file: cannot read {path} ({type(exc).__name__}: {exc}); "
                         f"delete it and run again with skip_existing=True") from None


def combine(parts: Sequence[Part], target: str | Path, *, duplex: bool = False,
            progress: Callable[[int, int], None] | None = None) -> list[Combined]:
    """Write the parts into one file per paper size; the files written, in order.

    With one paper size the file is `target`; with several, `target`'s name with the size
    added (all.pdf -> all-a4.pdf, all-letter.pdf). Target '-' is standard output, which
    holds one file: several sizes are refused. With duplex, a client with an odd number of
    pages is followed by a blank page, so the next starts on the front of a sheet.
    """
    groups: dict[tuple[str, str], list[Part]] = {}
    for part in parts:
        with open(part.files[0], "rb") as handle:
            paper = paper_of(_read(handle, part.files[0]).pages[0])
        groups.setdefault(paper, []).append(part)
    if str(target) == "-" and len(groups) > 1:
        raise InputError(
            "combined='-': the handouts are on " + " and ".join(label for _, label in groups)
            + " paper, and standard output holds one file; give a file name (all.pdf writes "
            + ", ".join(f"all-{key}.pdf" for key, _ in groups) + ")")
    target = target if str(target) == "-" else Path(target)
    done = [0]
    written = []
    for (key, label), members in groups.items():
        path = target if len(groups) == 1 else target.with_name(f"{target.stem}-{key}{target.suffix}")
        pages = _write(members, path, duplex, progress, done, len(parts))
        written.append(Combined(path, label, pages, len(members)))
    return written


def _write(parts: Sequence[Part], path, duplex: bool, progress, done: list[int],
           total: int) -> int:
    from . import __version__

    if str(path) == "-":
        with tempfile.TemporaryFile() as handle:  # whole, before any byte goes out
            pages = _write_into(handle, parts, duplex, progress, done, total, __version__)
            handle.seek(0)
            write_stdout(handle)
        return pages
    with atomic_file(path, what="combined file") as handle:
        return _write_into(handle, parts, duplex, progress, done, total, __version__)


def _write_into(handle, parts: Sequence[Part], duplex: bool, progress, done: list[int],
                total: int, version: str) -> int:
    from pypdf import PdfReader

    from .pdfstream import PdfStream

    out = PdfStream(handle, title="Handouts", creator=f"handout {version}",
                    producer=f"handout {version} (batch, pypdf)")
    for part in parts:
        first = len(out.pages)
        starts = []
        for file in part.files:
            try:
                starts.append(out.add_file(file))
            except Exception as exc:  # pypdf raises many kinds for a damaged file
                raise InputError(f"combined file: cannot read {file} ({type(exc).__name__}: "
                                 f"{exc}); delete it and run again with skip_existing=True") from None
        if duplex and (len(out.pages) - first) % 2:
            with open(part.files[-1], "rb") as last:
                box = PdfReader(last).pages[-1].mediabox
                out.blank_page(float(box.width), float(box.height))
        out.bookmark(part.title, starts[0], [("Weekly plan", start) for start in starts[1:]])
        done[0] += 1
        if progress:
            progress(done[0], total)
    return out.finish()
