"""Pocket cards: four framed cards a sheet (two by two), with cut marks at their corners.

Each card stands on its own: a point's code, pinyin and English name (or a stretch's name),
a small diagram or pictogram (a stretch's two panels side by side across the card), how to
find it (or how to do it), the dose and the key caution.

Text is never squeezed below FLOOR_PT (14 pt in large print) and never runs off its card.
A card is set at full size if it fits; otherwise its type is set a little smaller, down to
the floor; only then is it shortened, a whole part at a time: the first sentences of the
finding route or the first steps, followed by "See your handout for more.", and last of
all a stretch's start. A safety text (the key caution, "Stop if", how to reach a point that
needs help) is printed whole or replaced by a pointer to the handout, never cut short.
Before a card is refused, the clinic's line at its foot gives way, then its QR code, then
the emergency prompt's size (never the prompt). The type gives way, down to its floor,
before a picture drops below PICTURE_KEPT of its size. Pictures are drawn at the width asked
for and never scaled afterwards.

    client = card_client(load_library(), ["BL60", "knee-to-chest"], conditions=("pregnancy",))
    pdf = make_cards(client)

The selection and safety rules are the handout's: the cards draw the Program that
program.build_program makes for the Client.
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Callable, Iterator, Sequence

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable, KeepInFrame, KeepTogether, PageBreak, Paragraph, Spacer, Table,
)
from reportlab.platypus.doctemplate import LayoutError

from ..client import Client
from ..errors import DataError, InputError, Problem, UnknownItemError
from ..layout import Template
from ..models import Caution, Point, Stretch
from ..program import Chosen
from ..text import markup
from ..units import dose_text
from .figures import point_figure, stretch_figure
from .flow import Context, Para, grid, panel, shared, sharing
from .items import caution_paragraphs, hold_text, point_heading
from .qr import page_code
from .styles import MIN_LARGE_PT

log = logging.getLogger("handout")

FLOOR_PT = 12.0  # no text on a card is set smaller than this (large print: MIN_LARGE_PT)
ROWS = 2
COLUMNS = 2  # four cards a sheet
LARGE_PRINT_COLUMNS = 1  # two wide cards a sheet: 14 pt text needs the longer lines
MARK_GAP = 1.5 * mm  # between a card's corner and its cut marks
MARK_LEN = 4 * mm
MARK_ROOM = MARK_GAP + MARK_LEN + 0.5 * mm  # kept clear around the cards for the marks
PADDING = 4 * mm  # inside the card's frame
SHRINK_STEP = 0.05
DEFAULT_MORE = "See your handout for more."
FOOT_GAP = 1 * mm  # above each line at a card's foot (the emergency prompt, the clinic)


@dataclass(frozen=True)
class CardOptions:
    gutter: float = 12 * mm
    figure_width: float = 40 * mm
    pictogram_width: float = 44 * mm
    clinic_line: bool = True
    more: str = DEFAULT_MORE


@dataclass(frozen=True)
class Fit:
    """How a card's content was set: kept on the card for tests and for a look."""

    item_id: str
    level: int  # 0: everything; higher: shortened further
    shortened: bool  # some text was replaced by "See your handout for more."
    scale: float  # type size as a fraction of the template's (1.0: full size)
    smallest_pt: float  # the smallest text on the card as printed
    height: float  # of the content, in points
    room: float  # the height the content had, in points
    figure_width: float = 0.0  # the picture's width asked for, in points


# -- options --------------------------------------------------------------------------------

