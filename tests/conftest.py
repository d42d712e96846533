"""Shared fixtures: the seed text (skipped with a reason when ../shared is absent).

Every test run hashes passwords at argon2's cheapest cost (``UNCC_PASSWORD_HASHING``), in
this process and in the ``uncc`` processes the tests start: the tests count and compare
hashes, they never depend on their cost. The production default is asserted, and used
once, in ``tests/unit/test_password_hashing.py``.

Property tests run without Hypothesis's per-example deadline: tests never assert on wall
time, and on a shared two-core machine one example can take longer than 200 ms.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from uncc.adapters.crypto import use_password_hashing

os.environ.setdefault("UNCC_PASSWORD_HASHING", "cheapest")
use_password_hashing(os.environ["UNCC_PASSWORD_HASHING"])

settings.register_profile("uncc", deadline=None)
settings.load_profile("uncc")

SEED = Path(__file__).resolve().parents[1].parent / "shared" / "seeds" / "000_ad47bffe988def09.txt"


@pytest.fixture(scope="session")
def seed_path() -> Path:
    if not SEED.is_file():
        pytest.skip(f"the Convention's seed text is not at {SEED} (../shared is absent)")
    return SEED


@pytest.fixture(scope="session")
def seed_text(seed_path: Path) -> str:
    return seed_path.read_text(encoding="utf-8")
