"""The browser tests' shared fixtures: one four-node network and one Chromium per test process.

Session-scoped, so the journeys and the every-page checks (axe-core, 390 px) share the
nodes' start-up (the slowest part); each test makes its own data.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.kit import CHROMIUM, FLAGS
from uncc.entrypoints.cli import demo


@pytest.fixture(scope="session")
def nodes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, demo.Node]]:
    base = tmp_path_factory.mktemp("web")
    # the web pages, not the network, are under test: plain HTTP spares the browser a CA
    with demo.network(base, demo._examples(), plain_http=True) as running:
        yield running


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield launched
        launched.close()
