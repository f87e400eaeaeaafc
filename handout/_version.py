"""The package's version, the one place it is written: pyproject.toml reads it from here
(hatch's version source), and `handout.__version__` imports it without importlib.metadata,
which costs a cold start about a tenth of a `handout make`."""

__version__ = "0.1.0"
