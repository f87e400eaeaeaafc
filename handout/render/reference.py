"""Practitioner reference sheets: one acupressure point per page.

Each page: the point's names, a large diagram beside the WHO standard location and the
client's finding route, the technique, and every caution with the conditions it concerns
named (the practitioner needs all of them, not just one client's).

    pdf = make_reference(["BL60", "K3"])            # these points
    pdf = make_reference(protocol="sciatica")       # a protocol's points
    pdf = make_reference()                          # every point in the library

The page layout comes from templates/reference-sheet.yaml: its sections print in order, once
per point. The builder has the signature of sections.build_sections, so api.render draws it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepInFrame, Paragraph, Spacer
from reportlab.platypus.doctemplate import LayoutError

from ..client import Client
from ..errors import DataError, InputError, Problem, UnknownItemError
from ..layout import Template
from ..models import Caution, Point
from ..program import Chosen
from ..text import markup
from .figures import point_figure
from .flow import Context, grid
from .items import hold_text, point_heading
from .styles import HEADINGS

REGION_WORDS = {"lower-back": "lower back", "ankle-foot": "ankle and foot",
                "lower-leg": "lower leg"}
DIAGRAM_MM = 90.0  # the largest diagram, unless the template says otherwise
MIN_DIAGRAM_MM = 45.0
DIAGRAM_STEP_MM = 5.0


# -- sections: each (ctx, options, chosen, diagram_width) -> flowables -------------------

def title_section(ctx: Context, options: dict, chosen: Chosen, diagram_width: float) -> list:
    return [point_heading(ctx, chosen.item, "h1")]


def facts_section(ctx: Context, options: dict, chosen: Chosen, diagram_width: float) -> list:
    point: Point = chosen.item
    facts = [("Meridian", point.meridian),
             ("Region", REGION_WORDS.get(point.region, point.region.replace("-", " ")))]
    if point.aliases:
        facts.append(("Also written", ", ".join(point.aliases)))
    protocols = [p.name for p in ctx.library.protocols.values()
                 if point.id in {ctx.library.point(ref).id for ref in p.points}]
    if protocols:
        facts.append(("In protocols", "; ".join(protocols)))
    facts.append(("Self-care", "the client can reach it" if point.self_reach
                  else "needs a helper, or a soft ball against a wall"))
    line = "  ·  ".join(f"<b>{markup(k, ctx.fonts)}:</b> {markup(v, ctx.fonts)}" for k, v in facts)
    return [Paragraph(line, ctx.styles["body"]), Spacer(1, 2 * mm)]


def location_section(ctx: Context, options: dict, chosen: Chosen, diagram_width: float) -> list:
    """The diagram on the left; the WHO location, finding route and reach on the right."""
    point: Point = chosen.item
    words = [ctx.para(options.get("heading", "Standard location (WHO 2008)"), "h3"),
             ctx.para(point.location, "card"),
             ctx.para(options.get("route_heading", "Finding route (as the client reads it)"), "h3"),
             ctx.para(point.find_it, "card")]
    if point.reach_help:
        words.append(ctx.para(options.get("reach_heading", "Reaching it"), "h3"))
        words.append(ctx.para(point.reach_help, "card"))
    return [Spacer(1, 1 * mm), Location(ctx, point_figure(ctx, point, diagram_width),
                                        diagram_width, words)]


class Location(Flowable):
    """The diagram with the words beside it. Over a page's foot the words beside it go on
    over the page; where not even the diagram fits, the words start here across the
    width and the diagram follows on the next page (under the point's "(continued)"
    name), with the rest of the words beside it: rather that than a page left a quarter
    empty before the point."""

    GAP = 5 * mm
    LEAST_LINES = 3  # of words that start a point at a page's foot, under their heading

    def __init__(self, ctx: Context, figure, figure_width: float, words: list):
        super().__init__()
        self.ctx, self.figure, self.figure_width, self.words = ctx, figure, figure_width, words
        self.table = grid([[figure or "", words]], [figure_width + self.GAP,
                                              ctx.width - figure_width - self.GAP],
                          ctx.styles, [("VALIGN", (0, 0), (-1, -1), "TOP"),
                                       ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                       ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                       ("TOPPADDING", (0, 0), (-1, -1), 0),
                                       ("BOTTOMPADDING", (0, 0), (-1, -1), 0)])

    def wrap(self, available_width, available_height):
        self.width, self.height = self.table.wrapOn(self.canv, available_width, available_height)
        return self.width, self.height

    def least_start(self, available_width: float) -> float:
        """The least room in which this can start: the diagram, or the first heading and
        LEAST_LINES lines of words under it."""
        figure_h = self.figure.wrapOn(self.canv, self.figure_width, 1e7)[1] if self.figure else 0
        if len(self.words) < 2:
            return figure_h
        heading = self.words[0].wrapOn(self.canv, available_width, 1e7)[1] \
            + self.words[0].getSpaceAfter()
        lines = self.LEAST_LINES * self.words[1].style.leading + self.words[1].getSpaceBefore()
        return min(figure_h, heading + lines)

    def split(self, available_width, available_height):
        figure_h = self.figure.wrapOn(self.canv, self.figure_width, 1e7)[1] if self.figure else 0
        if figure_h <= available_height:  # the words beside it go on over the page
            words_w = available_width - self.figure_width - self.GAP
            first, rest = _fill(self.canv, self.words, words_w, available_height)
            if not first or not rest:  # no words fit here (or, wrap() said, not all)
                return []
            return [Location(self.ctx, self.figure, self.figure_width, first),
                    Location(self.ctx, None, self.figure_width, rest)]
        first, rest = _fill(self.canv, self.words, available_width, available_height)
        if len(first) < 2:  # no more than a heading: all of it starts on the next page
            return []
        return [*first, Location(self.ctx, self.figure, self.figure_width, rest)]

    def draw(self):
        self.table.drawOn(self.canv, 0, 0)


def _fill(canv, flowables: list, width: float, height: float) -> tuple[list, list]:
    """The flowables that fit in `height` (the last one split where it must; a heading
    is never left last), and the rest."""
    first, used = [], 0.0
    for index, flowable in enumerate(flowables):
        before = flowable.getSpaceBefore() if first else 0.0
        _, h = flowable.wrapOn(canv, width, height)
        after = flowable.getSpaceAfter()
        if used + before + h + after <= height:
            first.append(flowable)
            used += before + h + after
            continue
        parts = flowable.splitOn(canv, width, height - used - before - after)
        rest = list(flowables[index:])
        if len(parts) > 1:
            first.append(parts[0])
            rest = [*parts[1:], *flowables[index + 1:]]
        break
    else:
        rest = []
    while first and _is_heading(first[-1]):
        rest.insert(0, first.pop())
    return first, rest


def _is_heading(flowable) -> bool:
    return getattr(getattr(flowable, "style", None), "name", None) in HEADINGS


def _heading(ctx: Context, text: str, style: str) -> Paragraph:
    """A section's heading, kept with the start of what follows it (never last on a page)."""
    heading = ctx.para(text, style)
    heading.keepWithNext = 1
    return heading


