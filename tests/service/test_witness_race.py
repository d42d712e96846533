"""A member showing one witness two heads at the same moment gets at most one cosigned.

A hostile member (here XQ, holding its own key) sends the witness two different heads
of the same size at once — a fork offered twice in parallel. Without one check at a time
per member, both requests would see no earlier head and both be cosigned: the witness
itself would have signed the split view it is there to catch. On PostgreSQL the two
requests run side by side; SQLite takes one writer at a time.
"""

from __future__ import annotations

import hashlib
import threading
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, select

from tests.service.conftest import Node
from tests.service.test_directory_race import DESK, waiting
from uncc.adapters import jws
from uncc.adapters.crypto import NodeKey
from uncc.adapters.db import schema
from uncc.domain import note
from uncc.domain.directory import Member, PublicKey
from uncc.services.network import directory, witness


def head_request(key: NodeKey, node: Node, root: bytes) -> str:
    origin = note.origin_of("XQ")
    signed = note.sign_head(
        note.Head(origin, 1, root), origin, bytes.fromhex(key.public_hex), key.sign
    )
    claim = {
        "uncc": witness.HEAD_FORMAT,
        "state": "XQ",
        "note": signed.text(),
        "old": 0,
        "at": node.ctx.clock().isoformat(),
    }
    return jws.sign(key, witness.encode_request(claim))


def test_two_heads_of_one_size_at_once_one_cosigned_the_other_kept_as_a_fork(
    node: Node, monkeypatch: pytest.MonkeyPatch
) -> None:
    if node.ctx.engine.dialect.name != "postgresql":
        pytest.skip("SQLite takes the database's one write lock at BEGIN: no race to try")
    ctx = node.ctx
    directory.become_hub(ctx, node.admin, "https://xh.test", DESK, ["en"])
    key = NodeKey(Ed25519PrivateKey.generate())
    directory.admit(
        ctx,
        node.admin,
        Member(
            state="XQ",
            name="XQ node",
            endpoint="https://xq.test",
            keys=[PublicKey(kid=key.key_id, public_key=key.public_hex)],
            contact_point=DESK,
        ),
    )
    arrived: list[int] = []
    cosign = witness._cosign

    def meeting(*args: Any) -> str:
        """Cosign once the other request is here too, or waits for a lock."""
        arrived.append(1)
        while len(arrived) < 2 and waiting(ctx.engine) == 0:
            threading.Event().wait(0.01)
        return cosign(*args)

    monkeypatch.setattr(witness, "_cosign", meeting)
    tokens = [head_request(key, node, hashlib.sha256(n).digest()) for n in (b"one", b"two")]
    answers: list[tuple[int, str]] = []
    threads = [
        threading.Thread(target=lambda t=t: answers.append(witness.take_head(ctx, t)))
        for t in tokens
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(status for status, _ in answers) == [200, 422]
    with ctx.engine.connect() as conn:
        cosigned = conn.execute(select(func.count()).select_from(schema.witnessed)).scalar_one()
        kinds = conn.execute(select(schema.witness_conflicts.c.kind)).scalars().all()
    assert (cosigned, kinds) == (1, ["fork"])
