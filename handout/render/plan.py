"""The weekly plan sheet: one page per week, a row per routine item, a column per day.

    api.render(job, builder=plan_flowables)                       # one week from today
    api.render(job, builder=functools.partial(plan_flowables, plan=plan))
    build_pdf(handout, page, more=(plan_part(job, start, weeks, locale),))   # after a handout

Drawing only: which items, their doses and the dates come from handout.plan (pure).
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Sequence

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Paragraph, Spacer

from ..fonts import font_set
from ..layout import Template, find_template, load_template
from ..plan import (
    DEFAULT_LOCALE, Plan, Week, build_plan, check_locale, check_weeks, start_date,
)
from ..text import markup
from .document import Page
from .flow import Context, grid, panel, stacked_height
from .styles import MIN_LARGE_PT, make_styles

TICK_MM = 6.0  # at least 6 mm, to tick with a pen (7.2 mm in large print)
GAP_MM = 2.0  # between two boxes of one day
CELL_PAD_MM = 1.5
WRITE_MM = 10.0  # height of a row to write a number in (notes: half as much again)
MAX_WRITE_MM = 22.0  # a page of rows to write in (the back of a long week) grows them to this
WANTED_LABEL_MM = 105.0  # room for "Knee-to-chest stretch: 20-30 s, 3x each side" on a line
MIN_LABEL_MM = 55.0  # boxes stack rather than squeeze the routine column below this
MAX_DAY_MM = 30.0
GRID = colors.HexColor("#4D4D4D")
ZEBRA = colors.HexColor("#F1F1F1")  # every other routine row, to read along it (not meaning)


SESSION_LABELS = {2: ("AM", "PM")}  # two a day: morning and evening, named


class TickBoxes(Flowable):
    """`count` empty squares to tick, centred in the space given: one box, or one a line
    with its session's name before it (AM, PM) for twice a day."""

    def __init__(self, count: int, size: float, gap: float = GAP_MM * mm, *,
                 font: str = "", font_size: float = 12.0):
        super().__init__()
        self.count, self.size, self.gap = count, size, gap
        self.labels = SESSION_LABELS.get(count, ("",) * count)
        self.font, self.font_size = font, font_size

    def wrap(self, available_width, available_height):
        self.width = available_width
        self.height = self.count * self.size + (self.count - 1) * self.gap * 1.5
        return self.width, self.height

    def draw(self):
        canvas = self.canv
        canvas.saveState()
        canvas.setLineWidth(1.2)
        label_w = max((stringWidth(t, self.font, self.font_size) for t in self.labels if t),
                      default=0.0)
        row_w = self.size + (label_w + 1.5 * mm if label_w else 0)
        x = (self.width - row_w) / 2
        for index, label in enumerate(self.labels):
            y = self.height - (index + 1) * self.size - index * self.gap * 1.5
            if label:
                canvas.setFillColor(colors.black)
                canvas.setFont(self.font, self.font_size)
                canvas.drawString(x, y + (self.size - self.font_size * 0.7) / 2, label)
            canvas.setStrokeColor(colors.black)
            canvas.setFillColor(colors.white)
            canvas.rect(x + row_w - self.size, y, self.size, self.size, stroke=1, fill=1)
        canvas.restoreState()


def tick_size(large_print: bool) -> float:
    return TICK_MM * (1.2 if large_print else 1) * mm


def _style(ctx: Context, name: str, **changes) -> ParagraphStyle:
    base = ctx.styles["body"]
    size = changes.pop("fontSize", base.fontSize)
    return ParagraphStyle(name, parent=base, spaceBefore=0, spaceAfter=0, fontSize=size,
                          leading=size * 1.22, **changes)


# -- sections ----------------------------------------------------------------------------

def title_section(ctx: Context, plan: Plan, week: Week, options: dict) -> list:
    """'Margaret Ellis · Week 1 of 4 · 14 to 20 March 2026', and what to do with the sheet."""
    who = plan.name or options.get("heading", "Weekly plan")
    parts = [f"<b>{markup(who, ctx.fonts)}</b>"]
    if week.of > 1:
        parts.append(markup(f"Week {week.number} of {week.of}", ctx.fonts))
    parts.append(markup(week.dates, ctx.fonts))
    title = Paragraph("  ·  ".join(parts), ctx.styles["h2"])
    words = str(options.get("instructions", "")).strip()
    if plan.next_appointment and words and week.number == 1:  # free text: later weeks
        # may be past it, so only the first week names it
        words = words.rstrip(".") + f": {plan.next_appointment}."
    if not words:
        return [title, Spacer(1, 1 * mm)]
    if ctx.width < 200 * mm or ctx.large_print:
        how = Paragraph(markup(words, ctx.fonts), _style(ctx, "plan-how"))
        return [title, how, Spacer(1, 2 * mm)]
    how = Paragraph(markup(words, ctx.fonts), _style(ctx, "plan-how-right", alignment=2))
    row = grid([[title, how]], [ctx.width * 0.52, ctx.width * 0.48], ctx.styles, [
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ("ALIGN", (1, 0), (1, 0), "RIGHT"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 2 * mm),
    ], split_in_row=False)
    return [row]


