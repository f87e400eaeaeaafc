"""The sections a template can list, each a function Context, options -> flowables.

SECTIONS maps a section's name to its builder and the options it accepts; layout.py checks
templates against it, so a new section is one function and one line here.
"""

from __future__ import annotations

from datetime import date

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Indenter, KeepTogether, Spacer

from ..text import markup, paragraphs
from .flow import (
    Bookmark, ContinuedTable, Context, KeepTogetherIfFits, Para, WholeWhereItFits, WritingLines,
    panel, tick_list, two_columns,
)
from .items import point_card, stretch_card
from .styles import measure_width


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def heading(ctx: Context, text: str, style: str = "h2"):
    # Keep a heading with the start of what follows it (a few lines; keepWithNext keeps
    # it with the first paragraph), list it in the PDF's bookmarks.
    return [CondPageBreak(30 * mm * ctx.styles.scale), Bookmark(text),
            ctx.para(text, style)]


def client_section(ctx: Context, options: dict) -> list:
    """The client's name, then the date and practitioner on one line (the next appointment
    is with the practitioner's notes, after the warning signs)."""
    client = ctx.program.client
    title = f"Self-care plan for {client.name}" if client.name else "Your self-care plan"
    facts = [("Date:", long_date(client.day))]
    if client.practitioner:
        facts.append(("Practitioner:", client.practitioner))
    line = "   ".join(f"<b>{markup(label, ctx.fonts)}</b> {markup(value, ctx.fonts)}"
                       for label, value in facts)
    return [Bookmark("Your self-care plan"), ctx.para(title, "h1"),
            Para(line, ctx.styles["body"]), Spacer(1, 1 * mm)]


def intro_section(ctx: Context, options: dict) -> list:
    safety = ctx.program.safety
    out = heading(ctx, options.get("heading", "About this plan"))
    out.append(ctx.para(safety.about_sciatica))
    out.append(ctx.para(safety.how_to_use))
    return out


def warning_signs_section(ctx: Context, options: dict) -> list:
    """The red flags, early and prominent: a thick black box of tick-box questions, a group
    each (get help now, see a doctor today, make an appointment); two questions a row in
    normal print, so the box stays on one page. In large print a box taller than what is
    left of the page splits between groups, under "Warning signs (continued)". The warning
    signs of the client's own conditions (pregnancy's) follow in a box of their own."""
    flags = ctx.program.safety.red_flags
    inner = ctx.width - 2 * 9
    columns = 1 if ctx.large_print else 2

    def ticks(questions):
        return tick_list(ctx, questions, columns=columns, width=inner)

    groups = [[ctx.para(flags.emergency_title, "h3"), ticks([s.ask for s in flags.emergency])],
              [ctx.para(flags.urgent_title, "h3"), ticks([s.ask for s in flags.urgent])]]
    last = [ctx.para(flags.see_doctor_title, "h3"), *ctx.bullets(flags.see_doctor)]
    if ctx.brand.phone:  # running text: at the page's measure (a long clinic name wraps)
        narrow = ParagraphStyle("call-us", parent=ctx.styles["body"],
                                rightIndent=max(0.0, measure_indent(ctx) - 18))
        who = " ".join(x for x in (ctx.brand.clinic_name, ctx.brand.phone) if x)
        last.append(Para(f"<b>{markup('Not sure? Call us:', ctx.fonts)}</b> "
                              f"{markup(who, ctx.fonts)}", narrow))
    groups.append(last)
    heading_text = options.get("heading", "Warning signs - check these first")
    out = [Spacer(1, 2 * mm), Bookmark(heading_text), _warning_box(ctx, heading_text, groups)]
    for signs in ctx.program.warning_signs:
        group = [ticks(signs.signs)]
        if signs.note:  # running text: at the measure of the page's other running text
            narrow = ParagraphStyle("note", parent=ctx.styles["body"],
                                    rightIndent=max(0.0, measure_indent(ctx) - 18))
            group.append(Para(markup(signs.note, ctx.fonts), narrow))
        if ctx.large_print:  # may split like the box above: "You are pregnant (continued)"
            box = _warning_box(ctx, signs.title, [group], "h3")
        else:
            box = _warning_box(ctx, None, [[ctx.para(signs.title, "h3"), *group]])
        out += [Spacer(1, 3 * mm), box]
    return out + [Spacer(1, 4 * mm)]


def _warning_box(ctx: Context, heading: str | None, groups: list, heading_style: str = "h2"):
    rows = (([[ctx.para(heading, heading_style)]] if heading else [])
            + [[group] for group in groups])
    # Normal print splits only between groups; in large print a group can be taller than
    # a page, and splits inside (its questions stay whole).
    box = panel(rows, ctx.width, ctx.styles, border=2.2, fill=colors.white, padding=9,
                split_in_row=ctx.large_print, repeatRows=1 if heading else 0)
    # A rule under every group parts "now" from "today", and closes the box where it
    # splits (ReportLab draws no bottom edge there).
    box.setStyle([("LINEBELOW", (0, 1 if heading else 0), (-1, -1), 1.2, colors.black)])
    if heading is None:
        return KeepTogetherIfFits([box])  # whole, on one page
    box.__class__ = ContinuedTable
    # "Warning signs - check these first", "You are pregnant: call ..." -> "... (continued)"
    short = heading.split(" - ")[0].split(":")[0]
    box.continued = ctx.para(f"{short} (continued)", heading_style)
    return box if ctx.large_print else WholeWhereItFits([box])


