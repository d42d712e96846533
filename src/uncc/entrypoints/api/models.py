"""What every model of the API shares: strict input, declared output, times as ISO 8601."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, WithJsonSchema

Stamp = Annotated[str, WithJsonSchema({"type": "string", "format": "date-time"})]
"""A time as ``datetime.isoformat()`` writes it (``…+00:00``)."""

Json = dict[str, Any]
"""A JSON object whose shape is documented elsewhere (facts, analysis, message bodies)."""


def iso(value: dt.datetime) -> str:
    """A time as the API writes it: ISO 8601 with its offset (a naive time read back is UTC).

    >>> iso(dt.datetime(2026, 3, 10, 9, 0))
    '2026-03-10T09:00:00+00:00'
    """
    return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).isoformat()


def stamp(value: dt.datetime | None) -> str | None:
    """A time as the API writes it, or None."""
    return iso(value) if value is not None else None


class In(BaseModel):
    """A request body: unknown fields are refused (a typo is not silently ignored)."""

    model_config = ConfigDict(extra="forbid")


class Out(BaseModel):
    """A response body: exactly the fields declared."""

    model_config = ConfigDict(extra="forbid")
