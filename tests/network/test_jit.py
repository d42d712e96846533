"""Joint investigation teams across three nodes (CETS 224 Art. 12): an agreement signed by
each State, a shared team log of signed entries that every member can verify, and the
attacks of a hostile network member: a non-member writing to the log, a member forging
another's entry or altering its own, and uses beyond the agreed limits — each refused,
with nothing kept."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from tests.network.hostile import forge, snapshot
from tests.network.kit import Loopback, Peer, make_network, pump
from tests.service.conftest import Clock, facts
from uncc.adapters.db import schema
from uncc.domain.jit import JitEntry, LogEntry, SharedItem, digest
from uncc.errors import NotFoundError, PermissionDeniedError, UserInputError
from uncc.services import cases, jit
from uncc.services.jit_verify import verify

TABLES = ("jit_teams", "jit_signatures", "jit_entries")


@dataclass
class World:
    clock: Clock
    net: Loopback
    hub: Peer
    a: Peer
    b: Peer
    c: Peer
    team: str
    item: str
    """The digest of Eastland's item entry (given for investigation and prosecution)."""


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    clock = Clock()
    net, hub, m = make_network(tmp_path_factory.mktemp("jit"), clock)
    a, b, c = m["XA"], m["XB"], m["XC"]
    case = cases.open_case(c.ctx, c.ivan, facts("ransomware-hospital"))
    team = jit.propose(
        c.ctx,
        c.cora,
        name="Hospital ransomware",
        purpose="identify and prosecute the operators of the ransomware used against Eastland's hospital",
        members=["XA", "XB"],
        uses=["investigation", "prosecution"],
        ends=dt.date(2026, 12, 31),
        case_id=case.id,
    )
    assert team.status == "proposed"
    assert team.agreement.members == ["XC", "XA", "XB"]
    pump(net)
    assert [t.id for t in jit.list_teams(a.ctx, a.cora)] == [team.id]
    jit.accept(a.ctx, a.cora, team.id)
    pump(net)
    jit.accept(b.ctx, b.pia, team.id)
    pump(net)
    given = jit.add_entry(
        c.ctx,
        c.ivan,
        team.id,
        kind="item",
        text="the ransom note and the leak site's onion address",
        item=SharedItem(reference="E-2026-0001", uses=["investigation", "prosecution"]),
    )
    jit.add_entry(a.ctx, a.ivan, team.id, kind="decision", text="XA preserves the leak site's logs")
    pump(net)
    return World(clock, net, hub, a, b, c, team.id, given.digest)


def test_each_state_signs_the_agreement_and_keeps_its_own_case(world: World) -> None:
    for peer in (world.a, world.b, world.c):
        team = jit.get_team(peer.ctx, peer.cora, world.team)
        assert team.status == "agreed"
        assert set(team.signed_by) == {"XA", "XB", "XC"}
    assert jit.get_team(world.c.ctx, world.c.cora, world.team).case_id == "XC-C-2026-0001"
    assert jit.get_team(world.a.ctx, world.a.cora, world.team).case_id is None  # XC's stays home


def test_every_member_holds_the_same_log_and_can_verify_it(world: World) -> None:
    logs = {}
    for peer in (world.a, world.b, world.c):
        _, log = jit.team_log(peer.ctx, peer.cora, world.team)
        logs[peer.state] = sorted(e.digest for e in log)
        checked = verify(peer.ctx, peer.cora, world.team)
        assert checked.ok, checked.problems
        assert (checked.signatures, checked.entries) == (3, 2)
    assert logs["XA"] == logs["XB"] == logs["XC"]


