"""Small building blocks shared by every sheet: paragraphs from plain text, tick boxes,
bulleted lists, boxed panels and ruled writing lines."""

from __future__ import annotations

from collections import OrderedDict
from contextlib import contextmanager
from contextvars import ContextVar
from weakref import WeakKeyDictionary
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Table, TableStyle

from .. import fonts
from ..brand import Brand
from ..fonts import FontSet
from ..library import Library
from ..program import Program
from ..text import markup
from .styles import Styles


class Para(Paragraph):
    """A Paragraph parsed once and broken into lines once for each width, in this process.

    A card measures its words several times while it looks for room on a page (cardbox.py:
    the whole card, then what fits, then what goes on), ReportLab measures every part again
    before drawing it, and a batch or a test prints the same stretch's steps for many
    clients; a plain Paragraph parses its markup and breaks its lines afresh each time (half
    of a render went there). The same text, style values, bullet and fonts give the same
    parse and the same lines, so both are kept (a bounded number, the latest used) and put
    back: the drawing is the same as a plain Paragraph's, line for line. The style's values
    are compared, not the style object, since each document makes its own styles."""

    _WRAP_STATE = ("width", "height", "_wrapWidths", "blPara", "frags", "_width_max",
                   "_splitLongWordCount", "_hyphenations")

    def __init__(self, text, style=None, bulletText=None, **kwargs):
        if kwargs or style is None:  # ReportLab's own split parts (frags=...): not kept
            super().__init__(text, style, bulletText, **kwargs)
            self._same = None
            return
        same = (text, _style_values(style), bulletText, fonts.generation())
        parsed = _PARSED.get(same)
        if parsed is not None:
            _PARSED.move_to_end(same)
            self.__dict__.update(parsed)
            self.style, self._same = style, same
            return
        super().__init__(text, style, bulletText)
        _keep(_PARSED, same, {name: value for name, value in self.__dict__.items()
                              if name != "style"})  # as parsed, before any wrap
        self._same = same

    def wrap(self, availWidth, availHeight):
        same = self.__dict__.get("_same")
        if same is None:  # a split part: its lines kept for itself alone
            store, key = self.__dict__.setdefault("_lines_at", OrderedDict()), availWidth
        else:
            store, key = _LINES, (same, availWidth)
        state = store.get(key)
        if state is not None:
            store.move_to_end(key)
            self.__dict__.update(state)
            return self.width, self.height
        result = super().wrap(availWidth, availHeight)
        if result[1] != 0x7FFFFFFF:  # a width too narrow for any text is not kept
            _keep(store, key, {name: self.__dict__[name] for name in self._WRAP_STATE
                               if name in self.__dict__})
        return result


KEPT_PARAGRAPHS = 1500  # parses and line breakings each: a few handouts' worth of text
_PARSED: OrderedDict = OrderedDict()
_LINES: OrderedDict = OrderedDict()


def _keep(store: OrderedDict, key, value) -> None:
    store[key] = value
    if len(store) > KEPT_PARAGRAPHS:
        store.popitem(last=False)


_VALUES_OF: WeakKeyDictionary = WeakKeyDictionary()


def _style_values(style) -> tuple:
    """What a style sets, as a key (its name and parent aside), read at its first paragraph:
    a style is not changed after that, but for its alignment (the title's, document.py),
    which only the drawing reads."""
    values = _VALUES_OF.get(style)
    if values is None:
        values = _VALUES_OF[style] = tuple(
            (name, repr(value)) for name, value in sorted(style.__dict__.items())
            if name not in ("name", "parent"))
    return values


_SHARED: ContextVar[dict | None] = ContextVar("handout_shared", default=None)


@contextmanager
def sharing():
    """While a pocket card tries its layouts (cards.py: about 8 a card, each building its
    content afresh): shared() values (a picture at a size, a scaled style set) are made
    once. The layouts and their drawing are the same."""
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)


def shared(key: tuple, make):
    """make(), once for each key inside sharing() (every time outside it)."""
    pool = _SHARED.get()
    if pool is None:
        return make()
    key = ("value", *key)
    if key not in pool:
        pool[key] = make()
    return pool[key]


