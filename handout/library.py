"""The content library: load data/*.yaml (plus a clinic's own folders), validate, resolve ids.

The library knows nothing of clients or PDFs. load_library() gives a Library or raises a
DataError listing every problem; check_data() gives the list itself, for `handout validate`.
A clinic folder holds files of the same names: an item with a built-in id changes the fields
it gives (overlay.py; `replace: true` replaces it whole), a new id is added, and a section of
safety.yaml (say `disclaimer`) replaces the built-in one.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from . import files, overlay
from .errors import DataError, Problem, UnknownItemError
from .fields import Fields, describe, unknown_keys
from .models import (
    Caution, Condition, Diagram, Dose, EmergencyServices, Point, Protocol, RedFlags, Safety,
    Sign, Source, Step, Stretch, Technique, Tip, Topic, WarningSigns, Wording,
)
from .pose_variants import conditions_of, variant_list
from .resources import resource_dir
from .wording import (PLACEHOLDERS, client_texts, item_words, tailor, unknown_placeholders,
                      unsafe_phrases)
from .yamlio import LineDict, load_yaml

REGIONS = ("lower-back", "buttock", "thigh", "knee", "lower-leg", "ankle-foot")
POINT_ID = re.compile(r"^[A-Z]{2,3}\d{1,2}$")
ITEM_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

# What each file may hold; list sections are merged by item id.
FILES: dict[str, tuple[str, ...]] = {
    "points.yaml": ("points",),
    "stretches.yaml": ("stretches",),
    "tips.yaml": ("topics", "tips"),
    "safety.yaml": ("conditions", "emergency_services", "red_flags", "precautions",
                    "technique", "stretch_rules", "about_sciatica", "evidence", "how_to_use",
                    "disclaimer"),
    "protocols.yaml": ("protocols",),
}
LIST_SECTIONS = {"points", "stretches", "topics", "tips", "conditions", "protocols",
                 "emergency_services"}
COUNTRY = re.compile(r"^[A-Z]{2}$")
DEFAULT_COUNTRY = "GB"

# Non-standard meridian prefixes clients and older books use (WHO 2008 codes on the right).
MERIDIAN_PREFIXES = {
    "BL": "BL", "UB": "BL", "B": "BL", "BLADDER": "BL",
    "GB": "GB", "GALLBLADDER": "GB", "GALLBLADDERMERIDIAN": "GB",
    "KI": "KI", "K": "KI", "KD": "KI", "KID": "KI", "KIDNEY": "KI",
    "ST": "ST", "S": "ST", "STOMACH": "ST",
    "LR": "LR", "LV": "LR", "LIV": "LR", "LIVER": "LR",
    "SP": "SP", "SPLEEN": "SP",
    "LI": "LI", "LARGEINTESTINE": "LI",
    "GV": "GV", "DU": "GV", "CV": "CV", "REN": "CV",
    "HT": "HT", "HEART": "HT", "PC": "PC", "P": "PC", "PERICARDIUM": "PC",
    "LU": "LU", "LUNG": "LU", "SI": "SI", "SMALLINTESTINE": "SI",
    "TE": "TE", "SJ": "TE", "TW": "TE", "TH": "TE",
}


@dataclass(frozen=True)
class Library:
    """The content, checked: items by id (library.point("K3") resolves aliases)."""

    points: dict[str, Point]
    stretches: dict[str, Stretch]
    topics: dict[str, Topic]
    tips: dict[str, Tip]
    conditions: dict[str, Condition]
    safety: Safety
    protocols: dict[str, Protocol]
    folders: tuple[Path, ...]
    # (section, id) -> the fields a clinic folder set on that item (see overlay.py), or
    # None for an item that is the clinic's own (new, or `replace: true`).
    clinic_fields: dict[tuple[str, str], tuple[str, ...] | None] = field(default_factory=dict)

    def fields_from_clinic(self, item) -> tuple[str, ...] | None:
        """The fields of a point, stretch, tip or protocol that a clinic's folder set:
        () for a built-in item as shipped, None for an item wholly the clinic's."""
        return self.clinic_fields.get((section_of(item), item.id), ())

    # -- lookups: every id a user types goes through one of these --------------------
    def point(self, ref: str) -> Point:
        key = point_key(ref)
        if key in self.points:
            return self.points[key]
        for point in self.points.values():
            if key in {point_key(a) for a in point.aliases}:
                return point
        raise UnknownItemError(_unknown("point", ref, self.points, self._point_aliases()))

    def stretch(self, ref: str) -> Stretch:
        return self.stretches[_lookup("stretch", ref, self.stretches)]

    def tip(self, ref: str) -> Tip:
        return self.tips[_lookup("tip", ref, self.tips)]

    def protocol(self, ref: str) -> Protocol:
        return self.protocols[_lookup("protocol", ref, self.protocols)]

    def condition(self, ref: str) -> Condition:
        key = _slug(ref)
        for condition in self.conditions.values():
            if key == condition.id or key in {_slug(a) for a in condition.aliases}:
                return condition
        raise UnknownItemError(_unknown("condition", ref, self.conditions))

    def services(self, country: str) -> EmergencyServices:
        """The emergency services of a country (ISO 3166 code, e.g. GB, US)."""
        for services in self.safety.emergency_services:
            if services.country == str(country).strip().upper():
                return services
        known = ", ".join(s.country for s in self.safety.emergency_services)
        raise UnknownItemError(f"unknown country '{country}' (known: {known}); "
                               "add its emergency services to your safety.yaml")

    def find(self, ref: str):
        """Any item by id or alias: a point, a stretch, a tip or a protocol."""
        for lookup in (self.point, self.stretch, self.tip, self.protocol):
            try:
                return lookup(ref)
            except UnknownItemError:
                pass
        every = {**self.points, **self.stretches, **self.tips, **self.protocols}
        raise UnknownItemError(_unknown("item", ref, every, self._point_aliases()))

    def drawable(self, ref: str):
        """A point or a stretch: the items that have a picture (`handout diagram`)."""
        for lookup in (self.point, self.stretch):
            try:
                return lookup(ref)
            except UnknownItemError:
                pass
        raise UnknownItemError(_unknown("point or stretch", ref,
                                        {**self.points, **self.stretches}, self._point_aliases()))

    def _point_aliases(self) -> list[str]:
        return [alias for point in self.points.values() for alias in point.aliases]


