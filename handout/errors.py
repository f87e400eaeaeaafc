"""The package's own exceptions.

Everything a user can get wrong raises a HandoutError subclass whose str() is one clear line.
The command line (handout/cli/) turns these into click errors; nothing else in the package
imports click.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


class HandoutError(Exception):
    """Base class: a problem with the user's input, reported as one line."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a data file: where it is and what is wrong."""

    file: str
    line: int | None
    item: str | None
    field: str | None
    message: str
    column: int | None = None  # where on the line, for a character that is not allowed

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        if self.line and self.column:
            where += f":{self.column}"
        parts = [where]
        if self.item:
            parts.append(self.item)
        if self.field:
            parts.append(self.field)
        parts.append(self.message)
        return ": ".join(parts)


# Messages raised to Python callers name the API's keyword arguments (allow=['BL60'],
# protocol='sciatica', combined='all/', shard=(4, 3), skip_existing=True); the command line
# says its options instead. One rewrite for each audience: this one for the command line,
# roster_table.in_roster_words for a roster's columns.
API_LISTS = ("allow", "points", "stretches", "tips", "drop", "conditions")
_API_LIST = re.compile(r"\b(" + "|".join(API_LISTS) + r")=\[([^\]]*)\]")
_API_TEXT = re.compile(r"\b(protocol|sheet|combined|out_dir|base_url)='([^']*)'")
_API_PAIR = re.compile(r"\b(shard)=\((\d+), (\d+)\)")
_API_FLAG = re.compile(r"\b(skip_existing|duplex|with_plan)=True\b")
_OPTION = {"out_dir": "out"}  # where an option's name is not the keyword's


def _items(inside: str) -> str:
    return ",".join(v.strip().strip("'\"") for v in inside.split(",") if v.strip())


def _option(keyword: str) -> str:
    return "--" + _OPTION.get(keyword, keyword).replace("_", "-")


def for_command_line(message: str) -> str:
    """An API-worded message as the command line says it: allow=['BL60'] -> --allow BL60,
    combined='all/' -> --combined all/, shard=(4, 3) -> --shard 4/3."""
    message = _API_LIST.sub(lambda m: f"{_option(m[1])} {_items(m[2])}", message)
    message = _API_TEXT.sub(lambda m: f"{_option(m[1])} {m[2]}", message)
    message = _API_PAIR.sub(lambda m: f"{_option(m[1])} {m[2]}/{m[3]}", message)
    return _API_FLAG.sub(lambda m: _option(m[1]), message)


class DataError(HandoutError):
    """One or more problems in data, template, brand or client files."""

    def __init__(self, problems: list[Problem] | Problem):
        problems = [problems] if isinstance(problems, Problem) else list(problems)
        # Earliest first within each file, so the one-line summary names the first problem.
        order = {name: i for i, name in enumerate(dict.fromkeys(p.file for p in problems))}
        self.problems = sorted(problems, key=lambda p: (order[p.file], p.line or 0))
        super().__init__(self._summary())

    def _summary(self) -> str:
        first = str(self.problems[0])
        more = len(self.problems) - 1
        if more:
            first += f" (and {more} more problem{'s' if more > 1 else ''})"
        return first


class UnknownItemError(HandoutError):
    """An id that names no point, stretch, tip, protocol or condition."""


class SafetyError(HandoutError):
    """An explicitly requested item that the client's conditions rule out."""


class InputError(HandoutError):
    """A bad option value or client field (date, paper size, weeks ...)."""
