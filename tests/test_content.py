"""The content rules of /work/shared/content-brief.md, checked on the built-in data."""

from __future__ import annotations

import re

import pytest

from handout.library import load_library
from handout.program import ruled_out


WHO_CODE = re.compile(r"^[A-Z]{2}\d+$")
# Forbidden in pregnancy by the brief (classical rule plus lower back / sacrum points).
PREGNANCY_FORBIDDEN = ("BL60", "BL23", "BL25", "BL54", "LI4", "SP6", "GB21", "BL67")
MARKUP = re.compile(r"<\s*/?\s*[A-Za-z][^<>]*>|&[a-z]+;|&#\d+;")


@pytest.fixture(scope="module")
def library():
    return load_library()


def all_texts(library):
    """(where, text) for every piece of text in the library, client-facing or not."""
    for p in library.points.values():
        yield from ((f"{p.id}.{k}", v) for k, v in (
            ("pinyin", p.pinyin), ("chinese", p.chinese), ("english", p.english),
            ("meridian", p.meridian), ("location", p.location), ("find_it", p.find_it),
            ("reach_help", p.reach_help), ("pressure", p.technique.pressure),
            ("breathing", p.technique.breathing)))
        yield from ((f"{p.id}.caution", c.text) for c in p.cautions)
    for s in library.stretches.values():
        yield from ((f"{s.id}", v) for v in (s.name, s.start, *s.steps, s.how_often, s.stop_if))
        yield from ((f"{s.id}.caution", c.text) for c in s.cautions)
    for t in library.tips.values():
        yield from ((f"{t.id}", v) for v in (t.title, t.text))
        yield from ((f"{t.id}.caution", c.text) for c in t.cautions)
    for item in (*library.points.values(), *library.stretches.values(), *library.tips.values()):
        yield from ((f"{item.id}.{w.field} instead", t) for w in item.wording for _, t in w.instead)
    for t in library.topics.values():
        yield t.id, t.title
    for c in library.conditions.values():
        yield c.id, c.label
    for pr in library.protocols.values():
        yield pr.id, pr.name
        yield pr.id, pr.description
    s = library.safety
    r = s.red_flags
    for v in (r.emergency_title, *(q.ask for q in r.emergency), *(q.short for q in r.emergency),
              r.urgent_title, *(q.ask for q in r.urgent), r.see_doctor_title, *r.see_doctor,
              r.card_prompt, r.emergency_short_title, r.urgent_short_title,
              *s.warnings, *s.do_not_press, *(a.text for a in s.ask_first), *s.technique,
              *s.stretch_rules, s.about_sciatica, s.evidence, s.how_to_use, s.disclaimer):
        yield "safety", v
    for c in library.conditions.values():
        if c.warning_signs:
            w = c.warning_signs
            yield from ((c.id, v) for v in (w.title, *w.signs, w.short, w.note))
        yield from ((c.id, v) for v in (c.every_point, c.every_stretch) if v)


# ------------------------------------------------------------------ points

def test_pregnancy_forbidden_points_carry_pregnancy_in_avoid_if(library):
    present = [code for code in PREGNANCY_FORBIDDEN if code in library.points]
    assert {"BL60", "BL23", "BL25", "BL54"} <= set(present)
    for code in present:
        point = library.points[code]
        assert any("pregnancy" in c.avoid_if for c in point.cautions), code
        assert ruled_out(point, ["pregnancy"]) is not None, code


def test_pregnancy_caution_text_says_so_next_to_the_point(library):
    for code in ("BL60", "BL23", "BL25", "BL54"):
        (caution,) = [c for c in library.points[code].cautions if "pregnancy" in c.avoid_if]
        assert "pregnan" in caution.text.lower()
        assert "do not press" in caution.text.lower()


def test_lr3_asks_the_midwife_first_in_pregnancy(library):
    lr3 = library.point("LR3")
    (caution,) = [c for c in lr3.cautions if "pregnancy" in c.caution_if]
    assert "midwife" in caution.text and "doctor" in caution.text
    assert ruled_out(lr3, ["pregnancy"]) is None  # a caution, not a ban


