"""Compact JWE for one recipient: ECDH-ES key agreement with X25519, A256GCM (RFC 7516, 8037).

Tokens are made and opened here with ``cryptography``'s primitives (X25519, the Concat KDF
of NIST SP 800-56A, AES-GCM) for this one profile, which is all the network uses (ADR 0055):
``joserfc``'s general JWE took three times the cryptography's own CPU per message, and it
stays the reference the tests compare with. Opening is strict: exactly this algorithm and
encryption, an ``epk`` that is an X25519 public key, no other header parameters than ours,
an empty encrypted key, a 96-bit IV and a 128-bit tag; AES-GCM authenticates the protected
header with the ciphertext.

Each node has an X25519 key pair next to its signing key (the private key in a file only
its owner can read, encrypted under the key passphrase when one is set); the public half
is published in the hub-signed directory with its RFC 7638 thumbprint as the key id.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
import os
import struct
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.concatkdf import ConcatKDFHash
from joserfc.jwk import OKPKey

from uncc.errors import KeyAccessError

ALG = "ECDH-ES"
ENC = "A256GCM"
HEADER = {"kid": str, "typ": str, "cty": str, "uncc-blob": str, "uncc-chunk": int}
"""The optional protected header parameters a token may carry, and their types."""
MAX_CIPHERTEXT = 8 << 20
"""The largest base64url ciphertext opened (8 MiB): a message, or one blob chunk of 1 MiB."""
_OTHER_INFO = (
    struct.pack(">I", len(ENC)) + ENC.encode() + struct.pack(">II", 0, 0) + struct.pack(">I", 256)
)
"""The Concat KDF's OtherInfo for ECDH-ES direct (RFC 7518 4.6.2): AlgorithmID ``enc``,
empty PartyUInfo and PartyVInfo (no ``apu``, ``apv``), SuppPubInfo the key's 256 bits."""


class DecryptionError(Exception):
    """The token is not a JWE for this key, or it was changed."""


@functools.lru_cache(maxsize=256)
def _public_okp(public_hex: str) -> OKPKey:
    x = base64.urlsafe_b64encode(bytes.fromhex(public_hex)).rstrip(b"=").decode()
    return OKPKey.import_key({"kty": "OKP", "crv": "X25519", "x": x})


@functools.lru_cache(maxsize=256)
def _public_x25519(public_hex: str) -> X25519PublicKey:
    """The key object for a public key's bytes (which key to use is the caller's choice)."""
    return X25519PublicKey.from_public_bytes(bytes.fromhex(public_hex))


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    """Base64url without padding, refusing any other character (``binascii.Error``)."""
    if "=" in text:
        raise binascii.Error("padded base64url")
    padded = text.encode("ascii").translate(_STANDARD) + b"=" * (-len(text) % 4)
    return binascii.a2b_base64(padded, strict_mode=True)


_STANDARD = bytes.maketrans(b"-_+/", b"+/-_")
"""Base64url's two characters to standard base64's, and standard's to characters it refuses."""


def _content_key(shared: bytes) -> bytes:
    """The A256GCM key from the X25519 shared secret (Concat KDF, SHA-256)."""
    return ConcatKDFHash(hashes.SHA256(), 32, _OTHER_INFO).derive(shared)


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
            header, plaintext = self._opened(token)
        except InvalidTag:
            msg = "cannot decrypt (the token was changed, or is for another key)"
            raise DecryptionError(msg) from None
        except (ValueError, TypeError, KeyError, binascii.Error, RecursionError) as exc:
            # RecursionError: a header nested too deep to parse. A token that cannot be
            # opened is refused, never a crash of the receiving path.
            raise DecryptionError(f"cannot decrypt ({exc})") from None
        if header.get("kid") != self.key_id:
            raise DecryptionError(f"made for key {header.get('kid')}, this node's is {self.key_id}")
        return header, plaintext

    def _opened(self, token: str) -> tuple[dict[str, Any], bytes]:
        """The checked protected header and the authenticated plaintext (``InvalidTag``)."""
        parts = token.split(".")
        if len(parts) != 5:  # header, encrypted key, IV, ciphertext, tag
            raise ValueError("not a compact JWE (five parts)")
        protected, encrypted_key, iv, ciphertext, tag = parts
        if len(ciphertext) > MAX_CIPHERTEXT:
            raise ValueError(f"the ciphertext is longer than {MAX_CIPHERTEXT} characters")
        if encrypted_key:
            raise ValueError("ECDH-ES agrees the key directly: the encrypted key must be empty")
        header = _checked_header(json.loads(_unb64(protected)))
        nonce, check = _unb64(iv), _unb64(tag)
        if len(nonce) != 12 or len(check) != 16:
            raise ValueError("A256GCM needs a 96-bit IV and a 128-bit tag")
        sealed = _unb64(ciphertext) + check
        sender = X25519PublicKey.from_public_bytes(_unb64(header["epk"]["x"]))
        cek = _content_key(self._private.exchange(sender))
        return header, AESGCM(cek).decrypt(nonce, sealed, protected.encode("ascii"))


def _checked_header(header: object) -> dict[str, Any]:
    """The protected header, if it is exactly this profile's (else ``ValueError``)."""
    if not isinstance(header, dict):
        raise ValueError("the protected header is not a JSON object")
    if header.get("alg") != ALG or header.get("enc") != ENC:
        raise ValueError(f"only {ALG} with {ENC} is accepted")
    epk = header.get("epk")
    if (
        not isinstance(epk, dict)
        or set(epk) != {"kty", "crv", "x"}
        or epk["kty"] != "OKP"
        or epk["crv"] != "X25519"
        or not isinstance(epk["x"], str)
    ):
        raise ValueError("epk must be an X25519 public key (OKP)")
    for name, value in header.items():
        if name in {"alg", "enc", "epk"}:
            continue
        kind = HEADER.get(name)
        if kind is None or type(value) is not kind:
            raise ValueError(f"header parameter {name!r} is not accepted here")
    return header


def encrypt(plaintext: bytes, public_hex: str, **header: str | int) -> str:
    """A compact JWE of ``plaintext`` that only the holder of the X25519 key can open.

    ``header`` adds protected (authenticated) header parameters: ``typ``, ``cty``,
    ``uncc-blob``, ``uncc-chunk``.
    """
    ephemeral = X25519PrivateKey.generate()
    epk = ephemeral.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    protected = _b64(
        json.dumps(
            {
                "alg": ALG,
                "enc": ENC,
                "kid": key_id(public_hex),
                **_checked_extra(header),
                "epk": {"crv": "X25519", "x": _b64(epk), "kty": "OKP"},
            },
            separators=(",", ":"),
        ).encode()
    )
    cek = _content_key(ephemeral.exchange(_public_x25519(public_hex)))
    iv = os.urandom(12)
    sealed = AESGCM(cek).encrypt(iv, plaintext, protected.encode("ascii"))
    return f"{protected}..{_b64(iv)}.{_b64(sealed[:-16])}.{_b64(sealed[-16:])}"


def _checked_extra(header: dict[str, str | int]) -> dict[str, str | int]:
    """The caller's header parameters, refused unless the profile lists them with their type."""
    for name, value in header.items():
        if HEADER.get(name) is not type(value):
            msg = f"header parameter {name!r} is not accepted here"
            raise ValueError(msg)
    return header
