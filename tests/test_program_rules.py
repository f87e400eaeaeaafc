"""Each safety and selection rule of handout/program.py, one at a time, on the Program
itself (pure Python, milliseconds): what goes on the sheet, what is left out and the
reason given, what is refused and the words of the refusal.

These are the fast tests the mutation run uses (docs/testing.md); the matrices in
test_safety_matrix.py check the same rules across every condition and on the PDF.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from handout.client import Client
from handout.errors import SafetyError
from handout.library import load_library
from handout.models import Caution
from handout.program import AskFirst, LeftOut, build_program, cautions_for, client_conditions, ruled_out
from handout.wording import fill

LIBRARY = load_library()
PREGNANCY_BL60 = ("Traditionally avoided in pregnancy. Do not press this point if you are "
                  "pregnant.")


def program(**client):
    return build_program(LIBRARY, Client(**client))


def ids(chosen) -> list[str]:
    return [c.item.id for c in chosen]


def tip_ids(prog) -> list[str]:
    return [c.item.id for _, members in prog.tips for c in members]


@pytest.fixture(scope="module")
def clinic_library(tmp_path_factory):
    """A clinic protocol with the warning tip oil-camphor and the press-up in it."""
    folder = tmp_path_factory.mktemp("clinic")
    (folder / "protocols.yaml").write_text(
        "protocols:\n  - id: oils\n    name: Oils\n    points: [GB34]\n"
        "    stretches: [prone-press-up, walking]\n"
        "    tips: [oils-dilute, oil-camphor, keep-moving]\n", encoding="utf-8")
    return load_library([folder])


# -- ruled_out, cautions_for, client_conditions --------------------------------------------

def test_ruled_out_gives_the_first_condition_and_its_caution():
    bl23 = LIBRARY.point("BL23")
    pregnancy, surgery, _, bones = bl23.cautions
    assert ruled_out(bl23, ["pregnancy"]) == ("pregnancy", pregnancy)
    # Several conditions: the item's first caution that names one, then its first name.
    assert ruled_out(bl23, ["spinal-fracture", "recent-back-surgery"]) == \
        ("recent-back-surgery", surgery)
    assert ruled_out(bl23, ("spinal-fracture", "osteoporosis")) == ("osteoporosis", bones)
    assert ruled_out(bl23, ["anticoagulants"]) is None  # a caution_if never rules out
    assert ruled_out(bl23, []) is None


def test_cautions_for_prints_avoid_if_for_all_and_caution_if_for_those_concerned():
    bl60 = LIBRARY.point("BL60")
    pregnancy, thinners, numb, veins = bl60.cautions
    assert cautions_for(bl60, []) == (pregnancy,)
    assert cautions_for(bl60, {"numb-skin", "varicose-veins"}) == (pregnancy, numb, veins)
    assert cautions_for(bl60, ["bleeding-disorder"]) == (pregnancy, thinners)
    always = Caution("For everyone.")
    item = type("Item", (), {"cautions": (Caution("Only numb.", caution_if=("numb-skin",)),
                                          always)})()
    assert cautions_for(item, []) == (always,)


def test_client_conditions_add_the_protocols_resolve_aliases_and_keep_order():
    protocol = LIBRARY.protocol("sciatica-pregnancy")
    found = client_conditions(LIBRARY, Client(conditions=("warfarin", "pregnant")), protocol)
    assert [c.id for c in found] == ["anticoagulants", "pregnancy"]
    found = client_conditions(LIBRARY, Client(conditions=("epilepsy",)), protocol)
    assert [c.id for c in found] == ["epilepsy", "pregnancy"]
    assert client_conditions(LIBRARY, Client(), None) == ()


# -- selection -----------------------------------------------------------------------------

def test_protocol_items_then_asked_items_each_once():
    prog = program(protocol="sciatica-gentle", points=("UB60", "ST36", "BL60"),
                   stretches=("knee-rolls",))
    assert ids(prog.points) == ["ST36", "GB34", "KI3", "BL60"]
    assert ids(prog.stretches) == ["pelvic-tilt", "cat-cow", "walking", "knee-rolls"]
    assert prog.protocol is LIBRARY.protocol("sciatica-gentle")
    # A repeat is skipped, and what follows it still comes.
    assert ids(program(points=("KI3", "K3", "BL60", "KI3", "GB34")).points) == ["KI3", "BL60", "GB34"]
    sciatica = program(protocol="sciatica")
    assert sciatica.progression == LIBRARY.protocol("sciatica").progression
    assert len(sciatica.progression) == 3
    assert prog.left_out == () and prog.notes == () and prog.conditions == ()


def test_no_protocol():
    prog = program(points=("KI3",))
    assert prog.protocol is None and prog.progression == ()
    assert ids(prog.points) == ["KI3"] and prog.stretches == () and prog.tips == ()
    assert not prog.is_empty()
    assert program(stretches=("walking",)).is_empty() is False
    assert program(tips=("keep-moving",)).is_empty() is True


def test_drop_takes_protocol_items_out_by_any_name_but_not_asked_ones():
    prog = program(protocol="sciatica", drop=("UB57", "walking", "heat-pack"))
    assert "BL57" not in ids(prog.points) and len(prog.points) == 5
    first = program(protocol="sciatica", drop=("BL60",))  # the rest still come
    assert ids(first.points) == ["KI3", "GB34", "ST36", "BL40", "BL57"]
    assert "walking" not in ids(prog.stretches)
    assert "heat-pack" not in tip_ids(prog)
    kept = program(protocol="sciatica", points=("BL57",), drop=("BL57",))
    assert ids(kept.points)[-1] == "BL57" and ids(kept.points).count("BL57") == 1
    assert kept.notes == ()


def test_item_ruled_out_by_a_condition_is_left_out_with_the_reason():
    prog = program(protocol="sciatica", conditions=("pregnancy",))
    assert ids(prog.points) == ["KI3", "GB34", "ST36", "BL40", "BL57"]  # BL60 out, the rest in
    left = {entry.item.id: entry for entry in prog.left_out}
    assert left["BL60"].condition is LIBRARY.conditions["pregnancy"]
    assert left["BL60"].caution.text == PREGNANCY_BL60
    assert str(left["BL60"]) == f"BL60 left out (pregnancy): {PREGNANCY_BL60}"
    # points, then stretches, then tips
    kinds = [entry.item.kind for entry in prog.left_out]
    assert kinds == sorted(kinds, key=["point", "stretch", "tip"].index)


def test_item_ruled_out_and_asked_for_by_name_is_refused():
    with pytest.raises(SafetyError) as refused:
        program(points=("UB60",), conditions=("pregnancy",))
    assert str(refused.value) == (f"BL60 is ruled out for this client (pregnancy): "
                                  f"{PREGNANCY_BL60} To include it anyway, confirm with "
                                  f"allow=['BL60']")


def test_allowed_item_prints_with_its_caution_and_the_overridden_condition():
    prog = program(points=("BL60", "KI3"), conditions=("pregnancy", "numb-skin"),
                   allow=("UB60",))
    bl60, ki3 = prog.points
    assert bl60.item.id == "BL60"
    assert bl60.allowed_despite == ("Pregnancy",)
    assert bl60.cautions[0].text == PREGNANCY_BL60
    assert any("numb" in c.text for c in bl60.cautions)
    assert ki3.allowed_despite == ()
    assert prog.left_out == ()
    # An allowed item no condition rules out is just chosen.
    assert program(points=("BL60",), allow=("BL60",)).points[0].allowed_despite == ()


def test_allowed_despite_names_each_overridden_condition_once():
    prog = program(points=("BL23",), conditions=("osteoporosis", "spinal-fracture"),
                   allow=("BL23",))
    assert prog.points[0].allowed_despite == ("Osteoporosis (weak bones)",
                                              "Spinal fracture (a broken bone in the spine)")


def test_unsafe_wording_refuses_by_name_even_when_allowed():
    with pytest.raises(SafetyError) as refused:
        program(stretches=("prone-press-up",), conditions=("pregnancy",),
                allow=("prone-press-up",))
    assert str(refused.value) == (
        "prone-press-up cannot go on this client's sheets: its start says 'on your front', "
        "which is not safe with pregnancy. No confirmation can change that; choose another "
        "item")


def test_unsafe_wording_from_a_protocol_is_left_out_with_the_reason(clinic_library):
    prog = build_program(clinic_library, Client(protocol="oils", conditions=("pregnancy",),
                                                allow=("prone-press-up",)))
    assert ids(prog.stretches) == ["walking"]
    [left] = [e for e in prog.left_out if e.item.id == "prone-press-up"]
    assert left.condition.id == "pregnancy"
    assert left.caution == Caution("Its start says 'on your front', which is not safe with "
                                   "pregnancy.")


# -- cautions beside items -----------------------------------------------------------------

def test_a_conditions_every_stretch_caution_is_beside_every_stretch():
    prog = program(protocol="sciatica-gentle", conditions=("recent-back-surgery",))
    every = LIBRARY.conditions["recent-back-surgery"].every_stretch
    assert every
    for chosen in prog.stretches:
        assert chosen.cautions[-1] == Caution(every, caution_if=("recent-back-surgery",))
    for chosen in prog.points:
        assert all(c.text != every for c in chosen.cautions)
    plain = program(protocol="sciatica-gentle")
    assert all(c.text != every for s in plain.stretches for c in s.cautions)


def test_caution_placeholders_are_filled_for_the_clinics_country():
    prog = build_program(LIBRARY, Client(protocol="sciatica"), country="US")
    assert prog.services.number == "911"
    texts = [c.text for group in (prog.points, prog.stretches) for ch in group
             for c in ch.cautions] + [a.text for a in prog.ask_first]
    assert texts and not any("{" in t for t in texts)
    assert prog.words["sides"] == "both sides of your body"
    assert program(points=("KI3",), side="left").words["sides"] == "your left side only"
    assert "{" not in prog.safety.disclaimer


def test_placeholders_in_item_texts_follow_the_client(tmp_path):
    (tmp_path / "points.yaml").write_text(
        "points:\n  - id: KI3\n    find_it: Find it on {sides}; if it hurts, call {number}.\n",
        encoding="utf-8")
    library = load_library([tmp_path])
    prog = build_program(library, Client(points=("KI3",), side="left"), country="US")
    assert prog.points[0].item.find_it == "Find it on your left side only; if it hurts, call 911."


def test_placeholders_in_condition_and_ask_first_texts_are_filled():
    pregnancy = LIBRARY.conditions["pregnancy"]
    changed = replace(pregnancy, every_point="Tell us on {number}.",
                      warning_signs=replace(pregnancy.warning_signs, title="Call {number} now."))
    safety = replace(LIBRARY.safety, ask_first=(
        Caution("Ask first, or call {number}.", caution_if=("pregnancy",)),))
    library = replace(LIBRARY, conditions={**LIBRARY.conditions, "pregnancy": changed},
                      safety=safety)
    prog = build_program(library, Client(points=("KI3",), conditions=("pregnancy",)),
                         country="US")
    assert prog.points[0].cautions[-1] == Caution("Tell us on 911.", caution_if=("pregnancy",))
    assert prog.warning_signs[0].title == "Call 911 now."
    assert prog.ask_first == (AskFirst("Ask first, or call 911.", True),)


# -- tips ----------------------------------------------------------------------------------

def test_tips_are_grouped_by_topic_in_the_librarys_topic_order():
    prog = program(tips=("drink-water", "heat-pack", "keep-moving", "cold-pack"))
    assert [topic.id for topic, _ in prog.tips] == ["activity", "heat-cold", "diet-water"]
    assert [ids(members) for _, members in prog.tips] == [
        ["keep-moving"], ["heat-pack", "cold-pack"], ["drink-water"]]


def test_warning_tip_joins_its_topic_for_the_clients_it_protects():
    prog = program(protocol="sciatica", conditions=("epilepsy",))
    oils = dict((topic.id, ids(members)) for topic, members in prog.tips)["essential-oils"]
    assert oils[-1] == "oil-camphor" and "oil-wintergreen" not in oils
    assert prog.notes == ("oil-camphor added: it is a warning for this client's conditions",)
    assert "oil-camphor" not in tip_ids(program(protocol="sciatica"))
    # Not where the handout has no tips of its topic.
    gentle = program(protocol="sciatica-gentle", conditions=("epilepsy",))
    assert "essential-oils" not in [t.id for t, _ in gentle.tips] and gentle.notes == ()


def test_both_warning_tips_for_a_client_both_protect():
    prog = program(protocol="sciatica", conditions=("pregnancy",))
    oils = dict((topic.id, ids(members)) for topic, members in prog.tips)["essential-oils"]
    assert oils[-2:] == ["oil-wintergreen", "oil-camphor"]
    assert prog.notes == ("oil-wintergreen added: it is a warning for this client's conditions",
                          "oil-camphor added: it is a warning for this client's conditions")


def test_dropping_a_warning_tip_keeps_it_for_the_clients_it_protects(clinic_library):
    prog = build_program(clinic_library, Client(protocol="oils", drop=("oil-camphor",),
                                                conditions=("epilepsy",)))
    assert "oil-camphor" in tip_ids(prog)
    assert prog.notes == ("oil-camphor kept: it is a warning for clients with epilepsy",)
    both = build_program(clinic_library, Client(protocol="oils", drop=("oil-camphor",),
                                                conditions=("pregnancy", "epilepsy")))
    # the conditions in the order the tip names them (add_for)
    assert both.notes[0] == ("oil-camphor kept: it is a warning for clients with epilepsy or "
                             "pregnancy")
    dropped = build_program(clinic_library, Client(protocol="oils", drop=("oil-camphor",)))
    assert "oil-camphor" not in tip_ids(dropped) and dropped.notes == ()


# -- what every client reads ---------------------------------------------------------------

def test_every_ask_first_line_prints_this_clients_first():
    lines = LIBRARY.safety.ask_first
    prog = program(points=("KI3",), conditions=("osteoporosis", "anticoagulants"))
    assert len(prog.ask_first) == len(lines)
    applies = [a for a in prog.ask_first if a.applies]
    assert [a.text for a in applies] == [
        line.text for line in lines if {"osteoporosis", "anticoagulants"} & set(line.caution_if)]
    assert prog.ask_first[:len(applies)] == tuple(applies)
    rest = [line.text for line in lines
            if not {"osteoporosis", "anticoagulants"} & set(line.caution_if)]
    assert [a.text for a in prog.ask_first[len(applies):]] == rest
    assert all(isinstance(a, AskFirst) for a in prog.ask_first)
    assert not any(a.applies for a in program(points=("KI3",)).ask_first)


def test_warning_signs_only_for_the_conditions_that_have_them():
    pregnancy = LIBRARY.conditions["pregnancy"]
    assert program(points=("KI3",), conditions=("pregnancy", "epilepsy")).warning_signs == (
        pregnancy.warning_signs,)
    assert program(protocol="sciatica-pregnancy").warning_signs == (pregnancy.warning_signs,)
    assert program(points=("KI3",), conditions=("epilepsy",)).warning_signs == ()


def test_program_carries_the_clinics_safety_texts_and_condition_ids():
    prog = program(points=("KI3",), conditions=("warfarin",))
    assert prog.condition_ids == frozenset({"anticoagulants"})
    assert prog.safety == fill(LIBRARY.safety, prog.words)
    assert "Call 999" in prog.safety.red_flags.emergency_title
    assert prog.client == Client(points=("KI3",), conditions=("warfarin",))
    assert isinstance(prog.left_out, tuple) and all(isinstance(e, LeftOut) for e in prog.left_out)
