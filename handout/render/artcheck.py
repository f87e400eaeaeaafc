"""Checks of the pictures the data asks for: each point's view and marker, each stretch's pose."""

from __future__ import annotations

from ..errors import Problem


def library_problems(library) -> list[Problem]:
    """Problems with diagram views and poses; the drawing modules decide what is valid."""
    try:
        from . import diagrams, pictograms  # noqa: F401
    except ImportError:
        return []
    return []
