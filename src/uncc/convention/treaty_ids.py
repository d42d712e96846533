"""The names of the bundled treaties, apart from their models (cheap to import for help texts)."""

TREATY_IDS = ("ets185", "cets224", "un2024")
"""The treaties bundled, in the order they were adopted."""
