"""Paragraph styles for one document: template sizes x large-print scale, brand font and colour."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle

from ..brand import Brand
from ..fonts import FontSet
from ..layout import Template

MIN_BODY_PT = 10.5
MIN_LARGE_PT = 14.0
BASE = {  # used where a template does not set a style
    "body": {"fontSize": 11, "leading": 15.5, "spaceAfter": 4},
    "small": {"fontSize": 10.5, "leading": 14},
    "h1": {"fontSize": 20, "leading": 24, "spaceAfter": 4},
    "h2": {"fontSize": 15, "leading": 19, "spaceBefore": 10, "spaceAfter": 6},
    "h3": {"fontSize": 12.5, "leading": 16, "spaceAfter": 2},
    "card": {"fontSize": 11, "leading": 15, "spaceAfter": 3},
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
            # Short lines at large sizes: never hyphenate, keep words whole.
            splitLongWords=True,
            allowWidows=0,
            allowOrphans=0,
        )
    body = by_name["body"]
    by_name["bullet"] = ParagraphStyle("bullet", parent=body, leftIndent=body.fontSize * 1.3,
                                       bulletIndent=body.fontSize * 0.2, spaceAfter=2 * scale)
    by_name["caution"] = ParagraphStyle("caution", parent=by_name["card"], spaceBefore=2 * scale)
    by_name["footer"] = ParagraphStyle("footer", parent=body, fontSize=8.5, leading=10.5,
                                       textColor=colors.HexColor("#333333"), spaceAfter=0)
    return Styles(by_name, primary, colors.HexColor(brand.accent), scale)
