"""What the browser tests share: Debian's Chromium, its flags, and a module-level skip."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).with_name("artifacts")
"""Screenshots kept by CI (git-ignored)."""
CHROMIUM = shutil.which("chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_chromium() -> None:
    """Skip the calling module without Chromium (fail instead under UNCC_REQUIRE_BROWSER=1)."""
    if CHROMIUM is not None:
        return
    if os.environ.get("UNCC_REQUIRE_BROWSER") == "1":
        pytest.fail("UNCC_REQUIRE_BROWSER=1 but Debian's chromium is not installed", pytrace=False)
    pytest.skip(
        "Debian's chromium is not installed: run 'make test' as root (it installs it) or apt-get install chromium",
        allow_module_level=True,
    )
