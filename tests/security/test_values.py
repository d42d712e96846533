"""Bad values are 4xx naming the field and the allowed values, and store nothing."""

from __future__ import annotations

import html

from fastapi.testclient import TestClient

from tests.security.conftest import SQLITE, bearer, problem, stored, web_login
from tests.service.conftest import Node
from uncc.domain.orders import TRANSITIONS

DRAFT = {
    "offences": ["illegal_access"],
    "targets": [{"id": "vpn-logs", "kind": "data"}],
    "grounds": "g",
    "scope": "s",
    "necessity": "n",
    "proportionality": "p",
}


def test_an_unknown_power_is_refused_naming_the_powers(
    client: TestClient, node: Node, case_id: str
) -> None:
    before = stored(node)
    for power in ("production_order", "../../etc", "x" * 500):
        refused_power(client, case_id, power)
    assert stored(node) == before


def refused_power(client: TestClient, case_id: str, power: str) -> None:
    response = client.post(
        f"/api/v1/cases/{case_id}/orders",
        json={**DRAFT, "power": power},
        headers=bearer(client, "ivan"),
    )
    body = problem(response, 400)
    assert body["detail"].startswith("power:")
    assert all(p in body["detail"] for p in TRANSITIONS)


@SQLITE
def test_an_unknown_power_from_the_web_form_is_an_error_page(
    client: TestClient, node: Node, case_id: str
) -> None:
    csrf = web_login(client, "ivan")
    before = stored(node)
    form = {"csrf": csrf, "power": "production_order", "offences": "illegal_access"}
    response = client.post(f"/cases/{case_id}/orders", data=form | {"targets": "vpn-logs:data"})
    assert response.status_code == 422  # the form again, as typed, the error at its field
    assert "'production_order' is not a power" in html.unescape(response.text)
    assert stored(node) == before


@SQLITE
def test_an_unknown_order_command_is_refused_naming_the_commands(
    client: TestClient, node: Node
) -> None:
    response = client.post("/api/v1/orders/O-2026-0001/publish", headers=bearer(client, "pia"))
    body = problem(response, 422)
    assert body["errors"][0]["field"] == "path.command"
    assert "submit" in body["detail"]


LEDGERS = [
    ("l.jsonl", b"[1, 2]\n", "expected a JSON object"),
    ("l.jsonl", b"[" * 100_000 + b"]" * 100_000 + b"\n", "nested too deep"),
    ("l.csv", b"id,source,target,amount\n1,a,b," + b"9" * 200_000 + b"\n", "not CSV"),
]


@SQLITE
def test_hostile_ledgers_are_an_error_page_and_register_nothing(
    client: TestClient, node: Node, case_id: str
) -> None:
    csrf = web_login(client, "ivan")
    before = stored(node)
    for name, content, expected in LEDGERS:
        response = client.post(
            f"/cases/{case_id}/property",
            data={"csrf": csrf, "basis": "illegal_access"},
            files={"ledger": (name, content)},
        )
        assert response.status_code == 400
        assert expected in html.unescape(response.text)
    assert stored(node) == before


@SQLITE
def test_markup_in_a_case_title_is_shown_as_text(client: TestClient, case_id: str) -> None:
    from tests.service.conftest import facts  # noqa: PLC0415

    csrf = web_login(client, "ivan")
    import json  # noqa: PLC0415

    text = json.dumps(facts("insider-company"), default=str)
    title = "<script>alert(1)</script>"
    opened = client.post("/cases", data={"csrf": csrf, "facts": text, "title": title})
    page = client.get(opened.headers["location"])
    assert title not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_an_impossible_duration_is_refused_naming_the_field(
    client: TestClient, node: Node, case_id: str
) -> None:
    from uncc.services import cases  # noqa: PLC0415

    case = cases.get_case(node.ctx, node.ivan, case_id)
    offence = next(o for o, s in case.findings("XA") if s != "not_established")
    before = stored(node)
    draft = DRAFT | {"offences": [offence], "power": "production_of_data"}
    response = client.post(
        f"/api/v1/cases/{case_id}/orders",
        json=draft | {"duration_days": 10**30},
        headers=bearer(client, "ivan"),
    )
    assert problem(response, 422)["errors"][0]["field"] == "duration_days"
    csrf = web_login(client, "ivan")
    form = {"csrf": csrf, "power": "production_of_data", "offences": offence}
    form |= {"targets": "vpn-logs:data:XA", "duration_days": "9" * 40}
    form |= dict.fromkeys(("grounds", "scope", "necessity", "proportionality"), "x")
    page = client.post(f"/cases/{case_id}/orders", data=form)
    assert page.status_code == 422  # the form again, as typed, the error at its field
    assert "a huge number is outside 1 to 36500 days" in page.text
    assert stored(node) == before


def test_a_nul_character_is_refused_and_nothing_is_stored(
    client: TestClient, node: Node, case_id: str
) -> None:
    before = stored(node)
    response = client.post(
        f"/api/v1/cases/{case_id}/evidence",
        params={"filename": "image\x00.dd"},
        content=b"x",
        headers=bearer(client, "ivan"),
    )
    assert problem(response, 400)["detail"].startswith("filename:")
    csrf = web_login(client, "ivan")
    page = client.post(f"/cases/{case_id}/notes", data={"csrf": csrf, "note": "a\x00b"})
    assert page.status_code in (303, 400)  # SQLite stores it; PostgreSQL refuses it whole
    assert page.status_code == 303 or "nothing was stored" in page.text
    assert stored(node) == before
