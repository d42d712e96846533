"""Weak passwords are refused wherever a password is set, and nothing is stored."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect

from tests.security.accounts_kit import ADMIN, IVAN, PASSWORD, Site, site
from tests.service.conftest import PROFILE
from uncc.adapters.db import schema
from uncc.bootstrap import build
from uncc.config import Settings
from uncc.domain.credentials import check_password_policy
from uncc.domain.policy import Role
from uncc.errors import UserInputError
from uncc.parties.catalogue import parse_profile
from uncc.services import accounts, identity

__all__ = ["site"]

WEAK = {
    "short": ("short pw", "at least 12 characters"),
    "spaces": (" " * 14, "not only spaces"),
    "repeated": ("a" * 16, "not one character repeated"),
    "common": ("password1234", "commonly used"),
    "common, keyboard": ("qwertyuiop123", "commonly used"),
    "the user name": ("mallory-mallory", "must not contain the user name"),
    "the name, other case": ("MALLORY2026!xyz", "must not contain the user name"),
}


@pytest.mark.parametrize(("password", "rule"), WEAK.values(), ids=WEAK.keys())
def test_the_policy_names_the_rule(password: str, rule: str) -> None:
    with pytest.raises(UserInputError, match=rule):
        check_password_policy("mallory", password)


def test_a_good_passphrase_passes() -> None:
    check_password_policy("mallory", "lantern orbit velvet 42")


def test_weak_passwords_are_refused_for_new_users_and_changes(site: Site) -> None:
    users, before = site.rows(schema.users), site.user("ivan")["password_hash"]
    for password, rule in WEAK.values():
        with pytest.raises(UserInputError, match=rule):
            accounts.add_user(site.ctx, ADMIN, "mallory", {Role.AUDITOR}, password)
        weak = password.replace("mallory", "ivan").replace("MALLORY", "IVAN")
        with pytest.raises(UserInputError):
            accounts.change_password(site.ctx, IVAN, "ivan", weak, PASSWORD)
        with pytest.raises(UserInputError):
            accounts.change_password(site.ctx, ADMIN, "ivan", weak)
    assert site.rows(schema.users) == users
    assert site.user("ivan")["password_hash"] == before


def test_the_first_admin_needs_a_good_password_too(tmp_path: Path) -> None:
    ctx = build(Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'n.db'}"))
    with pytest.raises(UserInputError, match="commonly used"):
        identity.init_node(ctx, parse_profile(PROFILE), "unit", "admin", "password1234")
    assert not ctx.key_path.exists()
    with ctx.engine.connect() as conn:
        if inspect(conn).has_table("users"):
            assert conn.execute(schema.users.select()).first() is None
