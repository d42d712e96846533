"""The node's deconfliction check finds what testing each tag against each filter finds.

``check()`` matches our tags once against every verified filter (``dc.match``, the path
``bench/deconfliction.py`` times). The reference here is the check as it was: each own
tag computed alone (``dc.tag``) and tested with ``in`` against each member's
``dc.Filter``, member by member, skipping hits already known.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests.network.kit import Loopback, Peer, make_network, pump
from tests.service.conftest import Clock, facts
from uncc.adapters import jws
from uncc.adapters.db import schema
from uncc.domain import deconfliction as dc
from uncc.services import cases
from uncc.services.network import deconfliction, deconfliction_keys

POOL = [("ip", f"203.0.113.{n}") for n in range(6)] + [
    ("email", f"ops{n}@lockbit.example") for n in range(6)
]
"""Few selectors, so that States share some and a case may hold what another case holds."""


class Refusing:
    """The loopback, but one member's filter is refused as chosen, and every GET is seen."""

    def __init__(self, net: Loopback) -> None:
        self.net = net
        self.refuse: dict[str, str] = {}
        self.fetched: list[str] = []

    def get(self, url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        """A filter, or 404, or another member's filter, or one of an old epoch."""
        self.fetched.append(url)
        for state, how in self.refuse.items():
            peer = self.net.peers[state]
            if url != peer.endpoint + deconfliction.FILTER_PATH:
                continue
            if how == "missing":
                return 404, b""
            if how == "not theirs":
                other = next(p for s, p in self.net.peers.items() if s not in {state, "XH"})
                return 200, deconfliction.own_filter(other.ctx).encode()
            doc = json.loads(_payload(deconfliction.own_filter(peer.ctx)))
            doc["epoch"] -= 1
            return 200, jws.sign(peer.ctx.key(), json.dumps(doc).encode()).encode()
        return self.net.get(url, headers)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.net, name)


def _payload(token: str) -> bytes:
    body = token.split(".")[1]
    return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))


def reference(me: Peer, accepted: list[Peer]) -> list[tuple[str, str, str, str]]:
    """The old check's new hits: (case, State, kind, full tag), member by member."""
    with me.ctx.engine.connect() as conn:
        _, key = deconfliction_keys.current_key(me.ctx, conn)
        mine = deconfliction._open_selectors(conn)
        known = {
            (r.case_id, r.state, r.tag)
            for r in conn.execute(
                select(schema.hits.c.case_id, schema.hits.c.state, schema.hits.c.tag)
            )
        }
    out = []
    for peer in accepted:
        token = deconfliction.own_filter(peer.ctx)
        doc = json.loads(jws.verify(token, peer.ctx.key().public_hex))
        theirs = dc.Filter(base64.b64decode(doc["tags"]))
        for case_id, kind, value in mine:
            full = dc.tag(key, kind, value)
            if full in theirs and (case_id, peer.state, full.hex()) not in known:
                known.add((case_id, peer.state, full.hex()))
                out.append((case_id, peer.state, kind.value, full.hex()))
    return out


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> tuple[Refusing, dict[str, Peer]]:
    """One network for every example: hits found by one example are known to the next."""
    net, hub, members = make_network(tmp_path_factory.mktemp("net"), Clock())
    deconfliction_keys.rotate_key(hub.ctx, hub.admin)
    pump(net)
    return Refusing(net), members


_cases: dict[tuple[str, int], str] = {}


def _case(peer: Peer, n: int) -> str:
    if (peer.state, n) not in _cases:
        _cases[peer.state, n] = cases.open_case(peer.ctx, peer.ivan, facts("insider-company")).id
    return _cases[peer.state, n]


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    added=st.lists(
        st.tuples(st.sampled_from(["XA", "XB", "XC"]), st.integers(0, 2), st.sampled_from(POOL)),
        max_size=12,
    ),
    refused=st.sampled_from([None, "missing", "not theirs", "old epoch"]),
    refused_state=st.sampled_from(["XB", "XC"]),
)
def test_check_finds_the_hits_of_testing_each_tag_against_each_filter(
    network: tuple[Refusing, dict[str, Peer]],
    added: list[tuple[str, int, tuple[str, str]]],
    refused: str | None,
    refused_state: str,
) -> None:
    net, members = network
    for state, n, (kind, value) in added:
        peer = members[state]
        deconfliction.add_selector(peer.ctx, peer.ivan, _case(peer, n), kind, value)
    me = members["XA"]
    net.refuse = {} if refused is None else {refused_state: refused}
    accepted = [members[s] for s in ("XB", "XC") if s not in net.refuse]
    expected = reference(me, accepted)
    net.fetched.clear()
    hits, notes = deconfliction.check(me.ctx, me.cora, net)
    assert [(h.case_id, h.state, h.kind) for h in hits] == [e[:3] for e in expected]
    # our own State and the hub are skipped; every other member is asked
    assert net.fetched == [members[s].endpoint + deconfliction.FILTER_PATH for s in ("XB", "XC")]
    assert [n.split(":")[0] for n in notes] == list(net.refuse)
    rows = deconfliction.hits_of(me.ctx, me.cora)
    new = rows[len(rows) - len(hits) :] if hits else []
    assert [(r["case_id"], r["state"], r["kind"], r["tag"]) for r in new] == expected
    assert [r["conversation"] for r in new] == [h.conversation for h in hits]
    assert deconfliction.check(me.ctx, me.cora, net)[0] == []  # every hit now known


def test_a_refused_filter_is_noted_as_before(tmp_path: Path) -> None:
    net, hub, members = make_network(tmp_path, Clock())
    deconfliction_keys.rotate_key(hub.ctx, hub.admin)
    pump(net)
    a, b = members["XA"], members["XB"]
    seen = Refusing(net)
    for how, note in [
        ("missing", "XB: no filter (HTTP 404)"),
        ("not theirs", "XB: the filter is not signed by XB"),
        ("old epoch", "XB: filter of epoch 0, ours is 1"),
    ]:
        seen.refuse = {"XB": how}
        assert deconfliction.check(a.ctx, a.cora, seen) == ([], [note])
    assert deconfliction.own_filter(b.ctx)
