"""A QR code to an item's companion page, with its short address beside it for those who
type (`site_url:` in the brand; none without it). ReportLab's own vector QR widget; the
code holds the page's address only, never anything about the client.

Modules are MODULE wide (at least MIN_MODULE, about what a phone reads from paper), with
the standard quiet zone of QUIET modules round the code.
"""

from __future__ import annotations

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
WORDS_MIN = 22 * mm  # the least width for the address beside the code
WORDS_GAP = 1.5 * mm  # between the address and what goes under it
LABEL = "Online:"  # over the address; the page has the pictures and a timer


def qr_drawing(url: str, module: float = MODULE) -> Drawing:
    """The code for `url` as a vector drawing, quiet zone included."""
    # Imported here: ReportLab's barcode package loads all its symbologies (and a chart
    # module), a sixtieth of a cold make, and most brands print no code (issue 15).
    from reportlab.graphics.barcode.qr import QrCodeWidget

    widget = QrCodeWidget(url, barLevel=LEVEL, barBorder=QUIET)
    widget.qr.make()
    side = (widget.qr.getModuleCount() + 2 * QUIET) * max(module, MIN_MODULE)
    widget.barWidth = widget.barHeight = side
    drawing = Drawing(side, side)
    drawing.add(widget)
    return drawing


def address_lines(address: str, font: str, size: float, width: float,
                  first_indent: float = 0.0) -> list[str]:
    """The address broken after a '/', '.' or '-' where a line is full (the first line
    `first_indent` shorter, for a label before it)."""
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
        room = width - (first_indent if len(lines) == 1 else 0.0)
        if stringWidth(lines[-1] + piece, font, size) > room and (lines[-1] or len(lines) == 1):
            lines.append(piece)
        else:
            lines[-1] += piece
    return lines


class PageCode(Flowable):
    """The QR code with 'Online:' and the short address beside it."""

    def __init__(self, ctx, url: str, style=None, below=None):
        super().__init__()
        self.ctx, self.url, self.style = ctx, url, style or ctx.styles["small"]
        self.below = below  # a flowable under the address, beside the code (a card's prompt)
        self.code = qr_drawing(url)

    def _paragraph(self, width: float) -> Paragraph:
        """'Online: ' and the address, broken where a line is full (the label on the first)."""
        style = self.style
        label = LABEL + " "
        indent = stringWidth(label, self.ctx.fonts.main.bold, style.fontSize)
        lines = address_lines(short_address(self.url), style.fontName, style.fontSize,
                              width - 2, first_indent=indent)  # 2 pt: rounding
        text = "<br/>".join(markup(line, self.ctx.fonts) for line in lines)
        return Paragraph(f"<b>{markup(LABEL, self.ctx.fonts)}</b> {text}", style)

    def wrap(self, available_width, available_height):
        side = self.code.width
        words_w = available_width - side - GAP
        self.stacked = words_w < WORDS_MIN  # too narrow beside the code: the words under it
        if self.stacked:
            words_w = max(available_width, side)
        self._words = [self._paragraph(words_w)] + ([self.below] if self.below else [])
        words_h = sum(f.wrap(words_w, 10_000)[1] for f in self._words)
        words_h += WORDS_GAP * (len(self._words) - 1)
        self.width = max(available_width, side)
        self.height = side + GAP / 2 + words_h if self.stacked else max(side, words_h)
        return self.width, self.height

    def draw(self):
        side = self.code.width
        self.code.drawOn(self.canv, 0, self.height - side)
        x, y = (0, self.height - side - GAP / 2) if self.stacked else (side + GAP, self.height)
        for flowable in self._words:
            y -= flowable.height
            flowable.drawOn(self.canv, x, y)
            y -= WORDS_GAP


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


def page_code(ctx, item, style=None, below=None) -> PageCode | None:
    """The code to this point's or stretch's page, or None when the brand has no site_url."""
    base = ctx.brand.site_url
    if not base:
        return None
    return PageCode(ctx, page_url(base, item), style, below)


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
