"""Real cryptography: Ed25519 node keys, argon2 password hashes, hashed API tokens."""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from uncc.domain.keyids import kid_of
from uncc.errors import KeyAccessError

PASSWORD_HASHING = {
    "rfc9106-low-memory": profiles.RFC_9106_LOW_MEMORY,
    "rfc9106-high-memory": profiles.RFC_9106_HIGH_MEMORY,
    "cheapest": profiles.CHEAPEST,
}
"""argon2id cost profiles by name (``UNCC_PASSWORD_HASHING``), from argon2-cffi: RFC 9106's
second recommendation (64 MiB, 3 passes; the default), its first (2 GiB, 1 pass), and the
cheapest the library has, for test runs only (it protects nothing)."""

_HASHER = PasswordHasher.from_parameters(PASSWORD_HASHING["rfc9106-low-memory"])


def use_password_hashing(profile: str) -> None:
    """Hash new passwords with the named cost profile (a stored hash keeps its own).

    Raises:
        KeyError: no such profile (the settings allow only the names above).
    """
    global _HASHER  # noqa: PLW0603 - the process's hasher, chosen once at start by bootstrap
    parameters = PASSWORD_HASHING[profile]
    if _HASHER.time_cost != parameters.time_cost or _HASHER.memory_cost != parameters.memory_cost:
        _HASHER = PasswordHasher.from_parameters(parameters)


def password_hashing_cost() -> tuple[int, int, int]:
    """The cost of new hashes: (time cost, memory in KiB, parallelism)."""
    return _HASHER.time_cost, _HASHER.memory_cost, _HASHER.parallelism


def hash_password(password: str) -> str:
    """An argon2id hash of the password."""
    return _HASHER.hash(password)


def check_password(stored: str, password: str) -> bool:
    """True when the password matches the stored argon2 hash."""
    try:
        return _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def new_token() -> tuple[str, str]:
    """A fresh API token and the SHA-256 hex digest that is stored instead of it."""
    token = "uncc_" + secrets.token_urlsafe(32)
    return token, token_digest(token)


def token_digest(token: str) -> str:
    """How a token is stored and looked up: its SHA-256 hex digest."""
    return hashlib.sha256(token.encode()).hexdigest()


class NodeKey:
    """The node's Ed25519 signing key, kept in a file only its owner can read."""

    def __init__(self, private: Ed25519PrivateKey) -> None:
        self._private = private
        raw = private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        self.public_hex = raw.hex()
        self.key_id = kid_of(self.public_hex)
        """The RFC 7638 thumbprint prefix of the public key (``uncc.domain.keyids``)."""

    @classmethod
    def generate(cls, path: Path, passphrase: bytes | None = None) -> NodeKey:
        """Create a key and write it to ``path`` (mode 0600, never overwriting one).

        With a passphrase the PEM is encrypted (PKCS#8, the library's best available
        scheme); without one it is written in the clear, readable only by its owner.
        """
        private = Ed25519PrivateKey.generate()
        pem = private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(passphrase)
            if passphrase
            else serialization.NoEncryption(),
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
            handle.flush()
            os.fsync(handle.fileno())
        return cls(private)

    @classmethod
    def load(cls, path: Path, passphrase: bytes | None = None) -> NodeKey:
        """Read the key from ``path`` (decrypting it with the passphrase when it is encrypted).

        Raises:
            KeyAccessError: the key is encrypted and no passphrase, or a wrong one, was given.
        """
        try:
            private = serialization.load_pem_private_key(path.read_bytes(), password=passphrase)
        except TypeError:
            if passphrase:
                msg = f"{path} is not encrypted, but a passphrase was given (unset UNCC_KEY_PASSPHRASE)"
            else:
                msg = f"{path} is encrypted: set UNCC_KEY_PASSPHRASE to the node's key passphrase"
            raise KeyAccessError(msg) from None
        except ValueError:
            msg = f"{path}: the key passphrase is wrong (UNCC_KEY_PASSPHRASE)"
            raise KeyAccessError(msg) from None
        if not isinstance(private, Ed25519PrivateKey):
            msg = f"{path}: not an Ed25519 private key"
            raise ValueError(msg)
        return cls(private)

    def sign(self, message: bytes) -> bytes:
        """An Ed25519 signature of ``message``."""
        return self._private.sign(message)

    def private_pem(self) -> bytes:
        """The private key as unencrypted PKCS#8 PEM (for the JWS library, in memory only)."""
        return self._private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )


