"""Condition-aware wording: one client's version of an item's texts, and what must never be said.

Pure functions on the models, shared by the library (which checks the data with them) and
program.py (which decides each client's content with them), so the rule that validates a
text is the rule that prints it:

- tailor(item, conditions, words): the item as this client reads it; each text with a
  `Wording` is kept, replaced or left out for the client's conditions, a stretch's picture
  is the pose's variant for them (pose_variants.py), and the placeholders
  filled in: {number}, {department} and {urgent} with the clinic's country's emergency
  services, {sides} with the side(s) the client works on (placeholder_words);
- unsafe_phrases(item, conditions, library_conditions): the phrases in that tailored item
  that a condition forbids ("face down" in pregnancy);
- fill(value, words): the same placeholders filled in any text, list or dataclass.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Iterable, Iterator

from .models import Caution, Condition, EmergencyServices, Wording
from .pose_variants import pose_for
from .units import span

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
PLACEHOLDERS = {
    "number": "the emergency phone number (999, 911, 000 ...)",
    "department": "the name of the emergency department (A&E, the emergency room ...)",
    "urgent": "the urgent-care line or service (NHS 111, urgent care ...)",
    "sides": "the side(s) the client works on: both sides of your body, your left side ...",
    "hold": "a stretch's hold time, from its own dose: 20 to 30 seconds ...",
}
SIDES = {"both": "both sides of your body", "left": "your left side only",
         "right": "your right side only"}


def placeholder_words(services: EmergencyServices | None, side: str = "both") -> dict[str, str]:
    """What each placeholder says for one client at one clinic."""
    words = {"sides": SIDES.get(side, SIDES["both"])}
    if services is not None:
        words.update(number=services.number, department=services.department,
                     urgent=services.urgent)
    return words


def item_words(item) -> dict[str, str]:
    """What the placeholders that come from the item itself say: {hold} is its dose's hold
    time, so a clinic that changes the dose changes the steps' words with it."""
    dose = getattr(item, "dose", None)
    if dose is not None and dose.hold_seconds:
        return {"hold": span(dose.hold_seconds, "second")}
    return {}


def unknown_placeholders(text: str) -> list[str]:
    return [name for name in PLACEHOLDER.findall(text) if name not in PLACEHOLDERS]


def fill(value, words: dict[str, str] | None):
    """Every text in `value` (a string, tuple or frozen dataclass) with the placeholders filled."""
    if not words:
        return value
    if isinstance(value, str):
        if "{" not in value:
            return value
        return PLACEHOLDER.sub(lambda m: words.get(m.group(1), m.group(0)), value)
    if isinstance(value, tuple):
        return tuple(fill(v, words) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for f in dataclasses.fields(value):
            if not f.init or f.name in ("source", "wording", "pose", "diagram"):
                continue
            old = getattr(value, f.name)
            new = fill(old, words)
            if new is not old:
                changes[f.name] = new
        return dataclasses.replace(value, **changes) if changes else value
    return value


def choose(wording: Wording, conditions: frozenset[str], text: str) -> str:
    """The text as a client with these conditions reads it ("" = not printed for them)."""
    for condition, replacement in wording.instead:
        if condition in conditions:
            return replacement
    if wording.only_if and not conditions & set(wording.only_if):
        return ""
    return text


def _get(item, path: str):
    obj = item
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj


def _set(item, path: str, value):
    head, _, rest = path.partition(".")
    if not rest:
        return dataclasses.replace(item, **{head: value})
    return dataclasses.replace(item, **{head: _set(getattr(item, head), rest, value)})


def tailor(item, conditions: Iterable[str], words: dict[str, str] | None = None):
    """The item with every text as this client reads it (see the module's docstring)."""
    wanted = frozenset(conditions)
    pose = pose_for(getattr(item, "pose", None), wanted)
    if pose is not getattr(item, "pose", None):
        item = dataclasses.replace(item, pose=pose)
    by_field: dict[str, list[Wording]] = {}
    for wording in item.wording:
        by_field.setdefault(wording.field, []).append(wording)
    for path, wordings in by_field.items():
        value = _get(item, path)
        if isinstance(value, tuple):  # a list of texts: entries chosen one by one
            entries = list(value)
            for wording in wordings:
                if wording.index is not None and wording.index < len(entries):
                    entries[wording.index] = choose(wording, wanted, entries[wording.index])
            item = _set(item, path, tuple(e for e in entries if e))
        else:
            item = _set(item, path, choose(wordings[0], wanted, value))
    if item.wording:
        item = dataclasses.replace(item, wording=())
    return fill(item, {**(words or {}), **item_words(item)})


def client_texts(item) -> Iterator[tuple[str, str]]:
    """(field, text) for every text of an item that a client reads, cautions included."""
    for name in ("find_it", "reach_help", "start", "how_often", "stop_if", "title", "text",
                 "name"):
        value = getattr(item, name, None)
        if isinstance(value, str) and value:
            yield name, value
    technique = getattr(item, "technique", None)
    if technique is not None:
        for name in ("pressure", "breathing"):
            if getattr(technique, name):
                yield f"technique.{name}", getattr(technique, name)
    for number, step in enumerate(getattr(item, "steps", ()), 1):
        yield f"steps[{number}]", step
    for number, caution in enumerate(item.cautions, 1):
        yield f"cautions[{number}].text", caution.text


def found_phrase(text: str, phrases: Iterable[str]) -> str | None:
    """The first phrase that `text` contains, as whole words, ignoring case."""
    for phrase in phrases:
        if re.search(r"\b" + re.escape(phrase) + r"\b", text, re.IGNORECASE):
            return phrase
    return None


def unsafe_phrases(item, conditions: Iterable[str],
                   known: dict[str, Condition]) -> list[tuple[str, str, Condition]]:
    """(field, phrase, condition) for each text of this (already tailored) item that says what
    one of the client's conditions forbids."""
    out = []
    for condition_id in conditions:
        condition = known.get(condition_id)
        if condition is None or not condition.unsafe_wording:
            continue
        for field_name, text in client_texts(item):
            phrase = found_phrase(text, condition.unsafe_wording)
            if phrase:
                out.append((field_name, phrase, condition))
    return out


def condition_cautions(item, conditions: Iterable[Condition]) -> tuple[Caution, ...]:
    """The cautions a condition puts beside every point or every stretch (`every_point`,
    `every_stretch` in safety.yaml), for these conditions."""
    attribute = {"point": "every_point", "stretch": "every_stretch"}.get(item.kind)
    if attribute is None:
        return ()
    return tuple(Caution(getattr(c, attribute), caution_if=(c.id,)) for c in conditions
                 if getattr(c, attribute))
