"""A network of in-process nodes (SQLite each) joined through a loopback transport with faults."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tests.service.conftest import PASSWORD, Clock, _database
from uncc.bootstrap import build
from uncc.config import Settings
from uncc.domain.messages import Contact
from uncc.domain.policy import Role
from uncc.errors import PermissionDeniedError, TransportError, UserInputError
from uncc.parties.catalogue import parse_profile
from uncc.services import accounts, identity
from uncc.services.context import NodeContext, Principal
from uncc.services.network import (
    deconfliction,
    directory,
    encryption_keys,
    experts,
    hub_keys,
    inbox,
    inbox_batch,
    keys,
    sealing,
    witness,
)
from uncc.services.network.outbox import INBOX_PATH

ROOT = Path(__file__).resolve().parents[2]
PROFILES = {
    "XA": ROOT / "examples/profiles/xa-northland.yaml",
    "XB": ROOT / "examples/profiles/xb-southland.yaml",
    "XC": ROOT / "examples/profiles/xc-eastland.yaml",
}
HUB_PROFILE = """uncc: profile/1
name: I-24/7 coordination hub (fictional)
state: XH
fictional: true
"""
ROLES = {
    "ivan": Role.INVESTIGATOR,
    "pia": Role.PROSECUTOR,
    "jane": Role.JUDGE,
    "aud": Role.AUDITOR,
    "cora": Role.CONTACT_POINT,
}


@dataclass
class Peer:
    """One node of the test network."""

    state: str
    ctx: NodeContext
    endpoint: str
    admin: Principal
    people: dict[str, Principal]

    def __getattr__(self, name: str) -> Principal:
        try:
            return self.people[name]
        except KeyError:
            raise AttributeError(name) from None


@dataclass
class Loopback:
    """Delivers to in-process nodes; can drop, duplicate or refuse (node down)."""

    peers: dict[str, Peer] = field(default_factory=dict)
    down: set[str] = field(default_factory=set)
    drop_rate: float = 0.0
    duplicate_rate: float = 0.0
    lose_receipt_rate: float = 0.0
    rng: random.Random = field(default_factory=lambda: random.Random(7))
    posts: int = 0

    def _peer(self, url: str) -> tuple[Peer, str]:
        for peer in self.peers.values():
            if url.startswith(peer.endpoint + "/"):
                if peer.state in self.down:
                    raise TransportError(f"{url}: connection refused")
                return peer, url.removeprefix(peer.endpoint)
        raise TransportError(f"{url}: no route")

    def post(self, url: str, token: str) -> tuple[int, str]:
        peer, path = self._peer(url)
        if path == experts.EXPERTS_PATH:
            experts.take_roster(peer.ctx, token)
            return 200, "ok"
        if path == keys.KEYS_PATH:
            return 200, keys.take_rotation(peer.ctx, token)
        if path in {witness.WITNESS_PATH, witness.ALERT_PATH}:
            return witness_post(peer, path, token, self)
        if path == encryption_keys.ENCRYPTION_KEYS_PATH:
            return 200, encryption_keys.take_encryption_key(peer.ctx, token)
        assert path in (INBOX_PATH, inbox_batch.BATCH_PATH)
        take = inbox.receive if path == INBOX_PATH else self._batch
        self.posts += len(token.splitlines())  # messages posted, alone or in a batch
        if self.rng.random() < self.drop_rate:
            raise TransportError(f"{url}: dropped")
        status, receipt = take(peer.ctx, token, refresh=lambda: directory.refresh(peer.ctx, self))
        if self.rng.random() < self.duplicate_rate:
            status, receipt = take(peer.ctx, token)
        if self.rng.random() < self.lose_receipt_rate:
            raise TransportError(f"{url}: reset before the receipt")
        return status, receipt

    @staticmethod
    def _batch(
        ctx: NodeContext, body: str, *, refresh: Callable[[], object] | None = None
    ) -> tuple[int, str]:
        """A batch as the route answers it: one receipt per line (a refusal of the whole raises)."""
        tokens = inbox_batch.split(body)
        return 200, inbox_batch.joined(inbox_batch.receive_batch(ctx, tokens, refresh=refresh))

    def chunks(self, url: str, headers: dict[str, str]) -> Iterator[bytes]:
        from uncc.services.network import transfer  # noqa: PLC0415

        peer, path = self._peer(url)
        sha = path.removeprefix(transfer.BLOBS_PATH)
        requester = transfer.authorise_fetch(peer.ctx, sha, headers.get(transfer.FETCH_HEADER))
        yield from sealing.sealed_blob(peer.ctx, requester, sha)

    def get(self, url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        peer, path = self._peer(url)
        if path == directory.DIRECTORY_PATH:
            return 200, directory.published(peer.ctx).encode()
        if path == deconfliction.FILTER_PATH:
            return 200, deconfliction.own_filter(peer.ctx).encode()
        if path == experts.EXPERTS_PATH:
            return 200, experts.aggregate(peer.ctx).encode()
        if path.startswith(witness.WITNESS_PATH + "/"):
            held = witness.newest_note(peer.ctx, path.rsplit("/", 1)[1])
            return (404, b"") if held is None else (200, held.encode())
        if path == hub_keys.HUB_KEYS_PATH:
            return 200, hub_keys.statements(peer.ctx).encode()
        return 404, b""


def witness_post(peer: Peer, path: str, token: str, net: Loopback) -> tuple[int, str]:
    """A witness route as HTTP would answer it (refusals as 403/422, not exceptions)."""
    try:
        if path == witness.ALERT_PATH:
            return 200, witness.take_alert(peer.ctx, token)
        return witness.take_head(peer.ctx, token, net)
    except PermissionDeniedError as exc:
        return 403, str(exc)
    except UserInputError as exc:
        return 422, str(exc)


def contact(name: str) -> Contact:
    return Contact(name=name, phone="+00 555 0100", office_hours="24/7", time_zone="UTC")


def make_node(tmp: Path, state: str, clock: Clock, profile_text: str) -> Peer:
    settings = Settings(data_dir=tmp / state, database_url=_database("sqlite", tmp / state))
    ctx = build(settings, clock=clock)
    identity.init_node(ctx, parse_profile(profile_text), f"{state} node", "admin", PASSWORD)
    admin = Principal("admin", frozenset({Role.ADMIN}))
    identity.add_user(ctx, admin, "adam", {Role.ADMIN}, PASSWORD)  # the bootstrap exception
    adam = Principal("adam", frozenset({Role.ADMIN}))
    for user, role in ROLES.items():
        for grant in identity.add_user(ctx, admin, user, {role}, PASSWORD):
            accounts.decide_grant(ctx, adam, grant.id, approve=True)  # dual control
    people = {u: Principal(u, frozenset({r})) for u, r in ROLES.items()}
    return Peer(state, ctx, f"http://{state.lower()}.test", admin, people)


def make_network(
    tmp: Path, clock: Clock, states: tuple[str, ...] = ("XA", "XB", "XC")
) -> tuple[Loopback, Peer, dict[str, Peer]]:
    """A hub (XH) and members, joined, admitted and holding the directory."""
    net = Loopback()
    hub = make_node(tmp, "XH", clock, HUB_PROFILE)
    net.peers["XH"] = hub
    directory.become_hub(hub.ctx, hub.admin, hub.endpoint, contact("hub desk"), ["en", "fr"])
    hub_key = hub.ctx.key().public_hex
    members: dict[str, Peer] = {}
    for state in states:
        peer = make_node(tmp, state, clock, PROFILES[state].read_text(encoding="utf-8"))
        net.peers[state] = peer
        directory.join(
            peer.ctx,
            peer.admin,
            endpoint=peer.endpoint,
            hub_state="XH",
            hub_endpoint=hub.endpoint,
            hub_key=hub_key,
        )
        entry = directory.own_entry(peer.ctx, peer.endpoint, contact(f"{state} desk"), ["en"])
        directory.admit(hub.ctx, hub.admin, entry)
        members[state] = peer
    for peer in [hub, *members.values()]:
        if peer is not hub:
            directory.refresh(peer.ctx, net)
    return net, hub, members


def pump(net: Loopback, rounds: int = 20, clock: Clock | None = None, step: float = 0.001) -> None:
    """Run every node's sender until nothing is due (moving the clock past backoffs)."""
    from uncc.services.network.outbox import deliver_due  # noqa: PLC0415

    for _ in range(rounds):
        busy = False
        for peer in net.peers.values():
            if peer.state in net.down:
                continue
            report = deliver_due(peer.ctx, net)
            busy = busy or bool(report.delivered or report.retrying)
        if clock is not None:
            clock.advance(step)
        if not busy:
            return


Advance = Callable[[float], None]
