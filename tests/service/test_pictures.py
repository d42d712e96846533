"""The pictures on the pages: the case timeline and the custody timeline, parsed as SVG.

Each picture is found in the page, parsed with ``xml.etree`` and checked for the moments
it must show (and, for a reader without need to know, for those it must not).
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.service.conftest import Node, facts
from tests.service.test_node_flow import PRESERVE
from tests.service.test_web import login
from uncc.config import Settings
from uncc.domain.orders import Command
from uncc.entrypoints.api.app import create_app
from uncc.services import cases, evidence, orders
from uncc.services.orders import DraftRequest

NS = {"svg": "http://www.w3.org/2000/svg"}


def svg_of(page: str, ident: str) -> ET.Element:
    """The picture with this id, parsed (it must be well-formed SVG)."""
    found = re.search(rf'<svg [^>]*id="{ident}".*?</svg>', page, re.S)
    assert found, f"no picture {ident}"
    return ET.fromstring(found.group(0))


def moments(svg: ET.Element) -> list[tuple[str, str]]:
    """(kind, label) of every moment drawn, top to bottom."""
    out = []
    for group in svg.iter("{http://www.w3.org/2000/svg}g"):
        kind = group.get("class", "").removeprefix("moment kind-")
        title = group.find("svg:title", NS)
        assert title is not None
        assert title.text
        out.append((kind, title.text))
    return out


@pytest.fixture
def web_case(node: Node) -> Iterator[tuple[TestClient, str, str]]:
    case = cases.open_case(node.ctx, node.ivan, facts("insider-company"))
    order = orders.draft_order(
        node.ctx,
        node.ivan,
        case.id,
        DraftRequest(**{**PRESERVE.__dict__, "offences": ("ict_theft",)}),
    )
    orders.order_command(node.ctx, node.ivan, order.id, Command.SUBMIT)
    orders.order_command(node.ctx, node.jane, order.id, Command.AUTHORISE, "sufficient")
    node.clock.advance(0.1)
    evidence.add_evidence(
        node.ctx,
        node.ivan,
        case.id,
        source=io.BytesIO(b"access log\n"),
        filename="access.log",
        acquisition={"tool": "t", "tool_version": "1", "source": "repo"},
    )
    with TestClient(create_app(Settings(), node.ctx), follow_redirects=False) as client:
        yield client, case.id, order.id


def test_the_case_timeline_shows_acts_orders_and_evidence_in_order(
    web_case: tuple[TestClient, str, str],
) -> None:
    client, case_id, order_id = web_case
    login(client, "jane")
    page = client.get(f"/cases/{case_id}").text
    svg = svg_of(page, "case-timeline")
    title = svg.find("svg:title", NS)
    desc = svg.find("svg:desc", NS)
    assert title is not None
    assert title.text == f"Timeline of case {case_id}"
    assert desc is not None
    assert desc.text
    assert "act (the facts)" in desc.text
    drawn = moments(svg)
    kinds = [k for k, _ in drawn]
    acts = [label for k, label in drawn if k == "act"]
    assert len(acts) == len(facts("insider-company")["acts"])  # type: ignore[arg-type]
    assert f"order {order_id} (preservation) drafted by ivan" in [lb for _, lb in drawn]
    assert f"order {order_id} (preservation) authorised by jane" in [lb for _, lb in drawn]
    assert kinds.index("evidence") > kinds.index("order")  # taken in after the order moved
    assert kinds.index("act") > kinds.index("evidence")  # the facts say May, the clock March
    # the same moments, as a table for screen readers
    assert page.count('<tr class="moment ') == len(drawn)
    # and the analysis in full, not only the offence ids
    assert "The analysis the case was opened from, in full" in page


def test_a_reader_without_need_to_know_does_not_see_the_confidential_order_on_the_timeline(
    web_case: tuple[TestClient, str, str],
) -> None:
    client, case_id, order_id = web_case
    login(client, "aud")
    page = client.get(f"/cases/{case_id}").text
    drawn = moments(svg_of(page, "case-timeline"))
    assert not [label for _, label in drawn if order_id in label]
    assert order_id not in page


def test_the_custody_timeline_on_the_evidence_page(
    node: Node, web_case: tuple[TestClient, str, str]
) -> None:
    client, case_id, _ = web_case
    item = evidence.list_evidence(node.ctx, node.ivan, case_id)[0]
    evidence.set_sealed(node.ctx, node.pia, item.id, sealed=True, note="pending")
    login(client, "jane")
    drawn = moments(svg_of(client.get(f"/evidence/{item.id}").text, "custody-timeline"))
    assert [k for k, _ in drawn] == ["custody", "seal"]
    assert drawn[0][1] == "#0 taken into the vault by ivan"
    assert drawn[1][1] == "#1 sealed (Art. 46(3)(d)) by pia (pending)"


def test_a_long_timeline_draws_the_newest_and_says_so() -> None:
    import datetime as dt  # noqa: PLC0415

    from uncc.services.reports.pictures import MAX_DRAWN, Moment, timeline_svg  # noqa: PLC0415

    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    many = [
        Moment(start + dt.timedelta(hours=i), "message", f"message {i}")
        for i in range(MAX_DRAWN + 5)
    ]
    svg = ET.fromstring(timeline_svg(many, ident="t", title="Long"))
    drawn = moments(svg)
    assert len(drawn) == MAX_DRAWN
    assert drawn[0] == ("message", "message 5")
    desc = svg.find("svg:desc", NS)
    assert desc is not None
    assert "The 5 earliest are not drawn" in (desc.text or "")
