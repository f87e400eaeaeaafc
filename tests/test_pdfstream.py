"""pdfstream.PdfStream, the combined file's writer: pages copied with everything they refer
to (cycles too), objects alike written once, bookmarks, and nothing of a page kept after it
is written."""

from __future__ import annotations

import gc
import io
import weakref
from pathlib import Path

import pypdf
from pypdf.generic import (
    ArrayObject, DictionaryObject, NameObject, NumberObject, TextStringObject,
)

from handout import pdfstream
from handout.pdfstream import PdfStream


def _source(path: Path, text: str, pages: int = 2) -> Path:
    """A small PDF whose first page has a link annotation pointing back at it (/P)."""
    writer = pypdf.PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(200, 100)
    from pypdf.annotations import Link

    writer.add_annotation(0, Link(rect=(10, 10, 50, 30), url="https://clinic.example"))
    writer.add_annotation(0, Link(rect=(60, 10, 90, 30), url="https://clinic.example/b"))
    for annotation in writer.pages[0]["/Annots"]:  # two references back to the page
        annotation.get_object()[NameObject("/P")] = writer.pages[0].indirect_reference
    writer.pages[0][NameObject("/Marker")] = TextStringObject(text)
    writer.add_metadata({"/Title": text})
    writer._root_object[NameObject("/Lang")] = TextStringObject("de-DE")
    with open(path, "wb") as handle:
        writer.write(handle)
    return path


def _check_cross_references(data: bytes) -> None:
    """Every entry of the table points at its own object (no number left unwritten)."""
    start = int(data.rsplit(b"startxref\n", 1)[1].split()[0])
    lines = data[start:].split(b"\n")
    assert lines[0] == b"xref"
    count = int(lines[1].split()[1])
    for number, line in enumerate(lines[3:2 + count], 1):
        offset, _, kind = line.split()
        assert kind == b"n" and data[int(offset):].startswith(b"%d 0 obj\n" % number), number


def _combined(files, marks=()) -> bytes:
    buffer = io.BytesIO()
    out = PdfStream(buffer, title="T", creator="c", producer="p")
    starts = [out.add_file(f) for f in files]
    out.blank_page(200, 100)
    for title, index in marks:
        out.bookmark(title, starts[index], [("Weekly plan", starts[index] + 1)])
    out.finish()
    _check_cross_references(buffer.getvalue())
    return buffer.getvalue()


def test_pages_annotations_and_bookmarks_survive(tmp_path):
    a, b = _source(tmp_path / "a.pdf", "A"), _source(tmp_path / "b.pdf", "B", pages=3)
    data = _combined([a, b], [("1. Ana", 0), ("2. Bo", 1)])
    reader = pypdf.PdfReader(io.BytesIO(data), strict=True)
    assert len(reader.pages) == 2 + 3 + 1
    assert [p["/Marker"] for p in (reader.pages[0], reader.pages[2])] == ["A", "B"]
    link = reader.pages[2]["/Annots"][0].get_object()
    assert link.raw_get("/P").idnum == reader.pages[2].indirect_reference.idnum  # the cycle
    assert link["/A"]["/URI"] == "https://clinic.example"
    assert [(i.title, reader.get_destination_page_number(i)) for i in reader.outline
            if not isinstance(i, list)] == [("1. Ana", 0), ("2. Bo", 2)]
    assert reader.outline[1][0].title == "Weekly plan"
    assert reader.trailer["/Root"]["/Lang"] == "de-DE"
    assert reader.pages[5].mediabox == [0, 0, 200, 100] and "/Contents" not in reader.pages[5]
    assert _combined([a, b], [("1. Ana", 0), ("2. Bo", 1)]) == data  # no time in it


def _xref_problems(data: bytes) -> list[str]:
    """Cross-reference entries in use that do not point at their own object."""
    start = int(data[data.rindex(b"startxref") + 9:].split()[0])
    lines = data[start:].split(b"\n")
    count = int(lines[1].split()[1])
    problems = []
    for number, entry in enumerate(lines[2:2 + count]):
        offset, _, kind = entry.split()
        if kind == b"n" and not data[int(offset):].startswith(b"%d 0 obj" % number):
            problems.append(f"object {number} at {int(offset)}")
    return problems


def test_a_page_met_again_through_several_annotations_is_one_object(tmp_path):
    """Two links on a page, each pointing back at it (/P): the cycle is met twice, and every
    object number in the table is written where the table says (a number reserved per meeting
    left entries pointing at byte 0: pypdf 'Ignoring wrong pointing object')."""
    writer = pypdf.PdfWriter()
    writer.add_blank_page(200, 100)
    from pypdf.annotations import Link

    for left in (10, 60):
        writer.add_annotation(0, Link(rect=(left, 10, left + 40, 30), url="https://clinic.example"))
    for annotation in writer.pages[0]["/Annots"]:
        annotation.get_object()[NameObject("/P")] = writer.pages[0].indirect_reference
    source = tmp_path / "two-links.pdf"
    with open(source, "wb") as handle:
        writer.write(handle)
    data = _combined([source, source])
    assert _xref_problems(data) == []
    reader = pypdf.PdfReader(io.BytesIO(data), strict=True)
    for page in reader.pages[:2]:
        assert {a.get_object().raw_get("/P").idnum for a in page["/Annots"]} == \
            {page.indirect_reference.idnum}


def test_objects_alike_are_written_once(tmp_path):
    a = _source(tmp_path / "a.pdf", "A")
    once = len(_combined([a]))
    twice = _combined([a, a])
    reader = pypdf.PdfReader(io.BytesIO(twice))
    assert len(reader.pages) == 5
    # the second copy adds only its pages (pages are never shared: each is its own object)
    assert len(twice) < once * 1.6
    assert len({p.indirect_reference.idnum for p in reader.pages}) == 5


def test_no_page_is_kept_once_written(tmp_path, monkeypatch):
    """What the writer holds after a file is numbers and digests: the source's objects are
    gone (so 2,000 clients take the memory of one)."""
    kept = []
    real = pdfstream.PdfReader

    def reader(handle):
        opened = real(handle)
        kept.append(weakref.ref(opened))
        return opened

    monkeypatch.setattr(pdfstream, "PdfReader", reader)
    a = _source(tmp_path / "a.pdf", "A")
    out = PdfStream(io.BytesIO(), title="T", creator="c", producer="p")
    for _ in range(3):
        out.add_file(a)
    gc.collect()
    assert len(kept) == 3 and all(ref() is None for ref in kept)
    held = [value for value in vars(out).values()
            if isinstance(value, (DictionaryObject, ArrayObject, NumberObject))]
    assert held == []
