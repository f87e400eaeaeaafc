"""The fallback families (Fira Sans, a system font) are read one face at a time: asking
whether a fallback has a character (a point's Chinese name) reads only its regular face;
its bold and italic faces are read the first time text is set in it. Each case runs in a
fresh process: fonts are registered once per process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from pdfcheck import fonts

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

EXAMPLE = f"""
import json
from pathlib import Path
from reportlab.pdfbase import pdfmetrics
from handout.api import prepare, render
from handout.client import load_client
job = prepare(load_client(Path({str(EXAMPLES / 'client.yaml')!r})),
              brand=Path({str(EXAMPLES / 'brand.yaml')!r}))
render(job)
print(json.dumps(sorted(pdfmetrics.getRegisteredFontNames())))
"""

BOLD_FALLBACK = """
import io, json, sys
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Paragraph, SimpleDocTemplate
from reportlab.lib.styles import ParagraphStyle
from handout.fonts import fallbacks, font_set
from handout.text import markup
main = font_set()
fira = next(f for f in fallbacks() if f.name == "Fira Sans")
before = sorted(pdfmetrics.getRegisteredFontNames())
char = next(chr(c) for c in sorted(fira.chars - main.main.chars) if chr(c).isalpha())
style = ParagraphStyle("t", fontName=main.main.regular, fontSize=11, leading=14)
out = io.BytesIO()
SimpleDocTemplate(out).build([Paragraph(markup("Bold " + char, main, bold=True), style)])
sys.stdout.buffer.write(json.dumps(before).encode() + b"\\n" + out.getvalue())
"""


def _run(code: str) -> bytes:
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True)
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    return proc.stdout


def test_the_example_reads_only_the_regular_face_of_each_fallback():
    names = json.loads(_run(EXAMPLE).decode().splitlines()[-1])
    ours = [n for n in names if "-" in n]
    assert {"Lato-regular", "Lato-bold", "Lato-italic", "Lato-bolditalic"} <= set(ours)
    # Its points' Chinese names made it ask the fallbacks, so their regular faces are read...
    assert "FiraSans-regular" in ours
    # ... and nothing else of them: no text of the example is set in a fallback.
    assert not [n for n in ours if n.startswith("FiraSans-") and n != "FiraSans-regular"]


def test_bold_text_in_a_fallback_is_set_in_its_bold_face_embedded():
    before, pdf = _run(BOLD_FALLBACK).split(b"\n", 1)
    assert "FiraSans-bold" not in json.loads(before)  # known characters, face not read yet
    used = fonts(pdf)
    bold = [name for name in used if name.endswith("+FiraSans-Bold")]  # a subset of the face
    assert bold, used
    assert all(used[name] for name in bold)
