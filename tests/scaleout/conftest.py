"""The node fixture of the service tests (SQLite, and PostgreSQL when a server runs)."""

from tests.service.conftest import node

__all__ = ["node"]
