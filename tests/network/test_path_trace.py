"""Art. 44 path tracing across three States: a disclosed hop is followed in one step."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from typer.testing import CliRunner

from tests.network.hostile import forge
from tests.network.kit import Loopback, Peer, pump
from tests.network.test_preservation_flow import preservation
from tests.service.conftest import Clock, facts
from tests.service.test_api import token
from tests.service.test_web import login
from uncc.adapters.db import schema
from uncc.config import Settings
from uncc.domain.envelope import Handling, Onward
from uncc.domain.orders import Command
from uncc.entrypoints.api.app import create_app
from uncc.errors import ConflictError, NotFoundError, PermissionDeniedError, UserInputError
from uncc.services import cases, orders, path_trace
from uncc.services.network import inbox, requests


def _issue(peer: Peer, order_id: str) -> None:
    """The requested State's own order, authorised where its law wants a judge, and issued."""
    order = orders.get_order(peer.ctx, peer.pia, order_id)
    if order.state.value == "draft" and order.requires_authorisation:
        orders.order_command(peer.ctx, peer.pia, order_id, Command.SUBMIT)
        orders.order_command(peer.ctx, peer.jane, order_id, Command.AUTHORISE)
    orders.order_command(peer.ctx, peer.pia, order_id, Command.ISSUE)


def _disclose(net: Loopback, peer: Peer, conversation: str, path: list[dict[str, Any]]) -> None:
    received = requests.get_conversation(peer.ctx, peer.pia, conversation)
    assert received.order_id is not None
    _issue(peer, received.order_id)
    requests.answer(
        peer.ctx,
        peer.cora,
        conversation,
        "traffic_disclosure",
        {"reference": received.case_id, "path": path, "order": received.order_id},
    )
    pump(net)


HOP_XA = {
    "provider": "Northhost Ltd",
    "state": "XA",
    "address": "203.0.113.7:443",
    "at": "2026-03-02T01:14:05Z",
}
HOP_XB = {
    "provider": "Southnet Transit",
    "state": "XB",
    "address": "198.51.100.23:51234",
    "at": "2026-03-02T01:14:03Z",
}


def _count(peer: Peer) -> int:
    with peer.ctx.engine.connect() as conn:
        return int(
            conn.execute(select(func.count()).select_from(schema.conversations)).scalar_one()
        )


@pytest.fixture
def network(shared_network: tuple[Loopback, dict[str, Peer]]) -> tuple[Loopback, dict[str, Peer]]:
    return shared_network


@pytest.fixture
def traced(
    network: tuple[Loopback, dict[str, Peer]],
) -> tuple[Loopback, dict[str, Peer], str, str]:
    """Eastland (XC) asked Northland (XA) to preserve; Northland disclosed a hop in Southland."""
    net, m = network
    c, a = m["XC"], m["XA"]
    case = cases.open_case(c.ctx, c.ivan, facts("ransomware-hospital"))
    first = requests.send_request(
        c.ctx,
        c.cora,
        kind="preservation_request",
        recipient="XA",
        body=preservation(),
        case_id=case.id,
    )
    pump(net)
    _disclose(net, a, first.id, [HOP_XA, HOP_XB])
    return net, m, case.id, first.id


def test_a_three_state_chain_is_traced_request_by_request(
    traced: tuple[Loopback, dict[str, Peer], str, str],
) -> None:
    net, m, case_id, first_id = traced
    c, b = m["XC"], m["XB"]
    mine = requests.get_conversation(c.ctx, c.cora, first_id)
    # the disclosure does not close the preservation: the execution result is still due
    assert mine.status == "disclosed"
    told = [text for _, text in orders.notices(c.ctx, c.cora) if "previous hop" in text]
    assert told
    assert f"uncc request follow-hop {first_id}" in told[-1]
    assert "Southnet Transit, in XB, address 198.51.100.23:51234" in told[-1]

    second = path_trace.follow_hop(c.ctx, c.cora, first_id)
    assert second.peer == "XB"
    assert second.request["data"][0]["description"].startswith(
        "traffic data of the communication at Southnet Transit, in XB, address 198.51.100.23:51234"
    )
    assert second.request["custodian"] == "Southnet Transit, XB"
    assert second.request["offences"] == preservation()["offences"]
    assert second.request["facts"]["id"] == "ransomware-hospital"
    pump(net)
    # Southland takes it up under its own law: a case and a draft order of its own
    at_b = requests.get_conversation(b.ctx, b.pia, second.id)
    assert at_b.case_id is not None
    assert at_b.order_id is not None
    # Southland's provider saw the communication come from a hop in Eastland itself
    hop_xc = {
        "provider": "Eastcable",
        "state": "XC",
        "address": "192.0.2.99",
        "at": "2026-03-02T01:14:01Z",
    }
    _disclose(net, b, second.id, [HOP_XB, hop_xc])
    told = [text for _, text in orders.notices(c.ctx, c.cora) if "previous hop" in text]
    assert "in our territory: a domestic order" in told[-1]
    with pytest.raises(ConflictError, match="domestic order"):
        path_trace.follow_hop(c.ctx, c.cora, second.id)

    path = path_trace.case_path(c.ctx, c.ivan, case_id)
    assert [leg.state for leg in path.legs] == ["XA", "XB"]
    assert path.legs[1].follows == first_id
    assert [h.provider for h in path.legs[0].hops] == ["Northhost Ltd", "Southnet Transit"]
    assert path.next_hop is not None
    assert path.next_hop.state == "XC"
    assert [leg.conversation for leg in path.pending] == [first_id, second.id]
    assert path.legs[1].hops[-1].at is not None


