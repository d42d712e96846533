"""The built-in profiles: ``baseline`` and ``strict``."""
