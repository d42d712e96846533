"""The API's case records and reports: case notes, protected persons, admissibility reports."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import FastAPI, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from uncc.entrypoints.api.auth import User
from uncc.services import cases, protection
from uncc.services.admissibility import admissibility
from uncc.services.context import NodeContext
from uncc.services.reports import admissibility_html, admissibility_markdown


class CaseNoteIn(BaseModel):
    """A note to add to a case."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=20_000)


def install(app: FastAPI, ctx: NodeContext) -> None:
    """Add the endpoints to the node's app."""

    @app.get("/api/v1/cases/{case_id}/notes")
    def case_notes(case_id: str, user: User) -> list[dict[str, str]]:
        """The notes of a case, oldest first."""
        return [
            {"author": n.author, "at": n.at.isoformat(), "text": n.text}
            for n in cases.list_notes(ctx, user, case_id)
        ]

    @app.post("/api/v1/cases/{case_id}/notes", status_code=201)
    def add_case_note(case_id: str, body: CaseNoteIn, user: User) -> dict[str, str]:
        """Add a note to a case."""
        cases.add_note(ctx, user, case_id, body.text)
        return {"case": case_id}

    @app.get("/api/v1/cases/{case_id}/protected")
    def protected_persons(case_id: str, user: User) -> list[dict[str, Any]]:
        """The case's protected persons by pseudonym, with views, claims and measures."""
        return [
            {
                "id": p.id,
                "pseudonym": p.pseudonym,
                "kind": p.kind.value,
                "provision": p.provision,
                "views": p.views,
                "claims": p.claims,
                "measures": p.measures,
            }
            for p in protection.list_protected(ctx, user, case_id)
        ]

    @app.get("/api/v1/evidence/{item_id}/admissibility", response_model=None)
    def admissibility_report(
        item_id: str,
        user: User,
        output_format: Annotated[Literal["json", "md", "html"], Query(alias="format")] = "json",
    ) -> dict[str, Any] | Response:
        """The admissibility report of an item (Art. 49): as data, Markdown or HTML."""
        report = admissibility(ctx, user, item_id)
        if output_format == "md":
            return Response(
                admissibility_markdown(report), media_type="text/markdown; charset=utf-8"
            )
        if output_format == "html":
            return Response(admissibility_html(report), media_type="text/html; charset=utf-8")
        return report
