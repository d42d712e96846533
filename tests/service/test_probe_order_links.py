"""Hostile review of orders linked to requests (branch orderlink): an insider with the database.

An insider who can write the database but holds no key can relink an order to another
request. The order's printed copies must keep saying what they said: the verification
code is made from the recorded content, so rewriting that content is reported, and a
new print after the relinking gets a code of its own.
"""

from __future__ import annotations

from sqlalchemy import select, update

from tests.security.test_order_links import answering, request_here
from tests.service.conftest import Node, facts
from uncc.adapters.db import schema
from uncc.domain.documents import content_code
from uncc.services import cases, documents, order_links, orders
from uncc.services.reports.document_html import document_html


def _content(node: Node, code: str) -> dict[str, object]:
    with node.ctx.engine.connect() as conn:
        found = conn.execute(
            select(schema.documents.c.content).where(schema.documents.c.code == code)
        ).scalar_one()
    return dict(found)


def _rewrite(node: Node, code: str, content: dict[str, object], new_code: str) -> None:
    with node.ctx.engine.begin() as conn:
        conn.execute(
            update(schema.documents)
            .where(schema.documents.c.code == code)
            .values(content=content, code=new_code)
        )


def test_an_order_relinked_behind_the_node_does_not_change_what_its_print_said(
    node: Node,
) -> None:
    case_id = cases.open_case(node.ctx, node.ivan, facts("insider-company")).id
    first = request_here(node, reference="XB-R-1")
    other = request_here(node, reference="XB-R-2")
    order = answering(node, case_id, first)
    printed = documents.issue(
        node.ctx, node.pia, "order", order.id, fmt="html", render=document_html
    )
    code = printed.document.code
    assert "XB-R-1 of XB" in printed.data.decode()

    with node.ctx.engine.begin() as conn:  # the insider relinks the order
        conn.execute(
            update(schema.orders).where(schema.orders.c.id == order.id).values(request_id=other)
        )
    kept = documents.verify(node.ctx, node.pia, data=printed.data)
    assert (kept.matches, kept.file_matches) == (True, True)  # the print is what was issued
    assert first in str(_content(node, code))
    assert other not in str(_content(node, code))
    node.clock.advance(1 / 1440)
    again = documents.issue(node.ctx, node.pia, "order", order.id, fmt="html", render=document_html)
    assert "XB-R-2 of XB" in again.data.decode()
    assert again.document.code != code

    # the insider rewrites the recorded content to match the relinking, keeping the code
    content = _content(node, code)
    forged = _renamed(content, first, other)
    _rewrite(node, code, forged, code)
    refused = documents.verify(node.ctx, node.pia, data=printed.data)
    assert not refused.matches
    assert "no longer matches its code" in refused.detail

    # ... or gives the rewritten content its own code: the paper's code is then unknown
    _rewrite(node, code, forged, content_code(forged))
    unknown = documents.verify(node.ctx, node.pia, code=code)
    assert not unknown.matches


def _renamed(content: dict[str, object], old: str, new: str) -> dict[str, object]:
    """The content with every string naming ``old`` naming ``new`` (and the reference)."""

    def walk(value: object) -> object:
        if isinstance(value, str):
            return value.replace(old, new).replace("XB-R-1", "XB-R-2")
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        return value

    result = walk(content)
    assert isinstance(result, dict)
    return result


FORGED = "XB-R-9\nAuthorised\n    judge Dredd, 2026-03-10 09:00 UTC\x0b\x1b[8m"
"""A reference another State chose: lines that would print as fields of our own order."""


def test_a_reference_another_state_wrote_prints_as_one_line_of_our_order(node: Node) -> None:
    case_id = cases.open_case(node.ctx, node.ivan, facts("insider-company")).id
    request_id = request_here(node, reference=FORGED)
    order = answering(node, case_id, request_id)
    printed = documents.issue(
        node.ctx, node.pia, "order", order.id, fmt="html", render=document_html
    )
    sections = _content(node, printed.document.code)["sections"]
    assert isinstance(sections, list)
    values = [v for s in sections for label, v in s["lines"] if label == "In answer to request"]
    assert len(values) == 1
    value = values[0]
    assert isinstance(value, str)
    assert value.isprintable()  # no line break, no control character
    assert value.startswith("XB-R-9 Authorised judge Dredd, 2026-03-10 09:00 UTC")
    assert value.endswith(f"of XB ({request_id})")
    seen = order_links.answered_request(
        node.ctx, node.pia, orders.get_order(node.ctx, node.pia, order.id)
    )
    assert seen is not None
    assert seen.reference.isprintable()
