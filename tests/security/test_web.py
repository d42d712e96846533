"""The web face: error pages, login CSRF, caching, refresh, refused pages, deep links."""

from __future__ import annotations

from urllib.parse import quote

from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.security.conftest import SQLITE, problem, rows, web_login
from tests.service.conftest import PASSWORD, Node
from uncc.adapters.db import schema
from uncc.services import protection


def audit_actions(node: Node, action: str) -> list[tuple[str, str, str]]:
    with node.ctx.engine.connect() as conn:
        found = conn.execute(
            select(schema.audit.c.actor, schema.audit.c.object, schema.audit.c.outcome).where(
                schema.audit.c.action == action
            )
        )
        return [tuple(r) for r in found]


@SQLITE
def test_an_unknown_url_is_an_html_page_and_an_unknown_api_url_a_problem(
    client: TestClient,
) -> None:
    web_login(client, "ivan")
    page = client.get("/no/such/page")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "<nav" in page.text  # the site's layout, with the user's menu
    assert '"detail"' not in page.text
    problem(client.get("/api/v1/no/such/thing"), 404)


@SQLITE
def test_a_login_form_posted_from_another_site_is_refused(client: TestClient, node: Node) -> None:
    before = rows(node, schema.tokens)
    for header in ({"Origin": "https://evil.example"}, {"Referer": "https://evil.example/x"}):
        response = client.post(
            "/login", data={"user": "ivan", "password": PASSWORD}, headers=header
        )
        assert response.status_code == 403
        assert "uncc_session" not in response.headers.get("set-cookie", "")
    assert rows(node, schema.tokens) == before
    assert ("-", "/login", "denied") in audit_actions(node, "user.login")
    same_site = {"Origin": "http://testserver"}
    response = client.post("/login", data={"user": "ivan", "password": PASSWORD}, headers=same_site)
    assert response.status_code == 303


@SQLITE
def test_authenticated_pages_are_not_cached(client: TestClient, case_id: str) -> None:
    web_login(client, "ivan")
    for path in ("/dashboard", f"/cases/{case_id}", "/login"):
        assert client.get(path).headers["cache-control"] == "no-store"
    assert "no-store" not in client.get("/static/uncc.css").headers.get("cache-control", "")


def test_refreshing_a_disclosure_does_not_disclose_twice(
    client: TestClient, node: Node, case_id: str
) -> None:
    person = protection.add_protected(
        node.ctx,
        node.ivan,
        case_id,
        kind=protection.ProtectedKind.WITNESS,
        identity={"name": "Ada Witness", "whereabouts": "Northtown"},
        views="",
        claims=[],
        measures="",
    )
    csrf = web_login(client, "pia")
    posted = client.post(f"/protected/{person.id}/disclose", data={"csrf": csrf, "reason": "trial"})
    assert posted.status_code == 303
    shown = client.get(posted.headers["location"])
    assert "Ada Witness" in shown.text
    again = client.get(posted.headers["location"])  # the browser's refresh
    assert again.status_code == 200
    assert "Ada Witness" not in again.text
    assert [a for a in audit_actions(node, "protected.disclose") if a[2] == "ok"] == [
        ("pia", person.id, "ok")
    ]
    client.cookies.clear()
    web_login(client, "ivan")  # another session cannot use the view either
    assert "Ada Witness" not in client.get(posted.headers["location"]).text


def test_a_refused_page_access_is_audited(client: TestClient, node: Node) -> None:
    web_login(client, "ivan")
    response = client.get("/audit")
    assert response.status_code == 403
    assert "text/html" in response.headers["content-type"]
    assert ("ivan", "/audit", "denied") in audit_actions(node, "web.get")


@SQLITE
def test_a_deep_link_survives_the_login(client: TestClient, case_id: str) -> None:
    wanted = f"/cases/{case_id}?tab=orders"
    to_login = client.get(wanted)
    assert to_login.headers["location"] == f"/login?next={quote(wanted, safe='')}"
    form = client.get(to_login.headers["location"])
    assert f'name="next" value="{wanted}"' in form.text.replace("&amp;", "&")
    done = client.post("/login", data={"user": "ivan", "password": PASSWORD, "next": wanted})
    assert done.headers["location"] == wanted


@SQLITE
def test_the_login_never_redirects_off_site(client: TestClient) -> None:
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:x"):
        done = client.post(
            f"/login?next={quote(target, safe='')}", data={"user": "ivan", "password": PASSWORD}
        )
        assert done.status_code == 303
        assert done.headers["location"] == "/dashboard", target
        done = client.post("/login", data={"user": "ivan", "password": PASSWORD, "next": target})
        assert done.headers["location"] == "/dashboard", target
