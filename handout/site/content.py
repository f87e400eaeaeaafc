"""What the public pages say: every point and stretch as anyone reads it, with no client.

The texts are the handout's own, through wording.py: placeholders filled with the brand's
country's emergency services, and a text worded differently for a condition ("if you are
pregnant") shown beside the usual one, labelled, since a public page cannot know who reads
it. Every caution prints, and each condition's caution for every point or every stretch,
as no condition can be ruled out. Pure Python: no HTML here.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..library import REGIONS, Library
from ..models import Caution, EmergencyServices, Point, Protocol, Safety, Stretch, WarningSigns
from ..render.items import SIDE_WORDS as POINT_SIDES  # the sheets' words for the sides
from ..render.reference import REGION_WORDS
from ..units import dose_text, minutes_text
from ..wording import client_texts, condition_cautions, fill, placeholder_words, tailor


@dataclass(frozen=True)
class Variant:
    """A text worded differently for a condition: 'If you have ...' and the other words."""

    condition: str  # the condition's label, e.g. "Pregnancy"
    field: str  # the field it replaces (wording.client_texts' names)
    text: str  # "" when the text is not for people with this condition


@dataclass(frozen=True)
class Public:
    """A point or stretch as its public page shows it."""

    item: Point | Stretch
    cautions: tuple[Caution, ...]
    variants: tuple[Variant, ...]

    def variants_of(self, field: str) -> tuple[Variant, ...]:
        return tuple(v for v in self.variants if v.field == field)


@dataclass(frozen=True)
class SiteContent:
    """Everything the site prints, resolved from one library and one country."""

    library: Library
    services: EmergencyServices
    safety: Safety
    warning_signs: tuple[tuple[str, WarningSigns], ...]  # (condition label, its signs)
    points: tuple[Public, ...]
    stretches: tuple[Public, ...]
    protocols: tuple[Protocol, ...]

    def regions(self, items) -> list[tuple[str, list[Public]]]:
        """Items grouped by body region, in the regions' order."""
        groups = []
        for region in REGIONS:
            members = [p for p in items if p.item.region == region]
            if members:
                name = REGION_WORDS.get(region, region.replace("-", " "))
                groups.append((name[:1].upper() + name[1:], members))
        return groups

    def by_id(self, ids) -> list[Public]:
        known = {p.item.id: p for p in (*self.points, *self.stretches)}
        return [known[i] for i in ids if i in known]


def site_content(library: Library, country: str) -> SiteContent:
    services = library.services(country)
    words = placeholder_words(services)
    return SiteContent(
        library=library,
        services=services,
        safety=fill(library.safety, words),
        warning_signs=tuple((c.label, fill(c.warning_signs, words))
                            for c in library.conditions.values() if c.warning_signs),
        points=tuple(public(library, p, words) for p in library.points.values()),
        stretches=tuple(public(library, s, words) for s in library.stretches.values()),
        protocols=tuple(library.protocols.values()),
    )


def public(library: Library, item, words: dict) -> Public:
    """The item as anyone reads it, and what changes for each condition its wording names."""
    usual = tailor(item, (), words)
    texts = dict(client_texts(usual))
    named = dict.fromkeys(c for w in item.wording
                          for c in (*w.only_if, *(name for name, _ in w.instead)))
    variants = []
    for condition in named:
        label = library.conditions[condition].label
        theirs = dict(client_texts(tailor(item, (condition,), words)))
        for field in dict.fromkeys((*texts, *theirs)):
            if texts.get(field, "") != theirs.get(field, ""):
                variants.append(Variant(label, field, theirs.get(field, "")))
    # A condition's caution beside every point or stretch (after back surgery ...): a public
    # page cannot know the reader has none of them.
    every = fill(condition_cautions(usual, library.conditions.values()), words)
    return Public(usual, (*usual.cautions, *every), tuple(variants))


def hold_text(point: Point) -> str:
    """'Hold 1 to 3 minutes on each side.' (the handout's words, for no client's side)."""
    where = POINT_SIDES.get(point.technique.sides, "")
    return f"Hold {minutes_text(point.technique.minutes)} {where}".strip() + "."


def how_much(stretch: Stretch) -> str:
    return dose_text(stretch.dose) + "."
