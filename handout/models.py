"""Typed, validated content: what library.py builds from the YAML files.

Plain frozen dataclasses with no behaviour beyond small derived values, so the selection
and rendering code can rely on every field being present and of the right type.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

Range = tuple[float, float]  # (low, high); a single number n is stored as (n, n)


class Source(NamedTuple):
    """Where an item was read from, for validation messages."""

    file: str = ""
    line: int = 0


@dataclass(frozen=True)
class Caution:
    text: str
    avoid_if: tuple[str, ...] = ()
    caution_if: tuple[str, ...] = ()

    @property
    def always(self) -> bool:
        """Printed for everyone (tied to no condition)."""
        return not self.avoid_if and not self.caution_if


@dataclass(frozen=True)
class Wording:
    """Condition-aware wording for one client-facing text of an item.

    The item's field holds the usual text. `only_if`: print it only for a client with one of
    these conditions. `instead`: (condition, text) pairs, the first whose condition the client
    has replaces the text ("" leaves it out). program.tailor() applies it; rendering never sees it.
    """

    field: str  # "reach_help", "start", "steps", "technique.pressure", "text" ...
    index: int | None = None  # the entry of a list field (steps), else None
    only_if: tuple[str, ...] = ()
    instead: tuple[tuple[str, str], ...] = ()
    line: int = field(default=0, compare=False)  # where it is written, for messages


@dataclass(frozen=True)
class Diagram:
    view: str
    x: float
    y: float
    line: int = 0  # where the block is, for validation messages


@dataclass(frozen=True)
class Technique:
    pressure: str
    minutes: Range
    sides: str
    breathing: str = ""


@dataclass(frozen=True)
class Point:
    id: str
    aliases: tuple[str, ...]
    pinyin: str
    chinese: str
    english: str
    meridian: str
    region: str
    location: str
    find_it: str
    self_reach: bool
    reach_help: str
    technique: Technique
    cautions: tuple[Caution, ...]
    diagram: Diagram
    source: Source = Source()
    wording: tuple[Wording, ...] = ()
    kind: str = field(default="point", init=False)

    @property
    def name(self) -> str:
        return f"{self.id} {self.pinyin}"


@dataclass(frozen=True)
class Dose:
    hold_seconds: Range | None = None
    reps: Range | None = None
    reps_unit: str = "times"
    sides: str = "none"
    minutes: Range | None = None
    per_day: int = 1


@dataclass(frozen=True)
class Stretch:
    id: str
    name: str
    region: str
    start: str
    steps: tuple[str, ...]
    dose: Dose
    how_often: str
    stop_if: str
    cautions: tuple[Caution, ...]
    pose: dict | None  # validated by render.pictograms; None until drawn
    source: Source = Source()
    wording: tuple[Wording, ...] = ()
    kind: str = field(default="stretch", init=False)


@dataclass(frozen=True)
class Topic:
    id: str
    title: str


@dataclass(frozen=True)
class Tip:
    id: str
    topic: str
    title: str
    text: str
    cautions: tuple[Caution, ...]
    source: Source = Source()
    wording: tuple[Wording, ...] = ()
    # A warning tip for clients with these conditions: added to their handout whenever it has
    # tips of the same topic, and never dropped for them.
    add_for: tuple[str, ...] = ()
    kind: str = field(default="tip", init=False)

    @property
    def name(self) -> str:
        return self.title


@dataclass(frozen=True)
class WarningSigns:
    """Signs that need help now for clients with one condition (pregnancy's, say)."""

    title: str  # the tick-box heading, e.g. "Call your maternity unit or midwife now if ..."
    signs: tuple[str, ...]
    short: str  # the same as one line, for the weekly plan and the pocket cards
    note: str = ""  # advice printed under the signs


@dataclass(frozen=True)
class Condition:
    id: str
    label: str
    aliases: tuple[str, ...] = ()
    # Phrases that must never reach a client with this condition ("face down" in pregnancy).
    unsafe_wording: tuple[str, ...] = ()
    warning_signs: WarningSigns | None = None
    every_point: str = ""  # a caution printed beside every point for this condition
    every_stretch: str = ""  # likewise beside every stretch


@dataclass(frozen=True)
class EmergencyServices:
    """Who to call in one country: the words that fill {number}, {department}, {urgent}."""

    country: str  # ISO 3166 code, e.g. GB
    name: str  # United Kingdom
    number: str  # 999
    department: str  # A&E (the emergency department)
    urgent: str  # NHS 111

    @property
    def id(self) -> str:
        return self.country


@dataclass(frozen=True)
class Sign:
    """One warning sign: the tick-box question, and a short form for the plan and cards."""

    ask: str
    short: str = ""


@dataclass(frozen=True)
class RedFlags:
    emergency_title: str
    emergency: tuple[Sign, ...]
    urgent_title: str
    urgent: tuple[Sign, ...]
    see_doctor_title: str
    see_doctor: tuple[str, ...]
    emergency_short_title: str = ""  # the emergency title over the plan's short tick list
    urgent_short_title: str = ""  # the same-day title over the plan's short list
    card_prompt: str = ""  # one line on every pocket card


@dataclass(frozen=True)
class Safety:
    red_flags: RedFlags
    do_not_press: tuple[str, ...]
    warnings: tuple[str, ...]  # for every client, whatever their conditions (a calf clot ...)
    ask_first: tuple[Caution, ...]  # text, with the conditions it concerns in caution_if
    technique: tuple[str, ...]
    stretch_rules: tuple[str, ...]
    about_sciatica: str
    evidence: str
    how_to_use: str
    disclaimer: str
    emergency_services: tuple[EmergencyServices, ...] = ()


@dataclass(frozen=True)
class Step:
    """One change a protocol makes from a given week (the weekly plan shows it)."""

    week: int
    item: str  # point or stretch id
    hold_seconds: Range | None = None
    reps: Range | None = None
    minutes: Range | None = None


@dataclass(frozen=True)
class Protocol:
    id: str
    name: str
    description: str
    points: tuple[str, ...]
    stretches: tuple[str, ...]
    tips: tuple[str, ...]
    progression: tuple[Step, ...] = ()
    source: Source = Source()
    conditions: tuple[str, ...] = ()  # implied for every client of this protocol
