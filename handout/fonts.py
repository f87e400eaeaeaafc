"""Fonts: register each TrueType family once per process, and find a font for every character.

ReportLab prints a blank box, with no warning, for a character its font lacks. So text goes
through `cover()`, which splits it into runs by the first font that has each character:
the brand's family first, then the fallbacks. Characters no font has are dropped and
reported once, never printed as boxes.
"""

from __future__ import annotations

import io
import logging
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from . import diskcache, limits
from .errors import DataError, InputError
from .files import note_file, read_bytes

log = logging.getLogger("handout")

DEFAULT_FAMILY = "Lato"
FALLBACK_FAMILIES = ("Fira Sans",)
# Fonts many systems have, tried after the packaged fallbacks (Hebrew, Arabic, more symbols).
SYSTEM_FALLBACKS = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/Library/Fonts/Arial Unicode.ttf"),
    Path("C:/Windows/Fonts/arialuni.ttf"),
)
STYLES = {"regular": (400, "normal"), "bold": (700, "normal"),
          "italic": (400, "italic"), "bolditalic": (700, "italic")}


@dataclass(frozen=True)
class Family:
    """A registered family: the ReportLab names of its four faces and the characters it has."""

    name: str
    regular: str
    bold: str
    italic: str
    bolditalic: str
    chars: frozenset[int] = field(repr=False)

    def has(self, char: str) -> bool:
        return ord(char) in self.chars

    def covers_all(self, text: str) -> bool:
        return set(map(ord, text)) <= self.chars


def _reportlab_name(family: str, style: str) -> str:
    return f"{family.replace(' ', '')}-{style}"


@lru_cache(maxsize=None)
def register_family(name: str, files: tuple[tuple[str, str], ...] | None = None, *,
                    check: bool = True, lazy: bool = False) -> Family:
    """Register a family by fontpkg name (e.g. "Lato") or by explicit (style, path) files.

    A clinic's own files (check=False: the system's) are tried glyph by glyph first, so a
    damaged or cut-short file is one line naming it here, not a struct.error or KeyError
    half way through a PDF. lazy (the fallbacks): only the family's characters are known
    now (its regular face read, or they come from the disk cache); the faces not read yet
    are read by `ready()` the first time a text is set in the family (reading a face costs a cold start about 0.03 s,
    and most handouts only ask whether a fallback has a character)."""
    paths = dict(files) if files else _fontpkg_files(name)
    names, faces = {}, {}
    for style in STYLES:
        path = str(paths.get(style) or paths["regular"])
        # A style the family lacks: the same face, read once.
        names[style] = faces.setdefault(path, _reportlab_name(name, style))
    regular = names["regular"]
    pending = [(rl_name, path) for path, rl_name in faces.items() if rl_name != regular]
    check_glyphs = bool(files) and check
    if lazy:
        # Its characters are all a fallback needs until text is set in it: from the disk
        # cache, the regular face too is read only then (a system font's costs a cold run
        # as much as a whole page of text).
        chars, font = _known_chars(regular, str(paths["regular"]), check_glyphs)
        if font is None:
            pending.insert(0, (regular, str(paths["regular"])))
        else:
            _registered(font)
    else:
        _registered(_read_font(regular, str(paths["regular"]), check_glyphs=check_glyphs))
        chars = frozenset(pdfmetrics.getFont(regular).face.charToGlyph)
    _PENDING[regular] = (pending, check_glyphs)
    addMapping(regular, 0, 0, regular)
    addMapping(regular, 1, 0, names["bold"])
    addMapping(regular, 0, 1, names["italic"])
    addMapping(regular, 1, 1, names["bolditalic"])
    pdfmetrics.registerFontFamily(regular, normal=regular, bold=names["bold"],
                                  italic=names["italic"], boldItalic=names["bolditalic"])
    family = Family(name, regular, names["bold"], names["italic"], names["bolditalic"], chars)
    if not lazy:
        ready(family)
    return family


