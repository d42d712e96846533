"""One two-State network (Northland asks, Southland is asked) shared by the tests of
measure requests: building a network costs seconds; each test uses its own requests."""

from __future__ import annotations

import pytest

from tests.network.kit import Loopback, Peer, make_network
from tests.service.conftest import Clock

TwoStates = tuple[Loopback, Peer, Peer, Clock]


@pytest.fixture(scope="session")
def northland_southland(tmp_path_factory: pytest.TempPathFactory) -> TwoStates:
    """XA and XB, joined to a hub and holding the directory."""
    clock = Clock()
    net, _, members = make_network(tmp_path_factory.mktemp("two-states"), clock, ("XA", "XB"))
    return net, members["XA"], members["XB"], clock