def test_following_a_hop_twice_or_without_a_disclosure_is_refused_and_stores_nothing(
    traced: tuple[Loopback, dict[str, Peer], str, str],
) -> None:
    _, m, _, first_id = traced
    c, a = m["XC"], m["XA"]
    before = _count(c)
    # an auditor may read the network but not send: refused, nothing stored
    with pytest.raises(PermissionDeniedError):
        path_trace.follow_hop(c.ctx, c.aud, first_id)
    assert _count(c) == before
    path_trace.follow_hop(c.ctx, c.cora, first_id)
    with pytest.raises(ConflictError, match="already follows"):
        path_trace.follow_hop(c.ctx, c.ivan, first_id)
    assert _count(c) == before + 1
    # the requested State cannot follow the path on the requesting State's behalf
    with pytest.raises(ConflictError, match="not a preservation request of ours"):
        path_trace.follow_hop(a.ctx, a.cora, first_id)
    # a request with no disclosure yet has no hop to follow
    other = requests.send_request(
        c.ctx,
        c.cora,
        kind="preservation_request",
        recipient="XB",
        body=preservation(reference="X-2"),
    )
    with pytest.raises(ConflictError, match="disclosed no traffic data"):
        path_trace.follow_hop(c.ctx, c.cora, other.id)
    assert _count(c) == before + 2


def test_one_follow_up_per_hop_holds_past_the_service_and_in_the_database(
    traced: tuple[Loopback, dict[str, Peer], str, str],
) -> None:
    """Two desks racing, or an insider with the database: a hop is followed once."""
    _, m, _, first_id = traced
    c = m["XC"]
    sent = path_trace.follow_hop(c.ctx, c.cora, first_id)
    with c.ctx.engine.connect() as conn:
        outbox_before = conn.execute(select(func.count()).select_from(schema.outbox)).scalar_one()
    with pytest.raises(ConflictError, match="already follows"):
        requests.send_request(
            c.ctx,
            c.cora,
            kind="preservation_request",
            recipient="XB",
            body=preservation(reference="X-3"),
            follows=first_id,
        )
    with c.ctx.engine.connect() as conn:
        assert (
            conn.execute(select(func.count()).select_from(schema.outbox)).scalar_one()
            == outbox_before
        )
    with pytest.raises(IntegrityError), c.ctx.engine.begin() as conn:
        conn.execute(
            update(schema.conversations)
            .where(schema.conversations.c.id == first_id)
            .values(follows=first_id)
        )
    assert requests.get_conversation(c.ctx, c.cora, sent.id).id == sent.id


