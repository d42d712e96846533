"""Work queues and notifications: who is told what, need to know, read state, e-mail (SMTP)."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from tests.service.conftest import Node, facts
from uncc.adapters.db import schema
from uncc.domain.orders import Command, Target
from uncc.errors import NotFoundError, UserInputError
from uncc.services import cases, notifications, orders, preferences, work_queue
from uncc.services.context import Principal
from uncc.services.orders import DraftRequest

PRODUCTION = DraftRequest(
    "production_of_data", ("ict_theft",), (Target("designs", "data", "XB"),), "g", "s", "n", "p"
)
PRESERVATION = DraftRequest(
    "preservation", ("ict_theft",), (Target("logs", "data", "XB"),), "g", "s", "n", "p", 90
)


def _texts(node: Node, who: Principal, *, unread: bool = False) -> list[str]:
    return [n.text for n in notifications.listed(node.ctx, who, unread=unread)]


def _moves(node: Node, who: Principal) -> list[str]:
    return [f"{t.move} {t.link}" for t in work_queue.tasks(node.ctx, who)]


def test_each_move_of_an_order_tells_the_role_that_acts_next_and_the_author(node: Node) -> None:
    case = cases.open_case(node.ctx, node.ivan, facts("insider-company")).id
    order = orders.draft_order(node.ctx, node.ivan, case, PRODUCTION)
    assert _texts(node, node.jane) == []

    orders.order_command(node.ctx, node.ivan, order.id, Command.SUBMIT)
    assert _texts(node, node.jane) == [
        f"order {order.id} (production of data) awaits authorisation"
    ]
    assert _moves(node, node.jane) == [f"authorise /orders/{order.id}"]
    assert _moves(node, node.pia) == []

    orders.order_command(node.ctx, node.jane, order.id, Command.AUTHORISE, "lawful")
    assert _texts(node, node.pia) == [
        f"order {order.id} (production of data) was authorised: to issue"
    ]
    assert _moves(node, node.pia) == [f"issue /orders/{order.id}"]
    assert _moves(node, node.jane) == []
    assert _texts(node, node.ivan) == [f"order {order.id} (production of data) was authorised"]

    orders.order_command(node.ctx, node.pia, order.id, Command.ISSUE, "issued")
    assert _texts(node, node.ivan)[0] == f"order {order.id} (production of data) was issued"
    assert _moves(node, node.pia) == []
    assert [n.link for n in notifications.listed(node.ctx, node.ivan)] == [
        f"/orders/{order.id}"
    ] * 2


def test_a_refused_move_tells_nobody(node: Node) -> None:
    case = cases.open_case(node.ctx, node.ivan, facts("insider-company")).id
    order = orders.draft_order(node.ctx, node.ivan, case, PRODUCTION)
    with pytest.raises(Exception, match="may not"):
        orders.order_command(node.ctx, node.ivan, order.id, Command.AUTHORISE, "self-serve")
    assert _texts(node, node.ivan) == []
    assert _texts(node, node.pia) == []


def test_read_state_is_per_user_for_a_role_and_only_ones_own_can_be_marked(node: Node) -> None:
    case = cases.open_case(node.ctx, node.ivan, facts("insider-company")).id
    order = orders.draft_order(node.ctx, node.ivan, case, PRODUCTION)
    orders.order_command(node.ctx, node.ivan, order.id, Command.SUBMIT)
    (mine,) = notifications.listed(node.ctx, node.jane)
    other_judge = Principal("jim", node.jane.roles)
    assert notifications.mark_read(node.ctx, node.jane) == 1
    assert _texts(node, node.jane, unread=True) == []
    assert len(_texts(node, other_judge, unread=True)) == 1  # the role's other judge: still unread
    assert notifications.mark_read(node.ctx, node.jane, [mine.id]) == 0  # already read

    # attack: another user's notification (the prosecutor marks the judge's one) is refused
    with pytest.raises(NotFoundError, match="id: no notification"):
        notifications.mark_read(node.ctx, node.pia, [mine.id])
    with node.ctx.engine.connect() as conn:
        reads = conn.execute(select(func.count()).select_from(schema.notification_reads))
        assert reads.scalar_one() == 1  # nothing stored for the prosecutor
    assert notifications.listed(node.ctx, node.pia) == []


def test_a_confidential_order_is_not_notified_to_those_without_need_to_know(node: Node) -> None:
    case = cases.open_case(node.ctx, node.ivan, facts("insider-company")).id
    order = orders.draft_order(node.ctx, node.pia, case, PRESERVATION)
    assert order.confidential
    orders.order_command(node.ctx, node.pia, order.id, Command.SUBMIT)
    orders.order_command(node.ctx, node.jane, order.id, Command.AUTHORISE, "lawful")
    assert any(order.id in t for t in _texts(node, node.pia))
    # attack: an insider with the database addresses a notification about the order to the
    # investigator; neither they, the auditor nor the contact point (no need to know) see it
    with node.ctx.engine.begin() as conn:
        conn.execute(
            schema.notifications.insert().values(
                at=node.clock(),
                user_id="ivan",
                role=None,
                kind="order.authorised",
                object=order.id,
                order_id=order.id,
                text=f"order {order.id}",
                link="/",
            )
        )
    for blind in (node.ivan, node.aud, node.cora):
        assert notifications.listed(node.ctx, blind) == []
        assert notifications.unread_count(node.ctx, blind) == 0
        assert all(order.id not in t.text for t in work_queue.tasks(node.ctx, blind))
    with node.ctx.engine.connect() as conn:
        forged = conn.execute(select(func.max(schema.notifications.c.id))).scalar_one()
    with pytest.raises(NotFoundError):
        notifications.mark_read(node.ctx, node.ivan, [forged])


def test_time_zone_and_email_are_checked_naming_the_field(node: Node) -> None:
    with pytest.raises(UserInputError, match="time_zone: 'Mars/Olympus'"):
        preferences.change(node.ctx, node.ivan, time_zone="Mars/Olympus", email="")
    with pytest.raises(UserInputError, match="email: 'nobody'"):
        preferences.change(node.ctx, node.ivan, time_zone="UTC", email="nobody")
    assert preferences.of(node.ctx, "ivan") == preferences.Preferences()  # nothing stored
    mine = preferences.change(node.ctx, node.ivan, time_zone="Asia/Tokyo", email="ivan@xa.example")
    assert preferences.of(node.ctx, "ivan") == mine
    assert mine.local(node.clock()).strftime("%Y-%m-%d %H:%M %Z") == "2026-03-10 18:00 JST"


@dataclass
class Inbox:
    messages: list[email.message.EmailMessage]

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # noqa: N802
        raw = envelope.content  # type: ignore[attr-defined]
        self.messages.append(email.message_from_bytes(raw, policy=email.policy.default))  # type: ignore[arg-type]
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, notifications.Smtp]]:
    inbox = Inbox([])
    with socket.socket() as probe:  # a free port for the local SMTP server
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, notifications.Smtp("127.0.0.1", port, "node@xa.example", base_url="https://xa")
    finally:
        controller.stop()


def test_notifications_are_mailed_once_to_those_with_an_address_and_need_to_know(
    node: Node, smtp: tuple[Inbox, notifications.Smtp]
) -> None:
    inbox, server = smtp
    preferences.change(node.ctx, node.jane, time_zone="UTC", email="jane@xa.example")
    preferences.change(node.ctx, node.ivan, time_zone="UTC", email="ivan@xa.example")
    case = cases.open_case(node.ctx, node.ivan, facts("insider-company")).id
    plain = orders.draft_order(node.ctx, node.ivan, case, PRODUCTION)
    orders.order_command(node.ctx, node.ivan, plain.id, Command.SUBMIT)
    secret = orders.draft_order(node.ctx, node.pia, case, PRESERVATION)
    orders.order_command(node.ctx, node.pia, secret.id, Command.SUBMIT)

    assert (
        notifications.mail_pending(node.ctx, server) == 2
    )  # both to the judge; pia has no address
    assert sorted(m["To"] for m in inbox.messages) == ["jane@xa.example"] * 2
    body = inbox.messages[0].get_content()
    assert f"https://xa/orders/{plain.id}" in body
    assert notifications.mail_pending(node.ctx, server) == 0  # each is mailed once
    assert len(inbox.messages) == 2

    # attack: the investigator's address gets nothing about the confidential order
    orders.order_command(node.ctx, node.jane, secret.id, Command.AUTHORISE, "ok")
    orders.order_command(node.ctx, node.jane, plain.id, Command.AUTHORISE, "ok")
    notifications.mail_pending(node.ctx, server)
    to_ivan = [m for m in inbox.messages if m["To"] == "ivan@xa.example"]
    assert [m["Subject"] for m in to_ivan] == [
        f"uncc: order {plain.id} (production of data) was authorised"
    ]
    assert all(secret.id not in m.get_content() for m in to_ivan)
