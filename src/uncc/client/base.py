"""The connection a ``Client`` holds, and how its parts read lists (``docs/client.md``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Self, TypeVar

import httpx
from pydantic import TypeAdapter

from uncc.client.http import Connection

T = TypeVar("T")


def parse_list(kind: type[T], data: Any) -> list[T]:
    """JSON items as a list of ``kind`` (validated)."""
    adapter: TypeAdapter[list[T]] = TypeAdapter(list[kind])  # type: ignore[valid-type]
    return adapter.validate_python(data)


PAGE_MAX = 1000
"""The most entries one page of a list holds."""


class ClientBase:
    """One node's API as the user whose token it holds: what every part of ``Client`` uses.

    Args:
        url: the node's base URL.
        token: a bearer token (from :meth:`login`, or saved by ``uncc login``).
        ca_file: the CA that signed the node's certificate, for a private CA.
        http: an ``httpx.Client`` to send through instead (tests).
    """

    def __init__(
        self,
        url: str,
        token: str | None = None,
        *,
        ca_file: Path | None = None,
        http: httpx.Client | None = None,
    ) -> None:
        self.connection = Connection(url, token, ca_file=ca_file, http=http)

    @property
    def url(self) -> str:
        """The node's base URL."""
        return self.connection.url

    @property
    def token(self) -> str | None:
        """The bearer token in use."""
        return self.connection.token

    def close(self) -> None:
        """Close the connection."""
        self.connection.close()

    def _items(self, path: str, *, every: bool = True, **params: Any) -> list[Any]:
        """The items of a list: a JSON array, or pages (``{"items", "next"}``) followed to the end."""
        data = self.connection.get(path, **params)
        if isinstance(data, list):
            return data
        items = list(data["items"])
        while every and data.get("next"):
            data = self.connection.get(path, **params, cursor=data["next"])
            items.extend(data["items"])
        return items

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