def test_no_other_point_is_banned_in_pregnancy(library):
    banned = {p.id for p in library.points.values() if ruled_out(p, ["pregnancy"])}
    assert banned == {c for c in PREGNANCY_FORBIDDEN if c in library.points}


def test_every_point_has_names_route_and_technique(library):
    for point in library.points.values():
        assert point.pinyin and any(ord(ch) > 127 and ch.isalpha() for ch in point.pinyin), \
            f"{point.id}: pinyin without tone marks: {point.pinyin!r}"
        assert point.chinese and all("\u4e00" <= ch <= "\u9fff" for ch in point.chinese), point.id
        assert point.english.strip(), point.id
        assert len(point.find_it.split()) >= 10, point.id
        low, high = point.technique.minutes
        assert 1 <= low <= high <= 3, (point.id, point.technique.minutes)
        assert point.technique.pressure.strip(), point.id
        assert point.technique.sides == "both", point.id


def test_pressing_advice_is_gentle_and_gradual(library):
    for point in library.points.values():
        pressure = point.technique.pressure.lower()
        assert "slow" in pressure, point.id  # built up / eased off slowly
        assert "ease off" in pressure, point.id


def test_points_near_nerves_and_vessels_say_press_gently(library):
    # inner ankle (KI3), behind the knee (BL40), below the outer knee bone (GB34)
    for code in ("KI3", "BL40", "GB34"):
        point = library.point(code)
        always = [c.text for c in point.cautions if c.always]
        assert any("Press gently" in t for t in always), code
        assert "gently" in point.technique.pressure, code


@pytest.mark.parametrize("code", ["GB30", "BL54", "BL36"])
def test_hard_to_reach_points_say_how_to_get_help(library, code):
    point = library.point(code)
    assert point.self_reach is False
    help_text = point.reach_help.lower()
    assert "wall" in help_text or "helper" in help_text
    assert "helper" in help_text
    assert "stop if" in help_text or "stop at once if" in help_text  # and when to stop


def test_ball_advice_keeps_off_the_sciatic_nerve(library):
    for code in ("GB30", "BL54"):
        text = library.point(code).reach_help
        assert "soft ball" in text and "hard ball" in text
    assert "Do not use a ball here" in library.point("BL36").reach_help


def test_point_codes_are_who_form(library):
    for point in library.points.values():
        assert WHO_CODE.match(point.id), point.id
        assert not re.match(r"^(K|KD|KID|LV|LIV|UB|B)\d", point.id), point.id
    assert {"KI3", "LR3"} <= set(library.points)
    assert "K3" in library.point("KI3").aliases
    assert "LV3" in library.point("LR3").aliases


def test_brief_points_are_all_there(library):
    wanted = {"BL60", "GB34", "KI3", "ST36", "LR3", "BL23", "BL40", "GB30", "BL54", "BL57",
              "BL25", "BL36", "BL37", "GB31", "GB39"}
    assert wanted <= set(library.points)


# ------------------------------------------------------------------ all text

def test_no_text_looks_like_markup(library):
    offenders = [(where, text) for where, text in all_texts(library) if MARKUP.search(text)]
    assert offenders == []


def test_markup_detector_works():
    assert MARKUP.search("Press <b>gently</b>.")
    assert MARKUP.search("Salt &amp; pepper")
    assert not MARKUP.search("Hold for < 3 minutes if 2 > 1.")


def test_no_cure_or_detox_claims(library):
    for where, text in all_texts(library):
        lower = text.lower()
        if "cure" in lower:
            assert re.search(r"\b(no|not|cannot|can't|does not)\b[^.]*\bcure", lower), (where, text)
        if "detox" in lower or "toxin" in lower:
            assert "not" in lower, (where, text)


# ------------------------------------------------------------------ protocols

def test_every_protocol_resolves(library):
    for protocol in library.protocols.values():
        for ref in protocol.points:
            library.point(ref)
        for ref in protocol.stretches:
            library.stretch(ref)
        for ref in protocol.tips:
            library.tip(ref)
        assert protocol.points and protocol.stretches and protocol.tips, protocol.id


