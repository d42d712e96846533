"""Requests built from the case: filled from the analysis, checked under the other State's law."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from tests.network.kit import Loopback, Peer, pump
from tests.scenarios.runner import ROOT
from tests.service.test_api import token
from tests.service.test_web import login
from uncc.adapters.db import schema
from uncc.config import Settings
from uncc.entrypoints.api.app import create_app
from uncc.errors import PermissionDeniedError, UserInputError
from uncc.services import cases, request_drafts
from uncc.services.network import requests
from uncc.services.reports.request_doc import request_html
from uncc.yaml12 import load_yaml

Network = tuple[Loopback, dict[str, Peer]]


def _case(peer: Peer) -> str:
    """The demo's ransomware case, with the stolen records staged on the leak site in XA."""
    facts = load_yaml((ROOT / "examples/network/ransomware-cross-border.yaml").read_text("utf-8"))
    facts["acts"].append(
        {
            "id": "stage",
            "by": "affiliate",
            "conduct": "copy",
            "object": "leak-copy",
            "using": "leak-server",
            "when": "2026-03-02T02:30:00Z",
            "acted_in": "XB",
            "effects_in": ["XA"],
            "without_right": True,
            "mental_state": "intent",
        }
    )
    return cases.open_case(peer.ctx, peer.ivan, facts).id


def _stored(peer: Peer) -> tuple[int, int]:
    with peer.ctx.engine.connect() as conn:
        return (
            conn.execute(select(func.count()).select_from(schema.conversations)).scalar_one(),
            conn.execute(select(func.count()).select_from(schema.outbox)).scalar_one(),
        )


def test_a_preservation_request_is_filled_from_the_case_and_checked_under_the_other_law(
    shared_network: Network,
) -> None:
    net, m = shared_network
    c, a = m["XC"], m["XA"]
    case_id = _case(c)
    draft = request_drafts.draft_request(c.ctx, c.cora, case_id, measure="preservation", to="XA")
    body = draft.body
    assert draft.problems == ()
    assert body["requesting_authority"] == "Eastland National Cyber Unit"
    assert body["reference"] == "NCU-2026-0311"
    assert "illegal_access" in body["offences"]
    assert sorted(d["description"][:18] for d in body["data"]) == [
        "leak-site access l",
        "the attackers' cop",
    ]
    assert body["custodian"] == "leak-site server rented from Northhost in XA"
    assert body["necessity"]  # the logs are volatile: kept 14 days
    assert body["contact"]["name"] == "XC desk"  # our 24/7 contact point, from the directory
    # under Northland's published profile: access through broken security is an offence
    abroad = draft.abroad
    assert abroad.profile == "XA's published profile"
    assert abroad.dual_criminality == "yes"
    assert {o.offence: o.provision for o in abroad.offences}["illegal_access"] == "art_6__para_1"
    assert abroad.measure_available == "yes"
    assert abroad.measure_provision == "art_43__para_1"
    document = request_html(draft, "XC", c.ctx.clock().date())
    for text in ("NCU-2026-0311", case_id, "art_43__para_1", "art_4", "Dual criminality"):
        assert text in document
    assert "@media print" in document
    _, sent = request_drafts.send_draft(c.ctx, c.cora, case_id, measure="preservation", to="XA")
    pump(net)
    at_a = requests.get_conversation(a.ctx, a.pia, sent.id)
    assert at_a.case_id is not None
    assert at_a.order_id is not None  # Northland's own draft order, under its law


def test_an_invalid_offence_id_is_refused_with_the_field_named_and_nothing_signed(
    shared_network: Network,
) -> None:
    _, m = shared_network
    c = m["XC"]
    case_id = _case(c)
    before = _stored(c)
    bad: dict[str, Any] = {"offences": ["illegal access"]}
    draft = request_drafts.draft_request(
        c.ctx, c.cora, case_id, measure="preservation", to="XA", fields=bad
    )
    assert (
        "offences.0: 'illegal access' is not an offence id of the Convention model"
        in (draft.problems[0])
    )
    with pytest.raises(UserInputError, match=r"offences\.0: 'illegal access'"):
        request_drafts.send_draft(
            c.ctx, c.cora, case_id, measure="preservation", to="XA", fields=bad
        )
    # the plain send path checks the ids too
    with pytest.raises(UserInputError, match=r"offences\.0"):
        requests.send_request(
            c.ctx,
            c.cora,
            kind="preservation_request",
            recipient="XA",
            body={**draft.body, **bad},
            case_id=case_id,
        )
    assert _stored(c) == before