def technique_section(ctx: Context, options: dict, chosen: Chosen, diagram_width: float) -> list:
    point: Point = chosen.item
    t = point.technique
    out = [_heading(ctx, options.get("heading", "Technique"), "h2")]
    if t.pressure:
        out.append(ctx.labelled("Pressure:", t.pressure))
    out.append(ctx.para(hold_text(ctx, point), "card", bold=True))
    if t.breathing:
        out.append(ctx.labelled("Breathing:", t.breathing))
    return out


def caution_label(ctx: Context, caution: Caution) -> str:
    """'Avoid with pregnancy ...', 'Take care with blood thinners ...' or 'All clients'."""
    def names(ids):
        labels = [ctx.library.conditions[i].label.lower() if i in ctx.library.conditions else i
                  for i in ids]
        return ", ".join(labels[:-1]) + (" or " if len(labels) > 1 else "") + labels[-1]

    parts = []
    if caution.avoid_if:
        parts.append(f"Avoid with {names(caution.avoid_if)}")
    if caution.caution_if:
        parts.append(("take care" if parts else "Take care") + f" with {names(caution.caution_if)}")
    return "; ".join(parts) + ":" if parts else "All clients:"


def cautions_section(ctx: Context, options: dict, chosen: Chosen, diagram_width: float) -> list:
    point: Point = chosen.item
    out = [_heading(ctx, options.get("heading", "Cautions"), "h2")]
    if not point.cautions:
        return out + [ctx.para("None recorded for this point.", "card")]
    if options.get("intro"):
        out.append(ctx.para(options["intro"], "body"))
    # Everyone's cautions first, then those that rule the point out, then the take-care ones.
    order = sorted(point.cautions, key=lambda c: (not c.always, not c.avoid_if))
    out += [ctx.labelled(caution_label(ctx, c), c.text, "caution") for c in order]
    out += worded_for_conditions(ctx, ctx.library.point(point.id))
    return out