def column_widths(ctx: Context, most_boxes: int) -> tuple[float, float]:
    """(routine column, day column) in points: a day is never narrower than its date (a date
    never breaks inside '14 Mar'), its boxes sit side by side where the routine column keeps
    its least width (else they stack), and the routine column gets the rest."""
    box, pad = tick_size(ctx.large_print), CELL_PAD_MM * mm
    size = ctx.styles["body"].fontSize
    regular, bold = ctx.fonts.main.regular, ctx.fonts.main.bold
    widest_date = max([stringWidth(w, bold, size) for w in ("Mon", "Wed", "Thu", "Sat")]
                      + [stringWidth(w, regular, size) for w in ("30 Sep", "Sep 30", "28 Mar")])
    date_need = widest_date + 2 * pad + 1 * mm
    label = stringWidth("AM", regular, size) + 1.5 * mm if most_boxes > 1 else 0.0
    box_need = box + label + 2 * pad + 1 * mm  # boxes stack, each after its session's name
    scale = 1.2 if ctx.large_print else 1
    day = max(date_need, min(MAX_DAY_MM * mm, (ctx.width - WANTED_LABEL_MM * scale * mm) / 7))
    if day < box_need and ctx.width - 7 * box_need >= MIN_LABEL_MM * scale * mm:
        day = box_need
    return ctx.width - 7 * day, day


def _day_headings(ctx: Context, days, width: float, style) -> list[Paragraph]:
    """'Sat 14 Mar' on one line when every day fits its column, else all on two lines."""
    room = width - 2 * CELL_PAD_MM * mm
    bold, regular = ctx.fonts.main.bold, ctx.fonts.main.regular
    one_line = all(stringWidth(d.weekday + " ", bold, style.fontSize)
                   + stringWidth(d.label, regular, style.fontSize) <= room for d in days)
    gap = " " if one_line else "<br/>"
    return [Paragraph(f"<b>{markup(d.weekday, ctx.fonts)}</b>{gap}{markup(d.label, ctx.fonts)}",
                      style) for d in days]


def routine_section(ctx: Context, plan: Plan, week: Week, options: dict) -> list:
    """The table: dates across, routine items down, then the rows to write in.

    Its header row repeats when the routine runs on to another page."""
    box = tick_size(ctx.large_print)
    most = max((row.per_day for row in week.rows), default=1)
    label_w, day_w = column_widths(ctx, most)
    pad = CELL_PAD_MM * mm
    cell = _style(ctx, "plan-cell")
    head = _style(ctx, "plan-head", fontName=ctx.fonts.main.bold)
    day_head = _style(ctx, "plan-day", alignment=1)

    part = options.get("part", "both")  # "routine", "tracking" or both (plan_flowables)
    heading = options.get("heading", "Tick a box each time you do it")
    if part == "tracking":
        heading = "Write in each day"
    data = [[Paragraph(markup(heading, ctx.fonts), head)]
            + _day_headings(ctx, week.days, day_w, day_head)]
    for row in week.rows if part != "tracking" else ():
        text = f"<b>{markup(row.label, ctx.fonts)}</b>: {markup(row.dose, ctx.fonts)}"
        if row.new:
            text += (f"  <b><i>New this week</i></b> "
                     f"{markup(f'(was {row.was})', ctx.fonts)}")
        data.append([Paragraph(text, cell)] + [TickBoxes(row.per_day, box, font=ctx.fonts.main.regular,
                                                         font_size=cell.fontSize)
                                               for _ in week.days])
    routine_end = len(data)  # rows 1 .. routine_end - 1 are the routine

    tracking_at = None
    if options.get("tracking", True) and part != "routine":
        tracking_at = len(data)
        heading = options.get("tracking_heading", "")
        if heading:
            data.append([Paragraph(markup(heading, ctx.fonts), head)] + [""] * 7)
        write_h = options.get("write_mm", WRITE_MM * (1.2 if ctx.large_print else 1)) * mm
        for item in plan.tracking:
            text = f"<b>{markup(item.label, ctx.fonts)}</b>"
            if item.hint:
                text += f" ({markup(item.hint, ctx.fonts)})"
            height = write_h * (1.5 if item.tall else 1) - 2 * pad * 0.4
            data.append([Paragraph(text, cell)] + [Spacer(1, height) for _ in week.days])

    commands = [
        ("GRID", (0, 0), (-1, -1), 0.6, GRID),
        ("BOX", (0, 0), (-1, -1), 1.2, colors.black),
        ("LINEBELOW", (0, 0), (-1, 0), 1.2, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), ctx.styles.accent),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), pad), ("RIGHTPADDING", (0, 0), (-1, -1), pad),
        ("TOPPADDING", (0, 0), (-1, -1), pad * 0.4), ("BOTTOMPADDING", (0, 0), (-1, -1), pad * 0.4),
        ("TOPPADDING", (0, 0), (-1, 0), pad * 0.7), ("BOTTOMPADDING", (0, 0), (-1, 0), pad * 0.7),
    ]
    for index in range(2, routine_end, 2):
        commands.append(("BACKGROUND", (0, index), (-1, index), ZEBRA))
    # A continued page never starts with a lone routine row.
    if routine_end >= 3:
        commands.append(("NOSPLIT", (0, routine_end - 2), (-1, routine_end - 1)))
    if tracking_at is not None and tracking_at > 1:
        commands.append(("LINEABOVE", (0, tracking_at), (-1, tracking_at), 1.2, colors.black))
        if options.get("tracking_heading"):
            commands += [("SPAN", (0, tracking_at), (-1, tracking_at)),
                         ("BACKGROUND", (0, tracking_at), (-1, tracking_at), ctx.styles.accent)]
    table = grid(data, [label_w] + [day_w] * 7, ctx.styles, commands, split_in_row=False,
                 repeatRows=1, splitByRow=1)
    return [table, Spacer(1, 1.5 * mm)]


