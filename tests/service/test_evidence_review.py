"""Evidence review: content read back (audited, verified as it streams), tags and annotations.

Each role rule and check has its attack: the refused reader gets nothing, and nothing is
stored; whole-vault verification still proves the log with the new custody kinds.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.service.conftest import PASSWORD, Node, facts
from tests.service.test_node_flow import PRESERVE
from tests.service.test_web import login
from uncc.adapters.db import schema
from uncc.config import Settings
from uncc.domain.evidence import EvidenceItem
from uncc.entrypoints.api.app import create_app
from uncc.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    RuleViolation,
    StorageError,
    UserInputError,
)
from uncc.services import cases, evidence, evidence_preview, evidence_review, orders
from uncc.services.admissibility import admissibility
from uncc.services.case_export import export_case
from uncc.services.orders import DraftRequest
from uncc.services.reports import admissibility_html, admissibility_markdown

TEXT = b"2026-05-20 10:02 engineer cloned repo turbine-designs\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def counts(node: Node) -> tuple[int, int]:
    """Rows in the custody log and the audit trail."""
    with node.ctx.engine.connect() as conn:
        custody = conn.execute(select(func.count()).select_from(schema.custody)).scalar_one()
        trail = conn.execute(select(func.count()).select_from(schema.audit)).scalar_one()
    return custody, trail


def audited(node: Node, action: str) -> list[tuple[str, str, str]]:
    """(actor, object, outcome) of the audit entries of an action."""
    with node.ctx.engine.connect() as conn:
        rows = conn.execute(
            select(schema.audit.c.actor, schema.audit.c.object, schema.audit.c.outcome)
            .where(schema.audit.c.action == action)
            .order_by(schema.audit.c.seq)
        ).all()
    return [(r.actor, r.object, r.outcome) for r in rows]


def add(node: Node, case_id: str, data: bytes, name: str, order: str | None = None) -> EvidenceItem:
    return evidence.add_evidence(
        node.ctx,
        node.ivan,
        case_id,
        source=io.BytesIO(data),
        filename=name,
        acquisition={"tool": "t", "tool_version": "1", "source": "repo"},
        order_id=order,
    )


@pytest.fixture
def item(node: Node) -> EvidenceItem:
    case = cases.open_case(node.ctx, node.ivan, facts("insider-company"))
    return add(node, case.id, TEXT, "clone.log")


def test_the_content_streams_verified_and_every_read_is_audited(
    node: Node, item: EvidenceItem
) -> None:
    got = evidence_review.open_content(node.ctx, node.jane, item.id)
    assert b"".join(got.chunks) == TEXT
    shown = evidence_preview.preview(node.ctx, node.pia, item.id)
    assert (shown.kind, shown.text) == ("text", TEXT.decode())
    assert audited(node, "evidence.download") == [("jane", item.id, "ok")]
    assert audited(node, "evidence.preview") == [("pia", item.id, "ok")]


def test_changed_bytes_are_never_sent_whole(node: Node, item: EvidenceItem) -> None:
    path = node.ctx.blobs._path(item.sha256)  # type: ignore[attr-defined]
    path.chmod(0o600)
    path.write_bytes(TEXT.replace(b"cloned", b"viewed"))
    got = evidence_review.open_content(node.ctx, node.jane, item.id)
    with pytest.raises(StorageError, match="no longer hash"):
        b"".join(got.chunks)
    assert audited(node, "evidence.download")[-1] == ("jane", item.id, "hash-mismatch")


@pytest.mark.parametrize("who", ["aud", "cora", "admin"])
def test_roles_that_may_not_read_the_content_are_refused(
    node: Node, item: EvidenceItem, who: str
) -> None:
    with pytest.raises(PermissionDeniedError):
        evidence_review.open_content(node.ctx, getattr(node, who), item.id)


def test_a_sealed_item_is_inaccessible(node: Node, item: EvidenceItem) -> None:
    evidence.set_sealed(node.ctx, node.pia, item.id, sealed=True)
    with pytest.raises(RuleViolation) as refused:
        evidence_review.open_content(node.ctx, node.jane, item.id)
    assert refused.value.provision == "art_46__para_3__point_d"
    assert audited(node, "evidence.download") == [("jane", item.id, "refused")]


def test_tags_and_annotations_are_custody_events_the_vault_verifies(
    node: Node, item: EvidenceItem
) -> None:
    evidence_review.tag(node.ctx, node.ivan, item.id, "exfiltration")
    evidence_review.tag(node.ctx, node.pia, item.id, "reviewed")
    review = evidence_review.tag(node.ctx, node.pia, item.id, "exfiltration", remove=True)
    review = evidence_review.annotate(node.ctx, node.jane, item.id, "line 1: the clone")
    assert review.tags == ["reviewed"]
    assert [(a.by, a.text) for a in review.annotations] == [("jane", "line 1: the clone")]
    chain = [e.event.kind.value for e in evidence.custody_of(node.ctx, node.aud, item.id)]
    assert chain == ["acquired", "tagged", "tagged", "untagged", "annotated"]
    assert evidence.verify_vault(node.ctx, node.aud) == []
    report = admissibility(node.ctx, node.jane, item.id)
    assert [c["kind"] for c in report["custody"]][-1] == "annotated"
    assert all(c["included"] for c in report["custody"])
    assert report["custody"][-1]["note"] == "line 1: the clone"
    assert "annotated: line 1: the clone" in admissibility_markdown(report)
    assert "annotated: line 1: the clone" in admissibility_html(report)
    graph = export_case(node.ctx, node.jane, item.case_id)["@graph"]
    file_iri = next(n["@id"] for n in graph if n.get("@type") == "observable:File")
    notes = [n for n in graph if n.get("core:object") == [{"@id": file_iri}]]
    assert {t for n in notes for t in n.get("core:tag", [])} >= {"reviewed"}
    assert any(n.get("core:statement") == "line 1: the clone" for n in notes)


@pytest.mark.parametrize(
    ("value", "error"),
    [("", UserInputError), ("<script>", UserInputError), ("x" * 41, UserInputError)],
)
def test_bad_tags_are_refused_and_nothing_is_stored(
    node: Node, item: EvidenceItem, value: str, error: type[Exception]
) -> None:
    before = counts(node)
    with pytest.raises(error, match="tag:"):
        evidence_review.tag(node.ctx, node.ivan, item.id, value)
    assert counts(node) == before


def test_a_tag_twice_or_a_missing_one_is_a_conflict(node: Node, item: EvidenceItem) -> None:
    evidence_review.tag(node.ctx, node.ivan, item.id, "a")
    before = counts(node)
    with pytest.raises(ConflictError):
        evidence_review.tag(node.ctx, node.ivan, item.id, "a")
    with pytest.raises(ConflictError):
        evidence_review.tag(node.ctx, node.ivan, item.id, "b", remove=True)
    with pytest.raises(UserInputError, match="text:"):
        evidence_review.annotate(node.ctx, node.ivan, item.id, "  ")
    assert counts(node) == before


@pytest.mark.parametrize("who", ["aud", "cora", "admin"])
def test_roles_that_may_not_tag_or_annotate_are_refused_and_nothing_is_stored(
    node: Node, item: EvidenceItem, who: str
) -> None:
    before = counts(node)[0]
    with pytest.raises(PermissionDeniedError):
        evidence_review.tag(node.ctx, getattr(node, who), item.id, "mine")
    with pytest.raises(PermissionDeniedError):
        evidence_review.annotate(node.ctx, getattr(node, who), item.id, "mine")
    assert counts(node)[0] == before


def test_evidence_of_a_confidential_order_stays_need_to_know(node: Node) -> None:
    case = cases.open_case(node.ctx, node.ivan, facts("insider-company"))
    secret = orders.draft_order(
        node.ctx,
        node.pia,
        case.id,
        DraftRequest(**{**PRESERVE.__dict__, "offences": ("ict_theft",)}),
    )
    assert secret.confidential
    got = evidence.add_evidence(
        node.ctx,
        node.ivan,
        case.id,
        source=io.BytesIO(TEXT),
        filename="secret.log",
        acquisition={},
    )
    with (
        node.ctx.engine.begin() as conn
    ):  # taken under the confidential order (by its author's desk)
        conn.execute(
            schema.evidence.update()
            .where(schema.evidence.c.id == got.id)
            .values(
                acquisition={
                    **{"by": "pia", "at": got.acquisition.at.isoformat()},
                    "order_id": secret.id,
                }
            )
        )
    before = counts(node)[0]
    for attempt in (
        lambda: evidence_review.open_content(node.ctx, node.ivan, got.id),
        lambda: evidence_review.tag(node.ctx, node.ivan, got.id, "peek"),
        lambda: evidence_review.annotate(node.ctx, node.ivan, got.id, "peek"),
    ):
        with pytest.raises(NotFoundError):
            attempt()
    assert counts(node)[0] == before
    assert b"".join(evidence_review.open_content(node.ctx, node.jane, got.id).chunks) == TEXT


@pytest.fixture
def web(node: Node, item: EvidenceItem) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(), node.ctx), follow_redirects=False) as client:
        yield client


def test_the_web_download_is_an_attachment_in_a_sandbox(
    web: TestClient, item: EvidenceItem
) -> None:
    login(web, "jane")
    got = web.get(f"/evidence/{item.id}/content")
    assert got.status_code == 200
    assert got.content == TEXT
    assert got.headers["content-type"] == "application/octet-stream"
    assert got.headers["content-disposition"].startswith("attachment;")
    assert got.headers["content-security-policy"].startswith("sandbox;")
    assert got.headers["x-content-type-options"] == "nosniff"
    page = web.get(f"/evidence/{item.id}").text
    assert "engineer cloned repo" in page  # the text preview, escaped in the page
    assert (
        web.get(f"/evidence/{item.id}/content?view=inline").status_code == 400
    )  # text: not inline


def test_an_html_file_is_never_shown_as_a_page_of_the_node(
    node: Node, web: TestClient, item: EvidenceItem
) -> None:
    hostile = add(
        node, item.case_id, b"<html><script>alert(document.cookie)</script></html>", "x.html"
    )
    image = add(node, item.case_id, PNG, "shot.png")
    login(web, "jane")
    page = web.get(f"/evidence/{hostile.id}").text
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert" in page  # shown as text, escaped
    assert web.get(f"/evidence/{hostile.id}/content?view=inline").status_code == 400
    shown = web.get(f"/evidence/{image.id}/content?view=inline")
    assert shown.headers["content-type"] == "image/png"
    assert shown.headers["content-security-policy"].startswith("sandbox;")


def test_the_web_tags_and_annotates_and_an_auditor_cannot(
    node: Node, web: TestClient, item: EvidenceItem
) -> None:
    csrf = login(web, "pia")
    done = web.post(
        f"/evidence/{item.id}/tags", data={"csrf": csrf, "tag": "key exhibit", "action": "add"}
    )
    assert done.status_code == 303
    web.post(f"/evidence/{item.id}/annotations", data={"csrf": csrf, "text": "see line 1"})
    page = web.get(f"/evidence/{item.id}").text
    assert "key exhibit" in page
    assert "see line 1" in page
    csrf = login(web, "aud")
    before = counts(node)[0]
    refused = web.post(
        f"/evidence/{item.id}/tags", data={"csrf": csrf, "tag": "mine", "action": "add"}
    )
    assert refused.status_code == 403
    assert web.get(f"/evidence/{item.id}/content").status_code == 403
    assert counts(node)[0] == before


def test_the_api_streams_the_content_with_its_digest_and_refuses_a_sealed_item(
    node: Node, web: TestClient, item: EvidenceItem
) -> None:
    import base64  # noqa: PLC0415
    import hashlib  # noqa: PLC0415

    def bearer(user: str) -> dict[str, str]:
        answer = web.post("/api/v1/login", json={"user": user, "password": PASSWORD})
        return {"Authorization": f"Bearer {answer.json()['token']}"}

    got = web.get(f"/api/v1/evidence/{item.id}/content", headers=bearer("jane"))
    assert got.status_code == 200
    assert got.content == TEXT
    digest = base64.b64encode(hashlib.sha256(TEXT).digest()).decode()
    assert got.headers["repr-digest"] == f"sha-256=:{digest}:"
    assert got.headers["content-type"] == "application/octet-stream"
    refused = web.get(f"/api/v1/evidence/{item.id}/content", headers=bearer("aud"))
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    tagged = web.post(
        f"/api/v1/evidence/{item.id}/tags", json={"tag": "exhibit 1"}, headers=bearer("pia")
    )
    assert tagged.json()["tags"] == ["exhibit 1"]
    untagged = web.delete(f"/api/v1/evidence/{item.id}/tags/exhibit%201", headers=bearer("pia"))
    assert untagged.json()["tags"] == []
    evidence.set_sealed(node.ctx, node.pia, item.id, sealed=True)
    sealed = web.get(f"/api/v1/evidence/{item.id}/content", headers=bearer("jane"))
    assert sealed.status_code == 409
    assert sealed.json()["provision"] == "art_46__para_3__point_d"


def test_a_pdf_is_previewed_inline_in_a_sandbox_and_a_large_item_is_not_previewed(
    node: Node, web: TestClient, item: EvidenceItem
) -> None:
    pdf = add(
        node, item.case_id, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n", "x.pdf"
    )
    assert evidence_preview.preview(node.ctx, node.jane, pdf.id).kind == "pdf"
    login(web, "jane")
    shown = web.get(f"/evidence/{pdf.id}/content?view=inline")
    assert shown.headers["content-type"] == "application/pdf"
    assert shown.headers["content-disposition"].startswith("inline;")
    assert shown.headers["content-security-policy"].startswith("sandbox;")
    page = web.get(f"/evidence/{pdf.id}").text
    assert f'<iframe class="preview" src="/evidence/{pdf.id}/content?view=inline" sandbox' in page
    big = add(node, item.case_id, b"a" * (evidence_preview.PREVIEW_MAX + 1), "big.txt")
    assert evidence_preview.preview(node.ctx, node.jane, big.id).kind == "none"
