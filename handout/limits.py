"""Every limit on what a user can give the tool, in one place (documented in docs/limits.md).

Past a limit the input is refused with one line naming the field, its limit and the file
and line: a sheet for a client, not a book, and never minutes of layout. Each number is
several times what a real clinic needs (the built-in data's longest text is 519 characters).
"""

from __future__ import annotations

import re

# -- a client's fields (a client file, the command line, a roster row): characters ----------
CLIENT_TEXT = {
    "name": 400,
    "practitioner": 200,
    "next_appointment": 200,
    "protocol": 100,
    "notes": 60_000,  # about 10,000 words
}
NOTES_LINES = 1_000  # lines of the practitioner's notes: about 20 pages
IDS_PER_LIST = 200  # ids in one of points, stretches, tips, drop, conditions, allow
ID_LENGTH = 100  # characters of one id

# -- any other text field of a data file, template, brand or config: characters ----------
FIELD_TEXT = 2_000  # one tip's text, a point's location, a template's heading ...

# -- a brand's texts: the longest the header and footer are laid out for (characters) ------
BRAND_TEXT = {"clinic_name": 100, "tagline": 150, "address": 120, "phone": 120, "web": 120,
              "email": 120, "footer": 300, "disclaimer": 600}

# -- files: bytes --------------------------------------------------------------------------
YAML_FILE_BYTES = 2 * 1024 * 1024  # a client, brand, config, template or data file
NOTES_FILE_BYTES = 1024 * 1024  # --notes-file (the notes' own limits then apply)
ROSTER_YAML_BYTES = 20 * 1024 * 1024  # parsed whole
ROSTER_CSV_BYTES = 100 * 1024 * 1024  # read as it is needed
ROSTER_XLSX_BYTES = 50 * 1024 * 1024  # compressed; read a row at a time
ROSTER_XLSX_UNPACKED_BYTES = 500 * 1024 * 1024  # its parts unpacked (a zip bomb stops here)

# -- pictures and fonts: read from the header or counted before anything is decoded ------
PHOTO_BYTES = 30_000_000  # a clinic's photo of a point (images/points/)
PHOTO_PIXELS = 60_000_000  # a 60-megapixel photo is plenty; more is a mistake or a bomb
LOGO_BYTES = 40 * 1024 * 1024
LOGO_PIXELS = 40_000_000  # 160 MB at most decoded
FONT_BYTES = 64 * 1024 * 1024  # a full CJK font is 10 to 20 MB
SVG_BYTES = 2 * 1024 * 1024  # a view or logo as stored (compressed or not)
SVG_EXPANDED_BYTES = 4 * 1024 * 1024  # its XML after gzip: a logo or view is a few kB
SVG_ELEMENTS = 20_000  # after <use> copies: hand-drawn art has a few hundred
SVG_DEPTH = 64  # elements nested
SVG_SIZE = 100_000.0  # width, height, viewBox sides (user units; 1 unit = 1 pt for a logo)
SVG_COORD = 1e6  # any number in the geometry
SVG_REFERENCE_DEPTH = 4  # an SVG using an SVG using an SVG ...
SVG_PICTURE_BYTES = 20 * 1024 * 1024  # a PNG or JPEG an SVG uses
SVG_PICTURE_PIXELS = 40_000_000

# -- rosters -------------------------------------------------------------------------------
ROSTER_ROWS = 20_000  # client rows in one roster (split a longer one, or use --shard)
ROSTER_COLUMNS = 200  # columns, named or not
ROSTER_CELL = 2 * CLIENT_TEXT["notes"]  # characters in one cell (the longest notes, quoted)

# -- dates ---------------------------------------------------------------------------------
FIRST_YEAR = 1900
LAST_YEAR = 2100


def text_problem(field: str, value: str, limit: int | None = None) -> str | None:
    """Why `value` cannot be `field`'s text, or None: too long (its limit here, or
    `limit`), too many lines (notes), or a control character (files.CONTROL)."""
    from .files import CONTROL

    limit = limit or CLIENT_TEXT.get(field, FIELD_TEXT)
    if len(value) > limit:
        return f"is {len(value):,} characters; at most {limit:,}"
    control = CONTROL.search(value)
    if control:
        return f"has a control character (U+{ord(control.group()):04X}) at character " \
               f"{control.start() + 1:,}"
    if field == "notes":
        lines = len(re.findall(r"\r\n|\r|\n", value)) + 1
        if lines > NOTES_LINES:
            return f"is {lines:,} lines; at most {NOTES_LINES:,}"
    return None


def ids_problem(field: str, ids) -> str | None:
    """Why a list of ids is too long (too many, or one too long), or None."""
    if len(ids) > IDS_PER_LIST:
        return f"has {len(ids):,} ids; at most {IDS_PER_LIST}"
    for one in ids:
        if len(one) > ID_LENGTH:
            return f"has an id of {len(one):,} characters; at most {ID_LENGTH}"
    return None
