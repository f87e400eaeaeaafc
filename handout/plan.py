"""The weekly plan: weeks -> days -> rows, from a Program. Pure Python, no ReportLab.

    plan = build_plan(program, start=date(2026, 3, 14), weeks=4, locale="en-GB")
    plan.weeks[1].rows[0].dose      # '30 s, 3x each side': week 2 of the protocol's progression
    plan.weeks[0].days[0].text      # 'Sat 14 Mar'

The rows are exactly the Program's points and stretches (same selection, same safety rules
as the handout), each with its dose for that week after the protocol's progression, and the
number of tick boxes a day (Dose.per_day; a point is pressed once a day).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from .client import parse_date
from .errors import InputError
from .library import point_key
from .models import Dose, Point, Range, Step, Stretch
from .plan_settings import DEFAULT_LOCALE, LOCALES, MAX_WEEKS, MIN_WEEKS
from .program import Program
from .units import dose_text, span

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")

POINT_SIDES = {"both": "each side", "left": "left side", "right": "right side", "centre": ""}
PER_DAY_WORDS = {1: "", 2: "twice a day"}


@dataclass(frozen=True)
class Tracking:
    """A row the client writes in each day."""

    id: str
    label: str
    hint: str = ""
    tall: bool = False  # a line to write a sentence on, not a number


TRACKING = (
    Tracking("pain-morning", "Pain now: morning", "0 = none, 10 = worst"),
    Tracking("pain-evening", "Pain now: evening", "0 to 10"),
    Tracking("sleep", "Sleep", "hours, or good / OK / bad"),
    Tracking("activity", "Activity", "minutes walking or moving"),
    Tracking("notes", "Notes", "", tall=True),
)


@dataclass(frozen=True)
class Row:
    """One routine item on one week's sheet."""

    kind: str  # "point" or "stretch"
    id: str
    label: str  # 'BL60 Kūnlún', 'Knee-to-chest stretch'
    dose: str  # '1-3 min each side', '20-30 s, 3x each side', '..., twice a day'
    per_day: int  # tick boxes a day
    new: bool = False  # the protocol's progression changed the dose this week
    was: str = ""  # the dose before that change (without how often: that never changes)

    @property
    def text(self) -> str:
        return f"{self.label}: {self.dose}"


@dataclass(frozen=True)
class Day:
    date: dt.date
    weekday: str  # 'Mon'
    label: str  # '14 Mar' (en-GB) or 'Mar 14' (en-US)

    @property
    def text(self) -> str:
        return f"{self.weekday} {self.label}"


@dataclass(frozen=True)
class Week:
    number: int  # 1-based
    of: int  # how many weeks the plan has
    days: tuple[Day, ...]
    rows: tuple[Row, ...]
    dates: str  # '14 to 20 March 2026'

    def boxes_per_day(self) -> int:
        return sum(row.per_day for row in self.rows)


@dataclass(frozen=True)
class Plan:
    name: str  # the client's name ('' when not given)
    start: dt.date
    locale: str
    weeks: tuple[Week, ...]
    tracking: tuple[Tracking, ...] = TRACKING
    next_appointment: str = ""


# -- dates -------------------------------------------------------------------------------

def check_locale(locale: str) -> str:
    if locale not in LOCALES:
        raise InputError(f"locale '{locale}' is not one of {', '.join(LOCALES)}")
    return locale


def day_of(day: dt.date, locale: str = DEFAULT_LOCALE) -> Day:
    month = _MONTHS[day.month - 1][:3]
    label = f"{day.day} {month}" if LOCALES[check_locale(locale)] == "day month" \
        else f"{month} {day.day}"
    return Day(day, _WEEKDAYS[day.weekday()], label)


def dates_text(first: dt.date, last: dt.date, locale: str = DEFAULT_LOCALE) -> str:
    """'14 to 20 March 2026' (en-GB) or 'March 14 to 20, 2026' (en-US)."""
    m1, m2 = _MONTHS[first.month - 1], _MONTHS[last.month - 1]
    if LOCALES[check_locale(locale)] == "day month":
        if first.year != last.year:
            return f"{first.day} {m1} {first.year} to {last.day} {m2} {last.year}"
        if first.month != last.month:
            return f"{first.day} {m1} to {last.day} {m2} {last.year}"
        return f"{first.day} to {last.day} {m2} {last.year}"
    if first.year != last.year:
        return f"{m1} {first.day}, {first.year} to {m2} {last.day}, {last.year}"
    if first.month != last.month:
        return f"{m1} {first.day} to {m2} {last.day}, {last.year}"
    return f"{m1} {first.day} to {last.day}, {last.year}"


