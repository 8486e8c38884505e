"""``python -m outreach`` runs the command line."""

from .cli import main

main()
