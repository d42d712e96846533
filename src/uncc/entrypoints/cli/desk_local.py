"""The work commands on the node itself: the services, on its database and files.

Each answer is turned into the same record (:mod:`uncc.client.models`) the API gives
(:mod:`uncc.entrypoints.cli.records`), so a command prints the same whether it ran
here or through ``--node``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from uncc.client import models as m
from uncc.entrypoints.cli import session
from uncc.entrypoints.cli.desk import AuditFilter, Derived, Draft, Ledger, Person
from uncc.entrypoints.cli.desk_local_evidence import LocalEvidence
from uncc.entrypoints.cli.records import (
    case_record,
    order_record,
    person_record,
    property_record,
    request_record,
)

if TYPE_CHECKING:
    from uncc.services.audit_search import AuditQuery
    from uncc.services.context import NodeContext, Principal


def context() -> NodeContext:
    """The local node (:func:`uncc.entrypoints.cli.session.context`, looked up at each call)."""
    return session.context()


def principal() -> Principal:
    """The logged-in user (:func:`uncc.entrypoints.cli.session.principal`, at each call)."""
    return session.principal()


class LocalDesk(LocalEvidence):
    """A :class:`~uncc.entrypoints.cli.desk.Desk` on the node's own database and files."""

    def node(self) -> NodeContext:
        """The local node, looked up at each call."""
        return context()

    def user(self) -> Principal:
        """The logged-in user, looked up at each call."""
        return principal()

    def roles(self) -> frozenset[str]:
        """The logged-in user's roles."""
        return frozenset(r.value for r in principal().roles)

    def cases(self) -> list[m.CaseSummary]:
        """Every case."""
        from uncc.services import cases  # noqa: PLC0415 - SQLAlchemy loads only when needed

        return [
            m.CaseSummary(id=i, title=t, status=s)
            for i, t, s in cases.list_cases(context(), principal())
        ]

    def open_case(self, facts: dict[str, Any], title: str | None) -> m.Case:
        """Open a case."""
        from uncc.services import cases  # noqa: PLC0415

        return case_record(cases.open_case(context(), principal(), facts, title))

    def case(self, case_id: str) -> m.Case:
        """One case."""
        from uncc.services import cases  # noqa: PLC0415

        return case_record(cases.get_case(context(), principal(), case_id))

    def notes(self, case_id: str) -> list[m.CaseNote]:
        """A case's notes."""
        from uncc.services import cases  # noqa: PLC0415

        return [
            m.CaseNote(author=n.author, at=n.at, text=n.text)
            for n in cases.list_notes(context(), principal(), case_id)
        ]

    def add_note(self, case_id: str, text: str) -> None:
        """Add a note."""
        from uncc.services import cases  # noqa: PLC0415

        cases.add_note(context(), principal(), case_id, text)

    def export_case(self, case_id: str) -> dict[str, Any]:
        """CASE/UCO JSON-LD."""
        from uncc.services.case_export import export_case  # noqa: PLC0415

        return export_case(context(), principal(), case_id)

    def orders(self, case_id: str | None, request_id: str | None = None) -> list[m.Order]:
        """Orders the user may see."""
        from uncc.services import orders  # noqa: PLC0415

        found = orders.list_orders(context(), principal(), case_id, request_id)
        return [order_record(o) for o in found]

    def order(self, order_id: str) -> m.Order:
        """One order."""
        from uncc.services import orders  # noqa: PLC0415

        return order_record(orders.get_order(context(), principal(), order_id))

    def draft_order(self, case_id: str, draft: Draft) -> m.Order:
        """Draft an order."""
        from uncc.domain.orders import Target  # noqa: PLC0415
        from uncc.services import orders  # noqa: PLC0415
        from uncc.services.orders import DraftRequest  # noqa: PLC0415

        request = DraftRequest(
            draft.power,
            tuple(draft.offences),
            tuple(Target(t.id, t.kind, t.location) for t in draft.targets),
            draft.grounds,
            draft.scope,
            draft.necessity,
            draft.proportionality,
            draft.days,
            draft.request,
        )
        return order_record(orders.draft_order(context(), principal(), case_id, request))

    def move_order(self, order_id: str, command: str, note: str) -> m.Order:
        """Move an order."""
        from uncc.domain.orders import Command  # noqa: PLC0415
        from uncc.services import orders  # noqa: PLC0415

        moved = orders.order_command(context(), principal(), order_id, Command(command), note)
        return order_record(moved)

    def notices(self) -> list[m.Notice]:
        """Notices."""
        from uncc.services import orders  # noqa: PLC0415

        return [m.Notice(at=at, text=text) for at, text in orders.notices(context(), principal())]

    def audit(self, limit: int) -> list[m.AuditEntry]:
        """Audit entries."""
        from uncc.services import cases  # noqa: PLC0415

        return [
            m.AuditEntry.model_validate(e) for e in cases.audit_trail(context(), principal(), limit)
        ]

    def audit_page(self, where: AuditFilter, limit: int) -> tuple[list[m.AuditEntry], int]:
        """Matching audit entries, newest first."""
        from uncc.services import audit_trail  # noqa: PLC0415

        found = audit_trail.browse(context(), principal(), _query(where), limit=limit)
        return [m.AuditEntry.model_validate(e) for e in found.entries], found.total

    def audit_export(self, where: AuditFilter, fmt: str) -> Iterable[str]:
        """The export, audited."""
        from uncc.services import audit_trail  # noqa: PLC0415

        return audit_trail.export(context(), principal(), _query(where), fmt)

    def notifications(self, *, unread: bool, limit: int) -> list[m.Notification]:
        """The user's notifications."""
        from uncc.services import notifications  # noqa: PLC0415

        found = notifications.listed(context(), principal(), unread=unread, limit=limit)
        return [m.Notification.model_validate(vars(n)) for n in found]

    def protected(self, case_id: str) -> list[m.ProtectedPerson]:
        """Protected persons."""
        from uncc.services import protection  # noqa: PLC0415

        return [
            person_record(p) for p in protection.list_protected(context(), principal(), case_id)
        ]

    def property(self, case_id: str) -> list[m.PropertyItem]:
        """Property items."""
        from uncc.services import proceeds  # noqa: PLC0415

        return [property_record(i) for i in proceeds.list_property(context(), principal(), case_id)]

    def register_traced(
        self, case_id: str, ledger: Ledger
    ) -> tuple[list[m.PropertyItem], list[str]]:
        """Trace and register, here."""
        from uncc.domain.tracing import Model  # noqa: PLC0415
        from uncc.services import proceeds  # noqa: PLC0415

        items, notes = proceeds.register_traced(
            context(),
            principal(),
            case_id,
            transfers=ledger.transfers,
            model=Model(ledger.model),
            basis=ledger.basis,
            locations=ledger.locations,
        )
        return [property_record(i) for i in items], notes

    def register_derived(self, case_id: str, derived: Derived) -> m.PropertyItem:
        """Register derived property."""
        from uncc.services import proceeds  # noqa: PLC0415

        derivation = proceeds.Derivation(
            derived.kind, derived.item_id, derived.description, derived.value, derived.location
        )
        return property_record(
            proceeds.register_derived(context(), principal(), case_id, derivation)
        )

    def add_protected(self, case_id: str, person: Person) -> m.ProtectedPerson:
        """Record a protected person (identity encrypted here)."""
        from uncc.services import protection  # noqa: PLC0415

        added = protection.add_protected(
            context(),
            principal(),
            case_id,
            kind=protection.ProtectedKind(person.kind),
            identity={"name": person.name, "whereabouts": person.whereabouts},
            views=person.views,
            claims=[{"claim": c} for c in person.claims],
            measures=person.measures,
        )
        return person_record(added)

    def disclose(self, person_id: str, reason: str) -> dict[str, str]:
        """Disclose an identity."""
        from uncc.services import protection  # noqa: PLC0415

        return protection.disclose(context(), principal(), person_id, reason)

    def requests(self, direction: str | None) -> list[m.Request]:
        """Cross-border requests."""
        from uncc.services.network import requests  # noqa: PLC0415

        ctx = context()
        now = ctx.clock()
        return [
            request_record(c, now) for c in requests.list_conversations(ctx, principal(), direction)
        ]

    def request(self, request_id: str) -> m.Request:
        """One request."""
        from uncc.services.network import requests  # noqa: PLC0415

        ctx = context()
        return request_record(requests.get_conversation(ctx, principal(), request_id), ctx.clock())

    def users(self) -> list[m.Account]:
        """Every user."""
        from uncc.services import accounts  # noqa: PLC0415

        return [
            m.Account(
                user=a.user,
                roles=list(a.roles),
                active=a.active,
                second_factor=a.second_factor,
                created_at=a.created_at,
                awaiting=list(a.pending),
            )
            for a in accounts.list_users(context(), principal())
        ]

    def add_user(self, user: str, roles: list[str], password: str) -> list[m.Grant]:
        """Add a user."""
        from uncc.domain.policy import Role  # noqa: PLC0415
        from uncc.services import accounts  # noqa: PLC0415

        wanted = {Role(r) for r in roles}
        grants = accounts.add_user(context(), principal(), user, wanted, password)
        return [m.Grant.model_validate(g.__dict__) for g in grants]

    def decide_grant(self, grant_id: str, *, approve: bool) -> m.Grant:
        """Decide a grant."""
        from uncc.services import accounts  # noqa: PLC0415

        done = accounts.decide_grant(context(), principal(), grant_id, approve=approve)
        return m.Grant.model_validate(done.__dict__)


def _query(where: AuditFilter) -> AuditQuery:
    from uncc.services.audit_search import AuditQuery  # noqa: PLC0415

    return AuditQuery(where.actor, where.action, where.object, where.since, where.until)
