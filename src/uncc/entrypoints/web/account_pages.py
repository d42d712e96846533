"""The account pages: one's own account, and the users of the node for administrators.

One's own: password, second factor, sessions. Administrators: users, their roles and
state, and the role grants awaiting a second admin.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from uncc.domain.policy import Role
from uncc.entrypoints.web import i18n, session, terms
from uncc.entrypoints.web.i18n import _, ngettext
from uncc.entrypoints.web.kit import Pages, page, redirect
from uncc.errors import UserInputError
from uncc.services import accounts, preferences, second_factor
from uncc.services.context import Principal


def _text(data: FormData, name: str) -> str:
    value = data.get(name)
    return value.strip() if isinstance(value, str) else ""


def _roles(data: FormData) -> set[Role]:
    names = [str(v) for v in data.getlist("role")]
    allowed = {r.value for r in Role}
    unknown = sorted(set(names) - allowed)
    if unknown:
        raise UserInputError(
            f"role: unknown {', '.join(unknown)}; use {', '.join(sorted(allowed))}"
        )
    if not names:
        raise UserInputError("role: tick at least one")
    return {Role(n) for n in names}


def _granted(grants: list[accounts.Grant]) -> str:
    return "; ".join(
        (
            _("%(grant)s: %(role)s for %(user)s granted (bootstrap)")
            if g.status == "bootstrap"
            else _("%(grant)s: %(role)s for %(user)s awaits a second administrator")
        )
        % {"grant": g.id, "role": terms.term(g.role), "user": g.user}
        for g in grants
    )


def install(app: FastAPI, pages: Pages) -> None:
    """Add the account and user-administration pages."""
    ctx = pages.ctx

    def issuer() -> str:
        node = pages.node()
        return f"uncc {node.state} {node.name}"

    @app.get("/account", include_in_schema=False)
    @page(pages)
    def account(request: Request, who: Principal) -> Response:
        return pages.render(
            request,
            "account.html",
            who,
            title=_("Your account"),
            enrolled=second_factor.enrolled(ctx, who),
            pending=second_factor.pending_uri(ctx, who, issuer()),
            mine=preferences.of(ctx, who.user),
            languages=i18n.NAMES,
        )

    @app.post("/account/preferences", include_in_schema=False)
    @page(pages, form=True)
    def change_preferences(request: Request, who: Principal, data: FormData) -> Response:
        mine = preferences.change(
            ctx,
            who,
            time_zone=_text(data, "time_zone"),
            email=_text(data, "email"),
            language=_text(data, "language"),
        )
        request.state.preferences = mine
        i18n.LANGUAGE.set(pages.language(request, mine))  # the answer in the new language
        if mine.email:
            done = _("times are shown in %(zone)s, notifications mailed to %(email)s")
        else:
            done = _("times are shown in %(zone)s, no e-mail")
        return redirect("/account", ok=done % {"zone": mine.time_zone, "email": mine.email})

    @app.post("/account/totp", include_in_schema=False)
    @page(pages, form=True)
    def totp_enrol(request: Request, who: Principal, data: FormData) -> Response:
        second_factor.enrol(ctx, who, issuer())
        return redirect("/account", ok=_("add the key to your authenticator app, then confirm"))

    @app.post("/account/totp/confirm", include_in_schema=False)
    @page(pages, form=True)
    def totp_confirm(request: Request, who: Principal, data: FormData) -> Response:
        second_factor.confirm(ctx, who, _text(data, "code"))
        return redirect("/account", ok=_("second factor enrolled: log-ins now ask for a code"))

    @app.post("/account/password", include_in_schema=False)
    @page(pages, form=True)
    def own_password(request: Request, who: Principal, data: FormData) -> Response:
        current, new = str(data.get("current") or ""), str(data.get("password") or "")
        accounts.change_password(ctx, who, who.user, new, current)
        response = redirect("/login", ok=_("password changed: log in again"))
        session.end(response)
        return response

    @app.post("/account/sessions", include_in_schema=False)
    @page(pages, form=True)
    def own_sessions(request: Request, who: Principal, data: FormData) -> Response:
        ended = accounts.revoke_tokens(ctx, who, who.user)
        response = redirect(
            "/login",
            ok=ngettext("%(num)s session ended", "%(num)s sessions ended", ended) % {"num": ended},
        )
        session.end(response)
        return response

    @app.get("/users", include_in_schema=False)
    @page(pages)
    def users(request: Request, who: Principal) -> Response:
        return pages.render(
            request,
            "users.html",
            who,
            title="Users",
            accounts=accounts.list_users(ctx, who),
            grants=accounts.list_grants(ctx, who),
            roles=[r.value for r in Role],
        )

    @app.post("/users", include_in_schema=False)
    @page(pages, form=True)
    def add_user(request: Request, who: Principal, data: FormData) -> Response:
        name = _text(data, "user")
        grants = accounts.add_user(ctx, who, name, _roles(data), str(data.get("password") or ""))
        return redirect(
            "/users",
            ok=(_("user %(name)s added.") % {"name": name} + " " + _granted(grants)).strip(),
        )

    @app.post("/users/{name}/{command}", include_in_schema=False)
    @page(pages, form=True)
    def user_command(
        request: Request, who: Principal, data: FormData, name: str, command: str
    ) -> Response:
        if command == "disable":
            accounts.set_active(ctx, who, name, active=False)
            done = _("%(name)s disabled; their sessions ended") % {"name": name}
        elif command == "enable":
            accounts.set_active(ctx, who, name, active=True)
            done = _("%(name)s enabled") % {"name": name}
        elif command == "roles":
            grants = accounts.set_roles(ctx, who, name, _roles(data))
            done = (
                _("roles of %(name)s set; their sessions ended.") % {"name": name}
                + " "
                + _granted(grants)
            ).strip()
        elif command == "password":
            grants = accounts.change_password(ctx, who, name, str(data.get("password") or ""))
            done = (
                _("password of %(name)s set; their sessions ended.") % {"name": name}
                + " "
                + _granted(grants)
            ).strip()
        elif command == "revoke-tokens":
            ended = accounts.revoke_tokens(ctx, who, name)
            done = ngettext(
                "%(num)s session of %(name)s ended", "%(num)s sessions of %(name)s ended", ended
            ) % {"num": ended, "name": name}
        elif command == "totp-reset":
            second_factor.reset(ctx, who, name)
            done = _("second factor of %(name)s removed") % {"name": name}
        else:
            raise UserInputError(
                f"command '{command}': use disable, enable, roles, password, revoke-tokens or totp-reset"
            )
        return redirect("/users", ok=done)

    @app.post("/grants/{grant_id}/{decision}", include_in_schema=False)
    @page(pages, form=True)
    def decide(
        request: Request, who: Principal, data: FormData, grant_id: str, decision: str
    ) -> Response:
        if decision not in ("approve", "refuse"):
            raise UserInputError(f"decision '{decision}': use approve or refuse")
        grant = accounts.decide_grant(ctx, who, grant_id, approve=decision == "approve")
        return redirect("/users", ok=f"{grant.id} ({grant.role} for {grant.user}) {grant.status}")
