"""A hostile member against conversations, answers and blob fetches: each attack refused,
and nothing changed at the target (issue 14: hijack, third-party refusal, wrong answer
kind, execution without an order, SSRF through a fetch URL, replayed fetch headers)."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import rfc8785
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.network.hostile import audit_rows, forge, snapshot
from tests.network.kit import Loopback, Peer, make_network, pump
from tests.network.test_preservation_flow import preservation
from tests.service.conftest import Clock, facts
from uncc.adapters import jws
from uncc.domain.messages import Receipt
from uncc.domain.orders import Command
from uncc.entrypoints.api import problems
from uncc.errors import ConflictError, NotFoundError, PermissionDeniedError, TransportError
from uncc.services import cases, evidence, orders
from uncc.services.network import directory, fetch, inbox, requests, transfer
from uncc.services.network.envelopes import open_envelope

ASSIST = {
    "needed": "someone who reads the ransomware's configuration",
    "expertise": ["ransomware"],
    "contact": {"name": "Duty officer", "phone": "+00 555 0101"},
    "reference": "XC-2026-7",
}


@dataclass
class World:
    clock: Clock
    net: Loopback
    a: Peer
    b: Peer
    c: Peer
    preserve: str
    """XC's preservation request to XA (XA opened a case and drafted an order)."""
    assist: str
    """XC's assistance request to XA."""


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    clock = Clock()
    net, _, m = make_network(tmp_path_factory.mktemp("attacks"), clock)
    a, b, c = m["XA"], m["XB"], m["XC"]
    case = cases.open_case(c.ctx, c.ivan, facts("ransomware-hospital"))
    preserve = requests.send_request(
        c.ctx,
        c.cora,
        kind="preservation_request",
        recipient="XA",
        body=preservation(reference="XC-2026-1"),
        case_id=case.id,
    ).id
    assist = requests.send_request(
        c.ctx, c.cora, kind="assistance_request", recipient="XA", body=ASSIST
    ).id
    pump(net)
    return World(clock, net, a, b, c, preserve, assist)


def refusal(world: World, receiver: Peer, sender: Peer, token: str) -> tuple[int, Receipt]:
    """Deliver ``token``; the status and the verified receipt, as the sender reads it."""
    status, reply = inbox.receive(receiver.ctx, token)
    with sender.ctx.engine.connect() as conn:
        held = directory.directory(conn)
    receipt = open_envelope(reply, directory=held, me=sender.state, now=world.clock.now)
    return status, Receipt.model_validate(receipt.body)


def test_a_third_party_cannot_refuse_anothers_request(world: World) -> None:
    before = snapshot(world.c)
    token = forge(
        world.b,
        world.clock,
        "refusal",
        "XC",
        {"reason": "no_data", "detail": "nothing here"},
        conversation=world.preserve,
        seq=5,
    )
    status, receipt = refusal(world, world.c, world.b, token)
    assert (status, receipt.outcome, receipt.reason) == (403, "rejected", "not_a_party")
    assert snapshot(world.c) == before
    assert requests.get_conversation(world.c.ctx, world.c.cora, world.preserve).status != "refused"


def test_a_request_cannot_take_over_an_existing_conversation(world: World) -> None:
    before = snapshot(world.c)
    token = forge(
        world.b,
        world.clock,
        "preservation_request",
        "XC",
        {
            **preservation(reference="XB-hijack"),
            "facts": json.loads(json.dumps(facts("ransomware-hospital"), default=str)),
        },
        conversation=world.preserve,
    )
    status, receipt = refusal(world, world.c, world.b, token)
    assert (status, receipt.reason) == (409, "conversation_exists")
    assert snapshot(world.c) == before  # no case opened, no conversation re-linked


def test_the_requesting_state_cannot_answer_its_own_request(world: World) -> None:
    before = snapshot(world.a)
    token = forge(
        world.c,
        world.clock,
        "execution_result",
        "XA",
        {"outcome": "preserved", "details": "done", "order": "x"},
        conversation=world.preserve,
        seq=7,
    )
    status, receipt = refusal(world, world.a, world.c, token)
    assert (status, receipt.reason) == (403, "wrong_direction")
    assert snapshot(world.a) == before


