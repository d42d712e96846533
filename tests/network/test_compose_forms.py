"""The compose form fills itself from the case, names States by name, and keeps refusals readable."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.network.conftest import TwoStates
from tests.network.kit import Peer
from tests.network.test_compose_web_api import count
from tests.service.conftest import facts
from tests.service.test_web import Labels, login
from uncc.config import Settings
from uncc.entrypoints.api.app import create_app
from uncc.entrypoints.web.compose_pages import COMPOSE
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


def value(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page) or re.search(
        rf'name="{name}"[^>]*>([^<]*)</textarea>', page
    )
    return html.unescape(found.group(1)) if found else ""


def test_every_kind_is_filled_from_the_case_and_our_contact(
    desk: tuple[TestClient, str, str, Peer],
) -> None:
    client, _, case_id, _ = desk
    for kind in COMPOSE:
        page = client.get(
            "/network/compose", params={"kind": kind, "case": case_id, "to": "Southland"}
        )
        assert page.status_code == 200, (kind, page.text[-500:])
        text = page.text
        assert '<option value="XB" selected>XB — Southland (fictional)</option>' in text, kind
        assert value(text, "contact_name") == "XA desk", kind
        assert value(text, "contact_phone") == "+00 555 0100", kind
        assert value(text, "reference"), kind
        if kind != "assistance_request":
            assert re.search(r'name="offences" value="[a-z_]+" checked', text), kind
            assert re.search(r"\(Art\. \d+\)", text), kind
            assert value(text, "summary_of_facts"), kind
        parser = Labels()
        parser.feed(text)
        assert parser.missing() == [], kind


def test_an_unticked_box_is_named_next_to_it_and_nothing_is_sent(
    desk: tuple[TestClient, str, str, Peer],
) -> None:
    client, csrf, case_id, xa = desk
    page = client.get("/network/compose", params={"case": case_id, "to": "XB"}).text
    form = {
        name: value(page, name)
        for name in (
            "reference",
            "requesting_authority",
            "summary_of_facts",
            "data",
            "custodian",
            "necessity",
            "contact_name",
            "contact_phone",
        )
    }
    form["data"] = form["data"] or "VPN logs | they show the intrusion"
    form["custodian"] = form["custodian"] or "Southnet Transit"
    offences = re.findall(r'name="offences" value="([a-z_]+)" checked', page)
    before = count(xa, "outbox"), count(xa, "conversations")
    refused = client.post(
        "/network/compose",
        data={
            **form,
            "necessity": form["necessity"] or "the logs are kept 14 days",
            "csrf": csrf,
            "kind": "preservation_request",
            "case": case_id,
            "recipient": "XB",
            "offences": offences,
            "preserve_days": "90",
        },
    )
    assert refused.status_code == 422, re.findall(
        r"(?:field-error|role=.alert.)[^<]*<", refused.text
    )
    assert re.search(
        r'id="e-formal_request_to_follow">preservation is provisional: state that a formal request will follow<',
        refused.text,
    ), re.findall(r"(?:field-error|role=.alert.)[^<]*<", refused.text)
    assert "body:" not in refused.text
    assert (count(xa, "outbox"), count(xa, "conversations")) == before
    for name in ("summary_of_facts", "custodian"):
        assert value(refused.text, name) == form[name]  # kept as typed
    sent = client.post(
        "/network/compose",
        data={
            **form,
            "necessity": form["necessity"] or "the logs are kept 14 days",
            "csrf": csrf,
            "kind": "preservation_request",
            "case": case_id,
            "recipient": "Southland",
            "offences": offences,
            "formal_request_to_follow": "1",
        },
    )
    assert sent.status_code == 303, re.findall(r"field-error[^<]*<", sent.text)
    assert count(xa, "conversations") == before[1] + 1


def test_a_state_no_one_goes_by_is_refused_at_the_recipient(
    desk: tuple[TestClient, str, str, Peer],
) -> None:
    client, csrf, _, _ = desk
    refused = client.post(
        "/network/compose",
        data={"csrf": csrf, "kind": "assistance_request", "recipient": "Atlantis", "needed": "x"},
    )
    assert refused.status_code == 422
    assert "&#39;Atlantis&#39; is not a State we know" in refused.text
    assert 'id="e-recipient"' in refused.text


def test_a_refusal_is_confirmed_with_its_reasons_before_it_is_sent(
    northland_southland: TwoStates,
) -> None:
    from sqlalchemy import select  # noqa: PLC0415

    from tests.network.kit import pump  # noqa: PLC0415
    from tests.network.test_measure_requests import body  # noqa: PLC0415
    from uncc.adapters.db import schema  # noqa: PLC0415
    from uncc.services.network import requests  # noqa: PLC0415

    net, xa, xb, _ = northland_southland
    sent = requests.send_request(
        xa.ctx,
        xa.cora,
        kind="video_hearing_request",
        recipient="XB",
        body=body("video_hearing_request"),
    )
    pump(net)
    with TestClient(create_app(Settings(), xb.ctx, transport=net), follow_redirects=False) as b:
        csrf = login(b, "cora")
        url = f"/network/requests/{sent.id}/answer"
        form = {"csrf": csrf, "kind": "refusal", "reason": "human_rights", "scope": "whole"}
        before = count(xb, "outbox")
        asked = b.post(url, data={**form, "text": "the witness would be at risk"})
        assert asked.status_code == 200
        assert "Confirm: refuse the request" in asked.text
        assert "the witness would be at risk" in asked.text  # kept for the confirmation
        assert count(xb, "outbox") == before  # nothing sent before it is confirmed
        empty = b.post(url, data={**form, "confirmed": "1", "text": " "})
        assert empty.status_code == 422
        assert 'id="e-text">the refusal must state its reasons<' in empty.text
        assert count(xb, "outbox") == before
        done = b.post(url, data={**form, "confirmed": "1", "text": "the witness would be at risk"})
        assert done.status_code == 303, done.text
        assert count(xb, "outbox") == before + 1
    with xb.ctx.engine.connect() as conn:
        details = conn.execute(
            select(schema.audit.c.details).where(
                schema.audit.c.action == "network.answer", schema.audit.c.object == sent.id
            )
        ).scalar_one()
    assert details == {
        "type": "refusal",
        "ground": "human_rights",
        "reason": "the witness would be at risk",
    }


def test_a_draft_names_the_requested_state_by_its_name(northland_southland: TwoStates) -> None:
    from uncc.errors import UserInputError  # noqa: PLC0415
    from uncc.services import request_drafts  # noqa: PLC0415

    _, xa, _, _ = northland_southland
    case = cases.open_case(xa.ctx, xa.ivan, facts("ransomware-hospital"))
    draft = request_drafts.draft_request(
        xa.ctx, xa.cora, case.id, measure="preservation", to="southland"
    )
    assert draft.to == "XB"
    with pytest.raises(UserInputError, match=r"^to: 'Atlantis' is not a State we know"):
        request_drafts.draft_request(
            xa.ctx, xa.cora, case.id, measure="preservation", to="Atlantis"
        )