def test_pregnancy_protocol_has_nothing_ruled_out_by_pregnancy(library):
    protocol = library.protocol("sciatica-pregnancy")
    items = ([library.point(r) for r in protocol.points]
             + [library.stretch(r) for r in protocol.stretches]
             + [library.tip(r) for r in protocol.tips])
    offenders = [i.id for i in items if ruled_out(i, ["pregnancy"])]
    assert offenders == []
    assert len(items) == len(protocol.points) + len(protocol.stretches) + len(protocol.tips)


def test_sciatica_protocol_uses_the_articles_points(library):
    ids = {library.point(r).id for r in library.protocol("sciatica").points}
    assert {"BL60", "GB34", "KI3", "ST36", "BL40"} <= ids


# ------------------------------------------------------------------ red flags and safety

def test_emergency_red_flags_hold_the_cauda_equina_signs(library):
    flags = library.safety.red_flags
    emergency = " ".join(q.ask for q in flags.emergency).lower()
    assert emergency.count("both legs") >= 2  # sciatica in both legs; weakness/numbness in both
    for word in ("numbness", "genitals", "buttocks", "back passage", "pee", "poo", "control",
                 "sex", "not notice", "feel it come out"):
        assert word in emergency, word
    # The emergency number comes from the clinic's country, never written into the text.
    assert "{number}" in flags.emergency_title and "{department}" in flags.emergency_title
    assert "999" not in flags.emergency_title
    assert all(q.ask.rstrip().endswith("?") for q in flags.emergency)
    assert all(q.short for q in flags.emergency)  # the plan's short tick list
    assert "{number}" in flags.card_prompt


def test_urgent_red_flags(library):
    urgent = " ".join(q.ask for q in library.safety.red_flags.urgent).lower()
    for word in ("foot drop", "fever", "cancer", "weight", "night", "fall", "osteoporosis",
                 "steroid", "immune", "chemotherapy", "hiv", "inject drugs", "under 20",
                 "over 50", "pulsing"):
        assert word in urgent, word
    assert "today" in library.safety.red_flags.urgent_title.lower()
    assert all(q.ask.rstrip().endswith("?") for q in library.safety.red_flags.urgent)


def test_pregnancy_warning_signs(library):
    signs = library.condition("pregnancy").warning_signs
    text = " ".join(signs.signs).lower()
    for word in ("bleeding", "fluid", "37 weeks", "tightenings", "fever", "moving less",
                 "headache", "swelling"):
        assert word in text, word
    assert "maternity unit or midwife" in signs.title
    assert "pelvic girdle pain" in signs.note.lower()


def test_emergency_services_for_each_country(library):
    expected = {"GB": ("999", "A&E"), "IE": ("112", "emergency department"),
                "US": ("911", "emergency room"), "CA": ("911", "emergency department"),
                "AU": ("000", "emergency department"), "NZ": ("111", "emergency department")}
    for country, (number, department) in expected.items():
        services = library.services(country)
        assert number in services.number and department in services.department, country
    assert "111" in library.services("GB").urgent and "urgent care" in library.services("US").urgent


def test_see_doctor_items(library):
    items = " ".join(library.safety.red_flags.see_doctor).lower()
    assert "few weeks" in items and "worse" in items and "normal" in items


def test_precautions(library):
    do_not_press = " ".join(library.safety.do_not_press).lower()
    for word in ("broken", "bruise", "scar", "swollen", "varicose", "lump"):
        assert word in do_not_press, word
    ask = {c.caution_if[0] for c in library.safety.ask_first if c.caution_if}
    assert {"anticoagulants", "bleeding-disorder", "pregnancy", "numb-skin", "osteoporosis",
            "recent-back-surgery", "hip-replacement", "spinal-fracture", "spinal-stenosis",
            "spondylolisthesis", "varicose-veins"} <= ask
    warnings = " ".join(library.safety.warnings)
    assert "calf" in warnings and "clot" in warnings
    assert "chest pain" in warnings and "{number}" in warnings
    assert "numb skin" in warnings and "heat pack" in warnings


