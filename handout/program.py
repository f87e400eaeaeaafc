"""Selection and safety: what goes on a client's sheets, what is left out, and why.

Pure Python, no ReportLab. Every safety rule lives here and nowhere else:
- an item whose caution lists one of the client's conditions in `avoid_if` is left out,
  with the reason reported;
- asking for such an item by name is refused unless the practitioner allows it by id;
  an allowed item prints that caution beside it;
- `caution_if` items stay in, with the matching caution printed beside them;
- an `avoid_if` caution prints beside its item on every sheet that has the item;
- cautions tied to no condition always print.
The handout, the weekly plan and the cards all draw the same Program.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from .client import Client
from .errors import SafetyError
from .library import Library
from .models import Caution, Condition, Point, Protocol, Safety, Step, Stretch, Tip, Topic


@dataclass(frozen=True)
class Chosen:
    """An item on the sheet with the cautions to print beside it."""

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
class Program:
    client: Client
    protocol: Protocol | None
    conditions: tuple[Condition, ...]
    points: tuple[Chosen, ...]
    stretches: tuple[Chosen, ...]
    tips: tuple[tuple[Topic, tuple[Chosen, ...]], ...]  # grouped by topic, in topic order
    left_out: tuple[LeftOut, ...]
    safety: Safety
    ask_first: tuple[str, ...] = ()  # precautions that concern this client's conditions
    progression: tuple[Step, ...] = field(default=())

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
    """The cautions to print beside an item for a client with these conditions.

    Every `avoid_if` caution prints for everyone, not only for clients known to have the
    condition: a sheet is shared, a condition may be new or untold ("BL60: traditionally
    avoided in pregnancy" stands next to BL60 on every handout that has it). `caution_if`
    cautions print for the clients they concern; unconditional ones always.
    """
    wanted = set(conditions)
    return tuple(c for c in item.cautions
                 if c.always or c.avoid_if or wanted & set(c.caution_if))


def build_program(library: Library, client: Client) -> Program:
    """Resolve the client's choices against the library and apply the safety rules."""
    conditions = tuple(dict.fromkeys(library.condition(c) for c in client.conditions))
    condition_ids = {c.id for c in conditions}
    allowed = {_any_key(library, ref) for ref in client.allow}

    protocol = library.protocol(client.protocol) if client.protocol else None
    dropped = {_any_key(library, ref) for ref in client.drop}

    def select(lookup, from_protocol, asked):
        chosen, left_out = [], []
        # Asked for by name (client file or options), not merely part of the protocol.
        explicit_ids = {lookup(ref).id for ref in asked}
        seen = set()
        for ref in (*from_protocol, *asked):
            item = lookup(ref)
            explicit = item.id in explicit_ids
            if item.id in seen or (item.id in dropped and not explicit):
                continue
            seen.add(item.id)
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
            chosen.append(Chosen(item, cautions_for(item, condition_ids),
                                 tuple(dict.fromkeys(overridden))))
        return chosen, left_out

    points, out_points = select(library.point,
                                protocol.points if protocol else (), client.points)
    stretches, out_stretches = select(library.stretch,
                                      protocol.stretches if protocol else (), client.stretches)
    tips, out_tips = select(library.tip, protocol.tips if protocol else (), client.tips)

    grouped = []
    for topic in library.topics.values():
        members = tuple(c for c in tips if c.item.topic == topic.id)
        if members:
            grouped.append((topic, members))

    ask_first = tuple(c.text for c in library.safety.ask_first
                      if condition_ids & set(c.caution_if))
    return Program(
        client=client,
        protocol=protocol,
        conditions=conditions,
        points=tuple(points),
        stretches=tuple(stretches),
        tips=tuple(grouped),
        left_out=tuple(out_points + out_stretches + out_tips),
        safety=library.safety,
        ask_first=ask_first,
        progression=protocol.progression if protocol else (),
    )


def _any_key(library: Library, ref: str) -> str:
    """The id of whatever item `ref` names (point codes resolved through their aliases)."""
    return library.find(ref).id
