"""A handout card as one flowable: a framed box, its heading across the top, the picture on
the left and the words on the right (in large print, the picture above the words).

Each paragraph is wrapped once per measure (no nested tables re-wrapping their cells), and a
card too tall for what is left of the page splits between or inside its paragraphs: the
first part keeps the picture and at least MIN_LINES lines of words, the rest goes on under
the heading "... (continued)". A card that cannot leave MIN_LINES lines on either side of
the break moves whole to the next page.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

PADDING = 6.0  # inside the frame, in points
# A picture may be drawn this much smaller to start its card at the foot of a page rather
# than leave the foot blank: a two-panel picture stacked (the figure-4, 70 mm tall) fits
# there at two thirds of its size, about 37 mm wide, a pocket card's picture size.
SHRINK_TO_START = 0.65
GAP = 4 * mm  # between the picture and the words
MIN_LINES = 3  # never a fragment of fewer lines than this
SIDE_SHARE = 0.4  # large print: the most of a card's width a picture beside the words takes


class Shrunk(Flowable):
    """A flowable drawn at a fraction of its size."""

    def __init__(self, flowable: Flowable, factor: float):
        super().__init__()
        self.flowable, self.factor = flowable, factor

    def wrap(self, available_width, available_height):
        width, height = self.flowable.wrap(available_width / self.factor, 10_000)
        self.width, self.height = width * self.factor, height * self.factor
        return self.width, self.height

    def draw(self):
        self.canv.saveState()
        self.canv.scale(self.factor, self.factor)
        self.flowable.drawOn(self.canv, 0, 0)
        self.canv.restoreState()


class CardBox(Flowable):
    def __init__(self, heading, figure, figure_width: float, body: list, *, border_colour,
                 stacked: bool = False, continued=None, gap_after: float = 4 * mm,
                 figure_for=None):
        super().__init__()
        # figure_for(max height) draws the picture smaller, to start the card on a page
        # whose room is a little short for the picture at its full size.
        self.figure_for = figure_for
        self.under_words = False  # a continued part: words in the column, no picture
        self.frame_height = 1e9  # the page's text height, where known (Context.height)
        self.strict = True  # keep MIN_LINES on both sides of a break
        self.wide_tail = False  # a continued part's words across the whole width
        self.heading, self.figure, self.figure_width = heading, figure, figure_width
        self.body, self.border_colour, self.stacked = list(body), border_colour, stacked
        self.continued = continued  # the heading of a continued part (a flowable factory)
        self.gap_after = gap_after
        self._placed: list[tuple[Flowable, float, float]] = []

    # -- measuring ---------------------------------------------------------------------
    def _columns(self, width: float) -> tuple[float, float]:
        """(x of the words, their width) inside the frame."""
        inner = width - 2 * PADDING
        if self.stacked or (self.figure is None and not self.under_words):
            return 0.0, inner
        # A continued part keeps the words in their column: lines stay short, and the
        # words line up with those on the page before.
        return self.figure_width + GAP, inner - self.figure_width - GAP

    def _figure_height(self, width: float) -> float:
        if self.figure is None:
            return 0.0
        return self.figure.wrap(min(self.figure_width, width - 2 * PADDING), 10_000)[1]

    @staticmethod
    def _stack(flowables: list, width: float) -> list[tuple[Flowable, float, float]]:
        """(flowable, its height, the space before it) top down."""
        out, previous_after = [], 0.0
        for index, flowable in enumerate(flowables):
            _, height = flowable.wrap(width, 10_000)
            before = max(flowable.getSpaceBefore(), previous_after) if index else 0.0
            out.append((flowable, height, before))
            previous_after = flowable.getSpaceAfter()
        return out

    def wrap(self, available_width, available_height):
        self.width = available_width
        _, words_w = self._columns(available_width)
        _, self._heading_h = self.heading.wrap(available_width - 2 * PADDING, 10_000)
        self._figure_h = self._figure_height(available_width)
        self._words = self._stack(self.body, words_w)
        words_h = sum(h + before for _, h, before in self._words)
        if self.stacked:
            column = self._figure_h + (2 * mm if self.figure is not None else 0) + words_h
        else:
            column = max(self._figure_h, words_h)
        self.height = 2 * PADDING + self._heading_h + 2 * mm + column + self.gap_after
        return self.width, self.height

    def _line(self) -> float:
        return max((getattr(f, "style", None).leading for f in self.body
                    if getattr(f, "style", None) is not None), default=14.0)

    # -- breaking ----------------------------------------------------------------------
    def split(self, available_width, available_height):
        parts = self._split(available_width, available_height)
        if parts or available_height < 0.9 * self.frame_height:
            return parts
        # At the top of a page and still no break that keeps the rules: a picture taller
        # than the page allows is drawn smaller, and the words break where they must.
        figure = self.figure
        if figure is not None:
            room = available_height * (0.45 if self.stacked else 0.9) - self._heading_h
            factor = min(1.0, room / max(self._figure_h, 1))
            # A picture with a QR code under it shrinks the picture only (qr.WithCode).
            figure = figure.shrunk(factor) if hasattr(figure, "shrunk") else Shrunk(figure, factor)
        forced = CardBox(self.heading, figure, self.figure_width, self.body,
                         border_colour=self.border_colour, stacked=self.stacked,
                         continued=self.continued, gap_after=self.gap_after)
        forced.frame_height, forced.strict = self.frame_height, False
        return forced._split(available_width, available_height)

    def _split(self, available_width, available_height):
        self.wrap(available_width, available_height)
        if self.height <= available_height:
            return [self]
        if self.height - self.gap_after <= available_height:  # fits without the gap below
            self.gap_after = 0
            return [self]
        _, words_w = self._columns(available_width)
        room = available_height - 2 * PADDING - self._heading_h - 2 * mm
        if self.stacked:
            words_room = room - self._figure_h - (2 * mm if self.figure is not None else 0)
            lines = self._line() * (MIN_LINES + 1)
            if words_room < lines and self.figure_for and room - lines > 0.6 * self._figure_h:
                # Large print: the picture a little smaller, to start the card here.
                smaller = self.figure_for(room - lines)
                card = CardBox(self.heading, smaller, self.figure_width, self.body,
                               border_colour=self.border_colour, stacked=True,
                               continued=self.continued, gap_after=self.gap_after)
                card.frame_height, card.strict = self.frame_height, self.strict
                parts = card._split(available_width, available_height)
                return parts or self._beside(available_width, available_height, room)
            if words_room < lines and self.figure_for:
                return self._beside(available_width, available_height, room)
            room = words_room
        elif self._figure_h > room:
            smaller = None
            if self.figure_for and room > SHRINK_TO_START * self._figure_h:
                for factor in (1.0, 0.9, 0.8, 0.7):  # its labels may take room of their own
                    smaller = self.figure_for(room * factor)
                    if smaller.wrap(self.figure_width, 10_000)[1] <= room:
                        break
            if smaller is None or smaller.wrap(self.figure_width, 10_000)[1] > room:
                return []  # the picture does not fit here: the card starts on the next page
            return CardBox(self.heading, smaller, self.figure_width, self.body,
                           border_colour=self.border_colour, continued=self.continued,
                           gap_after=self.gap_after).split(available_width, available_height)
        line = self._line() * MIN_LINES * 0.95
        rest_w = (available_width - 2 * PADDING if self.wide_tail
                  else self._columns_without_figure(available_width))
        first, rest = self._fill(room, words_w)
        rest_h = sum(f.wrap(rest_w, 10_000)[1] for f in rest)
        for _ in range(4):  # too little would go on: break earlier
            if not rest or rest_h >= line:
                break
            room -= line - rest_h + 2
            first, rest = self._fill(room, words_w)
            rest_h = sum(f.wrap(rest_w, 10_000)[1] for f in rest)
        first_h = sum(f.wrap(words_w, 10_000)[1] for f in first)
        if not rest or not first or (self.strict and (first_h < line or rest_h < line)):
            return []  # a fragment too small to read on its own: move the card whole
        head = CardBox(self.heading, self.figure, self.figure_width, first,
                       border_colour=self.border_colour, stacked=self.stacked,
                       continued=self.continued, gap_after=0)
        tail = CardBox(self.continued() if self.continued else self.heading, None,
                       self.figure_width, rest, border_colour=self.border_colour,
                       stacked=self.stacked, continued=self.continued,
                       gap_after=self.gap_after)
        tail.under_words = not (self.stacked or self.wide_tail)
        tail.wide_tail = self.wide_tail
        for part in (head, tail):
            part.frame_height = self.frame_height
        return [head, tail]

    def _beside(self, available_width, available_height, room: float) -> list:
        """Large print, where the picture above the words leaves too little room for them
        to start: the picture (at most SIDE_SHARE of the width) beside the first words, the
        rest under the heading "... (continued)" across the whole width. Rather that than
        a page left a third empty."""
        inner = available_width - 2 * PADDING
        natural_w, natural_h = self.figure.wrap(10_000, 10_000)
        height = min(room, natural_h * SIDE_SHARE * inner / max(natural_w, 1))
        for factor in (1.0, 0.9, 0.8):  # its labels may take room of their own
            if height * factor < 0.4 * self._figure_h:
                return []  # too small to read: the card starts on the next page
            figure = self.figure_for(height * factor)
            side_w, side_h = figure.wrap(10_000, 10_000)
            if side_h <= room - 1 and side_w <= SIDE_SHARE * inner + 1:
                break
        else:
            return []
        card = CardBox(self.heading, figure, side_w, self.body,
                       border_colour=self.border_colour, continued=self.continued,
                       gap_after=self.gap_after)
        card.frame_height, card.strict, card.wide_tail = self.frame_height, self.strict, True
        parts = card._split(available_width, available_height)
        return parts if len(parts) == 2 else []  # whole beside it would fit: keep it above

    def _columns_without_figure(self, width: float) -> float:
        """The words' width in a continued part (the same column, without the picture)."""
        return self._columns(width)[1] if not self.stacked else width - 2 * PADDING

    def _fill(self, room: float, words_w: float) -> tuple[list, list]:
        """The words that fit in `room` (a paragraph split where it must), and the rest."""
        first, rest, used = [], list(self.body), 0.0
        while rest:
            flowable = rest[0]
            _, height = flowable.wrap(words_w, 10_000)
            before = max(flowable.getSpaceBefore(), first[-1].getSpaceAfter()) if first else 0.0
            if used + before + height <= room:
                first.append(rest.pop(0))
                used += before + height
                continue
            parts = flowable.split(words_w, room - used - before) if room - used - before > 0 else []
            if len(parts) == 2:
                first.append(parts[0])
                rest[0] = parts[1]
            break
        return first, rest

    # -- drawing -----------------------------------------------------------------------
    def draw(self):
        canvas = self.canv
        box_h = self.height - self.gap_after
        canvas.saveState()
        canvas.setStrokeColor(self.border_colour)
        canvas.setLineWidth(0.8)
        canvas.rect(0, self.gap_after, self.width, box_h)
        canvas.restoreState()
        top = self.height - PADDING
        self.heading.drawOn(canvas, PADDING, top - self._heading_h)
        top -= self._heading_h + 2 * mm
        words_x, _ = self._columns(self.width)
        if self.figure is not None:
            figure_x = PADDING
            if self.stacked:
                figure_x += (self.width - 2 * PADDING - self.figure.width) / 2
            self.figure.drawOn(canvas, figure_x, top - self._figure_h)
            if self.stacked:
                top -= self._figure_h + 2 * mm
        y = top
        for flowable, height, before in self._words:
            y -= before + height
            flowable.drawOn(canvas, PADDING + words_x, y)
