"""Hostile YAML and JSON documents: alias bombs, deep nesting, NUL bytes, oversized text."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from tests.security.conftest import SQLITE, rows, web_login
from tests.service.conftest import Node
from uncc.adapters.db import schema
from uncc.entrypoints.cli.main import run
from uncc.yaml12 import MAX_DEPTH, UnsafeDocumentError, load_yaml

BOMB = "\n".join(
    ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [
        f"{n}: &{n} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]"
        for p, n in zip("abcdefgh", "bcdefghi", strict=True)
    ]
)
"""About 400 bytes that PyYAML's plain SafeLoader expands into 9**9 strings."""
DEEP = "[" * 5000 + "]" * 5000


def test_the_loader_refuses_aliases_before_expanding_them() -> None:
    with pytest.raises(UnsafeDocumentError, match=r"aliases \(\*a\) are not accepted"):
        load_yaml(BOMB)


def test_the_loader_refuses_deep_nesting_and_oversized_text() -> None:
    with pytest.raises(UnsafeDocumentError, match=f"nested deeper than {MAX_DEPTH}"):
        load_yaml(DEEP)
    assert load_yaml("[" * MAX_DEPTH + "]" * MAX_DEPTH) is not None
    with pytest.raises(UnsafeDocumentError, match="longer than the limit of 100 bytes"):
        load_yaml("a: " + "x" * 100, max_bytes=100)
    assert isinstance(UnsafeDocumentError("x"), yaml.YAMLError)


HOSTILE = {
    "alias-bomb": (BOMB, "aliases"),
    "deep": (DEEP, "nested deeper than"),
    "nul-byte": ("uncc: incident/1\ntitle: \x00", "not accepted as YAML"),
    "malformed": ("uncc: [incident/1\n  - {", "not accepted as YAML"),
}


@SQLITE
def test_hostile_facts_pasted_into_the_web_are_a_form_error(client: TestClient, node: Node) -> None:
    csrf = web_login(client, "aud")
    before = rows(node, schema.cases)
    for name, (text, expected) in HOSTILE.items():
        response = client.post("/analyse", data={"csrf": csrf, "mode": "facts", "facts": text})
        assert response.status_code == 422, name
        assert expected in response.text, name
        assert 'aria-invalid="true"' in response.text
    assert rows(node, schema.cases) == before


@pytest.mark.parametrize("text", [BOMB, DEEP], ids=["alias-bomb", "deep"])
def test_hostile_facts_files_are_one_line_and_exit_2_in_the_cli(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    text: str,
) -> None:
    facts = tmp_path / "facts.yaml"
    facts.write_text(text, encoding="utf-8")
    monkeypatch.setenv("UNCC_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(sys, "argv", ["uncc", "analyze", str(facts)])
    with pytest.raises(SystemExit) as stopped:
        run()
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "aliases" in err or "nested deeper than" in err
