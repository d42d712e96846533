"""Forged, tampered, replayed, expired, misaddressed and unknown envelopes are each refused."""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid
from pathlib import Path

import pytest

from tests.network.kit import Peer, make_network
from tests.service.conftest import Clock
from uncc.adapters import jws
from uncc.adapters.crypto import NodeKey
from uncc.domain.envelope import Envelope, Handling
from uncc.domain.messages import Receipt
from uncc.services.network import directory, inbox
from uncc.services.network.envelopes import open_envelope, seal

CONSULT = {"text": "Can we talk about the wallet?"}


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Clock, Peer, Peer]:
    clock = Clock()
    _, _, m = make_network(tmp_path, clock, ("XA", "XB"))
    return clock, m["XA"], m["XB"]


def envelope(
    clock: Clock, sender: str = "XA", recipient: str = "XB", **changes: object
) -> Envelope:
    values: dict[str, object] = {
        "type": "consultation",
        "sender": sender,
        "recipient": recipient,
        "body": CONSULT,
        "created": clock.now,
        "expires": clock.now + dt.timedelta(hours=1),
        "conversation": str(uuid.uuid4()),
        "handling": Handling(confidential=False),  # signed only: sealing has its own tests
    }
    values.update(changes)
    return Envelope(**values)  # type: ignore[arg-type]


def receipt(peer: Peer, sender: Peer, token: str, clock: Clock) -> Receipt:
    """Read the receipt as the sender would: verified with the receiver's key."""
    with sender.ctx.engine.connect() as conn:
        held = directory.directory(conn)
    reply = open_envelope(token, directory=held, me=sender.state, now=clock.now)
    assert reply.sender == peer.state
    return Receipt.model_validate(reply.body)


def test_a_good_envelope_is_accepted_once_and_a_resend_is_a_duplicate(
    pair: tuple[Clock, Peer, Peer],
) -> None:
    clock, a, b = pair
    token = seal(a.ctx, envelope(clock))
    status, reply = inbox.receive(b.ctx, token)
    assert status == 200
    assert receipt(b, a, reply, clock).outcome == "accepted"
    status, reply = inbox.receive(b.ctx, token)
    assert status == 200
    assert receipt(b, a, reply, clock).outcome == "duplicate"


def test_a_forged_envelope_signed_by_an_unknown_key_is_refused(
    pair: tuple[Clock, Peer, Peer], tmp_path: Path
) -> None:
    clock, a, b = pair
    stranger = NodeKey.generate(tmp_path / "stranger.pem")
    token = jws.sign(stranger, envelope(clock).canonical())
    status, reply = inbox.receive(b.ctx, token)
    assert status == 401
    assert (receipt(b, a, reply, clock).outcome, receipt(b, a, reply, clock).reason) == (
        "rejected",
        "unknown_sender",
    )


def test_an_envelope_claiming_another_sender_is_refused(tmp_path: Path) -> None:
    clock = Clock()
    _, _, m = make_network(tmp_path, clock, ("XA", "XB", "XC"))
    b, c = m["XB"], m["XC"]
    token = seal(c.ctx, envelope(clock, sender="XA"))  # XC signs, claims to be XA
    status, reply = inbox.receive(b.ctx, token)
    assert status == 401
    # the receipt goes to the member whose key signed, not to the one it claimed to be
    assert receipt(b, c, reply, clock).reason == "sender_mismatch"


def test_a_tampered_envelope_is_refused(pair: tuple[Clock, Peer, Peer]) -> None:
    clock, a, b = pair
    head, payload, signature = seal(a.ctx, envelope(clock)).split(".")
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    data["body"]["text"] = "Send us everything."
    forged = base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
    status, reply = inbox.receive(b.ctx, f"{head}.{forged}.{signature}")
    assert status == 401
    assert receipt(b, a, reply, clock).reason == "bad_signature"


def test_a_replayed_id_with_other_content_is_refused(pair: tuple[Clock, Peer, Peer]) -> None:
    clock, a, b = pair
    first = envelope(clock)
    assert inbox.receive(b.ctx, seal(a.ctx, first))[0] == 200
    again = envelope(clock, id=first.id, conversation=first.conversation, body={"text": "other"})
    status, reply = inbox.receive(b.ctx, seal(a.ctx, again))
    assert status == 409
    assert receipt(b, a, reply, clock).reason == "replay"


def test_an_expired_envelope_is_refused(pair: tuple[Clock, Peer, Peer]) -> None:
    clock, a, b = pair
    token = seal(a.ctx, envelope(clock, expires=clock.now - dt.timedelta(seconds=1)))
    status, reply = inbox.receive(b.ctx, token)
    assert status == 422
    assert receipt(b, a, reply, clock).reason == "expired"


def test_an_envelope_for_someone_else_is_refused(pair: tuple[Clock, Peer, Peer]) -> None:
    clock, a, b = pair
    token = seal(a.ctx, envelope(clock, recipient="XC"))
    status, reply = inbox.receive(b.ctx, token)
    assert status == 421
    assert receipt(b, a, reply, clock).reason == "misaddressed"


def test_unknown_types_bad_bodies_and_garbage_are_refused(pair: tuple[Clock, Peer, Peer]) -> None:
    clock, a, b = pair
    status, reply = inbox.receive(b.ctx, seal(a.ctx, envelope(clock, type="gossip")))
    assert (status, receipt(b, a, reply, clock).reason) == (422, "unknown_type")
    status, reply = inbox.receive(b.ctx, seal(a.ctx, envelope(clock, body={"txt": "x"})))
    assert (status, receipt(b, a, reply, clock).reason) == (422, "invalid_body")
    assert "text: Field required" in receipt(b, a, reply, clock).detail
    status, _ = inbox.receive(b.ctx, "not a token")
    assert status == 400


def test_a_directory_not_signed_by_the_pinned_hub_key_is_refused(
    pair: tuple[Clock, Peer, Peer],
) -> None:
    from uncc.errors import UserInputError  # noqa: PLC0415

    _, a, _ = pair
    fake = seal(a.ctx, envelope(Clock()))  # signed by XA, not the hub
    with pytest.raises(UserInputError, match="not signed by the pinned hub key"):
        directory.install(a.ctx, fake)


def test_every_refusal_is_in_the_audit_trail(pair: tuple[Clock, Peer, Peer]) -> None:
    from uncc.services import cases  # noqa: PLC0415

    clock, a, b = pair
    inbox.receive(b.ctx, seal(a.ctx, envelope(clock, recipient="XC")))
    trail = cases.audit_trail(b.ctx, b.aud, 50)
    assert any(e["action"] == "network.receive" and e["outcome"] == "refused" for e in trail)
