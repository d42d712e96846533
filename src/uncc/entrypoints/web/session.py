"""Browser sessions: the API token in a strict cookie, a CSRF token derived from it.

The cookie is HttpOnly and SameSite=Strict (Secure over HTTPS); every form that changes
anything carries ``csrf``, an HMAC of the session token that a page from another site
cannot know. Logging out revokes the token on the server. The token is a web session
token: it ends after ``UNCC_SESSION_IDLE_MINUTES`` without a request and at most
``UNCC_SESSION_HOURS`` after log-in.
"""

from __future__ import annotations

import hashlib
import hmac

from fastapi import Request
from fastapi.responses import Response

from uncc.errors import PermissionDeniedError
from uncc.services import identity
from uncc.services.context import NodeContext, Principal

COOKIE = "uncc_session"


def token_of(request: Request) -> str | None:
    """The session token the browser sent, if any."""
    return request.cookies.get(COOKIE)


def principal(ctx: NodeContext, request: Request) -> Principal | None:
    """The logged-in user, or None when the session is missing or no longer valid."""
    token = token_of(request)
    if not token:
        return None
    try:
        return identity.authenticate(ctx, token)
    except PermissionDeniedError:
        return None


def csrf_token(request: Request) -> str:
    """The CSRF token for the session (empty before login)."""
    token = token_of(request) or ""
    return hmac.new(token.encode(), b"uncc-csrf", hashlib.sha256).hexdigest() if token else ""


def check_csrf(request: Request, sent: str | None) -> None:
    """Refuse a form whose CSRF token is not the session's."""
    expected = csrf_token(request)
    if not expected or not sent or not hmac.compare_digest(expected, sent):
        raise PermissionDeniedError(
            "the form's security token is missing or stale: reload the page and try again"
        )


def start(response: Response, request: Request, token: str) -> None:
    """Set the session cookie (a browser-session cookie).

    The server ends the token itself after the idle timeout or the session's maximum length.
    """
    response.set_cookie(
        COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )


def end(response: Response) -> None:
    """Clear the session cookie."""
    response.delete_cookie(COOKIE, path="/")
