"""The safety matrix: every condition, alone and in pairs, against every protocol and every
kind of sheet, checked on what the PDF says.

Two levels, so the whole matrix runs in CI time:
- the Program (pure Python, milliseconds): every condition set (none, each alone, every
  pair) x every protocol, plus "everything" (a clinic protocol holding every point,
  stretch and tip of the library);
- the PDF's own text: "everything" x every condition alone and every pair for the
  handout; x every condition alone for the weekly plan and the pocket cards; every built-in
  protocol x every condition alone for the handout; the pregnancy protocol's plan, cards
  and reference sheets.
On the PDF: nothing a condition rules out is there, no phrase a condition forbids is there
(the data's list, and a list of our own for pregnancy that does not depend on the data),
and every warning the client needs is there, word for word.
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from handout import Client, make_handout
from handout.library import load_library
from handout.program import build_program
from handout.render.cards import make_cards
from handout.render.plan import make_plan
from handout.render.reference import make_reference
from handout.wording import client_texts, fill, found_phrase

LIBRARY = load_library()
CONDITIONS = tuple(LIBRARY.conditions)
SETS = [(), *((c,) for c in CONDITIONS), *itertools.combinations(CONDITIONS, 2)]
PROTOCOLS = tuple(LIBRARY.protocols)
# Never said to a pregnant client, whatever the data's unsafe_wording list holds.
PREGNANCY_NEVER = ("face down", "face-down", "on your front", "on your tummy", "on your belly",
                   "under your belly", "on your stomach", "prone", "front-lying")


@pytest.fixture(scope="module")
def everything(tmp_path_factory):
    """A clinic folder with a protocol of every item in the library."""
    folder = tmp_path_factory.mktemp("everything")
    (folder / "protocols.yaml").write_text(
        "protocols:\n  - id: everything\n    name: Everything\n"
        f"    points: [{', '.join(LIBRARY.points)}]\n"
        f"    stretches: [{', '.join(LIBRARY.stretches)}]\n"
        f"    tips: [{', '.join(LIBRARY.tips)}]\n", encoding="utf-8")
    return folder


def fold(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip()


def pdf_pages(data: bytes) -> list[str]:
    """Each page's text, white space folded (pdfium: the text as a viewer selects it)."""
    document = pdfium.PdfDocument(data)
    try:
        pages = []
        for page in document:
            textpage = page.get_textpage()
            pages.append(fold(textpage.get_text_range()))
            textpage.close()
            page.close()
        return pages
    finally:
        document.close()


MAKERS = {"handout": make_handout, "plan": make_plan, "cards": make_cards}


@lru_cache(maxsize=None)
def sheet(kind: str, protocol: str, conditions=(), data_dirs=(), brand=None,
          name: str = "Test Client", paper: str = "", large_print=None) -> tuple[str, ...]:
    """The pages' text of one sheet (pdf_pages), rendered once in this process: where two
    tests read the same sheet of the same client, it is made once and both read it."""
    client = Client(name=name, protocol=protocol, conditions=conditions, paper=paper,
                    large_print=large_print)
    return tuple(pdf_pages(MAKERS[kind](client, brand=brand, data_dirs=data_dirs)))


@lru_cache(maxsize=None)
def said(text: str, phrases: tuple[str, ...]) -> str | None:
    """wording.found_phrase, once for each text and list: the Program matrix asks the same
    item's same words 106 times, once for each condition set."""
    return found_phrase(text, phrases)


def never_said(conditions) -> dict[str, tuple[str, ...]]:
    """Condition -> the phrases a client with it must never read."""
    out = {c: LIBRARY.conditions[c].unsafe_wording for c in conditions}
    if "pregnancy" in out:
        out["pregnancy"] = (*out["pregnancy"], *PREGNANCY_NEVER)
    return out


def label_of(item) -> str:
    """What marks an item as printed: a point's code, a stretch's name, a tip's title."""
    return item.id if item.kind == "point" else item.name


def assert_nothing_ruled_out(text: str, program, conditions) -> None:
    for left in program.left_out:
        label = label_of(left.item)
        assert not re.search(r"(?<![A-Za-z0-9])" + re.escape(label) + r"(?![A-Za-z0-9])", text), \
            f"{left.item.id} is ruled out for {conditions} but printed"
    for condition, phrases in never_said(conditions).items():
        phrase = found_phrase(text, phrases)
        assert phrase is None, f"'{phrase}' printed for a client with {condition}"


def program_for(protocol: str, conditions, data_dirs=()):
    library = load_library(data_dirs)
    return build_program(library, Client(protocol=protocol, conditions=conditions))


# -- the Program: every set x every protocol --------------------------------------------------