def test_what_cannot_be_drafted_is_refused(shared_network: Network) -> None:
    _, m = shared_network
    c = m["XC"]
    case_id = _case(c)
    before = _stored(c)
    with pytest.raises(PermissionDeniedError):  # a judge does not send requests
        request_drafts.draft_request(c.ctx, c.jane, case_id, measure="preservation", to="XA")
    with pytest.raises(UserInputError, match="measure: 'no_such' is not a power"):
        request_drafts.check_abroad(c.ctx, c.cora, case_id, measure="no_such", to="XA")
    with pytest.raises(UserInputError, match="measure: 'assistance_order' has no request kind"):
        request_drafts.draft_request(c.ctx, c.cora, case_id, measure="assistance_order", to="XA")
    with pytest.raises(UserInputError, match="fields: facts"):  # no facts slipped past the case
        request_drafts.draft_request(
            c.ctx, c.cora, case_id, measure="preservation", to="XA", fields={"facts": {}}
        )
    with pytest.raises(UserInputError, match="to: XZ is not another member"):
        request_drafts.draft_request(c.ctx, c.cora, case_id, measure="preservation", to="XZ")
    # nothing of the case is stored in Southland: the analysis routes no preservation there
    draft = request_drafts.draft_request(c.ctx, c.cora, case_id, measure="preservation", to="XB")
    assert any(
        p.startswith("targets: the case's analysis routes no preservation to XB")
        for p in draft.problems
    )
    with pytest.raises(UserInputError, match="not complete"):
        request_drafts.send_draft(c.ctx, c.cora, case_id, measure="preservation", to="XB")
    # production of the stored data: the measure's own request kind, filled from the case
    production = request_drafts.draft_request(
        c.ctx, c.cora, case_id, measure="production_of_data", to="XA"
    )
    assert production.kind == "production_request"
    assert production.problems == ()
    assert production.body["custodian"] == "leak-site server rented from Northhost in XA"
    assert production.body["period"].startswith("2026-03-02")
    # a subscriber request needs the identifiers, which the facts do not give
    subscriber = request_drafts.draft_request(
        c.ctx, c.cora, case_id, measure="production_of_subscriber_information", to="XA"
    )
    assert any(p.startswith("identifiers:") for p in subscriber.problems)
    assert _stored(c) == before


def test_the_draft_over_http_and_in_the_web_compose_form(shared_network: Network) -> None:
    _, m = shared_network
    c = m["XC"]
    case_id = _case(c)
    with TestClient(create_app(Settings(), c.ctx), follow_redirects=False) as client:
        cora = token(client, "cora")
        drafted = client.post(
            f"/api/v1/cases/{case_id}/request-drafts",
            json={
                "measure": "preservation",
                "to": "XA",
                "fields": {"offences": ["illegal access"]},
            },
            headers=cora,
        )
        assert drafted.status_code == 200, drafted.text
        answer = drafted.json()
        assert answer["complete"] is False
        assert answer["problems"][0].startswith("offences.0:")
        assert answer["dual_criminality"]["verdict"] == "yes"
        assert answer["measure"]["available"] == "yes"
        refused = client.post(
            f"/api/v1/cases/{case_id}/request-drafts",
            json={
                "measure": "preservation",
                "to": "XA",
                "fields": {"offences": ["illegal access"]},
                "send": True,
            },
            headers=cora,
        )
        assert refused.status_code == 400
        assert refused.headers["content-type"] == "application/problem+json"
        assert "offences.0" in refused.json()["detail"]
        printable = client.get(
            f"/api/v1/cases/{case_id}/request-drafts/document",
            params={"measure": "preservation", "to": "XA"},
            headers=cora,
        )
        assert printable.headers["content-type"].startswith("text/html")
        assert "NCU-2026-0311" in printable.text
        login(client, "cora")
        form = client.get(
            "/network/compose", params={"case": case_id, "to": "XA", "measure": "preservation"}
        )
        assert form.status_code == 200
        assert "Eastland National Cyber Unit" in form.text
        assert "Dual criminality under XA" in form.text


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Chromium prints the PDF")
def test_the_request_document_prints_to_pdf(shared_network: Network) -> None:
    from uncc.adapters.pdf import print_pdf  # noqa: PLC0415

    _, m = shared_network
    c = m["XC"]
    draft = request_drafts.draft_request(c.ctx, c.cora, _case(c), measure="preservation", to="XA")
    pdf = print_pdf(request_html(draft, "XC", c.ctx.clock().date()))
    assert pdf.startswith(b"%PDF-")