def card_options(template: Template) -> CardOptions:
    """The `cards` section's options, checked (a bad value names the template's line)."""
    section = next((s for s in template.sections if s.name == "cards"), None)
    if section is None:
        return CardOptions()
    o = section.options

    def problem(option, message):
        return DataError(Problem(template.source, section.line, None, f"sections.cards.{option}",
                                 message))

    def number(option, low, high, default):
        value = o.get(option, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
            raise problem(option, f"should be a number from {low:g} to {high:g}, not {value!r}")
        return float(value) * mm

    clinic = o.get("clinic_line", True)
    if not isinstance(clinic, bool):
        raise problem("clinic_line", f"should be true or false, not {clinic!r}")
    more = o.get("more", DEFAULT_MORE)
    if not isinstance(more, str) or not more.strip():
        raise problem("more", "should be a short sentence, e.g. 'See your handout for more.'")
    return CardOptions(gutter=number("gutter_mm", 2 * MARK_ROOM / mm, 40, 12),
                       figure_width=number("figure_mm", 15, 60, 40),
                       pictogram_width=number("pictogram_mm", 15, 60, 44),
                       clinic_line=clinic, more=more.strip())


SECTIONS = {"cards": (None, ("gutter_mm", "figure_mm", "pictogram_mm", "clinic_line", "more"))}


def section_options() -> dict[str, tuple[str, ...]]:
    return {name: options for name, (_, options) in SECTIONS.items()}


# -- text helpers ----------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(\"'])")


def sentences(text: str) -> list[str]:
    """Whole sentences: a card that shortens a text drops whole sentences, never words."""
    return [s.strip() for s in _SENTENCE_END.split(" ".join(str(text).split())) if s.strip()]


def key_caution(chosen: Chosen, ctx: Context) -> Caution | None:
    """The one caution a card prints: the one the practitioner overrode, else the first that
    concerns this client's conditions, else the first tied to no condition (a clot warning),
    else the first of the rest (a condition the client was not marked with)."""
    conditions = ctx.program.condition_ids
    if chosen.allowed_despite:
        for caution in chosen.item.cautions:
            if conditions & set(caution.avoid_if):
                return caution
    mine = [c for c in chosen.cautions if conditions & {*c.avoid_if, *c.caution_if}]
    everyone = [c for c in chosen.cautions if c.always]
    return (mine or everyone or list(chosen.cautions) or [None])[0]


def text_sizes(flowables) -> Iterator[float]:
    """The size of every piece of text in these flowables (paragraphs, also inside tables)."""
    for f in flowables:
        if isinstance(f, (list, tuple)):
            yield from text_sizes(f)
        elif isinstance(f, Paragraph):
            yield f.style.fontSize
            if f.bulletText:
                yield f.style.bulletFontSize
        elif isinstance(f, Table):
            for row in f._cellvalues:
                yield from text_sizes([cell for cell in row if not isinstance(cell, str)])
        elif isinstance(f, (KeepInFrame, KeepTogether)):
            yield from text_sizes(f._content)


def scaled(ctx: Context, factor: float) -> Context:
    """The context with every paragraph style's sizes times `factor` (1.0: unchanged)."""
    by_name = {}
    for name, style in ctx.styles.by_name.items():
        by_name[name] = ParagraphStyle(
            name, parent=style,
            fontSize=style.fontSize * factor, leading=style.leading * factor,
            spaceBefore=style.spaceBefore * factor, spaceAfter=style.spaceAfter * factor,
            leftIndent=style.leftIndent * factor, bulletIndent=style.bulletIndent * factor,
            # A step's number is as large as its words (ReportLab's default is 10 pt).
            bulletFontSize=style.fontSize * factor)
    return replace(ctx, styles=replace(ctx.styles, by_name=by_name))


# -- what a card says ------------------------------------------------------------------------

# (context at some type size, inner width, picture's largest width and height) -> flowables
Build = Callable[[Context, float, float, float], list]
FIGURE_STEPS = (1.0, 0.85, 0.7, 0.55, 0.45)  # a card's picture: as large as the text leaves room for
# The type gives way, down to its floor, before the picture drops below this share of its size:
# large-print cards on a crowded sheet kept 15 to 16 pt type and drew a point's diagram or a
# stretch's panels 13 to 16 mm wide, too small to read for the eyes large print is for.
PICTURE_KEPT = 0.7
# A two-panel picture (start and end) goes across the card under its heading, its panels side
# by side, at least this share of the card's width: beside the dose, stacked, it shrank to
# 16 mm; the words are shortened first ("See your handout for more"), not the picture.
ACROSS_SMALLEST = 0.7


def _pointer(ctx: Context, more: str) -> str:
    """' See your handout for more.' as markup, to end a paragraph where something was cut."""
    return f" <i>{markup(more, ctx.fonts)}</i>"


def _with_more(ctx: Context, label: str, parts: list[str], cut: bool, more: str):
    """'Label: first sentences. See your handout for more.' (the pointer only when cut)."""
    text = f"<b>{markup(label, ctx.fonts)}</b> {markup(' '.join(parts), ctx.fonts)}"
    return Para(text + (_pointer(ctx, more) if cut else ""), ctx.styles["card"])


def _figure_row(ctx: Context, figure, figure_width: float, side: list, width: float):
    gap = 3 * mm
    return grid([[figure, side]], [figure_width + gap, width - figure_width - gap], ctx.styles,
                [("VALIGN", (0, 0), (-1, -1), "TOP"),
                 ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                 ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)])


