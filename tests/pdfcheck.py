"""What a person checks in a PDF, as small helpers the tests share."""

from __future__ import annotations

import io
import re
from functools import lru_cache

import pypdfium2 as pdfium
from pypdf import PdfReader


def reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def page_texts(data: bytes) -> list[str]:
    """Each page's text as a viewer selects it (pdfium, Chrome's engine), line breaks "\n".
    pypdf's extract_text, used before, was ten times slower: a third of the CPU of the files
    that read text."""
    return list(_page_texts(data))


@lru_cache(maxsize=32)  # several tests read one fixture's PDF: extracted once
def _page_texts(data: bytes) -> tuple[str, ...]:
    document = pdfium.PdfDocument(data)
    try:
        out = []
        for page in document:
            textpage = page.get_textpage()
            out.append(textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n"))
            textpage.close()
            page.close()
        return tuple(out)
    finally:
        document.close()


def fold(value: str) -> str:
    """Runs of white space as one space: line breaks fall anywhere on a page."""
    return re.sub(r"\s+", " ", value).strip()


def text(data: bytes) -> str:
    """All the text, with runs of white space folded."""
    return fold(" ".join(page_texts(data)))


def fonts(data: bytes) -> dict[str, bool]:
    """Every font used on any page -> whether its file is embedded."""
    found = {}
    for page in reader(data).pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            embedded = bool(descriptor) and any(
                k in descriptor.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            found[str(font.get("/BaseFont"))] = embedded
    return found


def page_sizes(data: bytes) -> set[tuple[int, int]]:
    """Every page's size in points, rounded: {(595, 842)} for an all-A4 file."""
    return {tuple(round(float(v)) for v in page.mediabox[2:]) for page in reader(data).pages}


def assert_refused(result, out, folder, message: str, exit_code: int | None = 1) -> None:
    """A refused command: its exit code, the message (on one line for an error; a usage
    error, exit 2, also shows click's usage lines), and nothing written (neither the file
    nor a temporary part of it)."""
    if exit_code is None:
        assert result.exit_code != 0, result.output
    else:
        assert result.exit_code == exit_code, result.output
    assert message in result.output
    if result.exit_code == 1:
        assert len(result.output.strip().splitlines()) == 1, result.output
    assert not out.exists()
    assert not list(folder.glob(".*part"))
