"""The picture on each point card and stretch card.

Until the diagram modules land, a card reserves the picture's place with a framed box
naming the view, so the card layout is final and nothing else changes when they do.
"""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from ..models import Point, Stretch


class FramedLabel(Flowable):
    """A plain framed box with a centred label: the diagram's reserved place."""

    def __init__(self, width: float, height: float, label: str, font: str, size: float = 9):
        super().__init__()
        self.width, self.height, self.label, self.font, self.size = width, height, label, font, size

    def wrap(self, available_width, available_height):
        return self.width, self.height

    def draw(self):
        self.canv.setStrokeColor(colors.HexColor("#555555"))
        self.canv.setLineWidth(0.8)
        self.canv.rect(0, 0, self.width, self.height)
        self.canv.setFont(self.font, self.size)
        self.canv.setFillColor(colors.HexColor("#333333"))
        self.canv.drawCentredString(self.width / 2, self.height / 2, self.label)


def view_label(view: str) -> str:
    return "Diagram: " + view.replace("-", " ")


def point_figure(ctx, point: Point, width: float):
    return FramedLabel(width, width * 1.1, view_label(point.diagram.view), ctx.fonts.main.regular)


def stretch_figure(ctx, stretch: Stretch, width: float):
    return FramedLabel(width, width * 0.62, "Picture: " + stretch.name, ctx.fonts.main.regular, 8)
