"""The library: clinic folders overlay the built-in data, ids and aliases resolve, and the
program applies the safety rules (what is left out, refused, allowed, dropped, cautioned).
"""

from __future__ import annotations

import pytest

from handout.client import Client
from handout.errors import SafetyError, UnknownItemError
from handout.library import load_library, point_key
from handout.program import LeftOut, build_program, ruled_out

from conftest import assert_clean_failure, digest, table_ids, write_yaml


PREGNANCY_TEXT = "Traditionally avoided in pregnancy. Do not press this point if you are pregnant."


# ------------------------------------------------------------------ a clinic's own folder

@pytest.fixture
def overlay(clinic, raw_point, builtin_dir):
    """A clinic folder: BL60 renamed, a new point GB40, and only a new disclaimer."""
    before = digest(builtin_dir)
    bl60 = raw_point("BL60")
    bl60["english"] = "Kunlun Mountains (our clinic's wording)"
    bl60["find_it"] = "Our own route: find the outer ankle bone and slide back to the hollow."
    gb40 = raw_point("GB39")
    gb40.update(id="GB40", aliases=[], pinyin="Qiūxū", chinese="丘墟", english="Mound of Ruins",
                region="ankle-foot",
                location="On the anterolateral aspect of the ankle, in the depression lateral "
                         "to the extensor digitorum longus tendon, anterior and distal to the "
                         "lateral malleolus.",
                find_it="Find your outer ankle bone. The point is in the hollow just in front "
                        "of it and a little below.")
    write_yaml(clinic / "points.yaml", {"points": [bl60, gb40]})
    write_yaml(clinic / "safety.yaml", {"disclaimer": "Ask us anything. This is not a diagnosis."})
    yield clinic
    assert digest(builtin_dir) == before, "a built-in data file was modified"


def test_overlay_replaces_adds_and_keeps(overlay):
    builtin = load_library()
    library = load_library([overlay])
    # replaced whole, by id
    assert library.point("BL60").english == "Kunlun Mountains (our clinic's wording)"
    assert library.point("UB60").find_it.startswith("Our own route")
    assert library.point("BL60").source.file == str(overlay / "points.yaml")
    # added
    assert library.point("GB40").pinyin == "Qiūxū"
    assert set(library.points) == set(builtin.points) | {"GB40"}
    # everything else untouched
    assert library.point("KI3") == builtin.point("KI3")
    assert library.stretches == builtin.stretches
    assert library.protocols == builtin.protocols
    # the built-in library itself is unchanged
    assert builtin.point("BL60").english == "Kunlun Mountains"
    assert "GB40" not in builtin.points


def test_safety_overlay_replaces_only_the_disclaimer(overlay):
    builtin = load_library()
    library = load_library([overlay])
    assert library.safety.disclaimer == "Ask us anything. This is not a diagnosis."
    assert builtin.safety.disclaimer != library.safety.disclaimer
    assert library.safety.red_flags == builtin.safety.red_flags
    assert library.safety.evidence == builtin.safety.evidence
    assert library.safety.ask_first == builtin.safety.ask_first
    assert library.conditions == builtin.conditions


def test_overlay_via_data_option(cli, overlay):
    shown = cli("--data", overlay, "show", "BL60")
    assert shown.exit_code == 0, shown.output
    assert "BL60  Kūnlún  昆仑  (Kunlun Mountains (our clinic's wording))" in shown.stdout
    assert "Our own route" in shown.stdout
    listed = cli("--data", overlay, "points")
    assert listed.exit_code == 0, listed.output
    assert "GB40" in table_ids(listed.stdout)
    assert "Qiūxū" in listed.stdout
    assert cli("--data", overlay, "validate").exit_code == 0


def test_overlay_via_environment(cli, overlay):
    env = {"HANDOUT_DATA": str(overlay)}
    shown = cli("show", "GB40", env=env)
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.startswith("GB40  Qiūxū  丘墟  (Mound of Ruins)")
    listed = cli("points", "--region", "ankle-foot", env=env)
    assert "GB40" in table_ids(listed.stdout)
    assert "our clinic's wording" in cli("show", "UB60", env=env).stdout


