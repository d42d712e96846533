"""One interface for the work commands, on the server or from a workstation.

Each work command (cases, orders, evidence, verify, reports, audit) calls a
:class:`Desk`: :class:`~uncc.entrypoints.cli.desk_local.LocalDesk` runs the services on
the node's own database and files; :class:`~uncc.entrypoints.cli.desk_remote.RemoteDesk`
asks the node's API through :mod:`uncc.client`. Both answer with the client's records
(:mod:`uncc.client.models`), and the commands print only from those, so the output and
the exit codes are the same in both places (``docs/client.md``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from uncc.entrypoints.cli import remote

if TYPE_CHECKING:
    from uncc.client import models as m
    from uncc.client.http import Sink
    from uncc.domain.tracing import Transfer


@dataclass(frozen=True)
class Draft:
    """An order to draft: the power, its legal basis and the Art. 42 fields."""

    power: str
    offences: list[str]
    targets: list[m.Target]
    grounds: str
    scope: str
    necessity: str
    proportionality: str
    days: int | None = None
    request: str | None = None
    """The request received from another State that the order answers."""


@dataclass(frozen=True)
class Intake:
    """A file to ingest and how it was acquired."""

    file: Path
    order_id: str | None
    acquisition: dict[str, str]


@dataclass(frozen=True)
class Ledger:
    """Transfers to trace (as read from a CSV or JSON-lines ledger) and how to assess them."""

    transfers: Iterable[Transfer]
    """Read as they come (a ledger may be large): streamed on the node, sent whole to a remote one."""
    model: str
    basis: str
    locations: dict[str, str]


@dataclass(frozen=True)
class Derived:
    """Property converted from an item (Art. 50(4)) or income derived from it (Art. 50(6))."""

    item_id: str
    kind: str
    description: str
    value: Decimal
    location: str | None


@dataclass(frozen=True)
class Person:
    """A protected person to record; the identity is encrypted at rest."""

    kind: str
    name: str
    whereabouts: str
    views: str
    claims: list[str]
    measures: str


@dataclass(frozen=True)
class AuditFilter:
    """Which audit entries: by actor, action, object, and a time range (bounds included)."""

    actor: str | None = None
    action: str | None = None
    object: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None


class Desk(Protocol):
    """What the work commands do, wherever the node is."""

    def roles(self) -> frozenset[str]:
        """The logged-in user's roles."""

    def cases(self) -> list[m.CaseSummary]:
        """Every case."""

    def open_case(self, facts: dict[str, Any], title: str | None) -> m.Case:
        """Open a case from incident facts."""

    def case(self, case_id: str) -> m.Case:
        """One case with its facts and analysis."""

    def notes(self, case_id: str) -> list[m.CaseNote]:
        """A case's notes."""

    def add_note(self, case_id: str, text: str) -> None:
        """Add a note to a case."""

    def export_case(self, case_id: str) -> dict[str, Any]:
        """The case as CASE/UCO JSON-LD."""

    def orders(self, case_id: str | None, request_id: str | None = None) -> list[m.Order]:
        """The orders the user may see (of a case; drafted for a request)."""

    def order(self, order_id: str) -> m.Order:
        """One order with its history."""

    def draft_order(self, case_id: str, draft: Draft) -> m.Order:
        """Draft an order."""

    def move_order(self, order_id: str, command: str, note: str) -> m.Order:
        """Submit, authorise, refuse, issue, renew, execute or revoke an order."""

    def notices(self) -> list[m.Notice]:
        """The notices addressed to the user."""

    def add_evidence(
        self, case_id: str, intake: Intake, progress: Callable[[int], None]
    ) -> m.Uploaded:
        """Ingest a file into the vault, reporting the bytes taken so far."""

    def evidence(self, case_id: str | None) -> list[m.EvidenceItem]:
        """Evidence items."""

    def seal(self, item_id: str, note: str, *, sealed: bool) -> None:
        """Seal or release an item."""

    def custody(self, item_id: str) -> list[m.CustodyEntry]:
        """An item's chain of custody with proofs."""

    def download(self, item_id: str, sink: Sink) -> str:
        """Write an item's bytes to ``sink`` (audited); the SHA-256 recorded for it."""

    def tag(self, item_id: str, tag: str, *, remove: bool) -> m.Review:
        """Tag an item or take a tag off (a custody event)."""

    def annotate(self, item_id: str, text: str) -> m.Review:
        """Annotate an item (a custody event)."""

    def report(self, item_id: str, output_format: str) -> str:
        """The admissibility report as text (``json``, ``md`` or ``html``)."""

    def document(self, kind: str, object_id: str, output_format: str) -> tuple[bytes, str]:
        """A record printed (``order``, ``request``, ``admissibility``): bytes and code."""

    def check_document(self, code: str | None, data: bytes | None) -> m.DocumentCheck:
        """Whether a code, or a printed file, is a document the node issued."""

    def verify(
        self, case_id: str | None, since: str | None, witnesses: bool, full: bool
    ) -> m.VaultReport:
        """Verify the vault (and that its log extends the head ``since``); ``full``: from the start."""

    def head(self) -> m.Head:
        """The custody log's signed tree head."""

    def audit(self, limit: int) -> list[m.AuditEntry]:
        """The latest audit entries."""

    def audit_page(self, where: AuditFilter, limit: int) -> tuple[list[m.AuditEntry], int]:
        """The newest ``limit`` matching entries (oldest first) and how many match; not audited."""

    def audit_export(self, where: AuditFilter, fmt: str) -> Iterable[str]:
        """Every matching entry, oldest first, as CSV or JSON Lines text; audited once."""

    def notifications(self, *, unread: bool, limit: int) -> list[m.Notification]:
        """The user's newest notifications."""

    def protected(self, case_id: str) -> list[m.ProtectedPerson]:
        """A case's protected persons, by pseudonym."""

    def property(self, case_id: str) -> list[m.PropertyItem]:
        """A case's property items."""

    def register_traced(
        self, case_id: str, ledger: Ledger
    ) -> tuple[list[m.PropertyItem], list[str]]:
        """Trace a ledger and register the accounts holding proceeds; notes on the ledger."""

    def register_derived(self, case_id: str, derived: Derived) -> m.PropertyItem:
        """Register property converted from an item, or income derived from it."""

    def add_protected(self, case_id: str, person: Person) -> m.ProtectedPerson:
        """Record a protected person."""

    def disclose(self, person_id: str, reason: str) -> dict[str, str]:
        """A protected person's identity (audited)."""

    def requests(self, direction: str | None) -> list[m.Request]:
        """Cross-border requests (received: ``in``, sent: ``out``)."""

    def request(self, request_id: str) -> m.Request:
        """One cross-border request with its thread."""

    def users(self) -> list[m.Account]:
        """Every user."""

    def add_user(self, user: str, roles: list[str], password: str) -> list[m.Grant]:
        """Add a user; grants of judge and admin awaiting a second administrator."""

    def decide_grant(self, grant_id: str, *, approve: bool) -> m.Grant:
        """Approve or refuse a grant."""


def desk() -> Desk:
    """The desk of this command: the remote node named by ``--node``, else the local one."""
    node = remote.chosen()
    if node is not None:
        from uncc.entrypoints.cli.desk_remote import RemoteDesk  # noqa: PLC0415

        return RemoteDesk(remote.client(node))
    from uncc.entrypoints.cli.desk_local import LocalDesk  # noqa: PLC0415

    return LocalDesk()
