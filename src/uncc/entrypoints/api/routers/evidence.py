"""``/api/v1/…/evidence``: items taken into the vault, their custody chain, admissibility."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from uncc.domain.evidence import EvidenceItem
from uncc.entrypoints.api import uploads
from uncc.entrypoints.api.auth import User
from uncc.entrypoints.api.deps import Ctx
from uncc.entrypoints.api.models import Json, Out, Stamp, iso
from uncc.entrypoints.api.paging import Page, Paging, page
from uncc.entrypoints.api.problem_types import problems
from uncc.services import evidence
from uncc.services.admissibility import admissibility
from uncc.services.reports import admissibility_html, admissibility_markdown

router = APIRouter(prefix="/api/v1", tags=["evidence"], responses=problems())

BINARY = {
    "requestBody": {
        "required": True,
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}
"""The upload's body: the file's bytes, as they are."""


class StoredOut(Out):
    """An item just taken into the vault."""

    id: str
    sha256: str
    size: int


class AcquisitionOut(Out):
    """How, when and by whom an item was acquired."""

    by: str
    at: Stamp
    place: str
    order: str | None
    tool: str
    tool_version: str
    source: str


class ItemOut(Out):
    """An evidence item of a case."""

    id: str
    case: str
    sha256: str
    size: int
    filename: str
    sealed: bool
    acquisition: AcquisitionOut

    @classmethod
    def of(cls, item: EvidenceItem) -> ItemOut:
        """An item as the API shows it."""
        got = item.acquisition
        return cls(
            id=item.id,
            case=item.case_id,
            sha256=item.sha256,
            size=item.size,
            filename=item.filename,
            sealed=item.sealed,
            acquisition=AcquisitionOut(
                by=got.by,
                at=iso(got.at),
                place=got.place,
                order=got.order_id,
                tool=got.tool,
                tool_version=got.tool_version,
                source=got.source,
            ),
        )


class CheckpointOut(Out):
    """The signed checkpoint of the custody log the proof leads to."""

    size: int
    root: str
    at: Stamp
    key_id: str
    signature: str


class CustodyOut(Out):
    """One event of an item's chain of custody, with its inclusion proof."""

    seq: int
    kind: str
    sha256: str
    actor: str
    at: Stamp
    details: Json
    leaf_hash: str
    proof: list[str]
    checkpoint: CheckpointOut


@router.post(
    "/cases/{case_id}/evidence",
    status_code=201,
    openapi_extra=BINARY,
    responses=problems("not-found", "conflict", "refused-by-convention", "bad-request"),
)
async def upload(
    *,
    ctx: Ctx,
    case_id: str,
    request: Request,
    user: User,
    filename: Annotated[str, Query(min_length=1)],
    order: Annotated[str | None, Query()] = None,
    tool: str = "",
    tool_version: str = "",
    source: str = "",
) -> StoredOut:
    """Ingest the request body as it arrives, hashed straight into the vault.

    The user's role, the case and the order are checked before the first byte is
    read; the body guard stops it at ``max_upload_bytes``.
    """
    body = uploads.ReadAhead(request.stream())
    try:
        item = await run_in_threadpool(
            evidence.add_evidence,
            ctx,
            user,
            case_id,
            source=body,
            filename=filename,
            acquisition={"tool": tool, "tool_version": tool_version, "source": source},
            order_id=order,
        )
    finally:
        await body.aclose()
    return StoredOut(id=item.id, sha256=item.sha256, size=item.size)


@router.get(
    "/cases/{case_id}/evidence", response_model=Page[ItemOut], responses=problems("not-found")
)
def list_items(ctx: Ctx, case_id: str, user: User, at: Paging) -> Page[ItemOut]:
    """The evidence items of a case, by id."""
    return page([ItemOut.of(i) for i in evidence.list_evidence(ctx, user, case_id)], at)


@router.get("/evidence/{item_id}/custody", responses=problems("not-found"))
def custody(ctx: Ctx, item_id: str, user: User) -> list[CustodyOut]:
    """The chain of custody of an item, with inclusion proofs and the signed checkpoint.

    One record, verified whole: not paginated.
    """
    return [
        CustodyOut(
            seq=e.event.seq,
            kind=e.event.kind.value,
            sha256=e.event.sha256,
            actor=e.event.actor,
            at=iso(e.event.at),
            details=e.event.details,
            leaf_hash=e.leaf_hash,
            proof=e.proof,
            checkpoint=CheckpointOut(**e.checkpoint.__dict__ | {"at": iso(e.checkpoint.at)}),
        )
        for e in evidence.custody_of(ctx, user, item_id)
    ]


class NodeRefOut(Out):
    """The node that keeps the item, and the key its log is signed with."""

    state: str
    name: str
    key_id: str
    public_key: str


class ItemCheckedOut(Out):
    """The item as stored, and whether its bytes still hash to what was recorded."""

    id: str
    filename: str
    size: int
    sha256: str
    sha256_now: str | None
    intact: bool
    sealed: bool


class CaseRefOut(Out):
    """The item's case."""

    id: str
    title: str


class CheckpointCheckedOut(CheckpointOut):
    """The signed checkpoint the chain leads to, with its signature checked."""

    signature_valid: bool


class HeadRefOut(Out):
    """The custody log's signed tree head now."""

    note: str
    origin: str
    size: int
    root: str


class AdmissibilityOut(Out):
    """The admissibility report of an item (Art. 49): what a court needs to rely on it."""

    provision: str
    node: NodeRefOut
    item: ItemCheckedOut
    case: CaseRefOut | None
    acquisition: Json
    order: Json | None
    received: Json | None
    custody: list[Json]
    checkpoint: CheckpointCheckedOut | None
    head: HeadRefOut


REPORT_FORMATS: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The report: JSON (default), Markdown or HTML (?format=).",
        "content": {
            "text/markdown": {"schema": {"type": "string"}},
            "text/html": {"schema": {"type": "string"}},
        },
    }
}


@router.get(
    "/evidence/{item_id}/admissibility",
    response_model=AdmissibilityOut,
    responses=REPORT_FORMATS | problems("not-found"),
)
def admissibility_report(
    ctx: Ctx,
    item_id: str,
    user: User,
    output_format: Annotated[Literal["json", "md", "html"], Query(alias="format")] = "json",
) -> AdmissibilityOut | Response:
    """The admissibility report of an item (Art. 49): as data, Markdown or HTML."""
    report = admissibility(ctx, user, item_id)
    if output_format == "md":
        return Response(admissibility_markdown(report), media_type="text/markdown; charset=utf-8")
    if output_format == "html":
        return Response(admissibility_html(report), media_type="text/html; charset=utf-8")
    return AdmissibilityOut.model_validate(report)
