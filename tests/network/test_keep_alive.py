"""A kept-alive connection that the server closes under a request (the full bench's crash).

``uncc serve`` closes a connection idle for 5 s; httpx kept idle connections for 5 s
too, counted from a little later (when it had read the answer). A request sent at the
instant the server's timer fired went out on a connection the server was closing and
got "Server disconnected without sending a response". The server below does that every
time a connection is reused, so the race is no longer a matter of timing.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import types
from collections.abc import Callable, Iterator

import httpx
import pytest
from httpcore._sync import http11

from uncc.adapters import http_transport
from uncc.adapters.http_transport import HttpTransport
from uncc.client import http as client_http
from uncc.client.http import Connection
from uncc.entrypoints.cli.node import KEEP_ALIVE_SECONDS
from uncc.errors import TransportError

ANSWER = (
    b'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\n\r\n{"ok":true}'
)


class ClosingServer:
    """Answers the first request on each connection; closes it, unanswered, on the next.

    ``seen``: (connection number, request line) of every request that arrived.
    """

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.seen: list[tuple[int, str]] = []
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        number = 0
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:  # closed: the test is over
                return
            threading.Thread(target=self._serve, args=(conn, number), daemon=True).start()
            number += 1

    def _serve(self, conn: socket.socket, number: int) -> None:
        with conn:
            for answered in (True, False):
                line = _read_request(conn)
                if line is None:
                    return
                with self._lock:
                    self.seen.append((number, line))
                if answered:
                    conn.sendall(ANSWER)
            # the second request was read whole: closing sends FIN, no answer, no reset

    def close(self) -> None:
        """Stop accepting."""
        self.listener.close()


def _read_request(conn: socket.socket) -> str | None:
    """The request line of the next request (its body read and dropped); None at EOF."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    length = next(
        (int(h.split(":", 1)[1]) for h in lines[1:] if h.lower().startswith("content-length:")), 0
    )
    while len(body) < length:
        body += conn.recv(65536)
    return lines[0].rsplit(" ", 1)[0]


@pytest.fixture
def server() -> Iterator[ClosingServer]:
    """A server that closes every reused connection unanswered."""
    running = ClosingServer()
    yield running
    running.close()


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[float], None]:
    """Moves httpcore's idea of the time on (its keep-alive expiry), without waiting."""
    import time  # noqa: PLC0415

    offset = [0.0]
    fake = types.SimpleNamespace(monotonic=lambda: time.monotonic() + offset[0])
    monkeypatch.setattr(http11, "time", fake)

    def advance(seconds: float) -> None:
        offset[0] += seconds

    return advance


def test_a_get_cut_on_a_kept_alive_connection_is_sent_again_on_a_new_one(
    server: ClosingServer,
) -> None:
    with as_connection(server) as connection:
        assert connection.get("/node") == {"ok": True}
        assert connection.get("/node") == {"ok": True}
    assert server.seen == [
        (0, "GET /api/v1/node"),
        (0, "GET /api/v1/node"),
        (1, "GET /api/v1/node"),
    ]


def test_a_post_cut_on_a_kept_alive_connection_is_not_sent_twice(server: ClosingServer) -> None:
    with as_connection(server) as connection:
        connection.post("/network/requests", {"n": 1})
        with pytest.raises(TransportError, match="disconnected without sending a response"):
            connection.post("/network/requests", {"n": 2})
    assert server.seen == [(0, "POST /api/v1/network/requests")] * 2  # not a third time


def test_the_api_client_opens_a_new_connection_before_the_node_would_close_the_old_one(
    server: ClosingServer, clock: Callable[[float], None]
) -> None:
    with as_connection(server) as connection:
        connection.post("/network/requests", {"n": 1})
        clock(client_http.KEEPALIVE_EXPIRY + 0.01)
        connection.post("/network/requests", {"n": 2})  # a new connection: answered
    assert [number for number, _ in server.seen] == [0, 1]
    # httpx's default (5 s, the server's own limit) would have reused it: the crash
    with httpx.Client(base_url=server.url) as default:
        default.post("/x")
        clock(client_http.KEEPALIVE_EXPIRY + 0.01)
        with pytest.raises(httpx.RemoteProtocolError):
            default.post("/x")


def test_a_node_posts_to_another_on_a_new_connection_before_the_old_one_would_close(
    server: ClosingServer, clock: Callable[[float], None]
) -> None:
    transport = HttpTransport()
    try:
        assert transport.post(server.url + "/network/v1/inbox", "a.b.c")[0] == 200
        clock(http_transport.KEEPALIVE_EXPIRY + 0.01)
        assert transport.post(server.url + "/network/v1/inbox", "a.b.c")[0] == 200
    finally:
        transport.close()
    assert [number for number, _ in server.seen] == [0, 1]


def test_a_node_gets_a_document_again_when_its_connection_is_cut(server: ClosingServer) -> None:
    transport = HttpTransport()
    try:
        assert transport.get(server.url + "/network/v1/directory") == (200, b'{"ok":true}')
        assert transport.get(server.url + "/network/v1/directory") == (200, b'{"ok":true}')
    finally:
        transport.close()
    assert [number for number, _ in server.seen] == [0, 0, 1]


@pytest.mark.parametrize("expiry", [client_http.KEEPALIVE_EXPIRY, http_transport.KEEPALIVE_EXPIRY])
def test_clients_give_up_idle_connections_well_before_the_node_closes_them(expiry: float) -> None:
    # the margin covers the time between the server sending an answer and the client
    # having read it, on a loaded machine
    assert expiry <= KEEP_ALIVE_SECONDS / 2


def as_connection(server: ClosingServer) -> contextlib.closing[Connection]:
    """The API client's connection to ``server`` (its own httpx client, as in use)."""
    return contextlib.closing(Connection(server.url))
