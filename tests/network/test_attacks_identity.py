"""A hostile member (or stranger) against keys, the directory and the inbox: each attack
refused, and nothing changed (issue 14: directory poisoning, rollback, unknown-kid flood,
garbage flood, audit actors from verified senders only)."""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass

import pytest
import rfc8785
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from joserfc.jwk import OKPKey

from tests.network.hostile import audit_rows, forge, snapshot
from tests.network.kit import Loopback, Peer, contact, make_network
from tests.service.conftest import Clock
from uncc.adapters import jws
from uncc.adapters.crypto import NodeKey
from uncc.domain.directory import Directory, PublicKey
from uncc.domain.keyids import kid_of
from uncc.errors import ConflictError, PermissionDeniedError, UserInputError
from uncc.services.network import directory, inbox, keys, traffic

HUB_STATE = ("members", "network")


@dataclass
class World:
    clock: Clock
    net: Loopback
    hub: Peer
    a: Peer
    b: Peer
    c: Peer
    first: str
    """A directory token the members held before a newer one."""


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    clock = Clock()
    net, hub, m = make_network(tmp_path_factory.mktemp("identity"), clock)
    first = directory.published(hub.ctx)
    entry = directory.own_entry(m["XC"].ctx, m["XC"].endpoint, contact("XC night desk"), ["en"])
    directory.admit(hub.ctx, hub.admin, entry)
    for peer in m.values():
        directory.refresh(peer.ctx, net)
    return World(clock, net, hub, m["XA"], m["XB"], m["XC"], first)


def stranger() -> NodeKey:
    return NodeKey(Ed25519PrivateKey.generate())


def test_a_key_id_is_the_rfc7638_thumbprint_of_the_key() -> None:
    key = stranger()
    thumb = OKPKey.import_key(key.private_pem()).thumbprint()
    digest = base64.urlsafe_b64decode(thumb + "=" * (-len(thumb) % 4))
    assert key.key_id == kid_of(key.public_hex) == digest.hex()[:16]


def rotation(world: World, old: NodeKey, new: NodeKey, **claim: str) -> str:
    values = {
        "uncc": "key-rotation/1",
        "state": "XA",
        "new_kid": new.key_id,
        "new_public_key": new.public_hex,
        "retire_kid": old.key_id,
        "not_after": (world.clock.now + dt.timedelta(hours=1)).isoformat(),
        "at": world.clock.now.isoformat(),
    }
    values.update(claim)
    payload = rfc8785.dumps(values)
    return json.dumps({"old": jws.sign(old, payload), "new": jws.sign(new, payload)})


def test_a_member_cannot_list_a_key_under_another_members_key_id(world: World) -> None:
    """Directory poisoning: XA claims XB's key id for a key of its own, or XB's key."""
    before = snapshot(world.hub, *HUB_STATE)
    mine, theirs, new = world.a.ctx.key(), world.b.ctx.key(), stranger()
    with pytest.raises(PermissionDeniedError, match="thumbprint"):
        keys.take_rotation(world.hub.ctx, rotation(world, mine, new, new_kid=theirs.key_id))
    with pytest.raises(PermissionDeniedError, match=r"signature does not hold|did not sign"):
        keys.take_rotation(
            world.hub.ctx,
            rotation(world, mine, new, new_kid=theirs.key_id, new_public_key=theirs.public_hex),
        )
    with pytest.raises(PermissionDeniedError, match="not a current key of XA"):
        keys.take_rotation(world.hub.ctx, rotation(world, mine, new, retire_kid=theirs.key_id))
    stolen = directory.own_entry(world.a.ctx, world.a.endpoint, contact("XA desk"), ["en"])
    stolen = stolen.model_copy(
        update={"keys": [PublicKey(kid=theirs.key_id, public_key=theirs.public_hex)]}
    )
    with pytest.raises(ConflictError, match="already listed for XB"):
        directory.admit(world.hub.ctx, world.hub.admin, stolen)
    assert snapshot(world.hub, *HUB_STATE) == before
    # XB's messages still verify as XB's
    status, _ = inbox.receive(
        world.c.ctx, forge(world.b, world.clock, "consultation", "XC", {"text": "still me"})
    )
    assert status == 200


def test_a_member_refuses_a_poisoned_or_rolled_back_directory(world: World) -> None:
    with world.c.ctx.engine.connect() as conn:
        held = directory.directory(conn)
    before = snapshot(world.c, *HUB_STATE)
    b = held.member("XB")
    assert b is not None
    poisoned = held.model_copy(
        update={
            "version": held.version + 1,
            "members": [
                m.model_copy(update={"keys": [*m.keys, *b.keys]}) if m.state == "XA" else m
                for m in held.members
            ],
        }
    )
    unsound = held.model_copy(
        update={
            "version": held.version + 1,
            "members": [
                m.model_copy(
                    update={"keys": [k.model_copy(update={"kid": "0" * 16}) for k in m.keys]}
                )
                for m in held.members
            ],
        }
    )
    for doc, why in ((poisoned, "also listed for"), (unsound, "not the id of its key")):
        assert doc.problems()
        token = jws.sign(world.hub.ctx.key(), rfc8785.dumps(doc.model_dump(mode="json")))
        with pytest.raises(UserInputError, match=why):
            directory.install(world.c.ctx, token)
    with pytest.raises(UserInputError, match="older than the one held"):
        directory.install(world.c.ctx, world.first)
    same_version = held.model_copy(update={"issued": world.clock.now - dt.timedelta(days=1)})
    with pytest.raises(UserInputError, match="held already, with other contents"):
        directory.install(
            world.c.ctx,
            jws.sign(world.hub.ctx.key(), rfc8785.dumps(same_version.model_dump(mode="json"))),
        )
    assert snapshot(world.c, *HUB_STATE) == before
    # a receiver never picks one of two members listing a key id
    assert (
        Directory.model_validate(poisoned.model_dump()).key(b.keys[0].kid, world.clock.now) is None
    )


