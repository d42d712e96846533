"""Each user's language and time zone on the pages: chosen, negotiated, refused when unknown."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.service.conftest import PASSWORD, Node
from uncc.adapters.db import schema
from uncc.config import Settings
from uncc.entrypoints.api.app import create_app
from uncc.services import preferences


@pytest.fixture
def client(node: Node) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(), node.ctx), follow_redirects=False) as web:
        yield web


def login(client: TestClient, user: str) -> str:
    assert client.post("/login", data={"user": user, "password": PASSWORD}).status_code == 303
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', client.get("/account").text)
    assert found
    return found.group(1)


def audit_rows(node: Node) -> int:
    with node.ctx.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(schema.audit)).scalar_one())


def test_the_browser_language_is_used_before_logging_in(client: TestClient) -> None:
    french = client.get("/login", headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"})
    assert '<html lang="fr">' in french.text
    assert "Se connecter" in french.text
    english = client.get("/login", headers={"Accept-Language": "de-DE"})
    assert '<html lang="en">' in english.text
    assert "Log in" in english.text


def test_the_node_setting_is_the_default(node: Node) -> None:
    french_node = dataclasses.replace(node.ctx, language="fr")
    with TestClient(create_app(Settings(), french_node)) as web:
        assert "Se connecter" in web.get("/login", headers={"Accept-Language": "de"}).text


def test_a_user_chooses_french_and_a_time_zone(client: TestClient, node: Node) -> None:
    csrf = login(client, "ivan")
    answer = client.post(
        "/account/preferences",
        data={"csrf": csrf, "language": "fr", "time_zone": "Asia/Tokyo", "email": ""},
        headers={"Accept-Language": "en"},
    )
    assert answer.status_code == 303
    page = client.get(answer.headers["location"], headers={"Accept-Language": "en"})
    assert '<html lang="fr">' in page.text
    assert "les heures sont affichées en Asia/Tokyo, pas de courriel" in page.text
    assert "Se déconnecter" in page.text
    assert preferences.of(node.ctx, "ivan").language == "fr"


def test_an_unknown_language_is_refused_and_nothing_is_stored(
    client: TestClient, node: Node
) -> None:
    csrf = login(client, "ivan")
    before = audit_rows(node)
    refused = client.post(
        "/account/preferences",
        data={"csrf": csrf, "language": "xx", "time_zone": "Europe/Paris", "email": ""},
    )
    assert refused.status_code == 400
    assert "language" in refused.text
    assert preferences.of(node.ctx, "ivan") == preferences.Preferences()
    assert audit_rows(node) == before  # a refusal changes nothing, not even the trail


def test_a_user_cannot_set_another_users_language(client: TestClient, node: Node) -> None:
    """The form changes one's own settings only: no field names another user."""
    csrf = login(client, "ivan")
    client.post(
        "/account/preferences",
        data={"csrf": csrf, "language": "fr", "user": "jane", "time_zone": "", "email": ""},
    )
    assert preferences.of(node.ctx, "jane").language is None
    assert preferences.of(node.ctx, "ivan").language == "fr"
