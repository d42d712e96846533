"""Evidence uploaded through the web form streams into the vault, like the API's: no spool.

The form's fields come before the file; a field after it, a missing CSRF token or a body
over the limit is refused and nothing is stored (no record, no blob, no temporary file).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import pytest
import starlette.formparsers
from fastapi.testclient import TestClient
from starlette.requests import Request

from tests.security.conftest import MAX_UPLOAD, stored, web_login
from tests.service.conftest import Node
from uncc.adapters.db import schema

BOUNDARY = "uncc-test-boundary-7f3a"


def _field(name: str, value: str) -> bytes:
    return (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
    ).encode()


def _file_head(name: str = "file", filename: str = "disk.dd") -> bytes:
    return (
        f"--{BOUNDARY}\r\n"
        f'Content-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()


def _body(before: list[bytes], chunks: list[bytes], after: list[bytes]) -> Iterator[bytes]:
    """A form sent in pieces (no Content-Length): fields, the file in chunks, the rest."""
    yield from before
    yield _file_head()
    yield from chunks
    yield b"\r\n"
    yield from after
    yield f"--{BOUNDARY}--\r\n".encode()


def _post(client: TestClient, case_id: str, body: Iterator[bytes]) -> Any:
    return client.post(
        f"/cases/{case_id}/evidence",
        content=body,
        headers={"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
    )


def forbid_spooling(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """From now on, fail any use of Starlette's spooling form parser; the list names what
    was tried."""
    tried: list[str] = []

    def form(self: Request, **_: Any) -> Any:
        tried.append("Request.form")
        raise AssertionError("the upload was parsed into a spooled form")

    def spool(*_: Any, **__: Any) -> Any:
        tried.append("SpooledTemporaryFile")
        raise AssertionError("the upload was spooled")

    monkeypatch.setattr(Request, "form", form)
    monkeypatch.setattr(starlette.formparsers, "SpooledTemporaryFile", spool)
    return tried


def test_a_web_upload_streams_into_the_vault_with_its_fields(
    client: TestClient, node: Node, case_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    csrf = web_login(client, "ivan")
    no_spool = forbid_spooling(monkeypatch)
    chunks = [bytes([n]) * 7001 for n in range(20)]  # odd sizes, across the parser's buffers
    fields = [_field("csrf", csrf), _field("tool", "dd"), _field("source", "laptop-7")]
    response = _post(client, case_id, _body(fields, chunks, []))
    assert response.status_code == 303, response.text[:500]
    item_id = response.headers["location"].split("?")[0].rsplit("/", 1)[1]
    with node.ctx.engine.connect() as conn:
        row = (
            conn.execute(schema.evidence.select().where(schema.evidence.c.id == item_id))
            .mappings()
            .one()
        )
    data = b"".join(chunks)
    assert row["sha256"] == hashlib.sha256(data).hexdigest()
    assert row["size"] == len(data)
    assert row["filename"] == "disk.dd"
    assert row["acquisition"]["tool"] == "dd"
    assert row["acquisition"]["source"] == "laptop-7"
    assert no_spool == []


def test_a_field_after_the_file_is_refused_and_nothing_is_stored(
    client: TestClient, node: Node, case_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    csrf = web_login(client, "ivan")
    no_spool = forbid_spooling(monkeypatch)
    before = stored(node)
    body = _body([_field("csrf", csrf)], [b"x" * 50_000], [_field("tool", "dd")])
    response = _post(client, case_id, body)
    assert response.status_code == 400
    assert "file: the file must be the last field of the form" in response.text
    assert stored(node) == before
    assert no_spool == []


def test_a_web_upload_without_the_csrf_token_is_refused_before_a_byte_is_stored(
    client: TestClient, node: Node, case_id: str
) -> None:
    web_login(client, "ivan")
    before = stored(node)
    response = _post(client, case_id, _body([_field("tool", "dd")], [b"secret" * 1000], []))
    assert response.status_code == 403
    assert stored(node) == before


def test_a_web_upload_over_the_limit_is_cut_off_and_nothing_is_stored(
    client: TestClient, node: Node, case_id: str
) -> None:
    csrf = web_login(client, "ivan")
    before = stored(node)
    chunks = [b"x" * 8192] * (MAX_UPLOAD // 8192 + 2)
    response = _post(client, case_id, _body([_field("csrf", csrf)], chunks, []))
    assert response.status_code == 413
    assert stored(node) == before


def test_a_form_whose_file_is_not_the_evidence_field_is_refused(
    client: TestClient, node: Node, case_id: str
) -> None:
    csrf = web_login(client, "ivan")
    before = stored(node)

    def body() -> Iterator[bytes]:
        yield _field("csrf", csrf)
        yield _file_head(name="other")
        yield b"x" * 100 + b"\r\n"
        yield f"--{BOUNDARY}--\r\n".encode()

    response = _post(client, case_id, body())
    assert response.status_code == 400
    assert "other: only the field file is a file" in response.text
    assert stored(node) == before


def test_a_form_cut_off_inside_the_file_stores_nothing(
    client: TestClient, node: Node, case_id: str
) -> None:
    csrf = web_login(client, "ivan")
    before = stored(node)

    def cut_off() -> Iterator[bytes]:
        yield _field("csrf", csrf)
        yield _file_head()
        yield b"x" * 30_000  # and no closing boundary

    response = _post(client, case_id, cut_off())
    assert response.status_code == 400
    assert "file: the form ended before the file did" in response.text
    assert stored(node) == before