def test_the_path_over_http_and_the_web(
    traced: tuple[Loopback, dict[str, Peer], str, str],
) -> None:
    """The API follows the hop and shows the path; the web offers the button and the picture."""
    _, m, case_id, first_id = traced
    c = m["XC"]
    with TestClient(create_app(Settings(), c.ctx), follow_redirects=False) as client:
        cora = token(client, "cora")
        judge = token(client, "jane")
        # the web: the request page names the hop and offers the one-step follow-up
        csrf = login(client, "cora")
        page = client.get(f"/network/requests/{first_id}")
        assert "came from Southnet Transit, in XB, address 198.51.100.23:51234" in page.text
        assert f'action="/network/requests/{first_id}/follow-hop"' in page.text
        case_page = client.get(f"/cases/{case_id}").text
        assert f'href="/cases/{case_id}/path.svg"' in case_page
        inline = re.search(r'<svg [^>]*id="case-path".*?</svg>', case_page, re.S)
        assert inline  # drawn in the page, with its description and a list beside it
        assert (
            ElementTree.fromstring(inline.group(0)).find("{http://www.w3.org/2000/svg}desc")
            is not None
        )
        assert 'class="path-stations"' in case_page
        # the case timeline has the request sent and the disclosure received
        timeline = re.search(r'<svg [^>]*id="case-timeline".*?</svg>', case_page, re.S)
        assert timeline
        drawn = [
            t.text or ""
            for g in ElementTree.fromstring(timeline.group(0)).iter("{http://www.w3.org/2000/svg}g")
            if g.get("class") == "moment kind-message"
            for t in g.iter("{http://www.w3.org/2000/svg}title")
        ]
        assert any(label.startswith("sent to XA: ") for label in drawn), drawn
        assert any(label.startswith("received from XA: ") for label in drawn), drawn
        # a judge may read the case but not the network: the path is not theirs to see
        refused = client.get(f"/api/v1/cases/{case_id}/path", headers=judge)
        assert refused.status_code == 403
        assert refused.headers["content-type"] == "application/problem+json"
        sent = client.post(f"/network/requests/{first_id}/follow-hop", data={"csrf": csrf})
        assert sent.status_code == 303
        again = client.post(f"/api/v1/network/requests/{first_id}/follow-hop", headers=cora)
        assert again.status_code == 409
        assert "already follows" in again.json()["detail"]
        path = client.get(f"/api/v1/cases/{case_id}/path", headers=cora).json()
        assert [leg["state"] for leg in path["legs"]] == ["XA", "XB"]
        assert path["legs"][1]["follows"] == first_id
        assert path["pending"] == [first_id, path["legs"][1]["request"]]
        picture = client.get(f"/cases/{case_id}/path.svg")
        assert picture.headers["content-type"].startswith("image/svg+xml")
        svg = ElementTree.fromstring(picture.text)  # well-formed: names escaped
        texts = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")]
        assert "Southnet Transit" in texts
        assert "198.51.100.23:51234" in texts
        assert "2026-03-02 01:14:03Z" in texts
        assert any(t and t.startswith("XB: ") for t in texts)  # the request pending at XB


def test_the_web_answer_form_sends_a_traffic_disclosure(
    network: tuple[Loopback, dict[str, Peer]],
) -> None:
    """Northland's desk answers with the path from the form: one hop a line."""
    net, m = network
    c, a = m["XC"], m["XA"]
    case = cases.open_case(c.ctx, c.ivan, facts("ransomware-hospital"))
    first = requests.send_request(
        c.ctx,
        c.cora,
        kind="preservation_request",
        recipient="XA",
        body=preservation(),
        case_id=case.id,
    )
    pump(net)
    received = requests.get_conversation(a.ctx, a.pia, first.id)
    assert received.order_id is not None
    _issue(a, received.order_id)
    with TestClient(create_app(Settings(), a.ctx), follow_redirects=False) as client:
        csrf = login(client, "pia")
        form = client.get(f"/network/requests/{first.id}")
        assert '<option value="traffic_disclosure"' in form.text
        lines = "Northhost Ltd | XA | 203.0.113.7:443 | 2026-03-02T01:14:05Z\nSouthnet Transit | XB | 198.51.100.23"
        bad = client.post(
            f"/network/requests/{first.id}/answer",
            data={
                "csrf": csrf,
                "kind": "traffic_disclosure",
                "hops": "Northhost | Northland",
                "order": received.order_id,
            },
        )
        assert "path.0.state" in bad.text  # the field named, nothing sent
        assert (
            requests.get_conversation(a.ctx, a.pia, first.id).thread[-1]["type"] == "acknowledgment"
        )
        done = client.post(
            f"/network/requests/{first.id}/answer",
            data={
                "csrf": csrf,
                "kind": "traffic_disclosure",
                "hops": lines,
                "order": received.order_id,
            },
        )
        assert done.status_code == 303
    pump(net)
    step = path_trace.next_step(c.ctx, c.cora, first.id)
    assert step is not None
    assert step.hop.state == "XB"
    assert step.may_follow