def warning_strip_section(ctx: Context, plan: Plan, week: Week, options: dict) -> list:
    """The emergency signs as a short tick list under the emergency number, in a thick black
    box; the same-day signs in a line below, the signs of the client's own conditions
    (pregnancy's), and the clinic's phone number."""
    flags = ctx.program.safety.red_flags
    # Large print sets the strip at the large-print floor: its thick box and bold words
    # keep it prominent, and it fits under the rows on a landscape sheet.
    style = _style(ctx, "plan-strip", **({"fontSize": MIN_LARGE_PT} if ctx.large_print else {}))
    heading = markup(options.get("heading", "Warning signs"), ctx.fonts)
    top = Paragraph(f"<b>{heading}: {markup(flags.emergency_short_title, ctx.fonts)}</b>", style)
    parts = [top, _sign_columns(ctx, [s.short or s.ask for s in flags.emergency], style)]
    urgent = [s.short for s in flags.urgent if s.short]
    if urgent:
        joined = "; ".join(urgent[:1] + [u[:1].lower() + u[1:] for u in urgent[1:]])
        parts.append(Paragraph(f"<b>{markup(flags.urgent_short_title, ctx.fonts)}:</b> "
                               f"{markup(joined, ctx.fonts)}.", style))
    for signs in ctx.program.warning_signs:
        parts.append(Paragraph(f"<b>{markup(signs.short, ctx.fonts)}</b>", style))
    if ctx.brand.phone:
        who = " ".join(x for x in (ctx.brand.clinic_name, ctx.brand.phone) if x)
        label = markup(options.get("phone_label", "Not sure? Call us:"), ctx.fonts)
        parts.append(Paragraph(f"<b>{label} {markup(who, ctx.fonts)}</b>", style))
    box = panel([[parts]], ctx.width, ctx.styles, border=2.2, fill=colors.white, padding=4)
    return [KeepTogether([box])]  # never split: the whole strip, on this page or the next


def _sign_columns(ctx: Context, signs: list[str], style) -> Flowable:
    """Short signs each with a tick box, in three columns (two upright or in large print)."""
    columns = 2 if ctx.width < 200 * mm or ctx.large_print else 3
    box = tick_size(ctx.large_print) * 0.7
    rows = []
    for start in range(0, len(signs), columns):
        row = []
        for sign in signs[start:start + columns]:
            row += [TickBoxes(1, box), Paragraph(markup(sign, ctx.fonts), style)]
        rows.append(row + [""] * (2 * columns - len(row)))
    inner = ctx.width - 2 * 4 - 4
    text_w = (inner - columns * (box + 2 * mm)) / columns
    widths = [box + 2 * mm, text_w] * columns
    return grid(rows, widths, ctx.styles, [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
    ], split_in_row=False)


# name -> (builder, the options it accepts): templates/weekly-plan.yaml is checked against it
PLAN_SECTIONS = {
    "week-title": (title_section, ("heading", "instructions")),
    "routine": (routine_section, ("heading", "tracking", "tracking_heading")),
    "warning-strip": (warning_strip_section, ("heading", "phone_label")),
}


def plan_section_options() -> dict[str, tuple[str, ...]]:
    return {name: options for name, (_, options) in PLAN_SECTIONS.items()}


