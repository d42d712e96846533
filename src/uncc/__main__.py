"""``python -m uncc`` runs the command line."""

from uncc.entrypoints.cli.main import run

run()