@dataclass(frozen=True)
class Context:
    """What every section builder needs."""

    program: Program
    library: Library
    brand: Brand
    fonts: FontSet
    styles: Styles
    width: float  # the frame's width, in points
    large_print: bool
    height: float = 0.0  # the frame's height, in points (0: not known)

    def para(self, text: str, style: str = "body", *, bold: bool = False,
             prefix: str = "") -> Paragraph:
        """A paragraph of plain text (escaped); `prefix` is our own trusted markup."""
        return Para(prefix + markup(text, self.fonts, bold=bold), self.styles[style])

    def labelled(self, label: str, text: str, style: str = "card") -> Paragraph:
        """'Label: text' with the label bold, e.g. 'How to find it: ...'."""
        return Para(f"<b>{markup(label, self.fonts)}</b> {markup(text, self.fonts)}",
                         self.styles[style])

    def bullets(self, items, style: str = "bullet") -> list[Paragraph]:
        return [Para(markup(item, self.fonts), self.styles[style], bulletText="•")
                for item in items]


class KeepTogetherIfFits(KeepTogether):
    """Kept on one page when the whole fits on a page; when it cannot (large print), it
    starts where it is and flows on, rather than leaving a page almost empty first."""

    def split(self, available_width, available_height):
        if getattr(self, "_wrapInfo", None) != (available_width, available_height):
            self.wrap(available_width, available_height)
        frame = getattr(self, "_frame", None)
        if frame is not None and self._H > frame._height:
            # Too tall for any page: flow on from here, unless little is left of this page
            # (a heading alone at the foot of a page helps nobody).
            if available_height < frame._height * 0.4 and not getattr(frame, "_atTop", False):
                return [self.FrameBreak(), *self._content]
            return [self.NullActionFlowable(), *self._content]
        return super().split(available_width, available_height)


class Bookmark(Flowable):
    """An entry in the PDF's outline (the bookmarks a viewer lists) for the heading that
    follows it; it takes no room."""

    def __init__(self, title: str, level: int = 0):
        super().__init__()
        self.title, self.level = title, level
        self.width = self.height = 0

    def wrap(self, available_width, available_height):
        return 0, 0

    def draw(self):
        # Keys numbered per document, so that the same input gives the same bytes.
        number = getattr(self.canv, "_handout_outline", 0) + 1
        self.canv._handout_outline = number
        self.canv.bookmarkPage(f"outline-{number}")
        self.canv.addOutlineEntry(self.title, f"outline-{number}", level=self.level)


def stacked_height(flowables: list, width: float) -> float:
    """How tall these flowables are, one under another, at this width (measured on a
    scratch canvas, before any page exists)."""
    from io import BytesIO

    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(BytesIO())
    total = 0.0
    for f in flowables:
        if isinstance(f, KeepTogether):  # it answers the room it is given, not its height
            total += stacked_height(f._content, width)
        else:
            total += f.wrapOn(canvas, width, 100_000)[1] + f.getSpaceBefore() + f.getSpaceAfter()
    return total


def two_columns(ctx: Context, flowables: list) -> list:
    """Short items (a list of rules) in two columns, read down the left one first: shorter
    lines, and half the height. In large print (long words, short lines) one column."""
    if ctx.large_print or len(flowables) < 4:
        return flowables
    half = (len(flowables) + 1) // 2
    gutter = 10 * mm  # wide enough that the eye never runs on into the next column
    column = (ctx.width - gutter) / 2
    return [grid([[flowables[:half], flowables[half:]]], [column + gutter, column], ctx.styles,
                 [("VALIGN", (0, 0), (-1, -1), "TOP"),
                  ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                  ("RIGHTPADDING", (0, 0), (0, -1), gutter),
                  ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)])]


class ContinuedTable(Table):
    """A table whose first row heads each part; on the parts after the first, that row
    says the box goes on (`continued`: a flowable)."""

    continued = None

    def split(self, available_width, available_height):
        parts = super().split(available_width, available_height)
        if len(parts) == 2 and self.continued is not None:
            # A new row: the repeated one is shared with this table's own first row.
            parts[1]._cellvalues = [[self.continued, *parts[1]._cellvalues[0][1:]],
                                    *parts[1]._cellvalues[1:]]
            parts[1].__class__ = ContinuedTable
            parts[1].continued = self.continued
        return parts


