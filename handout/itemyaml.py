"""Items as a clinic file holds them, with a comment on each field: `handout show ID --yaml`.

The text loads back as the same item (yaml.safe_dump writes each value; only the comments
and the layout are ours), so a clinic copies it into its folder and changes what it needs.
"""

from __future__ import annotations

import yaml

# What each field is, in a line (docs/data-files.md says the same at more length).
CAUTIONS = "safety notes: text, and avoid_if / caution_if with condition ids (handout conditions)"
NOTES: dict[str, dict[str, str]] = {
    "points": {
        "id": "WHO 2008 code: letters then number, no space",
        "aliases": "other spellings accepted as input (K3, UB60 ...)",
        "pinyin": "the point's name in pinyin, with tone marks",
        "chinese": "the name in Chinese characters (printed when the brand font has them)",
        "english": "the usual English translation of the name",
        "meridian": "the meridian (channel) the point lies on",
        "region": "lower-back, buttock, thigh, knee, lower-leg or ankle-foot",
        "location": "WHO 2008 landmark wording, for the practitioner",
        "find_it": "the client's route to the point, in plain words",
        "self_reach": "true if the client can reach it alone",
        "reach_help": "how to reach it safely (needed when self_reach is false)",
        "technique": "how to press",
        "technique.pressure": "how hard and how to build up the pressure",
        "technique.minutes": "hold per point and side, in minutes: a number or [min, max]",
        "technique.sides": "both, left, right or centre",
        "technique.breathing": "optional breathing advice",
        "cautions": CAUTIONS,
        "diagram": "where the marker sits on a body view",
        "diagram.view": "a view in images/views/ (outer-leg, back-leg ...)",
        "diagram.x": "0 to 1 from the view's left edge",
        "diagram.y": "0 to 1 from the view's top edge",
    },
    "stretches": {
        "id": "lower-case words joined by hyphens",
        "name": "the stretch's name on the handout",
        "region": "lower-back, buttock, thigh, knee, lower-leg or ankle-foot",
        "start": "the starting position",
        "steps": "the numbered steps",
        "dose": "how much: changed field by field by a clinic file",
        "dose.hold_seconds": "hold, in seconds: a number or [min, max]",
        "dose.reps": "repetitions: a number or [min, max]",
        "dose.reps_unit": "what a repetition is called: times, rounds, glides, each way",
        "dose.sides": "each (each side), alternate or none",
        "dose.minutes": "minutes, for walking and other activity: a number or [min, max]",
        "dose.per_day": "sessions a day (a tick box each on the weekly plan)",
        "how_often": "how often, in words",
        "stop_if": "optional: when to stop, beyond the general stop rule",
        "cautions": CAUTIONS,
        "pose": "the pictogram's joints, start and end (images/README.md)",
    },
    "tips": {
        "id": "lower-case words joined by hyphens",
        "topic": "the topic it is printed under (a topic id in tips.yaml)",
        "title": "the tip's heading",
        "text": "one to three short sentences",
        "cautions": CAUTIONS,
        "add_for": "a warning tip: added for clients with one of these conditions",
    },
    "protocols": {
        "id": "lower-case words joined by hyphens",
        "name": "the protocol's name",
        "description": "a sentence or two about it",
        "points": "point ids or aliases",
        "stretches": "stretch ids",
        "tips": "tip ids",
        "conditions": "conditions every client of this protocol has (their rules apply)",
        "progression": "changes from a given week (the weekly plan): week, stretch or point, "
                       "hold_seconds, reps, minutes",
    },
}
FILE_OF = {"points": "points.yaml", "stretches": "stretches.yaml", "tips": "tips.yaml",
           "protocols": "protocols.yaml"}


def plain(value):
    """LineDict / LineList as the dict and list yaml.safe_dump knows."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


class _Dumper(yaml.SafeDumper):
    """Blocks for mappings, brackets for short lists ([1, 3], [K3, KD3]), and lists indented
    under their key as the built-in files write them."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)


def _list(dumper, data):
    short = all(not isinstance(v, (dict, list)) and len(str(v)) <= 30 for v in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=short)


_Dumper.add_representer(list, _list)


def _value_lines(key: str, value, indent: str) -> list[str]:
    text = yaml.dump({key: value}, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     width=88, default_flow_style=False)
    return [indent + line for line in text.rstrip("\n").split("\n")]


def _mapping_lines(section: str, data: dict, indent: str, prefix: str, notes: bool) -> list[str]:
    lines = []
    for key, value in data.items():
        note = NOTES.get(section, {}).get(prefix + key) if notes else None
        if note:
            lines.append(f"{indent}# {note}")
        has_inner = isinstance(value, dict) and value and any(
            f"{prefix}{key}.{k}" in NOTES.get(section, {}) for k in value)
        if has_inner:
            lines.append(f"{indent}{key}:")
            lines += _mapping_lines(section, value, indent + "  ", f"{prefix}{key}.", notes)
        else:
            lines += _value_lines(key, value, indent)
    return lines


def items_yaml(section: str, items: list[dict], *, notes: str = "first") -> str:
    """A clinic file holding these items of one section. Each field gets its comment on the
    first item (notes="first"), on every item ("all") or on none ("none")."""
    header = [f"# As {FILE_OF[section]} in a clinic's data folder (--data DIR) holds it. To change a",
              "# built-in item, keep its id and only the fields you change; to give the whole",
              "# item instead, add `replace: true` under the id.",
              f"{section}:" if items else f"{section}: []"]
    lines = list(header)
    for number, item in enumerate(items):
        item = plain(item)
        with_notes = notes == "all" or (notes == "first" and number == 0)
        body = _mapping_lines(section, item, "    ", "", with_notes)
        # "  - " opens the item on its first field's line, that field's comment beside it.
        if body[0].lstrip().startswith("#"):
            body = [f"{body[1]}  {body[0].strip()}", *body[2:]]
        body[0] = "  - " + body[0][4:]
        if number:
            lines.append("")
        lines += body
    return "\n".join(lines) + "\n"
