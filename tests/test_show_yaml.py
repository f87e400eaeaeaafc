"""`handout show ID --yaml` and `--yaml` on the listings: the items as a clinic file holds
them, each field explained, and loading back unchanged."""

from __future__ import annotations

import dataclasses

import pytest
import yaml

from handout.library import load_library

from conftest import table_ids
from runcli import run


SECTIONS = {"points": "points.yaml", "stretches": "stretches.yaml", "tips": "tips.yaml",
            "protocols": "protocols.yaml"}


def _every_id(builtin_raw):
    return [(section, item["id"]) for section, name in SECTIONS.items()
            for item in builtin_raw[name][section]]


def _unsourced(item):
    """The item without where it was read (file and line)."""
    item = dataclasses.replace(item, source=None)
    if hasattr(item, "diagram"):
        item = dataclasses.replace(item, diagram=dataclasses.replace(item.diagram, line=0))
    return item


def test_every_item_prints_as_its_file_holds_it(builtin_raw):
    for section, item_id in _every_id(builtin_raw):
        result = run("show", item_id, "--yaml")
        assert result.exit_code == 0, (item_id, result.output)
        loaded = yaml.safe_load(result.stdout)
        original = next(i for i in builtin_raw[SECTIONS[section]][section] if i["id"] == item_id)
        assert loaded == {section: [original]}, item_id


def test_printed_items_load_back_unchanged(builtin_raw, clinic):
    builtin = load_library()
    # Every list printed whole, each item taken as the clinic's own (`replace: true`).
    for section, name in SECTIONS.items():
        printed = run(section, "--yaml").stdout
        (clinic / name).write_text(printed.replace("  - id: ", "  - replace: true\n    id: "),
                                   encoding="utf-8")
    assert run("validate", clinic).exit_code == 0
    library = load_library([clinic])
    for section, item_id in _every_id(builtin_raw):
        got, want = library.find(item_id), builtin.find(item_id)
        assert _unsourced(got) == _unsourced(want), item_id
        assert library.fields_from_clinic(got) is None  # taken whole, from the clinic's file


def test_each_field_has_a_comment_saying_what_it_is():
    lines = run("show", "knee-to-chest", "--yaml").stdout.splitlines()
    assert lines[4] == "  - id: knee-to-chest  # lower-case words joined by hyphens"
    fields = [n for n, line in enumerate(lines) if line.startswith("    ") and
              not line.startswith("     ") and not line.lstrip().startswith("#")]
    assert fields, lines
    for n in fields:
        assert lines[n - 1].startswith("    # "), lines[n]
    assert "      # hold, in seconds: a number or [min, max]" in lines
    assert lines[lines.index("      # hold, in seconds: a number or [min, max]") + 1] == \
        "      hold_seconds: [20, 30]"


def test_show_yaml_has_the_clinic_fields_laid_over(clinic):
    (clinic / "stretches.yaml").write_text(
        "stretches:\n  - id: knee-to-chest\n    dose: {hold_seconds: 45}\n")
    item = yaml.safe_load(run("show", "knee-to-chest", "--yaml", "--data", clinic).stdout)
    dose = item["stretches"][0]["dose"]
    assert dose["hold_seconds"] == 45 and dose["reps"] == 3


@pytest.mark.parametrize("command, options", [
    ("points", ["--safe-for", "pregnancy"]),
    ("stretches", ["--region", "lower-back"]),
    ("tips", ["--topic", "sleep"]),
    ("protocols", []),
])
def test_listings_as_yaml_hold_the_same_items(command, options):
    table = run(command, *options)
    as_yaml = run(command, *options, "--yaml")
    assert as_yaml.exit_code == 0, as_yaml.output
    items = yaml.safe_load(as_yaml.stdout)[command]
    assert [i["id"] for i in items] == table_ids(table.stdout)


def test_empty_listing_as_yaml_is_an_empty_list():
    assert run("stretches", "--region", "knee").stdout == "(nothing matches)\n"
    result = run("stretches", "--region", "knee", "--yaml")
    assert result.exit_code == 0, result.output
    assert yaml.safe_load(result.stdout) == {"stretches": []}
