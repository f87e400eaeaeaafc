"""The document: page size, header and footer on every page, "Page X of Y", metadata, and
writing the file atomically.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from reportlab.graphics import renderPDF
from reportlab.lib.pagesizes import A4, LETTER, landscape, portrait
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (
    BaseDocTemplate, Frame, NextPageTemplate, PageBreak, PageTemplate, Paragraph,
)
from reportlab.platypus.doctemplate import LayoutError

from .. import __version__
from ..brand import Brand
from ..errors import InputError
from ..fonts import FontSet
from ..text import markup
from .styles import Styles

PAGE_SIZES = {"A4": A4, "Letter": LETTER}
HEADER_MM = 17
DOCUMENT_LANGUAGE = "en-GB"


@dataclass(frozen=True)
class Page:
    """Everything drawn around the content of each page."""

    brand: Brand
    fonts: FontSet
    styles: Styles
    title: str  # PDF title, and the header's right-hand words: never client data
    paper: str
    orientation: str
    margins_mm: tuple[float, float, float, float]
    disclaimer: str

    @property
    def size(self):
        size = PAGE_SIZES[self.paper]
        return landscape(size) if self.orientation == "landscape" else portrait(size)

    @property
    def frame_width(self) -> float:
        top, right, bottom, left = self.margins_mm
        return self.size[0] - (left + right) * mm


def _numbered_canvas(page: Page):
    """A canvas that holds pages back until it knows the count, for "Page X of Y"."""

    class NumberedCanvas(rl_canvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._saved_pages = []

        def showPage(self):
            self._saved_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._saved_pages)
            for state in self._saved_pages:
                self.__dict__.update(state)
                _draw_page_number(self, self.__dict__.get("handout_page", page),
                                  self._pageNumber, total)
                super().showPage()
            super().save()

    return NumberedCanvas


def _draw_page_number(canvas, page: Page, number: int, total: int) -> None:
    width, _ = page.size
    _, right, bottom, _ = page.margins_mm
    canvas.saveState()
    canvas.setFont(page.fonts.main.bold, 9.5)
    canvas.drawRightString(width - right * mm, bottom * mm - 7 * mm, f"Page {number} of {total}")
    canvas.restoreState()


def _draw_header_footer(canvas, doc, page: Page) -> None:
    canvas.handout_page = page  # kept with the page's state for its "Page X of Y" later
    width, height = page.size
    top, right, bottom, left = page.margins_mm
    brand, fonts, styles = page.brand, page.fonts, page.styles
    canvas.saveState()
    # Header: logo and clinic name on the left, the sheet's title on the right, a rule below.
    band_top = height - 7 * mm
    band_bottom = height - (7 + HEADER_MM - 4) * mm
    x = left * mm
    if brand.logo:
        logo_h = 11 * mm
        logo_w = min(logo_h * brand.logo.aspect, 45 * mm)
        logo_h = logo_w / brand.logo.aspect
        y = band_bottom + (band_top - band_bottom - logo_h) / 2
        _draw_logo(canvas, brand.logo, x, y, logo_w, logo_h, fonts.main.regular)
        x += logo_w + 4 * mm
    clinic, tagline, footer_lines = _furniture(doc, page, width)
    if clinic:
        clinic.drawOn(canvas, x, band_bottom + (band_top - band_bottom) / 2 - 1)
    if tagline:
        tagline.drawOn(canvas, x, band_bottom + 1)
    canvas.setFont(fonts.main.regular, 10 * (1.15 if styles.scale > 1 else 1))
    canvas.setFillColor(styles.primary)
    canvas.drawRightString(width - right * mm, band_bottom + 2, page.title)
    canvas.setStrokeColor(styles.primary)
    canvas.setLineWidth(1.5)
    canvas.line(left * mm, band_bottom - 2 * mm, width - right * mm, band_bottom - 2 * mm)
    # Footer, top down under a rule: contact line and footer text (beside the page number,
    # drawn later), then the disclaimer. Each is measured, so a wrapped line never overlaps.
    rule_y = bottom * mm - 2.5 * mm
    canvas.setLineWidth(0.6)
    canvas.line(left * mm, rule_y, width - right * mm, rule_y)
    y = rule_y - 1.2 * mm
    for paragraph, h in footer_lines:
        y -= h
        paragraph.drawOn(canvas, left * mm, max(y, 2 * mm))
    canvas.restoreState()


def _furniture(doc, page: Page, width: float):
    """The header's and footer's paragraphs, wrapped once per document and part, then drawn
    on every page: (clinic name, tagline, [(footer paragraph, height), ...])."""
    cache = doc.__dict__.setdefault("_handout_furniture", {})
    if id(page) in cache:
        return cache[id(page)]
    brand, fonts, styles = page.brand, page.fonts, page.styles
    _, right, _, left = page.margins_mm
    clinic = tagline = None
    if brand.clinic_name:
        size = 12.5 * (1.15 if styles.scale > 1 else 1)
        clinic = Paragraph(markup(brand.clinic_name, fonts, bold=True),
                           _header_style(styles, size, styles.primary))
        clinic.wrap(width / 2, 20 * mm)
    if brand.tagline:
        tagline = Paragraph(markup(brand.tagline, fonts), _header_style(styles, 9, None))
        tagline.wrap(width / 2, 10 * mm)
    full_width = width - (left + right) * mm
    lines = []
    text = "  ·  ".join(s for s in (brand.contact_line, brand.footer) if s)
    for words, room in ((text, full_width - 30 * mm), (page.disclaimer, full_width)):
        if words:
            paragraph = Paragraph(markup(words, fonts), styles["footer"])
            lines.append((paragraph, paragraph.wrap(room, 20 * mm)[1]))
    cache[id(page)] = (clinic, tagline, lines)
    return cache[id(page)]


LOGO_FORM = "handout-logo"


def _draw_logo(canvas, logo, x, y, width, height, font: str) -> None:
    """The logo, drawn once per document as a form and placed on every page from it: an SVG
    is parsed once, and the PDF holds its drawing commands once."""
    if not canvas.hasForm(LOGO_FORM):
        canvas.saveState()
        canvas.beginForm(LOGO_FORM, lowerx=0, lowery=0, upperx=width, uppery=height)
        if logo.kind == "svg":
            from .vector import load_svg

            drawing = load_svg(logo.path, what="logo")
            factor = width / drawing.width
            drawing.scale(factor, factor)
            drawing.width, drawing.height = width, drawing.height * factor
            drawing.initialFontName = font  # not Helvetica, which is never embedded
            renderPDF.draw(drawing, canvas, 0, 0)
        else:
            canvas.drawImage(ImageReader(io.BytesIO(logo.data)), 0, 0, width, height,
                             mask="auto")
        canvas.endForm()
        canvas.restoreState()
    canvas.saveState()
    canvas.translate(x, y)
    canvas.doForm(LOGO_FORM)
    canvas.restoreState()


def _header_style(styles: Styles, size: float, colour):
    from reportlab.lib.styles import ParagraphStyle

    return ParagraphStyle("header", parent=styles["body"], fontSize=size, leading=size * 1.2,
                          textColor=colour or styles["body"].textColor, spaceAfter=0)


def build_pdf(flowables: list, page: Page, *, reproducible: bool = False,
              more: tuple[tuple[list, Page], ...] = ()) -> bytes:
    """Lay the flowables out on branded pages and return the PDF's bytes.

    `more` appends further parts, each with its own Page (say, a landscape weekly plan
    after a portrait handout); each part starts on a new page, and "Page X of Y" counts all.
    """
    buffer = io.BytesIO()
    parts = [(flowables, page), *more]
    templates, story = [], []
    for index, (part_flowables, part_page) in enumerate(parts):
        template_id = f"part{index}"
        templates.append(_page_template(template_id, part_page))
        if index:
            story += [NextPageTemplate(template_id), PageBreak()]
        story += part_flowables
    doc = BaseDocTemplate(
        buffer,
        pagesize=page.size,
        title=page.title,
        author=page.brand.clinic_name or "handout",
        subject="Self-care handout",
        creator=f"handout {__version__}",
        producer=f"handout {__version__} (ReportLab)",
        keywords="",
        lang=DOCUMENT_LANGUAGE,
        invariant=1 if reproducible else 0,
        # Otherwise every page names Helvetica, a font that is never embedded.
        initialFontName=page.fonts.main.regular,
    )
    doc.addPageTemplates(templates)
    try:
        doc.build(story, canvasmaker=_numbered_canvas(page))
    except LayoutError as exc:
        # Something cannot be placed on any page (a template's type sizes or margins, a
        # huge picture): say so in one line rather than with ReportLab's traceback.
        first = str(exc).strip().splitlines()[0]
        raise InputError(f"the page layout failed: {first}; try smaller type, margins or "
                         "pictures in the template") from None
    return buffer.getvalue()


def _page_template(template_id: str, page: Page) -> PageTemplate:
    top, right, bottom, left = page.margins_mm
    width, height = page.size
    frame_top = (top + HEADER_MM - 6) * mm
    frame_bottom = (bottom + 4) * mm
    frame = Frame(left * mm, frame_bottom, width - (left + right) * mm,
                  height - frame_top - frame_bottom, id=f"{template_id}-body",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    return PageTemplate(id=template_id, frames=[frame], pagesize=page.size,
                        onPage=lambda canvas, d: _draw_header_footer(canvas, d, page))


@contextmanager
def atomic_file(target: str | Path):
    """A binary file handle whose content appears at `target` only when the block ends
    without error: written to a temporary file beside it, synced, then renamed. A failure
    or Ctrl-C leaves no half-written file, and an existing target untouched."""
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomic(data: bytes, target: str | Path) -> None:
    """Write bytes to target ('-' is stdout) through atomic_file."""
    if str(target) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    with atomic_file(target) as handle:
        handle.write(data)
