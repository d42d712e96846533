"""Cases searched by words in titles, facts and notes; a hidden order is not an oracle."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Text, cast, create_engine, func, literal, or_, select, update

from tests.service.conftest import PASSWORD, Node, facts
from uncc.adapters.db import schema
from uncc.config import Settings
from uncc.domain.orders import Target
from uncc.entrypoints.api.app import create_app
from uncc.entrypoints.web import case_pages
from uncc.errors import UserInputError
from uncc.services import case_search, cases, orders
from uncc.services.context import Principal
from uncc.services.need_to_know import hidden_orders
from uncc.services.orders import DraftRequest


def _ids(node: Node, who: object, words: str) -> list[str]:
    found = case_search.search(node.ctx, who, words=words)  # type: ignore[arg-type]
    return [c.id for c in found.cases]


def test_words_are_found_in_titles_facts_and_notes(node: Node) -> None:
    first = cases.open_case(node.ctx, node.ivan, facts("insider-company"), "Designs copied")
    second = cases.open_case(node.ctx, node.ivan, facts("ransomware-hospital"))
    cases.add_note(node.ctx, node.ivan, second.id, "Spoke to the 100% certain_witness")
    assert _ids(node, node.ivan, "designs COPIED") == [first.id]
    assert _ids(node, node.ivan, "hospital") == [second.id]  # in the facts
    assert _ids(node, node.ivan, "100% certain_w") == [second.id]  # LIKE's wildcards are text
    assert _ids(node, node.ivan, "100%%") == []
    assert _ids(node, node.ivan, "") == [second.id, first.id]
    page = case_search.search(node.ctx, node.ivan, offset=1, limit=1)
    assert ([c.id for c in page.cases], page.total) == ([first.id], 2)
    with pytest.raises(UserInputError, match="status: 'shut'"):
        case_search.search(node.ctx, node.ivan, status="shut")


def test_attack_searching_a_hidden_orders_id_finds_nothing(node: Node) -> None:
    case = cases.open_case(node.ctx, node.ivan, facts("insider-company")).id
    request = DraftRequest(
        "preservation", ("ict_theft",), (Target("logs", "data", "XB"),), "g", "s", "n", "p", 90
    )
    order = orders.draft_order(node.ctx, node.pia, case, request)
    cases.add_note(node.ctx, node.pia, case, f"logs kept under {order.id}")
    assert _ids(node, node.pia, order.id) == [case]  # need to know: found
    for blind in (node.ivan, node.aud, node.cora):
        assert _ids(node, blind, order.id) == []
        assert _ids(node, blind, "logs kept under") == [case]  # the rest of the note is theirs


def test_the_web_list_searches_and_pages(node: Node, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(case_pages, "PAGE", 2)
    for n in range(3):
        cases.open_case(node.ctx, node.ivan, facts("insider-company"), f"case number {n}")
    with TestClient(create_app(Settings(), node.ctx), follow_redirects=False) as client:
        assert client.post("/login", data={"user": "ivan", "password": PASSWORD}).status_code == 303
        first = client.get("/cases?q=case+number")
        assert "3 cases found" in first.text
        assert first.text.count('<tr><td><a href="/cases/') == 2
        assert 'href="/cases?q=case+number&amp;page=2">Next page' in first.text
        second = client.get("/cases?q=case+number&page=2")
        assert second.text.count('<tr><td><a href="/cases/') == 1
        assert "1 case found" in client.get("/cases?q=number+2").text
        assert client.get("/cases?page=0").status_code == 400


def test_orders_are_filtered_and_a_hidden_one_is_neither_listed_nor_counted(node: Node) -> None:
    case = cases.open_case(node.ctx, node.ivan, facts("insider-company")).id
    plain = orders.draft_order(
        node.ctx,
        node.ivan,
        case,
        DraftRequest(
            "production_of_data", ("ict_theft",), (Target("d", "data", "XB"),), "g", "s", "n", "p"
        ),
    )
    secret = orders.draft_order(
        node.ctx,
        node.pia,
        case,
        DraftRequest(
            "preservation", ("ict_theft",), (Target("l", "data", "XB"),), "g", "s", "n", "p", 90
        ),
    )
    with TestClient(create_app(Settings(), node.ctx), follow_redirects=False) as client:
        assert client.post("/login", data={"user": "pia", "password": PASSWORD}).status_code == 303
        assert "2 orders found" in client.get(f"/orders?case={case}").text
        only = client.get("/orders?power=preservation&state=draft").text
        assert "1 order found" in only
        assert secret.id in only
        assert plain.id not in only
        assert client.get("/orders?state=lost").status_code == 400
        client.cookies.clear()
        assert client.post("/login", data={"user": "ivan", "password": PASSWORD}).status_code == 303
        mine = client.get(f"/orders?case={case}").text
        assert "1 order found" in mine  # attack: the hidden order is not counted either
        assert secret.id not in mine
        assert "0 orders found" in client.get("/orders?power=preservation").text


def _reference(
    node: Node, who: Principal, words: str, *, status: str, offset: int, limit: int
) -> tuple[list[str], int]:
    """The search as it was: a count of the matches, then the page by OFFSET and LIMIT."""
    c, notes = schema.cases.c, schema.case_notes.c
    query = select(c.id)
    if status:
        query = query.where(c.status == status)
    with node.ctx.engine.connect() as conn:
        if words.strip():
            pattern = case_search._like(words.strip())  # the same escaping
            hidden = hidden_orders(conn, who)
            noted = {
                r.case_id
                for r in conn.execute(
                    select(notes.case_id, notes.text).where(
                        func.lower(notes.text).like(pattern, escape="\\")
                    )
                )
                if words.strip().lower() in hidden.text(r.text).lower()
            }
            query = query.where(
                or_(
                    func.lower(c.title).like(pattern, escape="\\"),
                    func.lower(cast(c.facts, Text)).like(pattern, escape="\\"),
                    c.id.in_(sorted(noted)),
                )
            )
        total = conn.execute(select(func.count()).select_from(query.subquery())).scalar_one()
        ids = conn.execute(query.order_by(c.id.desc()).offset(offset).limit(limit)).scalars()
        return list(ids), total


WORDS = ["", "case", "CASE 1", "hospital", "witness", "note", "%", "_", "1", "zzz", " ransom"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    words=st.sampled_from(WORDS),
    status=st.sampled_from(["", "open", "closed"]),
    offset=st.integers(0, 8),
    limit=st.integers(1, 6),
)
def test_one_scan_finds_what_count_and_offset_found(
    node: Node, words: str, status: str, offset: int, limit: int
) -> None:
    if not _filled(node):
        examples = ("insider-company", "ransomware-hospital")
        for n in range(7):
            case = cases.open_case(node.ctx, node.ivan, facts(examples[n % 2]), f"case {n}")
            if n % 3 == 0:
                cases.add_note(node.ctx, node.ivan, case.id, f"note {n}: the witness again")
        with node.ctx.engine.begin() as conn:
            conn.execute(
                update(schema.cases).where(schema.cases.c.id.like("%3")).values(status="closed")
            )
    found = case_search.search(
        node.ctx, node.ivan, words=words, status=status, offset=offset, limit=limit
    )
    ids, total = _reference(node, node.ivan, words, status=status, offset=offset, limit=limit)
    assert ([c.id for c in found.cases], found.total) == (ids, total)


def _filled(node: Node) -> bool:
    with node.ctx.engine.connect() as conn:
        return bool(conn.execute(select(func.count()).select_from(schema.cases)).scalar_one())


_SQLITE = create_engine("sqlite://")


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)
    | st.sampled_from(["Hospital", "ÉCOLE", "Straße", "İstanbul", "100% _sure_", "a\\b"]),
    words=st.text(
        alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=4
    )
    | st.sampled_from(["hOSp", "école", "É", "SS", "i", "% _", "\\"]),
)
def test_on_sqlite_like_without_lower_is_the_same_test(text: str, words: str) -> None:
    pattern = case_search._like(words)  # the same escaping and lower case
    with _SQLITE.connect() as conn:
        ours = conn.execute(select(case_search._holds(conn, literal(text), pattern))).scalar()
        lowered = conn.execute(
            select(func.lower(literal(text)).like(pattern, escape="\\"))
        ).scalar()
    assert bool(ours) == bool(lowered)