_PENDING: dict[str, tuple[list[tuple[str, str]], bool]] = {}  # faces not read yet
_generation = 0  # how many times fonts were registered in this process


def generation() -> int:
    """Goes up whenever a font is registered: what was measured in a font before holds as
    long as it stays the same (a clinic's own file may take a name another had)."""
    return _generation


def _registered(font) -> None:
    global _generation
    pdfmetrics.registerFont(font)
    _generation += 1


def ready(family: Family) -> Family:
    """The family with every face registered (for a lazy one, read now)."""
    pending, check_glyphs = _PENDING.pop(family.regular, ((), False))
    for rl_name, path in pending:
        _registered(_read_font(rl_name, path, check_glyphs=check_glyphs))
    return family


MAX_FONT_BYTES = limits.FONT_BYTES


def _known_chars(rl_name: str, path: str, check_glyphs: bool) -> tuple[frozenset[int], object]:
    """A face's characters: from the disk cache (the font not read: None), else read (the
    TTFont, to register) and kept there under the file's stamp."""
    key = (diskcache.code_stamp(), diskcache.stamp(path))
    chars = diskcache.load("font-chars", (path, check_glyphs), key)
    if isinstance(chars, frozenset):
        note_file(path)  # not read, but still this run's input, never its output
        return chars, None
    font = _read_font(rl_name, path, check_glyphs=check_glyphs)
    chars = frozenset(font.face.charToGlyph)
    diskcache.store("font-chars", (path, check_glyphs), key, chars)
    return chars, font


def _read_font(rl_name: str, path: str, *, check_glyphs: bool) -> TTFont:
    """A TTFont, or an InputError naming the file. The parser's own message is left out:
    it can quote the file's bytes (`version=0x...`)."""
    try:
        data = read_bytes(path, what="font file", max_bytes=MAX_FONT_BYTES)
    except DataError as exc:
        raise InputError(str(exc)) from None
    try:
        font = TTFont(rl_name, io.BytesIO(data))
        font.face.filename = path  # read from bytes, it would say "(ttf)": name the file
        if check_glyphs:  # every glyph a PDF could embed, as its subsets will read them
            chars = sorted(font.face.charToGlyph)
            for start in range(0, len(chars), 256):
                font.face.makeSubset(chars[start:start + 256])
    except Exception:  # TTFError, struct.error, KeyError, IndexError ... all mean "broken"
        raise InputError(f"font file {path} is not a usable TrueType font (damaged, cut short "
                         "or another kind of file); use a static TrueType (.ttf) file") from None
    return font


def installed_families() -> list[str]:
    """The families fontpkg has installed, by name ("Fira Sans", "Lato")."""
    import fontpkg

    return sorted(f.name for f in fontpkg.families().values())


def family_problem(name) -> str | None:
    """Why `name` cannot be the brand's font family, or None when it can: not text, empty,
    or not installed. The message lists the families that are."""
    named = isinstance(name, str) and bool(name.strip())
    if named and _cached_files(name) is not None:
        return None
    import fontpkg

    if named:
        try:
            fontpkg.path(name, 400, "normal")
            return None
        except fontpkg.FontpkgError:
            pass
    installed = ", ".join(installed_families()) or "none"
    if not named:
        return f"needs a font family's name (installed: {installed})"
    return (f"font family '{name}' is not installed (installed: {installed}); "
            f"pip install fontpkg-{fontpkg.slugify(name)} to add it")


def _fontpkg_files(name: str) -> dict[str, Path]:
    """The family's files by style, from the disk cache while the installed packages are
    unchanged: asking fontpkg scans every installed package's entry points (importlib.metadata,
    about a tenth of a cold make) only to find the same files again."""
    cached = _cached_files(name)
    if cached is not None:
        return cached
    files = _ask_fontpkg(name)
    diskcache.store("fontpkg-files", (name,), _files_key(), files)
    return files