def test_the_command_line_drafts_prints_and_sends(
    shared_network: Network, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``uncc request draft`` as the 24/7 desk of Eastland (session stubbed to the node)."""
    from uncc.entrypoints.cli import session  # noqa: PLC0415
    from uncc.entrypoints.cli.main import app  # noqa: PLC0415

    _, m = shared_network
    c = m["XC"]
    case_id = _case(c)
    monkeypatch.setattr(session, "context", lambda: c.ctx)
    monkeypatch.setattr(session, "principal", lambda: c.cora)
    runner = CliRunner()
    page = tmp_path / "request.html"
    shown = runner.invoke(
        app,
        [
            "request",
            "draft",
            case_id,
            "--measure",
            "preservation",
            "--to",
            "XA",
            "--html",
            str(page),
        ],
    )
    assert shown.exit_code == 0, shown.output
    assert "dual criminality: yes" in shown.output
    assert "illegal_access: established [art_6__para_1]" in shown.output
    assert "complete: add --send" in shown.output
    assert "NCU-2026-0311" in page.read_text(encoding="utf-8")
    before = _stored(c)
    refused = runner.invoke(
        app,
        [
            "request",
            "draft",
            case_id,
            "--measure",
            "preservation",
            "--to",
            "XA",
            "--field",
            "offences=[illegal access]",
            "--send",
        ],
    )
    assert isinstance(refused.exception, UserInputError)
    assert "offences.0: 'illegal access'" in refused.output
    assert _stored(c) == before
    # a measure with no request kind yet: the check under XA's law alone, then the refusal
    checked = runner.invoke(
        app, ["request", "draft", case_id, "--measure", "assistance_order", "--to", "XA"]
    )
    assert isinstance(checked.exception, UserInputError)
    assert "has no request kind yet" in str(checked.exception)
    assert "dual criminality: yes" in checked.output
    assert "assistance order available there:" in checked.output
    incomplete = runner.invoke(
        app, ["request", "draft", case_id, "--measure", "preservation", "--to", "XB"]
    )
    assert incomplete.exit_code == 1  # it ran and found problems
    assert "targets: the case's analysis routes no preservation to XB" in incomplete.output
    sent = runner.invoke(
        app, ["request", "draft", case_id, "--measure", "preservation", "--to", "XA", "--send"]
    )
    assert sent.exit_code == 0, sent.output
    assert "signed and queued for XA" in sent.output
    assert _stored(c)[0] == before[0] + 1


def test_the_order_drafted_at_home_gives_the_offences_grounds_and_necessity(
    shared_network: Network,
) -> None:
    from uncc.domain.orders import Target  # noqa: PLC0415
    from uncc.services import orders  # noqa: PLC0415

    _, m = shared_network
    c = m["XC"]
    case_id = _case(c)
    home = orders.draft_order(
        c.ctx,
        c.pia,
        case_id,
        orders.DraftRequest(
            "preservation",
            ("illegal_access",),
            (Target("leak-logs", "data", "XC", "the leak site's access logs as mirrored here"),),
            "the operators' logins to the leak site identify them",
            "only the access logs",
            "kept for 14 days by the provider",
            "logs only, for 90 days",
            90,
        ),
    )
    draft = request_drafts.draft_request(c.ctx, c.pia, case_id, measure="preservation", to="XA")
    assert draft.home_order == home.id
    assert draft.body["offences"] == ["illegal_access"]
    assert draft.body["necessity"] == "kept for 14 days by the provider"
    assert draft.body["summary_of_facts"].endswith(
        f"Grounds of our order {home.id}: the operators' logins to the leak site identify them"
    )
    # a desk that may not see the confidential order drafts without it
    desk = request_drafts.draft_request(c.ctx, c.cora, case_id, measure="preservation", to="XA")
    assert desk.home_order is None
    assert home.id not in str(desk.body)