def test_an_answer_must_fit_the_request(world: World) -> None:
    before = snapshot(world.c)
    token = forge(
        world.a,
        world.clock,
        "conviction_answer",
        "XC",
        {"found": False},
        conversation=world.assist,
        seq=3,
    )
    status, receipt = refusal(world, world.c, world.a, token)
    assert (status, receipt.reason) == (422, "unfit_answer")
    assert snapshot(world.c) == before
    # and the node does not send one either
    mine = snapshot(world.a, "outbox", "thread", "conversations")
    with pytest.raises(ConflictError, match="does not answer"):
        requests.answer(
            world.a.ctx, world.a.cora, world.assist, "conviction_answer", {"found": True}
        )
    assert snapshot(world.a, "outbox", "thread", "conversations") == mine


def test_a_blob_url_in_a_message_is_refused_and_fetches_go_to_the_directory(world: World) -> None:
    before = snapshot(world.c)
    body = {
        "reference": "XC-2026-1",
        "items": [{"sha256": "a" * 64, "size": 1, "filename": "x", "item": "e1"}],
        "custody": {
            "tree_size": 1,
            "root": "b" * 64,
            "signature": "c" * 128,
            "key_id": "d" * 16,
            "checkpoint_at": world.clock.now.isoformat(),
            "leaves": {},
        },
        "fetch": "http://127.0.0.1:9/internal-admin?",
    }
    token = forge(
        world.a, world.clock, "evidence_transfer", "XC", body, conversation=world.preserve, seq=9
    )
    status, receipt = refusal(world, world.c, world.a, token)
    assert (status, receipt.reason) == (422, "invalid_body")
    assert "fetch" in receipt.detail
    assert snapshot(world.c) == before
    with world.c.ctx.engine.connect() as conn:
        held = directory.directory(conn)
    assert fetch.blob_url(held, "XA", "a" * 64) == f"{world.a.endpoint}/network/v1/blobs/{'a' * 64}"


def _sent_blob(world: World) -> str:
    """XA sends XC a preserved file on XC's request; its SHA-256."""
    (mine,) = [
        c
        for c in requests.list_conversations(world.a.ctx, world.a.cora, "in")
        if c.id == world.preserve
    ]
    assert mine.case_id is not None
    item = evidence.add_evidence(
        world.a.ctx,
        world.a.ivan,
        mine.case_id,
        source=io.BytesIO(b"preserved access log\n" * 100),
        filename="access.log",
        acquisition={"tool": "dd"},
    )
    transfer.send_evidence(world.a.ctx, world.a.ivan, world.preserve, [item.id])
    pump(world.net)
    return item.sha256


def test_a_fetch_header_is_good_once_and_only_near_now(world: World) -> None:
    sha = _sent_blob(world)

    def header(at: dt.datetime, nonce: str = "f" * 32) -> str:
        claim = {
            "requester": "XC",
            "holder": "XA",
            "sha256": sha,
            "at": at.isoformat(),
            "nonce": nonce,
        }
        return jws.sign(world.c.ctx.key(), rfc8785.dumps(claim))

    now = world.clock.now
    before = snapshot(world.a, "fetch_nonces")
    for moment in (now + dt.timedelta(minutes=4), now - dt.timedelta(seconds=61)):
        with pytest.raises(PermissionDeniedError, match="60 s"):
            fetch.authorise_fetch(world.a.ctx, sha, header(moment))
    assert snapshot(world.a, "fetch_nonces") == before
    good = fetch.fetch_header(world.c.ctx, "XA", sha)[fetch.FETCH_HEADER]
    assert fetch.authorise_fetch(world.a.ctx, sha, good) == "XC"
    with pytest.raises(PermissionDeniedError, match="replay"):
        fetch.authorise_fetch(world.a.ctx, sha, good)
    assert len(snapshot(world.a, "fetch_nonces")["fetch_nonces"]) == 1
    # a third member cannot fetch it at all
    with pytest.raises(PermissionDeniedError, match="was not sent"):
        fetch.authorise_fetch(
            world.a.ctx, sha, fetch.fetch_header(world.b.ctx, "XA", sha)[fetch.FETCH_HEADER]
        )


class Unreachable:
    """A network on which the holder does not answer."""

    urls: list[str]

    def __init__(self) -> None:
        self.urls = []

    def chunks(self, url: str, headers: dict[str, str]) -> Iterator[bytes]:
        self.urls.append(url)
        raise TransportError(f"{url}: connection refused")


