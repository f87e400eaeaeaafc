"""A PDF written page by page into an open file, holding only what the end of the file needs
(the byte offset of each object, a digest per object written, the page numbers and the
bookmarks), never the pages: the combined batch file of 2,000 clients takes the memory of
one client's file.

pypdf's own writer keeps every page it is given until it writes the file (half a megabyte a
client). Here pypdf only reads (PdfReader) and serialises objects (write_to_stream), both
public API: each source file's objects reachable from its pages are written at once, with
their references renumbered, and the source is closed. An object already written byte for
byte (an embedded font, the logo, a picture every handout holds alike) is written once and
referred to from then on. The catalogue, the page tree, the bookmarks (one per client, one
below it per further file), the document language (/Lang) and the cross-reference table
come last.

    with open("all.pdf", "wb") as handle:
        out = PdfStream(handle, title="Handouts", creator="handout 1.0")
        first = out.add_file(Path("003-ana-ruiz.pdf"))   # its pages; the new first page
        out.blank_page(595.28, 841.89)                   # duplex padding
        out.bookmark("3. Ana Ruiz", first)
        out.finish()
"""

from __future__ import annotations

import hashlib
import io
from array import array
from pathlib import Path

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject, DictionaryObject, FloatObject, IndirectObject, NameObject, PdfObject,
    TextStringObject, create_string_object,
)

HEADER = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"


class _Written(IndirectObject):
    """A reference already renumbered into the output (never read back)."""


def _serialised(value: PdfObject) -> bytes:
    buffer = io.BytesIO()
    value.write_to_stream(buffer)
    return buffer.getvalue()


class PdfStream:
    def __init__(self, handle, *, title: str, creator: str, producer: str):
        self.handle = handle
        self.position = 0
        self.digest = hashlib.md5(usedforsecurity=False)  # for the file's /ID only
        self.offsets = array("q", [0, 0, 0])  # object number -> byte offset; 1, 2 reserved
        self.known: dict[bytes, int] = {}  # digest of an object written -> its number
        self.pages = array("q")  # the page objects, in order
        self.marks: list[tuple[str, int, list[tuple[str, int]]]] = []
        self.info = (title, creator, producer)
        self.language: str | None = None
        self._emit(HEADER)

    # -- writing objects -------------------------------------------------------------------
    def _emit(self, data: bytes) -> None:
        self.handle.write(data)
        self.digest.update(data)
        self.position += len(data)

    def _reserve(self) -> int:
        self.offsets.append(0)
        return len(self.offsets) - 1

    def _put(self, number: int, body: bytes) -> int:
        self.offsets[number] = self.position
        self._emit(b"%d 0 obj\n" % number + body + b"\nendobj\n")
        return number

    def _put_once(self, body: bytes) -> int:
        """An object the file may hold once, whoever refers to it."""
        key = hashlib.blake2b(body, digest_size=16).digest()
        number = self.known.get(key)
        if number is None:
            number = self.known[key] = self._put(self._reserve(), body)
        return number

    # -- pages ------------------------------------------------------------------------------
    def add_file(self, path: Path) -> int:
        """Every page of the PDF at `path`, after those already added; the number (from 0)
        of its first page in the output. Raises what PdfReader raises for a bad file."""
        first = len(self.pages)
        with open(path, "rb") as handle:
            reader = PdfReader(handle)
            if self.language is None:
                language = reader.trailer["/Root"].get("/Lang")
                self.language = str(language) if language else None
            _Copy(self, reader).pages()
        return first

    def blank_page(self, width: float, height: float) -> int:
        page = DictionaryObject({
            NameObject("/Type"): NameObject("/Page"),
            NameObject("/Parent"): _Written(2, 0, None),
            NameObject("/MediaBox"): ArrayObject([FloatObject(0), FloatObject(0),
                                                  FloatObject(width), FloatObject(height)]),
            NameObject("/Resources"): DictionaryObject(),
        })
        self.pages.append(self._put(self._reserve(), _serialised(page)))
        return len(self.pages) - 1

    def bookmark(self, title: str, page: int, under: list[tuple[str, int]] = ()) -> None:
        """A bookmark opening page `page` (from 0), with bookmarks (title, page) below it."""
        self.marks.append((title, page, list(under)))

    # -- the end of the file -----------------------------------------------------------------
    def finish(self) -> int:
        """The page tree, bookmarks, catalogue, cross-references; the number of pages."""
        kids = b" ".join(b"%d 0 R" % n for n in self.pages)
        self._put(2, b"<< /Type /Pages /Count %d /Kids [%s] >>" % (len(self.pages), kids))
        outlines = self._outlines()
        catalog = b"<< /Type /Catalog /Pages 2 0 R"
        if outlines:
            catalog += b" /Outlines %d 0 R /PageMode /UseOutlines" % outlines
        if self.language:
            catalog += b" /Lang " + _serialised(create_string_object(self.language))
        self._put(1, catalog + b" >>")
        title, creator, producer = (_serialised(TextStringObject(t)) for t in self.info)
        info = self._put(self._reserve(),
                         b"<< /Title %s /Creator %s /Producer %s >>" % (title, creator, producer))
        start = self.position
        identity = self.digest.hexdigest().encode()
        lines = [b"xref\n0 %d\n0000000000 65535 f \n" % len(self.offsets)]
        lines += [b"%010d 00000 n \n" % offset for offset in self.offsets[1:]]
        self._emit(b"".join(lines))
        self._emit(b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R /ID [<%s> <%s>] >>\n"
                   b"startxref\n%d\n%%%%EOF\n" % (len(self.offsets), info, identity, identity,
                                                   start))
        return len(self.pages)

    def _outlines(self) -> int | None:
        if not self.marks:
            return None
        root = self._reserve()
        numbers = [self._reserve() for _ in self.marks]
        visible = 0
        for index, (title, page, under) in enumerate(self.marks):
            children = [self._reserve() for _ in under]
            for position, (child, (child_title, child_page)) in enumerate(zip(children, under)):
                self._put(child, self._item(child_title, child_page, numbers[index],
                                            children, position))
            entry = self._item(title, page, root, numbers, index)
            if children:
                entry = entry[:-2] + b"/First %d 0 R /Last %d 0 R /Count %d >>" % (
                    children[0], children[-1], len(children))
            self._put(numbers[index], entry)
            visible += 1 + len(children)
        self._put(root, b"<< /Type /Outlines /First %d 0 R /Last %d 0 R /Count %d >>"
                  % (numbers[0], numbers[-1], visible))
        return root

    def _item(self, title: str, page: int, parent: int, siblings: list[int], index: int) -> bytes:
        entry = b"<< /Title %s /Parent %d 0 R /Dest [%d 0 R /Fit] " % (
            _serialised(TextStringObject(title)), parent, self.pages[page])
        if index:
            entry += b"/Prev %d 0 R " % siblings[index - 1]
        if index + 1 < len(siblings):
            entry += b"/Next %d 0 R " % siblings[index + 1]
        return entry + b">>"


