"""The HTTP connection to a node: TLS verified, problems raised as exceptions."""

from __future__ import annotations

import ssl
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol

import httpx
from pydantic import TypeAdapter

from uncc.client.errors import exception_for, parse_problem
from uncc.errors import TransportError, UserInputError

TIMEOUT = httpx.Timeout(60.0, connect=10.0)
KEEPALIVE_EXPIRY = 2.0
"""Seconds a kept-alive connection may stay idle before the next request opens a new one.

Well under the node's own idle limit (5 s, ``uncc serve``): the server counts from when
it sent the answer, a little before the client has read it, so a client that kept a
connection as long as the server does (httpx's default is also 5 s) could send a request
at the instant the server closes the connection, and get no answer."""
REPLAYABLE = frozenset({"GET", "HEAD", "OPTIONS"})
"""Methods that may be sent again when the connection was cut before the answer: they
change nothing. A POST is not sent twice (the node may have done it)."""
CUT = (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)
"""How a connection closed by the server under a request shows (no answer, a reset)."""
_JSON: TypeAdapter[Any] = TypeAdapter(Any)
"""Turns models, dates and decimals in a request body into plain JSON values."""


def tls_context(ca_file: Path | None) -> ssl.SSLContext:
    """The system's trust store, or only the CA in ``ca_file`` (a private CA); never no check."""
    if ca_file is None:
        return ssl.create_default_context()
    if not ca_file.is_file():
        raise UserInputError(f"--ca-file {ca_file}: no such file")
    try:
        return ssl.create_default_context(cafile=str(ca_file))
    except ssl.SSLError as exc:
        raise UserInputError(f"--ca-file {ca_file}: not a PEM certificate ({exc})") from None


class Sink(Protocol):
    """Where downloaded bytes go: anything with ``write(bytes)`` (a file opened ``wb``)."""

    def write(self, data: bytes, /) -> int:
        """Take the next bytes."""
        ...


class Connection:
    """Requests to one node's API, with its bearer token.

    Args:
        url: the node's base URL (``https://node.example:8470``).
        token: the bearer token from :meth:`uncc.client.Client.login`.
        ca_file: a PEM file of the CA that signed the node's certificate.
        http: an ``httpx.Client`` to use instead (tests pass an in-process one).
    """

    def __init__(
        self,
        url: str,
        token: str | None = None,
        *,
        ca_file: Path | None = None,
        http: httpx.Client | None = None,
    ) -> None:
        if not url.startswith(("https://", "http://")):
            raise UserInputError(f"--node {url!r}: give the node's URL, https://host:port")
        self.url = url.rstrip("/")
        self.token = token
        self._http = http or httpx.Client(
            base_url=self.url,
            verify=tls_context(ca_file),
            timeout=TIMEOUT,
            follow_redirects=False,
            limits=httpx.Limits(keepalive_expiry=KEEPALIVE_EXPIRY),
        )

    def close(self) -> None:
        """Close the connection."""
        self._http.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        content: bytes | Iterable[bytes] | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        """Send one request to ``/api/v1`` + ``path``; an error answer raises its exception.

        A JSON body may hold dates, decimals and models (sent as JSON's strings). A
        ``GET`` whose connection the server closed before answering is sent once more, on
        a new connection (:data:`REPLAYABLE`).
        """
        sent = dict(headers or {})
        if self.token:
            sent["Authorization"] = f"Bearer {self.token}"
        query = {k: v for k, v in (params or {}).items() if v is not None}
        options: dict[str, Any] = {
            "json": None if json is None else _JSON.dump_python(json, mode="json"),
            "params": query,
            "content": content,
            "headers": sent,
        }
        try:
            response = self._send(method, "/api/v1" + path, options)
        except httpx.ConnectError as exc:
            raise TransportError(_connect_failure(self.url, exc)) from None
        except httpx.TimeoutException:
            raise TransportError(f"{self.url}: the node did not answer in time") from None
        except httpx.HTTPError as exc:
            raise TransportError(f"{self.url}: {exc}") from None
        if response.status_code >= 400:
            raise _error(response)
        return response

    def _send(self, method: str, url: str, options: dict[str, Any]) -> httpx.Response:
        """The answer to one request; a replayable one that was cut goes once more.

        The cut connection has left the pool, so the second try goes on another one.
        """
        try:
            return self._http.request(method, url, **options)
        except CUT:
            if method.upper() not in REPLAYABLE:
                raise
        return self._http.request(method, url, **options)

    def download(self, path: str, sink: Sink) -> httpx.Headers:
        """GET bytes into ``sink`` as they arrive; the answer's headers (an error raises).

        Raises:
            TransportError: the connection failed or was cut before the end.
        """
        sent = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        try:
            with self._http.stream("GET", "/api/v1" + path, headers=sent) as response:
                if response.status_code >= 400:
                    response.read()
                    raise _error(response)
                for chunk in response.iter_bytes():
                    sink.write(chunk)
                return response.headers
        except httpx.ConnectError as exc:
            raise TransportError(_connect_failure(self.url, exc)) from None
        except httpx.HTTPError as exc:
            raise TransportError(f"{self.url}: the transfer was cut ({exc})") from None

    def get(self, path: str, **params: Any) -> Any:
        """GET a JSON document."""
        return self.json(self.request("GET", path, params=params))

    def post(self, path: str, body: Any = None, **params: Any) -> Any:
        """POST a JSON body (or none) and read the JSON answer."""
        return self.json(self.request("POST", path, json=body, params=params))

    def json(self, response: httpx.Response) -> Any:
        """The JSON of an answer.

        Raises:
            TransportError: the answer is not JSON (a redirect, a proxy's page: not a node).
        """
        try:
            return response.json()
        except ValueError:
            raise TransportError(
                f"{self.url}: answered HTTP {response.status_code} without JSON: is it a uncc node?"
            ) from None


def _error(response: httpx.Response) -> Exception:
    try:
        body: Any = response.json()
    except ValueError:
        body = None
    problem = parse_problem(response.status_code, body)
    retry = response.headers.get("Retry-After")
    if retry is not None and retry.isdigit():
        problem.extra["retry_after"] = int(retry)
    return exception_for(problem)


def _connect_failure(url: str, exc: httpx.ConnectError) -> str:
    text = str(exc)
    if "CERTIFICATE_VERIFY_FAILED" in text or "certificate verify failed" in text:
        return (
            f"{url}: the node's TLS certificate is not trusted ({text.rsplit(':', maxsplit=1)[-1].strip()}); "
            "give its CA with --ca-file (or UNCC_CA_FILE)"
        )
    return f"{url}: the node could not be reached ({text or type(exc).__name__})"
