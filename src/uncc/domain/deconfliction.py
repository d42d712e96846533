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
import sys
from array import array
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import count
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hashlib import _Hash as Hash

    import numpy as np
    from numpy.typing import NDArray

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


_LABELS = {kind: f"{kind.value}:" for kind in SelectorKind}


def tag(key: bytes, kind: SelectorKind, value: str) -> bytes:
    """The 32-byte keyed tag of a selector (value already normalised)."""
    return hmac.digest(key, (_LABELS[kind] + value).encode(), "sha256")


_BLOCK = 64
"""SHA-256's block size in bytes (RFC 2104's B)."""


def keyed_pads(key: bytes) -> tuple[hashlib._Hash, hashlib._Hash]:
    """SHA-256 states that have absorbed the key's inner and outer pads (RFC 2104).

    HMAC(key, m) = H(opad-key || H(ipad-key || m)); absorbing each padded key once lets
    many tags under one key copy the two states instead of hashing the pads again.
    """
    if len(key) > _BLOCK:
        key = hashlib.sha256(key).digest()
    padded = key.ljust(_BLOCK, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in padded))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in padded))
    return inner, outer


def _labelled(key: bytes) -> tuple[dict[SelectorKind, Callable[[], Hash]], Callable[[], Hash]]:
    """Copiers of SHA-256 states: per kind, inner pad and label (``"email:"``); outer pad."""
    inner, outer = keyed_pads(key)
    starts = {}
    for kind, label in _LABELS.items():
        labelled = inner.copy()
        labelled.update(label.encode())
        starts[kind] = labelled.copy
    return starts, outer.copy


def tags(key: bytes, selectors: Iterable[tuple[SelectorKind, str]]) -> list[bytes]:
    """The tags of many selectors, in order: the same bytes as :func:`tag` for each.

    The key's pads are absorbed once (:func:`keyed_pads`), and with the inner pad each
    kind's label, so each tag costs two SHA-256 compressions instead of four and hashes
    the selector's own bytes only.
    """
    starts, finish = _labelled(key)
    out: list[bytes] = []
    append = out.append
    for kind, value in selectors:
        first = starts[kind]()
        first.update(value.encode())
        second = finish()
        second.update(first.digest())
        append(second.digest())
    return out


def joined_tags(key: bytes, selectors: Iterable[tuple[SelectorKind, str]]) -> bytearray:
    """:func:`tags` concatenated (32 bytes each), without a Python object per tag."""
    starts, finish = _labelled(key)
    out = bytearray()
    last: SelectorKind | None = None
    start = finish  # each kind's own copier from its first selector on (``last``)
    for kind, value in selectors:
        if kind is not last:  # selectors mostly come in runs of one kind: one look-up a run
            last, start = kind, starts[kind]
        first = start()
        first.update(value.encode())
        second = finish()
        second.update(first.digest())
        out += second.digest()
    return out


