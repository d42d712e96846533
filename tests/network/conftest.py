"""Networks shared by test modules that only add cases and requests of their own.

Building a network costs seconds; each test uses its own cases and requests.
"""

from __future__ import annotations

import pytest

from tests.network.kit import Loopback, Peer, make_network
from tests.service.conftest import Clock

TwoStates = tuple[Loopback, Peer, Peer, Clock]


@pytest.fixture(scope="session")
def northland_southland(tmp_path_factory: pytest.TempPathFactory) -> TwoStates:
    """XA and XB, joined to a hub and holding the directory (Northland asks, Southland is asked)."""
    clock = Clock()
    net, _, members = make_network(tmp_path_factory.mktemp("two-states"), clock, ("XA", "XB"))
    return net, members["XA"], members["XB"], clock


@pytest.fixture(scope="package")
def shared_network(tmp_path_factory: pytest.TempPathFactory) -> tuple[Loopback, dict[str, Peer]]:
    """One hub and three States: each test opens its own cases."""
    net, _, members = make_network(tmp_path_factory.mktemp("shared"), Clock())
    return net, members
