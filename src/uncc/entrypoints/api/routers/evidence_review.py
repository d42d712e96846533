"""``/api/v1/evidence/{id}/content|review|tags|annotations``: reviewing an item.

The content streams as ``application/octet-stream`` with its SHA-256 in ``Repr-Digest``
(RFC 9530); the bytes are checked against the recorded hash as they go, and the last
chunk is withheld when they differ. Tags and annotations are custody events.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter
from fastapi.responses import StreamingResponse
from pydantic import Field

from uncc.entrypoints.api.auth import User
from uncc.entrypoints.api.deps import Ctx
from uncc.entrypoints.api.evidence_bytes import content_response
from uncc.entrypoints.api.models import In, Out, Stamp, iso
from uncc.entrypoints.api.problem_types import problems
from uncc.services import evidence_review
from uncc.services.evidence_review import Review

router = APIRouter(prefix="/api/v1/evidence/{item_id}", tags=["evidence"], responses=problems())

BYTES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The item's bytes, as recorded (SHA-256 in Repr-Digest).",
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}


class AnnotationOut(Out):
    """A reviewer's note, as its custody event recorded it."""

    entry: int
    by: str
    at: Stamp
    text: str


class ReviewOut(Out):
    """An item's tags now and every annotation (replayed from its custody events)."""

    tags: list[str]
    annotations: list[AnnotationOut]

    @classmethod
    def of(cls, review: Review) -> ReviewOut:
        """The review as the API shows it."""
        return cls(
            tags=review.tags,
            annotations=[
                AnnotationOut(entry=a.seq, by=a.by, at=iso(a.at), text=a.text)
                for a in review.annotations
            ],
        )


class TagIn(In):
    """A tag to put on an item or take off it."""

    tag: Annotated[str, Field(min_length=1, max_length=40)]


class AnnotationIn(In):
    """A note on an item."""

    text: Annotated[str, Field(min_length=1, max_length=evidence_review.MAX_NOTE)]


@router.get(
    "/content",
    response_class=StreamingResponse,
    responses=BYTES | problems("not-found", "refused-by-convention", "storage-unavailable"),
)
def content(ctx: Ctx, item_id: str, user: User) -> StreamingResponse:
    """Download the item (audited); refused when sealed (Art. 46(3)(d))."""
    return content_response(evidence_review.open_content(ctx, user, item_id))


@router.get("/review", responses=problems("not-found"))
def review(ctx: Ctx, item_id: str, user: User) -> ReviewOut:
    """The item's tags and annotations."""
    return ReviewOut.of(evidence_review.get_review(ctx, user, item_id))


@router.post("/tags", responses=problems("not-found", "conflict", "bad-request"))
def tag(ctx: Ctx, item_id: str, body: TagIn, user: User) -> ReviewOut:
    """Tag the item: a custody event signed into the log."""
    return ReviewOut.of(evidence_review.tag(ctx, user, item_id, body.tag))


@router.delete("/tags/{tag}", responses=problems("not-found", "conflict", "bad-request"))
def untag(ctx: Ctx, item_id: str, tag: str, user: User) -> ReviewOut:
    """Take a tag off the item: a custody event signed into the log."""
    return ReviewOut.of(evidence_review.tag(ctx, user, item_id, tag, remove=True))


@router.post("/annotations", responses=problems("not-found", "bad-request"))
def annotate(ctx: Ctx, item_id: str, body: AnnotationIn, user: User) -> ReviewOut:
    """Annotate the item: a custody event signed into the log."""
    return ReviewOut.of(evidence_review.annotate(ctx, user, item_id, body.text))
