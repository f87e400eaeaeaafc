"""The package's imports run one way: no two modules import each other, however far round,
counting the imports inside functions too (a late import hides a cycle, it does not remove
it); and no module takes another's private (_underscored) names.

Read from the source with ast, so nothing is imported and the test is quick."""

from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "handout"


def _modules() -> dict[str, tuple[Path, bool]]:
    """Dotted name -> (file, is a package's __init__)."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        found[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return found


MODULES = _modules()


@lru_cache(maxsize=None)  # each module parsed once, when a test first asks (not at collection)
def _imports(name: str) -> list[tuple[str, list[str], int]]:
    """(module imported, names taken from it, line) for each import of a handout module,
    leaving out those only a type checker runs (`if TYPE_CHECKING:`)."""
    path, is_package = MODULES[name]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    checker_only = {id(node) for block in ast.walk(tree)
                    if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
                    for statement in block.body for node in ast.walk(statement)}
    here = name.split(".") if is_package else name.split(".")[:-1]
    found = []
    for node in ast.walk(tree):
        if id(node) in checker_only:
            continue
        if isinstance(node, ast.Import):
            found += [(a.name, [], node.lineno) for a in node.names if a.name.startswith("handout")]
        elif isinstance(node, ast.ImportFrom):
            base = here[:len(here) - node.level + 1] if node.level else []
            target = ".".join(base + ([node.module] if node.module else []))
            if not target.startswith("handout"):
                continue
            for alias in node.names:  # `from . import files` imports the module handout.files
                sub = f"{target}.{alias.name}"
                found.append((sub, [], node.lineno) if sub in MODULES
                             else (target, [alias.name], node.lineno))
    return [(m, names, line) for m, names, line in found if m in MODULES]


@lru_cache(maxsize=None)
def graph() -> dict[str, set[str]]:
    """Module -> the handout modules it imports."""
    return {name: {m for m, _, _ in _imports(name) if m != name} for name in MODULES}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other (strongly connected, Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                other = stack.pop()
                group.append(other)
                if other == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def test_the_finder_sees_a_cycle_through_a_late_import():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_the_walk_reads_relative_and_late_imports():
    found = graph()
    assert "handout.render.plan" in found["handout.api"]  # a late `from .render.plan import`
    assert "handout.job" in found["handout.render.plan"]  # `from ..job import` in a function
    assert "handout.files" in found["handout.batch"]  # `from . import files`
    assert "handout.cli.options" in found["handout.cli.batch"]


def test_no_import_cycles():
    cycles = _cycles(graph())
    assert not cycles, "modules importing each other: " + "; ".join(
        " <-> ".join(group) for group in cycles)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_private_names_taken_from_another_module(name):
    taken = [f"line {line}: {n} from {module}" for module, names, line in _imports(name)
             if module != name for n in names if n.startswith("_") and not n.startswith("__")]
    assert not taken, f"{MODULES[name][0].name}: " + "; ".join(taken)


def test_command_modules_do_not_import_the_group():
    """cli/__init__.py builds the group from the command modules, never the other way."""
    for name in MODULES:
        if name.startswith("handout.cli."):
            assert "handout.cli" not in graph()[name], name
