"""A client file and the command line together: every option of `handout make` wins over
the file's field (the README's promise), and each list option adds to the file's list.

Checked on the printed handout: one file with every field set, every option given a
different value, then each field read off the PDF (text, page size, printed type size).
"""

from __future__ import annotations

import pytest

from handout.library import load_library

from conftest import write_yaml
from pagecheck import body_size, measure
from pdfcheck import fold, page_sizes, text
from runcli import make_pdf

EVERY_FIELD = {
    "name": "Fiona Filed",
    "date": "2026-01-05",
    "practitioner": "Pat Fromfile",
    "protocol": "sciatica-gentle",
    "points": ["BL23"],
    "stretches": ["cat-cow"],
    "tips": ["cold-pack"],
    "drop": ["BL40"],
    "side": "right",
    "conditions": ["osteoporosis"],  # rules BL23 and BL25 out: allowed below
    "allow": ["BL23"],
    "notes": "Notes written in the client file.",
    "next_appointment": "Monday, as the file says",
    "paper": "Letter",
    "large_print": True,
}
EVERY_OPTION = [
    "--name", "Olive Optioned", "--date", "2026-03-14", "--practitioner", "Sam Fromoption",
    "--protocol", "sciatica", "--points", "BL25", "--stretches", "prone-press-up",
    "--tips", "drink-water", "--drop", "BL57", "--side", "left",
    "--condition", "anticoagulants", "--allow", "BL25",
    "--notes", "Notes given on the command line.",
    "--next-appointment", "Friday, as the option says", "--paper", "A4", "--normal-print",
]


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    folder = tmp_path_factory.mktemp("precedence")
    client = write_yaml(folder / "client.yaml", EVERY_FIELD)
    result, out = make_pdf("make", folder, client, *EVERY_OPTION)
    assert result.exit_code == 0, result.output
    return out.read_bytes()


OPTION_WINS = [  # field, what the option says on the sheet, what the file said
    ("name", "Self-care plan for Olive Optioned", "Fiona Filed"),
    ("date", "14 March 2026", "5 January 2026"),
    ("practitioner", "Sam Fromoption", "Pat Fromfile"),
    ("notes", "Notes given on the command line.", "Notes written in the client file."),
    ("next_appointment", "Friday, as the option says", "Monday, as the file says"),
    ("side", "your left side only", "your right side only"),
    ("protocol", "BL60", "Gentle sciatica self-care"),  # BL60 is in sciatica only
]


@pytest.mark.parametrize("field, wanted, unwanted",
                         [pytest.param(*case, id=case[0]) for case in OPTION_WINS])
def test_an_option_wins_over_the_files_field(both, field, wanted, unwanted):
    words = text(both)
    assert wanted in words, field
    assert unwanted not in words, field


def test_list_options_add_to_the_files_lists(both):
    words = text(both)
    assert "BL23" in words and "BL25" in words  # points; both allowed (file and option)
    assert words.count("Your practitioner chose this despite osteoporosis") == 2
    assert "Seated cat-cow" in words and "Press-up on your front" in words  # stretches
    assert "Or try cold" in words and "Drink enough water" in words  # tips
    assert "BL40" not in words and "BL57" not in words  # drop: both left out
    # conditions: the file's osteoporosis (above) and the option's blood thinners
    ki3 = next(c for c in load_library().point("KI3").cautions
               if "anticoagulants" in c.caution_if)
    assert fold(ki3.text) in words


def test_paper_and_print_size_options_win_over_the_file(both):
    assert page_sizes(both) == {(595, 842)}  # A4, not the file's Letter
    assert body_size(measure(both, pixels=False)) == 12  # --normal-print, not the file's large print


def test_large_print_and_letter_options_win_over_a_file_that_says_otherwise(tmp_path):
    client = write_yaml(tmp_path / "client.yaml", {
        "name": "Fiona Filed", "protocol": "sciatica-gentle", "paper": "A4",
        "large_print": False})
    result, out = make_pdf("make", tmp_path, client, "--large-print", "--paper", "letter")
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert page_sizes(data) == {(612, 792)}
    assert body_size(measure(data, pixels=False)) == 18
