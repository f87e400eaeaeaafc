"""The document: page size, header and footer on every page, "Page X of Y", metadata.
(Files are written by handout.files.)
"""

from __future__ import annotations

import io
import re
from contextlib import contextmanager
from dataclasses import dataclass

from reportlab import rl_config
from reportlab.graphics import renderPDF
from reportlab.lib.pagesizes import A4, LETTER, landscape, portrait
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (
    BaseDocTemplate, Frame, NextPageTemplate, PageBreak, PageTemplate, Paragraph, Spacer,
)
from reportlab.platypus.doctemplate import LayoutError

from .. import __version__
from ..brand import LOGO_BOX_MM, LOGO_BOX_PX, Brand
from ..errors import InputError
from ..fonts import FontSet
from ..text import escape, markup
from .styles import Styles, measure_width

PAGE_SIZES = {"A4": A4, "Letter": LETTER}
EDGE_MM = 10.0  # no ink nearer the sheet's edge: office printers leave 4 to 6 mm unprinted
GAP_MM = 4.0  # between the header's rule (or the footer's) and the text area
FULL_FOOTER_SHARE = 0.12  # of the page's height: a longer footer prints once, at the end
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
    footer: str = "full"  # layout.FOOTERS: "short" names only the clinic and its phone

    @property
    def size(self):
        size = PAGE_SIZES[self.paper]
        return landscape(size) if self.orientation == "landscape" else portrait(size)

    @property
    def language(self) -> str:
        """The PDF's /Lang: English as the clinic's country writes it (en-GB, en-US ...)."""
        return f"en-{self.brand.country}" if self.brand.country else DOCUMENT_LANGUAGE

    @property
    def edges(self) -> tuple[float, float, float, float]:
        """Top, right, bottom, left, in points: the template's margins, never under EDGE_MM."""
        return tuple(max(m, EDGE_MM) * mm for m in self.margins_mm)

    @property
    def frame_width(self) -> float:
        _, right, _, left = self.edges
        return self.size[0] - left - right

    @property
    def frame_height(self) -> float:
        return frame_box(self, furniture(self))[3]


@dataclass(frozen=True)
class Furniture:
    """The header's and footer's pieces, measured once per part of a document."""

    logo_size: tuple[float, float]  # width, height; (0, 0) without a logo
    clinic: Paragraph | None
    tagline: Paragraph | None
    title: Paragraph
    header_height: float
    footer: list  # (paragraph, height), top down
    footer_height: float
    number_size: float
    closing: tuple = ()  # the contact block and disclaimer, when too long for every page


def _fitted(text: str, fonts: FontSet, styles: Styles, width: float, size: float,
            floor: float, lines: int, *, bold: bool = False, colour=None) -> Paragraph:
    """A paragraph at `size`, shrunk step by step to `floor` until it takes at most `lines`
    lines in `width`; at the floor it wraps onto as many lines as it needs."""
    while True:
        paragraph = Paragraph(markup(text, fonts, bold=bold),
                              _header_style(styles, size, colour))
        _, height = paragraph.wrap(width, 1000)
        if height <= lines * size * 1.2 + 0.1 or size <= floor:
            return paragraph
        size = max(floor, size - 0.5)


def furniture(page: Page) -> Furniture:
    """Measure the header and the footer for this page: the text area is what they leave."""
    brand, fonts, styles = page.brand, page.fonts, page.styles
    large = styles.scale > 1
    floor = styles["footer"].fontSize
    _, right, _, left = page.edges
    width = page.size[0] - left - right
    logo_w = logo_h = 0.0
    if brand.logo:
        logo_h = (LOGO_BOX_MM[1] if large else 11) * mm
        logo_w = min(logo_h * brand.logo.aspect, LOGO_BOX_MM[0] * mm)
        logo_h = logo_w / brand.logo.aspect
    title = _fitted(page.title, fonts, styles, width * 0.3, 14 if large else 11, floor, 2,
                    colour=styles.primary)
    title.style.alignment = 2  # to the right
    title_w = min(width * 0.3, max(title.getActualLineWidths0() or [0]) + 1)
    words_w = width - (logo_w + 4 * mm if logo_w else 0) - title_w - 4 * mm
    clinic = tagline = None
    height = 0.0
    if brand.clinic_name:
        clinic = _fitted(brand.clinic_name, fonts, styles, words_w, 16 if large else 13.5,
                         floor, 1, bold=True, colour=styles.primary)
        height += clinic.wrap(words_w, 1000)[1]
    if brand.tagline:
        tagline = _fitted(brand.tagline, fonts, styles, words_w, 14 if large else 10.5,
                          floor, 1)
        height += tagline.wrap(words_w, 1000)[1] + 0.5 * mm
    title_h = title.wrap(title_w, 1000)[1]
    header_height = max(logo_h, height, title_h)
    number_size = floor
    number_w = stringWidth("Page 99 of 99", fonts.main.bold, number_size) + 4 * mm
    short = "  ·  ".join(x for x in (markup(brand.clinic_name, fonts, bold=True),
                                     contact_markup(brand, fonts, phone_only=True)) if x)
    disclaimer = markup(page.disclaimer, fonts) if page.disclaimer else ""
    # A sheet cut up into cards ("short"): each card names the clinic and its phone, and the
    # address, web and hours would take the room of the cards' pictures. Without a phone
    # the web address or e-mail is the way to reach the clinic: the whole line stays.
    cut_up = page.footer == "short" and bool(brand.phone)
    texts = [short if cut_up else contact_markup(brand, fonts), disclaimer]
    footer, footer_height = _footer(texts, styles, width, number_w, number_size)
    closing = ()
    if footer_height > FULL_FOOTER_SHARE * page.size[1]:
        # Too long for every page (a long brand, large print): each page names the clinic
        # and its phone; the whole contact block and the disclaimer close the document.
        footer, footer_height = _footer([short], styles, width, number_w, number_size)
        closing = _closing([disclaimer] if cut_up else texts, styles, width)
    return Furniture((logo_w, logo_h), clinic, tagline, title, header_height, footer,
                     footer_height, number_size, closing)


