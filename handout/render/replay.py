"""Line art drawn node by node once per process, not once per document: its PDF drawing
operators are kept (in the process and in the disk cache) the first time it is drawn, and
every later document writes them again, byte for byte what drawing it afresh would give.

Two ways: a body view's art as a PDF form (XObject), defined once per document and placed
by name wherever it shows (place); a stretch's picture inline, where it is drawn (Kept).
Only operators that need nothing of the document are kept: no fonts, pictures,
transparency, colour spaces or forms (their names are the document's own); art that uses
them is drawn afresh each time. A name must stand for one art alone (the same name, the
same drawing), and is keyed in the disk cache with the code that drew it.
"""

from __future__ import annotations

import re
from typing import Callable

from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing, Group

from .. import diskcache

# Operators that name a resource of the document (a font, an image or form, a graphics
# state, a colour space, a shading) or inline a picture.
_NAMES_RESOURCE = re.compile(r"(?<![\w*])(Tf|Do|gs|cs|CS|scn|SCN|sh|BI)(?![\w*])")


class Bounded(dict):
    """A dict that holds at most `most` entries: a new one past that drops the oldest, so
    a long batch keeps the drawings it reuses without growing without end."""

    def __init__(self, most: int):
        super().__init__()
        self.most = most

    def __setitem__(self, key, value):
        if key not in self and len(self) >= self.most:
            self.pop(next(iter(self)))
        super().__setitem__(key, value)


# name -> (operators, PDF version it needs or None); a few KB each
_KEPT: dict[str, tuple] = Bounded(512)
# In _KEPT for art found to name a resource of its document (a font, an image): drawn node
# by node every time, without asking the disk cache again for what it can never hold.
NOT_KEPT = ("not kept",)


def place(canvas, name: str, size: tuple[float, float], art: Callable[[], Group],
          font: str) -> None:
    """Draw the group art() (`size` wide and tall) here as the form `name`, defining it
    first if this document has not (art() is called only if it must be drawn)."""
    if not canvas.hasForm(name):
        w, h = size
        # Room around the drawing: the art is drawn as it was before, never clipped.
        canvas.beginForm(name, -w, -h, 2 * w, 2 * h)
        if not _replayed(canvas, name):
            drawing = Drawing(w, h, art())
            drawing.initialFontName = font  # the form names no font we do not embed

            def draw():
                outer = canvas.__dict__.get("_drawing")  # the renderer drawing the card's
                renderPDF.draw(drawing, canvas, 0, 0)  # (this nested one deletes it)
                if outer is not None:
                    canvas.__dict__["_drawing"] = outer
            _drawn(canvas, name, draw)
        canvas.endForm()
    canvas.doForm(name)


class Kept(Drawing):
    """A Drawing (a flowable) whose operators are written again from the first drawing of
    the same name. Drawn by Platypus always at its own origin (Drawing.draw), so what it
    writes depends on nothing but itself; it saves and restores the graphics state."""

    def __init__(self, name: str, width: float, height: float, *nodes):
        super().__init__(width, height, *nodes)
        self.kept_name = name

    def draw(self, showBoundary=None):
        if not _replayed(self.canv, self.kept_name):
            _drawn(self.canv, self.kept_name, super().draw)


def _key() -> tuple:
    from reportlab import Version

    return (diskcache.code_stamp(), Version)


def _replayed(canvas, name: str) -> bool:
    """Write the kept operators of `name` into the canvas's stream, if any are kept."""
    kept = _KEPT.get(name)
    if kept is NOT_KEPT:
        return False
    if kept is None:
        kept = diskcache.load("kept-drawing", (name,), _key())
        if not _valid(kept):
            return False
        _KEPT[name] = kept
    code, version = kept
    canvas._code.extend(code)
    if version is not None:  # what drawing it did to the file's version (1.4: an alpha)
        canvas._doc._pdfVersion = max(canvas._doc._pdfVersion, version)
    return True


def _valid(kept) -> bool:
    return (isinstance(kept, tuple) and len(kept) == 2 and isinstance(kept[0], list)
            and all(isinstance(op, str) for op in kept[0])
            and (kept[1] is None or isinstance(kept[1], tuple)))


def _drawn(canvas, name: str, draw) -> None:
    """draw() onto the canvas, and keep what it wrote if it needs nothing of this document
    (nor changed more of it than the PDF version)."""
    code, start, version = canvas._code, len(canvas._code), canvas._doc._pdfVersion
    draw()
    wrote = code[start:]
    if (canvas._code is not code or not all(isinstance(op, str) for op in wrote)
            or _NAMES_RESOURCE.search("\n".join(wrote))):
        _KEPT[name] = NOT_KEPT
        return
    raised = canvas._doc._pdfVersion if canvas._doc._pdfVersion != version else None
    _KEPT[name] = (wrote, raised)
    diskcache.store("kept-drawing", (name,), _key(), (wrote, raised))

