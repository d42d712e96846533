"""The ``uncc`` command line (Typer + Rich)."""