def test_a_use_within_the_limits_is_logged_one_beyond_is_refused(world: World) -> None:
    b = world.b
    before = snapshot(b, *TABLES)
    with pytest.raises(
        UserInputError, match="use: 'intelligence_sharing' is beyond the uses XC allowed"
    ):
        jit.add_entry(
            b.ctx,
            b.ivan,
            world.team,
            kind="use",
            text="to our intelligence service",
            refers_to=world.item,
            use="intelligence_sharing",
        )
    with pytest.raises(
        UserInputError, match=r"item\.uses: asset_recovery beyond the uses the team agreed"
    ):
        jit.add_entry(
            b.ctx,
            b.ivan,
            world.team,
            kind="item",
            text="bank records",
            item=SharedItem(reference="B-7", uses=["asset_recovery"]),
        )
    assert snapshot(b, *TABLES) == before
    used = jit.add_entry(
        b.ctx,
        b.ivan,
        world.team,
        kind="use",
        text="compared with our own seizure",
        refers_to=world.item,
        use="investigation",
    )
    pump(world.net)
    _, log = jit.team_log(world.c.ctx, world.c.cora, world.team)
    assert used.digest in {e.digest for e in log}


def refusals(peer: Peer) -> list[str]:
    with peer.ctx.engine.connect() as conn:
        return list(
            conn.execute(
                select(schema.audit.c.details["reason"].as_string()).where(
                    schema.audit.c.action.like("jit.%"), schema.audit.c.outcome == "refused"
                )
            ).scalars()
        )


def next_seq(sender: Peer, to: Peer, team: str) -> int:
    """The seq the hostile sender's next message in the team's conversation must carry."""
    with to.ctx.engine.connect() as conn:
        held = conn.execute(
            select(func.max(schema.inbox.c.seq)).where(
                schema.inbox.c.sender == sender.state, schema.inbox.c.conversation == team
            )
        ).scalar()
    return (held or 0) + 1


def send(world: World, sender: Peer, to: Peer, entry: LogEntry, signer_state: str) -> None:
    signature = jit.sign(sender.ctx, signer_state, entry)
    body = JitEntry(entry=entry, signature=signature).model_dump(mode="json")
    token = forge(
        sender,
        world.clock,
        "jit_entry",
        to.state,
        body,
        conversation=world.team,
        seq=next_seq(sender, to, world.team),
    )
    status, _ = world.net.post(f"{to.endpoint}/network/v1/inbox", token)
    assert status == 200  # delivered; what the team log keeps is decided by its rules


def own_next(peer: Peer, team: str, author: str) -> tuple[int, str | None]:
    with peer.ctx.engine.connect() as conn:
        last = jit.last_entry(conn, team, author)
    return (1, None) if last is None else (last.entry.seq + 1, last.digest)


def test_a_non_member_cannot_write_to_the_log(world: World) -> None:
    hub, a = world.hub, world.a
    with pytest.raises(NotFoundError):
        jit.add_entry(hub.ctx, hub.ivan, world.team, kind="decision", text="hub decides")
    entry = LogEntry(
        team=world.team,
        author="XH",
        seq=1,
        at=world.clock.now,
        kind="decision",
        text="close the case",
    )
    before = snapshot(a, *TABLES)
    send(world, hub, a, entry, "XH")
    assert snapshot(a, *TABLES) == before
    assert any("XH is not a member of team" in r for r in refusals(a))


def test_a_member_cannot_forge_another_members_entry_nor_alter_its_own(world: World) -> None:
    a, b = world.a, world.b
    seq, prev = own_next(b, world.team, "XC")
    forged = LogEntry(
        team=world.team,
        author="XC",
        seq=seq,
        prev=prev,
        at=world.clock.now,
        kind="decision",
        text="XC withdraws the item",
    )
    before = snapshot(b, *TABLES)
    send(world, a, b, forged, "XC")  # XA writes as XC, signs with its own key
    assert snapshot(b, *TABLES) == before
    assert any("XA sent an entry written as XC" in r for r in refusals(b))
    seq, prev = own_next(b, world.team, "XA")
    honest = LogEntry(
        team=world.team,
        author="XA",
        seq=seq,
        prev=prev,
        at=world.clock.now,
        kind="decision",
        text="XA shares the logs",
    )
    signature = jit.sign(a.ctx, "XA", honest)
    altered = honest.model_copy(update={"text": "XA keeps the logs"})  # changed after signing
    body = JitEntry(entry=altered, signature=signature).model_dump(mode="json")
    token = forge(
        a,
        world.clock,
        "jit_entry",
        "XB",
        body,
        conversation=world.team,
        seq=next_seq(a, b, world.team),
    )
    world.net.post(f"{b.endpoint}/network/v1/inbox", token)
    assert snapshot(b, *TABLES) == before
    assert any("does not hold" in r for r in refusals(b))
    assert verify(b.ctx, b.cora, world.team).ok