def section_of(item) -> str:
    """The list section (and file) an item belongs to: a Point is in `points` ..."""
    return {Point: "points", Stretch: "stretches", Tip: "tips", Protocol: "protocols"}[type(item)]


def point_key(ref: str) -> str:
    """The WHO code a point reference means: 'k3', 'KD-3', 'Kidney 3' -> 'KI3'."""
    compact = re.sub(r"[\s\-_.]+", "", str(ref)).upper()
    match = re.fullmatch(r"([A-Z]+)0*(\d+)", compact)
    if match and match.group(1) in MERIDIAN_PREFIXES:
        return f"{MERIDIAN_PREFIXES[match.group(1)]}{match.group(2)}"
    return compact


def _slug(ref: str) -> str:
    return re.sub(r"[\s_]+", "-", str(ref).strip().lower())


def _lookup(kind: str, ref: str, items: dict) -> str:
    key = _slug(ref)
    if key in items:
        return key
    raise UnknownItemError(_unknown(kind, ref, items))


def _unknown(kind: str, ref: str, items: Iterable[str], extra: Iterable[str] = ()) -> str:
    names = list(items) + list(extra)
    close = difflib.get_close_matches(str(ref), names, n=3, cutoff=0.5)
    if not close:
        close = difflib.get_close_matches(str(ref).upper(), [n.upper() for n in names], n=3, cutoff=0.5)
    hint = f"; did you mean {' or '.join(close)}?" if close else ""
    return f"unknown {kind} '{ref}'{hint}"


# -- loading ---------------------------------------------------------------------------

def builtin_data_dir() -> Path:
    return resource_dir("data")


def load_library(data_dirs: Sequence[Path | str] = ()) -> Library:
    """The built-in library overlaid with each clinic folder; DataError lists every problem."""
    folders = tuple(Path(d).resolve() for d in data_dirs)
    library = _load_cached(folders)
    for folder in folders:  # read once, cached: still this run's inputs, never its outputs
        for file_name in FILES:
            files.note_file(folder / file_name)
    return library