FIELD_WORDS = {"find_it": "Finding route", "reach_help": "Reaching it",
               "technique.pressure": "Pressure", "technique.breathing": "Breathing"}


def worded_for_conditions(ctx: Context, point: Point) -> list:
    """What some clients read instead (the practitioner sees every version)."""
    def label(ids):
        return " or ".join(ctx.library.conditions[i].label.lower() for i in ids
                           if i in ctx.library.conditions)

    lines = []
    for wording in point.wording:
        name = FIELD_WORDS.get(wording.field, wording.field)
        for condition, text in wording.instead:
            lines.append(ctx.labelled(f"{name}, with {label([condition])}:",
                                      text or "left out.", "caution"))
        if wording.only_if:
            lines.append(ctx.labelled(f"{name}:", f"printed only with {label(wording.only_if)}.",
                                      "caution"))
    if not lines:
        return []
    return [_heading(ctx, "Worded differently for some clients", "h3"), *lines]


# name -> (builder, the options it accepts)
SECTIONS = {
    "title": (title_section, ()),
    "facts": (facts_section, ()),
    "location": (location_section, ("heading", "route_heading", "reach_heading", "diagram_mm")),
    "technique": (technique_section, ("heading",)),
    "cautions": (cautions_section, ("heading", "intro")),
}


def section_options() -> dict[str, tuple[str, ...]]:
    return {name: options for name, (_, options) in SECTIONS.items()}


# -- the page -------------------------------------------------------------------------------

