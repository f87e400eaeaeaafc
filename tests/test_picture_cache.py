"""Stretch pictures are drawn once per process for the same pose, size and font: pocket cards
try several sizes for each card (76 pictures were built for 8 stretches), and a batch prints
the same stretches for many clients. A different pose (a clinic's) is its own picture."""

from __future__ import annotations

import dataclasses
from collections import Counter

from handout.library import load_library
from handout.render import figures
from handout.render.cards import card_client, make_cards


def test_each_picture_is_built_once_for_the_same_pose_and_size(monkeypatch):
    built = Counter()
    draw = figures.stretch_picture

    def counting(stretch, width):
        built[(stretch.id, round(width, 3))] += 1
        return draw(stretch, width)

    monkeypatch.setattr(figures, "stretch_picture", counting)
    monkeypatch.setattr(figures, "_STRETCH_DRAWINGS", {})
    library = load_library()
    first = make_cards(card_client(library, protocol="sciatica"), reproducible=True)
    assert built and max(built.values()) == 1, built
    before = sum(built.values())
    second = make_cards(card_client(library, protocol="sciatica"), reproducible=True)
    assert sum(built.values()) == before  # the second sheet set drew nothing again
    assert first == second


class _Ctx:
    class fonts:  # the only part of a context stretch_figure reads
        class main:
            regular = "Lato"


def test_a_changed_pose_is_not_given_the_built_in_picture():
    library = load_library()
    stretch = library.stretch("knee-rolls")
    built_in = figures.stretch_figure(_Ctx, stretch, 150.0)
    assert figures.stretch_figure(_Ctx, stretch, 150.0) is built_in
    # a clinic's knee-rolls drawn with another pose: the same id, a different picture
    clinic = dataclasses.replace(stretch, pose=library.stretch("pelvic-tilt").pose)
    assert figures.stretch_figure(_Ctx, clinic, 150.0) is not built_in
    assert figures.stretch_figure(_Ctx, stretch, 120.0) is not built_in