def test_without_the_folder_the_builtin_data_shows(cli, overlay):
    shown = cli("show", "BL60")
    assert "(Kunlun Mountains)" in shown.stdout
    assert "our clinic's wording" not in shown.stdout
    missing = cli("show", "GB40")
    assert_clean_failure(missing, 1)


def test_clinic_item_id_is_normalised_to_the_who_code(clinic, raw_point):
    point = raw_point("KI3")
    point["id"] = "K3"  # an alias as the id still replaces the built-in KI3
    point["english"] = "Great Stream"
    write_yaml(clinic / "points.yaml", {"points": [point]})
    library = load_library([clinic])
    assert library.point("KI3").english == "Great Stream"
    assert len(library.points) == len(load_library().points)


def test_clinic_folders_stack_later_wins(tmp_path, raw_point):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    for folder, name in ((first, "First"), (second, "Second")):
        point = raw_point("GB34")
        point["english"] = name
        write_yaml(folder / "points.yaml", {"points": [point]})
    assert load_library([first, second]).point("GB34").english == "Second"
    assert load_library([second, first]).point("GB34").english == "First"


# ------------------------------------------------------------------ ids and aliases

@pytest.mark.parametrize("ref, code", [
    ("K3", "KI3"), ("KD3", "KI3"), ("KID3", "KI3"), ("kd3", "KI3"), ("Kidney 3", "KI3"),
    ("LV3", "LR3"), ("Liv3", "LR3"), ("UB60", "BL60"), ("B60", "BL60"), ("Bladder 60", "BL60"),
    ("BL 60", "BL60"), ("bl-60", "BL60"), ("BL060", "BL60"), ("GB34", "GB34"), ("st36", "ST36"),
])
def test_aliases_resolve(ref, code):
    assert load_library().point(ref).id == code


def test_point_key_keeps_unknown_prefixes():
    assert point_key("XY12") == "XY12"
    assert point_key("figure-4") == "FIGURE4"


@pytest.mark.parametrize("ref, hint", [("GB43", "GB34"), ("BL06", "BL60"), ("KI33", "KI3")])
def test_unknown_point_suggests_a_close_one(ref, hint):
    with pytest.raises(UnknownItemError) as info:
        load_library().point(ref)
    message = str(info.value)
    assert message.startswith(f"unknown point '{ref}'; did you mean ")
    assert hint in message


def test_stretch_tip_protocol_and_condition_lookups():
    library = load_library()
    assert library.stretch("Knee to chest").id == "knee-to-chest"
    assert library.tip("keep_moving").id == "keep-moving"
    assert library.protocol("sciatica").id == "sciatica"
    assert library.condition("pregnant").id == "pregnancy"
    assert library.condition("Blood thinners").id == "anticoagulants"
    with pytest.raises(UnknownItemError) as info:
        library.stretch("knee-to-chst")
    assert str(info.value) == "unknown stretch 'knee-to-chst'; did you mean knee-to-chest or knee-rolls?"


# ------------------------------------------------------------------ the program's safety rules

def _ids(chosen):
    return [c.item.id for c in chosen]


def test_pregnancy_leaves_bl60_out_of_the_sciatica_protocol():
    library = load_library()
    program = build_program(library, Client(protocol="sciatica", conditions=("pregnancy",)))
    assert "BL60" not in _ids(program.points)
    assert {"KI3", "GB34", "ST36", "BL40", "BL57"} <= set(_ids(program.points))
    (bl60,) = [o for o in program.left_out if o.item.id == "BL60"]
    assert isinstance(bl60, LeftOut)
    assert bl60.condition.id == "pregnancy"
    assert str(bl60) == f"BL60 left out (pregnancy): {PREGNANCY_TEXT}"


def test_without_conditions_nothing_is_left_out():
    program = build_program(load_library(), Client(protocol="sciatica"))
    assert program.left_out == ()
    assert _ids(program.points) == ["BL60", "KI3", "GB34", "ST36", "BL40", "BL57"]