def test_a_member_cannot_log_uses_beyond_the_agreement_by_hand(world: World) -> None:
    """XA signs an item entry allowing a use the team never agreed: XB refuses it."""
    a, b = world.a, world.b
    seq, prev = own_next(b, world.team, "XA")
    beyond = LogEntry(
        team=world.team,
        author="XA",
        seq=seq,
        prev=prev,
        at=world.clock.now,
        kind="item",
        text="intercepts",
        item=SharedItem(reference="A-1", uses=["intelligence_sharing"]),
    )
    before = snapshot(b, *TABLES)
    send(world, a, b, beyond, "XA")
    assert snapshot(b, *TABLES) == before
    assert any("beyond the uses the team agreed" in r for r in refusals(b))
    assert digest(beyond) not in {e.digest for e in jit.team_log(b.ctx, b.cora, world.team)[1]}


def test_only_a_contact_point_or_prosecutor_commits_the_state(world: World) -> None:
    with pytest.raises(PermissionDeniedError):
        jit.propose(
            world.a.ctx,
            world.a.ivan,
            name="x",
            purpose="y",
            members=["XB"],
            uses=["investigation"],
            ends=dt.date(2026, 12, 31),
        )


def cli(monkeypatch: pytest.MonkeyPatch, peer: Peer, who: object, *args: str) -> tuple[int, str]:
    """Run ``uncc ARGS`` as the CLI does (errors → exit codes), as ``who`` at ``peer``."""
    import io  # noqa: PLC0415
    import sys  # noqa: PLC0415
    from contextlib import redirect_stderr, redirect_stdout  # noqa: PLC0415

    from uncc.entrypoints.cli import main, session  # noqa: PLC0415

    monkeypatch.setattr(session, "context", lambda: peer.ctx)
    monkeypatch.setattr(session, "principal", lambda: who)
    monkeypatch.setattr(sys, "argv", ["uncc", *args])
    out = io.StringIO()
    code = 0
    with redirect_stdout(out), redirect_stderr(out):
        try:
            main.run()
        except SystemExit as exc:
            code = int(exc.code or 0)
    return code, out.getvalue()


