"""The evidence commands of the local desk: the vault, custody, review, documents, reports.

:class:`LocalEvidence` is a part of :class:`~uncc.entrypoints.cli.desk_local.LocalDesk`
(its base class), which gives it the node and the logged-in user.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from uncc.client import models as m
from uncc.entrypoints.cli.records import item_record
from uncc.errors import UserInputError

if TYPE_CHECKING:
    from uncc.client.http import Sink
    from uncc.entrypoints.cli.desk import Intake
    from uncc.services.context import NodeContext, Principal


class LocalEvidence:
    """The evidence half of the local desk, on the node's vault and custody log."""

    def node(self) -> NodeContext:
        """The local node (given by the desk)."""
        raise NotImplementedError

    def user(self) -> Principal:
        """The logged-in user (given by the desk)."""
        raise NotImplementedError

    def add_evidence(
        self, case_id: str, intake: Intake, progress: Callable[[int], None]
    ) -> m.Uploaded:
        """Ingest the file, streamed, into the local vault."""
        from uncc.services import evidence  # noqa: PLC0415

        if not intake.file.is_file():
            raise UserInputError(f"{intake.file}: no such file")
        with intake.file.open("rb") as handle:
            item = evidence.add_evidence(
                self.node(),
                self.user(),
                case_id,
                source=handle,
                filename=intake.file.name,
                acquisition=intake.acquisition,
                order_id=intake.order_id,
                progress=progress,
            )
        return m.Uploaded(id=item.id, sha256=item.sha256, size=item.size, filename=item.filename)

    def evidence(self, case_id: str | None) -> list[m.EvidenceItem]:
        """Evidence items."""
        from uncc.services import evidence  # noqa: PLC0415

        return [item_record(i) for i in evidence.list_evidence(self.node(), self.user(), case_id)]

    def seal(self, item_id: str, note: str, *, sealed: bool) -> None:
        """Seal or release."""
        from uncc.services import evidence  # noqa: PLC0415

        evidence.set_sealed(self.node(), self.user(), item_id, sealed=sealed, note=note)

    def custody(self, item_id: str) -> list[m.CustodyEntry]:
        """Custody with proofs."""
        from uncc.services import evidence  # noqa: PLC0415

        return [
            m.CustodyEntry(
                seq=e.event.seq,
                kind=e.event.kind.value,
                sha256=e.event.sha256,
                actor=e.event.actor,
                at=e.event.at,
                details=e.event.details,
                leaf_hash=e.leaf_hash,
                proof=e.proof,
                checkpoint=m.Checkpoint(**e.checkpoint.__dict__),
            )
            for e in evidence.custody_of(self.node(), self.user(), item_id)
        ]

    def download(self, item_id: str, sink: Sink) -> str:
        """The item's bytes, verified against the recorded SHA-256 as they are read."""
        from uncc.services import evidence_review  # noqa: PLC0415

        content = evidence_review.open_content(self.node(), self.user(), item_id)
        for chunk in content.chunks:
            sink.write(chunk)
        return content.item.sha256

    def tag(self, item_id: str, tag: str, *, remove: bool) -> m.Review:
        """Tag or untag."""
        from uncc.services import evidence_review  # noqa: PLC0415

        return _review(evidence_review.tag(self.node(), self.user(), item_id, tag, remove=remove))

    def annotate(self, item_id: str, text: str) -> m.Review:
        """Annotate."""
        from uncc.services import evidence_review  # noqa: PLC0415

        return _review(evidence_review.annotate(self.node(), self.user(), item_id, text))

    def document(self, kind: str, object_id: str, output_format: str) -> tuple[bytes, str]:
        """The record printed here, and recorded with its code."""
        from uncc.entrypoints.printing import RENDERERS  # noqa: PLC0415
        from uncc.services import documents  # noqa: PLC0415

        if output_format not in RENDERERS:
            raise UserInputError(f"--format: '{output_format}' is not pdf or html")
        made = documents.issue(
            self.node(),
            self.user(),
            kind,
            object_id,
            fmt=output_format,
            render=RENDERERS[output_format],
        )
        return made.data, made.document.code

    def check_document(self, code: str | None, data: bytes | None) -> m.DocumentCheck:
        """Checked against the documents recorded here."""
        from uncc.services import documents  # noqa: PLC0415

        verdict = documents.verify(self.node(), self.user(), code=code, data=data)
        return m.DocumentCheck.model_validate(verdict.__dict__)

    def report(self, item_id: str, output_format: str) -> str:
        """The admissibility report, rendered here."""
        from uncc.services.admissibility import admissibility  # noqa: PLC0415
        from uncc.services.reports import (  # noqa: PLC0415
            admissibility_html,
            admissibility_markdown,
        )

        data = admissibility(self.node(), self.user(), item_id)
        if output_format == "json":
            return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        return admissibility_html(data) if output_format == "html" else admissibility_markdown(data)

    def verify(
        self, case_id: str | None, since: str | None, witnesses: bool, full: bool
    ) -> m.VaultReport:
        """Verify the local vault."""
        from uncc.adapters.http_transport import HttpTransport  # noqa: PLC0415
        from uncc.services import vault  # noqa: PLC0415

        report = vault.check(
            self.node(),
            self.user(),
            case_id,
            since=since,
            transport=HttpTransport() if witnesses else None,
            full=full,
        )
        return m.VaultReport.model_validate(report.as_json())

    def head(self) -> m.Head:
        """The signed tree head."""
        from uncc.services import custody_log  # noqa: PLC0415

        return m.Head.model_validate(custody_log.export_head(self.node(), self.user()))


def _review(review: Any) -> m.Review:
    """A service's review as the client's record."""
    return m.Review(
        tags=list(review.tags),
        annotations=[
            m.Annotation(entry=a.seq, by=a.by, at=a.at, text=a.text) for a in review.annotations
        ],
    )