WIDE = 110 * mm  # a card this wide (large print) keeps all its words beside the picture


def _arrange(ctx: Context, heading, figure, figure_width: float, side: list, rest: list,
             width: float) -> list:
    """Heading across the top; the picture with the dose beside it, the rest below (or, on
    a wide card, everything beside the picture)."""
    if width >= WIDE:
        return [heading, _figure_row(ctx, figure, figure_width, side + rest, width)]
    return [heading, _figure_row(ctx, figure, figure_width, side, width), Spacer(1, 1.5 * mm),
            *rest]


def _caution_block(ctx: Context, chosen: Chosen, every: bool) -> list:
    """This client's cautions as the handout prints them (with the practitioner's override
    note); or, when `every` is false, only the key one and a pointer to the handout."""
    if every or len(chosen.cautions) < 2:
        return caution_paragraphs(ctx, chosen)
    key = key_caution(chosen, ctx)
    # The pointer ends the key caution's own paragraph: a line saved on a full card.
    key = replace(key, text=f"{key.text} More cautions in your handout.")
    return caution_paragraphs(ctx, replace(chosen, cautions=(key,)))


def _sized_figure(make, item, ctx, width: float, max_height: float):
    """The picture at `width`, or narrower if it would be taller than max_height (once for
    each size while a card tries its layouts: the type size does not change a picture)."""
    def sized():
        figure = make(ctx, item, width)
        _, height = figure.wrap(width, max_height * 10)
        if height > max_height:
            narrower = width * max_height / height
            return make(ctx, item, narrower), narrower
        return figure, width
    return shared(("figure", make, item.id, width, max_height), sized)


@dataclass(frozen=True)
class Trim:
    """How much of a card's text to print; each step of shortening changes one field."""

    extra: bool = True  # a point's first pressing sentence; a stretch's "How often"
    all_cautions: bool = True  # every caution for this client, or the key one only
    reach: bool = True  # a point that needs help: how to reach it, in full
    keep: int | None = None  # sentences of the finding route, or steps, kept (None: all)
    start: int | None = None  # a stretch's sentences of "Start:" kept (None: all)

    def safety(self, chosen: Chosen, reach_text: bool) -> tuple[bool, bool]:
        """What of the card's safety text is printed whole: every caution (the same with
        one caution or none), and how to reach the point or when to stop (the same when the
        item has no such text, `reach_text` False)."""
        return (self.all_cautions or len(chosen.cautions) < 2,
                self.reach or not reach_text)


def _trims(count: int, reach: bool, stop: bool = False, start: int = 0) -> list[Trim]:
    """Fullest first: drop the extra line, keep only the key caution, point to the handout
    for reaching, then keep one sentence (or step) fewer at a time, down to none; then a
    stretch's stop rule points to the handout (`reach` False on a stretch's card), and last
    of all its start keeps one sentence fewer at a time, down to one (its picture shows
    the start too)."""
    trims = [Trim()]
    trims.append(replace(trims[-1], extra=False))
    trims.append(replace(trims[-1], all_cautions=False))
    if reach:
        trims.append(replace(trims[-1], reach=False))
    trims += [replace(trims[-1], keep=n) for n in range(count - 1, -1, -1)]
    if stop:
        trims.append(replace(trims[-1], reach=False))
    trims += [replace(trims[-1], start=n) for n in range(start - 1, 0, -1)]
    return trims


