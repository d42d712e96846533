"""The disclosure of a protected person's identity: asked with a reason, shown once."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from uncc.domain.policy import Action, require
from uncc.entrypoints.web import session
from uncc.entrypoints.web.forms import text_of as _text
from uncc.entrypoints.web.i18n import N_
from uncc.entrypoints.web.kit import Pages, page, redirect
from uncc.errors import NotFoundError, UserInputError
from uncc.services import protection
from uncc.services.context import Principal


def install(app: FastAPI, pages: Pages) -> None:
    """Add the disclosure pages (installed by the case pages, after them)."""
    ctx = pages.ctx

    def _confirm_disclosure(
        request: Request, who: Principal, person_id: str, case: str, reason: str, error: str = ""
    ) -> Response:
        person = next(
            (p for p in protection.list_protected(ctx, who, case) if p.id == person_id), None
        )
        if person is None:
            raise NotFoundError(f"no protected person {person_id} in case {case}")
        return pages.render(
            request,
            "disclose_confirm.html",
            who,
            422 if error else 200,
            title=f"Disclose the identity of {person.pseudonym}?",
            person=person,
            reason=reason,
            errors={"reason": error} if error else {},
        )

    @app.get("/protected/{person_id}/disclose", include_in_schema=False)
    @page(pages)
    def confirm_disclosure(
        request: Request, who: Principal, person_id: str, case: str = ""
    ) -> Response:
        """Confirm a disclosure and state its reason (asked before anything is decrypted)."""
        require(who.roles, Action.PROTECTED_DISCLOSE)
        return _confirm_disclosure(request, who, person_id, case, "")

    @app.post("/protected/{person_id}/disclose", include_in_schema=False)
    @page(pages, form=True)
    def disclose(request: Request, who: Principal, data: FormData, person_id: str) -> Response:
        try:
            shown = protection.disclose(ctx, who, person_id, _text(data, "reason"))
        except UserInputError as exc:  # no reason: asked again, on the confirmation page
            if not _text(data, "case") or not str(exc).startswith("reason:"):
                raise
            error = str(exc).removeprefix("reason: ")
            return _confirm_disclosure(request, who, person_id, _text(data, "case"), "", error)
        view = pages.views.keep(session.token_of(request) or "", person_id, shown)
        return redirect(f"/protected/{person_id}/disclosed?view={view}")

    @app.get("/protected/{person_id}/disclosed", include_in_schema=False)
    @page(pages)
    def disclosed(request: Request, who: Principal, person_id: str, view: str = "") -> Response:
        """The result of a disclosure, shown once: a refresh does not disclose again."""
        shown = pages.views.take(session.token_of(request) or "", person_id, view)
        return pages.render(
            request,
            "disclosed.html",
            who,
            title=N_("Disclosed identity"),
            person_id=person_id,
            shown=shown,
        )
