"""Shared fixtures: the seed text (skipped with a reason when ../shared is absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

SEED = Path(__file__).resolve().parents[1].parent / "shared" / "seeds" / "000_ad47bffe988def09.txt"


@pytest.fixture(scope="session")
def seed_path() -> Path:
    if not SEED.is_file():
        pytest.skip(f"the Convention's seed text is not at {SEED} (../shared is absent)")
    return SEED


@pytest.fixture(scope="session")
def seed_text(seed_path: Path) -> str:
    return seed_path.read_text(encoding="utf-8")
