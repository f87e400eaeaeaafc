"""Remake the README's pictures from the bundled example: `python docs/make_images.py`.

Run it after any change to what gets printed, then look at docs/images/*.png.
"""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium

from handout import make_handout
from handout.client import load_client
from handout.render.cards import card_client, make_cards
from handout.library import load_library
from handout.render.plan import make_plan

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "docs" / "images"
LONG_SIDE = 702  # pixels: the README shows pages at this size


def save_page(pdf: bytes, index: int, name: str) -> None:
    document = pdfium.PdfDocument(pdf)
    try:
        page = document[index]
        scale = LONG_SIDE / max(page.get_size())
        page.render(scale=scale).to_pil().save(IMAGES / name, optimize=True)
    finally:
        document.close()


def main() -> None:
    client = load_client(ROOT / "examples" / "client.yaml")
    brand = ROOT / "examples" / "brand.yaml"
    handout = make_handout(client, brand=brand, reproducible=True)
    save_page(handout, 0, "handout-page-1.png")
    save_page(handout, 2, "handout-page-3.png")
    save_page(make_plan(client, brand=brand, reproducible=True), 0, "plan-page-1.png")
    cards = card_client(load_library(), protocol="sciatica")
    save_page(make_cards(cards, brand=brand, reproducible=True), 0, "cards-page-1.png")


if __name__ == "__main__":
    main()
