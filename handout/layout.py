"""Layout templates (templates/*.yaml): page margins, which sections in which order, styles.

A template is declarative: a clinic copies one, reorders or drops sections, changes headings
and type sizes, and passes it with --template, without touching Python. Style attributes use
ReportLab's own names (fontSize, leading, spaceBefore ...), as rst2pdf's styles.yaml does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import limits
from .errors import DataError, InputError, Problem
from .fields import Fields, describe
from .resources import resource_dir
from .yamlio import load_yaml

STYLE_ATTRIBUTES = {
    "fontSize": float, "leading": float, "spaceBefore": float, "spaceAfter": float,
    "leftIndent": float, "firstLineIndent": float, "alignment": int,
}
ORIENTATIONS = ("portrait", "landscape")
# full: the contact block and disclaimer on every page; short: the clinic and its phone, and
# the disclaimer (sheets cut up into cards, each card naming the clinic and its phone)
FOOTERS = ("full", "short")


@dataclass(frozen=True)
class Section:
    name: str
    options: dict = field(default_factory=dict)
    line: int = 0


@dataclass(frozen=True)
class Template:
    name: str
    kind: str
    title: str
    margins_mm: tuple[float, float, float, float]  # top, right, bottom, left
    orientation: str
    sections: tuple[Section, ...]
    styles: dict[str, dict[str, float]]
    large_print_scale: float
    source: str
    footer: str = "full"  # one of FOOTERS


def find_template(name_or_path: str | Path, search_dirs=()) -> Path:
    """A template file: a path to a .yaml file, or a name in a clinic folder or the built-ins."""
    candidate = Path(name_or_path)
    if candidate.suffix in (".yaml", ".yml"):
        if not candidate.exists():
            raise InputError(f"template {candidate} not found")
        return candidate  # a folder, FIFO or device is refused, by name, when it is read
    for folder in (*search_dirs, resource_dir("templates")):
        path = Path(folder) / f"{name_or_path}.yaml"
        if path.is_file():
            return path
    raise InputError(f"unknown template '{name_or_path}'; give a .yaml file or one of: "
                     + ", ".join(sorted(p.stem for p in resource_dir("templates").glob("*.yaml")
                                        if p.stem != "brand-starter")))


# Section options that are whole numbers, and their ranges; other options are text or
# true/false, and text is limited like any data field.
WHOLE_NUMBER_OPTIONS = {"lines": (1, 30)}


def _option_problem(option: str, value) -> str | None:
    """What is wrong with a section option's value, or None."""
    if option in WHOLE_NUMBER_OPTIONS:
        low, high = WHOLE_NUMBER_OPTIONS[option]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            return f"should be a whole number from {low} to {high}, not {describe(value)}"
    elif isinstance(value, str):
        return limits.text_problem(option, value)
    return None


def load_template(path: Path, known_sections: dict[str, tuple[str, ...]]) -> Template:
    """Read and check a template; `known_sections` maps section names to their options."""
    raw = load_yaml(Path(path), what="template")
    problems: list[Problem] = []
    f = Fields(raw, str(path), None, problems)
    name = f.text("name")
    kind = f.text("kind")
    title = f.text("title")
    page = f.sub("page")
    margins = (15.0, 15.0, 18.0, 15.0)
    orientation = "portrait"
    footer = "full"
    if page:
        m = page.sub("margins_mm")
        if m:
            margins = tuple(m.number(side, 5, 60) or 15.0 for side in ("top", "right", "bottom", "left"))
            m.done()
        orientation = page.choice("orientation", ORIENTATIONS, required=False, default="portrait")
        footer = page.choice("footer", FOOTERS, required=False, default="full")
        page.done()
    sections = []
    raw_sections = f.raw("sections")
    if isinstance(raw_sections, list):
        for index, entry in enumerate(raw_sections):
            line = raw_sections.line_of(index)
            options: dict = {}
            if isinstance(entry, dict) and len(entry) == 1:
                section_name, options = next(iter(entry.items()))
                options = options or {}
            else:
                section_name = entry
            if not isinstance(section_name, str) or section_name not in known_sections:
                problems.append(Problem(str(path), line, None, "sections",
                                        f"unknown section '{section_name}' (known: {', '.join(known_sections)})"))
                continue
            if not isinstance(options, dict):
                problems.append(Problem(str(path), line, None, f"sections.{section_name}",
                                        "options should be a block of fields"))
                continue
            for option in options:
                if option not in known_sections[section_name]:
                    allowed = ", ".join(known_sections[section_name]) or "none"
                    problems.append(Problem(str(path), line, None, f"sections.{section_name}",
                                            f"unknown option '{option}' (allowed: {allowed})"))
                    continue
                wrong = _option_problem(option, options[option])
                if wrong:
                    problems.append(Problem(str(path), options.line_of(option)
                                            if hasattr(options, "line_of") else line, None,
                                            f"sections.{section_name}.{option}", wrong))
            sections.append(Section(section_name, dict(options), line))
    elif raw_sections is not None:
        f.problem("sections", "should be a list of section names")
    styles: dict[str, dict[str, float]] = {}
    style_block = f.sub("styles", required=False)
    if style_block:
        for style_name in list(style_block.data):
            s = style_block.sub(style_name)
            if s is None:
                continue
            attrs = {}
            for attr, kind_ in STYLE_ATTRIBUTES.items():
                value = s.number(attr, 0, 200, required=False)
                if value is not None:
                    attrs[attr] = kind_(value)
            s.done()
            styles[style_name] = attrs
    scale = f.number("large_print_scale", 1.0, 2.5, required=False) or 1.35
    f.done()
    if problems:
        raise DataError(problems)
    return Template(name, kind, title, margins, orientation, tuple(sections), styles, scale, str(path),
                    footer)