def test_the_cli_lists_shows_verifies_and_refuses_in_one_line(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    b = world.b
    code, out = cli(monkeypatch, b, b.cora, "jit", "list")
    assert code == 0
    assert world.team in out
    code, out = cli(monkeypatch, b, b.cora, "jit", "log", world.team)
    assert code == 0
    assert "XC #1 item: the ransom note" in out
    code, out = cli(monkeypatch, b, b.cora, "jit", "verify", world.team)
    assert code == 0
    assert "every signature and every author's chain hold" in out
    code, out = cli(
        monkeypatch,
        b,
        b.ivan,
        "jit",
        "add",
        world.team,
        "--kind",
        "use",
        "--text",
        "t",
        "--refers-to",
        world.item,
        "--use",
        "intelligence_sharing",
    )
    assert code == 2
    assert out.strip().splitlines() == [
        "uncc: error: use: 'intelligence_sharing' is beyond the uses XC allowed for E-2026-0001 (investigation, prosecution)"
    ]
    code, out = cli(
        monkeypatch,
        b,
        b.cora,
        "jit",
        "propose",
        "--name",
        "n",
        "--purpose",
        "p",
        "--member",
        "XA",
        "--use",
        "investigation",
        "--until",
        "soon",
    )
    assert (code, out.strip()) == (2, "uncc: error: --until: 'soon' is not a date (YYYY-MM-DD)")


def test_an_insider_who_edits_the_log_in_the_database_is_found_by_verify(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = world.a
    table = schema.jit_entries
    with a.ctx.engine.begin() as conn:
        row = conn.execute(select(table).where(table.c.author == "XC", table.c.seq == 1)).one()
        edited = {**row.entry, "text": "nothing was given"}
        conn.execute(
            table.update().where(table.c.author == "XC", table.c.seq == 1).values(entry=edited)
        )
    try:
        code, out = cli(monkeypatch, a, a.cora, "jit", "verify", world.team)
        assert code == 1
        assert "✗ XC's entry 1: changed since it was signed" in out
    finally:
        with a.ctx.engine.begin() as conn:
            conn.execute(
                table.update()
                .where(table.c.author == "XC", table.c.seq == 1)
                .values(entry=row.entry)
            )
    assert verify(a.ctx, a.cora, world.team).ok


def test_the_api_and_the_web_pages(world: World) -> None:
    import re  # noqa: PLC0415

    from fastapi.testclient import TestClient  # noqa: PLC0415

    from tests.service.conftest import PASSWORD  # noqa: PLC0415
    from uncc.config import Settings  # noqa: PLC0415
    from uncc.entrypoints.api.app import create_app  # noqa: PLC0415

    b = world.b
    with TestClient(create_app(Settings(), b.ctx, transport=world.net)) as client:
        login = client.post("/api/v1/login", json={"user": "ivan", "password": PASSWORD})
        ivan = {"Authorization": f"Bearer {login.json()['token']}"}
        listed = client.get("/api/v1/jit", headers=ivan).json()
        assert [t["id"] for t in listed["items"]] == [world.team]
        log = client.get(f"/api/v1/jit/{world.team}/log", headers=ivan).json()
        assert world.item in [e["digest"] for e in log["entries"]]
        assert client.get(f"/api/v1/jit/{world.team}/verify", headers=ivan).json()["ok"]
        before = snapshot(b, *TABLES)
        beyond = client.post(
            f"/api/v1/jit/{world.team}/log",
            json={"kind": "use", "text": "t", "refers_to": world.item, "use": "intelligence"},
            headers=ivan,
        )
        assert beyond.status_code == 400
        assert beyond.headers["content-type"] == "application/problem+json"
        assert "use: 'intelligence' is beyond the uses XC allowed" in beyond.json()["detail"]
        bad = client.post(
            "/api/v1/jit",
            json={
                "name": "n",
                "purpose": "p",
                "members": ["xa"],
                "uses": ["x"],
                "ends": "2026-12-31",
            },
            headers=ivan,
        )
        assert bad.status_code == 422
        assert any("members" in str(e) for e in bad.json()["errors"])
        assert snapshot(b, *TABLES) == before
        client.post("/login", data={"user": "ivan", "password": PASSWORD})
        teams = client.get("/jit")
        assert f'href="/jit/{world.team}"' in teams.text
        page = client.get(f"/jit/{world.team}")
        assert "the ransom note and the leak site" in page.text
        assert "every signature and every author's chain hold" in page.text
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text)
        assert csrf
        added = client.post(
            f"/jit/{world.team}/log",
            data={"csrf": csrf.group(1), "kind": "decision", "text": "XB joins the search"},
            follow_redirects=False,
        )
        assert added.status_code == 303
        assert "XB joins the search" in client.get(f"/jit/{world.team}").text


def test_a_use_that_overtakes_its_item_waits_for_it(world: World) -> None:
    """XA is unreachable while XC gives an item and XB uses it; when XA is back, XB's use
    arrives first: it waits (not refused, not lost) and is kept once the item arrives."""
    a, b, c = world.a, world.b, world.c
    world.net.down.add("XA")
    item = jit.add_entry(
        c.ctx,
        c.ivan,
        world.team,
        kind="item",
        text="wallet addresses",
        item=SharedItem(reference="E-2026-0009", uses=["investigation"]),
    )
    pump(world.net)
    use = jit.add_entry(
        b.ctx,
        b.ivan,
        world.team,
        kind="use",
        text="traced the wallets",
        refers_to=item.digest,
        use="investigation",
    )
    world.net.down.discard("XA")
    pump(world.net, clock=world.clock)
    with a.ctx.engine.connect() as conn:
        waited = (
            conn.execute(
                select(schema.audit.c.details["reason"].as_string()).where(
                    schema.audit.c.outcome == "waiting"
                )
            )
            .scalars()
            .all()
        )
        pending = conn.execute(select(func.count()).select_from(schema.jit_pending)).scalar()
    assert any(f"the item entry {item.digest[:12]}… has not arrived" in w for w in waited)
    assert pending == 0
    held = {e.digest for e in jit.team_log(a.ctx, a.cora, world.team)[1]}
    assert {item.digest, use.digest} <= held
    assert verify(a.ctx, a.cora, world.team).ok


def test_a_hostile_member_cannot_fill_the_waiting_room(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Entries for a team nobody proposed wait (the proposal may be late), but only so many."""
    from uncc.services import jit_inbound  # noqa: PLC0415

    monkeypatch.setattr(jit_inbound, "MAX_WAITING", 2)
    a, c = world.a, world.c
    ghost = "XA-JIT-2026-9999"
    prev = None
    for seq in (1, 2, 3):
        entry = LogEntry(
            team=ghost,
            author="XA",
            seq=seq,
            prev=prev,
            at=world.clock.now,
            kind="decision",
            text=f"ghost {seq}",
        )
        prev = digest(entry)
        body = JitEntry(entry=entry, signature=jit.sign(a.ctx, "XA", entry)).model_dump(mode="json")
        token = forge(a, world.clock, "jit_entry", "XC", body, conversation=ghost, seq=seq)
        assert world.net.post(f"{c.endpoint}/network/v1/inbox", token)[0] == 200
    with c.ctx.engine.connect() as conn:
        parked = conn.execute(
            select(func.count())
            .select_from(schema.jit_pending)
            .where(schema.jit_pending.c.team == ghost)
        ).scalar()
    assert parked == 2
    assert any("XA already has 2 messages waiting" in r for r in refusals(c))
    assert verify(c.ctx, c.cora, world.team).waiting == 0


def test_a_proposer_who_equivocates_gets_no_team(world: World) -> None:
    """XA sends XB and XC two different agreements under one team id: XB's acceptance names
    the digest it signed, XC refuses it, and the team is never agreed at XC."""
    from uncc.domain.jit import JitProposal, TeamAgreement  # noqa: PLC0415

    a, b, c = world.a, world.b, world.c
    team = "XA-JIT-2026-0777"
    versions = {}
    for to, purpose in (("XB", "the botnet"), ("XC", "the botnet and its customers")):
        agreement = TeamAgreement(
            team=team,
            name="Botnet",
            purpose=purpose,
            members=["XA", "XB", "XC"],
            uses=["investigation"],
            starts=world.clock.now.date(),
            ends=dt.date(2026, 12, 31),
            proposer="XA",
        )
        versions[to] = agreement
        body = JitProposal(agreement=agreement, signature=jit.sign(a.ctx, "XA", agreement))
        token = forge(
            a,
            world.clock,
            "jit_proposal",
            to,
            body.model_dump(mode="json"),
            conversation=team,
            seq=1,
        )
        assert world.net.post(f"{world.net.peers[to].endpoint}/network/v1/inbox", token)[0] == 200
    assert digest(versions["XB"]) != digest(versions["XC"])
    jit.accept(b.ctx, b.cora, team)
    pump(world.net, clock=world.clock)
    at_c = jit.get_team(c.ctx, c.cora, team)
    assert at_c.status == "proposed"
    assert at_c.signed_by == ("XA",)
    assert any(f"not an acceptance of the agreement of {team}" in r for r in refusals(c))