def _prefix_words(full_tags: list[bytes]) -> array[int]:
    """Each tag's published prefix as a machine word (native order), without a Python loop."""
    words: array[int] = array("Q")
    words.frombytes(b"".join(full_tags))
    return words[:: 32 // PREFIX]


def _prefix_numbers(full_tags: list[bytes] | bytearray) -> NDArray[np.uint64]:
    """Each tag's published prefix as a number (its bytes read big-endian), in a numpy array.

    Numbers sort as the prefixes' bytes do. ``full_tags`` may be :func:`joined_tags`.
    """
    import numpy as np  # noqa: PLC0415 - numpy only where filters are built or matched

    joined = full_tags if isinstance(full_tags, bytearray) else b"".join(full_tags)
    return np.frombuffer(joined, dtype=">u8")[:: 32 // PREFIX].astype(np.uint64)


def build(key: bytes, selectors: Iterable[tuple[SelectorKind, str]]) -> bytes:
    """The published filter: sorted, distinct 8-byte tag prefixes, concatenated."""
    import numpy as np  # noqa: PLC0415 - see _prefix_numbers

    numbers = _prefix_numbers(joined_tags(key, selectors))
    numbers.sort()
    distinct = np.empty(len(numbers), dtype=bool)
    distinct[:1] = True
    np.not_equal(numbers[1:], numbers[:-1], out=distinct[1:])
    return numbers[distinct].astype(">u8").tobytes()


class Filter:
    """Another State's published filter, ready for membership tests."""

    def __init__(self, blob: bytes) -> None:
        if len(blob) % PREFIX:
            raise SelectorError(f"a filter is a multiple of {PREFIX} bytes, not {len(blob)}")
        words: array[int] = array("Q")
        words.frombytes(blob)
        self._set = set(words)

    def __len__(self) -> int:
        return len(self._set)

    def words(self) -> set[int]:
        """The published prefixes as machine words (native order)."""
        return self._set

    def __contains__(self, full_tag: bytes) -> bool:
        return int.from_bytes(full_tag[:PREFIX], sys.byteorder) in self._set

    def hits(self, own: OwnTags) -> list[bytes]:
        """Our full tags whose published prefix is in this filter (to confirm in full)."""
        return [t for word in own.prefixes & self._set for t in own.with_prefix(word)]


class OwnTags:
    """One State's own tags indexed by their published prefix, to test against many filters.

    Intersecting two prefix sets costs the smaller one's size, so each further filter is
    cheap next to computing the tags. Two own tags sharing a prefix are both kept.
    """

    def __init__(self, full_tags: Iterable[bytes]) -> None:
        self._tags = list(full_tags)
        words = _prefix_words(self._tags)
        self._at = dict(zip(words, count(), strict=False))
        self._shared: dict[int, list[int]] = {}
        if len(self._at) != len(self._tags):  # a prefix shared by two of our own tags
            for n, word in enumerate(words):
                self._shared.setdefault(word, []).append(n)
        self.prefixes = set(self._at)

    def with_prefix(self, word: int) -> list[bytes]:
        """Our tags whose prefix is ``word``."""
        return [self._tags[n] for n in self._shared.get(word) or [self._at[word]]]


@dataclass(frozen=True, slots=True)
class Matched:
    """Our selectors tested against the filters other States published (the node's check)."""

    tags: bytearray
    """Our full tags (:func:`joined_tags`, 32 bytes each), in the order of our selectors."""
    found: dict[str, list[int]]
    """Per State (in the filters' order), the indexes of our selectors whose published
    prefix its filter holds, in the order of our selectors."""
    sizes: dict[str, int]
    """Per State, how many distinct prefixes its filter holds (as :class:`Filter`'s len)."""

    def tag(self, n: int) -> bytes:
        """The full tag of our ``n``-th selector."""
        return bytes(self.tags[n * 32 : n * 32 + 32])


def match(
    key: bytes, own: Sequence[tuple[SelectorKind, str]], filters: Mapping[str, bytes]
) -> Matched:
    """What testing each of our tags against each State's :class:`Filter` finds.

    Our tags are computed once (:func:`joined_tags`) and their prefixes sorted once; each
    filter, sorted and distinct as published, is then merged with our distinct prefixes
    (numpy's stable sort merges two sorted runs in linear time): a prefix met twice is in
    both. Only those few are looked up among ours, so a filter costs one merge, not a
    Python test (nor a binary search) per tag.
    """
    import numpy as np  # noqa: PLC0415 - see _prefix_numbers

    joined = joined_tags(key, own)
    mine = _prefix_numbers(joined)
    order = np.argsort(mine)
    wanted = mine[order]
    distinct = wanted[np.concatenate(([True], wanted[1:] != wanted[:-1]))] if len(mine) else mine
    found: dict[str, list[int]] = {}
    sizes: dict[str, int] = {}
    for state, blob in filters.items():
        if len(blob) % PREFIX:
            raise SelectorError(f"a filter is a multiple of {PREFIX} bytes, not {len(blob)}")
        theirs = np.frombuffer(blob, dtype=">u8").astype(np.uint64)
        if len(theirs) > 1 and not (theirs[1:] > theirs[:-1]).all():  # not as published
            theirs = np.unique(theirs)
        sizes[state] = len(theirs)
        both = np.concatenate((distinct, theirs))
        both.sort(kind="stable")  # two sorted runs: merged
        common = both[1:][both[1:] == both[:-1]]  # each side distinct: met twice, in both
        first = np.searchsorted(wanted, common, "left")
        counts = np.searchsorted(wanted, common, "right") - first
        runs = np.repeat(first - (np.cumsum(counts) - counts), counts)
        runs += np.arange(len(runs))  # every one of ours with a common prefix
        held = order[runs]
        held.sort()  # back to the order of our selectors
        found[state] = held.tolist()
    return Matched(joined, found, sizes)