def _closing(texts: list[str], styles: Styles, width: float) -> tuple:
    """The contact block and the disclaimer closing the document, at the running text's
    measure: in two balanced columns where the page holds two such columns (a landscape
    plan), so they fill its width instead of running on down a narrow column onto a sheet
    of their own; the columns split across pages like any text."""
    from reportlab.platypus.flowables import BalancedColumns

    measure = measure_width(styles["body"].fontSize)
    texts = [t for t in texts if t]
    gap = 8 * mm
    if width >= 1.6 * measure + gap:
        first = ParagraphStyle("closing", parent=styles["body"], rightIndent=0, spaceAfter=0)
        then = ParagraphStyle("closing-then", parent=first, spaceBefore=first.leading * 0.6)
        paragraphs = [Paragraph(t, then if i else first) for i, t in enumerate(texts)]
        return (BalancedColumns(paragraphs, nCols=2, innerPadding=gap,
                                leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0),)
    style = ParagraphStyle("closing", parent=styles["body"], rightIndent=max(0.0, width - measure))
    return tuple(Paragraph(t, style) for t in texts)


def _footer(texts: list[str], styles: Styles, width: float, number_w: float,
            number_size: float) -> tuple[list, float]:
    """The footer's paragraphs (the first beside the page number) and their height."""
    footer, height = [], 0.0
    for words in texts:
        if words:
            room = width - number_w if not footer else width
            paragraph = Paragraph(words, styles["footer"])
            h = paragraph.wrap(room, 1000)[1]
            footer.append((paragraph, h))
            height += h + 0.8 * mm
    return footer, max(height, number_size * 1.25)


def contact_markup(brand: Brand, fonts: FontSet, *, phone_only: bool = False) -> str:
    """The footer's contact line as markup: the phone, web address and e-mail as links (a
    PDF read on a phone dials or opens them), then the brand's footer text."""
    def link(text: str, target: str) -> str:
        return f'<a href="{escape(target, {chr(34): "&quot;"})}">{markup(text, fonts)}</a>'

    pieces = [markup(brand.address, fonts)] if brand.address and not phone_only else []
    if brand.phone:
        pieces.append(link(brand.phone, "tel:" + re.sub(r"[^0-9+]", "", brand.phone)))
    if phone_only:
        return "  ·  ".join(pieces)
    if brand.web:
        target = brand.web if re.match(r"^https?://", brand.web) else "https://" + brand.web
        pieces.append(link(brand.web, target))
    if brand.email:
        pieces.append(link(brand.email, "mailto:" + brand.email))
    if brand.footer:
        pieces.append(markup(brand.footer, fonts))
    return "  ·  ".join(pieces)


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
                _draw_page_number(self, *self.__dict__.get("handout_page", (page, None)),
                                  self._pageNumber, total)
                super().showPage()
            super().save()

    return NumberedCanvas


def _draw_page_number(canvas, page: Page, parts, number: int, total: int) -> None:
    parts = parts or furniture(page)
    width, _ = page.size
    _, right, bottom, _ = page.edges
    canvas.saveState()
    canvas.setFont(page.fonts.main.bold, parts.number_size)
    y = bottom + parts.footer_height - parts.number_size
    canvas.drawRightString(width - right, y, f"Page {number} of {total}")
    canvas.restoreState()


