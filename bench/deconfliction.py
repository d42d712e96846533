"""Deconfliction (Art. 40(5)): keyed filters of 1,000,000 selectors across 10 States.

Each State builds its filter (HMAC-SHA-256 of every selector, sorted distinct 8-byte
prefixes) and tests its own selectors against the nine other filters, as the node's
check does once it has fetched and verified them (``deconfliction.match``; until branch
``wire`` the row timed one index of all ten filters, a path no node ran). Baseline (the
floor): HMAC-SHA-256 of every selector in a tight loop — the keyed hash the design
needs, done once per selector — in its fastest form in Python: SHA-256 states that
absorbed the key's inner and outer pads once (RFC 2104), copied per selector, two
compressions each. Like the tags, the floor encodes each selector's text (``kind:value``,
joined beforehand, untimed) to the bytes it hashes: the selectors are text, and encoding
them one by one is the fastest form measured (one ``encode`` of them all joined, then a
split, costs 1.11 ×). Until issue 20's second round the floor hashed bytes encoded
beforehand, which no tag can. OpenSSL's one-shot ``hmac.digest`` (the floor until issue
20, four compressions per selector) is timed beside it and named in the note, and so is
the same loop on CPython's own SHA-256 (the private ``_sha256`` module that ``hashlib``
falls back to without OpenSSL), which is faster still on Python 3.11: the floor and the
tags both use ``hashlib``'s public SHA-256 (OpenSSL), see ``bench/findings/ledger.md``.
Goal: build and match each ≤ 1.3 × the floor.
"""

from __future__ import annotations

import hashlib
import hmac
import importlib
import random
import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING

from bench.common import MIN_RUNS, Row, ratio_row, timed
from uncc.domain.deconfliction import SelectorKind, build, match

if TYPE_CHECKING:
    from hashlib import _Hash as Hash

SIZES = {"small": 20_000, "full": 1_000_000}
STATES = 10


def selectors(total: int, seed: int = 40) -> list[list[tuple[SelectorKind, str]]]:
    """Per State, its selectors; 1 % of them shared with another State."""
    rng = random.Random(seed)
    per = total // STATES
    out: list[list[tuple[SelectorKind, str]]] = []
    for s in range(STATES):
        mine = [(SelectorKind.EMAIL, f"user{n}@state{s}.example") for n in range(per)]
        out.append(mine)
    for s in range(STATES):
        for _ in range(per // 100):
            other = rng.randrange(STATES)
            out[s].append(out[other][rng.randrange(per)])
    return out


def pads_floor(key: bytes, texts: list[str], sha256: Callable[[bytes], Hash]) -> Callable[[], None]:
    """The floor's loop over ``texts`` with the SHA-256 constructor given."""
    padded = key.ljust(64, b"\0")
    inner = sha256(bytes(b ^ 0x36 for b in padded))
    outer = sha256(bytes(b ^ 0x5C for b in padded))

    def floor() -> None:
        start, finish = inner.copy, outer.copy
        for text in texts:
            first = start()
            first.update(text.encode())
            second = finish()
            second.update(first.digest())
            second.digest()

    return floor


def builtin_sha256() -> Callable[[bytes], Hash] | None:
    """CPython's own SHA-256 (``_sha256`` up to 3.11, ``_sha2`` after), if this Python has it."""
    for name in ("_sha256", "_sha2"):
        try:
            constructor: Callable[[bytes], Hash] = importlib.import_module(name).sha256
            return constructor
        except (ImportError, AttributeError):
            continue
    return None


def run(size: str) -> list[Row]:
    """Build every filter and match every State against all others."""
    key = secrets.token_bytes(32)
    states = selectors(SIZES[size])
    total = sum(len(s) for s in states)
    texts = [f"{k.value}:{v}" for s in states for k, v in s]
    floor = pads_floor(key, texts, hashlib.sha256)

    def one_shot() -> None:
        digest = hmac.digest
        for text in texts:
            digest(key, text.encode(), "sha256")

    filters: list[bytes] = []

    def build_all() -> None:
        filters.clear()
        filters.extend(build(key, s) for s in states)

    hits: list[int] = []

    def match_all() -> None:  # each State's node, as its check() matches (no network)
        count = 0
        for s, mine in enumerate(states):
            received = {f"S{n}": blob for n, blob in enumerate(filters) if n != s}
            count += sum(len(found) for found in match(key, mine, received).found.values())
        hits.append(count)

    repeat = MIN_RUNS if size == "full" else 3
    base = timed(floor, repeat=repeat)
    openssl = timed(one_shot, repeat=repeat)
    beside = (
        f"HMAC-SHA-256 with OpenSSL's one-shot hmac.digest (the floor before issue 20) took "
        f"{openssl.median:.2f} s ({openssl.median / base.median:.2f} × this floor)."
    )
    builtin = builtin_sha256()
    if builtin is not None:
        own = timed(pads_floor(key, texts, builtin), repeat=repeat)
        beside += (
            f" The floor's loop on CPython's own SHA-256 (private, not hashlib's choice) took "
            f"{own.median:.2f} s ({own.median / base.median:.2f} × this floor); "
            "the tags do not use it either."
        )
    built = timed(build_all, repeat=repeat)
    matched = timed(match_all, repeat=repeat)
    return [
        ratio_row(
            "deconfliction",
            f"build 10 filters, {total:,} selectors",
            built,
            "HMAC-SHA-256 of every selector (floor)",
            base,
            goal="≤ 1.3 × floor",
            limit=1.3,
            note=beside,
        ),
        ratio_row(
            "deconfliction",
            f"match 10 States × 9 filters, {total:,} selectors",
            matched,
            "HMAC-SHA-256 of every selector (floor)",
            base,
            goal="≤ 1.3 × floor",
            limit=1.3,
            note=f"{hits[-1]:,} hits found (about 1 % of selectors are shared by design). The node's path: "
            "each State runs deconfliction.match, what services/network/deconfliction.check() "
            "calls once its members' filters are fetched and verified: its tags computed once "
            "(concatenated, no object per tag), their prefixes sorted once and merged with "
            "each of the 9 other filters (numpy). " + beside,
        ),
    ]