def point_variants(chosen: Chosen, options: CardOptions) -> list[tuple[bool, tuple, Build]]:
    """A point card's content, fullest first: (shortened?, Trim.safety, build)."""
    point: Point = chosen.item
    route = sentences(point.find_it)
    press = sentences(point.technique.pressure)[:1]
    needs_help = not point.self_reach

    def make(trim: Trim) -> Build:
        def build(ctx: Context, width: float, figure_width: float, figure_height: float) -> list:
            figure, fw = _sized_figure(point_figure, point, ctx, figure_width, figure_height)
            side = [ctx.para(hold_text(ctx, point), "card", bold=True)]
            if trim.extra and press:
                side.append(ctx.labelled("How to press:", press[0]))
            rest = []
            keep = len(route) if trim.keep is None else trim.keep
            if keep:
                rest.append(_with_more(ctx, "How to find it:", route[:keep], keep < len(route),
                                       options.more))
            elif needs_help and not trim.reach:
                # Both sent to the handout: one paragraph, where two labels cost a line each.
                rest.append(ctx.labelled("You need help to reach this one.",
                                         "See your handout for how to find it and do it "
                                         "safely."))
            else:
                rest.append(ctx.labelled("How to find it:", options.more))
            if needs_help and (keep or trim.reach):
                rest.append(ctx.labelled("You need help to reach this one:",
                                         point.reach_help if trim.reach else
                                         "see your handout for how to do it safely."))
            rest += _caution_block(ctx, chosen, trim.all_cautions)
            return _arrange(ctx, point_heading(ctx, point, "h3"), figure, fw, side, rest, width)
        return build

    return [(_shortened(trim, chosen), trim.safety(chosen, needs_help), make(trim))
            for trim in _trims(len(route), needs_help)]


def stretch_variants(chosen: Chosen, options: CardOptions,
                     narrow: bool = True) -> list[tuple[bool, tuple, Build]]:
    """A stretch card's content, fullest first: (shortened?, Trim.safety, build). On a
    `narrow` card (not a wide large-print one, which keeps everything beside its picture) a
    picture of two or more panels is tried first across the card (its words shortened as
    far as they may be), and only then beside the dose, stacked and small."""
    stretch: Stretch = chosen.item
    steps = list(stretch.steps)
    start_sentences = sentences(stretch.start)
    across = _panels_across(stretch)

    def make(trim: Trim, wide_picture: bool) -> Build:
        def build(ctx: Context, width: float, figure_width: float, figure_height: float) -> list:
            if wide_picture:
                size_step = figure_width / options.pictogram_width  # one of FIGURE_STEPS
                share = max(size_step, ACROSS_SMALLEST)
                figure, fw = _sized_figure(stretch_figure, across, ctx, width * share,
                                           figure_height / size_step * share)
            else:
                figure, fw = _sized_figure(stretch_figure, stretch, ctx, figure_width,
                                           figure_height)
            side = [ctx.labelled("How much:", dose_text(stretch.dose) + ".")]
            if trim.extra and stretch.how_often:
                side.append(ctx.labelled("How often:", stretch.how_often))
            keep = len(steps) if trim.keep is None else trim.keep
            # The pointer to the handout ends the last paragraph printed (the start, or the
            # last step kept): a line of its own cost a pregnant client's card its fit.
            cut = keep < len(steps) or trim.start is not None
            rest = [_with_more(ctx, "Start:", start_sentences[:trim.start], cut and not keep,
                               options.more)]
            for number, step in enumerate(steps[:keep], 1):
                last = cut and number == keep
                rest.append(Para(markup(step, ctx.fonts) + (_pointer(ctx, options.more)
                                                            if last else ""),
                                 ctx.styles["bullet"], bulletText=f"{number}."))
            if stretch.stop_if:
                rest.append(ctx.labelled("Stop if:", stretch.stop_if if trim.reach else
                                         "see your handout."))
            rest += _caution_block(ctx, chosen, trim.all_cautions)
            heading = Para(f"<b>{markup(stretch.name, ctx.fonts)}</b>", ctx.styles["h3"])
            if wide_picture:
                return [heading, figure, Spacer(1, 1.5 * mm), *side, *rest]
            return _arrange(ctx, heading, figure, fw, side, rest, width)
        return build

    trims = _trims(len(steps), False, bool(stretch.stop_if), len(start_sentences))
    layouts = (True, False) if across and narrow else (False,)
    return [(_shortened(trim, chosen), trim.safety(chosen, bool(stretch.stop_if)),
             make(trim, wide)) for wide in layouts for trim in trims]