def verifier(public_hex: str):  # type: ignore[no-untyped-def]
    """A function (message, signature) → bool for a pinned Ed25519 public key."""
    key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_hex))

    def verify(message: bytes, signature: bytes) -> bool:
        try:
            key.verify(signature, message)
        except InvalidSignature:
            return False
        return True

    return verify


WRAPPED = b"uncc-data-key/1\n"
"""The first bytes of a data key wrapped with a passphrase."""


def _kek(passphrase: bytes, salt: bytes) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt  # noqa: PLC0415

    return Scrypt(salt=salt, length=32, n=2**15, r=8, p=1).derive(passphrase)


def _wrap(raw: bytes, passphrase: bytes) -> bytes:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # noqa: PLC0415

    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    return WRAPPED + salt + nonce + AESGCM(_kek(passphrase, salt)).encrypt(nonce, raw, WRAPPED)


def _unwrap(stored: bytes, passphrase: bytes, path: Path) -> bytes:
    from cryptography.exceptions import InvalidTag  # noqa: PLC0415
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # noqa: PLC0415

    body = stored[len(WRAPPED) :]
    salt, nonce, sealed = body[:16], body[16:28], body[28:]
    try:
        return AESGCM(_kek(passphrase, salt)).decrypt(nonce, sealed, WRAPPED)
    except InvalidTag:
        msg = f"{path}: the key passphrase is wrong (UNCC_KEY_PASSPHRASE)"
        raise KeyAccessError(msg) from None


class DataKey:
    """A 256-bit AES-GCM key that encrypts protected identities at rest (file mode 0600)."""

    def __init__(self, key: bytes) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # noqa: PLC0415

        self._aead = AESGCM(key)

    @classmethod
    def load_or_create(cls, path: Path, passphrase: bytes | None = None) -> DataKey:
        """The key in ``path``, created (0600) on first use.

        With a passphrase the key is stored wrapped: AES-256-GCM under a key derived from
        the passphrase with scrypt (n = 2**15, r = 8, p = 1) and a random salt.

        Raises:
            KeyAccessError: the stored key is wrapped and no passphrase, or a wrong one, was given.
        """
        if not path.exists():
            raw = secrets.token_bytes(32)
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(_wrap(raw, passphrase) if passphrase else raw)
                handle.flush()
                os.fsync(handle.fileno())
        stored = path.read_bytes()
        if stored.startswith(WRAPPED):
            if not passphrase:
                msg = f"{path} is wrapped: set UNCC_KEY_PASSPHRASE to the node's key passphrase"
                raise KeyAccessError(msg)
            return cls(_unwrap(stored, passphrase, path))
        if passphrase:
            msg = f"{path} is not wrapped, but a passphrase was given (unset UNCC_KEY_PASSPHRASE)"
            raise KeyAccessError(msg)
        return cls(stored)

    def seal(self, plaintext: bytes, context: bytes) -> bytes:
        """Nonce and ciphertext; ``context`` (e.g. the record id) is bound as associated data."""
        nonce = secrets.token_bytes(12)
        return nonce + self._aead.encrypt(nonce, plaintext, context)

    def open(self, sealed: bytes, context: bytes) -> bytes:
        """The plaintext (raises if the data or its context was changed)."""
        return self._aead.decrypt(sealed[:12], sealed[12:], context)
