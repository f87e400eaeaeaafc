"""How doses read in words: "1 to 3 minutes", "hold 20 to 30 seconds, 3 times each side".

One place for this wording, so the handout, the weekly plan, the cards and the terminal
all say a dose the same way.
"""

from __future__ import annotations

from .models import Dose, Range


def number(value: float) -> str:
    return f"{value:g}"


def span(value: Range, unit: str, short: bool = False) -> str:
    """(20, 30), 'second' -> '20 to 30 seconds' (or '20-30 s' when short)."""
    low, high = value
    if short:
        abbrev = {"second": "s", "minute": "min"}.get(unit, unit)
        text = number(low) if low == high else f"{number(low)}-{number(high)}"
        return f"{text} {abbrev}"
    plural = unit if (low == high == 1) else unit + "s"
    if low == high:
        return f"{number(low)} {plural}"
    return f"{number(low)} to {number(high)} {plural}"


def minutes_text(value: Range, short: bool = False) -> str:
    return span(value, "minute", short)


def _count(value: Range, short: bool = False) -> str:
    low, high = value
    if low == high:
        return number(low)
    return f"{number(low)}-{number(high)}" if short else f"{number(low)} to {number(high)}"


SIDE_WORDS = {"each": "each side", "alternate": "alternating sides", "none": ""}


def dose_text(dose: Dose, short: bool = False) -> str:
    """The whole dose in one line, e.g. 'Hold 20 to 30 seconds, 3 times each side'."""
    parts = []
    if dose.minutes:
        parts.append(minutes_text(dose.minutes, short))
    if dose.hold_seconds:
        hold = span(dose.hold_seconds, "second", short)
        parts.append(hold if short else f"hold {hold}")
    if dose.reps:
        unit = dose.reps_unit or "times"
        if short:
            parts.append(f"{_count(dose.reps, True)} {unit if unit != 'times' else 'x'}".replace(" x", "x"))
        else:
            parts.append(f"{_count(dose.reps)} {unit}")
    sides = SIDE_WORDS.get(dose.sides, "")
    text = ", ".join(parts)
    if sides:
        text += f" {sides}"
    return text[:1].upper() + text[1:] if text else ""
