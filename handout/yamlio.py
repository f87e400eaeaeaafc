"""Safe YAML loading that remembers line numbers and refuses what data files never need.

Every mapping and list comes back as LineDict / LineList, which know the line each key or
entry started on, so validation can say `points.yaml:42: item BL60: pinyin: ...`.
Refused before anything is built: files over MAX_BYTES, text that is not UTF-8, empty files,
and YAML aliases (`*name`): data files have no use for them, and refusing them at parse
time stops an alias bomb before it can expand.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from pathlib import Path
from typing import Any

from functools import lru_cache
from typing import TYPE_CHECKING

from . import diskcache, files, limits
from .errors import DataError, Problem

if TYPE_CHECKING:
    from yaml.constructor import SafeConstructor

MAX_BYTES = limits.YAML_FILE_BYTES  # the whole built-in library is well under 200 KB


class LineDict(dict):
    """A dict from YAML that knows its own line and the line of each key."""

    line: int = 0
    key_lines: dict

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list):
    """A list from YAML that knows its own line and the line of each entry."""

    line: int = 0
    item_lines: list

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


@lru_cache(maxsize=None)
def _loaders() -> tuple[type | None, type]:
    """(libyaml's fast safe loader or None, the pure loader that refuses aliases). PyYAML is
    imported here, the first time a file is parsed: `handout --help` never needs it."""
    import yaml
    from yaml.events import AliasEvent

    class NoAliasLoader(yaml.SafeLoader):
        def compose_node(self, parent, index):  # noqa: D401 - PyYAML hook
            if self.check_event(AliasEvent):
                event = self.peek_event()
                raise yaml.composer.ComposerError(
                    None, None, "YAML aliases (*name) are not allowed in these files",
                    event.start_mark)
            return super().compose_node(parent, index)

    return getattr(yaml, "CSafeLoader", None), NoAliasLoader


def __getattr__(name: str):
    """_FastLoader and _NoAliasLoader, made when first asked for (see _loaders)."""
    if name == "_FastLoader":
        return _loaders()[0]
    if name == "_NoAliasLoader":
        return _loaders()[1]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def read_text(path: Path, *, what: str = "file", max_bytes: int = MAX_BYTES) -> str:
    """The file's text, or a DataError saying in one line why it cannot be read (files.py:
    regular files only, the cap checked while reading, no control characters)."""
    return files.read_text(path, what=what, max_bytes=max_bytes)


def load_yaml(path: Path, *, what: str = "data file") -> Any:
    """Parse one YAML file into LineDict/LineList/scalars, or raise a located DataError.

    The file is always read; what its text parsed to before comes from the disk cache (the
    key: the text's digest, our code and PyYAML's), so a make whose client and brand files
    are unchanged imports no PyYAML, a twenty-fifth of a cold make (issue 15). A file with
    a fault is parsed every time (only values are kept), so its message never changes."""
    text = read_text(path, what=what)
    digest = hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()
    return diskcache.through(
        "yaml", (os.path.abspath(path), what), (digest, diskcache.code_stamp(), _pyyaml_stamp()),
        lambda: parse_yaml(text, str(path), what=what))


@lru_cache(maxsize=1)
def _pyyaml_stamp() -> tuple:
    """PyYAML's own file, found without importing it: another version may read a text
    differently (a date, a number)."""
    spec = importlib.util.find_spec("yaml")
    return diskcache.stamp(spec.origin) if spec and spec.origin else ("yaml", None)


# PyYAML's C parser, where installed, composes nodes (with their line numbers) about 17
# times faster than the pure-Python one. A file it finds fault with is read again by the
# pure loader, so messages are the same on every machine. The C parser resolves an alias to
# the anchor's node; _build notices a node met twice, and the pure loader then stops at the
# first alias itself (naming its line), before anything can expand.
class _AliasFound(Exception):
    """A node met twice while building: the file uses an alias."""


def parse_yaml(text: str, name: str, *, what: str = "data file") -> Any:
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        raise DataError(Problem(name, None, None, None, f"the {what} is empty"))
    fast, pure = _loaders()
    if fast is not None:
        try:
            return _parse(text, name, what, fast)
        except (_AliasFound, DataError):
            pass  # a bad file: the pure loader below says what and where, in its own words
    return _parse(text, name, what, pure)


def _parse(text: str, name: str, what: str, loader_class) -> Any:
    import yaml

    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise DataError(Problem(name, None, None, None, f"the {what} is empty"))
        problems: list[Problem] = []
        value = _build(node, loader, name, problems, set())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        column = f" (column {mark.column + 1})" if mark else ""
        detail = exc.problem or exc.context or "not valid YAML"
        raise DataError(Problem(name, line, None, None, f"YAML syntax error: {detail}{column}")) from None
    except yaml.YAMLError as exc:
        raise DataError(Problem(name, None, None, None, f"not valid YAML: {exc}")) from None
    except RecursionError:
        raise DataError(Problem(name, None, None, None,
                                "nested too deeply to be a data file")) from None
    finally:
        loader.dispose()
    if problems:
        raise DataError(problems)
    return value


def _build(node, loader: SafeConstructor, name: str, problems: list[Problem], seen: set) -> Any:
    if id(node) in seen:
        raise _AliasFound()
    seen.add(id(node))
    if node.id == "scalar":  # PyYAML's ScalarNode, SequenceNode, MappingNode
        try:
            value = loader.construct_object(node, deep=True)
        except ValueError:
            # Looks like a date or number but is not one (2026-13-45): keep the text, and
            # let the field's own check say what is wrong with it.
            value = node.value
        if isinstance(value, str):
            control = files.CONTROL.search(value)
            if control:  # written as an escape ("\x01"): the file itself was clean
                problems.append(Problem(name, node.start_mark.line + 1, None, None,
                                        f"control character U+{ord(control.group()):04X} "
                                        f"(written as an escape)"))
        return value
    if node.id == "sequence":
        out = LineList(_build(child, loader, name, problems, seen) for child in node.value)
        out.line = node.start_mark.line + 1
        out.item_lines = [child.start_mark.line + 1 for child in node.value]
        return out
    if node.id == "mapping":
        out = LineDict()
        out.line = node.start_mark.line + 1
        out.key_lines = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True) if key_node.id == "scalar" else None
            line = key_node.start_mark.line + 1
            if not isinstance(key, str):
                problems.append(Problem(name, line, None, None, f"keys must be text, not {key_node.value!r}"))
                continue
            if key in out:
                problems.append(Problem(name, line, None, key, f"appears twice in the same block (first on line {out.key_lines[key]})"))
                continue
            out[key] = _build(value_node, loader, name, problems, seen)
            out.key_lines[key] = line
        return out
    raise DataError(Problem(name, node.start_mark.line + 1, None, None, "unsupported YAML node"))
