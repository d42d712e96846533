"""Hostile review of the sealed layer's JWE (branch trip2 rewrites it): a member's body
that cannot be opened is refused as ``cannot_decrypt`` — never a crash of the receiver.

A member signs a routing header whose ``sealed`` token has a header the JWE code cannot
read: an ephemeral key of another curve, or JSON nested too deep to parse.
"""

from __future__ import annotations

import base64
import json

import rfc8785

from tests.network.kit import Loopback, Peer
from tests.network.test_sealing import held, queued, reason, received, trio
from tests.service.conftest import Clock
from uncc.adapters import jws
from uncc.services.network import sealing
from uncc.services.network.envelopes import payload_of

__all__ = ["trio"]  # the module's network, shared with test_sealing


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def test_a_sealed_body_whose_header_cannot_be_read_is_refused_not_a_crash(
    trio: tuple[Clock, Loopback, dict[str, Peer]],
) -> None:
    clock, _, m = trio
    a, b = m["XA"], m["XB"]
    before = received(b)
    outer = payload_of(sealing.wire(a.ctx, queued(a, "XB"), held(a), clock.now))  # type: ignore[arg-type]
    parts = str(outer["sealed"]).split(".")
    header = json.loads(_unb64(parts[0]))
    other_curve = {**header, "epk": {**header["epk"], "crv": "Y25519"}}
    deep = b'{"alg":' + b"[" * 5_000 + b"]" * 5_000 + b"}"
    for protected in (_b64(json.dumps(other_curve).encode()), _b64(deep)):
        sealed = ".".join([protected, *parts[1:]])
        token = jws.sign(a.ctx.key(), rfc8785.dumps({**outer, "sealed": sealed}))
        assert reason(b, token) == "cannot_decrypt"
    assert received(b) == before
