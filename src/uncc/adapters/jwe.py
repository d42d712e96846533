"""Compact JWE for one recipient: ECDH-ES key agreement with X25519, A256GCM (RFC 7516, 8037).

Each node has an X25519 key pair next to its signing key (the private key in a file only
its owner can read, encrypted under the key passphrase when one is set); the public half
is published in the hub-signed directory with its RFC 7638 thumbprint as the key id.
"""

from __future__ import annotations

import base64
import functools
import os
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from joserfc import jwe
from joserfc.errors import JoseError
from joserfc.jwk import OKPKey
from joserfc.registry import HeaderParameter

from uncc.errors import KeyAccessError

ALG = "ECDH-ES"
ENC = "A256GCM"
_EXTRA = {
    "uncc-blob": HeaderParameter("SHA-256 of the blob a chunk belongs to", "str"),
    "uncc-chunk": HeaderParameter("Position of the chunk in the blob, from 0", "int"),
}
_REGISTRY = jwe.JWERegistry(header_registry=_EXTRA, algorithms=[ALG, ENC])
_REGISTRY.max_ciphertext_length = MAX_CIPHERTEXT = 8 << 20
"""The largest base64url ciphertext opened (8 MiB): a message, or one blob chunk of 1 MiB."""


class DecryptionError(Exception):
    """The token is not a JWE for this key, or it was changed."""


@functools.lru_cache(maxsize=256)
def _public_okp(public_hex: str) -> OKPKey:
    x = base64.urlsafe_b64encode(bytes.fromhex(public_hex)).rstrip(b"=").decode()
    return OKPKey.import_key({"kty": "OKP", "crv": "X25519", "x": x})


@functools.lru_cache(maxsize=256)
def key_id(public_hex: str) -> str:
    """The RFC 7638 JWK thumbprint (SHA-256, base64url) of an X25519 public key."""
    return str(_public_okp(public_hex).thumbprint())


class EncryptionKey:
    """The node's X25519 key pair for receiving encrypted bodies and blobs."""

    def __init__(self, private: X25519PrivateKey) -> None:
        self._private = private
        raw = private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        self.public_hex = raw.hex()
        self.key_id = key_id(self.public_hex)
        pem = private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        self._okp = OKPKey.import_key(pem)

    @classmethod
    def load_or_create(cls, path: Path, passphrase: bytes | None = None) -> EncryptionKey:
        """The key in ``path``, created (mode 0600, PKCS#8, encrypted with the passphrase) if absent.

        Raises:
            KeyAccessError: the key is encrypted and no passphrase, or a wrong one, was given.
        """
        if not path.exists():
            private = X25519PrivateKey.generate()
            pem = private.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.BestAvailableEncryption(passphrase)
                if passphrase
                else serialization.NoEncryption(),
            )
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:  # another process made it first: use that one
                return cls.load_or_create(path, passphrase)
            with os.fdopen(fd, "wb") as handle:
                handle.write(pem)
                handle.flush()
                os.fsync(handle.fileno())
        try:
            loaded = serialization.load_pem_private_key(path.read_bytes(), password=passphrase)
        except TypeError:
            state = "is not encrypted, but a passphrase was given" if passphrase else "is encrypted"
            msg = f"{path} {state}: check UNCC_KEY_PASSPHRASE"
            raise KeyAccessError(msg) from None
        except ValueError:
            msg = f"{path}: the key passphrase is wrong (UNCC_KEY_PASSPHRASE)"
            raise KeyAccessError(msg) from None
        if not isinstance(loaded, X25519PrivateKey):
            msg = f"{path}: not an X25519 private key"
            raise KeyAccessError(msg)
        return cls(loaded)

    def decrypt(self, token: str) -> tuple[dict[str, Any], bytes]:
        """(protected header, plaintext) of a compact JWE made for this key.

        Raises:
            DecryptionError: another key id, another algorithm, or a changed token.
        """
        try:
            found = jwe.decrypt_compact(token, self._okp, registry=_REGISTRY)
        except (JoseError, ValueError, TypeError, KeyError, RecursionError) as exc:
            # KeyError: an epk of another curve (joserfc's key import); RecursionError:
            # a header nested too deep to parse. A token that cannot be opened is refused.
            raise DecryptionError(f"cannot decrypt ({exc})") from None
        header = dict(found.protected)
        if header.get("kid") != self.key_id:
            raise DecryptionError(f"made for key {header.get('kid')}, this node's is {self.key_id}")
        return header, found.plaintext or b""


def encrypt(plaintext: bytes, public_hex: str, **header: str | int) -> str:
    """A compact JWE of ``plaintext`` that only the holder of the X25519 key can open.

    ``header`` adds protected (authenticated) header parameters: ``typ``, ``cty``,
    ``uncc-blob``, ``uncc-chunk``.
    """
    protected: dict[str, Any] = {"alg": ALG, "enc": ENC, "kid": key_id(public_hex), **header}
    return jwe.encrypt_compact(protected, plaintext, _public_okp(public_hex), registry=_REGISTRY)