def _draw_header_footer(canvas, doc, page: Page, parts: Furniture) -> None:
    # Kept with the page's state for its "Page X of Y", drawn when the count is known.
    canvas.handout_page = (page, parts)
    width, height = page.size
    top, right, bottom, left = page.edges
    brand, styles = page.brand, page.styles
    canvas.saveState()
    # Header: logo, then the clinic's name over its tagline, the sheet's title on the right,
    # a rule below; every piece measured (furniture), so a long name wraps, never overprints.
    header_bottom = height - top - parts.header_height
    x = left
    logo_w, logo_h = parts.logo_size
    if brand.logo:
        _draw_logo(canvas, brand.logo, x, header_bottom + (parts.header_height - logo_h) / 2,
                   logo_w, logo_h, page.fonts.main.regular)
        x += logo_w + 4 * mm
    y = height - top
    for paragraph in (parts.clinic, parts.tagline):
        if paragraph is not None:
            y -= paragraph.height
            paragraph.drawOn(canvas, x, y)
            y -= 0.5 * mm
    parts.title.drawOn(canvas, width - right - parts.title.width, header_bottom)
    canvas.setStrokeColor(styles.primary)
    canvas.setLineWidth(1.5)
    rule = header_bottom - 1.5 * mm
    canvas.line(left, rule, width - right, rule)
    # Footer, top down under a rule: contact line and footer text (beside the page number,
    # drawn later), then the disclaimer.
    y = bottom + parts.footer_height
    canvas.setLineWidth(0.6)
    canvas.line(left, y + 1.5 * mm, width - right, y + 1.5 * mm)
    for paragraph, h in parts.footer:
        y -= h
        paragraph.drawOn(canvas, left, y)
        y -= 0.8 * mm
    canvas.restoreState()


LOGO_FORM = "handout-logo"


def _draw_logo(canvas, logo, x, y, width, height, font: str) -> None:
    """The logo, drawn once per document as a form and placed on every page from it: an SVG
    is parsed once, and the PDF holds its drawing commands once."""
    if not canvas.hasForm(LOGO_FORM):
        canvas.saveState()
        canvas.beginForm(LOGO_FORM, lowerx=0, lowery=0, upperx=width, uppery=height)
        if logo.kind == "svg":
            from .vector import checked_drawing, load_svg

            if logo.data:  # checked by brand.load_logo
                drawing = checked_drawing(logo.data, logo.path, what="logo")
            else:  # a Logo a Python caller made with a path only: through the same gate
                drawing = load_svg(logo.path, what="logo", box=LOGO_BOX_PX)[1]
            factor = width / drawing.width
            drawing.scale(factor, factor)
            drawing.width, drawing.height = width, drawing.height * factor
            drawing.initialFontName = font  # not Helvetica, which is never embedded
            # A picture inside the SVG is drawn inline; inside a form its data must be text
            # (ASCII85), or the form's code mixes bytes into its lines.
            before, rl_config.useA85 = rl_config.useA85, 1
            try:
                renderPDF.draw(drawing, canvas, 0, 0)
            finally:
                rl_config.useA85 = before
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
    return ParagraphStyle("header", parent=styles["body"], fontSize=size, leading=size * 1.2,
                          textColor=colour or styles["body"].textColor, spaceBefore=0,
                          spaceAfter=0, rightIndent=0)


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
    closing = furniture(parts[-1][1]).closing
    if closing:
        story += [Spacer(1, 6 * mm), *closing]
    doc = BaseDocTemplate(
        buffer,
        pagesize=page.size,
        title=page.title,
        author=page.brand.clinic_name or "handout",
        subject="Self-care handout",
        creator=f"handout {__version__}",
        producer=f"handout {__version__} (ReportLab)",
        keywords="",
        lang=page.language,
        invariant=1 if reproducible else 0,
        # Otherwise every page names Helvetica, a font that is never embedded.
        initialFontName=page.fonts.main.regular,
    )
    doc.addPageTemplates(templates)
    try:
        with binary_streams():
            doc.build(story, canvasmaker=_numbered_canvas(page))
    except LayoutError as exc:
        # Something cannot be placed on any page (a template's type sizes or margins, a
        # huge picture): say so in one line rather than with ReportLab's traceback.
        first = str(exc).strip().splitlines()[0]
        raise InputError(f"the page layout failed: {first}; try smaller type, margins or "
                         "pictures in the template") from None
    return buffer.getvalue()


@contextmanager
def binary_streams():
    """The PDF's streams compressed and stored as bytes, not also written out in ASCII85
    (ReportLab's default, which adds a quarter to every stream: 12 % of a handout)."""
    before = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = before


def frame_box(page: Page, parts: Furniture) -> tuple[float, float, float, float]:
    """(x, y, width, height) of the text area: what the header and footer leave."""
    top, right, bottom, left = page.edges
    width, height = page.size
    frame_top = top + parts.header_height + 1.5 * mm + GAP_MM * mm
    frame_bottom = bottom + parts.footer_height + 1.5 * mm + GAP_MM * mm
    if height - frame_top - frame_bottom < height * 0.5:
        raise InputError("the brand's header and footer leave less than half the page for "
                         "the text: shorten the clinic name, tagline, contact lines, footer "
                         "or disclaimer")
    return left, frame_bottom, width - left - right, height - frame_top - frame_bottom


def _page_template(template_id: str, page: Page) -> PageTemplate:
    parts = furniture(page)
    x, y, width, height = frame_box(page, parts)
    frame = Frame(x, y, width, height, id=f"{template_id}-body",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    return PageTemplate(id=template_id, frames=[frame], pagesize=page.size,
                        onPage=lambda canvas, d: _draw_header_footer(canvas, d, page, parts))
