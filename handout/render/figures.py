"""The picture on each point card and stretch card.

A point shows the clinic's photo of it if there is one (images/points/<ID>.jpg|png in the
clinic's data folder), otherwise its body view with the point marked; a stretch shows its
pictogram. Reference sheets and pocket cards call the same functions.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

from .. import diskcache
from ..models import Point, Stretch
from ..resources import image_dirs  # noqa: F401 (callers import it from here)
from .replay import Bounded, Kept
from .diagrams import find_photo, find_view_file, load_view, photo_flowable, point_diagram
from .styles import DIAGRAM_LABEL_PT, MIN_LARGE_PT
from .vector import built_from_file


def diagram_side(point: Point | None, client_side: str, symmetric: bool) -> str:
    """Which side the diagram shows: the client's chosen side; both sides where the view
    shows the body's midline (the lower back), else the right as drawn."""
    if client_side in ("left", "right"):
        return client_side
    return "both" if symmetric else "right"


def point_figure(ctx, point: Point, width: float, height: float | None = None):
    folders = image_dirs(ctx.library.folders)
    photo = find_photo(point.id, folders)
    if photo:
        return photo_flowable(photo, width, height or width * 1.3, item=point.id)
    d = point.diagram
    fonts = (ctx.fonts.main.regular, ctx.fonts.main.bold)
    # A tall view (a whole leg) is fitted to the height, its names beside it if need be.
    return _diagram(d.view, tuple(folders), d.x, d.y, point.id, ctx.program.client.side, width,
                    round(height, 2) if height else None, fonts, label_pt(ctx))


def label_pt(ctx) -> float:
    """The least size of a diagram's words: 9 pt, and in large print the sheet's floor."""
    return MIN_LARGE_PT if ctx.large_print else DIAGRAM_LABEL_PT


@lru_cache(maxsize=256)
def _diagram(view_id: str, folders: tuple, x: float, y: float, code: str, client_side: str,
             width: float, height: float | None, fonts: tuple[str, str], min_label_pt: float):
    """A point's diagram, drawn once per process for the same inputs: a batch prints the
    same points for many clients. Drawing a Drawing never changes it, so sharing is safe.
    Across processes too: the disk cache, keyed by the view's folder (and the code); a
    diagram from there needs its view neither parsed nor unpickled."""
    path = find_view_file(view_id, list(folders))
    if path is None:
        load_view(view_id, list(folders), item=code)  # says what is wrong

    def draw():
        view = load_view(view_id, list(folders), item=code)
        side = diagram_side(None, client_side, view.symmetric)
        return point_diagram(view, [(x, y, code)], side, width, height=height, fonts=fonts,
                             min_label_pt=min_label_pt)

    identity = (str(path.resolve()), view_id, x, y, code, client_side, width, height, fonts,
                min_label_pt)
    return built_from_file("diagram", identity, path, draw)


def stretch_figure(ctx, stretch: Stretch, width: float):
    """The stretch's picture for a sheet. A card tries several sizes while it looks for room,
    and a batch prints the same stretches for many clients, so each picture is drawn once per
    process for the same pose, size and font (drawing a Drawing never changes it, so sharing
    is safe). The pose is a dict: its repr, the same for the same pose, is the key."""
    file, _line = stretch.source
    pose, size, font = repr(stretch.pose), round(width, 3), ctx.fonts.main.regular
    key = (pose, stretch.id, file, size, font)
    drawing = _STRETCH_DRAWINGS.get(key)
    if drawing is None:
        # Across processes too: the disk cache, keyed by the code that draws it (the pose
        # and the rest are the key's own).
        drawn = diskcache.through(
            "stretch", key, (diskcache.code_stamp(),), lambda: stretch_picture(stretch, width))
        drawing = _STRETCH_DRAWINGS[key] = _as_kept(drawn, pose, size, font)
    return drawing


def _as_kept(picture, pose: str, width: float, font: str):
    """The picture as a replay.Kept drawing: drawn node by node once per process, its
    operators written again on every later page. Named by what draws it, the pose and
    the width (never a path: the names are the same wherever the package is installed)."""
    digest = hashlib.sha1(f"{pose}|{width!r}".encode("utf-8", "surrogateescape")).hexdigest()
    drawing = Kept(f"pose-{digest[:16]}", picture.width, picture.height, *picture.contents)
    drawing.initialFontName = font  # every font named must be embedded
    return drawing


_STRETCH_DRAWINGS: dict[tuple, object] = Bounded(256)


def stretch_picture(stretch: Stretch, width: float):
    """The stretch's picture, `width` points wide; errors name its file and line."""
    # Imported here: a make that finds its pictures in the disk cache draws none, and the
    # pictogram code with its pose and projection is the largest part of ours (issue 15).
    from .pictograms import pictogram

    file, _line = stretch.source
    return pictogram(stretch.pose, width, file=file, item=stretch.id)
