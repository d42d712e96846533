"""Deconfliction (Art. 40(5)): keyed filters of 1,000,000 selectors across 10 States.

Each State builds its filter (HMAC-SHA256 of every selector, sorted 8-byte prefixes) and
tests its own selectors against the nine other filters. Baseline: plain SHA-256 of every
selector in a tight loop (the floor of touching each selector once with a hash).
"""

from __future__ import annotations

import hashlib
import random
import secrets

from bench.common import Row, ratio_row, timed
from uncc.domain.deconfliction import Filter, SelectorKind, build, tag

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


def run(size: str) -> list[Row]:
    """Build every filter and match every State against all others."""
    key = secrets.token_bytes(32)
    states = selectors(SIZES[size])
    total = sum(len(s) for s in states)
    flat = [f"{k.value}:{v}".encode() for s in states for k, v in s]

    def floor() -> None:
        sha = hashlib.sha256
        for item in flat:
            sha(item).digest()

    filters: list[bytes] = []

    def build_all() -> None:
        filters.clear()
        filters.extend(build(key, s) for s in states)

    hits: list[int] = []

    def match_all() -> None:
        loaded = [Filter(f) for f in filters]
        count = 0
        for s, mine in enumerate(states):
            tags = [tag(key, k, v) for k, v in mine]
            for o, theirs in enumerate(loaded):
                if o != s:
                    count += sum(1 for t in tags if t in theirs)
        hits.append(count)

    base = timed(floor, repeat=3)
    built = timed(build_all, repeat=3)
    matched = timed(match_all, repeat=3)
    return [
        ratio_row(
            "deconfliction",
            f"build 10 filters, {total:,} selectors",
            built,
            "SHA-256 of every selector (floor)",
            base,
        ),
        ratio_row(
            "deconfliction",
            f"match 10 States × 9 filters, {total:,} selectors",
            matched,
            "SHA-256 of every selector (floor)",
            base,
            note=f"{hits[-1]:,} hits found (about 1 % of selectors are shared by design); every State's tags are computed once and tested against 9 filters.",
        ),
    ]
