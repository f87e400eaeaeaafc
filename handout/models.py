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
    kind: str = field(default="tip", init=False)

    @property
    def name(self) -> str:
        return self.title


@dataclass(frozen=True)
class Condition:
    id: str
    label: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class RedFlags:
    emergency_title: str
    emergency: tuple[str, ...]
    urgent_title: str
    urgent: tuple[str, ...]
    see_doctor_title: str
    see_doctor: tuple[str, ...]
    emergency_short_title: str = ""  # the emergency title without tick boxes (weekly plan)


@dataclass(frozen=True)
class Safety:
    red_flags: RedFlags
    do_not_press: tuple[str, ...]
    ask_first: tuple[Caution, ...]  # text, with the conditions it concerns in caution_if
    technique: tuple[str, ...]
    stretch_rules: tuple[str, ...]
    about_sciatica: str
    evidence: str
    how_to_use: str
    disclaimer: str


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