def test_garbage_is_counted_never_audited_and_actors_are_verified_signers(world: World) -> None:
    before, audits = snapshot(world.c), audit_rows(world.c)
    counted = traffic.counters(world.c.ctx, world.c.aud)
    genuine = forge(world.a, world.clock, "consultation", "XC", {"text": "hello"}).split(".")
    forged_payload = base64.urlsafe_b64encode(
        json.dumps({"uncc": "envelope/1", "sender": "XB", "id": "x"}).encode()
    ).rstrip(b"=")
    garbage = [
        "not a token at all",
        "e30.e30.e30",
        ".".join([genuine[0], forged_payload.decode(), genuine[2]]),  # bad signature
    ]
    for n in range(200):
        status, _ = inbox.receive(world.c.ctx, garbage[n % 3])
        assert status in {400, 401}
    assert audit_rows(world.c) == audits
    assert snapshot(world.c) == before
    now = traffic.counters(world.c.ctx, world.c.aud)
    refused = sum(v for k, v in now.items() if k.startswith("unverified:")) - sum(
        v for k, v in counted.items() if k.startswith("unverified:")
    )
    assert refused == 200
    # a verified member's refused message is audited, under the member that signed it
    misaddressed = forge(world.a, world.clock, "consultation", "XB", {"text": "hi"})
    assert inbox.receive(world.c.ctx, misaddressed)[0] == 421
    assert audit_rows(world.c) == audits + 1
    from sqlalchemy import select  # noqa: PLC0415

    from uncc.adapters.db import schema  # noqa: PLC0415

    with world.c.ctx.engine.connect() as conn:
        actor = conn.execute(
            select(schema.audit.c.actor).order_by(schema.audit.c.seq.desc()).limit(1)
        ).scalar_one()
    assert actor == "network:XA"


def test_an_unknown_key_id_flood_costs_one_directory_fetch(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    fetched: list[str] = []
    real_get = world.net.get

    def counting_get(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        fetched.append(url)
        return real_get(url, headers)

    monkeypatch.setattr(world.net, "get", counting_get)
    before, audits = snapshot(world.b, "inbox", "conversations", "thread"), audit_rows(world.b)

    def flood(count: int) -> None:
        for _ in range(count):
            token = forge(world.a, world.clock, "consultation", "XB", {"text": "x"})
            _, payload, _ = token.split(".")
            intruder = stranger()
            body = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
            status, _ = inbox.receive(
                world.b.ctx,
                jws.sign(intruder, body),
                refresh=lambda: directory.refresh(world.b.ctx, world.net),
            )
            assert status == 401

    flood(50)
    assert len(fetched) == 1
    assert audit_rows(world.b) == audits
    assert snapshot(world.b, "inbox", "conversations", "thread") == before
    assert traffic.counters(world.b.ctx, world.b.aud)["refresh_throttled"] == 49
    # the interval is the node's setting: once it has passed, one more fetch
    world.b.ctx.directory_refresh_interval = dt.timedelta(seconds=30)
    world.clock.now += dt.timedelta(seconds=31)
    flood(5)
    assert len(fetched) == 2


@dataclass
class Impostor:
    """Serves a directory and key statements of its own making, as a hub it is not."""

    directory: str
    chain: str

    def get(self, url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        if url.endswith(directory.DIRECTORY_PATH):
            return 200, self.directory.encode()
        return 200, self.chain.encode()


def test_the_hub_key_rotates_and_members_follow_only_statements_of_the_pinned_key(
    world: World,
) -> None:
    with world.c.ctx.engine.connect() as conn:
        held = directory.directory(conn)
        pinned = directory.config(conn).hub_key
    before = snapshot(world.c, *HUB_STATE)
    intruder = stranger()
    claim = rfc8785.dumps(
        {
            "uncc": "hub-key-rotation/1",
            "hub": "XH",
            "old_kid": kid_of(pinned),
            "new_kid": intruder.key_id,
            "new_public_key": intruder.public_hex,
            "at": world.clock.now.isoformat(),
        }
    )
    forged = Impostor(
        jws.sign(
            intruder,
            rfc8785.dumps(
                held.model_copy(update={"version": held.version + 5}).model_dump(mode="json")
            ),
        ),
        json.dumps([{"old": jws.sign(intruder, claim), "new": jws.sign(intruder, claim)}]),
    )
    with pytest.raises(UserInputError, match="does not lead to"):
        directory.refresh(world.c.ctx, forged)  # type: ignore[arg-type]
    assert snapshot(world.c, *HUB_STATE) == before
    # the real hub rotates: members re-pin by following its statement
    new_kid = keys.rotate(world.hub.ctx, world.hub.admin, world.net, dt.timedelta(hours=1))
    assert new_kid != kid_of(pinned)
    doc = directory.refresh(world.c.ctx, world.net)
    with world.c.ctx.engine.connect() as conn:
        assert kid_of(directory.config(conn).hub_key) == new_kid
    hub_entry = doc.member("XH")
    assert hub_entry is not None
    assert {k.kid for k in hub_entry.keys} == {kid_of(pinned), new_kid}
