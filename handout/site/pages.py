"""The site's HTML pages: the index, a page per point and per stretch, from templates/
(Jinja2, every value escaped: data text is never markup)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ..brand import Brand
from .addresses import page_path
from .animation import animate
from .assets import picture_path, view_name
from .content import Public, SiteContent, hold_text, how_much

TEMPLATES = Path(__file__).parent / "templates"
REST_SECONDS = 5  # between two holds


@dataclass(frozen=True)
class SiteLook:
    """What every page shows of the clinic."""

    lang: str
    clinic: str
    tagline: str
    logo: str  # file name under assets/, or ""
    contact: str
    disclaimer: str


@dataclass(frozen=True)
class Timer:
    kind: str  # "hold": counts each hold down, and the holds; "count": a stopwatch and a
    # count of the repetitions; "minutes": counts minutes down
    title: str
    help: str
    lengths: tuple[tuple[int, str], ...]  # (seconds, label) to choose from
    length_label: str
    reps: tuple[int, ...]
    reps_label: str
    sides: int  # 2: the whole set again on the other side
    rest: int = REST_SECONDS


def _choices(low: float, high: float) -> list[int]:
    return sorted({round(low), round((low + high) / 2), round(high)})


def timer_for(stretch) -> Timer:
    dose = stretch.dose
    sides = 2 if dose.sides == "each" else 1
    other = " Then it starts again for the other side." if sides == 2 else ""
    unit = dose.reps_unit or "times"
    reps = tuple(_choices(*dose.reps)) if dose.reps else ()
    if dose.hold_seconds:
        return Timer("hold", "Hold timer",
                     f"It counts each hold down, then {REST_SECONDS} seconds to relax, and "
                     f"counts the holds.{other} A sound (or a buzz on a phone that can) tells "
                     "you when to relax.",
                     tuple((s, f"{s} seconds") for s in _choices(*dose.hold_seconds)),
                     "Hold for", reps or (1,), "How many holds", sides)
    if dose.reps:
        return Timer("count", "Counter",
                     f"Start, then press “I did one” after each one. It counts the seconds "
                     f"and the {unit}, and sounds when you have done them all.{other}",
                     (), "", reps, f"How many {unit}", sides)
    minutes = dose.minutes or (10, 10)
    return Timer("minutes", "Timer",
                 "Choose how long, then start. It counts down and sounds at each minute and "
                 "at the end.",
                 tuple((m * 60, f"{m} minutes") for m in _choices(*minutes)), "Minutes", (), "",
                 1)


class Pages:
    def __init__(self, content: SiteContent, brand: Brand, logo: str):
        self.content = content
        self.env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True,
                               undefined=StrictUndefined, trim_blocks=False,
                               keep_trailing_newline=True)
        safety = content.safety
        self.look = SiteLook(
            lang=f"en-{content.services.country}",
            clinic=brand.clinic_name, tagline=brand.tagline, logo=logo,
            contact=brand.contact_line, disclaimer=brand.disclaimer or safety.disclaimer)

    def _render(self, template: str, root: str, **values) -> str:
        return self.env.get_template(template).render(
            site=self.look, root=root, safety=self.content.safety,
            warning_signs=self.content.warning_signs, services=self.content.services,
            warnings=self.content.safety.warnings, **values)

    def index(self) -> str:
        content = self.content
        return self._render(
            "index.html", "", title="Self-care: points and stretches",
            description="Points to press and stretches to do at home.",
            content=content, protocols=content.protocols,
            regions=content.regions((*content.points, *content.stretches)),
            path=page_path)

    def point(self, public: Public, size: tuple[int, int]) -> str:
        point = public.item
        minutes = _choices(*point.technique.minutes)
        return self._render(
            "point.html", "../", public=public, title=f"{point.id} {point.pinyin}",
            description=f"How to find and press {point.id} ({point.english}).",
            picture=_own(picture_path(point)), picture_size=size,
            view=view_name(point.diagram.view), hold=hold_text(point),
            minutes=[m for m in minutes if m > 0] or [1])

    def stretch(self, public: Public, size: tuple[int, int]) -> str:
        stretch = public.item
        return self._render(
            "stretch.html", "../", public=public, title=stretch.name,
            description=f"How to do the {stretch.name.lower()}, with a moving picture.",
            picture=_own(picture_path(stretch)), picture_size=size,
            animation=animate(stretch).svg, how_much=how_much(stretch),
            timer=timer_for(stretch))


def _own(path: str) -> str:
    """A file beside the page, by its name alone."""
    return path.rsplit("/", 1)[-1]

