"""The weekly plan's settings a command offers (how many weeks, how dates are written).

Apart from plan.py: `make`, `batch` and `plan` name them in their options and help, and a
make without --with-plan need not import the plan's code (issue 15).
"""

from __future__ import annotations

MIN_WEEKS, MAX_WEEKS = 1, 26  # half a year of sheets at most: a plan, not a calendar
DEFAULT_LOCALE = "en-GB"

# How a locale writes a day: English words only (the sheet's other text is English too);
# the locale decides the order, nothing else. Fixed tables, not strftime: the machine's own
# locale setting never changes a client's sheet.
LOCALES = {
    "en-GB": "day month",  # Mon 14 Mar;  14 to 20 March 2026
    "en-US": "month day",  # Mon Mar 14;  March 14 to 20, 2026
}
