"""HTTPS between nodes: the CA's chain, then the TLS key pinned by the member's directory entry."""

from __future__ import annotations

import http.server
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.network.kit import contact
from uncc.adapters.http_transport import HttpTransport
from uncc.adapters.tls import LocalCa, NodeTls, spki_sha256
from uncc.bootstrap import build
from uncc.config import Settings
from uncc.errors import TransportError, UserInputError


class Hello(http.server.BaseHTTPRequestHandler):
    heard: list[str] = []  # noqa: RUF012 - the requests that reached a server, across servers

    def do_GET(self) -> None:
        Hello.heard.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"hello")

    def log_message(self, *_: object) -> None:
        return


def serve(tls: NodeTls | None) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hello)
    if tls is not None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(tls.cert, tls.key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"{'https' if tls else 'http'}://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def certificates(tmp_path: Path) -> tuple[NodeTls, str, NodeTls, str]:
    """Two certificates for 127.0.0.1 from the same CA: the pinned one and an impostor's."""
    authority = LocalCa()
    genuine, impostor = NodeTls(tmp_path / "genuine"), NodeTls(tmp_path / "impostor")
    return (
        genuine,
        authority.issue(genuine, "127.0.0.1"),
        impostor,
        authority.issue(impostor, "127.0.0.1"),
    )


def test_a_server_with_another_key_is_refused_even_with_a_valid_certificate(
    certificates: tuple[NodeTls, str, NodeTls, str],
) -> None:
    genuine, pin, impostor, other_pin = certificates
    assert pin != other_pin
    assert spki_sha256(genuine.cert.read_bytes()) == pin
    for url in serve(genuine):
        answer = HttpTransport(ca=genuine.ca, pin=lambda _: pin).get(url + "/x")
        assert answer == (200, b"hello")
    for url in serve(impostor):  # the CA vouches for it, the directory does not
        Hello.heard.clear()
        with pytest.raises(TransportError, match="not the one its directory entry names"):
            HttpTransport(ca=genuine.ca, pin=lambda _: pin).get(url + "/secret")
        assert Hello.heard == []  # refused in the handshake: the request never went
        with pytest.raises(TransportError, match="CERTIFICATE_VERIFY_FAILED"):
            HttpTransport(pin=lambda _: pin).get(url + "/x")  # the system CAs do not know it


def test_a_pinned_member_reached_over_plain_http_is_refused(
    certificates: tuple[NodeTls, str, NodeTls, str],
) -> None:
    genuine, pin, _, _ = certificates
    for url in serve(None):
        Hello.heard.clear()
        with pytest.raises(TransportError, match="not TLS"):
            HttpTransport(ca=genuine.ca, pin=lambda _: pin).post(url + "/x", "token")
        assert Hello.heard == []
        assert HttpTransport(ca=genuine.ca, pin=lambda _: None).get(url + "/x")[0] == 200


def test_a_nodes_entry_pins_its_certificates_key(
    tmp_path: Path, certificates: tuple[NodeTls, str, NodeTls, str]
) -> None:
    from tests.network.kit import make_node  # noqa: PLC0415
    from tests.service.conftest import Clock  # noqa: PLC0415
    from uncc.services.network import directory  # noqa: PLC0415

    genuine, pin, _, _ = certificates
    peer = make_node(
        tmp_path, "XA", Clock(), "uncc: profile/1\nname: A\nstate: XA\nfictional: true\n"
    )
    settings = Settings(data_dir=tmp_path / "XA", tls_dir=genuine.folder)
    ctx = build(settings, engine=peer.ctx.engine)
    entry = directory.own_entry(ctx, "https://127.0.0.1:1", contact("desk"), ["en"])
    assert entry.tls_spki == pin
    assert directory.own_entry(peer.ctx, "http://a", contact("desk"), ["en"]).tls_spki is None


def test_a_node_in_a_network_will_not_serve_plain_http_unless_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner  # noqa: PLC0415

    from tests.network.kit import make_node  # noqa: PLC0415
    from tests.service.conftest import Clock  # noqa: PLC0415
    from uncc.entrypoints.cli import session  # noqa: PLC0415
    from uncc.entrypoints.cli.main import app  # noqa: PLC0415
    from uncc.services.network import directory  # noqa: PLC0415

    profile = "uncc: profile/1\nname: A\nstate: XA\nfictional: true\n"
    peer = make_node(tmp_path, "XA", Clock(), profile)
    directory.join(
        peer.ctx,
        peer.admin,
        endpoint="https://127.0.0.1:1",
        hub_state="XH",
        hub_endpoint="https://127.0.0.1:2",
        hub_key="0" * 64,
    )
    monkeypatch.setenv("UNCC_DATA_DIR", str(tmp_path / "XA"))
    monkeypatch.delenv("UNCC_DATABASE_URL", raising=False)
    session.context.cache_clear()
    try:
        result = CliRunner().invoke(app, ["serve", "--port", "1"])
    finally:
        session.context.cache_clear()
    assert isinstance(result.exception, UserInputError)  # uncc exits 2 with this line
    assert "--plain-http" in str(result.exception)
    assert str(tmp_path / "XA" / "tls") in str(result.exception)
