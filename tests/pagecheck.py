"""The printed page, measured: type sizes, overlapping lines, ink near the edge, blank bands.

Read with pdfium (the engine of Chrome's viewer): every character's size as printed (its font
size times the scale it is drawn at, so a label inside a shrunk diagram counts as printed),
its box, and the page rendered to pixels for ink and blank space.
"""

from __future__ import annotations

import ctypes
import math
from collections import Counter
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as raw

MM = 72 / 25.4


@dataclass(frozen=True)
class Char:
    text: str
    size: float  # as printed, in points
    box: tuple[float, float, float, float]  # left, bottom, right, top, in points


@dataclass
class PageFacts:
    number: int
    width: float
    height: float
    chars: list[Char]
    text: str
    ink_near_edge_mm: float | None  # how close ink comes to an edge, if within the limit
    largest_blank_band: float | None  # the tallest run of empty rows, as a share of the height
    # (both None when measured without pixels)


def _chars(textpage) -> list[Char]:
    out = []
    count = raw.FPDFText_CountChars(textpage.raw)
    matrix = raw.FS_MATRIX()
    for index in range(count):
        code = raw.FPDFText_GetUnicode(textpage.raw, index)
        if code in (0, 0xFFFE) or chr(code).isspace():
            continue
        size = raw.FPDFText_GetFontSize(textpage.raw, index)
        if raw.FPDFText_GetMatrix(textpage.raw, index, ctypes.byref(matrix)):
            size *= math.sqrt(abs(matrix.a * matrix.d - matrix.b * matrix.c))
        left, bottom, right, top = (ctypes.c_double(), ctypes.c_double(), ctypes.c_double(),
                                    ctypes.c_double())
        raw.FPDFText_GetCharBox(textpage.raw, index, left, right, bottom, top)
        out.append(Char(chr(code), round(size, 2), (left.value, bottom.value, right.value,
                                                    top.value)))
    return out


LIGHT = bytes(range(200, 256))  # grey levels that count as paper, not ink


def _pixels(page, edge_mm: float) -> tuple[float | None, float]:
    scale = 2.0  # two pixels a point: thin rules are seen
    image = page.render(scale=scale, grayscale=True).to_pil()
    width, height = image.size
    ink = image.point(lambda v: 255 if v < 200 else 0).getbbox()
    closest = None
    if ink:
        left, top, right, bottom = ink
        gap = min(left, width - right, top, height - bottom) / scale / MM
        closest = gap if gap < edge_mm else None
    data = image.tobytes()
    run = best = 0
    for y in range(height):
        blank = not data[y * width:(y + 1) * width].translate(None, LIGHT)
        run = run + 1 if blank else 0
        best = max(best, run)
    return closest, best / height


def measure(data: bytes, edge_mm: float = 8.0, pixels: bool = True) -> list[PageFacts]:
    """Every page's facts; pixels=False leaves out the ink and blank space (rendering each
    page to pixels is half the cost) for a test that reads only the characters."""
    document = pdfium.PdfDocument(data)
    pages = []
    try:
        for number, page in enumerate(document, 1):
            textpage = page.get_textpage()
            chars = _chars(textpage)
            text = textpage.get_text_range()
            textpage.close()
            near, band = _pixels(page, edge_mm) if pixels else (None, None)
            width, height = page.get_size()
            pages.append(PageFacts(number, width, height, chars, text, near, band))
            page.close()
    finally:
        document.close()
    return pages


def body_size(pages: list[PageFacts]) -> float:
    """The size most of the text is set in."""
    sizes = Counter(c.size for p in pages for c in p.chars)
    return sizes.most_common(1)[0][0]


def smallest(pages: list[PageFacts]) -> tuple[float, str]:
    """The smallest printed size, with a few characters of the text set in it."""
    char = min((c for p in pages for c in p.chars), key=lambda c: c.size)
    near = "".join(c.text for p in pages for c in p.chars if c.size == char.size)[:40]
    return char.size, near


def overlaps(page: PageFacts, share: float = 0.25) -> list[tuple[Char, Char]]:
    """Pairs of characters whose boxes overlap by more than `share` of the smaller one:
    text printed over text (neighbours on one line touch far less)."""
    cell = 12.0
    grid: dict[tuple[int, int], list[Char]] = {}
    found = []
    for char in page.chars:
        left, bottom, right, top = char.box
        area = max(right - left, 0.01) * max(top - bottom, 0.01)
        keys = {(int(x // cell), int(y // cell)) for x in (left, right) for y in (bottom, top)}
        for key in keys:
            for other in grid.get(key, ()):
                ol, ob, orr, ot = other.box
                w = min(right, orr) - max(left, ol)
                h = min(top, ot) - max(bottom, ob)
                if w <= 0 or h <= 0:
                    continue
                other_area = max(orr - ol, 0.01) * max(ot - ob, 0.01)
                if w * h > share * min(area, other_area):
                    found.append((other, char))
        for key in keys:
            grid.setdefault(key, []).append(char)
    return list(dict.fromkeys(found))


def lines(page: PageFacts, size: float | None = None) -> list[str]:
    """The page's lines of text (of one printed size, if given): characters on one baseline,
    split where a gap wider than two em spaces parts two columns."""
    chars = [c for c in page.chars if size is None or abs(c.size - size) < 0.05]
    by_baseline: dict[float, list[Char]] = {}
    for char in chars:
        key = next((k for k in by_baseline if abs(k - char.box[1]) < char.size * 0.3),
                   char.box[1])
        by_baseline.setdefault(key, []).append(char)
    out = []
    for row in by_baseline.values():
        row.sort(key=lambda c: c.box[0])
        current = [row[0]]
        for previous, char in zip(row, row[1:]):
            if char.box[0] - previous.box[2] > 2 * char.size:
                out.append(current)
                current = []
            current.append(char)
        out.append(current)
    def joined(line: list[Char]) -> str:
        text = line[0].text
        for previous, char in zip(line, line[1:]):
            gap = char.box[0] - previous.box[2]
            text += (" " if gap > char.size * 0.15 else "") + char.text
        return text

    return [joined(line) for line in out]


def sizes_of(pages: list[PageFacts], text: str) -> set[float]:
    """The printed sizes of the characters of `text` wherever it is on these pages."""
    wanted = "".join(text.split())
    found = set()
    for page in pages:
        joined = "".join(c.text for c in page.chars)
        start = joined.find(wanted)
        while start >= 0:
            found |= {c.size for c in page.chars[start:start + len(wanted)]}
            start = joined.find(wanted, start + 1)
    return found
