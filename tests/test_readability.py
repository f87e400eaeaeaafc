"""Client-facing text reads at school grade 8 or lower (Flesch-Kincaid, textstat 0.7.8).

Measured per data file on all its client text joined together; no long text (three
sentences or more) may be above grade 10 on its own. The WHO `location` field is for the
practitioner and is left out, as are ids, names, titles and labels.
"""

from __future__ import annotations

import pytest
import textstat

from handout.library import load_library


FILE_GRADE = 8.0
TEXT_GRADE = 10.0


def _cautions(item) -> list[str]:
    """An item's cautions and the texts it gives some clients instead."""
    return [c.text for c in item.cautions] + [t for w in item.wording for _, t in w.instead]


def client_texts(library) -> dict[str, list[str]]:
    """File name -> the client-facing strings that file supplies."""
    points = []
    for p in library.points.values():
        points += [p.find_it, p.reach_help, p.technique.pressure, p.technique.breathing,
                   *_cautions(p)]
    stretches = []
    for s in library.stretches.values():
        stretches += [s.start, *s.steps, s.how_often, s.stop_if, *_cautions(s)]
    tips = []
    for t in library.tips.values():
        tips += [t.text, *_cautions(t)]
    s, r = library.safety, library.safety.red_flags
    signs = [text for c in library.conditions.values() if c.warning_signs
             for text in (c.warning_signs.title, *c.warning_signs.signs, c.warning_signs.short,
                          c.warning_signs.note)]
    every = [text for c in library.conditions.values()
             for text in (c.every_point, c.every_stretch) if text]
    safety = [r.emergency_title, *(q.ask for q in r.emergency), r.urgent_title,
              *(q.ask for q in r.urgent), r.see_doctor_title, r.card_prompt,
              *r.see_doctor, *s.warnings, *s.do_not_press, *(a.text for a in s.ask_first),
              *s.technique, *s.stretch_rules, s.about_sciatica, s.evidence, s.how_to_use,
              s.disclaimer, *signs, *every]
    protocols = [p.description for p in library.protocols.values()]
    texts = {"points.yaml": points, "stretches.yaml": stretches, "tips.yaml": tips,
             "safety.yaml": safety, "protocols.yaml": protocols}
    return {name: [" ".join(t.split()) for t in found if t and t.strip()]
            for name, found in texts.items()}


def joined(texts: list[str]) -> str:
    """One passage; a string without end punctuation (a heading) ends its own sentence."""
    return " ".join(t if t[-1] in ".?!" else t + "." for t in texts)


@pytest.fixture(scope="module")
def texts():
    return client_texts(load_library())


def test_every_file_contributes_text(texts):
    for name, found in texts.items():
        assert len(found) >= 3, name
        assert len(" ".join(found).split()) >= 30, name


def test_location_is_not_measured(texts):
    library = load_library()
    locations = {p.location for p in library.points.values()}
    assert not locations & set(texts["points.yaml"])


@pytest.mark.parametrize("name", ["points.yaml", "stretches.yaml", "tips.yaml",
                                  "safety.yaml", "protocols.yaml"])
def test_file_reads_at_grade_8_or_lower(texts, name):
    grade = textstat.flesch_kincaid_grade(joined(texts[name]))
    print(f"{name}: Flesch-Kincaid grade {grade:.1f}")
    assert grade <= FILE_GRADE, f"{name} reads at grade {grade:.1f}"


def test_no_long_text_is_above_grade_10(texts):
    too_hard = []
    for name, found in texts.items():
        for text in set(found):
            if textstat.sentence_count(text) >= 3:
                grade = textstat.flesch_kincaid_grade(text)
                if grade > TEXT_GRADE:
                    too_hard.append((name, round(grade, 1), text[:60]))
    assert too_hard == []


def test_the_measure_tells_hard_from_easy():
    """The grade really separates practitioner wording from client wording."""
    library = load_library()
    practitioner = joined([p.location for p in library.points.values()])
    client = joined([p.find_it for p in library.points.values()])
    assert textstat.flesch_kincaid_grade(practitioner) > FILE_GRADE
    assert textstat.flesch_kincaid_grade(client) <= FILE_GRADE
