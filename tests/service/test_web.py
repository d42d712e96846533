"""The web pages without a browser: sessions, CSRF, headers, labels, every page for every role."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from tests.service.conftest import PASSWORD, Node, facts
from uncc.config import Settings
from uncc.entrypoints.api.app import create_app
from uncc.services import cases

USERS = ["ivan", "pia", "jane", "aud", "cora", "admin"]


@pytest.fixture
def web(node: Node) -> Iterator[tuple[TestClient, str]]:
    case = cases.open_case(node.ctx, node.ivan, facts("insider-company"))
    with TestClient(create_app(Settings(), node.ctx), follow_redirects=False) as client:
        yield client, case.id


def login(client: TestClient, user: str) -> str:
    response = client.post("/login", data={"user": user, "password": PASSWORD})
    assert response.status_code == 303
    page = client.get("/dashboard")
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text)
    assert found
    return found.group(1)


class Labels(HTMLParser):
    """Form controls without a label (for=, aria-label or wrapping label)."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.labelled: set[str] = set()
        self.depth = 0
        self.unlabelled: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "label":
            self.depth += 1
            if a.get("for"):
                self.labelled.add(str(a["for"]))
        if tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit"):
            if self.depth or a.get("aria-label"):
                return
            if a.get("id"):
                self.ids.add(str(a["id"]))
            else:
                self.unlabelled.append(f"{tag} {a.get('name')}")

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.depth -= 1

    def missing(self) -> list[str]:
        return self.unlabelled + sorted(self.ids - self.labelled)


def test_the_session_cookie_is_strict_and_logout_revokes_it(web: tuple[TestClient, str]) -> None:
    client, _ = web
    response = client.post("/login", data={"user": "ivan", "password": PASSWORD})
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    token = client.cookies["uncc_session"]
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', client.get("/dashboard").text)
    assert csrf
    assert client.post("/logout", data={"csrf": csrf.group(1)}).status_code == 303
    client.cookies.set("uncc_session", token)
    assert client.get("/dashboard").headers["location"].startswith("/login")


def test_forms_without_the_csrf_token_are_refused(web: tuple[TestClient, str]) -> None:
    client, case_id = web
    login(client, "ivan")
    refused = client.post(f"/cases/{case_id}/notes", data={"note": "x"})
    assert refused.status_code == 403
    assert "security token" in refused.text
    other = client.post(f"/cases/{case_id}/notes", data={"note": "x", "csrf": "0" * 64})
    assert other.status_code == 403


def test_wrong_passwords_are_refused_on_the_page(web: tuple[TestClient, str]) -> None:
    client, _ = web
    response = client.post("/login", data={"user": "ivan", "password": "nope"})
    assert response.status_code == 401
    assert "wrong user name or password" in response.text
    assert "uncc_session" not in response.headers.get("set-cookie", "")


def test_pages_carry_a_content_security_policy(web: tuple[TestClient, str]) -> None:
    client, _ = web
    headers = client.get("/login").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"
    assert "content-security-policy" not in client.get("/api/v1/openapi.json").headers


@pytest.mark.parametrize("user", USERS)
def test_every_page_for_every_role_no_5xx_and_every_control_labelled(
    web: tuple[TestClient, str], user: str
) -> None:
    client, case_id = web
    login(client, user)
    for path in (
        "/dashboard",
        "/analyse",
        "/cases",
        f"/cases/{case_id}",
        "/experts",
        "/audit",
        "/network",
    ):
        response = client.get(path)
        assert response.status_code < 500, (user, path, response.text[:300])
        if response.status_code == 200:
            parser = Labels()
            parser.feed(response.text)
            assert parser.missing() == [], (user, path)
    audit = client.get("/audit")
    assert (audit.status_code == 200) == (user in ("aud", "admin"))


def test_an_investigator_opens_a_case_from_pasted_facts(web: tuple[TestClient, str]) -> None:
    import json  # noqa: PLC0415

    client, _ = web
    csrf = login(client, "ivan")
    text = json.dumps(facts("phishing-mules"), default=str)
    report = client.post("/analyse", data={"csrf": csrf, "mode": "facts", "facts": text})
    assert report.status_code == 200
    assert "Open the case" in report.text
    opened = client.post("/cases", data={"csrf": csrf, "facts": text, "title": "Mules"})
    assert opened.status_code == 303
    assert client.get(opened.headers["location"]).text.count("Mules") >= 1
    bad = client.post(
        "/analyse", data={"csrf": csrf, "mode": "facts", "facts": "uncc: incident/1\nacts: 3"}
    )
    assert bad.status_code == 422
    assert 'aria-invalid="true"' in bad.text


def test_proceeds_and_protected_persons_from_the_browser_forms(web: tuple[TestClient, str]) -> None:
    from pathlib import Path  # noqa: PLC0415

    client, case_id = web
    csrf = login(client, "ivan")
    ledger = (Path(__file__).parents[2] / "examples/ledgers/ransom-laundering.csv").read_bytes()
    response = client.post(
        f"/cases/{case_id}/property",
        data={
            "csrf": csrf,
            "basis": "ict_theft",
            "model": "fifo",
            "locations": "wallet-launderer=XA",
        },
        files={"ledger": ("ransom-laundering.csv", ledger, "text/csv")},
    )
    assert response.status_code == 303, response.text
    from urllib.parse import unquote_plus  # noqa: PLC0415

    assert "2 property item(s) registered" in unquote_plus(response.headers["location"])
    page = client.get(f"/cases/{case_id}").text
    assert "wallet-launderer" in page
    bad = client.post(
        f"/cases/{case_id}/property",
        data={"csrf": csrf, "basis": "ict_theft", "locations": "nowhere"},
        files={"ledger": ("l.csv", b"a,b\n1,2\n", "text/csv")},
    )
    assert bad.status_code == 400
    assert "expected ACCOUNT=State" in bad.text
    added = client.post(
        f"/cases/{case_id}/protected",
        data={
            "csrf": csrf,
            "kind": "witness",
            "name": "Ingrid Holm",
            "whereabouts": "12 Harbour Road",
        },
    )
    assert added.status_code == 303
    page = client.get(f"/cases/{case_id}").text
    assert "Witness" in page
    assert "Ingrid Holm" not in page  # a pseudonym only
    assert client.get("/audit").status_code == 403
