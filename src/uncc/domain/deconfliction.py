"""Deconfliction of parallel investigations (Art. 40(5)) without sharing selectors.

Every node holds the network's deconfliction key for the current epoch (sent by the hub).
A selector (IP address, wallet, e-mail address, handle, file hash, phone number) is
normalised, then keyed: ``HMAC-SHA256(key, kind ":" value)``. A node publishes only the
first 8 bytes of each tag of its open cases, sorted and signed; another node tests its own
selectors against that set locally. A hit is confirmed with the full 32-byte tag, which
the owner recomputes from its own selectors — so a truncation collision never becomes a
false alarm, and no selector ever leaves its State. ADR 0006 weighs this against a Bloom
filter and private set intersection.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
from collections.abc import Iterable
from enum import StrEnum

PREFIX = 8
"""Bytes of each tag that are published (false-positive odds about n / 2^64)."""


class SelectorKind(StrEnum):
    """What a selector identifies."""

    IP = "ip"
    WALLET = "wallet"
    EMAIL = "email"
    HANDLE = "handle"
    FILE_HASH = "file_hash"
    PHONE = "phone"
    DOMAIN = "domain"


class SelectorError(ValueError):
    """A selector that cannot be normalised (the message says why)."""


_HEX = re.compile(r"^[0-9a-f]+$")


def normalise(kind: SelectorKind, value: str) -> str:
    """The canonical form, so that two States writing the same selector get the same tag."""
    text = value.strip()
    if not text:
        raise SelectorError(f"{kind.value}: empty")
    if kind is SelectorKind.IP:
        try:
            return ipaddress.ip_address(text).compressed
        except ValueError:
            raise SelectorError(f"ip: '{value}' is not an IPv4 or IPv6 address") from None
    if kind is SelectorKind.EMAIL:
        local, at, domain = text.rpartition("@")
        if not at or not local or "." not in domain:
            raise SelectorError(f"email: '{value}' is not an e-mail address")
        return f"{local.lower()}@{domain.lower().rstrip('.')}"
    if kind is SelectorKind.FILE_HASH:
        lowered = text.lower()
        if not _HEX.match(lowered) or len(lowered) not in (32, 40, 64, 128):
            raise SelectorError(
                f"file_hash: '{value}' is not an MD5, SHA-1, SHA-256 or SHA-512 hex digest"
            )
        return lowered
    if kind is SelectorKind.WALLET:
        return text.lower() if text.lower().startswith("0x") else text
    if kind is SelectorKind.PHONE:
        digits = re.sub(r"[^\d]", "", text)
        if len(digits) < 6:
            raise SelectorError(f"phone: '{value}' has too few digits")
        return "+" + digits
    if kind is SelectorKind.DOMAIN:
        return text.lower().rstrip(".")
    return text.lower().lstrip("@")


def tag(key: bytes, kind: SelectorKind, value: str) -> bytes:
    """The 32-byte keyed tag of a selector (value already normalised)."""
    return hmac.new(key, f"{kind.value}:{value}".encode(), hashlib.sha256).digest()


def build(key: bytes, selectors: Iterable[tuple[SelectorKind, str]]) -> bytes:
    """The published filter: sorted, distinct 8-byte tag prefixes, concatenated."""
    prefixes = {tag(key, kind, value)[:PREFIX] for kind, value in selectors}
    return b"".join(sorted(prefixes))


class Filter:
    """Another State's published filter, ready for membership tests."""

    def __init__(self, blob: bytes) -> None:
        if len(blob) % PREFIX:
            raise SelectorError(f"a filter is a multiple of {PREFIX} bytes, not {len(blob)}")
        self._set = {blob[i : i + PREFIX] for i in range(0, len(blob), PREFIX)}

    def __len__(self) -> int:
        return len(self._set)

    def __contains__(self, full_tag: bytes) -> bool:
        return full_tag[:PREFIX] in self._set