class PointPage(Flowable):
    """One point's sections, kept to the page: the diagram is drawn as large as the frame
    allows (from the template's diagram_mm down to MIN_DIAGRAM_MM). When even that is too
    long (large print, a clinic's long texts), the sections go on over a second page, which
    starts with the point's name, rather than shrinking."""

    def __init__(self, ctx: Context, template: Template, chosen: Chosen):
        super().__init__()
        self.ctx, self.template, self.chosen = ctx, template, chosen
        self.diagram_width = 0.0  # chosen at layout time, kept for tests
        self.continued = False  # True when the point needed more than one page
        self._groups: list[tuple[str, list]] = []
        self._fitted = None

    def _sections(self, diagram_width: float) -> list[tuple[str, list]]:
        return [(section.name, SECTIONS[section.name][0](self.ctx, section.options,
                                                          self.chosen, diagram_width))
                for section in self.template.sections]

    def _widths(self, available_width: float) -> list[float]:
        largest = min(_diagram_mm(self.template) * mm, available_width * 0.55)
        widths, width = [], largest
        while width > MIN_DIAGRAM_MM * mm:
            widths.append(width)
            width -= DIAGRAM_STEP_MM * mm
        return widths + [min(MIN_DIAGRAM_MM * mm, largest)]

    def _height(self, flowables: list, width: float) -> float:
        tall = 1e7
        return KeepInFrame(width, tall, flowables, mode="error").wrapOn(self.canv, width, tall)[1]

    def wrap(self, available_width, available_height):
        widths = self._widths(available_width)
        for width in widths:
            groups = self._sections(width)
            content = [f for _, flowables in groups for f in flowables]
            frame = KeepInFrame(available_width, available_height, content, mode="error")
            try:
                _, height = frame.wrapOn(self.canv, available_width, available_height)
            except LayoutError:
                continue
            self.diagram_width, self._groups, self._fitted = width, groups, frame
            self.continued = False
            self.width, self.height = available_width, height
            return self.width, self.height
        # Too long for one page: the largest diagram that still fits on the first page
        # under the sections before it (the words beside it may go on over the page);
        # split() then breaks between sections and inside the location's words.
        # Where not even the smallest fits here, the diagram follows on the next page
        # (Location): the largest that fits a page under the "(continued)" name, then.
        frame = self._doctemplateAttr("frame")
        page = frame._height * 0.85 if frame is not None else available_height
        for room in (available_height, max(page, available_height)):
            for width in widths:
                groups = self._sections(width)
                if self._head_height(groups, available_width, room == available_height) <= room:
                    break
            else:
                continue
            break
        self.diagram_width, self._groups, self._fitted = width, groups, None
        self.continued = True
        self.width, self.height = available_width, available_height + 1
        return self.width, self.height

    def _head_height(self, groups, available_width: float, before_too: bool = True) -> float:
        """The height of the sections before the diagram's (unless not `before_too`) and
        the diagram: the part that starts a page."""
        before, location = _up_to_diagram(groups)
        height = self._height(before, available_width) if before_too else 0.0
        for flowable in location:
            if isinstance(flowable, Location):
                height += flowable.figure.wrapOn(self.canv, flowable.figure_width, 1e7)[1]
            else:
                height += self._height([flowable], available_width)
        return height

    def least_start(self, available_width: float) -> float:
        """The room this point needs to start on a page: the sections before its diagram's
        and the least of the location section that may start a page (Location)."""
        smallest = self._widths(available_width)[-1]
        before, location = _up_to_diagram(self._sections(smallest))
        height = 0.0
        for flowable in location:
            if isinstance(flowable, Location):
                flowable.canv = self.canv
                height += flowable.least_start(available_width)
            else:
                height += self._height([flowable], available_width)
        if not before:
            return height
        # The point's name, then at least LEAST_LINES lines of what follows it (its facts
        # go on over the page, under its name, where they must).
        lines = Location.LEAST_LINES * self.ctx.styles["body"].leading
        return (self._height(before[:1], available_width)
                + min(self._height(before[1:], available_width) + height, lines))

    def split(self, available_width, available_height):
        if self._fitted is not None:
            return []
        point = self.chosen.item

        def more():
            return self.ctx.para(f"{point.id} · {point.pinyin} (continued)", "h2")

        flowables = [f for _, group in self._groups for f in group]
        return [flowables[0], *(Continued(f, more) for f in flowables[1:])]

    def draw(self):
        self._fitted.drawOn(self.canv, 0, 0)


def _up_to_diagram(groups) -> tuple[list, list]:
    """The flowables of the sections before the location (diagram) section, and its own
    (none when the template has no location section)."""
    before = []
    for name, flowables in groups:
        if name == "location":
            return before, flowables
        before += flowables
    return before, []


def _diagram_mm(template: Template) -> float:
    for section in template.sections:
        if section.name == "location" and "diagram_mm" in section.options:
            value = section.options["diagram_mm"]
            if isinstance(value, bool) or not isinstance(value, (int, float)) \
                    or not MIN_DIAGRAM_MM <= value <= 250:
                raise DataError(Problem(template.source, section.line, None, "sections.location",
                                        f"diagram_mm should be a number from {MIN_DIAGRAM_MM:g} "
                                        f"to 250, not {value!r}"))
            return float(value)
    return DIAGRAM_MM


def build_reference(ctx: Context, template: Template) -> list:
    """One page per point of the Program, in its order."""
    _diagram_mm(template)  # a bad option is a clear error before any page is drawn
    pages = [PointPage(ctx, template, chosen) for chosen in ctx.program.points]
    out = pages[:1]
    for previous, following in zip(pages, pages[1:]):
        out += [NextPoint(previous, following), following]
    return out


