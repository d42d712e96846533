"""TLS for the network: a local CA for loopback networks, certificates, and key pins.

A node's TLS key is bound to its directory entry by the SHA-256 of the certificate's
SubjectPublicKeyInfo (``tls_spki``): a client that reaches a member checks, after the
CA's chain, that the server's key is the one the hub-signed directory names.
"""

from __future__ import annotations

import hashlib
import os
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

CERT = "cert.pem"
KEY = "key.pem"
CA = "ca.pem"


def spki_sha256(certificate: bytes) -> str:
    """SHA-256 (hex) of the SubjectPublicKeyInfo of a certificate (PEM or DER)."""
    cert = (
        x509.load_pem_x509_certificate(certificate)
        if certificate.lstrip().startswith(b"-----")
        else x509.load_der_x509_certificate(certificate)
    )
    spki = cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(spki).hexdigest()


def client_context(
    ca: Path | None, pin: Callable[[str], str | None] | None = None
) -> ssl.SSLContext:
    """What a client trusts: the given CA bundle, else the system's; and the pinned keys.

    ``pin`` maps an origin (``https://host:port``) to the SHA-256 of the SPKI its server
    must present, or None. It is checked in the TLS handshake, after the CA's chain and
    before a byte of the request is sent: a server with another key is never written to.
    """
    context = ssl.create_default_context(cafile=str(ca) if ca else None)
    if pin is not None:
        context.sslsocket_class = _pinned_socket(pin)
    return context


def _pinned_socket(pin: Callable[[str], str | None]) -> type[ssl.SSLSocket]:
    class PinnedSocket(ssl.SSLSocket):
        """A TLS socket that refuses a server whose key is not the pinned one."""

        def do_handshake(self, block: bool = False) -> None:
            super().do_handshake(block)
            port = self.getpeername()[1]
            expected = pin(f"https://{self.server_hostname}:{port}")
            if expected is None and port == 443:
                expected = pin(f"https://{self.server_hostname}")
            if expected is None:
                return
            der = self.getpeercert(True)
            if not der or spki_sha256(der) != expected:
                self.close()
                msg = "the server's TLS key is not the one its directory entry names"
                raise ssl.SSLError(msg)

    return PinnedSocket


def _private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


@dataclass(frozen=True)
class NodeTls:
    """Where a node keeps its certificate, key and the CA it trusts (``<data>/tls/``)."""

    folder: Path

    @property
    def cert(self) -> Path:
        """The node's certificate chain (PEM)."""
        return self.folder / CERT

    @property
    def key(self) -> Path:
        """The node's TLS private key (PEM, mode 0600)."""
        return self.folder / KEY

    @property
    def ca(self) -> Path:
        """The CA certificates the node trusts for other nodes (PEM)."""
        return self.folder / CA


class LocalCa:
    """A certificate authority made at start for a network on one machine (``trustme``)."""

    def __init__(self) -> None:
        import trustme  # noqa: PLC0415 - only the demo and tests make a CA

        self._ca = trustme.CA(organization_name="uncc local network CA")

    def issue(self, into: NodeTls, *names: str) -> str:
        """Write a certificate for the names (IPs or hosts), its key and the CA; the SPKI pin."""
        issued = self._ca.issue_cert(*names)
        chain = b"".join(blob.bytes() for blob in issued.cert_chain_pems)
        _private(into.key, issued.private_key_pem.bytes())
        _private(into.cert, chain)
        _private(into.ca, self._ca.cert_pem.bytes())
        return spki_sha256(issued.cert_chain_pems[0].bytes())
