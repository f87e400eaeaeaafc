"""A stretch's picture for one client: the pose's `variants` for their conditions.

A caution can narrow a stretch's range for a condition ("keep the rolls small", "do not bend
that hip past a right angle"); the picture beside it must not show more than that client
should do. So a pose may give

    variants:
      - for: [osteoporosis, hip-replacement]
        end: {knee: [...], knee_far: [...]}

and a client with one of those conditions gets the pose with the variant laid over it: a
phase's joints one by one (the rest of that phase as it was), any other key whole (an arrow,
a camera). `with: [pregnancy]` narrows a variant to clients who also have every condition it
names: a pregnant client with a hip replacement reads two cautions, and one picture must keep
both. The first variant that applies wins, as the first matching `instead` does for a text
(wording.choose), so the one for a pair of conditions comes before those for each alone.

Pure data, no drawing: wording.tailor() applies it to the client's item; render/pose.py
checks each variant as a whole pose of its own, and the library checks the condition names.
"""

from __future__ import annotations

from typing import Iterable

from .yamlio import LineDict

VARIANTS = "variants"
FOR = "for"
WITH = "with"
PHASES = ("start", "middle", "end")  # the pose's phases (render/pose.py uses these too)


def variant_list(pose) -> list:
    """The pose's variants as written (each should be a mapping with `for`)."""
    value = pose.get(VARIANTS) if isinstance(pose, dict) else None
    return value if isinstance(value, list) else []


def conditions_of(variant, key: str = FOR) -> list[str]:
    """The conditions a variant names under `for` (any of them) or `with` (all of them)."""
    names = variant.get(key) if isinstance(variant, dict) else None
    return [str(n) for n in names] if isinstance(names, list) else []


def applies(variant, conditions: set[str]) -> bool:
    return (isinstance(variant, dict) and bool(conditions & set(conditions_of(variant)))
            and set(conditions_of(variant, WITH)) <= conditions)


def laid_over(pose: dict, variant: dict) -> dict:
    """The pose as drawn for a variant: its joints and keys over the pose's, `variants` gone.
    Lines are kept (the variant's own where it gives them), so a problem in the result still
    points at the line that caused it."""
    out = _copy(pose, {k: v for k, v in pose.items() if k != VARIANTS})
    for key, value in variant.items():
        if key in (FOR, WITH):
            continue
        base = pose.get(key)
        if key in PHASES and isinstance(base, dict) and isinstance(value, dict):
            value = _copy(base, {**base, **value}, over=value)
        out[key] = value
        if hasattr(variant, "line_of"):  # from YAML: the variant's own line for what it gives
            out.key_lines[key] = variant.line_of(key)
    return out


def pose_for(pose, conditions: Iterable[str]):
    """The pose a client with these conditions sees (the pose itself when no variant names
    one of them: the same object, so the drawing caches see the same pose)."""
    wanted = set(conditions)
    for variant in variant_list(pose):
        if applies(variant, wanted):
            return laid_over(pose, variant)
    return pose


def _copy(source, items: dict, over=None) -> LineDict:
    out = LineDict(items)
    out.line = getattr(source, "line", 0)
    out.key_lines = dict(getattr(source, "key_lines", {}))
    if over is not None:
        out.key_lines.update(getattr(over, "key_lines", {}))
    return out