@lru_cache(maxsize=8)
def _load_cached(data_dirs: tuple[Path, ...]) -> Library:
    """Once per process; across processes from the disk cache (diskcache.py), keyed by
    every file the load reads or looks for. Only a library with no problems is kept, so
    a cached one has passed every check (the art check too: that is what costs)."""
    from . import diskcache

    identity = (str(builtin_data_dir()), tuple(str(d) for d in data_dirs))
    key = _inputs_key(data_dirs)  # taken before reading: a change meanwhile is a miss later
    library = diskcache.load("library", identity, key)
    if isinstance(library, Library):
        return library
    library, problems = _load(data_dirs)
    if problems:
        raise DataError(problems)
    diskcache.store("library", identity, key, library)
    return library


def _inputs_key(data_dirs: tuple[Path, ...]) -> tuple:
    """The code, and the stamp of every file a load reads: each folder's data files (there
    or not), and the picture folders the art check looks in (views/ and points/ of each,
    every file listed, so a view or photo added, changed or removed is a change)."""
    from . import diskcache
    from .resources import image_dirs

    data = tuple(diskcache.stamp(Path(folder) / name)
                 for folder in (builtin_data_dir(), *data_dirs) for name in FILES)
    pictures = tuple(diskcache.folder_stamp(Path(d) / sub)
                     for d in image_dirs(data_dirs) for sub in ("views", "points"))
    return (diskcache.code_stamp(), data, pictures)


def raw_items(section: str, data_dirs: Sequence[Path | str] = ()) -> dict[str, object]:
    """A list section's items as the files hold them, each clinic folder's fields laid over
    (for `handout show --yaml`): {id: mapping}."""
    problems: list[Problem] = []
    sections = _read_sections((builtin_data_dir(), *(Path(d) for d in data_dirs)), problems)
    if problems:
        raise DataError(problems)
    return {item_id: entry.data for item_id, entry in sections.get(section, {}).items()}


def check_data(data_dirs: Sequence[Path | str] = ()) -> list[Problem]:
    """Every problem in the built-in data plus these clinic folders (empty when all is well),
    file by file, in line order."""
    from . import diskcache

    with diskcache.bypassed():  # every file checked afresh, none taken from the disk cache
        _, problems = _load(tuple(Path(d) for d in data_dirs), thorough=True)
    return DataError(problems).problems if problems else []


@dataclass
class _Entry:
    """One raw item with the file it came from (for an overlaid item: the clinic's file),
    and the fields a clinic folder set (all of them for a clinic's own or replaced item)."""

    file: str
    data: object
    line: int
    clinic_fields: tuple[str, ...] | None = ()  # None: the clinic's own item, whole


def _load(data_dirs: tuple[Path, ...], thorough: bool = False
          ) -> tuple[Library | None, list[Problem]]:
    """thorough (validate): clinic photos decoded as make will, not only their headers."""
    problems: list[Problem] = []
    sections = _read_sections((builtin_data_dir(), *data_dirs), problems)
    cond_refs: list[tuple[str, Fields]] = []

    conditions = _parse_items(sections, "conditions", _parse_condition, problems, cond_refs)
    topics = _parse_items(sections, "topics", _parse_topic, problems, cond_refs)
    points = _parse_items(sections, "points", _parse_point, problems, cond_refs)
    stretches = _parse_items(sections, "stretches", _parse_stretch, problems, cond_refs)
    tips = _parse_items(sections, "tips", _parse_tip, problems, cond_refs)
    protocols = _parse_items(sections, "protocols", _parse_protocol, problems, cond_refs)
    services = _parse_items(sections, "emergency_services", _parse_services, problems, cond_refs)
    safety = _parse_safety(sections, problems, cond_refs, tuple(services.values()))

    known = set(conditions)
    for name, fields, *field_name in cond_refs:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"; did you mean {close[0]}?" if close else f" (known: {', '.join(sorted(known))})"
            fields.problem(field_name[0] if field_name else None, f"unknown condition '{name}'{hint}")
    for tip in tips.values():
        if tip.topic not in topics:
            problems.append(Problem(tip.source.file, tip.source.line, tip.id,
                                    "topic", f"unknown topic '{tip.topic}'"))
    if safety is None:
        return None, problems
    library = Library(points, stretches, topics, tips, conditions, safety, protocols,
                      tuple(data_dirs), _clinic_fields(sections))
    problems.extend(_protocol_problems(library))
    problems.extend(wording_problems(library))
    problems.extend(_art_problems(library, thorough))
    return library, problems


