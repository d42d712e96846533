"""The joint investigation team pages: the teams, and one team's agreement and signed log."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from uncc.domain.jit import SharedItem
from uncc.entrypoints.web.i18n import N_, _
from uncc.entrypoints.web.kit import Pages, page, redirect
from uncc.errors import UserInputError
from uncc.services import jit
from uncc.services.context import Principal
from uncc.services.jit_verify import verify


def _text(data: FormData, name: str) -> str:
    value = data.get(name)
    return value.strip() if isinstance(value, str) else ""


def _item(data: FormData) -> SharedItem | None:
    """The item of an item entry, from the form."""
    uses = [u.strip() for u in _text(data, "item_uses").replace(",", " ").split() if u.strip()]
    try:
        return SharedItem(
            reference=_text(data, "item_ref"), sha256=_text(data, "sha256") or None, uses=uses
        )
    except ValueError as exc:
        raise UserInputError(f"item: {str(exc).splitlines()[-1][:200]}") from None


def install(app: FastAPI, pages: Pages, kick: Callable[[], None]) -> None:
    """Add the team pages (``kick`` wakes the sender after a message is queued)."""
    ctx = pages.ctx

    @app.get("/jit", include_in_schema=False)
    @page(pages)
    def teams(request: Request, who: Principal) -> Response:
        return pages.render(
            request,
            "jit.html",
            who,
            title=N_("Joint investigation teams"),
            teams=jit.list_teams(ctx, who),
        )

    @app.get("/jit/{team_id}", include_in_schema=False)
    @page(pages)
    def team(request: Request, who: Principal, team_id: str) -> Response:
        held, log = jit.team_log(ctx, who, team_id)
        return pages.render(
            request,
            "jit_team.html",
            who,
            title=f"Team {held.id}",
            team=held,
            log=log,
            me=pages.node().state,
            check=verify(ctx, who, team_id),
        )

    @app.post("/jit/{team_id}/accept", include_in_schema=False)
    @page(pages, form=True)
    def accept(request: Request, who: Principal, data: FormData, team_id: str) -> Response:
        jit.accept(ctx, who, team_id, _text(data, "case") or None)
        kick()
        return redirect(f"/jit/{team_id}", ok=_("signed the agreement; every member is told"))

    @app.post("/jit/{team_id}/log", include_in_schema=False)
    @page(pages, form=True)
    def add(request: Request, who: Principal, data: FormData, team_id: str) -> Response:
        kind = _text(data, "kind")
        entry = jit.add_entry(
            ctx,
            who,
            team_id,
            kind=kind,
            text=_text(data, "text"),
            item=_item(data) if kind == "item" else None,
            refers_to=(_text(data, "refers_to") or None) if kind == "use" else None,
            use=(_text(data, "use") or None) if kind == "use" else None,
            to_state=(_text(data, "to_state") or None) if kind == "use" else None,
        )
        kick()
        return redirect(
            f"/jit/{team_id}", ok=_("entry %(seq)s logged and sent") % {"seq": entry.entry.seq}
        )