def start_date(value: dt.date | str | None) -> dt.date:
    """The plan's first day: a date, text in YYYY-MM-DD form, or None for today."""
    if value is None or value == "":
        return dt.date.today()
    return parse_date(value, "start date")


def check_weeks(weeks) -> int:
    if isinstance(weeks, bool) or not isinstance(weeks, int):
        raise InputError(f"weeks: '{weeks}' is not a whole number; print {MIN_WEEKS} to {MAX_WEEKS} weeks")
    if not MIN_WEEKS <= weeks <= MAX_WEEKS:
        raise InputError(f"weeks: {weeks} is out of range; print {MIN_WEEKS} to {MAX_WEEKS} weeks")
    return weeks


# -- doses -------------------------------------------------------------------------------

def _steps_for(item_id: str, kind: str, steps: tuple[Step, ...], week: int) -> list[Step]:
    def matches(step: Step) -> bool:
        if kind == "point":
            return point_key(step.item) == item_id
        return step.item == item_id
    return sorted((s for s in steps if s.week <= week and matches(s)), key=lambda s: s.week)


def point_dose(point: Point, client_side: str, steps: list[Step]) -> str:
    """'1-3 min each side' (or '... left side' when the client presses one side only)."""
    minutes: Range | None = point.technique.minutes
    seconds: Range | None = None
    for step in steps:
        if step.minutes:
            minutes, seconds = step.minutes, None
        if step.hold_seconds:
            minutes, seconds = None, step.hold_seconds
    text = span(seconds, "second", True) if seconds else span(minutes, "minute", True)
    sides = point.technique.sides
    where = POINT_SIDES[sides]
    if sides == "both" and client_side in ("left", "right"):
        where = POINT_SIDES[client_side]
    return f"{text} {where}".strip()


def stretch_dose(stretch: Stretch, steps: list[Step]) -> Dose:
    dose = stretch.dose
    for step in steps:
        changes = {name: getattr(step, name) for name in ("hold_seconds", "reps", "minutes")
                   if getattr(step, name)}
        dose = replace(dose, **changes)
    return dose


def _often(per_day: int) -> str:
    return PER_DAY_WORDS.get(per_day, f"{per_day} times a day")


def _with_often(text: str, per_day: int) -> str:
    often = _often(per_day)
    return f"{text}, {often}" if often else text


def routine_rows(program: Program, week: int) -> tuple[Row, ...]:
    """The client's points then stretches, each with its dose for this week (1-based)."""
    steps = program.progression
    side = program.client.side
    rows = []
    for chosen in program.points:
        point: Point = chosen.item
        now = point_dose(point, side, _steps_for(point.id, "point", steps, week))
        before = point_dose(point, side, _steps_for(point.id, "point", steps, week - 1))
        new = week > 1 and now != before
        rows.append(Row("point", point.id, point.name, now, 1, new, before if new else ""))
    for chosen in program.stretches:
        stretch: Stretch = chosen.item
        dose = stretch_dose(stretch, _steps_for(stretch.id, "stretch", steps, week))
        prior = stretch_dose(stretch, _steps_for(stretch.id, "stretch", steps, week - 1))
        per_day = max(1, dose.per_day)
        now, before = dose_text(dose, short=True), dose_text(prior, short=True)
        new = week > 1 and now != before
        rows.append(Row("stretch", stretch.id, stretch.name, _with_often(now, per_day), per_day,
                        new, before if new else ""))
    return tuple(rows)


# -- the plan ----------------------------------------------------------------------------

def build_plan(program: Program, start: dt.date | str | None = None, weeks: int = 1,
               locale: str = DEFAULT_LOCALE) -> Plan:
    """Weeks of seven days from `start`, each with the routine's rows for that week.

    InputError (one line) for a start that is not a date, weeks outside 1 to 26, an unknown
    locale, or a routine left empty by the safety rules.
    """
    check_locale(locale)
    weeks = check_weeks(weeks)
    first = start_date(start)
    if program.is_empty():
        left = ", ".join(dict.fromkeys(o.item.id for o in program.left_out
                                       if o.item.kind in ("point", "stretch")))
        why = f" (left out for safety: {left})" if left else ""
        raise InputError("nothing to put on the weekly plan: no points or stretches are left "
                         f"for this client{why}; add some with points=[...] or stretches=[...]")
    out = []
    for number in range(1, weeks + 1):
        week_start = first + dt.timedelta(days=7 * (number - 1))
        days = tuple(day_of(week_start + dt.timedelta(days=i), locale) for i in range(7))
        out.append(Week(number, weeks, days, routine_rows(program, number),
                        dates_text(days[0].date, days[-1].date, locale)))
    client = program.client
    return Plan(client.name, first, locale, tuple(out), TRACKING, client.next_appointment)
