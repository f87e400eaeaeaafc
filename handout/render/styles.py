"""Paragraph styles for one document: template sizes x large-print scale, brand font and colour."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle

from ..brand import Brand
from ..fonts import FontSet
from ..layout import Template

# The UK Association for Accessible Formats: clear print at least 12 pt; large print at
# least 16 pt (18 preferred) with nothing on the sheet smaller than 14 pt.
MIN_BODY_PT = 12.0
MIN_LARGE_PT = 14.0
LARGE_BODY_PT = 18.0
FOOTER_PT = 10.0  # the footer and page numbers in normal print (large print: MIN_LARGE_PT)
DIAGRAM_LABEL_PT = 9.0  # the least size of a diagram's landmark names and point codes
MEASURE_CHARS = 72  # at most about 75 characters a line of running text (RNIB: 60 to 70)


def measure_width(size: float) -> float:
    """The width of a line of running text at this size: MEASURE_CHARS of Lato's average."""
    return MEASURE_CHARS * size * 0.43


BASE = {  # used where a template does not set a style
    "body": {"fontSize": 12, "leading": 16.5, "spaceAfter": 4},
    "small": {"fontSize": 12, "leading": 15.5},
    "h1": {"fontSize": 22, "leading": 26, "spaceAfter": 4},
    "h2": {"fontSize": 16.5, "leading": 20, "spaceBefore": 10, "spaceAfter": 6},
    "h3": {"fontSize": 13.5, "leading": 17, "spaceAfter": 2},
    "card": {"fontSize": 12, "leading": 16, "spaceAfter": 3},
}
HEADINGS = ("h1", "h2", "h3")


@dataclass(frozen=True)
class Styles:
    by_name: dict[str, ParagraphStyle]
    primary: colors.Color
    accent: colors.Color
    scale: float

    def __getitem__(self, name: str) -> ParagraphStyle:
        return self.by_name[name]

    @property
    def body_size(self) -> float:
        return self.by_name["body"].fontSize


def make_styles(template: Template, brand: Brand, fonts: FontSet, large_print: bool) -> Styles:
    scale = template.large_print_scale if large_print else 1.0
    floor = MIN_LARGE_PT if large_print else MIN_BODY_PT
    primary = colors.HexColor(brand.primary)
    by_name = {}
    for name in BASE:
        attrs = {**BASE[name], **template.styles.get(name, {})}
        size = attrs["fontSize"] * scale
        if name in ("body", "small", "card"):
            size = max(size, floor)  # never below legible size, whatever a template says
            if large_print:
                size = max(size, LARGE_BODY_PT)
        size = max(size, MIN_LARGE_PT if large_print else 0)  # nothing smaller, anywhere
        leading = max(attrs.get("leading", size * 1.35) * scale, size * 1.3)
        by_name[name] = ParagraphStyle(
            name,
            fontName=fonts.main.bold if name in HEADINGS else fonts.main.regular,
            fontSize=size,
            leading=leading,
            spaceBefore=attrs.get("spaceBefore", 0) * scale,
            spaceAfter=attrs.get("spaceAfter", 0) * scale,
            leftIndent=attrs.get("leftIndent", 0) * scale,
            firstLineIndent=attrs.get("firstLineIndent", 0),
            alignment=int(attrs.get("alignment", 0)),
            textColor=primary if name in ("h1", "h2") else colors.black,
            bulletFontName=fonts.main.regular,  # the default, Helvetica, is never embedded
            bulletFontSize=size,  # list numbers as large as their words (default: 10 pt)
            # Short lines at large sizes: never hyphenate, keep words whole.
            splitLongWords=True,
            allowWidows=0,
            allowOrphans=0,
        )
    body = by_name["body"]
    by_name["bullet"] = ParagraphStyle("bullet", parent=body, leftIndent=body.fontSize * 1.3,
                                       bulletIndent=body.fontSize * 0.2, spaceAfter=2 * scale)
    by_name["caution"] = ParagraphStyle("caution", parent=by_name["card"], spaceBefore=2 * scale)
    footer = MIN_LARGE_PT if large_print else FOOTER_PT
    by_name["footer"] = ParagraphStyle("footer", parent=body, fontSize=footer,
                                       leading=footer * 1.25, spaceBefore=0, spaceAfter=0,
                                       textColor=colors.HexColor("#333333"))
    return Styles(by_name, primary, colors.HexColor(brand.accent), scale)
