"""One's own language, time zone and e-mail over the API and the CLI; nobody else's."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from tests.service.conftest import PASSWORD, Node
from uncc.adapters.db import schema
from uncc.config import Settings
from uncc.entrypoints.api.app import create_app
from uncc.entrypoints.cli import account_desk
from uncc.entrypoints.cli import main as cli_main
from uncc.errors import UserInputError
from uncc.services import preferences


@pytest.fixture
def client(node: Node) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(), node.ctx)) as web:
        yield web


def bearer(client: TestClient, user: str) -> dict[str, str]:
    token = client.post("/api/v1/login", json={"user": user, "password": PASSWORD}).json()
    return {"Authorization": f"Bearer {token['token']}"}


def audited(node: Node) -> int:
    with node.ctx.engine.connect() as conn:
        count = select(func.count()).select_from(schema.audit)
        return int(
            conn.execute(count.where(schema.audit.c.action == "user.preferences")).scalar_one()
        )


def test_a_user_reads_and_changes_their_own_settings(client: TestClient, node: Node) -> None:
    ivan = bearer(client, "ivan")
    assert client.get("/api/v1/me/preferences", headers=ivan).json() == {
        "language": None,
        "time_zone": "UTC",
        "email": None,
    }
    changed = client.patch(
        "/api/v1/me/preferences", json={"language": "fr", "time_zone": "Europe/Paris"}, headers=ivan
    )
    assert changed.status_code == 200
    assert changed.json() == {"language": "fr", "time_zone": "Europe/Paris", "email": None}
    # a field left out stays; an empty one clears
    again = client.patch("/api/v1/me/preferences", json={"language": ""}, headers=ivan).json()
    assert again == {"language": None, "time_zone": "Europe/Paris", "email": None}
    assert audited(node) == 2


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        ({"language": "klingon"}, 400, "language"),
        ({"time_zone": "Mars/Olympus"}, 400, "time_zone"),
        ({"time_zone": "../../etc/passwd"}, 400, "time_zone"),
        ({"email": "nobody"}, 400, "email"),
        ({"user": "jane", "language": "fr"}, 422, "user"),  # nobody else's settings
    ],
)
def test_bad_settings_are_refused_naming_the_field_and_nothing_is_stored(
    client: TestClient, node: Node, body: dict[str, str], status: int, says: str
) -> None:
    ivan = bearer(client, "ivan")
    refused = client.patch("/api/v1/me/preferences", json=body, headers=ivan)
    assert refused.status_code == status
    assert refused.headers["content-type"] == "application/problem+json"
    assert says in refused.text
    assert preferences.of(node.ctx, "ivan") == preferences.Preferences()
    assert preferences.of(node.ctx, "jane") == preferences.Preferences()
    assert audited(node) == 0


def test_without_a_token_nothing_is_read_or_changed(client: TestClient, node: Node) -> None:
    assert client.get("/api/v1/me/preferences").status_code in (401, 403)
    assert client.patch("/api/v1/me/preferences", json={"language": "fr"}).status_code in (401, 403)
    assert audited(node) == 0


def test_the_cli_shows_and_changes_ones_own_settings(
    node: Node, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(account_desk, "context", lambda: node.ctx)
    monkeypatch.setattr(account_desk, "principal", lambda: node.jane)
    runner = CliRunner()
    done = runner.invoke(
        cli_main.app, ["user", "preferences", "--lang", "fr", "--tz", "Asia/Tokyo"]
    )
    assert done.exit_code == 0, done.output
    assert "language: fr" in done.output
    assert "time zone: Asia/Tokyo" in done.output
    shown = runner.invoke(cli_main.app, ["user", "preferences"])
    assert "time zone: Asia/Tokyo" in shown.output
    bad = runner.invoke(cli_main.app, ["user", "preferences", "--lang", "xx"])
    assert isinstance(bad.exception, UserInputError)  # main.run prints it as one line
    assert preferences.of(node.ctx, "jane").language == "fr"
