"""Selection and safety: what goes on a client's sheets, what is left out, and why.

Pure Python, no ReportLab. Every safety rule lives here and nowhere else:
- the client's conditions are those they were given plus those their protocol implies
  (the pregnancy protocol implies pregnancy);
- every item is tailored to those conditions first (wording.tailor): a text worded for a
  condition is replaced or left out, and the clinic's country fills in the emergency number;
- an item whose tailored text still says what a condition forbids ("face down" in
  pregnancy) never prints for that client: left out, and refused by name even with --allow;
- an item whose caution lists one of the client's conditions in `avoid_if` is left out,
  with the reason reported; asking for it by name is refused unless the practitioner
  allows it by id, and an allowed item prints that caution beside it;
- `caution_if` cautions, and a condition's `every_point` / `every_stretch` caution, print
  for the clients they concern; `avoid_if` cautions and cautions tied to no condition print
  for everyone;
- a warning tip (`add_for`) joins the tips of its topic for the clients it protects, and is
  never dropped for them;
- the warnings for everyone and every "ask first" line print for every client, those that
  concern the client's conditions marked; a condition's warning signs (pregnancy's) print
  for the clients who have it.
The handout, the weekly plan and the cards all draw the same Program.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from .client import Client
from .errors import SafetyError
from .library import DEFAULT_COUNTRY, Library
from .models import (
    Caution, Condition, EmergencyServices, Point, Protocol, Safety, Step, Stretch, Tip, Topic,
    WarningSigns,
)
from .wording import condition_cautions, fill, placeholder_words, tailor, unsafe_phrases


@dataclass(frozen=True)
class Chosen:
    """An item on the sheet, worded for this client, with the cautions to print beside it."""

    item: Point | Stretch | Tip
    cautions: tuple[Caution, ...]
    allowed_despite: tuple[str, ...] = ()  # condition labels the practitioner overrode


@dataclass(frozen=True)
class LeftOut:
    item: Point | Stretch | Tip
    condition: Condition
    caution: Caution

    def __str__(self) -> str:
        return f"{self.item.id} left out ({self.condition.label.lower()}): {self.caution.text}"


@dataclass(frozen=True)
class AskFirst:
    """One "ask first if ..." line: every client gets them all; `applies` marks this client's."""

    text: str
    applies: bool


@dataclass(frozen=True)
class Program:
    client: Client
    protocol: Protocol | None
    conditions: tuple[Condition, ...]
    points: tuple[Chosen, ...]
    stretches: tuple[Chosen, ...]
    tips: tuple[tuple[Topic, tuple[Chosen, ...]], ...]  # grouped by topic, in topic order
    left_out: tuple[LeftOut, ...]
    safety: Safety  # with this clinic's emergency number and services filled in
    services: EmergencyServices | None = None
    words: dict = field(default_factory=dict)  # what each placeholder said (wording.py)
    ask_first: tuple[AskFirst, ...] = ()  # every line; this client's first
    warning_signs: tuple[WarningSigns, ...] = ()  # of the client's conditions (pregnancy ...)
    progression: tuple[Step, ...] = field(default=())
    notes: tuple[str, ...] = ()  # for the practitioner: what a rule kept or added, and why

    @property
    def condition_ids(self) -> frozenset[str]:
        return frozenset(c.id for c in self.conditions)

    def is_empty(self) -> bool:
        return not self.points and not self.stretches


def ruled_out(item, conditions: Iterable[str]) -> tuple[str, Caution] | None:
    """The first (condition, caution) that rules this item out for these conditions."""
    wanted = set(conditions)
    for caution in item.cautions:
        for name in caution.avoid_if:
            if name in wanted:
                return name, caution
    return None


def cautions_for(item, conditions: Iterable[str]) -> tuple[Caution, ...]:
    """The item's own cautions to print beside it for a client with these conditions.

    Every `avoid_if` caution prints for everyone, not only for clients known to have the
    condition: a sheet is shared, a condition may be new or untold ("BL60: traditionally
    avoided in pregnancy" stands next to BL60 on every handout that has it). `caution_if`
    cautions print for the clients they concern; unconditional ones always.
    """
    wanted = set(conditions)
    return tuple(c for c in item.cautions
                 if c.always or c.avoid_if or wanted & set(c.caution_if))


def client_conditions(library: Library, client: Client,
                      protocol: Protocol | None) -> tuple[Condition, ...]:
    """The client's conditions and those their protocol implies, resolved, in order."""
    names = (*client.conditions, *(protocol.conditions if protocol else ()))
    return tuple(dict.fromkeys(library.condition(c) for c in names))


