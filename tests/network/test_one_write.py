"""A node posts each request's head and body in one write (``adapters.http_stream``)."""

from __future__ import annotations

import socket
import threading

import httpcore
import pytest

from uncc.adapters.http_stream import OneWriteStream
from uncc.adapters.http_transport import HttpTransport
from uncc.errors import TransportError


class Recorded(httpcore.NetworkStream):
    """A stream that records what is written and answers reads from a script."""

    def __init__(self, answers: list[bytes], broken: bool = False) -> None:
        self.writes: list[bytes] = []
        self.answers = answers
        self.broken = broken
        self.closed = False

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if self.broken:
            raise httpcore.WriteError("broken pipe")
        self.writes.append(buffer)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self.answers.pop(0) if self.answers else b""

    def close(self) -> None:
        self.closed = True


def test_what_is_written_goes_in_one_write_before_the_next_read() -> None:
    inner = Recorded([b"first", b"second"])
    stream = OneWriteStream(inner)
    stream.write(b"POST / HTTP/1.1\r\ncontent-length: 4\r\n\r\n")
    stream.write(b"")
    stream.write(b"body")
    assert inner.writes == []
    assert stream.read(100) == b"first"
    assert inner.writes == [b"POST / HTTP/1.1\r\ncontent-length: 4\r\n\r\nbody"]
    assert stream.read(100) == b"second"
    assert len(inner.writes) == 1  # nothing new held: nothing written
    stream.write(b"next")
    stream.close()
    assert inner.closed
    assert len(inner.writes) == 1


def test_a_failed_write_is_reported_at_the_read() -> None:
    stream = OneWriteStream(Recorded([b"never"], broken=True))
    stream.write(b"request")
    with pytest.raises(httpcore.WriteError):
        stream.read(100)


def _server(chunks: list[bytes], done: threading.Event) -> tuple[socket.socket, str]:
    listener = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        conn, _ = listener.accept()
        with conn:
            data = b""
            while b"\r\n\r\n" not in data or not data.endswith(b"a.b.c"):
                chunk = conn.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
                data += chunk
            conn.sendall(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok")
        done.set()

    threading.Thread(target=serve, daemon=True).start()
    return listener, f"http://127.0.0.1:{listener.getsockname()[1]}"


def test_a_post_arrives_head_and_body_together() -> None:
    chunks: list[bytes] = []
    done = threading.Event()
    listener, url = _server(chunks, done)
    transport = HttpTransport()
    try:
        assert transport.post(url + "/network/v1/inbox", "a.b.c") == (200, "ok")
    finally:
        transport.close()
        listener.close()
    assert done.wait(5)
    assert len(chunks) == 1  # one write: the server's first read has the whole request
    assert chunks[0].startswith(b"POST /network/v1/inbox HTTP/1.1\r\n")
    assert b"content-type: application/jose" in chunks[0].lower()
    assert chunks[0].endswith(b"\r\n\r\na.b.c")


def test_a_closed_port_is_still_a_transport_error() -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    listener.close()
    with pytest.raises(TransportError):
        HttpTransport().post(f"http://127.0.0.1:{port}/network/v1/inbox", "a.b.c")
