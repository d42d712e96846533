"""The node's tables (SQLAlchemy Core). The Alembic migrations create exactly these.

The tables live in one module per area; every one is importable from here
(`from uncc.adapters.db import schema`; `schema.cases`).
"""

from __future__ import annotations

from uncc.adapters.db.schema.base import metadata
from uncc.adapters.db.schema.case_tables import (
    case_notes,
    cases,
    checkpoints,
    custody,
    evidence,
    order_events,
    orders,
    property_items,
    protected,
)
from uncc.adapters.db.schema.jit_tables import (
    jit_entries,
    jit_pending,
    jit_signatures,
    jit_teams,
)
from uncc.adapters.db.schema.network_tables import (
    conversations,
    custody_witnesses,
    deconfliction_keys,
    experts,
    fetch_nonces,
    filters,
    hits,
    hub_rotations,
    inbox,
    members,
    network,
    network_counters,
    outbox,
    selectors,
    thread,
    witness_conflicts,
    witnessed,
)
from uncc.adapters.db.schema.node_tables import (
    audit,
    counters,
    login_throttle,
    node,
    node_keys,
    notices,
    notification_reads,
    notifications,
    role_grants,
    tokens,
    users,
)

__all__ = [
    "audit",
    "case_notes",
    "cases",
    "checkpoints",
    "conversations",
    "counters",
    "custody",
    "custody_witnesses",
    "deconfliction_keys",
    "evidence",
    "experts",
    "fetch_nonces",
    "filters",
    "hits",
    "hub_rotations",
    "inbox",
    "jit_entries",
    "jit_pending",
    "jit_signatures",
    "jit_teams",
    "login_throttle",
    "members",
    "metadata",
    "network",
    "network_counters",
    "node",
    "node_keys",
    "notices",
    "notification_reads",
    "notifications",
    "order_events",
    "orders",
    "outbox",
    "property_items",
    "protected",
    "role_grants",
    "selectors",
    "thread",
    "tokens",
    "users",
    "witness_conflicts",
    "witnessed",
]
