"""Plain-text tables and item descriptions for the terminal (`points`, `show`, ...)."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

from .library import Library, point_key
from .models import Caution, Dose, Point, Protocol, Stretch, Tip
from .program import ruled_out
from .units import dose_text, minutes_text
from .wording import fill, item_words


def filter_items(library: Library, items: Iterable, region: str | None,
                 safe_for: Iterable[str], protocol: str | None) -> list:
    """Items in the region, not ruled out by any of the conditions, in the protocol."""
    conditions = [library.condition(c).id for c in safe_for]
    keep = list(items)
    if region:
        keep = [i for i in keep if getattr(i, "region", None) == region]
    if conditions:
        keep = [i for i in keep if not ruled_out(i, conditions)]
    if protocol:
        chosen = library.protocol(protocol)
        wanted = {library.point(p).id for p in chosen.points} | set(chosen.stretches) | set(chosen.tips)
        keep = [i for i in keep if i.id in wanted]
    return keep


def table(headers: list[str], rows: list[list[str]], width: int = 100) -> str:
    """An aligned table within `width` columns. Wide cells wrap onto continuation lines
    (which start blank) rather than being cut, so nothing a practitioner needs is hidden."""
    if not rows:
        return "(nothing matches)"
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    gaps = 2 * (len(headers) - 1)
    while sum(widths) + gaps > width and max(widths[1:]) > 10:
        widest = max(range(1, len(widths)), key=lambda i: widths[i])
        widths[widest] -= 1

    def lines(cells):
        wrapped = [textwrap.wrap(c, w, break_on_hyphens=False) or [""] for c, w in zip(cells, widths)]
        for depth in range(max(len(w) for w in wrapped)):
            parts = [(w[depth] if depth < len(w) else "") for w in wrapped]
            yield "  ".join(p.ljust(n) for p, n in zip(parts, widths)).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([*lines(headers), rule, *(line for row in rows for line in lines(row))])


def _avoid(item) -> str:
    names = sorted({n for c in item.cautions for n in c.avoid_if})
    return ", ".join(names) or "-"


def points_table(library: Library, points: list[Point], safe_for=()) -> str:
    rows = [[p.id, p.pinyin, p.english, p.region, "yes" if p.self_reach else "help",
             minutes_text(p.technique.minutes), _avoid(p)] for p in points]
    return table(["ID", "Pinyin", "English", "Region", "Alone", "Hold", "Avoid if"], rows)


def stretches_table(library: Library, stretches: list[Stretch], safe_for=()) -> str:
    rows = [[s.id, s.name, s.region, dose_text(s.dose), _avoid(s)] for s in stretches]
    return table(["ID", "Name", "Region", "Dose", "Avoid if"], rows)


def tips_table(library: Library, tips: list[Tip], safe_for=()) -> str:
    rows = [[t.id, library.topics[t.topic].title if t.topic in library.topics else t.topic,
             t.title, _avoid(t)] for t in tips]
    return table(["ID", "Topic", "Title", "Avoid if"], rows)


def protocols_table(library: Library) -> str:
    rows = [[p.id, p.name, str(len(p.points)), str(len(p.stretches)), str(len(p.tips))]
            for p in library.protocols.values()]
    return table(["ID", "Name", "Points", "Stretches", "Tips"], rows)


def conditions_table(library: Library) -> str:
    """Each condition with how many items it rules out or adds a caution to."""
    items = [*library.points.values(), *library.stretches.values(), *library.tips.values()]
    rows = []
    for condition in library.conditions.values():
        avoided = [i.id for i in items if ruled_out(i, [condition.id])]
        cautioned = sum(1 for i in items for c in i.cautions if condition.id in c.caution_if)
        rows.append([condition.id, condition.label, ", ".join(condition.aliases) or "-",
                     str(cautioned), ", ".join(avoided) or "-"])
    return table(["ID", "Label", "Also", "Cautions", "Leaves out"], rows)


def _wrap(label: str, text: str) -> list[str]:
    # A long path stays whole, to copy from the terminal.
    body = textwrap.wrap(text, 88 - 14, break_on_hyphens=False, break_long_words=False) or [""]
    return [f"{label:<13} {body[0]}", *(f"{'':<13} {line}" for line in body[1:])]


def _caution_lines(cautions: Iterable[Caution]) -> list[str]:
    lines = []
    for caution in cautions:
        tags = []
        if caution.avoid_if:
            tags.append("avoid if " + ", ".join(caution.avoid_if))
        if caution.caution_if:
            tags.append("caution if " + ", ".join(caution.caution_if))
        label = f"[{'; '.join(tags)}] " if tags else ""
        lines += _wrap("Caution", label + caution.text)
    return lines


def _wording_lines(library: Library, item) -> list[str]:
    """Each text worded for conditions: 'For pregnancy (reach_help): ...'."""
    lines = []
    for wording in item.wording:
        where = wording.field + (f"[{wording.index + 1}]" if wording.index is not None else "")
        for condition, text in wording.instead:
            lines += _wrap("Instead", f"[{condition}: {where}] {text or '(left out)'}")
        if wording.only_if:
            lines += _wrap("Only if", f"[{', '.join(wording.only_if)}: {where}]")
    return lines


def describe(library: Library, item, asked_as: str = "") -> str:
    """One item in full, for `handout show`."""
    lines = []
    if isinstance(item, Point):
        if asked_as and point_key(asked_as) != item.id and asked_as != item.id:
            lines.append(f"({asked_as} is another name for {item.id}; the WHO code is {item.id}.)")
        elif asked_as and asked_as != item.id:
            lines.append(f"({asked_as} is written {item.id} in the WHO standard.)")
        chinese = f"  {item.chinese}" if item.chinese else ""
        lines.append(f"{item.id}  {item.pinyin}{chinese}  ({item.english})")
        lines += _wrap("Meridian", item.meridian)
        lines += _wrap("Region", item.region)
        if item.aliases:
            lines += _wrap("Also written", ", ".join(item.aliases))
        lines += _wrap("Location", item.location + " (WHO 2008)")
        lines += _wrap("Find it", item.find_it)
        lines += _wrap("Reach", "on your own" if item.self_reach else "needs help")
        if item.reach_help:
            lines += _wrap("How to reach", item.reach_help)
        t = item.technique
        lines += _wrap("Press", t.pressure)
        lines += _wrap("Hold", f"{minutes_text(t.minutes)}, {'both sides' if t.sides == 'both' else t.sides}")
        if t.breathing:
            lines += _wrap("Breathing", t.breathing)
        lines += _caution_lines(item.cautions)
        lines += _wording_lines(library, item)
        d = item.diagram
        lines += _wrap("Diagram", f"view {d.view} at x={d.x:g}, y={d.y:g}")
    elif isinstance(item, Stretch):
        item = fill(item, item_words(item))  # its steps' {hold} is its own dose's
        lines.append(f"{item.id}  {item.name}")
        lines += _wrap("Region", item.region)
        lines += _wrap("Start", item.start)
        for number, step in enumerate(item.steps, 1):
            lines += _wrap(f"Step {number}", step)
        lines += _wrap("Dose", dose_text(item.dose))
        lines += _wrap("How often", item.how_often)
        if item.stop_if:
            lines += _wrap("Stop if", item.stop_if)
        lines += _caution_lines(item.cautions)
        lines += _wording_lines(library, item)
    elif isinstance(item, Tip):
        topic = library.topics.get(item.topic)
        lines.append(f"{item.id}  {item.title}")
        lines += _wrap("Topic", topic.title if topic else item.topic)
        lines += _wrap("Text", item.text)
        lines += _caution_lines(item.cautions)
        lines += _wording_lines(library, item)
        if item.add_for:
            lines += _wrap("Added for", ", ".join(item.add_for) + " (a warning, never dropped for them)")
    elif isinstance(item, Protocol):
        lines.append(f"{item.id}  {item.name}")
        if item.description:
            lines += _wrap("About", item.description)
        lines += _wrap("Points", ", ".join(item.points) or "-")
        lines += _wrap("Stretches", ", ".join(item.stretches) or "-")
        lines += _wrap("Tips", ", ".join(item.tips) or "-")
        if item.conditions:
            lines += _wrap("Sets", ", ".join(item.conditions) + " (for every client of this protocol)")
        for step in item.progression:
            lines += _wrap(f"Week {step.week}", f"{step.item}: " + _step_text(step))
    from_clinic = library.fields_from_clinic(item)
    if from_clinic is None:
        lines += _wrap("From", f"{item.source.file} (your data folder; the whole item)")
    elif from_clinic:
        lines += _wrap("From", f"{item.source.file} (your data folder): "
                               f"{', '.join(from_clinic)}; the other fields are built in")
    return "\n".join(lines)


def _step_text(step) -> str:
    return dose_text(Dose(hold_seconds=step.hold_seconds, reps=step.reps, minutes=step.minutes))
