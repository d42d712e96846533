"""Resumable uploads: only the owner's session takes chunks, at the right offset, within bounds.

Each refusal stores nothing: no evidence row, no custody event, no byte appended to the
session. The client (``uncc.client``) resumes an interrupted upload where the node
stopped, and the node refuses bytes that do not hash to what the client sent.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.security.conftest import MAX_BODY, MAX_UPLOAD, SQLITE, bearer, problem, stored
from tests.service.conftest import PASSWORD, Node
from uncc.client import Client, UploadJournal
from uncc.client.models import Target
from uncc.errors import NotFoundError, PermissionDeniedError, RuleViolation, TransportError

pytestmark = SQLITE  # refusals before the database is written; the happy path audits on both


def open_session(client: TestClient, case_id: str, user: str, size: int, **extra: Any) -> Any:
    return client.post(
        f"/api/v1/cases/{case_id}/uploads",
        json={"filename": "image.dd", "size": size, **extra},
        headers=bearer(client, user),
    )


def put(client: TestClient, session: str, offset: int, body: bytes, headers: Any) -> Any:
    return client.put(
        f"/api/v1/uploads/{session}", params={"offset": offset}, content=body, headers=headers
    )


@pytest.fixture
def remote(client: TestClient) -> Client:
    """The typed client, sending through the in-process app, logged in as ivan."""
    node = Client("http://testserver", http=client)
    node.login("ivan", PASSWORD)
    return node


def sessions(app: Any) -> list[str]:
    root: Path = app.state.upload_area.root
    return sorted(p.name for p in root.glob("*")) if root.is_dir() else []


def test_an_interrupted_upload_resumes_where_the_node_stopped(  # noqa: PLR0917 - fixtures
    app: Any, client: TestClient, node: Node, case_id: str, remote: Client, tmp_path: Path
) -> None:
    data = os.urandom(3 * MAX_BODY + 1000)  # four chunks
    file = tmp_path / "image.dd"
    file.write_bytes(data)
    journal = UploadJournal(tmp_path / "config" / "uploads.json")
    before, kept = stored(node), sessions(app)
    sent = {"chunks": 0}
    original = client.request

    def cut_after_two_chunks(method: str, url: Any, **kwargs: Any) -> Any:
        if method == "PUT":
            sent["chunks"] += 1
            if sent["chunks"] == 3:
                raise httpx.ConnectError("the link dropped")
        return original(method, url, **kwargs)

    client.request = cut_after_two_chunks  # type: ignore[method-assign]
    with pytest.raises(TransportError):
        remote.upload_evidence(case_id, file, journal=journal)
    client.request = original  # type: ignore[method-assign]
    assert stored(node) == before  # nothing in the vault yet
    assert (journal.path.stat().st_mode & 0o777) == 0o600
    seen: list[int] = []
    item = remote.upload_evidence(case_id, file, journal=journal, progress=seen.append)
    assert seen[0] == 2 * MAX_BODY  # resumed after the two chunks the node holds
    assert seen[-1] == len(data)
    assert item.sha256 == hashlib.sha256(data).hexdigest()
    assert item.size == len(data)
    assert remote.custody(item.id)[0].kind == "acquired"
    assert journal.path.read_text(encoding="utf-8") == "{}"  # the upload is done
    assert sessions(app) == kept  # the session's files are gone


def test_a_chunk_at_the_wrong_offset_is_refused_and_nothing_is_appended(
    client: TestClient, case_id: str
) -> None:
    ivan = bearer(client, "ivan")
    session = open_session(client, case_id, "ivan", 1000).json()["id"]
    assert put(client, session, 0, b"a" * 400, ivan).json()["offset"] == 400
    for wrong in (0, 399, 401, 10_000):
        body = problem(put(client, session, wrong, b"b" * 100, ivan), 409)
        assert body["offset"] == 400  # where to go on from
    assert client.get(f"/api/v1/uploads/{session}", headers=ivan).json()["offset"] == 400
    problem(client.put(f"/api/v1/uploads/{session}", content=b"x", headers=ivan), 422)


def test_another_users_session_does_not_exist_for_them(
    app: Any, client: TestClient, node: Node, case_id: str
) -> None:
    ivan, pia = bearer(client, "ivan"), bearer(client, "pia")
    session = open_session(client, case_id, "ivan", 10).json()["id"]
    assert put(client, session, 0, b"0123456789", ivan).json()["offset"] == 10
    before = stored(node)
    problem(client.get(f"/api/v1/uploads/{session}", headers=pia), 404)
    problem(put(client, session, 10, b"more", pia), 404)
    problem(client.post(f"/api/v1/uploads/{session}/finish", json={}, headers=pia), 404)
    problem(client.delete(f"/api/v1/uploads/{session}", headers=pia), 404)
    problem(client.get("/api/v1/uploads/../../node", headers=ivan), 404)
    problem(client.get(f"/api/v1/uploads/{session}"), 403)  # no token at all
    assert stored(node) == before
    assert client.get(f"/api/v1/uploads/{session}", headers=ivan).json()["offset"] == 10
    assert client.delete(f"/api/v1/uploads/{session}", headers=ivan).json()["offset"] == 0
    assert not any(name.startswith(session) for name in sessions(app))


def test_oversize_uploads_and_chunks_are_refused_and_nothing_is_stored(
    app: Any, client: TestClient, node: Node, case_id: str
) -> None:
    ivan = bearer(client, "ivan")
    before, kept = stored(node), sessions(app)
    body = problem(open_session(client, case_id, "ivan", MAX_UPLOAD + 1), 413)
    assert "size" in body["detail"]
    assert sessions(app) == kept  # no session was opened
    session = open_session(client, case_id, "ivan", 100).json()["id"]
    problem(put(client, session, 0, b"x" * 101, ivan), 409)  # past the declared size
    problem(put(client, session, 0, b"x" * (MAX_BODY + 1), ivan), 413)  # over a chunk's bound
    assert client.get(f"/api/v1/uploads/{session}", headers=ivan).json()["offset"] == 0
    problem(client.post(f"/api/v1/uploads/{session}/finish", json={}, headers=ivan), 409)
    assert stored(node) == before


def test_who_may_open_a_session_is_checked_before_a_byte_is_sent(
    app: Any, client: TestClient, node: Node, case_id: str
) -> None:
    before, kept = stored(node), sessions(app)
    problem(open_session(client, case_id, "aud", 10), 403)
    problem(open_session(client, "C-2099-0001", "ivan", 10), 404)
    problem(open_session(client, case_id, "ivan", 10, order="O-2099-0001"), 404)
    problem(open_session(client, case_id, "ivan", -1), 422)
    problem(open_session(client, case_id, "ivan", 10, filename="a\nb"), 400)
    assert sessions(app) == kept
    assert stored(node) == before


def test_bytes_that_do_not_hash_to_the_clients_sum_are_not_recorded(
    client: TestClient, node: Node, case_id: str, remote: Client
) -> None:
    ivan = bearer(client, "ivan")
    session = open_session(client, case_id, "ivan", 5).json()["id"]
    put(client, session, 0, b"hello", ivan)
    before = stored(node)
    finish = client.post(
        f"/api/v1/uploads/{session}/finish", json={"sha256": "0" * 64}, headers=ivan
    )
    problem(finish, 409)
    assert {k: v for k, v in stored(node).items() if k != "blobs"} == {
        k: v for k, v in before.items() if k != "blobs"
    }  # no row, no custody event (an unreferenced blob goes at the next retention pass)
    assert remote.connection.get(f"/uploads/{session}")["offset"] == 5  # kept, to resend


def test_the_client_raises_the_nodes_exceptions(
    client: TestClient, case_id: str, remote: Client
) -> None:
    with pytest.raises(RuleViolation) as refused:
        remote.draft_order(
            case_id,
            power="preservation",
            offences=["ict_theft"],
            targets=[Target(id="designs", kind="data", location="XB")],
            grounds="g",
            scope="s",
            necessity="n",
            proportionality="p",
            duration_days=120,
        )
    assert refused.value.provision == "art_43__para_2"
    assert refused.value.problem.status == 409  # type: ignore[attr-defined]
    auditor = Client("http://testserver", http=client)
    auditor.login("aud", PASSWORD)
    with pytest.raises(PermissionDeniedError):
        auditor.open_case({"uncc": "incident/1"})
    token = auditor.token
    auditor.logout()
    auditor.connection.token = token  # the revoked token, used again
    with pytest.raises(PermissionDeniedError, match="log in again"):
        auditor.audit()
    with pytest.raises(NotFoundError):
        remote.case("C-2099-0001")
