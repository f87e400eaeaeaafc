"""Remake the README's pictures from the bundled example: `python docs/make_images.py`.

Run it after any change to what gets printed, then look at docs/images/*.png.

`python docs/make_images.py --blind DIR` instead writes every stretch's picture, at the
handout's width, as DIR/picture-1.png, picture-2.png ... in a shuffled order, for a blind
check (a reviewer shown only the pictures names what each shows); which is which goes to
DIR.key.txt beside the folder, not in it. `--width-mm 40` gives the card size.
"""

from __future__ import annotations

import argparse
import random
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


def blind_set(folder: Path, width_mm: float = 54) -> Path:
    """The stretch pictures under neutral names; returns the key file's path."""
    from reportlab.lib.units import mm

    from handout.render.diagrams import write_drawing
    from handout.render.figures import stretch_picture

    stretches = list(load_library().stretches.values())
    random.shuffle(stretches)
    folder.mkdir(parents=True, exist_ok=True)
    lines = []
    for number, stretch in enumerate(stretches, 1):
        write_drawing(stretch_picture(stretch, width_mm * mm), folder / f"picture-{number}.png")
        lines.append(f"picture-{number}.png: {stretch.id} ({stretch.name})")
    key = folder.with_name(folder.name + ".key.txt")
    key.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return key


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--blind", type=Path, metavar="DIR",
                        help="write the stretch pictures for a blind check instead")
    parser.add_argument("--width-mm", type=float, default=54)
    args = parser.parse_args()
    if args.blind:
        key = blind_set(args.blind, args.width_mm)
        print(f"wrote {args.blind}/picture-*.png; the key is {key}")
        return
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
