"""The work commands against a node's API, through :mod:`uncc.client`."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from functools import cached_property
from typing import Any

from uncc.client import Client
from uncc.client import models as m
from uncc.client.http import Sink
from uncc.entrypoints.cli import remote
from uncc.entrypoints.cli.desk import AuditFilter, Derived, Draft, Intake, Ledger, Person
from uncc.errors import UserInputError


class RemoteDesk:
    """A :class:`~uncc.entrypoints.cli.desk.Desk` that asks the node's API."""

    def __init__(self, client: Client) -> None:
        self.client = client

    @cached_property
    def _me(self) -> dict[str, Any]:
        return self.client.me()

    def roles(self) -> frozenset[str]:
        """The roles the node gives the token's user."""
        return frozenset(str(r) for r in self._me["roles"])

    def cases(self) -> list[m.CaseSummary]:
        """Every case."""
        return self.client.cases()

    def open_case(self, facts: dict[str, Any], title: str | None) -> m.Case:
        """Open a case from incident facts."""
        return self.client.open_case(facts, title)

    def case(self, case_id: str) -> m.Case:
        """One case."""
        return self.client.case(case_id)

    def notes(self, case_id: str) -> list[m.CaseNote]:
        """A case's notes."""
        return self.client.notes(case_id)

    def add_note(self, case_id: str, text: str) -> None:
        """Add a note."""
        self.client.add_note(case_id, text)

    def export_case(self, case_id: str) -> dict[str, Any]:
        """CASE/UCO JSON-LD."""
        return self.client.export_case(case_id)

    def orders(self, case_id: str | None, request_id: str | None = None) -> list[m.Order]:
        """Orders."""
        return self.client.orders(case_id, request_id)

    def order(self, order_id: str) -> m.Order:
        """One order."""
        return self.client.order(order_id)

    def draft_order(self, case_id: str, draft: Draft) -> m.Order:
        """Draft an order."""
        return self.client.draft_order(
            case_id,
            power=draft.power,
            offences=draft.offences,
            targets=draft.targets,
            grounds=draft.grounds,
            scope=draft.scope,
            necessity=draft.necessity,
            proportionality=draft.proportionality,
            duration_days=draft.days,
            request_id=draft.request,
        )

    def move_order(self, order_id: str, command: str, note: str) -> m.Order:
        """Move an order."""
        return self.client.move_order(order_id, command, note)

    def notices(self) -> list[m.Notice]:
        """Notices."""
        return self.client.notices()

    def add_evidence(
        self, case_id: str, intake: Intake, progress: Callable[[int], None]
    ) -> m.Uploaded:
        """Upload in resumable chunks (an interrupted upload resumes when run again)."""
        return self.client.upload_evidence(
            case_id,
            intake.file,
            order_id=intake.order_id,
            acquisition=intake.acquisition,
            progress=progress,
            journal=remote.journal(),
        )

    def evidence(self, case_id: str | None) -> list[m.EvidenceItem]:
        """Evidence items."""
        return self.client.evidence(case_id)

    def seal(self, item_id: str, note: str, *, sealed: bool) -> None:
        """Seal or release."""
        self.client.seal(item_id, note, sealed=sealed)

    def custody(self, item_id: str) -> list[m.CustodyEntry]:
        """Custody with proofs."""
        return self.client.custody(item_id)

    def download(self, item_id: str, sink: Sink) -> str:
        """The item's bytes from the node; the SHA-256 it announced."""
        return self.client.download(item_id, sink)

    def tag(self, item_id: str, tag: str, *, remove: bool) -> m.Review:
        """Tag or untag on the node."""
        return self.client.tag(item_id, tag, remove=remove)

    def annotate(self, item_id: str, text: str) -> m.Review:
        """Annotate on the node."""
        return self.client.annotate(item_id, text)

    def report(self, item_id: str, output_format: str) -> str:
        """The admissibility report, rendered by the node (JSON pretty-printed here)."""
        if output_format == "json":
            data = self.client.admissibility(item_id, "json")
            return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        text: str = self.client.admissibility(item_id, "md" if output_format == "md" else "html")
        return text

    def document(self, kind: str, object_id: str, output_format: str) -> tuple[bytes, str]:
        """The record printed by the node."""
        return self.client.document(kind, object_id, output_format)

    def check_document(self, code: str | None, data: bytes | None) -> m.DocumentCheck:
        """Checked by the node."""
        return self.client.check_document(code=code, data=data)

    def verify(
        self, case_id: str | None, since: str | None, witnesses: bool, full: bool
    ) -> m.VaultReport:
        """Verify the vault on the node."""
        return self.client.verify(case_id, since=since, witnesses=witnesses, full=full)

    def head(self) -> m.Head:
        """The signed tree head."""
        return self.client.head()

    def audit(self, limit: int) -> list[m.AuditEntry]:
        """Audit entries."""
        return self.client.audit(limit)

    def audit_page(self, where: AuditFilter, limit: int) -> tuple[list[m.AuditEntry], int]:
        """Matching audit entries, following the API's pages back from the newest."""
        return self.client.audit_page(limit, **_criteria(where))

    def audit_export(self, where: AuditFilter, fmt: str) -> Iterable[str]:
        """The node's export (audited there, as on the server)."""
        if fmt not in ("csv", "jsonl"):
            raise UserInputError(f"format: {fmt!r}; use csv or jsonl")
        return [self.client.audit_export("csv" if fmt == "csv" else "jsonl", **_criteria(where))]

    def notifications(self, *, unread: bool, limit: int) -> list[m.Notification]:
        """The user's notifications."""
        return self.client.notifications(unread=unread, limit=limit)

    def protected(self, case_id: str) -> list[m.ProtectedPerson]:
        """Protected persons."""
        return self.client.protected(case_id)

    def property(self, case_id: str) -> list[m.PropertyItem]:
        """Property items."""
        return self.client.property(case_id)

    def register_traced(
        self, case_id: str, ledger: Ledger
    ) -> tuple[list[m.PropertyItem], list[str]]:
        """Send the ledger's transfers to the node, which traces and registers them."""
        body = {
            "basis": ledger.basis,
            "model": ledger.model,
            "locations": ledger.locations,
            "transfers": [
                {
                    "id": t.id,
                    "source": t.source,
                    "target": t.target,
                    "amount": str(t.amount),
                    "tainted": t.tainted,
                }
                for t in ledger.transfers
            ],
        }
        return self.client.register_traced(case_id, body)

    def register_derived(self, case_id: str, derived: Derived) -> m.PropertyItem:
        """Register derived property."""
        body = {
            "kind": derived.kind,
            "description": derived.description,
            "value": str(derived.value),
            "location": derived.location,
        }
        return self.client.register_derived(case_id, derived.item_id, body)

    def add_protected(self, case_id: str, person: Person) -> m.ProtectedPerson:
        """Record a protected person."""
        return self.client.add_protected(case_id, person.__dict__)

    def disclose(self, person_id: str, reason: str) -> dict[str, str]:
        """Disclose an identity."""
        return self.client.disclose(person_id, reason)

    def requests(self, direction: str | None) -> list[m.Request]:
        """Cross-border requests."""
        return self.client.requests(direction)

    def request(self, request_id: str) -> m.Request:
        """One request."""
        return self.client.request(request_id)

    def users(self) -> list[m.Account]:
        """Every user."""
        return self.client.users()

    def add_user(self, user: str, roles: list[str], password: str) -> list[m.Grant]:
        """Add a user."""
        return self.client.add_user(user, roles, password)

    def decide_grant(self, grant_id: str, *, approve: bool) -> m.Grant:
        """Decide a grant."""
        return self.client.decide_grant(grant_id, approve=approve)


def _criteria(where: AuditFilter) -> dict[str, str | None]:
    return {
        "actor": where.actor,
        "action": where.action,
        "object": where.object,
        "since": where.since.isoformat() if where.since else None,
        "until": where.until.isoformat() if where.until else None,
    }