def _panels_across(stretch: Stretch) -> Stretch | None:
    """A stretch drawn in two or more panels, as the card draws it: side by side (None for
    a one-panel picture)."""
    if stretch.pose.get("show") != "apart":
        return None
    return replace(stretch, pose={**stretch.pose, "panels": "across"})


def _shortened(trim: Trim, chosen: Chosen) -> bool:
    """Whether the card now sends the reader to the handout for something left out."""
    return (trim.keep is not None or not trim.reach or trim.start is not None
            or (not trim.all_cautions and len(chosen.cautions) > 1))


# -- the card and the sheet ------------------------------------------------------------------

class Card(Flowable):
    """One framed card of a fixed size, its content set to fit (see the module's docstring),
    with cut marks just outside its corners."""

    def __init__(self, ctx: Context, chosen: Chosen, width: float, height: float,
                 options: CardOptions, floor: float, marks: bool = True):
        super().__init__()
        self.ctx, self.chosen, self.options, self.floor = ctx, chosen, options, floor
        self.width, self.height, self.marks = width, height, marks
        self.fit: Fit | None = None
        self.placed: tuple[int, float, float] | None = None
        self._body = None
        self._footer = self._clinic_line()
        self._prompt = self._emergency_prompt()
        self._code = self._page_code()  # with the prompt beside the code, or None

    def _clinic_line(self) -> Paragraph | None:
        brand = self.ctx.brand
        words = "  ·  ".join(x for x in (brand.clinic_name, brand.phone) if x)
        if not (self.options.clinic_line and words):
            return None
        card = self.ctx.styles["card"]
        style = ParagraphStyle("card-clinic", parent=card, fontSize=self.floor,
                               leading=self.floor * 1.25, spaceBefore=0, spaceAfter=0,
                               textColor=self.ctx.styles.primary)
        return Para(markup(words, self.ctx.fonts, bold=True), style)

    def _prompt_size(self) -> float:
        """The emergency prompt's size: the card text's at full size, never below the floor."""
        return max(self.floor, self.ctx.styles["card"].fontSize)

    def _emergency_prompt(self, size: float | None = None) -> Paragraph | None:
        """One line on every card: the emergency signs and number (at `size`, by default
        _prompt_size). Never given way."""
        prompt = self.ctx.program.safety.red_flags.card_prompt
        if not prompt:
            return None
        card = self.ctx.styles["card"]
        size = size or self._prompt_size()
        style = ParagraphStyle("card-emergency", parent=card, fontSize=size,
                               leading=size * 1.2, spaceBefore=0, spaceAfter=0,
                               textColor=colors.black)
        return Para(markup(prompt, self.ctx.fonts, bold=True), style)

    def _page_code(self):
        """With the brand's site_url: the QR code to the item's page at the card's foot, its
        address beside it and the emergency prompt under the address (where a line of its
        own under the code would cost the card a picture's worth of room)."""
        card = self.ctx.styles["card"]
        size = self._prompt_size()  # as large as the prompt under it
        style = ParagraphStyle("card-code", parent=card, fontSize=size, leading=size * 1.2,
                               spaceBefore=0, spaceAfter=0)
        return page_code(self.ctx, self.chosen.item, style, below=self._prompt)

    def _foot_height(self, width: float) -> float:
        """Room at the card's foot for the emergency prompt (beside the QR code, if any) and
        the clinic's line."""
        height = 0.0
        for paragraph in (self._code or self._prompt, self._footer):
            if paragraph is not None:
                height += paragraph.wrap(width, self.height)[1] + FOOT_GAP
        return height

    def lay_out(self, canv) -> Fit:
        """Choose the fullest content at the largest type size that fits, never below the
        floor. Before a card is refused, the clinic's line at the foot gives way, then the
        QR code (a warning names the page: the handout's card still has the code), and then
        the emergency prompt is set a size smaller at a time, down to the floor (bold)."""
        with sharing():
            return self._lay_out(canv)

    def _lay_out(self, canv) -> Fit:
        fit = self._try(canv)
        if fit is None and self._footer is not None:
            self._footer = None
            fit = self._try(canv)
        if fit is None and self._code is not None:
            url, self._code = self._code.url, None
            fit = self._try(canv)
            if fit is not None:
                log.warning("%s: its pocket card has no room for the QR code to %s (the "
                            "handout has it)", self.chosen.item.id, url)
        if fit is None and self._prompt is not None:
            # Large print: an 18 pt prompt took two lines of a card it left no room on.
            size = self._prompt_size()
            while fit is None and size > self.floor:
                size = max(self.floor, size - 1)
                self._prompt = self._emergency_prompt(size)
                fit = self._try(canv)
        if fit is None:
            raise InputError(
                f"the card for {self.chosen.item.id} does not fit even at {self.floor:g} pt "
                "with its texts shortened; shorten its texts in the data, or give the cards "
                "template a smaller figure_mm, pictogram_mm or gutter_mm")
        return fit

    def _try(self, canv) -> Fit | None:
        inner_w = self.width - 2 * PADDING
        inner_h = self.height - 2 * PADDING - self._foot_height(inner_w)
        base = min(self.ctx.styles[n].fontSize for n in ("card", "bullet", "caution"))
        factors = [1.0]
        while factors[-1] - SHRINK_STEP > self.floor / base:
            factors.append(round(factors[-1] - SHRINK_STEP, 4))
        if self.floor / base < 1.0:
            factors.append(self.floor / base)
        item = self.chosen.item
        if item.kind == "point":
            make, largest = point_variants, self.options.figure_width
        else:
            make = partial(stretch_variants, narrow=inner_w < WIDE)
            largest = self.options.pictogram_width
        if inner_w >= WIDE:
            largest *= 1.5  # a wide card's picture grows with it
        tallest = inner_h * 0.75 if inner_w >= WIDE else min(inner_h * 0.5, 55 * mm)

        def attempt(build, factor, step):
            ctx = shared(("scaled", factor), lambda: scaled(self.ctx, factor))  # one style set a size
            content = build(ctx, inner_w, largest * step, tallest * step)
            smallest = min(text_sizes(content))
            if smallest < self.floor - 0.01:  # a template's tiny style: never used
                return None
            frame = KeepInFrame(inner_w, inner_h, content, mode="error")
            try:
                _, used = frame.wrapOn(canv, inner_w, inner_h)
            except LayoutError:
                return None
            return frame, smallest, used

        def best(build, steps, smallest_fits=False):
            """The largest type, then the largest picture of `steps`, that fits."""
            if not smallest_fits and attempt(build, factors[-1], steps[-1]) is None:
                return None  # not even the smallest
            for factor in factors:
                for step in steps:
                    done = attempt(build, factor, step)
                    if done is not None:
                        return done, factor, step
            return None

        variants = make(self.chosen, self.options)  # (shortened?, Trim.safety, build)
        # The fullest words that fit at the smallest type and picture: if even they do not
        # fit, shorten further.
        first = next((level for level, (_, _, build) in enumerate(variants)
                      if attempt(build, factors[-1], FIGURE_STEPS[-1]) is not None), None)
        if first is None:
            return None
        kept = tuple(s for s in FIGURE_STEPS if s >= PICTURE_KEPT)
        # Words (the route's or the steps' later sentences) are shortened before the picture
        # drops below PICTURE_KEPT, but no safety text is given way for it; failing that,
        # the fullest words with the picture as large as they leave room for (their
        # smallest is known to fit).
        safety = variants[first][1]
        tries = [(level, kept, False) for level in range(first, len(variants))
                 if variants[level][1] == safety]
        for level, steps, smallest_fits in [*tries, (first, FIGURE_STEPS, True)]:
            shortened, _, build = variants[level]
            found = best(build, steps, smallest_fits)
            if found is not None:
                (self._body, smallest, used), factor, step = found
                self.fit = Fit(item.id, level, shortened, factor, smallest, used, inner_h,
                               largest * step)
                return self.fit
        return None

    def wrap(self, available_width, available_height):
        return self.width, self.height

    def draw(self):
        canv = self.canv
        # Where the card landed (page, x, y of its lower-left corner), for tests and a look.
        self.placed = (canv.getPageNumber(), *canv.absolutePosition(0, 0))
        canv.saveState()
        canv.setStrokeColor(self.ctx.styles.primary)
        canv.setLineWidth(1)
        canv.rect(0, 0, self.width, self.height)
        if self.marks:
            canv.setStrokeColor(colors.black)
            canv.setLineWidth(0.5)
            for x, dx in ((0, -1), (self.width, 1)):
                for y, dy in ((0, -1), (self.height, 1)):
                    # One mark along each edge that meets at this corner, outside the card.
                    canv.line(x + dx * MARK_GAP, y, x + dx * (MARK_GAP + MARK_LEN), y)
                    canv.line(x, y + dy * MARK_GAP, x, y + dy * (MARK_GAP + MARK_LEN))
        canv.restoreState()
        frame = self._body
        frame.drawOn(canv, PADDING, self.height - PADDING - frame.height)
        y = PADDING
        for paragraph in (self._footer, self._code or self._prompt):  # from the foot up
            if paragraph is not None:
                _, height = paragraph.wrapOn(canv, self.width - 2 * PADDING, self.height)
                paragraph.drawOn(canv, PADDING, y)
                y += height + FOOT_GAP


