"""handout: branded, personalised self-care handouts for acupressure, massage and physio clients.

The public API (the command line uses exactly these):

    from handout import load_library
    library = load_library()                 # built-in data, or load_library([clinic_dir])
    library.point("K3")                      # -> the KI3 Point (aliases resolve)

    from handout import Client, make_handout
    pdf = make_handout(Client(name="Ana Ruiz", protocol="sciatica", conditions="pregnancy"))

Names are imported when first used (PEP 562), so `import handout` and `handout --help` do
not load ReportLab or Pillow until something is drawn.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from .errors import DataError, HandoutError, InputError, SafetyError, UnknownItemError

# Where each public name lives, imported on first use.
_LAZY = {
    "Library": "library", "check_data": "library", "load_library": "library",
    "Client": "client", "load_client": "client",
    "Brand": "brand", "load_brand": "brand",
    "make_handout": "api",
    "make_plan": "render.plan",
    "make_reference": "render.reference",
    "make_cards": "render.cards",
}

__all__ = [
    "Brand", "Client", "DataError", "HandoutError", "InputError", "Library", "SafetyError",
    "UnknownItemError", "check_data", "load_brand", "load_client", "load_library",
    "make_cards", "make_handout", "make_plan", "make_reference", "__version__",
]

if TYPE_CHECKING:  # for type checkers and editors: the same names, imported plainly
    from .api import make_handout
    from .brand import Brand, load_brand
    from .client import Client, load_client
    from .library import Library, check_data, load_library
    from .render.cards import make_cards
    from .render.plan import make_plan
    from .render.reference import make_reference


def _version() -> str:
    from ._version import __version__  # not importlib.metadata: a tenth of a cold make

    return __version__


def __getattr__(name: str):
    if name == "__version__":
        value = _version()
    elif name in _LAZY:
        value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
    else:
        raise AttributeError(f"module 'handout' has no attribute {name!r}")
    globals()[name] = value  # once found, a plain attribute
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