def _read_sections(folders, problems) -> dict[str, object]:
    """Top-level sections of every file, later folders overlaying earlier ones.

    List sections become {id: _Entry}; other sections are a single _Entry.
    """
    sections: dict[str, object] = {}
    for level, folder in enumerate(folders):
        if level and not Path(folder).is_dir():
            problems.append(Problem(str(folder), None, None, None, "data folder not found"))
            continue
        for file_name, allowed in FILES.items():
            path = Path(folder) / file_name
            if not path.exists():
                if level == 0:
                    problems.append(Problem(str(path), None, None, None, "built-in data file is missing"))
                continue
            try:
                document = load_yaml(path)
            except DataError as exc:
                problems.extend(exc.problems)
                continue
            name = str(path)
            if not isinstance(document, LineDict):
                problems.append(Problem(name, getattr(document, "line", 1), None, None,
                                        f"should start with one of: {', '.join(allowed)}"))
                continue
            for key, message in unknown_keys(list(document), allowed, "section"):
                problems.append(Problem(name, document.line_of(key) if key else 1, None, key, message))
            for key, value in document.items():
                line = document.line_of(key)
                if key not in allowed:
                    continue  # complained about above
                if key in LIST_SECTIONS:
                    _merge_list(sections.setdefault(key, {}), value, name, line, key, problems,
                                clinic=level > 0)
                else:
                    sections[key] = _Entry(name, value, line)
    return sections


def _merge_list(merged: dict, value, file: str, line: int, key: str,
                problems: list[Problem], clinic: bool = False) -> None:
    seen_here: dict[str, str] = {}  # ids in this section of this file
    if not isinstance(value, list):
        problems.append(Problem(file, line, None, key, "should be a list of items"))
        return
    for index, raw in enumerate(value):
        item_line = value.line_of(index)
        item_id = raw.get("id") if isinstance(raw, dict) else None
        if item_id is None or isinstance(item_id, (bool, list, dict)) or not str(item_id).strip():
            problems.append(Problem(file, item_line, f"#{index + 1}", "id", "missing (a required field)"))
            continue
        item_id = point_key(item_id) if key == "points" else str(item_id).strip()
        if item_id in seen_here:
            problems.append(Problem(file, item_line, item_id, "id",
                                    f"id used twice (first on line {seen_here[item_id]})"))
            continue
        seen_here[item_id] = str(item_line)
        entry = _layer(merged.get(item_id), raw, file, item_line, item_id, clinic, problems)
        if entry is not None:
            merged[item_id] = entry


def _layer(below: _Entry | None, raw, file: str, line: int, item_id: str, clinic: bool,
           problems: list[Problem]) -> _Entry | None:
    """A clinic item over the one of the same id below it: only the fields it gives change,
    unless it says `replace: true` (see overlay.py)."""
    replace = raw.get(overlay.REPLACE, False)
    if not isinstance(replace, bool):
        problems.append(Problem(file, raw.line_of(overlay.REPLACE), item_id, overlay.REPLACE,
                                "should be true or false"))
        return below
    own = overlay.without_replace(raw)
    whole = None if clinic else ()
    if below is None:
        if replace:
            problems.append(Problem(file, raw.line_of(overlay.REPLACE), item_id, overlay.REPLACE,
                                    f"there is no item '{item_id}' to replace (leave out "
                                    f"'replace: true' to add a new item)"))
            return None  # nothing to check it against: the one line above says it all
        return _Entry(file, own, line, whole)
    if replace or not isinstance(below.data, LineDict):
        return _Entry(file, own, line, whole)
    data, changed = overlay.overlay(below.data, below.file, own, file)
    if below.clinic_fields is None:
        return _Entry(file, data, line, None)
    return _Entry(file, data, line, tuple(dict.fromkeys((*below.clinic_fields, *changed))))


