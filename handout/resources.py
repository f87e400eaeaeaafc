"""Where the built-in data, templates and images are.

In an installed wheel they sit inside the package (handout/data ...); in a source checkout
or an editable install they are the top-level folders beside the package.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """The built-in folder `name` ("data", "templates" or "images")."""
    inside = _PACKAGE / name
    if inside.is_dir():
        return inside
    return _PACKAGE.parent / name


def image_dirs(folders) -> list[Path]:
    """Where pictures are looked for: each clinic data folder's images/ (the last given
    wins), then the built-in images."""
    return [Path(f) / "images" for f in reversed(tuple(folders))] + [resource_dir("images")]
