"""Errors are defined once (uncc.errors): the API, the web and the CLI show what the class says."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from fastapi.testclient import TestClient

from uncc import errors
from uncc.bootstrap import build
from uncc.config import Settings
from uncc.entrypoints.api.app import create_app
from uncc.entrypoints.cli import main

SPECIAL = {
    errors.TreatyTextError: lambda: errors.TreatyTextError("text.txt", "empty"),
    errors.FactsError: lambda: errors.FactsError("facts.yaml", ["acts[0]: missing"]),
    errors.ProfileError: lambda: errors.ProfileError("xa.yaml", ["state: missing"]),
    errors._ProblemsError: lambda: errors._ProblemsError("in.yaml", ["a: missing"]),
    errors.RuleViolation: lambda: errors.RuleViolation("art_43__para_2", "no grounds"),
    errors.ThrottledError: lambda: errors.ThrottledError(30),
}


def _classes() -> list[type[errors.UnccError]]:
    found: list[type[errors.UnccError]] = []
    todo: list[type[errors.UnccError]] = [errors.UnccError]
    while todo:
        kind = todo.pop()
        if kind.__module__ == errors.__name__:
            found.append(kind)
        todo.extend(kind.__subclasses__())
    return sorted(found, key=lambda k: k.__name__)


CLASSES = _classes()


def _make(kind: type[errors.UnccError]) -> errors.UnccError:
    return SPECIAL.get(kind, lambda: kind("something is wrong"))()


def test_every_class_is_found() -> None:
    names = {k.__name__ for k in CLASSES}
    assert {"UnccError", "TransportError", "RuleViolation", "StorageFullError"} <= names


@pytest.mark.parametrize("kind", CLASSES, ids=lambda k: k.__name__)
def test_every_error_class_carries_its_presentation(kind: type[errors.UnccError]) -> None:
    own = vars(kind)
    # a class either sets its presentation or is a plain specialisation of its parent
    assert 400 <= kind.http_status <= 599
    assert re.fullmatch(r"[a-z][a-z0-9-]*", kind.problem_type)
    assert kind.title.strip()
    assert kind.description.strip()
    assert kind.exit_code in range(2, 8)
    assert kind.label.strip()
    if "problem_type" in own:  # a new type has its own status, title and description
        assert {"title", "description"} <= own.keys()


def test_problem_types_are_distinct() -> None:
    by_type: dict[str, tuple[int, str]] = {}
    for kind in CLASSES:
        seen = by_type.setdefault(kind.problem_type, (kind.http_status, kind.title))
        assert seen == (kind.http_status, kind.title), kind


@pytest.fixture(scope="module")
def app_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    data = tmp_path_factory.mktemp("errors")
    settings = Settings(data_dir=data, database_url=f"sqlite:///{Path(data) / 'node.db'}")
    app = create_app(settings, build(settings))

    @app.get("/api/v1/raise/{name}")
    def api_raise(name: str) -> None:
        raise _make(getattr(errors, name))

    @app.get("/raise/{name}")
    def web_raise(name: str) -> None:
        raise _make(getattr(errors, name))

    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.mark.parametrize("kind", CLASSES, ids=lambda k: k.__name__)
def test_api_web_and_cli_agree(
    kind: type[errors.UnccError],
    app_client: TestClient,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    api = app_client.get(f"/api/v1/raise/{kind.__name__}")
    assert api.status_code == kind.http_status
    assert api.headers["content-type"] == "application/problem+json"
    assert api.json()["type"] == f"/problems/{kind.problem_type}"
    assert api.json()["title"] == kind.title

    web = app_client.get(f"/raise/{kind.__name__}")
    assert web.status_code == kind.http_status
    assert web.headers["content-type"].startswith("text/html")

    def fail() -> None:
        raise _make(kind)

    monkeypatch.setattr(main, "app", typer.Typer(callback=fail, invoke_without_command=True))
    monkeypatch.setattr("sys.argv", ["uncc"])
    with pytest.raises(SystemExit) as stopped:
        main.run()
    assert stopped.value.code == kind.exit_code
    assert capsys.readouterr().err.startswith(f"uncc: {kind.label}: ")


def test_a_transport_error_is_502_everywhere(app_client: TestClient) -> None:
    assert app_client.get("/api/v1/raise/TransportError").status_code == 502
    assert app_client.get("/raise/TransportError").status_code == 502