def _clinic_fields(sections) -> dict[tuple[str, str], tuple[str, ...] | None]:
    return {(key, item_id): entry.clinic_fields for key in LIST_SECTIONS
            for item_id, entry in sections.get(key, {}).items() if entry.clinic_fields != ()}


def _parse_items(sections, key, parse, problems, cond_refs) -> dict:
    out = {}
    for item_id, entry in sections.get(key, {}).items():
        fields = Fields(entry.data, entry.file, item_id, problems, line=entry.line)
        item = parse(fields, item_id, cond_refs)
        fields.done()
        if item is not None:
            out[item.id] = item
    return out


def _source(fields: Fields) -> Source:
    return Source(fields.file, fields.line)


def _cautions(fields: Fields, cond_refs) -> tuple[Caution, ...]:
    out = []
    for block in fields.blocks("cautions", required=False):
        text = block.text("text")
        avoid = block.strings("avoid_if", required=False)
        caution = block.strings("caution_if", required=False)
        for name in (*avoid, *caution):
            cond_refs.append((name, block))
        block.done()
        out.append(Caution(text, avoid, caution))
    return tuple(out)


def _text(f: Fields, name: str, wording: list, cond_refs, required: bool = True,
          field: str | None = None) -> str:
    """A client-facing text: plain, or a block {text, only_if, instead} that words it for
    conditions (models.Wording). The usual text is returned; the block goes into `wording`."""
    if not isinstance(f.data.get(name), dict):
        return f.text(name, required)
    block = f.sub(name)
    return _wording_block(block, field or name, None, wording, cond_refs, required)


def _texts(f: Fields, name: str, wording: list, cond_refs) -> tuple[str, ...]:
    """A list of client-facing texts (steps), each plain or a {text, only_if, instead} block."""
    value = f.data.get(name)
    if not isinstance(value, list) or not any(isinstance(v, dict) for v in value):
        return f.strings(name)
    f.raw(name)
    out = []
    for index, entry in enumerate(value):
        line = value.line_of(index) if hasattr(value, "line_of") else f.line
        if isinstance(entry, dict):
            block = Fields(entry, f.file, f.item, f.problems, f.path(f"{name}[{index + 1}]"), line)
            out.append(_wording_block(block, name, len(out), wording, cond_refs, False))
        elif isinstance(entry, (str, int, float)) and not isinstance(entry, bool) and str(entry).strip():
            out.append(str(entry).strip())
        else:
            f.problem(f"{name}[{index + 1}]", f"should be text, not {describe(entry)}", line)
    return tuple(out)


def _wording_block(block: Fields, field: str, index: int | None, wording: list, cond_refs,
                   required: bool) -> str:
    text = block.text("text")
    only_if = block.strings("only_if", required=False)
    for name in only_if:
        cond_refs.append((name, block, "only_if"))
    instead = []
    choices = block.sub("instead", required=False)
    if choices:
        for condition, value in choices.data.items():
            choices.seen.add(condition)
            if value is not None and (isinstance(value, bool) or not isinstance(value, (str, int, float))):
                choices.problem(condition, f"should be text (or nothing, to leave it out), not {describe(value)}")
                continue
            replacement = "" if value is None else str(value).strip()
            if required and not replacement:
                choices.problem(condition, "cannot leave out a required text: give a replacement")
            cond_refs.append((str(condition), choices, condition))
            instead.append((str(condition), replacement))
        choices.done()
    if required and only_if:
        block.problem("only_if", "a required text must print for everyone: use instead")
    if set(block.data) <= {"text"}:  # (a misspelt key is reported as unknown instead)
        block.problem(None, "needs only_if or instead (or write the text alone)")
    block.done()
    wording.append(Wording(field, index, only_if, tuple(instead), block.line))
    return text


def _parse_condition(f: Fields, item_id, cond_refs) -> Condition:
    f.text("id")
    if not ITEM_ID.match(item_id):
        f.problem("id", "should be lower-case words joined by hyphens")
    signs = None
    block = f.sub("warning_signs", required=False)
    if block:
        signs = WarningSigns(block.text("title"), block.strings("signs"), block.text("short"),
                             block.text("note", required=False))
        block.done()
    return Condition(item_id, f.text("label"), f.strings("aliases", required=False),
                     unsafe_wording=f.strings("unsafe_wording", required=False),
                     warning_signs=signs,
                     every_point=f.text("every_point", required=False),
                     every_stretch=f.text("every_stretch", required=False))


