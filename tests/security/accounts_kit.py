"""A small node for the login and account attack tests, on SQLite and PostgreSQL.

argon2 runs with cheap parameters (``UNCC_PASSWORD_HASHING=cheapest``, tests/conftest.py):
the tests count verifications, they never time them; the dummy hash for unknown users is
made with the same parameters as real ones.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from tests.service.conftest import PROFILE, Clock, _database
from uncc.adapters.db import schema
from uncc.bootstrap import build
from uncc.config import Settings
from uncc.domain.policy import Role
from uncc.parties.catalogue import parse_profile
from uncc.services import accounts, identity
from uncc.services.context import NodeContext, Principal

PASSWORD = "correct horse battery"
ADMIN = Principal("admin", frozenset({Role.ADMIN}))
ADAM = Principal("adam", frozenset({Role.ADMIN}))
IVAN = Principal("ivan", frozenset({Role.INVESTIGATOR}))
JANE = Principal("jane", frozenset({Role.JUDGE}))


@dataclass
class Site:
    """A node with two admins (admin, adam), an investigator (ivan) and a judge (jane)."""

    ctx: NodeContext
    clock: Clock
    settings: Settings

    def rows(self, table: Any) -> int:
        """How many rows a table has."""
        with self.ctx.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(table)).scalar_one())

    def user(self, name: str) -> Any:
        """A user's row."""
        with self.ctx.engine.connect() as conn:
            return (
                conn.execute(select(schema.users).where(schema.users.c.id == name)).mappings().one()
            )

    def audit(self, action: str) -> list[Any]:
        """The audit entries of an action."""
        with self.ctx.engine.connect() as conn:
            return list(
                conn.execute(select(schema.audit).where(schema.audit.c.action == action))
                .mappings()
                .all()
            )

    def seconds(self, value: float) -> None:
        """Move the clock."""
        self.clock.now += dt.timedelta(seconds=value)


class Counter:
    """Counts argon2 verifications (the work a log-in costs)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        original = PasswordHasher.verify

        def counted(hasher: PasswordHasher, stored: Any, password: Any) -> bool:
            self.calls += 1
            return bool(original(hasher, stored, password))

        monkeypatch.setattr(PasswordHasher, "verify", counted)

    def during(self, action: Any) -> int:
        """The verifications one call makes (whatever it raises)."""
        before = self.calls
        with contextlib.suppress(Exception):  # only the count matters here
            action()
        return self.calls - before


@pytest.fixture(params=["sqlite", "postgresql"])
def site(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Site]:
    """A fresh node for one test."""
    clock = Clock()
    settings = Settings(data_dir=tmp_path / "data", database_url=_database(request.param, tmp_path))
    ctx = build(settings, clock=clock)
    identity.init_node(ctx, parse_profile(PROFILE), "Northland unit", "admin", PASSWORD)
    accounts.add_user(ctx, ADMIN, "adam", {Role.ADMIN}, PASSWORD)  # the bootstrap exception
    accounts.add_user(ctx, ADMIN, "ivan", {Role.INVESTIGATOR}, PASSWORD)
    for grant in accounts.add_user(ctx, ADMIN, "jane", {Role.JUDGE}, PASSWORD):
        accounts.decide_grant(ctx, ADAM, grant.id, approve=True)
    yield Site(ctx, clock, settings)
    ctx.engine.dispose()