class CardSheet(Flowable):
    """Up to four cards on one page: two columns (one in large print), two rows, filling
    the frame, with room around them for the cut marks. Card sizes follow the paper."""

    def __init__(self, ctx: Context, chosen: Sequence[Chosen], options: CardOptions,
                 floor: float, columns: int = COLUMNS):
        super().__init__()
        self.ctx, self.chosen, self.options, self.floor = ctx, list(chosen), options, floor
        self.columns = columns
        self.cards: list[tuple[Card, float, float]] = []  # card, x, y: kept for tests

    @property
    def fits(self) -> list[Fit]:
        return [card.fit for card, _, _ in self.cards]

    def wrap(self, available_width, available_height):
        gutter = self.options.gutter
        columns = self.columns
        card_w = (available_width - 2 * MARK_ROOM - gutter * (columns - 1)) / columns
        card_h = (available_height - 2 * MARK_ROOM - gutter * (ROWS - 1)) / ROWS
        self.cards = []
        for index, chosen in enumerate(self.chosen):
            row, column = divmod(index, columns)
            card = Card(self.ctx, chosen, card_w, card_h, self.options, self.floor)
            card.lay_out(self.canv)
            x = MARK_ROOM + column * (card_w + gutter)
            y = available_height - MARK_ROOM - card_h - row * (card_h + gutter)
            self.cards.append((card, x, y))
        # A last sheet with one row of cards takes that row only: what follows (a long
        # brand's contact block) goes under it, not on a page of its own.
        rows = math.ceil(len(self.chosen) / columns)
        unused = (ROWS - rows) * (card_h + gutter)
        self.cards = [(card, x, y - unused) for card, x, y in self.cards]
        self.width, self.height = available_width, available_height - 0.01 - unused
        return self.width, self.height

    def draw(self):
        for card, x, y in self.cards:
            card.drawOn(self.canv, x, y)


