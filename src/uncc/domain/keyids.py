"""Key ids derived from the key itself (RFC 7638 JWK thumbprint).

A key id that a member may choose can name another member's key; a derived one cannot.
The id of an Ed25519 public key is the first 8 bytes (16 hex digits) of its RFC 7638
thumbprint: SHA-256 of the key's required JWK members, ``{"crv":"Ed25519","kty":"OKP",
"x":<base64url>}``, sorted and without whitespace. Anyone can recompute it from the key,
so a receiver checks that the id it looked a key up by belongs to that key.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json

KID_HEX = 16
"""Hex digits of the thumbprint kept as the key id (64 bits)."""


def thumbprint(public_hex: str) -> bytes:
    """The RFC 7638 thumbprint (SHA-256) of an Ed25519 public key given as 64 hex digits."""
    x = base64.urlsafe_b64encode(bytes.fromhex(public_hex)).rstrip(b"=").decode()
    members = json.dumps(
        {"crv": "Ed25519", "kty": "OKP", "x": x}, separators=(",", ":"), sort_keys=True
    )
    return hashlib.sha256(members.encode()).digest()


@functools.lru_cache(maxsize=4096)
def kid_of(public_hex: str) -> str:
    """The key id of an Ed25519 public key: the first 16 hex digits of its thumbprint.

    Remembered by key (a pure function of it): a directory look-up derives the id of
    every key it lists, at every message.
    """
    return thumbprint(public_hex).hex()[:KID_HEX]


@functools.lru_cache(maxsize=4096)
def legacy_kid_of(public_hex: str) -> str:
    """The key id uncc used before (SHA-256 of the raw key), still named by old checkpoints."""
    return hashlib.sha256(bytes.fromhex(public_hex)).hexdigest()[:KID_HEX]
