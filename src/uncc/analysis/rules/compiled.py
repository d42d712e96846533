"""What depends only on the Convention, computed once per Convention object.

The analysis runs for every incident with the same Convention model; tables derived
from it (offences by conduct, the safeguards of each power) are built on first use and
kept beside the Convention they came from.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from uncc.convention.catalogue import Convention

T = TypeVar("T")

_TABLES: dict[tuple[int, str], tuple[Convention, Any]] = {}
"""(id of a Convention, table name) → (that Convention, the table)."""


def per_convention(convention: Convention, name: str, build: Callable[[], T]) -> T:
    """The table ``name`` built by ``build`` for this Convention, built on first use."""
    key = (id(convention), name)
    entry = _TABLES.get(key)
    if entry is None or entry[0] is not convention:
        if len(_TABLES) > 64:
            _TABLES.clear()
        entry = _TABLES[key] = (convention, build())
    return cast("T", entry[1])
