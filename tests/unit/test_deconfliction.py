"""Selectors are normalised and keyed; filters match without revealing them (Art. 40(5))."""

from __future__ import annotations

import hmac
import secrets

import pytest
from hypothesis import given
from hypothesis import strategies as st

from uncc.domain.deconfliction import (
    PREFIX,
    Filter,
    OwnTags,
    SelectorError,
    SelectorKind,
    build,
    joined_tags,
    match,
    normalise,
    tag,
    tags,
)

K = SelectorKind


@pytest.mark.parametrize(
    ("kind", "a", "b"),
    [
        (K.IP, "2001:DB8:0:0:0:0:0:1", "2001:db8::1"),
        (K.EMAIL, "Boss@Example.ORG", "boss@example.org"),
        (K.FILE_HASH, "A" * 64, "a" * 64),
        (K.HANDLE, "@DarkLord", "darklord"),
        (K.PHONE, "+47 (22) 33-44-55", "+4722334455"),
        (K.WALLET, "0xABCDEF", "0xabcdef"),
    ],
)
def test_two_spellings_of_one_selector_give_one_tag(kind: SelectorKind, a: str, b: str) -> None:
    key = secrets.token_bytes(32)
    assert tag(key, kind, normalise(kind, a)) == tag(key, kind, normalise(kind, b))


def test_base58_wallets_keep_their_case() -> None:
    assert (
        normalise(K.WALLET, "1BoatSLRHtKNngkdXEeobR76b53LETtpyT")
        == "1BoatSLRHtKNngkdXEeobR76b53LETtpyT"
    )


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        (K.IP, "300.1.1.1"),
        (K.EMAIL, "nobody"),
        (K.FILE_HASH, "xyz"),
        (K.PHONE, "12"),
        (K.HANDLE, "  "),
    ],
)
def test_malformed_selectors_are_refused(kind: SelectorKind, value: str) -> None:
    with pytest.raises(SelectorError, match=kind.value):
        normalise(kind, value)


def test_a_filter_holds_prefixes_only_and_matches_the_same_key() -> None:
    key = secrets.token_bytes(32)
    selectors = [(K.IP, "203.0.113.7"), (K.EMAIL, "a@b.example"), (K.IP, "203.0.113.7")]
    blob = build(key, selectors)
    assert len(blob) == 2 * PREFIX
    assert b"203.0.113.7" not in blob
    theirs = Filter(blob)
    assert tag(key, K.IP, "203.0.113.7") in theirs
    assert tag(key, K.IP, "203.0.113.8") not in theirs
    assert tag(secrets.token_bytes(32), K.IP, "203.0.113.7") not in theirs  # another key, no match
    with pytest.raises(SelectorError):
        Filter(b"123")


def test_own_tags_find_the_same_hits_as_testing_each_tag() -> None:
    key = secrets.token_bytes(32)
    ours = [(K.EMAIL, f"user{n}@xa.example") for n in range(300)]
    theirs = [(K.EMAIL, f"user{n}@xa.example") for n in range(250, 400)]
    published = Filter(build(key, theirs))
    own_tags = tags(key, ours)
    assert own_tags == [tag(key, k, v) for k, v in ours]
    expected = sorted(t for t in own_tags if t in published)
    assert sorted(published.hits(OwnTags(own_tags))) == expected
    assert len(expected) == 50


def test_two_own_tags_with_one_prefix_are_both_found() -> None:
    first = b"\x01" * PREFIX + b"a" * (32 - PREFIX)
    second = b"\x01" * PREFIX + b"b" * (32 - PREFIX)
    other = b"\x02" * 32
    published = Filter(b"\x01" * PREFIX)
    assert sorted(published.hits(OwnTags([first, other, second]))) == [first, second]


def test_the_published_filter_is_sorted_and_distinct() -> None:
    key = secrets.token_bytes(32)
    selectors = [(K.HANDLE, f"h{n}") for n in range(500)] * 2
    blob = build(key, selectors)
    prefixes = [blob[i : i + PREFIX] for i in range(0, len(blob), PREFIX)]
    assert prefixes == sorted({t[:PREFIX] for t in tags(key, selectors)})


@given(
    key=st.binary(min_size=0, max_size=200),
    values=st.lists(st.text(min_size=1, max_size=80), min_size=1, max_size=5),
)
def test_tags_with_absorbed_pads_are_the_one_shot_hmac(key: bytes, values: list[str]) -> None:
    """Keys shorter, equal to and longer than SHA-256's block give RFC 2104's HMAC bytes."""
    selectors = [(K.HANDLE, v) for v in values] + [(K.IP, "203.0.113.7")]
    expected = [hmac.digest(key, f"{k.value}:{v}".encode(), "sha256") for k, v in selectors]
    assert tags(key, selectors) == expected
    assert joined_tags(key, selectors) == b"".join(expected)
    assert [tag(key, k, v) for k, v in selectors] == expected


@given(
    selectors=st.lists(
        st.tuples(st.sampled_from(list(K)), st.text(min_size=1, max_size=20)), max_size=30
    )
)
def test_joined_tags_of_mixed_kinds_are_the_one_shot_hmac(
    selectors: list[tuple[SelectorKind, str]],
) -> None:
    """Each run of one kind reuses its copier: kinds in any order give RFC 2104's bytes."""
    key = b"k" * 32
    expected = [hmac.digest(key, f"{k.value}:{v}".encode(), "sha256") for k, v in selectors]
    assert joined_tags(key, selectors) == b"".join(expected)


@given(
    selectors=st.lists(
        st.tuples(st.sampled_from(list(K)), st.text(min_size=1, max_size=30)), max_size=60
    )
)
def test_a_filter_is_the_sorted_distinct_prefixes_of_the_one_shot_tags(
    selectors: list[tuple[SelectorKind, str]],
) -> None:
    key = b"k" * 32
    expected = sorted({tag(key, kind, value)[:PREFIX] for kind, value in selectors})
    assert build(key, selectors) == b"".join(expected)


prefixes = st.binary(min_size=PREFIX, max_size=PREFIX)


@given(
    own=st.lists(st.tuples(st.sampled_from(list(K)), st.sampled_from(["a", "b", "c", "d"]))),
    picks=st.lists(
        st.lists(st.one_of(st.integers(0, 30), prefixes), max_size=12), min_size=0, max_size=4
    ),
)
def test_match_finds_what_testing_each_tag_against_each_filter_finds(
    own: list[tuple[SelectorKind, str]], picks: list[list[int | bytes]]
) -> None:
    """The node's match: per State, the indexes of our selectors in its filter, in our order,
    for filters as published or as another node may send them (unsorted, repeated)."""
    key = b"k" * 32
    own_tags = [tag(key, kind, value) for kind, value in own]
    pool = [t[:PREFIX] for t in own_tags] or [b"\x00" * PREFIX]
    published = {
        f"X{n}": b"".join(p if isinstance(p, bytes) else pool[p % len(pool)] for p in f)
        for n, f in enumerate(picks)
    }
    published["built"] = build(key, own[::2])
    matched = match(key, own, published)
    assert bytes(matched.tags) == b"".join(own_tags)
    assert [matched.tag(n) for n in range(len(own))] == own_tags
    assert list(matched.found) == list(published)
    for state, blob in published.items():
        theirs = Filter(blob)
        assert matched.found[state] == [n for n, t in enumerate(own_tags) if t in theirs]
        assert matched.sizes[state] == len(theirs)
