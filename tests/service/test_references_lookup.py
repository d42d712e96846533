"""Ids carry the State code; records made before that are still found by both forms."""

from __future__ import annotations

from sqlalchemy import update

from tests.service.conftest import Node, facts
from uncc.adapters.db import schema
from uncc.services import cases


def test_new_ids_carry_the_state_code_and_old_ids_are_found_by_both_forms(node: Node) -> None:
    first = cases.open_case(node.ctx, node.ivan, facts("insider-company"))
    assert first.id.startswith("XA-C-")
    second = cases.open_case(node.ctx, node.ivan, facts("insider-company"))
    old = second.id.removeprefix("XA-")  # as a node stored it before ids carried the code
    with node.ctx.engine.begin() as conn:
        conn.execute(update(schema.cases).where(schema.cases.c.id == second.id).values(id=old))
    assert cases.get_case(node.ctx, node.ivan, old).id == old
    assert cases.get_case(node.ctx, node.ivan, f"XA-{old}").id == old
    assert cases.get_case(node.ctx, node.ivan, first.id.removeprefix("XA-")).id == first.id
    third = cases.open_case(node.ctx, node.ivan, facts("insider-company"))
    assert third.id.endswith("-0003")  # numbering goes on from the old counter
