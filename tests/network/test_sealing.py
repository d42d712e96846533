"""Confidential bodies and blobs are encrypted end to end: the hub and the wire see routing only."""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import rfc8785
from sqlalchemy import func, select, update

from tests.network.kit import Loopback, Peer, make_network
from tests.network.test_preservation_flow import preservation
from tests.service.conftest import Clock, facts
from uncc.adapters import jwe, jws
from uncc.adapters.db import schema
from uncc.domain.directory import Member
from uncc.errors import ConflictError, PermissionDeniedError
from uncc.services import cases, evidence
from uncc.services.network import directory, encryption_keys, inbox, outbox, sealing, transfer
from uncc.services.network.envelopes import payload_of

SECRET = "Holmgren-7731"
"""A name in the facts and in the evidence: it must never be readable outside XA and XB."""


class Wiretap:
    """What a relay, a TLS-terminating proxy or the hub's network position would see."""

    def __init__(self, net: Loopback) -> None:
        self.net = net
        self.seen: list[bytes] = []

    def post(self, url: str, token: str) -> tuple[int, str]:
        self.seen.append(token.encode())
        status, text = self.net.post(url, token)
        self.seen.append(text.encode())
        return status, text

    def get(self, url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        status, body = self.net.get(url, headers)
        self.seen.append(body)
        return status, body

    def chunks(self, url: str, headers: dict[str, str]) -> Iterator[bytes]:
        for chunk in self.net.chunks(url, headers):
            self.seen.append(chunk)
            yield chunk


def deliver(tap: Wiretap, *peers: Peer) -> None:
    for _ in range(5):
        for peer in peers:
            outbox.deliver_due(peer.ctx, tap)


def decoded(segment: bytes) -> bytes:
    return base64.urlsafe_b64decode(segment + b"=" * (-len(segment) % 4))


def readable(blob: bytes) -> bytes:
    """The bytes and every base64url segment decoded (what a curious relay would try)."""
    found = [blob]
    for piece in blob.replace(b"\n", b".").split(b"."):
        try:
            found.append(decoded(piece.strip()))
        except ValueError:
            continue
    return b"\n".join(found)


def files_of(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


@pytest.fixture(scope="module")
def trio(tmp_path_factory: pytest.TempPathFactory) -> tuple[Clock, Loopback, dict[str, Peer]]:
    """One network for the attacks below: each is refused, so none changes it."""
    clock = Clock()
    net, _, members = make_network(tmp_path_factory.mktemp("trio"), clock)
    return clock, net, members


def test_the_hub_and_the_wire_see_the_routing_header_only(
    trio: tuple[Clock, Loopback, dict[str, Peer]],
) -> None:
    _, net, m = trio
    a, b, hub = m["XA"], m["XB"], net.peers["XH"]
    tap = Wiretap(net)
    case = cases.open_case(a.ctx, a.ivan, facts("ransomware-hospital"))
    from uncc.services.network import requests  # noqa: PLC0415

    sent = requests.send_request(
        a.ctx,
        a.cora,
        kind="preservation_request",
        recipient="XB",
        body=preservation(summary_of_facts=f"{SECRET} ran the leak site from a rented server."),
        case_id=case.id,
    )
    deliver(tap, a, b)
    (received,) = requests.list_conversations(b.ctx, b.cora, "in")
    assert SECRET in received.request["summary_of_facts"]  # XB read it
    assert received.case_id is not None
    item = evidence.add_evidence(
        b.ctx,
        b.ivan,
        received.case_id,
        source=io.BytesIO(f"login by {SECRET}\n".encode() * 80_000),
        filename="access.log",
        acquisition={"tool": "dd"},
    )
    transfer.send_evidence(b.ctx, b.ivan, received.id, [item.id])
    deliver(tap, a, b)
    (taken,) = transfer.accept_evidence(a.ctx, a.ivan, sent.id, tap)
    mine = next(i for i in evidence.list_evidence(a.ctx, a.ivan, case.id) if i.id == taken)
    assert mine.sha256 == item.sha256
    posted = [t for t in tap.seen if t.count(b".") == 2 and b"\n" not in t]
    routed = [json.loads(decoded(t.split(b".")[1])) for t in posted]
    sealed = [r for r in routed if r.get("uncc") == sealing.SEALED]
    assert len(sealed) >= 3  # the request, its acknowledgment, the evidence transfer
    assert all(set(r) == {"uncc", "sealed", *sealing.ROUTING} for r in sealed)
    assert tap.seen
    assert all(SECRET.encode() not in readable(t) for t in tap.seen)
    assert SECRET.encode() not in files_of(hub.ctx.key_path.parent)
    assert SECRET.encode() in files_of(b.ctx.key_path.parent)  # the test can see it where it is


def queued(a: Peer, to: str, text: str = f"about {SECRET}") -> str:
    with a.ctx.engine.begin() as conn:
        envelope = outbox.enqueue(
            a.ctx,
            conn,
            kind="consultation",
            recipient=to,
            body={"text": text},
            conversation="7a1c6f1e-0000-4000-8000-000000000001",
        )
        return str(
            conn.execute(
                select(schema.outbox.c.token).where(schema.outbox.c.id == envelope.id)
            ).scalar_one()
        )


def held(peer: Peer) -> object:
    with peer.ctx.engine.connect() as conn:
        return directory.directory(conn)


def received(peer: Peer) -> tuple[object, ...]:
    """What a refused message must not change: the inbox and the threads."""
    with peer.ctx.engine.connect() as conn:
        return tuple(
            conn.execute(select(func.count()).select_from(table)).scalar()
            for table in (schema.inbox, schema.thread, schema.conversations)
        )


def reason(peer: Peer, token: str) -> str:
    status, receipt = inbox.receive(peer.ctx, token)
    body = payload_of(receipt)["body"]
    assert status >= 400, body
    return str(body["reason"])


def test_a_confidential_message_sent_unencrypted_is_refused(
    trio: tuple[Clock, Loopback, dict[str, Peer]],
) -> None:
    _, _, m = trio
    before = received(m["XB"])
    token = queued(m["XA"], "XB")  # the signed message, as stored, without the sealed layer
    assert reason(m["XB"], token) == "not_encrypted"
    assert received(m["XB"]) == before


def test_a_member_cannot_rewrap_anothers_encrypted_body_as_its_own(
    trio: tuple[Clock, Loopback, dict[str, Peer]],
) -> None:
    clock, _, m = trio
    a, b, c = m["XA"], m["XB"], m["XC"]
    before = received(b)
    captured = sealing.wire(a.ctx, queued(a, "XB"), held(a), clock.now)  # type: ignore[arg-type]
    outer = payload_of(captured)
    stolen = {**outer, "sender": "XC"}
    forged = jws.sign(c.ctx.key(), rfc8785.dumps(stolen))
    assert reason(b, forged) == "routing_mismatch"
    # nor can XA itself say one thing in the routing header and another in the message
    lying = jws.sign(a.ctx.key(), rfc8785.dumps({**outer, "seq": 9}))
    assert reason(b, lying) == "routing_mismatch"
    assert received(b) == before


def test_a_body_encrypted_for_another_key_or_changed_is_refused(
    trio: tuple[Clock, Loopback, dict[str, Peer]],
) -> None:
    clock, _, m = trio
    a, b, c = m["XA"], m["XB"], m["XC"]
    before = received(b)
    outer = payload_of(sealing.wire(a.ctx, queued(a, "XB"), held(a), clock.now))  # type: ignore[arg-type]
    for_c = jwe.encrypt(b"anything", c.ctx.encryption_key().public_hex, typ=sealing.JWE_TYP)
    parts = outer["sealed"].split(".")
    tail = parts[3]
    parts[3] = tail[:-2] + ("AA" if tail[-2:] != "AA" else "BB")
    for sealed in (for_c, ".".join(parts)):
        token = jws.sign(a.ctx.key(), rfc8785.dumps({**outer, "sealed": sealed}))
        assert reason(b, token) == "cannot_decrypt"
    assert received(b) == before


def test_blob_chunks_out_of_place_are_refused(
    trio: tuple[Clock, Loopback, dict[str, Peer]],
) -> None:
    _, _, m = trio
    a, b = m["XA"], m["XB"]
    data = b"x" * (3 << 20)
    sha, _ = a.ctx.blobs.put(io.BytesIO(data))
    lines = list(sealing.sealed_blob(a.ctx, "XB", sha))
    assert len(lines) >= 2
    assert b"".join(sealing.open_blob(b.ctx, iter(lines), sha)) == data
    with pytest.raises(ConflictError, match="out of place"):
        b"".join(sealing.open_blob(b.ctx, iter([lines[1], lines[0], *lines[2:]]), sha))
    with pytest.raises(ConflictError, match="cannot decrypt"):
        b"".join(sealing.open_blob(m["XC"].ctx, iter(lines), sha))


def test_an_upgraded_member_publishes_its_key_and_waiting_messages_then_go(
    trio: tuple[Clock, Loopback, dict[str, Peer]],
) -> None:
    clock, net, m = trio  # last: it changes the directory (and puts it back)
    a, b = m["XA"], m["XB"]
    hub = net.peers["XH"]
    with hub.ctx.engine.begin() as conn:  # XB as it was before encryption existed
        entry = Member.model_validate(
            conn.execute(
                select(schema.members.c.entry).where(schema.members.c.state == "XB")
            ).scalar_one()
        )
        conn.execute(
            update(schema.members)
            .where(schema.members.c.state == "XB")
            .values(entry=entry.model_copy(update={"encryption_keys": []}).model_dump(mode="json"))
        )
        directory.publish_in(hub.ctx, conn)
    for peer in (a, b):
        directory.refresh(peer.ctx, net)
    queued(a, "XB")
    report = outbox.deliver_due(a.ctx, net)
    assert report.retrying
    assert not report.delivered
    # a hostile member cannot publish a key for XB, nor replay an old claim, nor take XC's key
    claim = {"uncc": encryption_keys.FORMAT, "state": "XB", "at": clock.now.isoformat()}
    for signer, changes, why in (
        (m["XC"], {"public_key": m["XC"].ctx.encryption_key().public_hex}, "only its own"),
        (b, {"at": "2020-01-01T00:00:00+00:00"}, "not from now"),
        (b, {"public_key": m["XC"].ctx.encryption_key().public_hex}, "another member"),
    ):
        body = {"public_key": b.ctx.encryption_key().public_hex, **claim, **changes}
        with pytest.raises(PermissionDeniedError, match=why):
            encryption_keys.take_encryption_key(
                hub.ctx, jws.sign(signer.ctx.key(), rfc8785.dumps(body))
            )
    assert not encryption_keys.listed(b.ctx, held(hub), "XB")  # type: ignore[arg-type]
    assert encryption_keys.ensure_published(b.ctx, net) is True
    assert encryption_keys.ensure_published(b.ctx, net) is False  # once
    clock.advance(0.001)  # past the backoff
    assert outbox.deliver_due(a.ctx, net).retrying  # XA's copy is stale: refreshed after the pass
    clock.advance(0.001)
    assert outbox.deliver_due(a.ctx, net).delivered