class WholeWhereItFits(KeepTogetherIfFits):
    """Kept whole on one page; it splits only where it would otherwise leave more than
    half of a page empty (a box taller than what a very long brand leaves of page 1)."""

    def split(self, available_width, available_height):
        frame = getattr(self, "_frame", None)
        if getattr(self, "_wrapInfo", None) != (available_width, available_height):
            self.wrap(available_width, available_height)
        if frame is not None and self._H > available_height \
                and available_height > 0.5 * frame._height and len(self._content) == 1:
            parts = self._content[0].split(available_width, available_height)
            if parts:
                return parts
        return super().split(available_width, available_height)


class TickBox(Flowable):
    """An empty square to tick with a pen: black, at least 4.5 mm, readable in grey print."""

    def __init__(self, size: float = 5 * mm):
        super().__init__()
        self.size = size

    def wrap(self, available_width, available_height):
        return self.size, self.size

    def draw(self):
        self.canv.setLineWidth(1.2)
        self.canv.setStrokeColor(colors.black)
        self.canv.setFillColor(colors.white)
        self.canv.rect(0, 0, self.size, self.size, stroke=1, fill=1)


class WritingLines(Flowable):
    """Ruled lines for the client to write on."""

    def __init__(self, count: int, spacing: float = 9 * mm):
        super().__init__()
        self.count, self.spacing = count, spacing

    def wrap(self, available_width, available_height):
        self.width = available_width
        return available_width, self.count * self.spacing

    def split(self, available_width, available_height):
        """As many lines as fit here (at least three), rather than a half-empty page: the
        lines are room to write, not content."""
        fit = int(available_height // self.spacing)
        return [WritingLines(fit, self.spacing)] if fit >= 3 else []

    def draw(self):
        self.canv.setStrokeColor(colors.HexColor("#777777"))
        self.canv.setLineWidth(0.6)
        for i in range(self.count):
            y = i * self.spacing + 1
            self.canv.line(0, y, self.width, y)


def grid(rows: list[list], col_widths, styles: Styles, commands: list, *,
         split_in_row: bool = True, **kwargs) -> Table:
    """Every table is made here, so its own font is the brand's (ReportLab's default,
    Helvetica, would be named but never embedded). Tall rows may split unless told not to."""
    table = Table(rows, colWidths=col_widths, splitInRow=1 if split_in_row else 0, **kwargs)
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), styles["body"].fontName),
                               *commands]))
    return table


def panel(rows: list[list], width: float, styles: Styles, *, border: float = 0.8,
          fill=None, col_widths=None, padding: float = 6, **table_options) -> Table:
    """A bordered box around rows of flowables; splits between rows, and inside a tall row
    (`split_in_row=False`: only between rows; `repeatRows=1`: its first row heads each part)."""
    commands = [
        ("BOX", (0, 0), (-1, -1), border, colors.black if border >= 1.5 else styles.primary),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), padding),
        ("RIGHTPADDING", (0, 0), (-1, -1), padding),
        ("TOPPADDING", (0, 0), (-1, -1), padding * 0.6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), padding * 0.6),
    ]
    if fill is not None:
        commands.append(("BACKGROUND", (0, 0), (-1, -1), fill))
    return grid(rows, col_widths or [width], styles, commands, **table_options)


def tick_list(ctx: Context, questions, style: str = "body", *, columns: int = 1,
              width: float | None = None) -> Table:
    """Questions each with a tick box in front, as a borderless table; with `columns=2`
    (and the `width` it has) two questions a row, read left to right."""
    box = 5 * mm * (1.2 if ctx.large_print else 1)
    cell = box + 3 * mm
    rows, widths = [[TickBox(box), ctx.para(q, style)] for q in questions], [cell, None]
    if columns == 2 and width:
        gutter = 5 * mm
        text_w = (width - 2 * cell - gutter) / 2
        rows = [rows[i] + (rows[i + 1] if i + 1 < len(rows) else ["", ""])
                for i in range(0, len(rows), 2)]
        widths = [cell, text_w + gutter, cell, text_w]
    return grid(rows, widths, ctx.styles, [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (1, 0), (1, -1), 5 * mm if len(widths) == 4 else 2),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ])