def plan_flowables(ctx: Context, template: Template, plan: Plan | None = None) -> list:
    """The sheets, a page for every week (the build_sections signature; `plan` defaults to
    one week from today)."""
    plan = plan or build_plan(ctx.program)
    out: list = []
    for week in plan.weeks:
        if out:
            out.append(PageBreak())
        sheet = _sheet(ctx, template, plan, week, "both")
        if ctx.height and stacked_height(sheet, ctx.width) > ctx.height:
            # Too long for one page: the routine on the front, the rows to write in on the
            # back, each with the warning signs (every sheet a client keeps carries them).
            back = _sheet(ctx, template, plan, week, "tracking")
            # The back has room to spare: taller rows to write in, up to the page.
            rows = sum(1.5 if item.tall else 1 for item in plan.tracking)
            spare = (ctx.height - stacked_height(back, ctx.width)) * 0.95 / rows / mm
            if spare > 0:
                write = WRITE_MM * (1.2 if ctx.large_print else 1)
                back = _sheet(ctx, template, plan, week, "tracking",
                              write_mm=min(write + spare, MAX_WRITE_MM))
            front = _sheet(ctx, template, plan, week, "routine")
            if max(stacked_height(front, ctx.width), stacked_height(back, ctx.width)) <= ctx.height:
                sheet = [*front, PageBreak(), *back]
            # else (large print, a long routine): one table running on over the pages
        out += sheet
    return out


def _sheet(ctx: Context, template: Template, plan: Plan, week: Week, part: str,
           **routine) -> list:
    """One page's sections; `part` (and `routine`'s other settings) go to the routine."""
    out = []
    for section in template.sections:
        builder, _ = PLAN_SECTIONS[section.name]
        options = section.options
        if section.name == "routine":
            options = dict(options, part=part, **routine)
        out += builder(ctx, plan, week, options)
    return out



# -- whole documents ---------------------------------------------------------------------

def _context(job, template: Template) -> tuple[Context, Page]:
    brand = job.brand
    fonts = font_set(brand.font, brand.font_files, brand.cjk_font)
    styles = make_styles(template, brand, fonts, job.large_print)
    page = Page(brand, fonts, styles, template.title, job.paper, template.orientation,
                template.margins_mm, brand.disclaimer or job.program.safety.disclaimer,
                template.footer)
    ctx = Context(job.program, job.library, brand, fonts, styles, page.frame_width,
                  job.large_print, page.frame_height)  # the plan draws no pictures
    return ctx, page


def fit_orientation(job, template: Template, plan: Plan, orientation: str | None) -> Template:
    """The template turned as asked (--portrait); else as it says, unless a week fits one
    sheet only when turned the other way (a long routine fits upright)."""
    if orientation:
        return replace(template, orientation=orientation)
    other = "portrait" if template.orientation == "landscape" else "landscape"
    for candidate in (template, replace(template, orientation=other)):
        ctx, _ = _context(job, candidate)
        if all(stacked_height(_sheet(ctx, candidate, plan, week, "both"), ctx.width) <= ctx.height
               for week in plan.weeks):
            return candidate
    return template


def plan_part(job, start=None, weeks: int = 1, locale: str = DEFAULT_LOCALE, *,
              orientation: str | None = None, template: str | Path | Template = "weekly-plan",
              template_dirs: Sequence[Path] = ()) -> tuple[list, Page]:
    """The plan as (flowables, Page) for build_pdf(..., more=(...,)): a prepared handout
    job's Program and brand, drawn with the weekly-plan template (its own page, landscape).

    Raises InputError for a bad start date, weeks outside 1 to 26, an empty routine.
    """
    plan = build_plan(job.program, start, weeks, locale)
    if not isinstance(template, Template):
        template = load_template(find_template(template, template_dirs), plan_section_options())
    template = fit_orientation(job, template, plan, orientation)
    ctx, page = _context(job, template)
    return plan_flowables(ctx, template, plan), page


def make_plan(client, *, brand=None, template: str | Path = "weekly-plan",
              data_dirs: Sequence[Path | str] = (), template_dirs: Sequence[Path] = (),
              start=None, weeks: int = 1, locale: str = DEFAULT_LOCALE,
              orientation: str | None = None, reproducible: bool = False) -> bytes:
    """The weekly plan as PDF bytes: the same inputs as make_handout, plus the plan's own."""
    from ..job import prepare, render

    # The plan's own inputs first: a bad one is the only message, before any note.
    check_locale(locale)
    check_weeks(weeks)
    start = start_date(start)
    job = prepare(client, brand=brand, template=template, data_dirs=data_dirs,
                  template_dirs=template_dirs, known_sections=plan_section_options())
    plan = build_plan(job.program, start, weeks, locale)
    job = replace(job, template=fit_orientation(job, job.template, plan, orientation))
    return render(job, partial(plan_flowables, plan=plan), reproducible=reproducible)
