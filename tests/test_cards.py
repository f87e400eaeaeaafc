"""Pocket cards: `handout cards`, checked as the person cutting them out would."""

from __future__ import annotations

import contextlib
import math
import re
from pathlib import Path

import pypdfium2
import pytest
from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from handout.api import prepare, render
from handout.brand import load_brand
from handout.errors import InputError
from handout.library import load_library
from handout.render import cards as card_module, flow
from handout.render.cards import (
    FLOOR_PT, MARK_GAP, MARK_LEN, PADDING, PICTURE_KEPT, CardSheet, card_client, key_caution,
    make_cards, sentences,
)
from handout.render.styles import MIN_LARGE_PT
from handout.units import dose_text, minutes_text

from conftest import write_yaml
from runcli import make_pdf, run
from pdfcheck import assert_refused, fold, fonts, page_sizes, page_texts, reader, text

ROOT = Path(__file__).resolve().parent.parent
BRAND = ROOT / "examples" / "brand.yaml"
PREGNANCY_FORBIDDEN = ("BL60", "BL23", "BL25", "BL54")


def make(tmp_path, *args, name="cards.pdf"):
    return make_pdf("cards", tmp_path, *args, name=name)


def lay_out(client, *, brand=None, data_dirs=(), template="pocket-cards"):
    """Render through the API, keeping the sheets to look at how each card was set."""
    job = prepare(client, brand=brand, data_dirs=data_dirs, template=template,
                  known_sections=card_module.section_options())
    sheets = []

    def builder(ctx, template):
        flowables = card_module.build_cards(ctx, template)
        sheets.extend(f for f in flowables if isinstance(f, CardSheet))
        return flowables

    return render(job, builder, reproducible=True), sheets


def card_words(item) -> list[str]:
    """What a card must show: the point's code, pinyin and dose, or the stretch's name and dose."""
    if item.kind == "point":
        return [item.id, item.pinyin, f"Hold {minutes_text(item.technique.minutes)}"]
    return [item.name, dose_text(item.dose)]


@pytest.fixture(scope="module")
def protocol_pdf(tmp_path_factory):
    out = tmp_path_factory.mktemp("cards") / "sciatica.pdf"
    result = run("cards", "--protocol", "sciatica", "--brand", BRAND, "-o", out, "--reproducible")
    assert result.exit_code == 0, result.output
    return out.read_bytes()


