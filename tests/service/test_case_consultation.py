"""A deconfliction hit tells the case which other State investigates (Art. 40(5))."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert

from tests.service.conftest import Node, facts
from uncc.adapters.db import schema
from uncc.services import cases


def _jurisdiction(node: Node, case_id: str) -> dict[str, object]:
    case = cases.get_case(node.ctx, node.ivan, case_id)
    return next(j for j in case.analysis["jurisdiction"] if j["state"] == "XA")


def test_a_hit_moves_the_state_from_consult_if_investigating_to_consult(node: Node) -> None:
    case = cases.open_case(node.ctx, node.ivan, facts("insider-company"))
    before = _jurisdiction(node, case.id)
    assert before["consult"] == []
    assert before["consult_if_investigating"] == ["XB"]
    with node.ctx.engine.begin() as conn:
        conn.execute(
            insert(schema.hits).values(
                case_id=case.id,
                state="XB",
                kind="ip",
                tag="ab" * 32,
                conversation="c" * 36,
                at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
            )
        )
    after = _jurisdiction(node, case.id)
    assert after["consult"] == ["XB"]
    assert after["consult_if_investigating"] == []
    # the analysis kept with the case is not rewritten
    stored = cases.known_investigations(case.analysis, set())
    assert stored == case.analysis


def test_a_hit_of_the_node_own_state_is_not_a_consultation() -> None:
    analysis = {
        "jurisdiction": [
            {
                "state": "XA",
                "grounds": [{"id": "art_40__para_1__point_a", "adopted": True}],
                "consult": [],
                "consult_if_investigating": ["XB"],
            },
            {
                "state": "XC",
                "grounds": [{"id": "art_40__para_4", "adopted": True}],
                "consult": [],
                "consult_if_investigating": [],
            },
        ]
    }
    seen = cases.known_investigations(analysis, {"XA", "XC"})
    xa, xc = seen["jurisdiction"]
    assert xa["consult"] == ["XC"]
    assert xa["consult_if_investigating"] == ["XB"]
    assert xc["consult"] == []  # exercises only Art. 40(4): no duty under 40(5)