class _Copy:
    """One source file's pages and everything they refer to, written into a PdfStream."""

    def __init__(self, out: PdfStream, reader: PdfReader):
        self.out = out
        self.reader = reader
        self.done: dict[int, int] = {}  # source object number -> output number
        self.open: set[int] = set()  # being written (a reference back to one is a cycle)
        self.early: dict[int, int] = {}  # numbers given ahead, to objects in a cycle

    def pages(self) -> None:
        for page in self.reader.pages:  # pypdf has copied inherited attributes onto each page
            page[NameObject("/Parent")] = _Written(2, 0, None)
            for key in ("/B", "/StructParents"):  # threads and tags point outside the page
                page.pop(key, None)
            self.out.pages.append(self._object(page.indirect_reference, once=False))

    def _object(self, reference: IndirectObject, once: bool = True) -> int:
        source = reference.idnum
        if source in self.done:
            return self.done[source]
        if source in self.open:  # a cycle (an annotation's /P back to its page)
            if source not in self.early:  # one number however often it is met
                self.early[source] = self.out._reserve()
            return self.early[source]
        self.open.add(source)
        value = reference.get_object()
        self._renumber(value)
        body = _serialised(value)
        self.open.discard(source)
        if source in self.early:
            number = self.out._put(self.early.pop(source), body)
        elif once:
            number = self.out._put_once(body)
        else:
            number = self.out._put(self.out._reserve(), body)
        self.done[source] = number
        return number

    def _renumber(self, value: PdfObject) -> None:
        """Point the references inside `value` (a dictionary, stream or array, changed in
        place) at the output's objects, writing those first."""
        if isinstance(value, DictionaryObject):  # a stream too
            for key in list(value.keys()):
                value[NameObject(key)] = self._inner(value.raw_get(key))
        elif isinstance(value, ArrayObject):
            for index, item in enumerate(value):
                value[index] = self._inner(item)

    def _inner(self, item: PdfObject) -> PdfObject:
        if isinstance(item, _Written):
            return item
        if isinstance(item, IndirectObject):
            return _Written(self._object(item), 0, None)
        if isinstance(item, (DictionaryObject, ArrayObject)):
            self._renumber(item)
        return item
