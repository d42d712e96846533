"""Key ids derived from keys: a directory finds a key only under its own id, for one member."""

from __future__ import annotations

import datetime as dt

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from uncc.adapters.crypto import NodeKey
from uncc.domain.directory import Directory, Member, PublicKey
from uncc.domain.keyids import kid_of, legacy_kid_of
from uncc.domain.messages import Contact

NOW = dt.datetime(2026, 3, 10, tzinfo=dt.UTC)


def member(state: str, *keys: PublicKey) -> Member:
    desk = Contact(name="desk", phone="+00 555 0100")
    return Member(
        state=state,
        name=state,
        endpoint=f"http://{state}.test",
        keys=list(keys),
        contact_point=desk,
    )


def listed(key: NodeKey, kid: str | None = None) -> PublicKey:
    return PublicKey(kid=kid or kid_of(key.public_hex), public_key=key.public_hex)


def test_a_key_is_found_by_its_derived_id_or_its_former_one_never_by_another() -> None:
    a, b = NodeKey(Ed25519PrivateKey.generate()), NodeKey(Ed25519PrivateKey.generate())
    doc = Directory(
        hub="XH", version=1, issued=NOW, members=[member("XA", listed(a)), member("XB", listed(b))]
    )
    assert doc.problems() == []
    assert doc.key(a.key_id, NOW) == ("XA", a.public_hex)
    assert doc.key(legacy_kid_of(a.public_hex), NOW) == ("XA", a.public_hex)
    assert doc.key("0" * 16, NOW) is None


def test_an_id_that_is_not_its_keys_or_a_key_of_two_members_finds_nothing() -> None:
    a, b = NodeKey(Ed25519PrivateKey.generate()), NodeKey(Ed25519PrivateKey.generate())
    claimed = Directory(
        hub="XH",
        version=1,
        issued=NOW,
        members=[member("XA", listed(a, kid=b.key_id)), member("XB", listed(b))],
    )
    assert claimed.problems()
    assert claimed.key(b.key_id, NOW) == ("XB", b.public_hex)  # never XA's key
    shared = Directory(
        hub="XH",
        version=1,
        issued=NOW,
        members=[member("XA", listed(a), listed(b)), member("XB", listed(b))],
    )
    assert any("also listed" in p for p in shared.problems())
    assert shared.key(b.key_id, NOW) is None
    assert shared.key(a.key_id, NOW) == ("XA", a.public_hex)


def test_the_measures_that_back_an_answer_are_powers_of_the_convention_model() -> None:
    from uncc.convention.catalogue import load_convention  # noqa: PLC0415
    from uncc.domain.conversations import ANSWERS, BACKED, MEASURES  # noqa: PLC0415

    powers = {p.id for _, p in load_convention().powers()}
    assert set().union(*MEASURES.values()) <= powers
    # every request whose answers report a measure says which measures can back them
    assert {kind for kind, fits in ANSWERS.items() if fits & BACKED} == set(MEASURES)
