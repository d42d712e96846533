"""The problem types (RFC 9457): listed once, declared on each operation, documented at their URI.

Every ``type`` a problem of the node carries is ``/problems/<slug>``; the node serves a
page for each there. The types come from the error classes (:mod:`uncc.errors`, where
each carries its status and title) and from the HTTP layer itself (an invalid request,
a method not allowed, a timeout).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field

from uncc import errors
from uncc.entrypoints.api.problems import BASE, MEDIA
from uncc.errors import NotFoundError, UnccError


class ProblemOut(BaseModel):
    """A problem (RFC 9457), as ``application/problem+json``."""

    model_config = ConfigDict(extra="allow", title="Problem")

    type: str = Field(description="The problem type: /problems/<slug>, documented there.")
    title: str = Field(description="The type's short, fixed title.")
    status: int = Field(description="The HTTP status.")
    detail: str = Field(description="What went wrong this time, naming the field at fault.")
    instance: str = Field(description="The path of the request.")
    errors: list[Any] | None = Field(
        default=None, description="invalid-request: {field, reason} each; invalid-facts: lines."
    )
    provision: str | None = Field(
        default=None, description="refused-by-convention: the provision applied."
    )


@dataclass(frozen=True)
class ProblemType:
    """One problem type: its slug, HTTP status, title and meaning."""

    slug: str
    status: int
    title: str
    description: str


def _error_classes() -> list[type[UnccError]]:
    found, todo = [], [UnccError]
    while todo:
        kind = todo.pop()
        if kind.__module__ == errors.__name__:
            found.append(kind)
        todo.extend(kind.__subclasses__())
    return found


HTTP_TYPES = (
    ProblemType(
        "invalid-request",
        422,
        "The request is not valid",
        "A parameter or a field of the body is missing or malformed; `errors` lists each "
        "with its `field` and `reason`.",
    ),
    ProblemType(
        "method-not-allowed", 405, "Method not allowed", "The path exists; the method does not."
    ),
    ProblemType(
        "timeout", 408, "Request timeout", "The request body did not arrive within the limit."
    ),
    ProblemType("http", 400, "Refused", "The HTTP layer refused the request as sent."),
)
"""Problems raised by the HTTP layer, not by an error of uncc."""


def _all_types() -> dict[str, ProblemType]:
    found = {t.slug: t for t in HTTP_TYPES}
    for kind in sorted(_error_classes(), key=lambda k: k.__name__):
        found.setdefault(
            kind.problem_type,
            ProblemType(kind.problem_type, kind.http_status, kind.title, kind.description),
        )
    return dict(sorted(found.items()))


TYPES = _all_types()
"""Every problem type of the node, by slug."""

COMMON = ("forbidden", "invalid-request", "too-large", "timeout", "internal")
"""What any operation of the API may answer: no token, bad input, too large or slow, a fault."""
STORAGE = ("storage-full", "schema-outdated")
"""What any operation that reads or writes the database may answer."""


def problems(*slugs: str, common: bool = True) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` of an operation: each status it may answer, with its problem types."""
    chosen = [*slugs, *(COMMON + STORAGE if common else ())]
    by_status: dict[int, list[ProblemType]] = {}
    for slug in dict.fromkeys(chosen):
        kind = TYPES[slug]
        by_status.setdefault(kind.status, []).append(kind)
    return {
        status: {
            "model": ProblemOut,
            "description": "; ".join(f"[{k.slug}]({BASE}{k.slug}): {k.title}" for k in kinds),
        }
        for status, kinds in sorted(by_status.items())
    }


def as_problem_json(schema: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI document with every problem response under ``application/problem+json``.

    FastAPI files a response model under the route's own media type; a problem is
    answered as ``application/problem+json`` whatever the route's media type.
    """
    ref = {"$ref": "#/components/schemas/ProblemOut"}
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if not status.startswith(("4", "5")):
                    continue
                for media in [m for m, body in content.items() if body == {"schema": ref}]:
                    content[MEDIA] = content.pop(media)
    return schema


def merged(*responses: dict[int | str, dict[str, Any]]) -> dict[int | str, dict[str, Any]]:
    """``responses=`` put together: a status answered two ways lists both media types."""
    found: dict[int | str, dict[str, Any]] = {}
    for response in responses:
        for status, entry in response.items():
            held = found.setdefault(status, {})
            description = "; ".join(e["description"] for e in (held, entry) if "description" in e)
            content = {**held.get("content", {}), **entry.get("content", {})}
            held.update(entry)
            if content:
                held["content"] = content
            if description:
                held["description"] = description
    return found


router = APIRouter(prefix="/problems", include_in_schema=False)


def _page(title: str, body: str) -> HTMLResponse:
    return HTMLResponse(
        f"<!doctype html><html lang='en'><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"<body><main>{body}</main></body></html>"
    )


@router.get("")
def index() -> HTMLResponse:
    """Every problem type of the node's API."""
    rows = "".join(
        f"<tr><td><a href='{BASE}{t.slug}'>{t.slug}</a></td><td>{t.status}</td>"
        f"<td>{html.escape(t.title)}</td></tr>"
        for t in TYPES.values()
    )
    return _page(
        "Problem types",
        "<h1>Problem types</h1><p>Every error of the API is a problem (RFC 9457) whose "
        "<code>type</code> is one of these.</p><table><tr><th>Type</th><th>Status</th>"
        f"<th>Title</th></tr>{rows}</table>",
    )


@router.get("/{slug}")
def problem_type(slug: str) -> HTMLResponse:
    """What one problem type means."""
    kind = TYPES.get(slug)
    if kind is None:
        raise NotFoundError(f"no problem type {slug!r}: see {BASE.rstrip('/')}")
    return _page(
        kind.title,
        f"<h1>{html.escape(kind.title)}</h1><p>Type <code>{BASE}{kind.slug}</code>, "
        f"HTTP status {kind.status}.</p><p>{html.escape(kind.description)}</p>"
        f"<p><a href='{BASE.rstrip('/')}'>All problem types</a></p>",
    )
