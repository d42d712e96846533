"""Problems (RFC 9457) from a node, back as the exceptions uncc raises at home.

A refused action arrives as problem JSON; :func:`raise_for_problem` turns it into the
same exception class the node raised (``RuleViolation`` with its provision,
``PermissionDeniedError``, ``NotFoundError`` …), so scripts catch one exception tree
whether they work on the server or from a workstation, and the command line gives the
same message and exit code in both places. The problem itself stays on the exception
as :attr:`RemoteProblem.problem`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from uncc.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    RuleViolation,
    SecondFactorRequired,
    StorageError,
    StorageFullError,
    ThrottledError,
    TooLargeError,
    TransportError,
    UnccError,
    UserInputError,
)


@dataclass(frozen=True)
class Problem:
    """An RFC 9457 problem as the node sent it."""

    status: int
    type: str
    title: str
    detail: str
    instance: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def slug(self) -> str:
        """The last part of the problem type URI (``refused-by-convention``, ``forbidden`` …)."""
        return self.type.rstrip("/").rsplit("/", 1)[-1]


class ServerError(UnccError):
    """The node failed in a way that is not the caller's fault (HTTP 5xx without a known type)."""


_BY_SLUG: dict[str, type[UnccError]] = {
    "second-factor-required": SecondFactorRequired,
    "forbidden": PermissionDeniedError,
    "not-found": NotFoundError,
    "conflict": ConflictError,
    "too-large": TooLargeError,
    "bad-request": UserInputError,
    "invalid-request": UserInputError,
    "invalid-facts": UserInputError,
    "timeout": UserInputError,
    "unreachable": TransportError,
    "storage-unavailable": StorageError,
    "storage-full": StorageFullError,
}
_BY_STATUS: dict[int, type[UnccError]] = {
    400: UserInputError,
    401: PermissionDeniedError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    413: TooLargeError,
    422: UserInputError,
    429: PermissionDeniedError,
    502: TransportError,
    503: StorageError,
    507: StorageFullError,
}


def parse_problem(status: int, body: Any) -> Problem:
    """The problem in a response body (a plain one when the body is not problem JSON)."""
    if not isinstance(body, dict):
        return Problem(status, "about:blank", "HTTP error", f"the node answered HTTP {status}")
    known = {"type", "title", "status", "detail", "instance"}
    return Problem(
        status=status,
        type=str(body.get("type", "about:blank")),
        title=str(body.get("title", "")),
        detail=str(body.get("detail") or body.get("title") or f"HTTP {status}"),
        instance=str(body.get("instance", "")),
        extra={k: v for k, v in body.items() if k not in known},
    )


def exception_for(problem: Problem) -> UnccError:
    """The exception a problem stands for, carrying the problem as ``.problem``."""
    exc: UnccError
    if problem.slug == "refused-by-convention":
        exc = RuleViolation(str(problem.extra.get("provision", "?")), problem.detail)
    elif problem.slug == "throttled":
        exc = ThrottledError(int(problem.extra.get("retry_after", 0) or 0))
        exc.args = (problem.detail,)
    elif problem.type == "about:blank" and problem.status >= 500:  # a proxy's page, not the node's
        exc = TransportError(f"{problem.detail}: the node is not answering as a node")
    else:
        kind = _BY_SLUG.get(problem.slug) or _BY_STATUS.get(problem.status)
        if kind is None:
            kind = ServerError if problem.status >= 500 else UserInputError
        exc = kind(problem.detail)
    exc.problem = problem  # type: ignore[attr-defined]
    return exc


def raise_for_problem(status: int, body: Any) -> None:
    """Raise the exception for an error answer (status 400 and over)."""
    raise exception_for(parse_problem(status, body))


class RemoteProblem:
    """Documentation only: every exception the client raises for an answer has ``.problem``.

    >>> from uncc.client.errors import exception_for, Problem
    >>> exc = exception_for(Problem(409, "https://uncc.example.org/problems/refused-by-convention",
    ...     "Refused", "at most 90 days", extra={"provision": "art_43__para_2"}))
    >>> type(exc).__name__, str(exc), exc.problem.status
    ('RuleViolation', 'at most 90 days [art_43__para_2]', 409)
    """

    problem: Problem