def test_a_hop_outside_the_network_is_not_followed_and_nothing_is_stored(
    network: tuple[Loopback, dict[str, Peer]],
) -> None:
    """A requested State discloses a previous hop in a State that is no member (XZ)."""
    net, m = network
    c, a = m["XC"], m["XA"]
    case = cases.open_case(c.ctx, c.ivan, facts("ransomware-hospital"))
    first = requests.send_request(
        c.ctx,
        c.cora,
        kind="preservation_request",
        recipient="XA",
        body=preservation(),
        case_id=case.id,
    )
    pump(net)
    _disclose(net, a, first.id, [HOP_XA, {"provider": "Offshore Relay", "state": "XZ"}])
    step = path_trace.next_step(c.ctx, c.cora, first.id)
    assert step is not None
    assert step.hop.state == "XZ"
    assert not step.may_follow
    assert step.move == "XZ is not in the network: ask it through other channels"
    before = _count(c)
    with pytest.raises(NotFoundError, match="XZ is not in the network directory"):
        path_trace.follow_hop(c.ctx, c.cora, first.id)
    assert _count(c) == before
    # and a disclosure of more hops than a path can have is refused by the requested node
    received = requests.get_conversation(a.ctx, a.pia, first.id)
    with pytest.raises(UserInputError, match="path"):
        requests.answer(
            a.ctx,
            a.cora,
            first.id,
            "traffic_disclosure",
            {"reference": "r", "path": [HOP_XA] * 65, "order": received.order_id},
        )


