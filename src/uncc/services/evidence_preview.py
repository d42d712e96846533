"""What an evidence item looks like, shown safely: text, images and PDF; others metadata only.

The kind is read from the bytes, never from the file name or the uploader's word:
PNG, JPEG, GIF and WebP by their signatures, PDF by ``%PDF-``, text when the bytes are
UTF-8 without NUL. Everything else (SVG and HTML included: they can carry scripts) is
shown as metadata only. Items over :data:`PREVIEW_MAX` are not previewed: download them.
A preview reads the whole item through :func:`~uncc.services.evidence_review.open_content`
(audited, refused when sealed or without need to know, verified against its SHA-256).
"""

from __future__ import annotations

from dataclasses import dataclass

from uncc.services.context import NodeContext, Principal
from uncc.services.evidence_review import open_content

PREVIEW_MAX = 8 << 20
"""Bytes: larger items are not previewed (download them)."""
TEXT_SHOWN = 64 << 10
"""Bytes of a text item shown in its preview."""

SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
)


def sniff(head: bytes) -> str | None:
    """The media type an item may be shown as, from its first bytes; None for metadata only.

    ``text/plain`` for UTF-8 text without NUL (a character cut at the end is allowed).
    """
    for signature, media_type in SIGNATURES:
        if head.startswith(signature):
            return media_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if b"\x00" in head:
        return None
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:  # not just a character cut by the end of the sample
            return None
    return "text/plain"


@dataclass(frozen=True)
class Preview:
    """How an item may be shown."""

    kind: str
    """``text``, ``image``, ``pdf`` or ``none`` (metadata only)."""
    media_type: str | None
    text: str = ""
    truncated: bool = False
    reason: str = ""
    """Why there is no preview (``none``)."""


def preview(ctx: NodeContext, who: Principal, item_id: str) -> Preview:
    """The item's preview (reads and verifies it whole; audited as a preview).

    Raises:
        PermissionDeniedError, NotFoundError, RuleViolation: as
            :func:`~uncc.services.evidence_review.open_content`.
    """
    content = open_content(ctx, who, item_id, purpose="preview")
    if content.item.size > PREVIEW_MAX:
        content.chunks.close()
        return Preview(
            "none", None, reason=f"larger than {PREVIEW_MAX >> 20} MiB: download it to review it"
        )
    data = b"".join(content.chunks)
    media_type = sniff(data[:TEXT_SHOWN])
    if media_type is None:
        return Preview("none", None, reason="not text, an image or a PDF: download it to review it")
    if media_type == "text/plain":
        shown = data[:TEXT_SHOWN].decode("utf-8", errors="replace")
        return Preview("text", media_type, shown, truncated=len(data) > TEXT_SHOWN)
    return Preview("pdf" if media_type == "application/pdf" else "image", media_type)
