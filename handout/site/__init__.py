"""The companion site: a public, content-only web page for every point and stretch,
generated from the same data as the handouts, for the QR codes on the sheets to open.

    from handout.site import build_site
    build_site("site", base_url="https://clinic.example/care/")

One module a job: addresses (where each page lives, for the site and the QR codes),
content (what a public page says), animation (a stretch's moving SVG), assets (style,
script, logo, pictures), pages (the HTML), build (the folder, built whole or not at all).
build_site is imported when asked for: brand.py and the sheets read addresses alone.
"""

__all__ = ["build_site", "SiteReport"]


def __getattr__(name):
    if name in __all__:
        from . import build

        return getattr(build, name)
    raise AttributeError(name)
