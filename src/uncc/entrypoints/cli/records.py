"""The node's own objects as the records the API sends (:mod:`uncc.client.models`).

The local desk answers with these, so that a command prints the same from the
services as from the API.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from uncc.client import models as m

if TYPE_CHECKING:
    import datetime as dt

    from uncc.domain.evidence import EvidenceItem
    from uncc.domain.orders import Order
    from uncc.services.cases import Case
    from uncc.services.network.conversations import Conversation
    from uncc.services.proceeds import PropertyItem
    from uncc.services.protection import ProtectedPerson


def order_record(order: Order) -> m.Order:
    """An order as the API shows it."""
    return m.Order(
        id=order.id,
        case=order.case_id,
        power=order.power,
        state=order.state.value,
        offences=list(order.offences),
        targets=[m.Target(id=t.id, kind=t.kind, location=t.location) for t in order.targets],
        requires_authorisation=order.requires_authorisation,
        confidential=order.confidential,
        issued_at=order.issued_at,
        expires_at=order.expires_at,
        renewals=order.renewals,
        request=order.request_id,
        history=[
            m.OrderMove(
                command=e.command.value, to=e.to_state.value, actor=e.actor, at=e.at, note=e.note
            )
            for e in order.history
        ],
    )


def case_record(case: Case) -> m.Case:
    """A case as the API shows it."""
    return m.Case(
        id=case.id,
        title=case.title,
        status=case.status,
        created_by=case.created_by,
        facts=case.facts,
        analysis=case.analysis,
    )


def item_record(item: EvidenceItem) -> m.EvidenceItem:
    """An evidence item as the API lists it."""
    return m.EvidenceItem(
        id=item.id,
        case=item.case_id,
        filename=item.filename,
        size=item.size,
        sha256=item.sha256,
        sealed=item.sealed,
    )


def property_record(item: PropertyItem) -> m.PropertyItem:
    """A property item as the API shows it."""
    return m.PropertyItem(
        id=item.id,
        account=item.account,
        location=item.location,
        assessed=str(item.assessed),
        held=None if item.held is None else str(item.held),
        kind=item.kind,
        derived_from=item.derived_from,
        model=item.model,
        basis=item.basis,
        status=item.status,
    )


def person_record(person: ProtectedPerson) -> m.ProtectedPerson:
    """A protected person, by pseudonym, as the API shows it."""
    return m.ProtectedPerson(
        id=person.id,
        pseudonym=person.pseudonym,
        kind=person.kind.value,
        provision=person.provision,
        views=person.views,
        claims=person.claims,
        measures=person.measures,
    )


def request_record(c: Conversation, now: dt.datetime) -> m.Request:
    """A request as the API shows it, with what is late at ``now``."""
    return m.Request(
        id=c.id,
        peer=c.peer,
        direction=c.direction,
        kind=c.kind,
        urgency=c.urgency,
        reference=c.reference,
        status=c.status,
        case=c.case_id,
        order=c.order_id,
        orders=list(c.drafted),
        acknowledge_by=c.acknowledge_by,
        answer_by=c.answer_by,
        acknowledged_at=c.acknowledged_at,
        answered_at=c.answered_at,
        late=list(c.late(now)),
        thread=[m.ThreadMessage.model_validate(t) for t in c.thread],
    )
