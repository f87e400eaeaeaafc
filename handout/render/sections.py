"""The sections a template can list, each a function Context, options -> flowables.

SECTIONS maps a section's name to its builder and the options it accepts; layout.py checks
templates against it, so a new section is one function and one line here.
"""

from __future__ import annotations

from datetime import date

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, KeepTogether, Spacer

from ..text import paragraphs
from .flow import Context, KeepTogetherIfFits, WritingLines, panel, tick_list
from .items import point_card, stretch_card


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def heading(ctx: Context, text: str, style: str = "h2"):
    # Keep a heading with the start of what follows it.
    return [CondPageBreak(40 * mm * ctx.styles.scale), ctx.para(text, style)]


def client_section(ctx: Context, options: dict) -> list:
    client = ctx.program.client
    out = []
    title = f"Self-care plan for {client.name}" if client.name else "Your self-care plan"
    out.append(ctx.para(title, "h1"))
    facts = [("Date", long_date(client.day))]
    if client.practitioner:
        facts.append(("Practitioner", client.practitioner))
    if client.next_appointment:
        facts.append(("Next appointment", client.next_appointment))
    out += [ctx.labelled(label + ":", value, "body") for label, value in facts]
    out.append(Spacer(1, 2 * mm))
    return out


def intro_section(ctx: Context, options: dict) -> list:
    safety = ctx.program.safety
    out = heading(ctx, options.get("heading", "About this plan"))
    out.append(ctx.para(safety.about_sciatica))
    out.append(ctx.para(safety.how_to_use))
    return out


def warning_signs_section(ctx: Context, options: dict) -> list:
    """The red flags, early and prominent: a thick black box of tick-box questions, a group
    each (now, today, the client's own conditions' signs, see a doctor). A box too tall
    for what is left of the page splits between groups, its heading repeated on top."""
    flags = ctx.program.safety.red_flags
    groups = [[ctx.para(flags.emergency_title, "h3"),
               tick_list(ctx, [sign.ask for sign in flags.emergency])],
              [ctx.para(flags.urgent_title, "h3"),
               tick_list(ctx, [sign.ask for sign in flags.urgent])]]
    for signs in ctx.program.warning_signs:
        group = [ctx.para(signs.title, "h3"), tick_list(ctx, signs.signs)]
        if signs.note:
            group.append(ctx.para(signs.note))
        groups.append(group)
    last = [ctx.para(flags.see_doctor_title, "h3"), *ctx.bullets(flags.see_doctor)]
    if ctx.brand.phone:
        last.append(ctx.labelled("Not sure? Call us:",
                                 " ".join(x for x in (ctx.brand.clinic_name, ctx.brand.phone) if x),
                                 "body"))
    groups.append(last)
    heading = ctx.para(options.get("heading", "Warning signs - check these first"), "h2")
    box = panel([[heading], *([group] for group in groups)], ctx.width, ctx.styles,
                border=2.2, fill=colors.white, padding=9, split_in_row=False, repeatRows=1)
    # A rule under every group: it closes the box where it splits (ReportLab draws no
    # bottom edge there), and parts "now" from "today".
    box.setStyle([("LINEBELOW", (0, 1), (-1, -1), 1.2, colors.black)])
    return [Spacer(1, 2 * mm), box, Spacer(1, 4 * mm)]


def _cards_section(ctx: Context, options: dict, chosen, default_heading: str, rules,
                   card) -> list:
    """A heading, the general rules as bullets (option `intro`), then one card per item."""
    if not chosen:
        return []
    out = heading(ctx, options.get("heading", default_heading))
    if options.get("intro", True):
        out += ctx.bullets(rules)
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
        block = [ctx.para(topic.title, "h3")]
        for chosen in members:
            block.append(ctx.labelled(chosen.item.title + ":", chosen.item.text, "body"))
            block += caution_paragraphs(ctx, chosen)
        out.append(KeepTogether(block))
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
    notes = ctx.program.client.notes
    if not notes:
        return []
    out = heading(ctx, options.get("heading", "Notes from your practitioner"))
    out += [ctx.para(block) for block in paragraphs(notes)]
    return out


def evidence_section(ctx: Context, options: dict) -> list:
    out = heading(ctx, options.get("heading", "What the research says"))
    out.append(ctx.para(ctx.program.safety.evidence))
    return out


def questions_section(ctx: Context, options: dict) -> list:
    lines = int(options.get("lines", 5))
    title = ctx.para(options.get("heading", "Your questions for next time"), "h2")
    return [KeepTogether([title, Spacer(1, 4 * mm), WritingLines(max(1, min(lines, 30)),
                                                               9 * mm * ctx.styles.scale)])]


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


def build_sections(ctx: Context, template) -> list:
    flowables = []
    for section in template.sections:
        builder, _ = SECTIONS[section.name]
        flowables += builder(ctx, section.options)
    return flowables