@pytest.mark.parametrize("protocol", [*PROTOCOLS, "everything"])
def test_program_matrix(protocol, everything):
    library = load_library([everything])
    for conditions in SETS:
        program = build_program(library, Client(protocol=protocol, conditions=conditions))
        wanted = set(conditions) | set(library.protocol(protocol).conditions)
        for chosen in (*program.points, *program.stretches,
                       *(c for _, members in program.tips for c in members)):
            item = chosen.item
            # Nothing a condition rules out, nothing a condition forbids to say.
            assert not any(wanted & set(c.avoid_if) for c in item.cautions), (item.id, conditions)
            for field, text in client_texts(item):
                for condition, phrases in never_said(wanted).items():
                    assert said(text, phrases) is None, (item.id, field, condition)
            # Every caution for the client's conditions is beside the item.
            # (by id, as shipped: Library.find would first try the id as a point, and
            # build a did-you-mean for each miss)
            original = {"point": library.points, "stretch": library.stretches,
                        "tip": library.tips}[item.kind][item.id]
            for caution in original.cautions:
                if wanted & set(caution.caution_if) or caution.always or caution.avoid_if:
                    assert fill(caution, program.words) in chosen.cautions, \
                        (item.id, caution.text, conditions)
            for condition in program.conditions:
                every = {"point": condition.every_point,
                         "stretch": condition.every_stretch}.get(item.kind)
                if every:
                    assert any(c.text == every for c in chosen.cautions), (item.id, condition.id)
        # Warning tips reach the clients they protect, wherever their topic is on the sheet.
        topics = {c.item.topic for _, members in program.tips for c in members}
        tips = {c.item.id for _, members in program.tips for c in members}
        for tip in library.tips.values():
            if wanted & set(tip.add_for) and tip.topic in topics:
                assert tip.id in tips, (tip.id, conditions)
        # Every ask-first line, this client's marked; the warning signs of their conditions.
        assert len(program.ask_first) == len(library.safety.ask_first)
        for line in program.ask_first:
            assert line.applies == any(a.text == line.text and wanted & set(a.caution_if)
                                       for a in library.safety.ask_first)
        assert len(program.warning_signs) == sum(
            1 for c in wanted if library.conditions[c].warning_signs)


# -- the handout PDF ------------------------------------------------------------------------------

def required_handout_texts(program) -> list[str]:
    """Every warning and every text of every item, as the client must read it."""
    safety = program.safety
    flags = safety.red_flags
    texts = [flags.emergency_title, *(s.ask for s in flags.emergency), flags.urgent_title,
             *(s.ask for s in flags.urgent), *flags.see_doctor, *safety.warnings,
             *(line.text for line in program.ask_first)]
    for signs in program.warning_signs:
        texts += [signs.title, *signs.signs, signs.note]
    for chosen in (*program.points, *program.stretches,
                   *(c for _, members in program.tips for c in members)):
        texts += [text for field, text in client_texts(chosen.item)
                  if field != "name" and not field.startswith("cautions")]
        texts += [caution.text for caution in chosen.cautions]
    return [fold(t) for t in texts if t]


def without_furniture(pages: list[str], program) -> str:
    """The pages' text joined, without what every page repeats (the title, the page number,
    the disclaimer) or a card's "(continued)" heading: a paragraph split over two pages then
    reads whole."""
    out = []
    for page in pages:
        page = page.replace(fold(program.safety.disclaimer), " ")
        page = re.sub(r"Page \d+ of \d+", " ", page)
        page = re.sub(r"^Your self-care plan", " ", page)
        page = re.sub(r"\S+ · \S+ \(continued\)|\d+\. [^.]*? \(continued\)", " ", page)
        out.append(page)
    return fold(" ".join(out))


def check_handout(protocol: str, conditions, data_dirs=()) -> None:
    program = program_for(protocol, conditions, data_dirs)
    text = without_furniture(sheet("handout", protocol, conditions, tuple(data_dirs)), program)
    missing = [t for t in required_handout_texts(program) if t not in text]
    assert missing == [], f"{protocol} {conditions}: not printed: {missing[:3]}"
    assert_nothing_ruled_out(text, program, {*conditions, *(program.protocol.conditions)})
    assert "999" in text and "911" not in text  # the built-in brand is in the UK


@pytest.mark.parametrize("conditions", SETS, ids=lambda s: "+".join(s) or "none")
def test_handout_of_everything(conditions, everything):
    check_handout("everything", conditions, [everything])


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize("conditions", SETS[:1 + len(CONDITIONS)],
                         ids=lambda s: "+".join(s) or "none")
def test_handout_of_each_protocol(protocol, conditions):
    check_handout(protocol, conditions)


# -- the weekly plan and the pocket cards -----------------------------------------------------------

def check_plan(protocol: str, conditions, data_dirs=()) -> None:
    program = program_for(protocol, conditions, data_dirs)
    pages = sheet("plan", protocol, conditions, tuple(data_dirs))
    flags = program.safety.red_flags
    text = " ".join(pages)  # a long routine runs on: the strip ends each week's sheets
    for wanted in (flags.emergency_short_title, *(s.short for s in flags.emergency),
                   *(s.short for s in program.warning_signs)):
        # One week: on its sheet, or on the front and the back of a long week's sheet, or
        # (a routine longer than a page) under the table where it ends.
        assert text.count(fold(wanted)) in (1, 2), (protocol, conditions, wanted)
        assert fold(wanted) in pages[-1]
    assert "999" in text
    assert_nothing_ruled_out(text, program, {*conditions, *program.protocol.conditions})