def test_four_cards_a_page_each_with_its_code_and_dose(protocol_pdf):
    library = load_library()
    protocol = library.protocol("sciatica")
    items = [library.point(p) for p in protocol.points] + \
            [library.stretch(s) for s in protocol.stretches]
    pages = [fold(t) for t in page_texts(protocol_pdf)]
    assert len(pages) == math.ceil(len(items) / 4)
    for index, item in enumerate(items):
        page = pages[index // 4]
        for words in card_words(item):
            assert fold(words) in page, (item.id, words, index // 4)


def test_pages_are_branded_numbered_and_fonts_embedded(protocol_pdf):
    pages = page_texts(protocol_pdf)
    for number, page in enumerate(pages, 1):
        assert f"Page {number} of {len(pages)}" in page
        assert "Riverside Acupressure & Physio" in page
    found = fonts(protocol_pdf)
    assert found and all(found.values()), found


def test_ids_mix_points_aliases_and_stretches(tmp_path):
    result, out = make(tmp_path, "UB60,K3", "knee-to-chest", "Liv3", "walking")
    assert result.exit_code == 0, result.output
    pages = [fold(t) for t in page_texts(out.read_bytes())]
    assert len(pages) == 2
    library = load_library()
    for code in ("BL60", "KI3", "LR3"):
        assert all(fold(w) in pages[0] for w in card_words(library.point(code)))
    assert all(fold(w) in pages[0] for w in card_words(library.stretch("knee-to-chest")))
    assert all(fold(w) in pages[1] for w in card_words(library.stretch("walking")))


def test_pregnant_client_cards_never_hold_forbidden_points(tmp_path):
    library = load_library()
    every_point = ",".join(library.points)
    result, out = make(tmp_path, "--protocol", "sciatica", "--pregnant")
    assert result.exit_code == 0, result.output
    words = text(out.read_bytes())
    for code in PREGNANCY_FORBIDDEN:
        assert code not in words
    assert "GB34" in words
    # Asked for by name: refused, as on the handout, and nothing written.
    result, out = make(tmp_path, every_point, "--pregnant", name="all.pdf")
    assert result.exit_code == 1
    assert "is ruled out for this client (pregnancy)" in result.output
    assert "--allow" in result.output
    assert not out.exists()


def test_allowed_point_prints_the_override_and_its_caution(tmp_path):
    result, out = make(tmp_path, "BL60", "--pregnant", "--allow", "BL60")
    assert result.exit_code == 0, result.output
    words = text(out.read_bytes())
    assert "BL60" in words
    assert "Your practitioner chose this despite pregnancy" in words
    assert "Traditionally avoided in pregnancy" in words


def test_client_conditions_print_their_caution(tmp_path):
    result, out = make(tmp_path, "KI3", "--condition", "anticoagulants")
    assert result.exit_code == 0, result.output
    caution = next(c for c in load_library().point("KI3").cautions
                   if "anticoagulants" in c.caution_if)
    assert fold(caution.text) in text(out.read_bytes())


@pytest.mark.parametrize("paper, size", [("A4", (595, 842)), ("Letter", (612, 792))])
def test_paper_sizes(tmp_path, paper, size):
    result, out = make(tmp_path, "--protocol", "sciatica-gentle", "--paper", paper)
    assert result.exit_code == 0, result.output
    pdf = reader(out.read_bytes())
    assert len(pdf.pages) == 2  # 3 points + 3 stretches
    assert page_sizes(out.read_bytes()) == {size}


@pytest.mark.parametrize("args, message", [
    (["BL99"], "unknown point or stretch 'BL99'"),
    (["knee-to-chets"], "did you mean knee-to-chest"),
    (["keep-moving"], "'keep-moving' is a tip"),
    (["sciatica"], "use --protocol sciatica"),
    (["--protocol", "sciatika"], "unknown protocol 'sciatika'"),
    (["BL60", "--condition", "pregnent"], "unknown condition 'pregnent'"),
])
def test_bad_input_is_a_one_line_error_and_no_file(tmp_path, args, message):
    result, out = make(tmp_path, *args)
    assert_refused(result, out, tmp_path, message)


def test_nothing_asked_for_is_a_usage_error(tmp_path):
    result, out = make(tmp_path)
    assert result.exit_code == 2
    assert "say which cards to print" in result.output
    assert not out.exists()


def test_reproducible_output_is_byte_identical(tmp_path):
    args = ("BL60", "figure-4", "--brand", BRAND)
    _, first = make(tmp_path, *args, name="a.pdf")
    _, second = make(tmp_path, *args, name="b.pdf")
    assert first.read_bytes() == second.read_bytes()


# -- how each card is set -----------------------------------------------------------------------

def all_items_client(library, **kwargs):
    return card_client(library, [*library.points, *library.stretches], **kwargs)


@pytest.mark.parametrize("paper", ["A4", "Letter"])
@pytest.mark.parametrize("large", [False, True])
def test_no_card_is_set_below_the_floor_or_runs_off(paper, large):
    library = load_library()
    pdf, sheets = lay_out(all_items_client(library, paper=paper, large_print=large), brand=BRAND)
    floor = MIN_LARGE_PT if large else FLOOR_PT
    placed = [card for sheet in sheets for card, _, _ in sheet.cards]
    assert len(placed) == len(library.points) + len(library.stretches)
    assert len(reader(pdf).pages) == math.ceil(len(placed) / (2 if large else 4))
    for card in placed:
        fit = card.fit
        assert fit.smallest_pt >= floor - 0.01, fit
        assert fit.height <= fit.room + 0.5, fit
    for sheet in sheets:
        sizes = {(round(c.width, 3), round(c.height, 3)) for c, _, _ in sheet.cards}
        assert len(sizes) == 1 and len(sheet.cards) <= (2 if large else 4)


@pytest.mark.parametrize("large", [False, True])
def test_each_card_is_set_the_same_without_the_shared_paragraphs_and_pictures(monkeypatch, large):
    """A card tries about 8 layouts; inside flow.sharing() each picture size and scaled
    style set is made once, and equal paragraphs share one parse and line breaking (kept
    for the process, flow.Para). Without them (every paragraph and picture made afresh, as
    before) every card must choose the same layout, and the file must be the same byte for
    byte."""
    library = load_library()
    client = all_items_client(library, large_print=large)
    shared_pdf, shared_sheets = lay_out(client, brand=BRAND)
    monkeypatch.setattr(card_module, "sharing", contextlib.nullcontext)
    monkeypatch.setattr(flow, "KEPT_PARAGRAPHS", 0)  # each kept entry dropped at once
    monkeypatch.setattr(flow, "_PARSED", type(flow._PARSED)())
    monkeypatch.setattr(flow, "_LINES", type(flow._LINES)())
    fresh_pdf, fresh_sheets = lay_out(client, brand=BRAND)
    shared_fits = [fit for sheet in shared_sheets for fit in sheet.fits]
    assert shared_fits == [fit for sheet in fresh_sheets for fit in sheet.fits]
    assert len(shared_fits) == len(library.points) + len(library.stretches)
    assert any(fit.level for fit in shared_fits)  # some cards were shortened: several tries
    assert shared_pdf == fresh_pdf


class _Blank(Flowable):
    """A picture with no words, so every word on the page belongs to a card or the page."""

    def __init__(self, width, height):
        super().__init__()
        self.width, self.height = width, height

    def wrap(self, *_):
        return self.width, self.height

    def draw(self):
        self.canv.rect(0, 0, self.width, self.height)


def _fragments(pdf: bytes):
    """(page, text, printed size, x, y) of every run of text, from the PDF itself."""
    def times(m, n):
        return [m[0] * n[0] + m[1] * n[2], m[0] * n[1] + m[1] * n[3],
                m[2] * n[0] + m[3] * n[2], m[2] * n[1] + m[3] * n[3],
                m[4] * n[0] + m[5] * n[2] + n[4], m[4] * n[1] + m[5] * n[3] + n[5]]

    out = []
    for number, page in enumerate(reader(pdf).pages, 1):
        def visit(words, cm, tm, font, size, number=number):
            if words.strip():
                m = times(tm, cm)
                out.append((number, words, size * math.hypot(m[2], m[3]), m[4], m[5]))
        page.extract_text(visitor_text=visit)
    return out


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_every_word_on_a_card_prints_at_the_floor_size_or_more_inside_it(monkeypatch, paper):
    monkeypatch.setattr(card_module, "point_figure", lambda ctx, item, w, *a, **k: _Blank(w, w))
    monkeypatch.setattr(card_module, "stretch_figure", lambda ctx, item, w: _Blank(w, w * 0.6))
    library = load_library()
    pdf, sheets = lay_out(all_items_client(library, paper=paper), brand=BRAND)
    boxes = [(card.placed, card.width, card.height) for s in sheets for card, _, _ in s.cards]
    seen = 0
    for page, words, size, x, y in _fragments(pdf):
        mine = [(x0, y0, w, h) for (p, x0, y0), w, h in boxes if p == page]
        top = max(y0 + h for _, y0, _, h in mine)
        bottom = min(y0 for _, y0, _, _ in mine)
        if not bottom <= y <= top:
            continue  # the page's header or footer
        seen += 1
        assert size >= FLOOR_PT - 0.01, (page, words, size)
        assert any(x0 + PADDING - 1 <= x <= x0 + w - PADDING and y0 + PADDING - 1 <= y <= y0 + h
                   for x0, y0, w, h in mine), ("outside every card", page, words, x, y)
    assert seen > 100


def test_cut_marks_sit_outside_each_card_corner():
    library = load_library()
    pdf, sheets = lay_out(card_client(library, ["BL60", "GB34", "KI3"]))
    dpi = 150
    image = pypdfium2.PdfDocument(pdf)[0].render(scale=dpi / 72).to_pil().convert("L")
    height = image.height

    def dark(x, y):  # PDF points, from the bottom left
        px, py = round(x * dpi / 72), round(height - y * dpi / 72)
        return min(image.getpixel((px + dx, py + dy)) for dx in (-1, 0, 1) for dy in (-1, 0, 1)) < 128

    mark = MARK_GAP + MARK_LEN / 2
    cards_ = [card for card, _, _ in sheets[0].cards]
    assert len(cards_) == 3
    for card in cards_:
        _, x0, y0 = card.placed
        for cx, sx in ((x0, -1), (x0 + card.width, 1)):
            for cy, sy in ((y0, -1), (y0 + card.height, 1)):
                assert dark(cx + sx * mark, cy), (card.fit.item_id, "horizontal mark")
                assert dark(cx, cy + sy * mark), (card.fit.item_id, "vertical mark")
                assert not dark(cx + sx * 3 * mm, cy + sy * 3 * mm), "marks cross the corner"
        # the frame itself
        assert dark(x0 + card.width / 2, y0) and dark(x0, y0 + card.height / 2)
    # the empty fourth place has no frame and no marks
    right = cards_[1].placed[1] + cards_[1].width / 2
    assert not dark(right, cards_[2].placed[2])


def full_footer_template(tmp_path) -> Path:
    """The cards template as a clinic may copy it, with the full footer on every sheet
    (address, web, e-mail and hours): the sheets with the least room for their cards."""
    path = tmp_path / "cards-full-footer.yaml"
    built = (ROOT / "templates" / "pocket-cards.yaml").read_text(encoding="utf-8")
    path.write_text(built.replace("  footer: short", "  footer: full", 1), encoding="utf-8")
    return path


def test_the_emergency_prompt_gives_way_in_size_only_and_never_below_the_floor(tmp_path):
    """Large print on Letter with the example brand, its full footer and the pregnancy signs
    boxed on each sheet: some cards have no room for an 18 pt prompt. It is set smaller
    there, a point at a time, never below 14 pt, and never left off; the others keep it at
    18 pt."""
    library = load_library()
    client = card_client(library, protocol="sciatica", conditions=("pregnancy",),
                         paper="Letter", large_print=True)
    pdf, sheets = lay_out(client, brand=BRAND, template=str(full_footer_template(tmp_path)))
    cards = [card for sheet in sheets for card, _, _ in sheet.cards]
    sizes = [card._prompt.style.fontSize for card in cards]
    assert len(sizes) == len(cards) and all(MIN_LARGE_PT <= size <= 18 for size in sizes)
    assert min(sizes) < 18 < max(sizes) + 0.01  # both kinds are on these sheets
    prompt = fold(sheets[0].ctx.program.safety.red_flags.card_prompt)
    assert sum(fold(page).count(prompt) for page in page_texts(pdf)) == len(cards)


def test_words_are_shortened_before_a_picture_drops_below_its_kept_size():
    """The sciatica cards on A4: GB34's and BL57's diagrams and the nerve glide were drawn
    at 0.45 of their size (16 mm) to keep a route sentence or a step; the words now point to
    the handout first, and every picture is at least PICTURE_KEPT of its size. No safety
    text is given way for it: each card's key caution prints whole; in large print BL40,
    whose cautions fill its card, keeps them all and a smaller diagram."""
    library = load_library()
    for large in (False, True):
        pdf, sheets = lay_out(card_client(library, protocol="sciatica", paper="A4",
                                          large_print=large))
        texts = fold(" ".join(page_texts(pdf)))
        cards = [card for sheet in sheets for card, _, _ in sheet.cards]
        program = sheets[0].ctx.program
        assert len(cards) == len(program.points) + len(program.stretches)
        for card in cards:
            item = card.chosen.item
            largest = (card.options.figure_width if item.kind == "point"
                       else card.options.pictogram_width) * (1.5 if large else 1)
            key = key_caution(card.chosen, card.ctx)
            if key is not None:
                assert fold(key.text) in texts, (item.id, key.text)
            if large and item.id == "BL40":
                assert card.fit.figure_width < PICTURE_KEPT * largest
                assert all(fold(c.text) in texts for c in card.chosen.cautions)
            elif not large:
                assert card.fit.figure_width >= PICTURE_KEPT * largest - 0.01, (item.id, card.fit)
        if not large:
            assert texts.count(fold("See your handout for more")) >= 3


def test_card_sheets_name_the_clinic_and_phone_at_their_foot_not_the_whole_contact(tmp_path):
    """A card sheet is cut up; each card names the clinic and its phone. Its footer says the
    clinic, the phone and the disclaimer, and leaves the address, web, e-mail and hours
    to the handout, whose footer keeps them: on Letter in large print with the pregnancy
    signs boxed, the five lines they took were the cards' pictures' room."""
    brand = load_brand(BRAND)
    library = load_library()
    client = card_client(library, protocol="sciatica", conditions=("pregnancy",),
                         paper="Letter", large_print=True)
    pdf, sheets = lay_out(client, brand=BRAND)
    full, full_sheets = lay_out(client, brand=BRAND, template=str(full_footer_template(tmp_path)))
    for page in page_texts(pdf):
        words = fold(page)
        assert fold(f"{brand.clinic_name} · {brand.phone}") in words
        assert fold("This handout gives general information") in words
        for left_out in (brand.address, brand.web, brand.email, brand.footer):
            assert fold(left_out) not in words, left_out
    assert fold(brand.address) in fold(page_texts(full)[0])
    fits = [card.fit for sheet in sheets for card, _, _ in sheet.cards]
    before = [card.fit for sheet in full_sheets for card, _, _ in sheet.cards]
    assert [f.item_id for f in fits] == [f.item_id for f in before]
    better = 0
    for now, then in zip(fits, before):  # each card as full and its picture as large, or more
        assert now.level <= then.level and now.figure_width >= then.figure_width - 0.01, now
        better += now.level < then.level or now.figure_width > then.figure_width + 0.01
    assert better >= len(fits) // 2, better
    result, out = make(tmp_path, "BL40", "--brand", BRAND)
    assert result.exit_code == 0, result.output
    assert fold(brand.address) not in fold(text(out.read_bytes()))


def test_a_card_sheet_of_a_clinic_without_a_phone_keeps_its_web_and_e_mail(tmp_path):
    """The short footer is for a clinic each card names with its phone; a clinic with no
    phone is reached by its web address or e-mail, so its card sheets keep them."""
    brand = tmp_path / "brand.yaml"
    brand.write_text("clinic_name: Web Only Clinic\ncontact:\n  web: webonly.example\n"
                     "  email: hello@webonly.example\n", encoding="utf-8")
    result, out = make(tmp_path, "BL40", "--brand", brand)
    assert result.exit_code == 0, result.output
    words = fold(text(out.read_bytes()))
    assert words.count(fold("webonly.example")) >= 2 and fold("hello@webonly.example") in words


def test_a_bad_footer_in_a_template_is_a_located_error(tmp_path):
    template = full_footer_template(tmp_path)
    source = template.read_text(encoding="utf-8").replace("  footer: full", "  footer: tiny", 1)
    template.write_text(source, encoding="utf-8")
    line = source[: source.index("footer: tiny")].count("\n") + 1
    result, out = make(tmp_path, "BL40", "--template", template)
    assert_refused(result, out, tmp_path, f"cards-full-footer.yaml:{line}: page.footer:")
    assert "tiny" in result.output and "short" in result.output


# -- long texts --------------------------------------------------------------------------------

def test_long_route_is_shortened_by_whole_sentences(clinic, raw_point):
    point = raw_point("BL40")
    point["find_it"] = " ".join(f"Step {i}: feel for the crease behind your knee." for i in range(1, 31))
    write_yaml(clinic / "points.yaml", {"points": [point]})
    library = load_library([clinic])
    pdf, sheets = lay_out(card_client(library, ["BL40"]), data_dirs=[clinic])
    fit = sheets[0].fits[0]
    assert fit.shortened and fit.smallest_pt >= FLOOR_PT
    words = text(pdf)
    assert "Step 1: feel for the crease behind your knee." in words
    assert "Step 30:" not in words
    shown = re.search(r"How to find it: (.*?) See your handout for more\.", words).group(1)
    assert shown.endswith("knee.")  # whole sentences, never cut mid-word
    assert shown in fold(point["find_it"])


def test_long_steps_are_shortened_and_the_stop_rule_kept(clinic, builtin_raw):
    import copy

    stretch = copy.deepcopy(next(s for s in builtin_raw["stretches.yaml"]["stretches"]
                                 if s["id"] == "nerve-glide"))
    stretch["steps"] = [f"Step {i}: move slowly and gently, only as far as is comfortable for you."
                        for i in range(1, 16)]
    write_yaml(clinic / "stretches.yaml", {"stretches": [stretch]})
    library = load_library([clinic])
    pdf, sheets = lay_out(card_client(library, ["nerve-glide"]), data_dirs=[clinic])
    assert sheets[0].fits[0].shortened
    words = text(pdf)
    assert "Step 1:" in words and "Step 15:" not in words
    assert "See your handout for more." in words
    assert fold(stretch["stop_if"]) in words


def test_a_card_that_cannot_fit_is_a_one_line_error_and_no_file(tmp_path, clinic, raw_point):
    point = raw_point("BL40")
    # Within the limits (limits.FIELD_TEXT characters a text), too much for any card.
    point["cautions"] = [{"text": f"Take great care here, number {i}. " * 60} for i in range(3)]
    write_yaml(clinic / "points.yaml", {"points": [point]})
    with pytest.raises(InputError) as caught:
        make_cards(card_client(load_library([clinic]), ["BL40"]), data_dirs=[clinic])
    assert str(caught.value).startswith("the card for BL40 does not fit even at ")
    result = run("--data", clinic, "cards", "BL40", "-o", tmp_path / "x.pdf")
    assert result.exit_code == 1
    assert result.output.startswith("Error: the card for BL40 does not fit even at ")
    assert len(result.output.strip().splitlines()) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["clinic"]  # no file, no temporary part


def test_sentences_split_whole_sentences_only():
    assert sentences("Find it. Then press (gently). Ok e.g. like this!") == \
        ["Find it.", "Then press (gently).", "Ok e.g. like this!"]


# -- pictures across the card ------------------------------------------------------------------

def _word_boxes(page, word: str) -> list[tuple]:
    """The boxes (left, bottom, right, top) of each run of characters spelling `word` on
    the page, in reading order (spaces are no characters here)."""
    chars = [c for c in page.chars if c.text.strip()]
    spelt, word = "".join(c.text for c in chars), word.replace(" ", "")
    found, at = [], spelt.find(word)
    while at >= 0:
        boxes = [c.box for c in chars[at:at + len(word)]]
        found.append((min(b[0] for b in boxes), min(b[1] for b in boxes),
                      max(b[2] for b in boxes), max(b[3] for b in boxes)))
        at = spelt.find(word, at + 1)
    assert found, word
    return found


def _ink_span(pdf: bytes, box) -> float:
    """How wide, in points, the dark pixels run inside `box` (left, bottom, right, top) on
    the first page."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        scale = 4
        image = page.render(scale=scale, grayscale=True).to_pil().convert("L")
        height = page.get_size()[1]
    finally:
        document.close()
    left, bottom, right, top = box
    columns = [x for x in range(int(left * scale), int(right * scale))
               if any(image.getpixel((x, y)) < 128
                      for y in range(int((height - top) * scale), int((height - bottom) * scale), 2))]
    return (columns[-1] - columns[0]) / scale if columns else 0.0


@pytest.mark.parametrize("stretch_id", ["knee-rolls", "pelvic-tilt"])
def test_a_two_panel_picture_goes_across_the_card_above_the_dose(stretch_id):
    """Stacked beside the dose, knee rolls' two panels were 16 mm wide: a picture of two
    panels is drawn under the heading, its panels side by side, across most of the card,
    with "How much:" under it (not beside it); a one-panel picture stays beside the dose."""
    from pagecheck import measure

    library = load_library()
    pdf, sheets = lay_out(card_client(library, [stretch_id, "knee-to-chest"]), brand=BRAND)
    page = measure(pdf, pixels=False)[0]
    inner = sheets[0].cards[0][0].width - 2 * PADDING
    name = library.stretches[stretch_id].name
    heading, = _word_boxes(page, name)
    dose, beside = _word_boxes(page, "How much:")  # this card's, then knee-to-chest's
    assert dose[0] - heading[0] < 1  # the dose starts at the card's left, under the picture
    span = _ink_span(pdf, (heading[0] - 1, dose[3] + 0.5, heading[0] + inner + 1, heading[1] - 0.5))
    assert span > 0.65 * inner, (span / mm, inner / mm)
    other, = _word_boxes(page, "Knee-to-chest stretch")
    assert beside[0] - other[0] > 20 * mm  # a one-panel picture to the left of its dose