def test_evidence_statement_is_honest(library):
    evidence = library.safety.evidence
    assert "NICE" in evidence and "does not" in evidence
    assert "2024" in evidence
    assert "instead of seeing a doctor" in evidence


def test_stretch_rules(library):
    rules = " ".join(library.safety.stretch_rules).lower()
    assert "slowly" in rules and "bounce" in rules and "further down your leg" in rules


# ------------------------------------------------------------------ stretch doses

def test_knee_to_chest_dose(library):
    dose = library.stretch("knee-to-chest").dose
    low, high = dose.hold_seconds
    assert 20 <= low <= high <= 30
    assert dose.reps == (3, 3)
    assert dose.sides == "each"


def test_figure_4_dose(library):
    dose = library.stretch("figure-4").dose
    low, high = dose.hold_seconds
    assert 25 <= low <= high <= 35  # "about 30 s"
    assert dose.sides == "each"


def test_pelvic_tilt_dose(library):
    dose = library.stretch("pelvic-tilt").dose
    low, high = dose.hold_seconds
    assert 5 <= low <= high <= 10
    reps_low, reps_high = dose.reps
    assert 8 <= reps_low <= reps_high <= 12  # "about 10 times"


def test_cat_cow_dose(library):
    low, high = library.stretch("cat-cow").dose.reps
    assert 8 <= low <= high <= 12


def test_prone_press_up_dose_and_rules(library):
    stretch = library.stretch("prone-press-up")
    low, high = stretch.dose.reps
    assert 5 <= low <= high <= 10
    hold_low, hold_high = stretch.dose.hold_seconds
    assert 3 <= hold_low <= hold_high <= 5
    assert ruled_out(stretch, ["pregnancy"]) is not None
    assert ruled_out(stretch, ["recent-back-surgery"]) is not None
    assert "further down" in stretch.stop_if


def test_other_stretch_doses(library):
    glide = library.stretch("nerve-glide").dose
    assert glide.reps == (10, 10) or (glide.hold_seconds and 20 <= glide.hold_seconds[0])
    low, high = library.stretch("knee-rolls").dose.reps
    assert 5 <= low <= high <= 10
    assert library.stretch("walking").dose.minutes is not None


def test_stretch_text_matches_its_dose(library):
    """The steps say the same numbers the dose table does, as the client reads them."""
    from handout.wording import tailor

    def steps(stretch_id: str) -> str:
        return " ".join(tailor(library.stretch(stretch_id), ()).steps)

    assert "Hold for 20 to 30 seconds." in steps("knee-to-chest")
    assert "about 30 seconds" in steps("figure-4")
    assert "Hold for 5 to 10 seconds." in steps("pelvic-tilt")
    assert "8 to 12" in steps("cat-cow")
    assert "3 to 5 seconds" in steps("prone-press-up") and "5 to 10 times" in steps("prone-press-up")


# ------------------------------------------------------------------ tips

def test_tips_that_the_brief_requires(library):
    text = {t.id: t.text for t in library.tips.values()}
    assert "bed rest" in text["keep-moving"]
    assert "pillow between your knees" in text["sleep-on-side"]
    assert "30 to 45 minutes" in text["get-up-often"]
    assert "sciatic nerve" in text["no-hard-ball"]
    assert "blood thinners" in text["turmeric-supplements"]
    assert "methyl salicylate" in text["oil-wintergreen"]
    # Warning tips are never taken away from the clients they protect: a caution for them,
    # and added to their oil tips.
    wintergreen = library.tip("oil-wintergreen")
    for condition in ("anticoagulants", "aspirin-sensitivity", "pregnancy", "breastfeeding"):
        assert ruled_out(wintergreen, [condition]) is None, condition
        assert condition in wintergreen.add_for
        assert any(condition in c.caution_if for c in wintergreen.cautions), condition
    camphor = library.tip("oil-camphor")
    assert ruled_out(camphor, ["epilepsy"]) is None and "epilepsy" in camphor.add_for
    # Heat advice carries the numb-skin warning for everyone: sciatica itself numbs skin.
    assert any(c.always and "numb skin" in c.text for c in library.tip("heat-pack").cautions)