def build_cards(ctx: Context, template: Template) -> list:
    """The Program's points, then its stretches, four cards a sheet (two in large print)."""
    options = card_options(template)
    floor = MIN_LARGE_PT if ctx.large_print else FLOOR_PT
    columns = LARGE_PRINT_COLUMNS if ctx.large_print else COLUMNS
    per_sheet = columns * ROWS
    items = [*ctx.program.points, *ctx.program.stretches]
    out = []
    for start in range(0, len(items), per_sheet):
        if start:
            out.append(PageBreak())
        out += sheet_prompt(ctx, floor)
        out.append(CardSheet(ctx, items[start:start + per_sheet], options, floor, columns))
    return out


def sheet_prompt(ctx: Context, floor: float) -> list:
    """Above the cards of every sheet, in a thick black box: the warning signs of the
    client's own conditions (pregnancy's). The emergency signs are on every card."""
    card = ctx.styles["card"]
    size = max(floor, card.fontSize)
    style = ParagraphStyle("sheet-emergency", parent=card, fontSize=size, leading=size * 1.2,
                           spaceBefore=0, spaceAfter=0, textColor=colors.black)
    rows = [[Para(markup(signs.short, ctx.fonts, bold=True), style)]
            for signs in ctx.program.warning_signs]
    if not rows:
        return []
    return [panel(rows, ctx.width - 2 * MARK_ROOM, ctx.styles, border=2, fill=colors.white,
                  padding=4), Spacer(1, 3 * mm)]