def check_cards(protocol: str, conditions, data_dirs=(), **look) -> None:
    program = program_for(protocol, conditions, data_dirs)
    pages = sheet("cards", protocol, conditions, tuple(data_dirs), name="", **look)
    prompt = fold(program.safety.red_flags.card_prompt)
    cards = len(program.points) + len(program.stretches)
    assert sum(page.count(prompt) for page in pages) == cards  # one on every card
    for page in pages:
        for signs in program.warning_signs:
            assert fold(signs.short) in page  # on every sheet of cards
        assert_nothing_ruled_out(page, program, {*conditions, *program.protocol.conditions})


@pytest.mark.parametrize("conditions", SETS[:1 + len(CONDITIONS)],
                         ids=lambda s: "+".join(s) or "none")
def test_plan_and_cards_of_everything(conditions, everything):
    check_plan("everything", conditions, [everything])
    check_cards("everything", conditions, [everything])


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_plan_and_cards_of_each_protocol(protocol):
    check_plan(protocol, ())
    check_cards(protocol, ())


EXAMPLE_BRAND = Path(__file__).parents[1] / "examples" / "brand.yaml"


@pytest.mark.parametrize("protocol, conditions, large_print", [
    ("sciatica", ("pregnancy",), False),
    ("sciatica", ("pregnancy",), True),
    ("sciatica-pregnancy", ("recent-back-surgery",), False),
    ("sciatica-pregnancy", ("osteoporosis",), True),
], ids=["sciatica-pregnant", "sciatica-pregnant-large", "pregnancy+back-surgery",
        "pregnancy+osteoporosis-large"])
def test_cards_on_the_shortest_sheets(protocol, conditions, large_print):
    """US Letter with a brand's header and footer, and the pregnancy signs boxed on every
    sheet: the least room a card has. Each was refused ('does not fit even at 12 pt')
    until the pointer to the handout ended a paragraph instead of taking a line, the
    emergency prompt could be set smaller (never below the floor) and a start shortened."""
    check_cards(protocol, conditions, brand=EXAMPLE_BRAND, paper="Letter",
                large_print=large_print)


def test_pregnancy_protocol_sets_pregnancy_on_every_sheet():
    """With no condition marked, the pregnancy protocol is a pregnant client's protocol."""
    signs = LIBRARY.condition("pregnancy").warning_signs
    handout = " ".join(sheet("handout", "sciatica-pregnancy"))
    assert fold(signs.title) in handout and fold(signs.note) in handout
    plan = " ".join(sheet("plan", "sciatica-pregnancy"))
    assert fold(signs.short) in plan
    cards = sheet("cards", "sciatica-pregnancy", name="")
    assert all(fold(signs.short) in page for page in cards)
    reference = " ".join(pdf_pages(make_reference(protocol="sciatica-pregnancy")))
    for code in ("BL60", "BL23", "BL25", "BL54"):
        assert code not in reference
    # Asked for by name, a point pregnancy rules out is refused as for any pregnant client.
    from handout.errors import SafetyError
    with pytest.raises(SafetyError, match="BL60 is ruled out for this client \\(pregnancy\\)"):
        make_handout(Client(protocol="sciatica-pregnancy", points=("BL60",)))


# -- the country's emergency services ------------------------------------------------------------

@lru_cache(maxsize=None)
def brand_file(folder, country: str):
    path = folder / f"brand-{country}.yaml"
    path.write_text(f"clinic_name: Test Clinic\ncountry: {country}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("country, number, department, never", [
    ("US", "911", "emergency room", ("999", "A&E", "NHS")),
    ("CA", "911", "emergency department", ("999", "A&E", "NHS")),
    ("AU", "000", "emergency department", ("999", "911", "A&E", "NHS")),
    ("NZ", "111", "emergency department", ("999", "911", "A&E", "NHS")),
    ("IE", "112 or 999", "emergency department", ("911", "A&E", "NHS")),
    ("GB", "999", "A&E", ("911", "emergency room")),
])
def test_every_sheet_names_the_countrys_emergency_services(tmp_path, country, number,
                                                           department, never):
    brand = brand_file(tmp_path, country)
    texts = {kind: " ".join(sheet(kind, "sciatica-pregnancy", brand=brand)) for kind in MAKERS}
    for text in texts.values():
        assert number in text, country
        for word in never:
            assert not re.search(r"(?<![0-9A-Za-z])" + re.escape(word) + r"(?![0-9A-Za-z])",
                                 text), (country, word)
    handout = texts["handout"]
    assert department in handout
    assert fold(f"Call {LIBRARY.services(country).number}") in handout
