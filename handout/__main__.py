"""`python -m handout` runs the command line."""

from .cli import main

main()
