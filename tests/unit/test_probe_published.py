"""Hostile review (issue 20): the one-index match of received filters against a reference.

Prefixes drawn from a pool of four, so that most are held by several States at once, the
excluded State among them or alone; filters unsorted and repeated as a hostile member may
send them. The hits must be exactly those of testing each State's prefixes one by one,
per State and in the order of our tags, whether our tags come as a list or joined.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from uncc.domain.deconfliction import PREFIX, Published

POOL = [bytes([n]) * PREFIX for n in (0, 7, 128, 255)]


def _reference(
    filters: dict[str, bytes], own: list[bytes], exclude: str | None
) -> dict[str, list[bytes]]:
    """Each State but ``exclude``: our tags whose first PREFIX bytes its filter holds."""
    found: dict[str, list[bytes]] = {}
    for state, blob in filters.items():
        if state == exclude:
            continue
        held = {blob[i : i + PREFIX] for i in range(0, len(blob), PREFIX)}
        found[state] = [t for t in own if t[:PREFIX] in held]
    return found


@given(
    filters=st.lists(st.lists(st.sampled_from(POOL), max_size=8), min_size=1, max_size=7),
    own=st.lists(
        st.tuples(st.sampled_from([*POOL, b"\x01" * PREFIX]), st.binary(min_size=24, max_size=24)),
        max_size=25,
    ),
    exclude=st.integers(-1, 7),
)
def test_crowded_prefixes_give_the_reference_hits(
    filters: list[list[bytes]], own: list[tuple[bytes, bytes]], exclude: int
) -> None:
    """Shared, repeated and unsorted prefixes: per State, the reference's hits in order."""
    published = {f"X{n}": b"".join(f) for n, f in enumerate(filters)}
    own_tags = [prefix + rest for prefix, rest in own]
    skip = f"X{exclude}" if exclude >= 0 else None
    expected = _reference(published, own_tags, skip)
    index = Published(published)
    assert index.hits(own_tags, exclude=skip) == expected
    assert index.hits(bytearray(b"".join(own_tags)), exclude=skip) == expected
