"""Attack tests of the order rules the node reads from the law: refused, and nothing stored.

A prosecutor who renews past the State's limit, an insider who edits an order's period
in the database before issuing it, an investigator who asks for real-time collection
for an offence outside the State's reserved list; and the same order under two
profiles of the node, with two outcomes.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select, update

from tests.service.conftest import Node, facts
from uncc.adapters.db import schema
from uncc.domain.orders import Command, OrderState, Target
from uncc.errors import RuleViolation
from uncc.services import cases, orders
from uncc.services.orders import DraftRequest

REALTIME = DraftRequest(
    power="realtime_traffic_collection",
    offences=("ict_theft",),
    targets=(Target("engineer-line", "communication", "XA"),),
    grounds="the engineer still reaches the repository from his home line",
    scope="traffic data of the engineer's home line",
    necessity="the designs are still being copied",
    proportionality="one line, traffic data only",
    duration_days=30,
)


def footprint(node: Node) -> dict[str, Any]:
    """What the node stores about orders: rows, events and the orders' fields."""
    with node.ctx.engine.connect() as conn:
        rows = conn.execute(
            select(
                schema.orders.c.id,
                schema.orders.c.state,
                schema.orders.c.renewals,
                schema.orders.c.expires_at,
                schema.orders.c.duration_days,
            ).order_by(schema.orders.c.id)
        ).all()
        events = conn.execute(select(func.count()).select_from(schema.order_events)).scalar()
    return {"orders": [tuple(r) for r in rows], "events": events}


def refusals(node: Node) -> list[str]:
    with node.ctx.engine.connect() as conn:
        details = conn.execute(
            select(schema.audit.c.details).where(schema.audit.c.outcome == "refused")
        ).scalars()
        return [d.get("provision", "") for d in details]


def set_profile(node: Node, **changes: object) -> None:
    """The node's profile with changes (as a re-initialised node of that State would have)."""
    with node.ctx.engine.begin() as conn:
        profile = conn.execute(select(schema.node.c.profile)).scalar_one()
        conn.execute(update(schema.node).values(profile={**profile, **changes}))


def authorised(node: Node, case_id: str, request: DraftRequest = REALTIME) -> str:
    order = orders.draft_order(node.ctx, node.ivan, case_id, request)
    orders.order_command(node.ctx, node.ivan, order.id, Command.SUBMIT)
    orders.order_command(node.ctx, node.jane, order.id, Command.AUTHORISE, "necessary")
    return order.id


def test_renewing_beyond_the_states_limit_is_refused_and_nothing_stored(node: Node) -> None:
    """Northland's profile is silent on real-time collection: the baseline's two renewals."""
    case_id = cases.open_case(node.ctx, node.ivan, facts("insider-company")).id
    order_id = authorised(node, case_id)
    issued = orders.order_command(node.ctx, node.pia, order_id, Command.ISSUE)
    assert issued.expires_at is not None
    for _ in range(2):
        node.clock.advance(25)
        orders.order_command(node.ctx, node.pia, order_id, Command.RENEW)
    before = footprint(node)
    node.clock.advance(25)
    with pytest.raises(RuleViolation, match="renewed at most 2 times") as info:
        orders.order_command(node.ctx, node.pia, order_id, Command.RENEW)
    assert info.value.provision == "art_42__para_2"
    assert footprint(node) == before
    assert refusals(node)[-1] == "art_42__para_2"


def test_an_insider_who_lengthens_the_period_in_the_database_cannot_issue(node: Node) -> None:
    case_id = cases.open_case(node.ctx, node.ivan, facts("insider-company")).id
    order_id = authorised(node, case_id)
    with node.ctx.engine.begin() as conn:  # the insider edits the row after the judge
        conn.execute(
            update(schema.orders).where(schema.orders.c.id == order_id).values(duration_days=365)
        )
    before = footprint(node)
    with pytest.raises(RuleViolation, match="at most 60 days") as info:
        orders.order_command(node.ctx, node.pia, order_id, Command.ISSUE)
    assert info.value.provision == "art_42__para_2"
    assert footprint(node) == before
    assert orders.get_order(node.ctx, node.pia, order_id).state is OrderState.AUTHORISED


def test_same_order_two_profiles_two_outcomes(node: Node) -> None:
    """Allowed under Northland's profile; refused once Northland reserves Art. 47 to a
    list without the offence (Art. 41(3)(a)), with nothing stored; 90 days refused under
    the baseline's 60 and allowed once the State's law says 90."""
    case_id = cases.open_case(node.ctx, node.ivan, facts("insider-company")).id
    first = orders.draft_order(node.ctx, node.ivan, case_id, REALTIME)
    assert first.requires_authorisation
    set_profile(
        node,
        options=["art_41.realtime_offence_list", "art_43.renewal"],
        realtime_offences=["computer_fraud", "system_interference"],
    )
    before = footprint(node)
    with pytest.raises(RuleViolation, match="reserved this power") as info:
        orders.draft_order(node.ctx, node.ivan, case_id, REALTIME)
    assert info.value.provision == "art_41__para_3__point_a"
    assert footprint(node) == before
    assert refusals(node) == ["art_41__para_3__point_a"]
    set_profile(node, options=[], realtime_offences=None)
    long = DraftRequest(**{**REALTIME.__dict__, "duration_days": 90})
    with pytest.raises(RuleViolation, match="at most 60 days"):
        orders.draft_order(node.ctx, node.ivan, case_id, long)
    set_profile(node, orders={"realtime_traffic_collection": {"max_days": 90, "max_renewals": 0}})
    assert orders.draft_order(node.ctx, node.ivan, case_id, long).duration_days == 90


def test_the_order_page_says_what_the_law_allows(node: Node) -> None:
    from fastapi.testclient import TestClient  # noqa: PLC0415

    from tests.service.conftest import PASSWORD  # noqa: PLC0415
    from uncc.config import Settings  # noqa: PLC0415
    from uncc.entrypoints.api.app import create_app  # noqa: PLC0415

    case_id = cases.open_case(node.ctx, node.ivan, facts("insider-company")).id
    order = orders.draft_order(node.ctx, node.ivan, case_id, REALTIME)
    with TestClient(create_app(Settings(), node.ctx)) as client:
        client.post("/login", data={"user": "ivan", "password": PASSWORD})
        page = client.get(f"/orders/{order.id}").text
    assert "at most 60 days under the baseline" in page
    assert "renewed at most 2 times" in page
