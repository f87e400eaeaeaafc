"""handout/text.py, exactly: outside text becomes Paragraph markup only by escaping, runs of
characters the main font lacks get the fallback's face, characters no font has are dropped
and reported once, right-to-left lines are put in drawing order.

Fast unit tests (no PDF), also the mutation run's tests for the escaping (docs/testing.md);
test_make.py checks the same on printed handouts.
"""

from __future__ import annotations

import logging

import pytest

from handout.fonts import font_set
from handout.text import markup, paragraphs, reset_reports, visual_order

FONTS = font_set()
FIRA = "FiraSans-regular"  # the first fallback: '₽' is in Fira Sans, not in Lato
DEJAVU = "DejaVuSans-regular"  # the system fallback: Armenian is in DejaVu Sans only


@pytest.fixture(autouse=True)
def fresh_reports():
    reset_reports()
    yield
    reset_reports()


@pytest.mark.parametrize("plain, escaped", [
    ("Tom & Jerry", "Tom &amp; Jerry"),
    ("<b>bold?</b>", "&lt;b&gt;bold?&lt;/b&gt;"),
    ('<img src="/etc/passwd"/>', '&lt;img src="/etc/passwd"/&gt;'),
    ("&amp; already", "&amp;amp; already"),
    ("<font size=40>big</font>", "&lt;font size=40&gt;big&lt;/font&gt;"),
    ("first line\nsecond line", "first line<br/>second line"),
    ("a\n\nb", "a<br/><br/>b"),
    ("", ""),
])
def test_markup_escapes_every_tag_and_ampersand(plain, escaped):
    assert markup(plain, FONTS) == escaped


def test_markup_of_a_non_string_is_its_text():
    assert markup(42, FONTS) == "42"


def test_bold_and_italic_wrap_the_escaped_text():
    assert markup("a<b", FONTS, bold=True) == "<b>a&lt;b</b>"
    assert markup("a<b", FONTS, italic=True) == "<i>a&lt;b</i>"
    assert markup("a<b", FONTS, bold=True, italic=True) == "<i><b>a&lt;b</b></i>"


def test_characters_the_main_font_lacks_get_the_fallbacks_face():
    assert markup("Pay 5₽ <now>", FONTS) == f'Pay 5<font face="{FIRA}">₽</font> &lt;now&gt;'
    assert markup("₽₽ & ₽", FONTS) == \
        f'<font face="{FIRA}">₽₽</font> &amp; <font face="{FIRA}">₽</font>'
    # Bold: the fallback's bold face where it has one.
    assert markup("₽", FONTS, bold=True) == '<b><font face="FiraSans-bold">₽</font></b>'
    assert markup("Բ<", FONTS) == f'<font face="{DEJAVU}">Բ</font>&lt;'
    assert markup("Բ", FONTS, bold=True) == f'<b><font face="{DEJAVU}">Բ</font></b>'


def test_a_fallback_run_is_escaped_too():
    assert markup("₽<b>₽", FONTS) == f'<font face="{FIRA}">₽</font>&lt;b&gt;<font face="{FIRA}">₽</font>'
    assert markup("Բ&Բ\nx", FONTS) == f'<font face="{DEJAVU}">Բ</font>&amp;<font face="{DEJAVU}">Բ</font><br/>x'


def test_characters_no_font_has_are_dropped_and_reported_once(caplog):
    caplog.set_level(logging.WARNING, logger="handout")
    assert markup("Wang 王芳 <x>", FONTS) == "Wang  &lt;x&gt;"
    assert [r.getMessage() for r in caplog.records] == [
        "left out 2 character(s) no installed font can print (U+738B, U+82B3); give the "
        "brand a font that has them"]
    caplog.clear()
    assert markup("王 again", FONTS) == " again"
    assert caplog.records == []  # already reported for this handout
    assert markup("王芳中", FONTS) == ""
    assert [r.getMessage() for r in caplog.records] == [
        "left out 1 character(s) no installed font can print (U+4E2D); give the brand a "
        "font that has them"]
    caplog.clear()
    reset_reports()  # the next handout reports its own
    markup("王", FONTS)
    assert len(caplog.records) == 1 and "U+738B" in caplog.records[0].getMessage()


def test_separate_missing_runs_are_reported_as_their_characters_only(caplog):
    caplog.set_level(logging.WARNING, logger="handout")
    assert markup("王 and 芳", FONTS) == " and "
    assert [r.getMessage() for r in caplog.records] == [
        "left out 2 character(s) no installed font can print (U+738B, U+82B3); give the "
        "brand a font that has them"]


def test_a_report_names_at_most_eight_characters(caplog):
    caplog.set_level(logging.WARNING, logger="handout")
    ten = "".join(chr(0x4E00 + i) for i in range(10))
    assert markup(ten + ten, FONTS) == ""
    [message] = [r.getMessage() for r in caplog.records]
    codes = ", ".join(f"U+{0x4E00 + i:04X}" for i in range(8))
    assert message == (f"left out 10 character(s) no installed font can print ({codes}); "
                       "give the brand a font that has them")


@pytest.mark.parametrize("logical, drawn", [
    ("plain text", "plain text"),
    ("Zoë Núñez", "Zoë Núñez"),  # not ASCII, but nothing right to left
    ("\u202eabc é", "\u202eabc é"),  # a right-to-left override alone reorders nothing
    ("שרה כהן", "ןהכ הרש"),
    ("Dr שרה", "Dr הרש"),
    ("שלום\nעולם", "םולש\nםלוע"),  # each line on its own
    ("سلام", "ﻡﻼﺳ"),  # Arabic letters joined into their printed forms
])
def test_visual_order(logical, drawn):
    assert visual_order(logical) == drawn


def test_markup_draws_right_to_left_text_in_visual_order_then_escapes_it():
    # Drawn left to right: '>' (the mirrored closing bracket), the surname, '<', a space,
    # the first name; the brackets and the space are Lato's, the letters DejaVu's.
    assert markup("שרה <כהן>", FONTS) == (f'&gt;<font face="{DEJAVU}">ןהכ</font>&lt; '
                                         f'<font face="{DEJAVU}">הרש</font>')


def test_paragraphs_split_at_blank_lines_and_keep_line_breaks():
    assert paragraphs("  One\nstill one.\n\n\n  Two. \n \t\nThree\n") == \
        ["One\nstill one.", "Two.", "Three"]
    assert paragraphs("\n\n") == []
    # Windows (CR LF) and old Mac (CR) line ends are line ends too.
    assert paragraphs("One\r\nstill one.\r\n\r\nTwo\rthree\r\rFour") == \
        ["One\nstill one.", "Two\nthree", "Four"]
    assert paragraphs(7) == ["7"]
