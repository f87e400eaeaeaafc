"""Who a handout is for: a client file, a roster row or command-line options, as one Client.

Parsing only: the Client holds what was asked for, as the user wrote it. Ids are resolved
and safety rules applied in program.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

from . import limits
from .errors import DataError, InputError, Problem
from .fields import Fields
from .yamlio import load_yaml

PAPER_SIZES = ("A4", "Letter")
SIDES = ("both", "left", "right")


LIST_FIELDS = ("points", "stretches", "tips", "drop", "conditions", "allow")


@dataclass(frozen=True)
class Client:
    """Who a handout is for and what to put in it; every field is optional.

    The list fields (points, stretches, tips, drop, conditions, allow) take one id as a
    string or a sequence of ids: Client(conditions="pregnancy") is one condition. Ids are
    checked when the handout is made (make_handout raises UnknownItemError, or SafetyError
    for an item the client's conditions rule out, unless it is in allow).
    """

    name: str = ""
    date: dt.date | None = None  # None: today
    practitioner: str = ""
    protocol: str = ""
    points: tuple[str, ...] = ()  # added to the protocol's
    stretches: tuple[str, ...] = ()
    tips: tuple[str, ...] = ()
    drop: tuple[str, ...] = ()  # ids taken out of the protocol's selection
    side: str = "both"
    conditions: tuple[str, ...] = ()
    allow: tuple[str, ...] = ()  # items the practitioner confirms despite a condition
    notes: str = ""
    next_appointment: str = ""
    paper: str = ""  # "" = the brand's default
    large_print: bool | None = None  # None = the brand's default
    source: str = ""

    def __post_init__(self):
        for key in LIST_FIELDS:
            object.__setattr__(self, key, _ids(key, getattr(self, key)))

    @property
    def day(self) -> dt.date:
        return self.date or dt.date.today()


def _ids(key: str, value) -> tuple[str, ...]:
    """One id or a sequence of ids as a tuple; anything else is a caller's mistake."""
    if isinstance(value, str):
        return (value,) if value.strip() else ()
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise TypeError(f"Client({key}=...) takes an id or a list of ids (strings), "
                    f"not {value!r}")


def parse_date(value, where: str = "date") -> dt.date:
    """A date from YAML (already a date) or text in ISO form (YYYY-MM-DD), from the year
    limits.FIRST_YEAR to limits.LAST_YEAR."""
    if isinstance(value, dt.datetime):
        return check_year(value.date(), where)
    if isinstance(value, dt.date):
        return check_year(value, where)
    text = str(value).strip()
    try:
        return check_year(dt.date.fromisoformat(text), where)
    except ValueError:
        pass
    for fmt in ("%d/%m/%Y", "%d.%m.%Y"):
        try:
            return check_year(dt.datetime.strptime(text, fmt).date(), where)
        except ValueError:
            continue
    shown = text if len(text) <= 40 else text[:39] + "…"
    raise InputError(f"{where}: '{shown}' is not a date; write it as YYYY-MM-DD, e.g. 2026-03-14")


def check_year(day: dt.date, where: str = "date") -> dt.date:
    """The date, if its year is one a handout can be for; else an InputError."""
    if not limits.FIRST_YEAR <= day.year <= limits.LAST_YEAR:
        raise InputError(f"{where}: {day.isoformat()} is not a year from {limits.FIRST_YEAR} "
                         f"to {limits.LAST_YEAR}")
    return day


def load_client(path: Path) -> Client:
    """Read a client file (YAML); DataError names the file, line and field of any problem."""
    raw = load_yaml(Path(path), what="client file")
    problems: list[Problem] = []
    f = Fields(raw, str(path), None, problems)
    values = {
        "name": f.text("name", required=False, limit=limits.CLIENT_TEXT["name"]),
        "practitioner": f.text("practitioner", required=False,
                               limit=limits.CLIENT_TEXT["practitioner"]),
        "protocol": f.text("protocol", required=False, limit=limits.CLIENT_TEXT["protocol"]),
        "points": f.strings("points", required=False),
        "stretches": f.strings("stretches", required=False),
        "tips": f.strings("tips", required=False),
        "drop": f.strings("drop", required=False),
        "side": f.choice("side", SIDES, required=False, default="both"),
        "conditions": f.strings("conditions", required=False),
        "allow": f.strings("allow", required=False),
        "notes": f.text("notes", required=False, limit=limits.CLIENT_TEXT["notes"]),
        "next_appointment": f.text("next_appointment", required=False,
                                   limit=limits.CLIENT_TEXT["next_appointment"]),
        "paper": f.choice("paper", PAPER_SIZES, required=False),
        "large_print": f.boolean("large_print", required=False, default=None),
        "source": str(path),
    }
    date_value = f.raw("date", required=False)
    if date_value is not None and isinstance(raw, dict) and "date" in raw:
        try:
            values["date"] = parse_date(date_value)
        except InputError as exc:
            f.problem("date", str(exc).split(": ", 1)[1])
    f.done()
    if problems:
        raise DataError(problems)
    client = Client(**values)
    check_client(client)
    return client


def check_client(client: Client) -> Client:
    """Limits that hold however the client was given (file, options or roster row)."""
    where = client.source or "client"
    for key in limits.CLIENT_TEXT:
        problem = limits.text_problem(key, getattr(client, key))
        if problem:
            raise InputError(f"{where}: {key} {problem}")
    for key in LIST_FIELDS:
        problem = limits.ids_problem(key, getattr(client, key))
        if problem:
            raise InputError(f"{where}: {key} {problem}")
    if client.date is not None:
        check_year(client.date, f"{where}: date")
    if client.paper and client.paper not in PAPER_SIZES:
        raise InputError(f"{where}: paper '{client.paper}' is not one of {', '.join(PAPER_SIZES)}")
    if client.side not in SIDES:
        raise InputError(f"{where}: side '{client.side}' is not one of {', '.join(SIDES)}")
    return client


def merge(base: Client, **changes) -> Client:
    """The client with options from the command line laid over it (empty options change nothing)."""
    kept = {k: v for k, v in changes.items() if v not in (None, "", ())}
    for key in ("points", "stretches", "tips", "drop", "conditions", "allow"):
        if key in kept:
            kept[key] = tuple(dict.fromkeys((*getattr(base, key), *kept[key])))
    return check_client(replace(base, **kept))