def test_a_failed_fetch_goes_to_the_directory_endpoint_and_is_logged_and_stores_nothing(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    before = snapshot(world.c, "evidence", "inbox", "thread")
    down = Unreachable()
    with pytest.raises(TransportError, match="could not be fetched from XA"):
        transfer.accept_evidence(world.c.ctx, world.c.ivan, world.preserve, down)  # type: ignore[arg-type]
    assert down.urls
    assert all(u.startswith(world.a.endpoint + "/network/v1/blobs/") for u in down.urls)
    assert "evidence fetch from XA failed" in caplog.text
    assert snapshot(world.c, "evidence", "inbox", "thread") == before


def test_a_transport_failure_is_a_502_problem_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    app = FastAPI()
    problems.install(app)

    @app.get("/fetch")
    def fail() -> None:
        raise TransportError("http://xa.test: connection refused")

    answer = TestClient(app).get("/fetch")
    assert answer.status_code == 502
    assert answer.json()["type"].endswith("/unreachable")
    assert "could not be reached: http://xa.test: connection refused" in caplog.text


def test_an_execution_result_needs_an_issued_order_of_ours(world: World) -> None:
    (mine,) = [
        c
        for c in requests.list_conversations(world.a.ctx, world.a.pia, "in")
        if c.id == world.preserve
    ]
    # the order drafted from the request is confidential: Northland's prosecutor, not its
    # desk, has need to know of it and answers with it
    assert mine.order_id is not None  # a draft: Northland's judges authorise preservation
    before = snapshot(world.a)
    result = {"outcome": "preserved", "details": "preserved by Northhost"}
    with pytest.raises(ConflictError, match="draft"):
        requests.answer(world.a.ctx, world.a.pia, world.preserve, "execution_result", result)
    with pytest.raises(NotFoundError, match="order"):
        requests.answer(
            world.a.ctx,
            world.a.pia,
            world.preserve,
            "execution_result",
            {**result, "order": "o-none"},
        )
    disclosure = {"reference": "XC-2026-1", "path": [{"provider": "Northhost Ltd"}]}
    with pytest.raises(ConflictError, match="draft"):
        requests.answer(world.a.ctx, world.a.pia, world.preserve, "traffic_disclosure", disclosure)
    audits = audit_rows(world.a)
    assert snapshot(world.a) == before
    # once Northland's judge authorises and its prosecutor issues, the result can go
    orders.order_command(world.a.ctx, world.a.pia, mine.order_id, Command.SUBMIT)
    orders.order_command(world.a.ctx, world.a.jane, mine.order_id, Command.AUTHORISE)
    orders.order_command(world.a.ctx, world.a.pia, mine.order_id, Command.ISSUE)
    done = requests.answer(world.a.ctx, world.a.pia, world.preserve, "execution_result", result)
    assert done.thread[-1]["body"]["order"] == mine.order_id
    assert audit_rows(world.a) > audits
    pump(world.net)
    theirs = requests.get_conversation(world.c.ctx, world.c.cora, world.preserve)
    assert theirs.status == "answered"
    assert [t["sender"] for t in theirs.thread][-1] == "XA"


def test_a_member_cannot_take_another_states_next_request_reference(world: World) -> None:
    """Request ids carry their State's code (XA-R-…): a member opening a conversation
    under another State's code, to block that State's next request, is refused."""
    before = snapshot(world.c)
    taken = world.preserve.replace("XC-", "XA-", 1)[:-4] + "0099"
    token = forge(
        world.b,
        world.clock,
        "assistance_request",
        "XC",
        {**ASSIST, "reference": "XB-squat"},
        conversation=taken,
    )
    status, receipt = refusal(world, world.c, world.b, token)
    assert (status, receipt.outcome, receipt.reason) == (403, "rejected", "not_a_party")
    assert "is a reference of XA" in receipt.detail
    assert snapshot(world.c) == before
    assert world.preserve.startswith("XC-R-")  # the requests XC sends carry its code


def test_no_message_may_squat_another_states_next_request_reference(world: World) -> None:
    """Not only a request: a consultation (which may open a thread of its own) under
    XA's next reference would use the id up at XC, and XA's real request there would be
    refused as an existing conversation — lost. Refused, and nothing is stored."""
    before, audits = snapshot(world.c), audit_rows(world.c)
    taken = world.preserve.replace("XC-", "XA-", 1)[:-4] + "0098"
    token = forge(world.b, world.clock, "consultation", "XC", {"text": "hello"}, conversation=taken)
    status, receipt = refusal(world, world.c, world.b, token)
    assert (status, receipt.outcome, receipt.reason) == (403, "rejected", "not_a_party")
    assert "is a reference of XA" in receipt.detail
    assert snapshot(world.c) == before
    assert audit_rows(world.c) == audits + 1  # the verified sender's refusal, audited once
    # XB's own references, and ids without a State code, still open threads of their own
    mine = forge(world.b, world.clock, "consultation", "XC", {"text": "hi"}, conversation=None)
    assert refusal(world, world.c, world.b, mine)[0] == 200
