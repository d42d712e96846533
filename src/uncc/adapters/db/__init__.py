"""SQLAlchemy 2 persistence (SQLite by default, PostgreSQL by URL), with Alembic migrations."""
