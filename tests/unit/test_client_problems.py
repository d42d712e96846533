"""The client turns every answer it cannot use into one exception of uncc's tree, never a traceback."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from uncc.client import Client, ServerError
from uncc.errors import (
    NotFoundError,
    PermissionDeniedError,
    RuleViolation,
    SecondFactorRequired,
    StorageFullError,
    ThrottledError,
    TransportError,
    UserInputError,
)

BASE = "https://uncc.example.org/problems/"


def answering(status: int, body: Any = None, **headers: str) -> Client:
    """A client whose node answers every request with ``status`` and ``body``."""

    def reply(_: httpx.Request) -> httpx.Response:
        if isinstance(body, dict):
            return httpx.Response(status, json=body, headers=headers)
        return httpx.Response(status, text=body or "", headers=headers)

    http = httpx.Client(transport=httpx.MockTransport(reply), base_url="https://node.test")
    return Client("https://node.test", "token", http=http)


def problem(status: int, slug: str, detail: str, **extra: Any) -> dict[str, Any]:
    return {"type": BASE + slug, "title": "t", "status": status, "detail": detail, **extra}


@pytest.mark.parametrize(
    ("status", "slug", "kind"),
    [
        (401, "second-factor-required", SecondFactorRequired),
        (403, "forbidden", PermissionDeniedError),
        (404, "not-found", NotFoundError),
        (422, "invalid-request", UserInputError),
        (422, "invalid-facts", UserInputError),
        (502, "unreachable", TransportError),
        (507, "storage-full", StorageFullError),
        (500, "internal", ServerError),
    ],
)
def test_each_problem_type_is_the_nodes_exception(status: int, slug: str, kind: type) -> None:
    with pytest.raises(kind) as raised:
        answering(status, problem(status, slug, "what went wrong")).cases()
    assert str(raised.value) == "what went wrong"
    assert raised.value.problem.status == status  # type: ignore[attr-defined]


def test_a_refusal_by_the_convention_keeps_its_provision() -> None:
    body = problem(409, "refused-by-convention", "at most 90 days", provision="art_43__para_2")
    with pytest.raises(RuleViolation) as refused:
        answering(409, body).orders()
    assert refused.value.provision == "art_43__para_2"
    assert str(refused.value) == "at most 90 days [art_43__para_2]"  # as the node words it


def test_throttling_says_how_long_to_wait() -> None:
    body = problem(429, "throttled", "too many failed log-ins: try again in 8 s")
    with pytest.raises(ThrottledError) as throttled:
        answering(429, body, **{"Retry-After": "8"}).login("ivan", "guess")
    assert throttled.value.retry_after == 8
    assert str(throttled.value) == "too many failed log-ins: try again in 8 s"


def test_what_is_not_a_node_is_a_transport_error() -> None:
    with pytest.raises(TransportError, match="without JSON"):
        answering(302, None, Location="/login").cases()  # a redirect to a log-in page
    with pytest.raises(TransportError, match="without JSON"):
        answering(200, "<html>a proxy's page</html>").cases()
    with pytest.raises(TransportError, match="HTTP 503"):
        answering(503, "<html>maintenance</html>", **{"Content-Type": "text/html"}).cases()


def test_an_unknown_problem_type_falls_back_on_its_status() -> None:
    with pytest.raises(NotFoundError):
        answering(404, problem(404, "gone-fishing", "no such thing")).case("C-1")
    with pytest.raises(UserInputError):
        answering(418, problem(418, "teapot", "short and stout")).cases()