def build_program(library: Library, client: Client, country: str = DEFAULT_COUNTRY) -> Program:
    """Resolve the client's choices against the library and apply the safety rules."""
    services = library.services(country)
    words = placeholder_words(services, client.side)
    protocol = library.protocol(client.protocol) if client.protocol else None
    conditions = client_conditions(library, client, protocol)
    condition_ids = {c.id for c in conditions}
    allowed = {_any_key(library, ref) for ref in client.allow}
    dropped = {_any_key(library, ref) for ref in client.drop}
    notes: list[str] = []

    def protects(item) -> list[str]:
        return [library.conditions[n].label.lower() for n in getattr(item, "add_for", ())
                if n in condition_ids]

    def select(lookup, from_protocol, asked):
        chosen, left_out = [], []
        # Asked for by name (client file or options), not merely part of the protocol.
        explicit_ids = {lookup(ref).id for ref in asked}
        seen = set()
        for ref in (*from_protocol, *asked):
            item = tailor(lookup(ref), condition_ids, words)
            explicit = item.id in explicit_ids
            if item.id in seen:
                continue
            if item.id in dropped and not explicit:
                if not protects(item):
                    continue
                notes.append(f"{item.id} kept: it is a warning for clients with "
                             f"{' or '.join(protects(item))}")
            seen.add(item.id)
            unsafe = unsafe_phrases(item, condition_ids, library.conditions)
            if unsafe:
                field_name, phrase, condition = unsafe[0]
                reason = (f"its {field_name} says '{phrase}', which is not safe with "
                          f"{condition.label.lower()}")
                if explicit:
                    raise SafetyError(f"{item.id} cannot go on this client's sheets: {reason}. "
                                      "No confirmation can change that; choose another item")
                left_out.append(LeftOut(item, condition, Caution(reason[0].upper() + reason[1:] + ".")))
                continue
            rule = ruled_out(item, condition_ids)
            if rule and item.id not in allowed:
                if explicit:
                    name, caution = rule
                    raise SafetyError(
                        f"{item.id} is ruled out for this client ({library.conditions[name].label.lower()}): "
                        f"{caution.text} To include it anyway, confirm with allow=['{item.id}']"
                    )
                left_out.append(LeftOut(item, library.conditions[rule[0]], rule[1]))
                continue
            overridden = tuple(
                library.conditions[n].label for c in item.cautions for n in c.avoid_if
                if n in condition_ids
            ) if rule else ()
            cautions = (*cautions_for(item, condition_ids),
                        *fill(condition_cautions(item, conditions), words))
            chosen.append(Chosen(item, cautions, tuple(dict.fromkeys(overridden))))
        return chosen, left_out

    points, out_points = select(library.point,
                                protocol.points if protocol else (), client.points)
    stretches, out_stretches = select(library.stretch,
                                      protocol.stretches if protocol else (), client.stretches)
    tips, out_tips = select(library.tip, protocol.tips if protocol else (), client.tips)
    tips += _warning_tips(library, tips, condition_ids, select, notes)

    grouped = []
    for topic in library.topics.values():
        members = tuple(c for c in tips if c.item.topic == topic.id)
        if members:
            grouped.append((topic, members))

    ask_first = [AskFirst(fill(c.text, words), bool(condition_ids & set(c.caution_if)))
                 for c in library.safety.ask_first]
    ask_first.sort(key=lambda a: not a.applies)  # this client's lines first, then the rest
    return Program(
        client=client,
        protocol=protocol,
        conditions=conditions,
        points=tuple(points),
        stretches=tuple(stretches),
        tips=tuple(grouped),
        left_out=tuple(out_points + out_stretches + out_tips),
        safety=fill(library.safety, words),
        services=services,
        words=words,
        ask_first=tuple(ask_first),
        warning_signs=tuple(fill(c.warning_signs, words) for c in conditions
                            if c.warning_signs),
        progression=protocol.progression if protocol else (),
        notes=tuple(notes),
    )


def _warning_tips(library: Library, tips: list[Chosen], condition_ids: set[str], select,
                  notes: list[str]) -> list[Chosen]:
    """Warning tips for this client's conditions, for the topics the handout already has."""
    topics = {c.item.topic for c in tips}
    have = {c.item.id for c in tips}
    wanted = [t.id for t in library.tips.values()
              if t.topic in topics and t.id not in have and condition_ids & set(t.add_for)]
    added, _ = select(library.tip, wanted, ())
    for chosen in added:
        notes.append(f"{chosen.item.id} added: it is a warning for this client's conditions")
    return added


def _any_key(library: Library, ref: str) -> str:
    """The id of whatever item `ref` names (point codes resolved through their aliases)."""
    return library.find(ref).id