def test_condition_alias_works_for_the_client():
    program = build_program(load_library(), Client(protocol="sciatica", conditions=("pregnant",)))
    assert "BL60" not in _ids(program.points)
    assert [c.id for c in program.conditions] == ["pregnancy"]


def test_asking_for_a_ruled_out_point_by_name_is_refused():
    library = load_library()
    with pytest.raises(SafetyError) as info:
        build_program(library, Client(protocol="sciatica", points=("BL60",),
                                      conditions=("pregnancy",)))
    message = str(info.value)
    assert message.startswith("BL60 is ruled out for this client (pregnancy): ")
    assert message.endswith("To include it anyway, confirm with allow=['BL60']")  # the API's words
    with pytest.raises(SafetyError, match=r"allow=\['BL23'\]"):
        build_program(library, Client(points=("UB23",), conditions=("pregnancy",)))


@pytest.mark.parametrize("allow", ["BL60", "UB60"])
def test_allowed_point_is_kept_with_its_pregnancy_caution(allow):
    library = load_library()
    program = build_program(library, Client(protocol="sciatica", points=("BL60",),
                                            conditions=("pregnancy",), allow=(allow,)))
    (bl60,) = [c for c in program.points if c.item.id == "BL60"]
    assert PREGNANCY_TEXT in [c.text for c in bl60.cautions]
    assert bl60.allowed_despite == ("Pregnancy",)
    assert all(o.item.id != "BL60" for o in program.left_out)


def test_caution_if_keeps_the_item_with_its_caution():
    library = load_library()
    program = build_program(library, Client(points=("LR3",), conditions=("pregnancy",)))
    (lr3,) = program.points
    assert lr3.item.id == "LR3"
    texts = [c.text for c in lr3.cautions]
    assert "If you are pregnant, ask your midwife or doctor before you press this point." in texts
    # the always-printed caution is there, the ones for other conditions are not
    assert "Press gently. A blood vessel runs under this point. You may feel its pulse." in texts
    assert not any("varicose" in t for t in texts)
    assert lr3.allowed_despite == ()


def test_cautions_follow_the_clients_conditions():
    library = load_library()
    plain = build_program(library, Client(points=("ST36",)))
    assert plain.points[0].cautions == ()
    thin = build_program(library, Client(points=("ST36",), conditions=("warfarin",)))
    assert [c.text for c in thin.points[0].cautions] == [
        "Blood thinners or a bleeding problem make you bruise easily. Press lightly."]


def test_drop_removes_a_protocol_item():
    library = load_library()
    program = build_program(library, Client(protocol="sciatica", drop=("K3", "figure-4")))
    assert "KI3" not in _ids(program.points)
    assert "figure-4" not in _ids(program.stretches)
    assert "BL60" in _ids(program.points)
    assert program.left_out == ()


def test_unknown_condition_is_refused():
    with pytest.raises(UnknownItemError) as info:
        build_program(load_library(), Client(protocol="sciatica", conditions=("pregnancyy",)))
    assert str(info.value) == "unknown condition 'pregnancyy'; did you mean pregnancy?"


def test_unknown_item_in_the_client_is_refused():
    with pytest.raises(UnknownItemError, match="unknown point 'BL99'"):
        build_program(load_library(), Client(points=("BL99",)))


def test_stretches_and_tips_follow_the_same_rules():
    library = load_library()
    program = build_program(library, Client(protocol="sciatica",
                                            conditions=("hip-replacement",)))
    assert "figure-4" not in _ids(program.stretches)
    assert any(o.item.id == "figure-4" and o.condition.id == "hip-replacement"
               for o in program.left_out)
    with pytest.raises(SafetyError, match=r"allow=\['prone-press-up'\]"):
        build_program(library, Client(stretches=("prone-press-up",),
                                      conditions=("spinal-stenosis",)))


def test_ruled_out_names_the_condition_and_caution():
    library = load_library()
    rule = ruled_out(library.point("BL54"), ["hip-replacement"])
    assert rule is not None and rule[0] == "hip-replacement"
    assert ruled_out(library.point("ST36"), ["pregnancy", "hip-replacement"]) is None