def _parse_services(f: Fields, item_id, cond_refs) -> EmergencyServices:
    f.text("id")
    if not COUNTRY.match(item_id):
        f.problem("id", f"'{item_id}' is not a two-letter country code like GB or US (ISO 3166)")
    return EmergencyServices(item_id, f.text("name"), f.text("number"), f.text("department"),
                             f.text("urgent"))


def _parse_topic(f: Fields, item_id, cond_refs) -> Topic:
    f.text("id")
    return Topic(item_id, f.text("title"))


def _parse_point(f: Fields, item_id, cond_refs) -> Point:
    f.text("id")
    if not POINT_ID.match(item_id):
        f.problem("id", f"'{item_id}' is not a WHO code like BL60 (letters then number, no space)")
    wording: list[Wording] = []
    self_reach = f.boolean("self_reach")
    reach_help = _text(f, "reach_help", wording, cond_refs, required=False)  # checked below
    if not self_reach and not reach_help:
        f.problem("reach_help", "is needed when self_reach is false: say how to reach it safely")
    t = f.sub("technique")
    technique = Technique("", (1, 3), "both")
    if t:
        technique = Technique(
            _text(t, "pressure", wording, cond_refs, field="technique.pressure"),
            t.range("minutes", required=True) or (1, 3),
            t.choice("sides", ("both", "left", "right", "centre")),
            _text(t, "breathing", wording, cond_refs, required=False, field="technique.breathing"))
        t.done()
    d = f.sub("diagram")
    diagram = Diagram("", 0.5, 0.5)
    if d:
        diagram = Diagram(d.text("view"), d.number("x", 0, 1) or 0.0, d.number("y", 0, 1) or 0.0,
                          line=d.line)
        d.done()
    return Point(
        id=item_id,
        aliases=f.strings("aliases", required=False),
        pinyin=f.text("pinyin"),
        chinese=f.text("chinese", required=False),
        english=f.text("english"),
        meridian=f.text("meridian"),
        region=f.choice("region", REGIONS),
        location=f.text("location"),
        find_it=_text(f, "find_it", wording, cond_refs),
        self_reach=self_reach,
        reach_help=reach_help,
        technique=technique,
        cautions=_cautions(f, cond_refs),
        diagram=diagram,
        source=_source(f),
        wording=tuple(wording),
    )


def _parse_stretch(f: Fields, item_id, cond_refs) -> Stretch:
    f.text("id")
    if not ITEM_ID.match(item_id):
        f.problem("id", "should be lower-case words joined by hyphens")
    d = f.sub("dose")
    dose = Dose()
    if d:
        dose = Dose(
            hold_seconds=d.range("hold_seconds"),
            reps=d.range("reps"),
            reps_unit=d.text("reps_unit", required=False, default="times"),
            sides=d.choice("sides", ("each", "alternate", "none"), required=False, default="none"),
            minutes=d.range("minutes"),
            per_day=d.integer("per_day", required=False, default=1, maximum=6),
        )
        if not (dose.hold_seconds or dose.reps or dose.minutes):
            d.problem(None, "needs at least one of hold_seconds, reps or minutes")
        d.done()
    pose = f.raw("pose", required=False)
    _pose_condition_refs(f, pose, cond_refs)
    wording: list[Wording] = []
    return Stretch(
        id=item_id,
        name=f.text("name"),
        region=f.choice("region", REGIONS),
        start=_text(f, "start", wording, cond_refs),
        steps=_texts(f, "steps", wording, cond_refs),
        dose=dose,
        how_often=_text(f, "how_often", wording, cond_refs),
        stop_if=_text(f, "stop_if", wording, cond_refs, required=False),
        cautions=_cautions(f, cond_refs),
        pose=pose if isinstance(pose, dict) else None,
        source=_source(f),
        wording=tuple(wording),
    )


