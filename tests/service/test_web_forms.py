"""Forms that help: lists from the case and the directory, values kept on refusal, errors by field."""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.service.conftest import Node, facts
from tests.service.test_web import Labels, login
from uncc.adapters.db import schema
from uncc.config import Settings
from uncc.entrypoints.api.app import create_app
from uncc.services import cases, orders


@pytest.fixture
def web(node: Node) -> Iterator[tuple[TestClient, str]]:
    case = cases.open_case(node.ctx, node.ivan, facts("insider-company"))
    with TestClient(create_app(Settings(), node.ctx), follow_redirects=False) as client:
        yield client, case.id


def stored_orders(node: Node) -> int:
    with node.ctx.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(schema.orders)).scalar_one())


def error_of(html: str, field: str) -> str:
    found = re.search(rf'<span class="field-error" id="e-{field}">([^<]*)</span>', html)
    assert found, re.findall(r"(?:field-error|class=\"error\")[^\n]{0,300}", html)
    return html_lib.unescape(found.group(1))


DRAFT = {
    "power": "preservation",
    "offences": "ict_theft",
    "target_id": ["designs", ""],
    "target_kind": ["data", ""],
    "target_state": ["northland", ""],
    "target_description": ["the turbine designs", ""],
    "grounds": "the engineer copied the designs",
    "scope": "repository logs, May 2026",
    "necessity": "kept 30 days",
    "proportionality": "one account",
    "duration_days": "90",
}


def test_the_draft_form_lists_the_offences_targets_and_states(
    web: tuple[TestClient, str],
) -> None:
    client, case_id = web
    login(client, "pia")
    page = client.get(f"/cases/{case_id}").text
    assert re.search(r'value="ict_theft"[^>]*> [^<]+\(Art\. \d+\) — established', page)
    assert '<option value="XA">XA — Northland (fictional)</option>' in page
    assert 'name="target_kind"' in page
    assert "ID:KIND" not in page
    parser = Labels()
    parser.feed(page)
    assert parser.missing() == []


def test_a_refused_draft_comes_back_as_typed_with_the_error_next_to_its_field(
    web: tuple[TestClient, str], node: Node
) -> None:
    client, case_id = web
    csrf = login(client, "pia")
    before = stored_orders(node)
    refused = client.post(
        f"/cases/{case_id}/orders", data={**DRAFT, "csrf": csrf, "duration_days": "120"}
    )
    assert refused.status_code == 422
    assert "lasts at most 90 days" in error_of(refused.text, "duration_days")
    assert "art_43__para_2" in error_of(refused.text, "duration_days")
    for kept in ("the engineer copied the designs", "the turbine designs", 'value="northland"'):
        assert kept in refused.text
    assert re.search(r'value="ict_theft" checked', refused.text)
    assert '<details id="draft" open>' in refused.text
    assert stored_orders(node) == before
    unknown = client.post(
        f"/cases/{case_id}/orders",
        data={**DRAFT, "csrf": csrf, "target_state": ["Atlantis", ""]},
    )
    assert unknown.status_code == 422
    assert "'Atlantis' is not a State we know" in error_of(unknown.text, "targets")
    no_basis = client.post(f"/cases/{case_id}/orders", data={**DRAFT, "csrf": csrf, "offences": []})
    assert no_basis.status_code == 422
    assert "needs a legal basis" in error_of(no_basis.text, "offences")
    assert stored_orders(node) == before


def test_a_state_is_named_by_its_name(web: tuple[TestClient, str], node: Node) -> None:
    client, case_id = web
    csrf = login(client, "pia")
    drafted = client.post(f"/cases/{case_id}/orders", data={**DRAFT, "csrf": csrf})
    assert drafted.status_code == 303, drafted.text
    order = orders.get_order(
        node.ctx, node.pia, drafted.headers["location"].split("?")[0].rsplit("/", 1)[1]
    )
    assert [(t.id, t.kind, t.location, t.description) for t in order.targets] == [
        ("designs", "data", "XA", "the turbine designs")
    ]


def test_the_guided_analysis_takes_state_names_and_shows_errors_at_their_field(
    web: tuple[TestClient, str],
) -> None:
    client, _ = web
    csrf = login(client, "ivan")
    form = {
        "csrf": csrf,
        "mode": "guided",
        "title": "VPN intrusion",
        "system": "hospital VPN",
        "actor_state": "Northland",
        "system_state": "Atlantis",
        "conduct": "access",
        "when": "yesterday",
        "without_right": "1",
    }
    refused = client.post("/analyse", data=form)
    assert refused.status_code == 422
    assert "'Atlantis' is not a State we know" in error_of(refused.text, "system_state")
    assert 'value="Atlantis"' in refused.text
    assert re.search(r'name="without_right" value="1" checked', refused.text)
    assert 'name="intent" value="1" >' in refused.text  # an unticked box stays unticked
    late = client.post("/analyse", data={**form, "system_state": "xa"})
    assert late.status_code == 422
    assert error_of(late.text, "when").startswith("not a date: write it like 2026-03-02")
    assert "acts[0]" not in late.text
    done = client.post("/analyse", data={**form, "system_state": "XA", "when": "2026-03-02"})
    assert done.status_code == 200
    assert "Open the case" in done.text


def test_the_case_pages_other_forms_keep_what_was_typed(
    web: tuple[TestClient, str], node: Node
) -> None:
    client, case_id = web
    csrf = login(client, "ivan")
    protected = client.post(
        f"/cases/{case_id}/protected",
        data={"csrf": csrf, "kind": "victim", "name": "", "whereabouts": "12 Harbour Road"},
    )
    assert protected.status_code == 400
    assert "the person's name is required" in error_of(protected.text, "p-name")
    assert 'value="12 Harbour Road"' in protected.text
    assert '<option value="victim" selected>' in protected.text
    ledger = b"id,source,target,amount,tainted\nt1,victim,wallet-1,10,true\n"
    places = client.post(
        f"/cases/{case_id}/property",
        data={
            "csrf": csrf,
            "basis": "ict_theft",
            "model": "haircut",
            "locations": "wallet-1=Atlantis",
        },
        files={"ledger": ("l.csv", ledger, "text/csv")},
    )
    assert places.status_code == 400
    assert "'Atlantis' is not a State we know" in error_of(places.text, "l-places")
    assert "wallet-1=Atlantis</textarea>" in places.text
    assert '<option value="haircut" selected>' in places.text
    note = client.post(f"/cases/{case_id}/notes", data={"csrf": csrf, "note": "   "})
    assert note.status_code == 400
    assert error_of(note.text, "note") == "empty"
