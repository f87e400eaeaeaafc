"""One card per point and per stretch. The handout, reference sheets and pocket cards all
build their cards here, so a point reads the same wherever it is printed."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph

from ..models import Point, Stretch
from ..program import Chosen
from ..text import markup
from ..units import dose_text, minutes_text
from .figures import point_figure, stretch_figure
from .cardbox import CardBox
from .flow import Context, Para
from .qr import with_code

SIDE_WORDS = {"both": "on each side", "left": "on the left side", "right": "on the right side",
              "centre": ""}


def point_heading(ctx: Context, point: Point, style: str = "h3") -> Paragraph:
    """'BL60  Kūnlún  昆仑  Kunlun Mountains': Chinese only where a font can print it."""
    parts = [f"<b>{markup(point.id, ctx.fonts)}</b>", markup(point.pinyin, ctx.fonts)]
    if point.chinese and ctx.fonts.covers(point.chinese):
        parts.append(markup(point.chinese, ctx.fonts))
    parts.append(f"<i>{markup(point.english, ctx.fonts)}</i>")
    return Para("  ·  ".join(parts), ctx.styles[style])


def hold_text(ctx: Context, point: Point) -> str:
    """'Hold 1 to 3 minutes on each side' for this client (one side if they chose one)."""
    side = ctx.program.client.side
    sides = point.technique.sides
    where = SIDE_WORDS[sides]
    if sides == "both" and side in ("left", "right"):
        where = SIDE_WORDS[side]
    return f"Hold {minutes_text(point.technique.minutes)} {where}".strip() + "."


def caution_paragraphs(ctx: Context, chosen: Chosen) -> list[Paragraph]:
    """Each caution with a bold 'Caution:' label (never colour alone)."""
    out = []
    if chosen.allowed_despite:
        labels = ", ".join(chosen.allowed_despite).lower()
        out.append(ctx.labelled("Your practitioner chose this despite " + labels + ":",
                                "follow their advice exactly.", "caution"))
    for caution in chosen.cautions:
        out.append(ctx.labelled("Caution:", caution.text, "caution"))
    return out


def _card(ctx: Context, figure, figure_width: float, body: list, heading,
          continued, figure_for=None) -> CardBox:
    """A framed card: heading across the top, the picture left, the words right; it splits
    across pages with its heading repeated (cardbox.py).

    In large print the picture goes above the words, so lines stay long enough to read."""
    card = CardBox(heading, figure, figure_width, body, border_colour=ctx.styles.primary,
                   stacked=ctx.large_print, continued=continued, figure_for=figure_for)
    card.frame_height = ctx.height or card.frame_height
    return card


def figure_width(ctx: Context) -> float:
    """A point's diagram: beside the words; in large print above them, and wide enough for
    its 14 pt labels."""
    return min(ctx.width - 12, 110 * mm) if ctx.large_print else min(ctx.width * 0.3, 56 * mm)


def picture_width(ctx: Context) -> float:
    """A stretch picture: beside the words as a point's diagram is; in large print it
    stands above the words, so it grows with the page (its lines grow with it)."""
    return min(ctx.width - 12, 100 * mm) if ctx.large_print else figure_width(ctx)


def figure_height(ctx: Context) -> float:
    """Tall views (a whole leg) are fitted to this height, so a card stays compact: 75 mm
    leaves a leg wide enough for its 9 pt landmark names (at 56 mm it showed codes only)."""
    return (80 if ctx.large_print else 75) * mm


def point_card(ctx: Context, chosen: Chosen) -> CardBox:
    point: Point = chosen.item
    width = figure_width(ctx)
    body = [ctx.labelled("How to find it:", point.find_it)]
    if not point.self_reach or point.reach_help:
        label = "Reaching it:" if point.self_reach else "You need help to reach this one:"
        body.append(ctx.labelled(label, point.reach_help))
    t = point.technique
    body.append(ctx.labelled("How to press:", t.pressure))
    body.append(ctx.para(hold_text(ctx, point), "card", bold=True))
    if t.breathing:
        body.append(ctx.labelled("Breathe:", t.breathing))
    body += caution_paragraphs(ctx, chosen)
    picture = point_figure(ctx, point, width, figure_height(ctx))
    figure, smaller = with_code(ctx, point, picture, width,
                                lambda height: _figure_of_height(ctx, point, picture, height))
    return _card(ctx, figure, width, body, point_heading(ctx, point),
                 lambda: ctx.para(f"{point.id} · {point.pinyin} (continued)", "h3"), smaller)


def _figure_of_height(ctx: Context, point: Point, figure, height: float):
    """The point's picture drawn narrower, so that it is at most `height` tall (its names
    beside it take room of their own: the height is a limit too)."""
    width, natural = figure.wrap(10_000, 10_000)
    return point_figure(ctx, point, width * min(1.0, height / natural), min(height, natural))


def stretch_card(ctx: Context, number: int, chosen: Chosen) -> CardBox:
    stretch: Stretch = chosen.item
    width = picture_width(ctx)
    heading = Para(f"<b>{number}. {markup(stretch.name, ctx.fonts)}</b>", ctx.styles["h3"])
    body = [ctx.labelled("Start:", stretch.start)]
    for step_number, step in enumerate(stretch.steps, 1):
        body.append(Para(markup(step, ctx.fonts), ctx.styles["bullet"],
                              bulletText=f"{step_number}."))
    body.append(ctx.labelled("How much:", dose_text(stretch.dose) + "."))
    body.append(ctx.labelled("How often:", stretch.how_often))
    if stretch.stop_if:
        body.append(ctx.labelled("Stop if:", stretch.stop_if))
    body += caution_paragraphs(ctx, chosen)
    picture = stretch_figure(ctx, stretch, width)

    def smaller(height: float):
        full_width, natural = picture.wrap(10_000, 10_000)
        return stretch_figure(ctx, stretch, full_width * min(1.0, height / natural))

    figure, smaller = with_code(ctx, stretch, picture, width, smaller)
    return _card(ctx, figure, width, body, heading,
                 lambda: ctx.para(f"{number}. {stretch.name} (continued)", "h3"), smaller)
