"""The project's YAML encoding of the Convention (package data)."""
