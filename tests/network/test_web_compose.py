"""The compose form of every request kind: rendered with every control labelled; an
incomplete request comes back with the missing fields named and nothing is queued; a
complete one is signed and queued."""

from __future__ import annotations

import re
from collections.abc import Iterator

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
