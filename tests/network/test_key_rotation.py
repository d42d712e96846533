"""A member rotates its key; nobody stops, old signatures hold until the overlap ends."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pytest

from tests.network.kit import make_network, pump
from tests.service.conftest import Clock
from uncc.domain.envelope import Envelope, Handling
from uncc.errors import PermissionDeniedError
from uncc.services import evidence
from uncc.services.network import directory, inbox, keys, outbox
from uncc.services.network.envelopes import seal


def consult(clock: Clock, to: str) -> Envelope:
    return Envelope(
        type="consultation",
        sender="XA",
        recipient=to,
        body={"text": "hello"},
        created=clock.now,
        expires=clock.now + dt.timedelta(days=3),
        conversation=str(uuid.uuid4()),
        handling=Handling(confidential=False),  # signed only: these tests are about the keys
    )


def test_a_rotated_key_is_found_by_receivers_and_the_old_one_lapses(tmp_path: Path) -> None:
    import io  # noqa: PLC0415

    from tests.service.conftest import facts  # noqa: PLC0415
    from uncc.services import cases  # noqa: PLC0415

    clock = Clock()
    net, _, m = make_network(tmp_path, clock, ("XA", "XB"))
    a, b = m["XA"], m["XB"]
    case = cases.open_case(a.ctx, a.ivan, facts("insider-company"))
    evidence.add_evidence(
        a.ctx, a.ivan, case.id, source=io.BytesIO(b"before"), filename="a", acquisition={}
    )
    old_kid = a.ctx.key().key_id
    signed_before = seal(a.ctx, consult(clock, "XB"))
    new_kid = keys.rotate(a.ctx, a.admin, net, dt.timedelta(hours=24))
    assert new_kid != old_kid
    assert a.ctx.key().key_id == new_kid
    # XB has not refreshed its directory: the new key makes it fetch and accept
    status, _ = inbox.receive(
        b.ctx,
        seal(a.ctx, consult(clock, "XB")),
        refresh=lambda: directory.refresh(b.ctx, net),
    )
    assert status == 200
    # a message signed with the old key before the rotation still verifies in the overlap
    assert inbox.receive(b.ctx, signed_before)[0] == 200
    # the vault verifies across the two keys
    evidence.add_evidence(
        a.ctx, a.ivan, case.id, source=io.BytesIO(b"after"), filename="b", acquisition={}
    )
    assert evidence.verify_vault(a.ctx, a.aud) == []
    # after the overlap, the old key no longer verifies anything
    late = Envelope(
        type="consultation",
        sender="XA",
        recipient="XB",
        body={"text": "old"},
        created=clock.now,
        expires=clock.now + dt.timedelta(days=3),
        conversation=str(uuid.uuid4()),
    )
    from uncc.adapters import jws  # noqa: PLC0415
    from uncc.adapters.crypto import NodeKey  # noqa: PLC0415

    old_key = NodeKey.load(a.ctx.key_path.with_name(f"{a.ctx.key_path.stem}.{old_kid}.pem"))
    clock.advance(1.1)
    status, _ = inbox.receive(b.ctx, jws.sign(old_key, late.canonical()))
    assert status == 401
    # and the messages of the new key keep flowing through the outbox
    with a.ctx.engine.begin() as conn:
        outbox.enqueue(
            a.ctx,
            conn,
            kind="consultation",
            recipient="XB",
            body={"text": "after"},
            conversation=str(uuid.uuid4()),
        )
    pump(net)
    assert {e.status for e in outbox.list_outbox(a.ctx, a.cora)} == {"delivered"}


def test_only_the_member_itself_can_list_a_key(tmp_path: Path) -> None:
    import json  # noqa: PLC0415

    import rfc8785  # noqa: PLC0415

    from uncc.adapters import jws  # noqa: PLC0415
    from uncc.adapters.crypto import NodeKey  # noqa: PLC0415

    clock = Clock()
    _, hub, m = make_network(tmp_path, clock, ("XA", "XB"))
    a, b = m["XA"], m["XB"]
    intruder = NodeKey.generate(tmp_path / "intruder.pem")
    claim = {
        "uncc": "key-rotation/1",
        "state": "XA",
        "new_kid": intruder.key_id,
        "new_public_key": intruder.public_hex,
        "retire_kid": a.ctx.key().key_id,
        "not_after": clock.now.isoformat(),
        "at": clock.now.isoformat(),
    }
    forged = json.dumps(
        {
            "old": jws.sign(b.ctx.key(), rfc8785.dumps(claim)),
            "new": jws.sign(intruder, rfc8785.dumps(claim)),
        }
    )
    with pytest.raises(PermissionDeniedError, match="only its own key"):
        keys.take_rotation(hub.ctx, forged)
    no_pop = json.dumps(
        {
            "old": jws.sign(a.ctx.key(), rfc8785.dumps(claim)),
            "new": jws.sign(b.ctx.key(), rfc8785.dumps(claim)),
        }
    )
    with pytest.raises(PermissionDeniedError, match=r"signature does not hold|did not sign"):
        keys.take_rotation(hub.ctx, no_pop)
