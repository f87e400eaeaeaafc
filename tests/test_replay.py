"""Line art drawn once per process (handout/render/replay.py): a body view's form and a
stretch's picture are drawn node by node the first time; later documents write the kept
operators again, from the process or from the disk cache. What prints must not change."""

from __future__ import annotations

from collections import Counter
from io import BytesIO

import pytest
from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Rect, String
from reportlab.pdfgen.canvas import Canvas

from handout.fonts import font_set
from handout.library import load_library
from handout.render import figures, replay
from handout.render.cards import card_client, make_cards
from handout.render.reference import make_reference

from pdfcheck import text


@pytest.fixture
def drawn(monkeypatch):
    """Nothing kept in the process at the start; counts the shapes drawn node by node."""
    monkeypatch.setattr(replay, "_KEPT", {})
    monkeypatch.setattr(figures, "_STRETCH_DRAWINGS", {})
    counts = Counter()
    for kind in ("drawPolygon", "drawPath"):
        original = getattr(renderPDF._PDFRenderer, kind)

        def counting(self, node, original=original, kind=kind):
            counts[kind] += 1
            return original(self, node)

        monkeypatch.setattr(renderPDF._PDFRenderer, kind, counting)
    return counts


def test_cards_drawn_again_from_kept_operators_are_the_same_bytes(drawn):
    library = load_library()
    client = card_client(library, ["knee-rolls", "BL40", "GB34"])
    first = make_cards(client, reproducible=True)
    assert drawn["drawPolygon"] > 50 and drawn["drawPath"] > 5  # the picture and the views
    drawn.clear()
    again = make_cards(client, reproducible=True)  # from the process
    assert drawn == Counter() and again == first
    replay._KEPT.clear()
    figures._STRETCH_DRAWINGS.clear()
    from_disk = make_cards(client, reproducible=True)  # from the disk cache
    assert drawn == Counter() and from_disk == first


def test_a_reference_sheet_from_kept_operators_is_the_same_bytes(drawn):
    first = make_reference(["BL23", "BL25"], reproducible=True)
    assert drawn["drawPath"] > 0
    drawn.clear()
    replay._KEPT.clear()
    assert make_reference(["BL23", "BL25"], reproducible=True) == first
    assert drawn == Counter()


def _page(*nodes) -> bytes:
    """A page with a Kept drawing of these nodes (in an embedded font, as every sheet's)."""
    font = font_set().main.regular  # (registered before the canvas is made)
    out = BytesIO()
    canvas = Canvas(out, invariant=1)
    drawing = replay.Kept("test-art", 100, 50, *nodes)
    drawing.initialFontName = font
    drawing.drawOn(canvas, 20, 700)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


@pytest.mark.parametrize("node", [String(10, 10, "Words", fontName="Helvetica"),
                                  Rect(0, 0, 50, 20, fillColor=None, fillOpacity=0.5)],
                         ids=["a font", "transparency"])
def test_art_that_names_a_resource_of_its_document_is_never_kept(monkeypatch, node):
    """Drawn node by node on every page; the disk cache is asked once, not on every page
    (point diagrams name their labels' font, and print on every handout and card)."""
    monkeypatch.setattr(replay, "_KEPT", {})
    asked = Counter()
    original = replay.diskcache.load

    def load(kind, identity, key):
        asked[identity] += 1
        return original(kind, identity, key)

    monkeypatch.setattr(replay.diskcache, "load", load)
    first = _page(node)
    assert replay._KEPT["test-art"] is replay.NOT_KEPT
    assert _page(node) == first
    assert asked[("test-art",)] == 1
    if isinstance(node, String):
        assert "Words" in text(first)


def test_plain_art_is_kept_and_written_again_where_it_is_placed(monkeypatch):
    monkeypatch.setattr(replay, "_KEPT", {})
    box = Rect(0, 0, 50, 20, fillColor=None, strokeWidth=3)
    first = _page(box)
    assert "test-art" in replay._KEPT
    assert _page(Rect(0, 0, 5, 5)) == first  # the kept operators, not the new node


def test_the_kept_drawings_are_bounded_oldest_out_first():
    """A long batch must not keep every drawing it ever made: past its bound the store drops
    the oldest, and replacing an entry drops nothing."""
    kept = replay.Bounded(3)
    for name in "abcd":
        kept[name] = name.upper()
    assert list(kept) == ["b", "c", "d"]
    kept["c"] = "again"
    assert list(kept) == ["b", "c", "d"] and kept["c"] == "again"
    assert isinstance(replay._KEPT, replay.Bounded) and isinstance(figures._STRETCH_DRAWINGS, replay.Bounded)
