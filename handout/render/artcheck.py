"""Checks of the pictures the data asks for: each point's view and marker, its clinic photo
(as make would load it), each stretch's pose. The drawing modules decide what is valid;
this only walks the library."""

from __future__ import annotations

from ..errors import Problem
from .diagrams import check_marker, photo_problems
from .figures import image_dirs
from .pictograms import pose_problems


def library_problems(library, *, decode_photos: bool = False) -> list[Problem]:
    """decode_photos: decode each clinic photo as make will (validate); else its file and
    header only (every load of the library: cheap)."""
    folders = image_dirs(library.folders)
    problems = []
    for point in library.points.values():
        file, line = point.source
        d = point.diagram
        problems += check_marker(d.view, d.x, d.y, file=file, item=point.id,
                                 line=d.line or line, search_dirs=folders)
        problems += photo_problems(point.id, folders, decode=decode_photos)
    for stretch in library.stretches.values():
        file, line = stretch.source
        pose_line = stretch.pose.line if hasattr(stretch.pose, "line") else line
        problems += pose_problems(stretch.pose, file=file, item=stretch.id, line=pose_line)
    return problems
