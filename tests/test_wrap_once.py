"""A handout's paragraphs are broken into lines once for each width they are measured at
(flow.Para): the cards measure their words several times while they look for room, and a
batch prints the same steps for many clients; the lines must be the same as a fresh
paragraph's at the width it is drawn at, whichever document first broke them."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from io import BytesIO
from pathlib import Path

import pytest
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, paragraph

from handout.api import prepare, render
from handout.client import load_client
from handout.render import flow
from handout.render.flow import Para

from pdfcheck import page_texts

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
TEXT = ("Find the hollow between the outer ankle bone and the Achilles tendon, level with "
        "the tip of the ankle bone; press gently towards the bone for a slow count of ten.")


def _lines(p: Paragraph) -> list[str]:
    return [" ".join(line[1]) if isinstance(line, tuple) else
            " ".join(w.text for w in line.words) for line in p.blPara.lines]


@pytest.mark.parametrize("large_print", [False, True])
def test_no_paragraph_of_the_example_is_broken_twice_at_one_width(monkeypatch, large_print):
    client = load_client(EXAMPLES / "client.yaml")
    job = prepare(client, brand=EXAMPLES / "brand.yaml")
    if large_print:
        job = replace(job, large_print=True)
    broken: Counter = Counter()
    alive = []  # every paragraph kept, so that no two share an id
    original = paragraph.Paragraph.breakLines

    def counting(self, widths):
        if isinstance(self, Para):
            alive.append(self)
            broken[(id(self), tuple(widths))] += 1
        return original(self, widths)

    monkeypatch.setattr(paragraph.Paragraph, "breakLines", counting)
    pdf = render(job)
    assert broken, "the handout's paragraphs are Para"
    twice = [count for count in broken.values() if count > 1]
    assert not twice, f"{len(twice)} paragraphs broken into lines again at the same width"
    assert len(page_texts(pdf)) > 5


def test_lines_at_a_width_measured_again_are_those_of_a_fresh_paragraph():
    style = ParagraphStyle("t", fontName="Helvetica", fontSize=11, leading=14)
    para = Para(f"<b>How to find it:</b> {TEXT}", style)
    narrow = para.wrap(120, 1000)
    wide = para.wrap(300, 1000)
    assert narrow[1] > wide[1]
    again = para.wrap(120, 1000)
    fresh = Paragraph(f"<b>How to find it:</b> {TEXT}", style)
    assert again == fresh.wrap(120, 1000) == narrow
    assert _lines(para) == _lines(fresh)
    # Drawn after being measured at another width, it prints what a fresh one prints.
    outputs = []
    for p in (para, fresh):
        buffer = BytesIO()
        canvas = Canvas(buffer, invariant=1)
        p.wrap(120, 1000)
        p.drawOn(canvas, 50, 500)
        canvas.showPage()
        canvas.save()
        outputs.append(buffer.getvalue())
    assert outputs[0] == outputs[1]


def test_a_paragraph_split_after_a_failed_split_keeps_every_line():
    style = ParagraphStyle("t", fontName="Helvetica", fontSize=11, leading=14)
    para = Para(" ".join([TEXT] * 3), style)
    _, height = para.wrap(150, 1000)
    whole = _lines(para)
    assert para.split(150, 10) == []  # no room for two lines: ReportLab drops its lines
    assert para.wrap(150, 1000)[1] == height  # measured again: the kept lines are back
    first, rest = para.split(150, 5 * 14)
    rest.wrap(150, 1000)
    assert len(_lines(first)) == 5
    assert _lines(first) + _lines(rest) == whole


def test_lines_kept_from_other_documents_print_the_same_bytes(monkeypatch):
    """The example's handout made after other documents filled the process's paragraphs
    (its own, large print, a pregnant client's) is the same file as one made with nothing
    kept, and a paragraph of the same words in a style of other values is broken afresh."""
    client = load_client(EXAMPLES / "client.yaml")
    job = prepare(client, brand=EXAMPLES / "brand.yaml")
    render(replace(job, large_print=True), reproducible=True)
    render(job, reproducible=True)
    warm = render(job, reproducible=True)
    assert len(flow._PARSED) > 50 and len(flow._LINES) > 50  # kept
    monkeypatch.setattr(flow, "KEPT_PARAGRAPHS", 0)
    monkeypatch.setattr(flow, "_PARSED", type(flow._PARSED)())
    monkeypatch.setattr(flow, "_LINES", type(flow._LINES)())
    assert render(job, reproducible=True) == warm
    small = ParagraphStyle("t", fontName="Helvetica", fontSize=11, leading=14)
    large = ParagraphStyle("t", fontName="Helvetica", fontSize=16, leading=20)
    monkeypatch.setattr(flow, "KEPT_PARAGRAPHS", 100)
    Para(TEXT, small).wrap(150, 1000)
    kept_large, fresh_large = Para(TEXT, large), Paragraph(TEXT, large)
    assert kept_large.wrap(150, 1000) == fresh_large.wrap(150, 1000)
    assert _lines(kept_large) == _lines(fresh_large)
