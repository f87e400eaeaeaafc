"""handout: branded, personalised self-care handouts for acupressure, massage and physio clients.

The public API (the command line uses exactly these):

    from handout import load_library
    library = load_library()                 # built-in data, or load_library([clinic_dir])
    library.point("K3")                      # -> the KI3 Point (aliases resolve)
"""

from importlib.metadata import PackageNotFoundError, version

from .errors import DataError, HandoutError, InputError, SafetyError, UnknownItemError
from .library import Library, check_data, load_library

try:
    __version__ = version("handout")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"

__all__ = [
    "DataError", "HandoutError", "InputError", "Library", "SafetyError", "UnknownItemError",
    "check_data", "load_library", "__version__",
]