def _pose_condition_refs(f: Fields, pose, cond_refs) -> None:
    """The conditions a pose's variants are drawn for (pose_variants.py), checked against
    safety.yaml with every other condition name; the rest of a variant is the pose's to
    check (render/pose.py)."""
    variants = variant_list(pose)
    for number, variant in enumerate(variants, 1):
        if not isinstance(variant, dict):
            continue
        line = variants.line_of(number - 1) if hasattr(variants, "line_of") else f.line
        block = Fields(variant, f.file, f.item, f.problems, f.path(f"pose.variants[{number}]"), line)
        for key in ("for", "with"):
            for name in conditions_of(variant, key):
                cond_refs.append((name, block, key))


def _parse_tip(f: Fields, item_id, cond_refs) -> Tip:
    f.text("id")
    wording: list[Wording] = []
    add_for = f.strings("add_for", required=False)
    for name in add_for:
        cond_refs.append((name, f, "add_for"))
    return Tip(item_id, f.text("topic"), _text(f, "title", wording, cond_refs),
               _text(f, "text", wording, cond_refs), _cautions(f, cond_refs),
               source=_source(f), wording=tuple(wording), add_for=add_for)


def _parse_protocol(f: Fields, item_id, cond_refs) -> Protocol:
    f.text("id")
    implied = f.strings("conditions", required=False)
    for name in implied:
        cond_refs.append((name, f, "conditions"))
    steps = []
    for block in f.blocks("progression", required=False):
        target = block.text("stretch", required=False) or block.text("point", required=False)
        if not target:
            block.problem(None, "names neither a stretch nor a point")
        steps.append(Step(block.integer("week", maximum=52), target,
                          block.range("hold_seconds"), block.range("reps"), block.range("minutes")))
        block.done()
    return Protocol(
        id=item_id,
        name=f.text("name"),
        description=f.text("description", required=False),
        points=f.strings("points", required=False),
        stretches=f.strings("stretches", required=False),
        tips=f.strings("tips", required=False),
        progression=tuple(steps),
        source=_source(f),
        conditions=implied,
    )


def _parse_safety(sections, problems, cond_refs,
                  services: tuple[EmergencyServices, ...]) -> Safety | None:
    def section(key) -> Fields | None:
        entry = sections.get(key)
        if entry is None:
            problems.append(Problem("safety.yaml", None, None, key, "missing required section"))
            return None
        return Fields({key: entry.data}, entry.file, None, problems, line=entry.line)

    def text(key) -> str:
        f = section(key)
        return f.text(key) if f else ""

    def strings(key) -> tuple[str, ...]:
        f = section(key)
        return f.strings(key) if f else ()

    if not services:
        problems.append(Problem("safety.yaml", None, None, "emergency_services",
                                "missing required section"))
    red = RedFlags("", (), "", (), "", ())
    flags = section("red_flags")
    rf = flags.sub("red_flags") if flags else None
    if rf:
        emergency, urgent, see = rf.sub("emergency"), rf.sub("urgent"), rf.sub("see_doctor")
        red = RedFlags(
            emergency_title=emergency.text("title") if emergency else "",
            emergency=_signs(emergency),
            urgent_title=urgent.text("title") if urgent else "",
            urgent=_signs(urgent),
            see_doctor_title=see.text("title") if see else "",
            see_doctor=see.strings("items") if see else (),
            emergency_short_title=emergency.text("short_title") if emergency else "",
            urgent_short_title=urgent.text("short_title") if urgent else "",
            card_prompt=emergency.text("card") if emergency else "",
        )
        for block in (emergency, urgent, see):
            if block:
                block.done()
        rf.done()
    precautions = section("precautions")
    do_not_press: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    ask_first: list[Caution] = []
    if precautions:
        p = precautions.sub("precautions")
        if p:
            do_not_press = p.strings("do_not_press")
            warnings = p.strings("warnings")
            for block in p.blocks("ask_first"):
                condition = block.text("condition")
                if condition:
                    cond_refs.append((condition, block, "condition"))
                ask_first.append(Caution(block.text("text"), (), (condition,) if condition else ()))
                block.done()
            p.done()
    return Safety(
        red_flags=red,
        do_not_press=do_not_press,
        warnings=warnings,
        ask_first=tuple(ask_first),
        technique=strings("technique"),
        stretch_rules=strings("stretch_rules"),
        about_sciatica=text("about_sciatica"),
        evidence=text("evidence"),
        how_to_use=text("how_to_use"),
        disclaimer=text("disclaimer"),
        emergency_services=services,
    )


