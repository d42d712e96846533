"""Evidence items: what was acquired, how, under which order, and whether it is sealed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Acquisition:
    """How an item was acquired (who, when, where, under which order, with which tool)."""

    by: str
    at: dt.datetime
    place: str = ""
    order_id: str | None = None
    tool: str = ""
    tool_version: str = ""
    source: str = ""
    """The device or system the item came from."""


@dataclass(frozen=True)
class EvidenceItem:
    """A file in the vault, by its content hash."""

    id: str
    case_id: str
    sha256: str
    size: int
    filename: str
    acquisition: Acquisition
    sealed: bool = False
    """Rendered inaccessible (Art. 46(3)(d)); its content cannot be read until released."""
