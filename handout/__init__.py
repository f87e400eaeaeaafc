"""handout: branded, personalised self-care handouts for acupressure, massage and physio clients.

The public API (the command line uses exactly these):

    from handout import load_library
    library = load_library()                 # built-in data, or load_library([clinic_dir])
    library.point("K3")                      # -> the KI3 Point (aliases resolve)

    from handout import Client, make_handout
    pdf = make_handout(Client(name="Ana Ruiz", protocol="sciatica", conditions=("pregnancy",)))
"""

from importlib.metadata import PackageNotFoundError, version

# First, so modules importing it during package start-up find it.
try:
    __version__ = version("handout")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"


from .errors import DataError, HandoutError, InputError, SafetyError, UnknownItemError
from .library import Library, check_data, load_library
from .client import Client, load_client
from .brand import Brand, load_brand
from .api import make_handout
from .render.plan import make_plan
from .render.reference import make_reference
from .render.cards import make_cards


__all__ = [
    "Brand", "Client", "DataError", "HandoutError", "InputError", "Library", "SafetyError",
    "UnknownItemError", "check_data", "load_brand", "load_client", "load_library",
    "make_cards", "make_handout", "make_plan", "make_reference", "__version__",
]
