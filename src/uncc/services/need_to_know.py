"""Need to know: who may see a confidential order (Arts. 43(3), 47(3), 48(3)), everywhere.

One rule, applied by every output that can name an order: order pages and lists,
evidence pages and admissibility reports, custody chains, CASE exports, dashboards,
notices and the audit trail. A confidential order is visible to the roles that may
read confidential orders and to its author; for everyone else it does not exist:
its id, power, grounds, notes and authorisations are withheld.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, select

from uncc.adapters.db import schema
from uncc.domain.policy import Action, allowed
from uncc.services.context import Principal

WITHHELD = "withheld: a confidential order this reader has no need to know"
"""What a reader without need to know sees in place of a confidential order."""


def may_see_order(who: Principal, *, confidential: str | None, created_by: str) -> bool:
    """True when the user may see an order: not confidential, or need to know.

    Need to know: a role that may read confidential orders (``order.read_confidential``),
    or the order's author.
    """
    if confidential is None:
        return True
    return created_by == who.user or any(
        allowed(r, Action.ORDER_READ_CONFIDENTIAL) for r in who.roles
    )


class Hidden:
    """The orders a user may not see, and the means to keep them out of an output."""

    def __init__(self, ids: Iterable[str]) -> None:
        self.ids = frozenset(ids)
        self._pattern = (
            re.compile(
                r"(?<![\w-])(?:" + "|".join(re.escape(i) for i in sorted(self.ids)) + r")(?!\d)"
            )
            if self.ids
            else None
        )

    def __contains__(self, order_id: object) -> bool:
        return order_id in self.ids

    def __bool__(self) -> bool:
        return bool(self.ids)

    def mentions(self, value: Any) -> bool:
        """True when a value (text, or any JSON-like data) names one of the hidden orders."""
        if self._pattern is None or value is None:
            return False
        text = value if isinstance(value, str) else json.dumps(value, default=str)
        return self._pattern.search(text) is not None

    def details(self, details: dict[str, Any]) -> dict[str, Any]:
        """Details (of a custody event) with every value that names a hidden order withheld."""
        return {k: WITHHELD if self.mentions(v) else v for k, v in details.items()}

    def text(self, text: str) -> str:
        """A text (a notice) with every hidden order's id replaced by ``(a confidential order)``."""
        return self._pattern.sub("(a confidential order)", text) if self._pattern else text

    def redact(self, value: Any) -> Any:
        """JSON-like data (a message body) with every hidden order's id replaced, deeply."""
        if not self:
            return value
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {k: self.redact(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.redact(v) for v in value]
        return value

    def audit_entry(self, entry: dict[str, Any]) -> dict[str, Any]:
        """An audit entry as the reader may see it: about a hidden order, only who and when."""
        if not (self.mentions(entry.get("object")) or self.mentions(entry.get("details"))):
            return entry
        return {**entry, "object": WITHHELD, "details": {}}


def hidden_orders(conn: Connection, who: Principal) -> Hidden:
    """The confidential orders the user may not see, inside the caller's transaction."""
    rows = conn.execute(
        select(schema.orders.c.id, schema.orders.c.confidential, schema.orders.c.created_by).where(
            schema.orders.c.confidential.is_not(None)
        )
    ).all()
    return Hidden(
        r.id
        for r in rows
        if not may_see_order(who, confidential=r.confidential, created_by=r.created_by)
    )