def _cards_section(ctx: Context, options: dict, chosen, default_heading: str, rules,
                   card) -> list:
    """A heading, the general rules as bullets (option `intro`), then one card per item."""
    if not chosen:
        return []
    out = heading(ctx, options.get("heading", default_heading))
    if options.get("intro", True):
        out += two_columns(ctx, ctx.bullets(rules))
        out.append(Spacer(1, 3 * mm))
    return out + [card(number, item) for number, item in enumerate(chosen, 1)]


def points_section(ctx: Context, options: dict) -> list:
    return _cards_section(ctx, options, ctx.program.points, "Acupressure points",
                          ctx.program.safety.technique, lambda _, item: point_card(ctx, item))


def stretches_section(ctx: Context, options: dict) -> list:
    return _cards_section(ctx, options, ctx.program.stretches, "Stretches and exercises",
                          ctx.program.safety.stretch_rules,
                          lambda number, item: stretch_card(ctx, number, item))


def tips_section(ctx: Context, options: dict) -> list:
    groups = ctx.program.tips
    if not groups:
        return []
    out = heading(ctx, options.get("heading", "Everyday tips"))
    from .items import caution_paragraphs

    for topic, members in groups:
        # The topic's heading stays with its first tip, and a tip with its cautions; the
        # other tips fill the page after them rather than moving on as a block.
        title = ctx.para(topic.title, "h3")
        title.keepWithNext = 1
        out.append(title)
        for chosen in members:
            tip = ctx.labelled(chosen.item.title + ":", chosen.item.text, "body")
            cautions = caution_paragraphs(ctx, chosen)
            out.append(KeepTogether([tip, *cautions]) if cautions else tip)
        out.append(Spacer(1, 2 * mm))
    return out


def precautions_section(ctx: Context, options: dict) -> list:
    """Warnings for everyone, where not to press, and every "ask first" line (this client's
    first, marked), whatever conditions were marked: a condition may be new or untold."""
    safety = ctx.program.safety
    out = heading(ctx, options.get("heading", "Take care"))
    if safety.warnings:
        out.append(ctx.para("For everyone:", "h3"))
        out += [ctx.labelled("Warning:", text, "caution") for text in safety.warnings]
    out.append(ctx.para("Do not press on:", "h3"))
    out += ctx.bullets(safety.do_not_press)
    if ctx.program.ask_first:
        out.append(ctx.para("Ask first:", "h3"))
        for line in ctx.program.ask_first:
            if line.applies:
                out.append(ctx.labelled("This applies to you:", line.text, "caution"))
            else:
                out += ctx.bullets([line.text])
    return out


def notes_section(ctx: Context, options: dict) -> list:
    """The next appointment and the practitioner's own notes, early: what they told the
    client comes before the general content."""
    client = ctx.program.client
    if not (client.notes or client.next_appointment):
        return []
    out = heading(ctx, options.get("heading", "From your practitioner"))
    if client.next_appointment:
        out.append(ctx.labelled("Next appointment:", client.next_appointment, "body"))
    # A paragraph a line, not one paragraph with a <br/> a line: ReportLab lays out a
    # paragraph again each time it splits over a page, so 1,000 lines as one paragraph take
    # quadratic time. The lines of one block keep together as its lines did (no space
    # between them), and the blocks are spaced as paragraphs.
    line_style = ParagraphStyle("notes-line", parent=ctx.styles["body"], spaceAfter=0)
    for block in paragraphs(client.notes):
        lines = block.split("\n")
        out += [Para(markup(line, ctx.fonts), line_style) for line in lines[:-1]]
        out.append(ctx.para(lines[-1]))
    return out


def evidence_section(ctx: Context, options: dict) -> list:
    out = heading(ctx, options.get("heading", "What the research says"))
    out.append(ctx.para(ctx.program.safety.evidence))
    return out


def questions_section(ctx: Context, options: dict) -> list:
    lines = int(options.get("lines", 5))
    spacing = 9 * mm * ctx.styles.scale
    title = ctx.para(options.get("heading", "Your questions for next time"), "h2")
    # The heading and at least three lines together; fewer lines rather than a page of
    # their own (WritingLines gives way to the room there is).
    _, title_height = title.wrap(ctx.width, 10_000)
    return [CondPageBreak(title_height + title.getSpaceBefore() + title.getSpaceAfter()
                          + 3 * spacing + 2), title, WritingLines(max(1, min(lines, 30)), spacing)]


# name -> (builder, the options it accepts)
SECTIONS = {
    "client": (client_section, ()),
    "intro": (intro_section, ("heading",)),
    "warning-signs": (warning_signs_section, ("heading",)),
    "points": (points_section, ("heading", "intro")),
    "stretches": (stretches_section, ("heading", "intro")),
    "tips": (tips_section, ("heading",)),
    "precautions": (precautions_section, ("heading",)),
    "notes": (notes_section, ("heading",)),
    "evidence": (evidence_section, ("heading",)),
    "questions": (questions_section, ("heading", "lines")),
}


def section_options() -> dict[str, tuple[str, ...]]:
    return {name: options for name, (_, options) in SECTIONS.items()}


# Sections of running text, set to a comfortable measure (the cards and the warning box,
# with pictures or columns of their own, use the full width).
TEXT_SECTIONS = ("intro", "notes", "tips", "precautions", "evidence")


def measure_indent(ctx: Context) -> float:
    """How much narrower than the frame running text is set (0 in large print, whose lines
    are short already)."""
    return max(0.0, ctx.width - measure_width(ctx.styles.body_size))


def build_sections(ctx: Context, template) -> list:
    flowables = []
    indent = measure_indent(ctx)
    for section in template.sections:
        builder, _ = SECTIONS[section.name]
        built = builder(ctx, section.options)
        if built and indent and section.name in TEXT_SECTIONS:
            built = [Indenter(right=indent), *built, Indenter(right=-indent)]
        flowables += built
    return flowables