def _cached_files(name: str) -> dict[str, Path] | None:
    """The files fontpkg gave for this family before, if the cache has them and they are
    still there."""
    cached = diskcache.load("fontpkg-files", (name,), _files_key())
    if isinstance(cached, dict) and all(Path(path).is_file() for path in cached.values()):
        return cached
    return None


@lru_cache(maxsize=1)
def _files_key() -> tuple:
    """Once a process: the brand check and the registration both ask, and listing
    site-packages is the costly part."""
    return (diskcache.code_stamp(), diskcache.folder_stamp(_packages_folder()))


def _packages_folder() -> Path:
    """The folder fontpkg and its families are installed in (site-packages): installing or
    removing a package there changes its entries' stamps."""
    import importlib.util

    spec = importlib.util.find_spec("fontpkg")
    origin = Path(spec.origin) if spec and spec.origin else Path(__file__)
    return origin.parent.parent


def _ask_fontpkg(name: str) -> dict[str, Path]:
    import fontpkg

    problem = family_problem(name)
    if problem:
        raise InputError(problem)
    regular = fontpkg.path(name, 400, "normal")
    out = {"regular": regular}
    for style, (weight, slant) in STYLES.items():
        try:
            out[style] = fontpkg.path(name, weight, slant, nearest=True)
        except fontpkg.FontpkgError:
            out[style] = regular
    if any("[" in p.name for p in out.values()):  # fontpkg names variable fonts Name[wght].ttf
        raise InputError(f"font family '{name}' is a variable font, which PDFs made here cannot use; "
                         "choose a family with static .ttf files")
    return out


@lru_cache(maxsize=None)
def fallbacks() -> tuple[Family, ...]:
    out = [register_family(name, lazy=True) for name in FALLBACK_FAMILIES]
    for path in SYSTEM_FALLBACKS:
        if path.is_file():
            try:
                out.append(register_family(path.stem, (("regular", str(path)),), check=False,
                                           lazy=True))
            except InputError:
                continue
    return tuple(out)


@dataclass(frozen=True)
class FontSet:
    """The brand's family plus the fallbacks, in the order they are tried.

    `own` are the families the brand names (its optional CJK font), registered up front so a
    broken file is found when the brand is read; the packaged and system fallbacks are
    registered the first time a text has a character the brand's family lacks (most
    handouts never do, and reading those font files costs a cold start about 0.15 s)."""

    main: Family
    own: tuple[Family, ...] = ()

    @cached_property
    def extra(self) -> tuple[Family, ...]:
        return self.own + tuple(f for f in fallbacks() if f.name != self.main.name)

    def runs(self, text: str) -> list[tuple[Family | None, str]]:
        """Split text into (family, run) pieces; family None marks characters no font has."""
        if self.main.covers_all(text):  # nearly all text: one set operation, no loop
            return [(self.main, text)]
        out: list[tuple[Family | None, str]] = []
        for char in text:
            family = self.family_for(char)
            if out and out[-1][0] is family:
                out[-1] = (family, out[-1][1] + char)
            else:
                out.append((ready(family) if family is not None else None, char))
        return out

    def family_for(self, char: str) -> Family | None:
        if char in "\n\t" or self.main.has(char):
            return self.main
        if unicodedata.category(char) in ("Cf", "Mn") and not any(f.has(char) for f in self.extra):
            return self.main  # invisible joiners and marks: harmless if the font lacks them
        for family in self.extra:
            if family.has(char):
                return family
        return None

    def covers(self, text: str) -> bool:
        """True when some font has every character (say, a Chinese name with a CJK font)."""
        return all(c.isspace() or self.family_for(c) is not None for c in text)


@lru_cache(maxsize=None)
def font_set(family: str = DEFAULT_FAMILY, files: tuple[tuple[str, str], ...] | None = None,
             cjk_font: str = "") -> FontSet:
    """The brand's family, its optional CJK font (for Chinese names), then the fallbacks."""
    main = register_family(family, files)
    own = (register_family(Path(cjk_font).stem, (("regular", cjk_font),)),) if cjk_font else ()
    return FontSet(main, own)
