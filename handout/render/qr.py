"""A QR code to an item's companion page, with its short address beside it for those who
type (`site_url:` in the brand; none without it). ReportLab's own vector QR widget; the
code holds the page's address only, never anything about the client.

Modules are MODULE wide (at least MIN_MODULE, about what a phone reads from paper), with
the standard quiet zone of QUIET modules round the code.
"""

from __future__ import annotations

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph

from ..site.addresses import page_url, short_address
from ..text import markup

MODULE = 0.45 * mm
MIN_MODULE = 0.4 * mm
QUIET = 4  # modules of white round the code
GAP = 2 * mm  # between the code and its address
LEVEL = "M"  # error correction: 15 % of the code may be smudged
LABEL = "Online:"  # over the address; the page has the pictures and a timer


def qr_drawing(url: str, module: float = MODULE) -> Drawing:
    """The code for `url` as a vector drawing, quiet zone included."""
    widget = QrCodeWidget(url, barLevel=LEVEL, barBorder=QUIET)
    widget.qr.make()
    side = (widget.qr.getModuleCount() + 2 * QUIET) * max(module, MIN_MODULE)
    widget.barWidth = widget.barHeight = side
    drawing = Drawing(side, side)
    drawing.add(widget)
    return drawing


def address_lines(address: str, font: str, size: float, width: float) -> list[str]:
    """The address broken after a '/' or '.' where a line is full (never inside a word)."""
    pieces, piece = [], ""
    for char in address:
        piece += char
        if char in "/.-":
            pieces.append(piece)
            piece = ""
    if piece:
        pieces.append(piece)
    lines = [""]
    for piece in pieces:
        if lines[-1] and stringWidth(lines[-1] + piece, font, size) > width:
            lines.append(piece)
        else:
            lines[-1] += piece
    return lines


class PageCode(Flowable):
    """The QR code with 'Online:' and the short address beside it."""

    def __init__(self, ctx, url: str, style=None):
        super().__init__()
        self.ctx, self.url, self.style = ctx, url, style or ctx.styles["small"]
        self.code = qr_drawing(url)

    def _paragraph(self, width: float) -> Paragraph:
        style = self.style
        lines = address_lines(short_address(self.url), style.fontName, style.fontSize, width)
        text = "<br/>".join(markup(line, self.ctx.fonts) for line in lines)
        return Paragraph(f"<b>{markup(LABEL, self.ctx.fonts)}</b><br/>{text}", style)

    def wrap(self, available_width, available_height):
        side = self.code.width
        words_w = max(available_width - side - GAP, 20 * mm)
        self._words = self._paragraph(words_w)
        _, words_h = self._words.wrap(words_w, 10_000)
        self.width = available_width
        self.height = max(side, words_h)
        return self.width, self.height

    def draw(self):
        side = self.code.width
        self.code.drawOn(self.canv, 0, self.height - side)
        self._words.drawOn(self.canv, side + GAP, self.height - self._words.height)


def with_code(ctx, item, figure, width: float, figure_for):
    """(the picture with the code to the item's page under it, and figure_for(height) for
    it drawn at most that tall); unchanged when the brand has no site_url."""
    code = page_code(ctx, item)
    if code is None:
        return figure, figure_for
    room = code.wrap(width, 10_000)[1] + CODE_GAP
    return (WithCode(figure, code),
            lambda height: WithCode(figure_for(max(height - room, 1.0)), code))


CODE_GAP = 2 * mm  # between a card's picture and the code under it


def page_code(ctx, item, style=None) -> PageCode | None:
    """The code to this point's or stretch's page, or None when the brand has no site_url."""
    base = ctx.brand.site_url
    if not base:
        return None
    return PageCode(ctx, page_url(base, item), style)


class WithCode(Flowable):
    """A card's picture with the code to its page under it. Drawn smaller (a card that
    must start on a short page), the picture shrinks and the code keeps its size."""

    def __init__(self, picture, code: PageCode, gap: float = CODE_GAP):
        super().__init__()
        self.picture, self.code, self.gap = picture, code, gap

    def wrap(self, available_width, available_height):
        _, ph = self.picture.wrap(available_width, available_height)
        self.width = available_width  # the picture's column: the address beside the code
        _, ch = self.code.wrap(self.width, available_height)
        self.height = ph + self.gap + ch
        self._picture_h = ph
        return self.width, self.height

    def shrunk(self, factor: float):
        from .cardbox import Shrunk

        return WithCode(Shrunk(self.picture, factor), self.code, self.gap)

    def draw(self):
        self.picture.drawOn(self.canv, 0, self.height - self._picture_h)
        self.code.drawOn(self.canv, 0, 0)
