"""Reading one YAML mapping into typed values while collecting every problem.

A Fields object wraps one mapping from a data file. Each accessor checks a field's type and
records the field as known; done() then reports every field nobody asked for as unknown, so
the list of allowed fields is exactly the code that reads them (no second list to forget).
"""

from __future__ import annotations

from collections.abc import Iterable

from . import limits
from .errors import Problem
from .models import Range
from .yamlio import LineDict, LineList

_MISSING = object()


def unknown_keys(keys: list[str], known: Iterable[str], kind: str) -> list[tuple[str | None, str]]:
    """What to say about the keys that are not `known`: (key, message) pairs, key None when
    the message is about the whole mapping. `kind` is "field" or "section".

    When not one key is known, the mapping is most likely not this kind of file at all (a link
    to a private file, say), so its keys, which may be its contents, are not quoted."""
    known = list(known)
    listed = ", ".join(known)
    unknown = [key for key in keys if key not in known]
    if unknown and len(unknown) == len(keys):
        return [(None, f"has none of the {kind}s expected here ({listed}): is it the right file?")]
    return [(key, f"unknown {kind} (expected one of: {listed})") for key in unknown]


class Fields:
    def __init__(self, data, file: str, item: str | None, problems: list[Problem],
                 prefix: str = "", line: int = 0):
        self.data = data if isinstance(data, dict) else LineDict()
        self.file = file
        self.item = item
        self.problems = problems
        self.prefix = prefix
        self.line = getattr(data, "line", line) or line
        self.seen: set[str] = set()
        if not isinstance(data, dict):
            # A whole file that is text or a list is not quoted: it may be any file at all.
            shown = "text" if isinstance(data, str) and not prefix and not item else describe(data)
            self.problem(None, f"should be a block of fields, not {shown}", line)

    # -- reporting -------------------------------------------------------------------
    def path(self, name: str | None) -> str | None:
        if name is None:
            return self.prefix or None
        return f"{self.prefix}.{name}" if self.prefix else name

    def line_of(self, name: str) -> int:
        return self.data.line_of(name) if isinstance(self.data, LineDict) else self.line

    def file_of(self, name: str | None) -> str:
        """The file a field was written in: a clinic's overlaid item mixes two (overlay.py)."""
        files = getattr(self.data, "key_files", None)
        return files.get(name.split("[", 1)[0], self.file) if files and name else self.file

    def problem(self, name: str | None, message: str, line: int | None = None) -> None:
        if line is None:
            line = self.line_of(name) if name else self.line
        self.problems.append(Problem(self.file_of(name), line, self.item, self.path(name), message))

    def done(self) -> None:
        for key, message in unknown_keys(list(self.data), sorted(self.seen), "field"):
            self.problem(key, message)

    # -- accessors -------------------------------------------------------------------
    def raw(self, name: str, required: bool = True):
        self.seen.add(name)
        value = self.data.get(name, _MISSING)
        if value is _MISSING or value is None:
            if required:
                self.problem(name, "missing (a required field)")
            return _MISSING
        return value

    def text(self, name: str, required: bool = True, default: str = "",
             limit: int = limits.FIELD_TEXT) -> str:
        """Text of at most `limit` characters (limits.py)."""
        value = self.raw(name, required)
        if value is _MISSING:
            return default
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.problem(name, f"should be text, not {describe(value)}")
            return default
        value = str(value).strip()
        if not value and required:
            self.problem(name, "is empty")
        too_long = limits.text_problem(name, value, limit)
        if too_long:
            self.problem(name, too_long)
            return default
        return value

    def boolean(self, name: str, required: bool = True, default: bool = False) -> bool:
        value = self.raw(name, required)
        if value is _MISSING:
            return default
        if not isinstance(value, bool):
            self.problem(name, f"should be true or false, not {describe(value)}")
            return default
        return value

    def integer(self, name: str, required: bool = True, default: int = 0,
                minimum: int = 1, maximum: int = 1000) -> int:
        value = self.raw(name, required)
        if value is _MISSING:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(name, f"should be a whole number, not {describe(value)}")
            return default
        if not minimum <= value <= maximum:
            self.problem(name, f"should be from {minimum} to {maximum}, not {value}")
            return default
        return value

    def number(self, name: str, low: float, high: float, required: bool = True) -> float | None:
        value = self.raw(name, required)
        if value is _MISSING:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.problem(name, f"should be a number, not {describe(value)}")
            return None
        if not low <= value <= high:
            self.problem(name, f"should be from {low:g} to {high:g}, not {value:g}")
            return None
        return float(value)

    def range(self, name: str, required: bool = False) -> Range | None:
        """A positive number n, or [low, high] with low <= high."""
        value = self.raw(name, required)
        if value is _MISSING:
            return None
        pair = list(value) if isinstance(value, list) else [value, value]
        if len(pair) != 2 or any(isinstance(v, bool) or not isinstance(v, (int, float)) for v in pair):
            self.problem(name, f"should be a number or [low, high], not {describe(value)}")
            return None
        low, high = pair
        if low <= 0 or high < low:
            self.problem(name, f"should be positive with low <= high, not {value}")
            return None
        return (low, high)

    def choice(self, name: str, choices: Iterable[str], required: bool = True,
               default: str = "") -> str:
        choices = tuple(choices)
        value = self.text(name, required, default)
        if value and value not in choices:
            self.problem(name, f"'{value}' is not one of: {', '.join(choices)}")
            return default
        return value

    def strings(self, name: str, required: bool = True) -> tuple[str, ...]:
        value = self.raw(name, required)
        if value is _MISSING:
            return ()
        if not isinstance(value, list):
            self.problem(name, f"should be a list, not {describe(value)}")
            return ()
        out = []
        for index, entry in enumerate(value):
            if isinstance(entry, bool) or not isinstance(entry, (str, int, float)) or not str(entry).strip():
                line = value.line_of(index) if isinstance(value, LineList) else None
                self.problem(f"{name}[{index + 1}]", f"should be text, not {describe(entry)}", line)
                continue
            out.append(str(entry).strip())
        if required and not out and not value:
            self.problem(name, "is empty")
        return tuple(out)

    def sub(self, name: str, required: bool = True) -> Fields | None:
        value = self.raw(name, required)
        if value is _MISSING:
            return None
        return Fields(value, self.file_of(name), self.item, self.problems, self.path(name),
                      self.line_of(name))

    def blocks(self, name: str, required: bool = True) -> list[Fields]:
        """A list of mappings, each as its own Fields."""
        value = self.raw(name, required)
        if value is _MISSING:
            return []
        if not isinstance(value, list):
            self.problem(name, f"should be a list, not {describe(value)}")
            return []
        lines = value.item_lines if isinstance(value, LineList) else [self.line] * len(value)
        return [
            Fields(entry, self.file_of(name), self.item, self.problems,
                   f"{self.path(name)}[{i + 1}]", lines[i])
            for i, entry in enumerate(value)
        ]


def describe(value) -> str:
    """A short name for a YAML value's type, for messages."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"'{str(value).lower()}'"
    if isinstance(value, dict):
        return "a block of fields"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    text = str(value)
    return f"'{text[:40]}…'" if len(text) > 40 else f"'{text}'"
