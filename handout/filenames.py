"""Batch file names from a roster's name column, by an allow-list: `003-ana-ruiz.pdf`.

Only the letters of the name reach a file name: it is folded to lower-case ASCII, cut into
words at anything that is not a letter or digit, and a word is kept only if it is letters
alone (`warfarin5mg`, `32wks`, `2nd` are dropped whole) and is not health vocabulary: the
words of the data's condition ids, aliases and protocol ids, plus VOCABULARY below
(pregnancy, medicines, conditions), so `Ana Ruiz expecting` gives `ana-ruiz`. Text in
brackets is dropped whole. docs/batch.md says the same for users.
"""

from __future__ import annotations

import re
import unicodedata

MAX_SLUG = 40

# Words a practitioner might type after a client's name, which must never reach a file
# name (a folder listing, a print queue, an e-mail attachment). Lower-case ASCII.
PREGNANCY_WORDS = frozenset("""
    pregnant pregnancy expecting expectant trimester antenatal prenatal postnatal postpartum
    maternity baby bump due weeks wks ivf breastfeeding nursing miscarriage
""".split())
MEDICINE_WORDS = frozenset("""
    warfarin coumadin apixaban eliquis rivaroxaban xarelto dabigatran pradaxa edoxaban
    heparin clopidogrel plavix aspirin ibuprofen naproxen insulin metformin statin statins
    steroid steroids prednisolone prednisone methotrexate chemo chemotherapy tablets meds
    medication medicine mg anticoagulant anticoagulants anticoagulated thinner thinners
""".split())
CONDITION_WORDS = frozenset("""
    cancer tumour tumor diabetes diabetic epilepsy epileptic seizures hiv hepatitis stroke
    dementia arthritis osteoporosis fracture fractured surgery postop op operation
    depression anxiety pain injury injured sciatica hernia disc asthma copd cardiac
    pacemaker thrombosis dvt bleeding haemophilia hemophilia allergy allergic parkinsons
    lupus fibromyalgia migraine whiplash scoliosis stenosis varicose numb numbness
    replacement ms
""".split())
VOCABULARY = PREGNANCY_WORDS | MEDICINE_WORDS | CONDITION_WORDS

_LETTERS = str.maketrans({"ß": "ss", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe",
                          "Œ": "OE", "đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "þ": "th",
                          "Þ": "Th", "ı": "i"})
_BRACKETS = re.compile(r"\([^)]*\)?|\[[^\]]*\]?|\{[^}]*\}?")


def slug(name: str, leave_out: frozenset[str] = frozenset()) -> str:
    """A name as lower-case ASCII words joined by hyphens: 'José Núñez' -> 'jose-nunez'.

    Text in brackets ('Ana Ruiz (pregnant)', '[post-op]'), words with a digit, words of
    VOCABULARY and words in `leave_out` are dropped; at most MAX_SLUG characters (whole
    words); 'client' when nothing is left (a name in a script with no ASCII spelling, or
    no name)."""
    text = _BRACKETS.sub(" ", str(name)[:1000])
    text = unicodedata.normalize("NFKD", text.translate(_LETTERS))
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    out = ""
    for word in re.findall(r"[a-z0-9]+", text):
        if not word.isalpha() or word in VOCABULARY or word in leave_out:
            continue
        longer = f"{out}-{word}" if out else word
        if len(longer) > MAX_SLUG:
            out = out or word[:MAX_SLUG]
            break
        out = longer
    return out or "client"


def health_words(library) -> frozenset[str]:
    """Words of condition ids and aliases and of protocol ids, and VOCABULARY: never part
    of a file name."""
    words: set[str] = set(VOCABULARY)
    for condition in library.conditions.values():
        for ref in (condition.id, *condition.aliases):
            words.update(re.findall(r"[a-z0-9]+", ref.lower()))
    for protocol in library.protocols.values():
        words.update(re.findall(r"[a-z0-9]+", protocol.id.lower()))
    return frozenset(words)


def file_stem(number: int, name: str, width: int, leave_out: frozenset[str] = frozenset()) -> str:
    """'003-ana-ruiz': the row number, zero-padded to `width`, then the slug of the name."""
    return f"{number:0{width}d}-{slug(name, leave_out)}"