def test_the_command_line_follows_the_hop_and_draws_the_path(
    traced: tuple[Loopback, dict[str, Peer], str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``uncc request follow-hop`` and ``uncc case path --svg`` as Eastland's desk."""
    from uncc.entrypoints.cli import session  # noqa: PLC0415
    from uncc.entrypoints.cli.main import app  # noqa: PLC0415

    _, m, case_id, first_id = traced
    c = m["XC"]
    monkeypatch.setattr(session, "context", lambda: c.ctx)
    monkeypatch.setattr(session, "principal", lambda: c.cora)
    runner = CliRunner()
    followed = runner.invoke(app, ["request", "follow-hop", first_id])
    assert followed.exit_code == 0, followed.output
    assert "signed and queued for XB" in followed.output
    assert "Southnet Transit, in XB, address 198.51.100.23:51234" in followed.output
    again = runner.invoke(app, ["request", "follow-hop", first_id])
    assert isinstance(again.exception, ConflictError)
    picture = tmp_path / "path.svg"
    shown = runner.invoke(app, ["case", "path", case_id, "--svg", str(picture)])
    assert shown.exit_code == 0, shown.output
    assert "hop: Southnet Transit, in XB" in shown.output
    assert f"following {first_id}" in shown.output
    assert ElementTree.parse(picture).getroot().tag == "{http://www.w3.org/2000/svg}svg"


def test_a_hop_disclosed_with_onward_none_is_not_sent_to_the_next_state(
    traced: tuple[Loopback, dict[str, Peer], str, str],
) -> None:
    """The disclosure's handling holds: a sender that said "no onward transfer" keeps the
    hop it disclosed from going to the State of that hop; refused, nothing stored."""
    _, m, _, first_id = traced
    c, a = m["XC"], m["XA"]
    clock = a.ctx.clock
    assert isinstance(clock, Clock)
    with a.ctx.engine.connect() as conn:
        last = conn.execute(
            select(func.max(schema.outbox.c.seq)).where(schema.outbox.c.conversation == first_id)
        ).scalar_one()
        order = conn.execute(
            select(schema.conversations.c.order_id).where(schema.conversations.c.id == first_id)
        ).scalar_one()
    body = {"reference": "none-onward", "path": [HOP_XA, HOP_XB], "order": order}
    token = forge(
        a,
        clock,
        "traffic_disclosure",
        "XC",
        body,
        conversation=first_id,
        seq=int(last) + 1,
        handling=Handling(onward=Onward.NONE),
    )
    assert inbox.receive(c.ctx, token)[0] == 200
    before = _count(c)
    with pytest.raises(PermissionDeniedError, match="allows no onward transfer"):
        path_trace.follow_hop(c.ctx, c.cora, first_id)
    assert _count(c) == before


def test_the_requested_state_marks_its_disclosure_onward_none_through_the_api(
    network: tuple[Loopback, dict[str, Peer]],
) -> None:
    """The answer carries the handling the requested State chose; the requester obeys it."""
    net, m = network
    c, a = m["XC"], m["XA"]
    asked, _ = _asked_and_issued(net, c, a, "XC-none")
    with TestClient(create_app(Settings(), a.ctx), follow_redirects=False) as client:
        answered = client.post(
            f"/api/v1/network/requests/{asked.id}/answers",
            json={
                "kind": "traffic_disclosure",
                "body": {"reference": "none", "path": [HOP_XA, HOP_XB]},
                "handling": {"onward": "none"},
            },
            headers=token(client, "cora"),
        )
        assert answered.status_code == 201, answered.text
        wrong = client.post(
            f"/api/v1/network/requests/{asked.id}/answers",
            json={"kind": "consultation", "body": {"text": "x"}, "handling": {"onward": "all"}},
            headers=token(client, "cora"),
        )
        assert (wrong.status_code, wrong.json()["detail"][:8]) == (400, "onward: "), wrong.text
    pump(net)
    before = _count(c)
    with pytest.raises(PermissionDeniedError, match="allows no onward transfer"):
        path_trace.follow_hop(c.ctx, c.cora, asked.id)
    assert _count(c) == before


def test_the_requested_state_marks_its_disclosure_onward_none_from_the_cli(
    network: tuple[Loopback, dict[str, Peer]], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """``uncc request answer --onward none``: the requester may not pass the hop on.

    A handling code that is not one is refused, naming the field, and nothing is queued.
    """
    from uncc.entrypoints.cli import session  # noqa: PLC0415
    from uncc.entrypoints.cli.main import app  # noqa: PLC0415

    net, m = network
    c, a = m["XC"], m["XA"]
    asked, _ = _asked_and_issued(net, c, a, "XC-cli-none")
    monkeypatch.setattr(session, "context", lambda: a.ctx)
    monkeypatch.setattr(session, "principal", lambda: a.cora)
    with a.ctx.engine.connect() as conn:
        before = conn.execute(select(func.count()).select_from(schema.outbox)).scalar_one()
    wrong = CliRunner().invoke(
        app, ["request", "answer", asked.id, "consultation", "--field", "text=x", "--onward", "all"]
    )
    assert wrong.exit_code != 0  # main.run maps the UserInputError to exit 2 and one line
    assert "onward: 'all' is not one of" in str(wrong.exception or wrong.output)
    with a.ctx.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(schema.outbox)).scalar_one() == before
    body = tmp_path / "disclosure.json"
    body.write_text(json.dumps({"reference": "none", "path": [HOP_XA, HOP_XB]}), encoding="utf-8")
    answered = CliRunner().invoke(
        app,
        [
            "request",
            "answer",
            asked.id,
            "traffic_disclosure",
            "--body",
            str(body),
            "--onward",
            "none",
        ],
    )
    assert answered.exit_code == 0, answered.output
    pump(net)
    before = _count(c)
    with pytest.raises(PermissionDeniedError, match="allows no onward transfer"):
        path_trace.follow_hop(c.ctx, c.cora, asked.id)
    assert _count(c) == before


def test_the_web_answer_form_marks_a_disclosure_onward_none(
    network: tuple[Loopback, dict[str, Peer]],
) -> None:
    """The answer form's handling choice travels with the answer; a made-up code is refused."""
    net, m = network
    c, a = m["XC"], m["XA"]
    first, received = _asked_and_issued(net, c, a, "XC-web-none")
    lines = "Northhost Ltd | XA | 203.0.113.7:443\nSouthnet Transit | XB | 198.51.100.23"
    form = {"kind": "traffic_disclosure", "hops": lines, "order": received.order_id}
    with TestClient(create_app(Settings(), a.ctx), follow_redirects=False) as client:
        csrf = login(client, "pia")
        assert 'name="onward"' in client.get(f"/network/requests/{first.id}").text
        bad = client.post(
            f"/network/requests/{first.id}/answer", data={"csrf": csrf, **form, "onward": "all"}
        )
        assert bad.status_code != 303
        assert "onward: &#39;all&#39; is not one of" in bad.text or "onward: 'all'" in bad.text
        assert (
            requests.get_conversation(a.ctx, a.pia, first.id).thread[-1]["type"] == "acknowledgment"
        )
        done = client.post(
            f"/network/requests/{first.id}/answer", data={"csrf": csrf, **form, "onward": "none"}
        )
        assert done.status_code == 303
    pump(net)
    before = _count(c)
    with pytest.raises(PermissionDeniedError, match="allows no onward transfer"):
        path_trace.follow_hop(c.ctx, c.cora, first.id)
    assert _count(c) == before


def _asked_and_issued(net: Loopback, c: Peer, a: Peer, reference: str) -> tuple[Any, Any]:
    """XC asks XA to preserve data; XA's order for it is issued. The request and XA's copy."""
    case = cases.open_case(c.ctx, c.ivan, facts("ransomware-hospital"))
    asked = requests.send_request(
        c.ctx,
        c.cora,
        kind="preservation_request",
        recipient="XA",
        body=preservation(reference=reference),
        case_id=case.id,
    )
    pump(net)
    received = requests.get_conversation(a.ctx, a.pia, asked.id)
    assert received.order_id is not None
    _issue(a, received.order_id)
    return asked, received