# -- the Python entry points ---------------------------------------------------------------

def card_client(library, ids: Sequence[str] = (), *, protocol: str = "",
                conditions: Sequence[str] = (), allow: Sequence[str] = (),
                drop: Sequence[str] = (), side: str = "both", paper: str = "",
                large_print: bool | None = None) -> Client:
    """The Client for a set of cards: IDS may mix points (aliases resolve) and stretches;
    the protocol adds its points and stretches. The handout's safety rules then decide."""
    points, stretches = [], []
    for ref in ids:
        try:
            item = library.find(ref)
        except UnknownItemError as exc:
            raise UnknownItemError(str(exc).replace("unknown item", "unknown point or stretch", 1)) from None
        kind = getattr(item, "kind", "protocol")
        if kind == "point":
            points.append(item.id)
        elif kind == "stretch":
            stretches.append(item.id)
        elif kind == "protocol":
            raise InputError(f"'{ref}' is a protocol; use protocol='{item.id}'")
        else:
            raise InputError(f"'{ref}' is a {kind}; cards hold points and stretches")
    if not (ids or protocol):
        raise InputError("say which cards to print: point or stretch ids, or protocol='ID'")
    return Client(protocol=protocol, points=tuple(dict.fromkeys(points)),
                  stretches=tuple(dict.fromkeys(stretches)), conditions=tuple(conditions),
                  allow=tuple(allow), drop=tuple(drop), side=side, paper=paper,
                  large_print=large_print, source="options")


def make_cards(client: Client, *, brand=None, template: str | Path = "pocket-cards",
               data_dirs: Sequence[Path | str] = (), template_dirs: Sequence[Path] = (),
               reproducible: bool = False) -> bytes:
    """Pocket cards as PDF bytes for this client's points and stretches."""
    from ..job import prepare, render

    job = prepare(client, brand=brand, template=template, data_dirs=data_dirs,
                  template_dirs=template_dirs, known_sections=section_options())
    if job.program.is_empty():
        raise InputError("nothing to print: no points or stretches are left for this client")
    card_options(job.template)
    return render(job, build_cards, reproducible=reproducible)
