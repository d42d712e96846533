"""Lists, one shape: ``{"items": [...], "total": n, "next": cursor | null}``.

Every list takes ``?limit=`` and ``?cursor=``; the cursor is opaque to clients (the
node's own position in the list), and one the node did not give out is a 422 problem
naming the field.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Query
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")

MAX_LIMIT = 1000
DEFAULT_LIMIT = 100


class Page(BaseModel, Generic[T]):
    """One page of a list."""

    model_config = ConfigDict(extra="forbid")

    items: list[T] = Field(description="This page, in the list's order.")
    total: int = Field(ge=0, description="How many items match, over all pages.")
    next: str | None = Field(
        description="Pass as ?cursor= for the next page (same filters); null on the last page."
    )


def encode(position: int) -> str:
    """A cursor for a position in a list.

    >>> decode(encode(100))
    100
    """
    return base64.urlsafe_b64encode(f"p{position}".encode()).decode().rstrip("=")


def decode(cursor: str) -> int:
    """The position a cursor stands for; a 422 problem for one the node did not give out."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        text = base64.b64decode(padded, altchars=b"-_", validate=True).decode("ascii")
        if not text.startswith("p") or not text[1:].isdigit():
            raise ValueError(cursor)
        return int(text[1:])
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise RequestValidationError(
            [
                {
                    "loc": ("query", "cursor"),
                    "msg": "not a cursor this list gave out: pass the 'next' of a page unchanged",
                    "type": "value_error",
                }
            ]
        ) from None


@dataclass(frozen=True)
class Window:
    """Where a page starts (``at``: a position the list defines) and how long it is."""

    limit: int
    at: int | None


def window(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page.")] = DEFAULT_LIMIT,
    cursor: Annotated[
        str | None, Query(max_length=40, description="The 'next' of the previous page.")
    ] = None,
) -> Window:
    """The page asked for."""
    return Window(limit, decode(cursor) if cursor else None)  # empty: the first page


Paging = Annotated[Window, Depends(window)]
"""The ``?limit=&cursor=`` of a list."""


def page(items: Sequence[T], at: Window) -> Page[T]:
    """A page of a whole list held in memory (the position is an offset)."""
    start = at.at or 0
    end = start + at.limit
    return Page[T](
        items=list(items[start:end]),
        total=len(items),
        next=encode(end) if end < len(items) else None,
    )
