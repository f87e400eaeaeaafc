"""Plain text -> safe Paragraph markup.

Every string from data, a client or a brand goes through `markup()`: it is escaped (so `<b>`,
`&` and `<img src=...>` print literally), characters the main font lacks are wrapped in a
fallback font, and characters no font has are dropped and reported. Only this module adds
markup to outside text.
"""

from __future__ import annotations

import logging
import re
import unicodedata

from .fonts import FontSet

log = logging.getLogger("handout")


def escape(text: str, entities: dict[str, str] | None = None) -> str:
    """&, < and > as entities, then each of `entities` (xml.sax.saxutils.escape, which a
    cold start cannot afford: importing it imports urllib.request, http.client, ssl and
    email)."""
    text = text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
    for char, entity in (entities or {}).items():
        text = text.replace(char, entity)
    return text

_reported: set[str] = set()


def markup(text: str, fonts: FontSet, *, bold: bool = False, italic: bool = False) -> str:
    """Escaped Paragraph markup for plain `text`, with fallback fonts where needed."""
    pieces = []
    missing = []
    for family, run in fonts.runs(visual_order(str(text))):
        if family is None:
            missing.append(run)
            continue
        escaped = escape(run).replace("\n", "<br/>")
        if family is fonts.main:
            pieces.append(escaped)
        else:
            face = family.regular
            if bold and family.bold:
                face = family.bold
            pieces.append(f'<font face="{face}">{escaped}</font>')
    if missing:
        _report_missing("".join(missing))
    out = "".join(pieces)
    if bold:
        out = f"<b>{out}</b>"
    if italic:
        out = f"<i>{out}</i>"
    return out


def visual_order(text: str) -> str:
    """Right-to-left text (Hebrew, Arabic) in the order it is drawn: ReportLab draws
    characters left to right as stored. Arabic letters are joined into their printed forms.
    Each line is reordered on its own; text with no right-to-left letter is left untouched."""
    if text.isascii() or not any(unicodedata.bidirectional(c) in ("R", "AL") for c in text):
        return text
    import arabic_reshaper  # imported here: with fontTools it costs a start-up 0.05 s
    from bidi import get_display

    return "\n".join(get_display(arabic_reshaper.reshape(line)) for line in text.split("\n"))


def _report_missing(chars: str) -> None:
    new = "".join(dict.fromkeys(c for c in chars if c not in _reported))
    if new:
        _reported.update(new)
        codes = ", ".join(f"U+{ord(c):04X}" for c in new[:8])
        log.warning("left out %d character(s) no installed font can print (%s); "
                    "give the brand a font that has them", len(new), codes)


def paragraphs(text: str) -> list[str]:
    """Split long free text (notes) into paragraphs at blank lines, keeping line breaks
    (written as LF, CR LF or an old Mac's CR alone)."""
    text = str(text).replace("\r\n", "\n").replace("\r", "\n")
    blocks = re.split(r"\n\s*\n", text.strip())
    return [b.strip() for b in blocks if b.strip()]


def reset_reports() -> None:
    """Forget which characters were reported (each handout reports its own)."""
    _reported.clear()
