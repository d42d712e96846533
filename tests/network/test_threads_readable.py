"""Cross-border threads as people read them (issue 19 item 4): every message typed, in
words, the same status on both sides, and the request linked to its case, its orders
and the evidence taken in from it."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from tests.network.kit import Loopback, Peer, make_network, pump
from tests.network.test_preservation_flow import ask_to_preserve
from tests.service.conftest import Clock
from tests.service.test_web import login
from uncc.config import Settings
from uncc.domain.cooperation import status_words
from uncc.domain.orders import Command
from uncc.entrypoints.api.app import create_app
from uncc.services import evidence, orders
from uncc.services.network import requests, transfer
from uncc.services.network.requests import Conversation

RAW = (
    re.compile(r"[{}]"),  # JSON
    re.compile(r"\\u00"),  # escaped characters
    re.compile(r">\s*(True|False|None)\s*<"),  # Python values
    re.compile(r">[^<]*\b[a-z]+_[a-z_]+\b[^<]*<"),  # snake_case words shown as text
    re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"),  # UUIDs
)


_CLIENTS: dict[tuple[str, str], TestClient] = {}


@pytest.fixture(scope="module", autouse=True)
def _close_clients() -> Iterator[None]:
    yield
    for client in _CLIENTS.values():
        client.__exit__(None, None, None)
    _CLIENTS.clear()


def page(peer: Peer, net: object, user: str, path: str) -> str:
    """A page as ``user`` at ``peer`` sees it (one logged-in client per user)."""
    client = _CLIENTS.get((peer.state, user))
    if client is None:
        app = create_app(Settings(), peer.ctx, transport=net)  # type: ignore[arg-type]
        client = _CLIENTS[(peer.state, user)] = TestClient(app, follow_redirects=False)
        client.__enter__()
        login(client, user)
    found = client.get(path)
    assert found.status_code == 200, path
    return found.text


def thread_of(html: str) -> str:
    """The thread and the links of a request page (the answer form is not the thread)."""
    start = html.index('id="h-links"')
    end = html.index("</ol>", start)
    return html[start:end]


@dataclass
class World:
    net: Loopback
    a: Peer
    b: Peer
    case: str
    sent: str
    received: Conversation
    order: str
    taken: str


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    """XA asks XB to preserve; XB's order executes it in part and XB sends the logs."""
    net, _, m = make_network(tmp_path_factory.mktemp("threads"), Clock())
    a, b = m["XA"], m["XB"]
    case, sent, received = ask_to_preserve(net, a, b)
    order = requests.get_conversation(b.ctx, b.pia, received.id).order_id
    assert order is not None
    orders.order_command(b.ctx, b.pia, order, Command.ISSUE)
    requests.answer(
        b.ctx,
        b.cora,
        received.id,
        "execution_result",
        {"outcome": "partially_executed", "details": "the logs; the account data was gone"},
    )
    item = evidence.add_evidence(
        b.ctx,
        b.ivan,
        received.case_id,
        source=io.BytesIO(b"leak-site access log\n" * 100),
        filename="access.log",
        acquisition={"tool": "dd"},
    )
    transfer.send_evidence(b.ctx, b.ivan, received.id, [item.id])
    pump(net)
    (taken,) = transfer.accept_evidence(a.ctx, a.ivan, sent.id, net)
    return World(net, a, b, case.id, sent.id, received, order, taken)


def test_a_thread_reads_as_words_with_one_status_and_its_links(world: World) -> None:
    a, b, net, sent, received = world.a, world.b, world.net, world.sent, world.received
    assert sent.startswith("XA-R-")  # the request's reference carries XA's code
    ours = requests.get_conversation(a.ctx, a.cora, sent)
    theirs = requests.get_conversation(b.ctx, b.pia, received.id)
    assert ours.status == theirs.status == "answered"

    at_a = page(a, net, "cora", f"/network/requests/{sent}")
    at_b = page(b, net, "pia", f"/network/requests/{received.id}")
    for html in (at_a, at_b):
        assert f'class="request-status">{status_words("answered")}<' in html
        shown = thread_of(html)
        for raw in RAW:
            assert raw.search(shown) is None, (raw.pattern, raw.search(shown))
        assert "Expedited preservation of stored data" in shown
        assert "Illegal access [Art. 6(1)]" in shown
        assert "Execution result</strong> — partly executed" in shown
        assert "A formal request will follow</dt><dd>yes" in shown
        assert "Evidence sent with its custody (Art. 49)" in shown
    # XA: its case, the evidence taken in; XB: its case and the order that executed it
    assert f'<a href="/cases/{world.case}">{world.case}</a>' in at_a
    assert f'<a href="/evidence/{world.taken}">{world.taken}</a>' in at_a
    assert f'<a href="/cases/{received.case_id}">' in at_b
    assert f'<a href="/orders/{world.order}">' in at_b
    # the case pages list the request, with the same status
    for peer, user, case_id in ((a, "ivan", world.case), (b, "pia", received.case_id)):
        html = page(peer, net, user, f"/cases/{case_id}")
        listed = html[html.index('id="h-requests"') :]
        assert f'href="/network/requests/{sent}"' in listed
        assert status_words("answered") in listed


def test_the_desk_without_need_to_know_sees_no_confidential_order_linked(world: World) -> None:
    html = page(world.b, world.net, "cora", f"/network/requests/{world.received.id}")
    assert world.order not in html  # a preservation order is confidential (Art. 43(3))
    assert "(a confidential order)" in html
