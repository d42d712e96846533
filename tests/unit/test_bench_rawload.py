"""The raw-socket load generator of the scale-out row reads whole answers and fails loudly."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from bench.rawload import drive_raw


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # kept alive, as uvicorn does

    def do_GET(self) -> None:
        if self.headers.get("authorization") != "Bearer t":
            self._answer(401, b'{"detail":"no"}')
            return
        self._answer(200, b"x" * 70_000 if self.path == "/big" else b'{"ok":true}')

    def _answer(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def base() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_every_request_is_answered_and_counted(base: str) -> None:
    rate, p50, p99 = drive_raw(
        [base, base], "/big", threads=4, requests=40, headers={"authorization": "Bearer t"}
    )
    assert rate > 0
    assert 0 < p50 <= p99


def test_an_error_answer_fails_the_run(base: str) -> None:
    with pytest.raises(RuntimeError, match="401"):
        drive_raw([base], "/node", threads=2, requests=4)


def test_a_server_that_is_not_there_fails_the_run() -> None:
    with pytest.raises(RuntimeError, match="client 0"):
        drive_raw(["http://127.0.0.1:9"], "/node", threads=1, requests=2)
