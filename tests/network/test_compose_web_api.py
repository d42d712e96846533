"""Requests for measures from the web and the API.

The compose form of every kind is rendered with every control labelled; an incomplete
request comes back with the missing fields named and nothing is queued; a complete one
is signed and queued. The API sends any kind and names what is missing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.network.conftest import TwoStates
from tests.network.kit import Peer
from tests.service.conftest import facts
from tests.service.test_web import Labels, login
from uncc.adapters.db import schema
from uncc.config import Settings
from uncc.entrypoints.api.app import create_app
from uncc.entrypoints.web.compose_forms import FORMS
from uncc.services import cases


@pytest.fixture
def desk(northland_southland: TwoStates) -> Iterator[tuple[TestClient, str, str, Peer]]:
    net, xa, _, _ = northland_southland
    case = cases.open_case(xa.ctx, xa.ivan, facts("ransomware-hospital"))
    with TestClient(
        create_app(Settings(), xa.ctx, transport=net), follow_redirects=False
    ) as client:
        csrf = login(client, "cora")
        yield client, csrf, case.id, xa


def count(peer: Peer, table: str) -> int:
    with peer.ctx.engine.connect() as conn:
        return conn.execute(
            select(func.count()).select_from(schema.metadata.tables[table])
        ).scalar_one()


FORM = {
    "kind": "interception_request",
    "reference": "XA-7",
    "requesting_authority": "Northland NCU",
    "offence_ids": "illegal_access",
    "summary_of_facts": "the operators use a mailbox at Southmail",
    "duration_days": "30",
    "contact_name": "Duty officer",
    "contact_phone": "+00 555 0101",
}


def test_every_measure_has_its_compose_form_and_an_incomplete_one_queues_nothing(
    desk: tuple[TestClient, str, str, Peer],
) -> None:
    client, csrf, case_id, xa = desk
    before = count(xa, "outbox"), count(xa, "conversations")
    for kind in FORMS:
        page = client.get("/network/compose", params={"kind": kind, "case": case_id})
        assert page.status_code == 200, (kind, re.sub(r"\s+", " ", page.text)[-800:])
        parser = Labels()
        parser.feed(page.text)
        assert parser.missing() == [], kind
    answer = client.post("/network/compose", data={**FORM, "csrf": csrf, "case": case_id})
    assert answer.status_code == 422
    for missing in ("identifiers", "provider", "necessity", "other_means"):
        assert f'id="e-{missing}"' in answer.text, missing
    assert "choose the requested State" in answer.text
    assert 'value="30"' in answer.text  # what was typed is kept
    assert (count(xa, "outbox"), count(xa, "conversations")) == before
    complete = {
        **FORM,
        "csrf": csrf,
        "case": case_id,
        "recipient": "XB",
        "identifiers": "ops@leak.example",
        "provider": "Southmail",
        "necessity": "they plan the next attack",
        "other_means": "logs do not show content",
    }
    sent = client.post("/network/compose", data=complete)
    assert sent.status_code == 303, re.findall(r"field-error[^<]*<", sent.text)
    assert count(xa, "conversations") == before[1] + 1


def test_the_api_sends_every_measure_and_names_what_is_missing(
    northland_southland: TwoStates,
) -> None:
    from tests.network.kit import pump  # noqa: PLC0415
    from tests.network.test_measure_requests import body  # noqa: PLC0415
    from tests.service.conftest import PASSWORD  # noqa: PLC0415

    net, xa, xb, _ = northland_southland

    def client_for(peer: Peer) -> tuple[TestClient, dict[str, str]]:
        client = TestClient(create_app(Settings(), peer.ctx, transport=net))
        token = client.post("/api/v1/login", json={"user": "cora", "password": PASSWORD})
        return client, {"Authorization": f"Bearer {token.json()['token']}"}

    a, a_auth = client_for(xa)
    b, b_auth = client_for(xb)
    before = count(xa, "outbox"), count(xa, "conversations")
    bad = {
        "kind": "emergency_request",
        "recipient": "XB",
        "body": body("emergency_request", justification=""),
    }
    refused = a.post("/api/v1/network/requests", json=bad, headers=a_auth)
    assert refused.status_code in {400, 422}  # a bad body: a client error naming the field
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "justification" in refused.text
    assert (count(xa, "outbox"), count(xa, "conversations")) == before
    hearing = {
        "kind": "video_hearing_request",
        "recipient": "XB",
        "body": body("video_hearing_request"),
    }
    sent = a.post("/api/v1/network/requests", json=hearing, headers=a_auth)
    assert sent.status_code == 201, sent.text
    request_id = sent.json()["id"]
    pump(net)
    no_code = b.post(
        f"/api/v1/network/requests/{request_id}/answers",
        json={"kind": "refusal", "body": {"detail": "no"}},
        headers=b_auth,
    )
    assert no_code.status_code in {400, 422}
    assert "reason" in no_code.text
    refusal = {
        "reason": "human_rights",
        "detail": "the witness would be at risk",
        "scope": "conditional",
        "conditions": ["the witness's voice is distorted"],
    }
    answered = b.post(
        f"/api/v1/network/requests/{request_id}/answers",
        json={"kind": "refusal", "body": refusal},
        headers=b_auth,
    )
    assert answered.status_code == 201, answered.text
    pump(net)
    seen = a.get(f"/api/v1/network/requests/{request_id}", headers=a_auth).json()
    assert seen["status"] == "refused_unless"
    assert seen["thread"][-1]["body"]["provision"] == "art_5__para_1"


def test_the_cli_sends_a_measure_request_from_a_body_file(
    northland_southland: TwoStates, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json  # noqa: PLC0415

    from typer.testing import CliRunner  # noqa: PLC0415

    from tests.network.test_measure_requests import body  # noqa: PLC0415
    from uncc.entrypoints.cli import session  # noqa: PLC0415
    from uncc.entrypoints.cli.main import app  # noqa: PLC0415

    _, xa, _, _ = northland_southland
    from uncc.services.network import requests  # noqa: PLC0415

    monkeypatch.setattr(session, "context", lambda: xa.ctx)
    monkeypatch.setattr(session, "principal", lambda: xa.cora)
    case = cases.open_case(xa.ctx, xa.ivan, facts("ransomware-hospital"))
    good = tmp_path / "seize.json"
    good.write_text(json.dumps(body("search_seizure_request")), encoding="utf-8")
    sent = CliRunner().invoke(
        app,
        [
            "request",
            "send",
            "search_seizure_request",
            "--to",
            "XB",
            "--body",
            str(good),
            "--case",
            case.id,
        ],
    )
    assert sent.exit_code == 0, sent.output
    assert "search_seizure_request to XB queued" in sent.output
    before = count(xa, "outbox")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(body("search_seizure_request", systems=[])), encoding="utf-8")
    refused = CliRunner().invoke(
        app, ["request", "send", "search_seizure_request", "--to", "XB", "--body", str(bad)]
    )
    assert refused.exit_code != 0
    assert "systems" in str(refused.exception or refused.output)
    assert count(xa, "outbox") == before
    # XB refuses part of it from its command line; both ends show the code and its provision
    from tests.network.kit import pump  # noqa: PLC0415

    net, _, xb, _ = northland_southland
    pump(net)
    request_id = sent.output.split(":", 1)[0].strip()
    assert requests.get_conversation(xa.ctx, xa.cora, request_id).kind == "search_seizure_request"
    monkeypatch.setattr(session, "context", lambda: xb.ctx)
    monkeypatch.setattr(session, "principal", lambda: xb.cora)
    fields = [
        "reason=essential_interests",
        "detail=the second server is a ministry's",
        "scope=partial",
        "refused[]=the second server",
    ]
    answered = CliRunner().invoke(
        app,
        ["request", "answer", request_id, "refusal", *[x for f in fields for x in ("--field", f)]],
    )
    assert answered.exit_code == 0, answered.output
    pump(net)
    for peer in (xa, xb):
        monkeypatch.setattr(session, "context", lambda peer=peer: peer.ctx)
        monkeypatch.setattr(session, "principal", lambda peer=peer: peer.cora)
        shown = CliRunner().invoke(app, ["request", "show", request_id])
        assert (
            "refused (partial): essential_interests [art_4__para_1]; refused: the second server"
            in shown.output
        )
