"""Remake the README's picture of a companion page on a phone: `python docs/make_site_image.py`.

Builds the site from the bundled example brand into a temporary folder and photographs the
knee-to-chest page at 360 px wide in Debian's chromium (as the browser tests drive it), the
moving picture stopped at its end position. Then look at docs/images/site-stretch-phone.png.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from handout.site import build_site
from handout.site.animation import HOLD_START_S, MOVE_S

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "images" / "site-stretch-phone.png"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder) / "site"
        build_site(site, brand=ROOT / "examples" / "brand.yaml",
                   base_url="https://riverside-physio.example/care/")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
            page = browser.new_page(viewport={"width": 360, "height": 760},
                                    device_scale_factor=2)
            page.goto((site / "stretches" / "knee-to-chest.html").as_uri())
            page.evaluate("s => { s.pauseAnimations(); s.setCurrentTime(%s); }"
                          % (HOLD_START_S + MOVE_S + 0.5),
                          page.query_selector("figure.moving svg"))
            page.screenshot(path=str(OUT))
            browser.close()
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