def _signs(block: Fields | None) -> tuple[Sign, ...]:
    """Warning signs: each a question, or {ask, short} with a short form for plans and cards."""
    if block is None:
        return ()
    value = block.raw("questions")
    if not isinstance(value, list):
        return block.strings("questions")  # reports the problem
    out = []
    for index, entry in enumerate(value):
        line = value.line_of(index) if hasattr(value, "line_of") else block.line
        if isinstance(entry, dict):
            sign = Fields(entry, block.file, None, block.problems,
                          block.path(f"questions[{index + 1}]"), line)
            out.append(Sign(sign.text("ask"), sign.text("short", required=False)))
            sign.done()
        elif isinstance(entry, str) and entry.strip():
            out.append(Sign(entry.strip()))
        else:
            block.problem(f"questions[{index + 1}]", f"should be text, not {describe(entry)}", line)
    return tuple(out)


def _protocol_problems(library: Library) -> list[Problem]:
    problems = []
    for protocol in library.protocols.values():
        file, line = protocol.source
        lookups = (("points", library.point), ("stretches", library.stretch), ("tips", library.tip))
        for field_name, lookup in lookups:
            for ref in getattr(protocol, field_name):
                try:
                    lookup(ref)
                except UnknownItemError as exc:
                    problems.append(Problem(file, line, protocol.id, field_name, str(exc)))
        for step in protocol.progression:
            if step.item and step.item not in protocol.stretches and \
                    point_key(step.item) not in {point_key(p) for p in protocol.points}:
                problems.append(Problem(file, line, protocol.id, "progression",
                                        f"'{step.item}' is not in this protocol"))
    return problems


def wording_problems(library: Library) -> list[Problem]:
    """Texts that would tell a client what their condition forbids, and unknown placeholders.

    An item whose text says what a condition forbids ("face down" in pregnancy) needs an
    `instead:` for that condition, unless the condition rules the whole item out (program.py
    then refuses it even with --allow)."""
    problems = []
    items = [*library.points.values(), *library.stretches.values(), *library.tips.values()]
    for item in items:
        file, line = item.source
        for condition in library.conditions.values():
            if not condition.unsafe_wording or any(condition.id in c.avoid_if for c in item.cautions):
                continue
            tailored = tailor(item, {condition.id})
            for field_name, phrase, _ in unsafe_phrases(tailored, {condition.id}, library.conditions):
                problems.append(Problem(
                    file, _field_line(item, field_name, line), item.id, field_name,
                    f"says '{phrase}', which must never reach a client with "
                    f"{condition.label.lower()}: give it `instead: {{{condition.id}: ...}}`"))
        for field_name, text in client_texts(item):
            for name in unknown_placeholders(text):
                problems.append(Problem(file, line, item.id, field_name,
                                        f"unknown placeholder {{{name}}} (known: "
                                        f"{', '.join('{' + k + '}' for k in PLACEHOLDERS)})"))
            if "{hold}" in text and "hold" not in item_words(item):
                problems.append(Problem(file, line, item.id, field_name,
                                        "says {hold}, but the item's dose has no hold_seconds"))
    for text in _all_texts(library.safety):
        for name in unknown_placeholders(text):
            problems.append(Problem("safety.yaml", None, None, None,
                                    f"unknown placeholder {{{name}}} in '{text[:40]}'"))
    return problems


def _field_line(item, field_name: str, default: int) -> int:
    """The line of the Wording block for this field, where there is one."""
    base = field_name.split("[")[0]
    for wording in item.wording:
        if wording.field == base and wording.line:
            return wording.line
    return default


def _all_texts(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, tuple):
        for entry in value:
            yield from _all_texts(entry)
    elif hasattr(value, "__dataclass_fields__"):
        for name in value.__dataclass_fields__:
            yield from _all_texts(getattr(value, name))


def _art_problems(library: Library, thorough: bool) -> list[Problem]:
    """Diagram views, clinic photos and stretch poses, checked by the drawing code that uses
    them."""
    from .render import artcheck

    return artcheck.library_problems(library, decode_photos=thorough)
