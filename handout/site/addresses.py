"""Where each page of the companion site lives: one rule for the site's files, its links,
its sitemap and the QR codes on the sheets, so a printed code always opens its page.

A page is a plain .html file (no folder index), so the site works from a folder on disk
(file://) as well as from any web server: points/bl60.html, stretches/knee-to-chest.html.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from ..errors import InputError

SECTIONS = {"point": "points", "stretch": "stretches"}
MAX_URL = 200  # a base address longer than this makes QR codes too dense to print small


def page_path(item) -> str:
    """The page of a point or stretch, relative to the site's top: 'points/bl60.html'."""
    return f"{SECTIONS[item.kind]}/{item.id.lower()}.html"


def url_problem(url: str) -> str | None:
    """What is wrong with a site's address (None when it will do): http(s), a host, no
    query, fragment, user name or spaces."""
    text = str(url)
    if not text or text != text.strip() or any(c.isspace() or ord(c) < 32 for c in text):
        return f"'{text}' is not an address: no spaces or control characters"
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"'{text}' is not an http(s) address like https://clinic.example/care/"
    if parts.query or "?" in text:
        return f"'{text}' has a query (?...): give the site's folder address only"
    if parts.fragment or "#" in text:
        return f"'{text}' has a fragment (#...): give the site's folder address only"
    if parts.username or parts.password:
        return f"'{text}' holds a user name or password; give the public address only"
    if len(text) > MAX_URL:
        return f"is {len(text)} characters; at most {MAX_URL} fit a QR code that prints small"
    return None


def base_url(url: str) -> str:
    """The site's address checked and ending in '/'; InputError (one line, naming build_site's
    argument: the command line says --base-url) if it will not do."""
    problem = url_problem(url)
    if problem:
        raise InputError(f"base_url='{url}': {problem}")
    return url if url.endswith("/") else url + "/"


def page_url(base: str, item) -> str:
    """The address of an item's page under a checked base address."""
    return base + page_path(item)


def short_address(url: str) -> str:
    """The address as a person types it: without 'https://' (a browser adds it)."""
    return url.split("://", 1)[1] if "://" in url else url
