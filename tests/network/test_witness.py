"""Witnesses in the network: cosigned custody heads catch a rollback and a fork.

XA's heads are witnessed by the hub (XH) and by XB, which XA names. An insider on XA
who rolls the log back consistently (the seal and its checkpoint removed) passes the
local checks; the witnesses' heads catch it, and they refuse the rolled-back head,
keep both heads and alert. An insider holding XA's key who shows two different heads
of one size to two witnesses is caught when the witnesses compare. A witness that is
down does not block verification or publishing; it is retried.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from sqlalchemy import Table, delete, func, select, update

from tests.network.kit import Loopback, Peer, make_network
from tests.service.conftest import Clock, facts
from uncc.adapters import jws
from uncc.adapters.crypto import verifier
from uncc.adapters.db import schema
from uncc.domain import note
from uncc.domain.custody import BreakKind
from uncc.entrypoints.api.sender import Sender
from uncc.services import cases, custody_log, evidence, vault
from uncc.services.network import witness, witness_compare, witnessing


def _count(peer: Peer, table: Table) -> int:
    with peer.ctx.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def _items(peer: Peer, count: int) -> list[str]:
    case = cases.open_case(peer.ctx, peer.ivan, facts("insider-company"))
    return [
        evidence.add_evidence(
            peer.ctx,
            peer.ivan,
            case.id,
            source=io.BytesIO(f"item {n} {case.id}".encode()),
            filename=f"item{n}.bin",
            acquisition={},
        ).id
        for n in range(count)
    ]


def _undo_last(peer: Peer, sealed: str) -> None:
    """The insider's rollback: the last event and its checkpoint gone, the seal cleared.

    The signed state snapshots, which would show the rollback, are deleted too.
    """
    with peer.ctx.engine.begin() as conn:
        last = conn.execute(select(func.max(schema.custody.c.seq))).scalar_one()
        conn.execute(delete(schema.custody).where(schema.custody.c.seq == last))
        conn.execute(delete(schema.checkpoints).where(schema.checkpoints.c.size == last + 1))
        conn.execute(delete(schema.custody_states))
        conn.execute(
            update(schema.evidence).where(schema.evidence.c.id == sealed).values(sealed=False)
        )


@pytest.fixture
def network(tmp_path: Path) -> tuple[Loopback, Clock, Peer, Peer, Peer]:
    clock = Clock()
    net, hub, members = make_network(tmp_path, clock, ("XA", "XB"))
    a, b = members["XA"], members["XB"]
    witnessing.name_witness(a.ctx, a.admin, "XB")
    return net, clock, hub, a, b


def test_witnesses_cosign_refuse_forged_heads_and_catch_a_rollback(
    network: tuple[Loopback, Clock, Peer, Peer, Peer],
) -> None:
    net, _, hub, a, b = network
    first, _ = _items(a, 2)
    evidence.set_sealed(a.ctx, a.pia, first, sealed=True)
    _forged_heads_are_refused(net, hub, a, b)
    sent = witnessing.publish(a.ctx, net)
    assert sorted(sent.cosigned) == ["XB", "XH"]
    assert sent.size == 3
    report = vault.check(a.ctx, a.aud, transport=net)
    assert (report.breaks, sorted(report.witnesses), report.unreached) == ([], ["XB", "XH"], [])
    # what the hub keeps carries XA's signature and the hub's cosignature
    kept = note.parse(witness.newest_note(hub.ctx, "XA") or "")
    hub_key = bytes.fromhex(hub.ctx.key().public_hex)
    check = verifier(hub.ctx.key().public_hex)
    assert kept.cosigned_at(note.witness_name("XH"), hub_key, check) is not None

    # an older head's request arriving after the newer one was cosigned: not evidence
    older = note.sign_head(
        note.Head(kept.head.origin, 1, kept.head.root),
        kept.head.origin,
        bytes.fromhex(a.ctx.key().public_hex),
        a.ctx.key().sign,
    )
    late = {
        "uncc": witness.HEAD_FORMAT,
        "state": "XA",
        "note": older.text(),
        "old": 3,
        "at": (hub.ctx.clock() - dt.timedelta(minutes=1)).isoformat(),
    }
    token = jws.sign(a.ctx.key(), witness.encode_request(late))
    assert net.post(hub.endpoint + witness.WITNESS_PATH, token) == (409, "3")
    assert _count(hub, schema.witness_conflicts) == 0

    _undo_last(a, first)
    assert vault.check(a.ctx, a.aud).breaks == []  # consistent in itself
    caught = vault.check(a.ctx, a.aud, transport=net).breaks
    assert {(b_.where, b_.kind) for b_ in caught} == {
        ("witness XH", BreakKind.ROLLBACK),
        ("witness XB", BreakKind.ROLLBACK),
    }
    # the witnesses refuse the rolled-back head, keep both heads, alert admins and the hub,
    # even when the insider also wipes what XA recorded of their cosignatures
    with a.ctx.engine.begin() as conn:
        conn.execute(update(schema.custody_witnesses).values(size=None, note=None))
    refused = witnessing.publish(a.ctx, net)
    assert sorted(refused.refused) == ["XB", "XH"]
    assert all("rollback" in reason for reason in refused.refused.values())
    assert _count(b, schema.witness_conflicts) == 1
    assert _count(hub, schema.witness_conflicts) == 2  # its own, and XB's alert
    witnessing.publish(a.ctx, net)  # offered again: kept and notified once
    assert (_count(b, schema.witness_conflicts), _count(hub, schema.witness_conflicts)) == (1, 2)
    with b.ctx.engine.connect() as conn:
        alerted = conn.execute(select(schema.witness_conflicts.c.hub_alerted)).scalar_one()
        notices = conn.execute(select(schema.notices.c.text)).scalars().all()
    assert alerted
    assert any("XA's log is not append-only" in n for n in notices)
    assert witness.newest_note(hub.ctx, "XA") == kept.text()  # the newest stays the good one


def test_a_witness_down_does_not_block_and_a_fork_is_caught_when_witnesses_compare(
    network: tuple[Loopback, Clock, Peer, Peer, Peer],
) -> None:
    net, clock, hub, a, b = network
    _items(a, 1)
    net.down.add("XH")
    sent = witnessing.publish(a.ctx, net, only_due=True)
    assert (sent.cosigned, sorted(sent.unreached)) == (["XB"], ["XH"])
    report = vault.check(a.ctx, a.aud, transport=net)
    assert (report.breaks, report.witnesses, report.unreached) == ([], ["XB"], ["XH"])
    listed = {w.state: w for w in witnessing.statuses(a.ctx, a.aud)}
    assert (listed["XB"].size, listed["XH"].size, listed["XH"].attempts) == (1, None, 1)
    assert "connection refused" in (listed["XH"].last_error or "")
    net.down.clear()
    assert witnessing.publish(a.ctx, net, only_due=True).cosigned == []  # backing off
    clock.advance(1 / 24)
    Sender(a.ctx, net, 1.0).once()  # the network sender's pass sends it
    assert witness.newest_note(hub.ctx, "XA") is not None
    # more appends; XH cosigns them (proving consistency from the head it holds)
    first, _ = _items(a, 2)
    evidence.set_sealed(a.ctx, a.pia, first, sealed=True)
    net.down.add("XB")
    assert witnessing.publish(a.ctx, net).cosigned == ["XH"]
    # the insider holding XA's key rewrites the last event: same size, another root
    _undo_last(a, first)
    evidence.set_sealed(a.ctx, a.pia, first, sealed=True, note="another story")
    net.down = {"XH"}
    assert witnessing.publish(a.ctx, net).cosigned == ["XB"]
    net.down = set()
    assert vault.check(a.ctx, a.aud).breaks == []  # the rewritten log is consistent in itself
    Sender(hub.ctx, net, 1.0).once()  # the hub's sender compares with the other witnesses
    assert _count(hub, schema.witness_conflicts) == 1
    found = witness_compare.compare(b.ctx, net)
    assert [(c.state, c.kind) for c in found] == [("XA", "fork")]
    witness_compare.tend(b.ctx, net)  # XB sends the hub its evidence
    with hub.ctx.engine.connect() as conn:
        kept = conn.execute(
            select(schema.witness_conflicts.c.reported_by, schema.witness_conflicts.c.kind)
        ).all()
    assert sorted(map(tuple, kept)) == [("XB", "fork"), ("XH", "fork")]
    caught = {(x.where, x.kind) for x in vault.check(a.ctx, a.aud, transport=net).breaks}
    assert ("witness XH", BreakKind.FORK) in caught


def _forged_heads_are_refused(net: Loopback, hub: Peer, a: Peer, b: Peer) -> None:
    """A member cannot have another member's head cosigned, nor forge one; nothing stored."""
    with a.ctx.engine.connect() as conn:
        genuine = custody_log.signed_head(a.ctx, conn)
    now = hub.ctx.clock()
    claim = {
        "uncc": witness.HEAD_FORMAT,
        "state": "XA",
        "note": genuine.text(),
        "old": 0,
        "at": now.isoformat(),
    }
    # a genuine request from an hour ago (replayed): refused
    stale = {**claim, "at": (now - dt.timedelta(hours=1)).isoformat()}
    replayed = jws.sign(a.ctx.key(), witness.encode_request(stale))
    assert net.post(hub.endpoint + witness.WITNESS_PATH, replayed)[0] == 403
    # XB signs a request claiming to be XA: refused
    as_b = jws.sign(b.ctx.key(), witness.encode_request(claim))
    assert net.post(hub.endpoint + witness.WITNESS_PATH, as_b)[0] == 403
    # XB sends XA's head as its own: the note is not XB's log
    mine = jws.sign(b.ctx.key(), witness.encode_request({**claim, "state": "XB"}))
    assert net.post(hub.endpoint + witness.WITNESS_PATH, mine)[0] == 403
    # XA's request with a head it did not sign (another root): refused
    forged = note.SignedNote(note.Head(genuine.head.origin, 1, bytes(32)), genuine.lines).text()
    bad = jws.sign(a.ctx.key(), witness.encode_request({**claim, "note": forged}))
    assert net.post(hub.endpoint + witness.WITNESS_PATH, bad)[0] == 403
    assert net.post(hub.endpoint + witness.WITNESS_PATH, "not a token")[0] == 403
    # an alert with heads the accused never signed is refused
    alert = {
        "uncc": witness.ALERT_FORMAT,
        "state": "XA",
        "kind": "fork",
        "held": genuine.text(),
        "offered": forged,
    }
    status, _ = net.post(
        hub.endpoint + witness.ALERT_PATH, jws.sign(b.ctx.key(), witness.encode_request(alert))
    )
    assert status == 403
    assert _count(hub, schema.witnessed) == 0
    assert _count(hub, schema.witness_conflicts) == 0
