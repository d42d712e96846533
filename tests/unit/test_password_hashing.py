"""Password hashes: the production cost is RFC 9106's, unchanged; tests run at the cheapest."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher, extract_parameters, profiles

from uncc.adapters import crypto
from uncc.config import Settings
from uncc.services import login


@pytest.fixture
def production_cost() -> Iterator[None]:
    """The default cost for one test, then the test run's cheap one again."""
    crypto.use_password_hashing(Settings.model_fields["password_hashing"].default)
    yield
    crypto.use_password_hashing(os.environ["UNCC_PASSWORD_HASHING"])


def test_the_default_is_rfc_9106_low_memory_argon2id() -> None:
    assert Settings.model_fields["password_hashing"].default == "rfc9106-low-memory"
    assert crypto.PASSWORD_HASHING["rfc9106-low-memory"] == profiles.RFC_9106_LOW_MEMORY
    assert (profiles.RFC_9106_LOW_MEMORY.time_cost, profiles.RFC_9106_LOW_MEMORY.memory_cost) == (3, 65536)  # fmt: skip
    # argon2-cffi's own default is the same profile: nothing weaker by accident
    assert PasswordHasher().memory_cost == profiles.RFC_9106_LOW_MEMORY.memory_cost


@pytest.mark.usefixtures("production_cost")
def test_the_real_cost_hashes_and_verifies_once() -> None:
    stored = crypto.hash_password("correct horse battery")
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert extract_parameters(stored) == profiles.RFC_9106_LOW_MEMORY
    assert crypto.check_password(stored, "correct horse battery")
    assert not crypto.check_password(stored, "correct horse battery!")
    # the dummy hash of unknown users costs what a real one costs
    assert extract_parameters(login._dummy_hash()) == profiles.RFC_9106_LOW_MEMORY


def test_tests_run_cheap_and_a_cheap_hash_still_verifies_after_a_change() -> None:
    assert os.environ["UNCC_PASSWORD_HASHING"] == "cheapest"
    assert crypto.password_hashing_cost() == (1, 8, 1)
    cheap = crypto.hash_password("correct horse battery")
    crypto.use_password_hashing("rfc9106-low-memory")
    try:
        assert crypto.check_password(cheap, "correct horse battery")  # each hash keeps its cost
    finally:
        crypto.use_password_hashing("cheapest")


def test_an_unknown_profile_is_refused_naming_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UNCC_PASSWORD_HASHING", "none")
    with pytest.raises(ValueError, match="password_hashing"):
        Settings()