class Continued(Flowable):
    """A part of a point that runs over a page: wherever it comes first on a page (moved
    there whole, or the rest of a paragraph split at the page's foot), it prints under the
    point's name, "BL40 · Wěizhōng (continued)", so no page starts nameless."""

    def __init__(self, flowable: Flowable, label):
        super().__init__()
        self.flowable, self.label_for = flowable, label  # label(): a new heading flowable
        self.keepWithNext = getattr(flowable, "keepWithNext", 0)
        self.label = None

    def _at_top(self) -> bool:
        frame = getattr(self, "_frame", None)
        return bool(frame is not None and getattr(frame, "_atTop", 0))

    def wrap(self, available_width, available_height):
        self.label = self.label_for() if self._at_top() else None
        label_h = self.label.wrapOn(self.canv, available_width, available_height)[1] \
            + self.label.getSpaceAfter() if self.label else 0.0
        _, height = self.flowable.wrapOn(self.canv, available_width, available_height - label_h)
        self.width, self._label_h = available_width, label_h
        self.height = label_h + height
        return self.width, self.height

    def split(self, available_width, available_height):
        self.wrap(available_width, available_height)
        parts = self.flowable.splitOn(self.canv, available_width, available_height - self._label_h)
        if not parts:
            return []
        head = [self.label] if self.label else []
        return [*head, parts[0], *(Continued(part, self.label_for) for part in parts[1:])]

    def getSpaceBefore(self):
        return 0.0 if self.label else self.flowable.getSpaceBefore()

    def getSpaceAfter(self):
        return self.flowable.getSpaceAfter()

    def draw(self):
        if self.label:
            self.label.drawOn(self.canv, 0, self.height - self.label.height)
        self.flowable.drawOn(self.canv, 0, 0)


class NextPoint(CondPageBreak):
    """Between two points: a new page, as a reference sheet is one point a page. A point
    that ran over a page of its own (large print, long texts) lets the next one start on
    its last page where the next one's name, facts and diagram fit there, rather than
    leave that page half empty."""

    def __init__(self, previous: PointPage, following: PointPage):
        super().__init__(0)
        self.previous, self.following = previous, following

    def wrap(self, available_width, available_height):
        self.following.canv = self.canv  # measured here, before its own turn on the page
        frame = self._doctemplateAttr("frame")
        page = frame._height if frame is not None else available_height
        # (a head taller than most of a page runs over wherever it starts)
        self.height = (min(self.following.least_start(available_width), 0.6 * page)
                       if self.previous.continued else available_height + 1)
        return super().wrap(available_width, available_height)


# -- the Python entry point --------------------------------------------------------------------

def reference_client(library, ids: Sequence[str] = (), protocol: str = "",
                     paper: str = "") -> Client:
    """The Client whose Program holds the points to print: these ids (aliases resolve), the
    protocol's points, or every point in the library when neither is given."""
    points = []
    for ref in ids:
        try:
            points.append(library.point(ref).id)
        except UnknownItemError:
            item = _other_item(library, ref)
            if item is None:
                raise
            kind = getattr(item, "kind", "protocol")
            hint = f"; use protocol='{item.id}'" if kind == "protocol" else ""
            raise InputError(f"'{ref}' is a {kind}, not a point; reference sheets are for "
                             f"acupressure points{hint}") from None
    if not ids and not protocol:
        points = list(library.points)
    return Client(protocol=protocol, points=tuple(dict.fromkeys(points)), paper=paper,
                  source="options")


def _other_item(library, ref):
    try:
        return library.find(ref)
    except UnknownItemError:
        return None


def make_reference(ids: Sequence[str] = (), *, protocol: str = "", brand=None, paper: str = "",
                   template: str | Path = "reference-sheet",
                   data_dirs: Sequence[Path | str] = (), template_dirs: Sequence[Path] = (),
                   reproducible: bool = False) -> bytes:
    """Reference sheets as PDF bytes: one page per point (see the module's docstring)."""
    from ..job import prepare, render
    from ..library import load_library

    client = reference_client(load_library(data_dirs), ids, protocol, paper)
    job = prepare(client, brand=brand, template=template, data_dirs=data_dirs,
                  template_dirs=template_dirs, known_sections=section_options())
    if not job.program.points:
        raise InputError(f"nothing to print: protocol '{protocol}' has no points")
    return render(job, build_reference, reproducible=reproducible)
