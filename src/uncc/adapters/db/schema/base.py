"""The metadata every table of the node registers in."""

from __future__ import annotations

from sqlalchemy import MetaData

metadata = MetaData()
"""The node's tables; the Alembic migrations create exactly these."""
