"""The message types of the I-24/7 network: typed, versioned, registered.

Each body is a Pydantic model that forbids unknown fields; ``REGISTRY`` maps
(type, version) to the model. A receiver validates every body against it before any
effect, and refuses unknown types (``unknown_type``) and bad bodies (``invalid_body``).
docs/network.md lists every field.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, model_validator

from uncc.domain.cooperation import refusal_grounds
from uncc.domain.evidence_messages import EvidenceTransfer
from uncc.domain.jit import JitAcceptance, JitEntry, JitProposal
from uncc.domain.measure_requests import MEASURE_REQUESTS, HearingRecord
from uncc.domain.message_parts import SHA256, STATE, TEXT, Body, Contact, StoredData, Urgency

__all__ = [
    "SHA256",
    "STATE",
    "TEXT",
    "Body",
    "Contact",
    "EvidenceTransfer",
    "StoredData",
    "Urgency",
]


class AssistanceRequest(Body):
    """A request for help from the other State's experts (Art. 56(2)–(3))."""

    needed: TEXT
    expertise: list[TEXT] = Field(min_length=1)
    urgency: Urgency = Urgency.URGENT
    languages: list[str] = Field(default_factory=lambda: ["en"])
    contact: Contact
    reference: TEXT


class AssistanceAnswer(Body):
    """Help given: who will assist and how to reach them."""

    answer: TEXT
    expert: str | None = None
    contact: Contact | None = None


class PreservationStatus(StrEnum):
    """A new request, or an extension of an earlier one."""

    NEW = "new"
    EXTENSION = "extension"


class PreservationRequest(Body):
    """Expedited preservation of stored data in the other State (Arts. 43, 4(3), 56)."""

    requesting_authority: TEXT
    reference: TEXT
    status: PreservationStatus = PreservationStatus.NEW
    earlier_reference: str | None = None
    offences: list[TEXT] = Field(min_length=1)
    """Offence ids of the Convention model, e.g. ``illegal_access``."""
    summary_of_facts: TEXT
    data: list[StoredData] = Field(min_length=1)
    custodian: TEXT
    """What is known of the custodian of the data or the location of the system."""
    necessity: TEXT
    """Why preservation is necessary (risk of loss or modification)."""
    formal_request_to_follow: bool
    preserve_days: int = Field(default=90, ge=1, le=90)
    urgency: Urgency = Urgency.PRESERVATION
    contact: Contact
    preferred_channel: Literal["i24-7", "email", "phone"] = "i24-7"
    facts: dict[str, Any] | None = None
    """The incident facts (``uncc: incident/1``), so the requested State can analyse them under its own law."""

    @model_validator(mode="after")
    def _complete(self) -> PreservationRequest:
        if self.status is PreservationStatus.EXTENSION and not self.earlier_reference:
            msg = "an extension must give the earlier request's reference (earlier_reference)"
            raise ValueError(msg)
        if not self.formal_request_to_follow:
            msg = "preservation is provisional: state that a formal request will follow (formal_request_to_follow: true)"
            raise ValueError(msg)
        return self


class SubscriberField(StrEnum):
    """The subscriber information of Art. 45(3)."""

    SERVICE_TYPE = "service_type"
    TECHNICAL_PROVISIONS = "technical_provisions"
    PERIOD_OF_SERVICE = "period_of_service"
    IDENTITY = "identity"
    POSTAL_ADDRESS = "postal_address"
    TELEPHONE = "telephone"
    BILLING_AND_PAYMENT = "billing_and_payment"
    INSTALLATION_SITE = "installation_site"


class SubscriberRequest(Body):
    """Subscriber information held by a provider in the other State (Art. 45(1)(b), 45(3))."""

    reference: TEXT
    offences: list[TEXT] = Field(min_length=1)
    identifiers: list[TEXT] = Field(min_length=1)
    fields: list[SubscriberField] = Field(min_length=1)
    period: TEXT
    provider: TEXT
    contact: Contact
    urgency: Urgency = Urgency.URGENT
    facts: dict[str, Any] | None = None
    """The incident facts, so the requested State can analyse them under its own law."""


class TrafficHop(Body):
    """One provider on a communication's path."""

    provider: TEXT
    state: STATE | None = None
    address: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    """What identifies the hop in the traffic data (an IP address and port, a host name)."""
    at: dt.datetime | None = None
    """When the communication passed this hop, per the traffic data."""


class TrafficDisclosure(Body):
    """Enough traffic data to identify the next provider and the path (Art. 44).

    ``path`` runs backwards from the disclosing provider: its last hop is the previous
    one, where the communication came from (``next_provider``/``next_state``, when
    given, name that hop's provider and State).
    """

    reference: TEXT
    path: list[TrafficHop] = Field(min_length=1, max_length=64)
    next_provider: TEXT | None = None
    next_state: STATE | None = None
    order: Annotated[str, Field(min_length=1, max_length=200)]
    """The reference of the requested State's order under which the data was disclosed."""


class Acknowledgment(Body):
    """The request was received and is being handled under the receiver's law."""

    reference: TEXT
    """The receiver's own reference (its case)."""
    note: str = ""
    confirmed: bool | None = None
    """For a deconfliction hit: whether the tag matched one of the receiver's selectors,
    so that both sides show the hit confirmed (or not)."""


class StatusUpdate(Body):
    """Where the request stands at the receiver."""

    status: Literal["under_review", "awaiting_authorisation", "authorised", "in_execution"]
    note: str = ""


class ExecutionResult(Body):
    """What the receiver did."""

    outcome: Literal["preserved", "produced", "executed", "partially_executed", "no_data"]
    details: TEXT
    preserved_until: dt.date | None = None
    order: Annotated[str, Field(min_length=1, max_length=200)]
    """The reference of the requested State's order that executed the request."""


class RefusalReason(StrEnum):
    """Why the requested State will not act (each code's provision: ``cooperation.yaml``)."""

    HUMAN_RIGHTS = "human_rights"
    POLITICAL_OFFENCE = "political_offence"
    NE_BIS_IN_IDEM = "ne_bis_in_idem"
    ESSENTIAL_INTERESTS = "essential_interests"
    NO_DUAL_CRIMINALITY = "no_dual_criminality"
    MEASURE_NOT_AVAILABLE = "measure_not_available"
    NOT_AN_OFFENCE = "not_an_offence"
    RESERVATION = "reservation"
    INSUFFICIENT_INFORMATION = "insufficient_information"
    NO_DATA = "no_data"
    SOVEREIGNTY_OR_SECURITY = "sovereignty_or_security"
    OTHER = "other"


class Refusal(Body):
    """The request is refused, in whole, in part or unless conditions are met.

    Each ground is a reason code with the provision relied on (the code's own provision
    when none is given). A partial refusal lists what is refused (the rest is executed);
    a conditional one lists the conditions under which the request would be executed.
    """

    reason: RefusalReason
    grounds: list[RefusalReason] = Field(default_factory=list)
    """Further grounds relied on, besides ``reason``."""
    detail: TEXT
    provision: str | None = None
    scope: Literal["whole", "partial", "conditional"] = "whole"
    refused: list[TEXT] = Field(default_factory=list)
    """For a partial refusal: the parts of the request refused."""
    conditions: list[TEXT] = Field(default_factory=list)
    """For a conditional refusal: what would make the request executable."""

    @model_validator(mode="before")
    @classmethod
    def _provision(cls, data: Any) -> Any:
        if isinstance(data, dict) and not data.get("provision"):
            ground = refusal_grounds().get(str(data.get("reason")))
            if ground is not None and ground.provision:
                return {**data, "provision": ground.provision}
        return data

    @model_validator(mode="after")
    def _scope(self) -> Refusal:
        if self.reason is RefusalReason.OTHER and not self.provision:
            msg = "provision: a refusal on another ground names the provision relied on"
            raise ValueError(msg)
        if self.scope == "partial" and not self.refused:
            msg = "refused: a partial refusal lists the parts refused"
            raise ValueError(msg)
        if self.scope == "conditional" and not self.conditions:
            msg = "conditions: a conditional refusal lists its conditions"
            raise ValueError(msg)
        return self


class DeconflictionHit(Body):
    """A selector of ours matched your filter: let us consult (Art. 40(5))."""

    tag: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    """The keyed tag of the selector (never the selector itself)."""
    kind: TEXT
    epoch: int = Field(ge=1)
    reference: TEXT
    contact: Contact


class DeconflictionKey(Body):
    """The network's deconfliction key for an epoch, sent by the hub to each member."""

    epoch: int = Field(ge=1)
    key: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{43}=?$")]
    """32 random bytes, base64url."""


class Consultation(Body):
    """A message in a consultation thread between States with jurisdiction (Art. 40(5))."""

    text: TEXT


class ConvictionQuery(Body):
    """Does the other State hold a conviction of this person (Art. 51)?"""

    reference: TEXT
    person: dict[str, str] = Field(min_length=1)
    purpose: TEXT


class ConvictionAnswer(Body):
    """Convictions held, if any."""

    found: bool
    convictions: list[TEXT] = Field(default_factory=list)


class ConsentRequest(Body):
    """May what the other State sent in this conversation go to a third State (handling codes)?"""

    to_state: STATE
    purpose: TEXT
    what: TEXT
    """What would go: the facts of the request, evidence items, answers."""


class ConsentAnswer(Body):
    """The sender's answer to a consent request: granted (with conditions) or refused."""

    granted: bool
    to_state: STATE
    purpose: TEXT
    conditions: str = ""


class Receipt(Body):
    """The signed answer to every delivery: accepted, already had, or rejected."""

    message: TEXT
    outcome: Literal["accepted", "duplicate", "rejected"]
    reason: str | None = None
    detail: str = ""


REGISTRY: dict[tuple[str, int], type[Body]] = {
    ("assistance_request", 1): AssistanceRequest,
    ("assistance_answer", 1): AssistanceAnswer,
    ("preservation_request", 1): PreservationRequest,
    ("subscriber_request", 1): SubscriberRequest,
    ("traffic_disclosure", 1): TrafficDisclosure,
    ("acknowledgment", 1): Acknowledgment,
    ("status_update", 1): StatusUpdate,
    ("execution_result", 1): ExecutionResult,
    ("refusal", 1): Refusal,
    ("evidence_transfer", 1): EvidenceTransfer,
    ("deconfliction_hit", 1): DeconflictionHit,
    ("deconfliction_key", 1): DeconflictionKey,
    ("consultation", 1): Consultation,
    ("conviction_query", 1): ConvictionQuery,
    ("conviction_answer", 1): ConvictionAnswer,
    ("consent_request", 1): ConsentRequest,
    ("consent_answer", 1): ConsentAnswer,
    ("receipt", 1): Receipt,
    ("hearing_record", 1): HearingRecord,
    **{(kind, 1): model for kind, model in MEASURE_REQUESTS.items()},
    ("jit_proposal", 1): JitProposal,  # joint investigation teams: domain/jit.py
    ("jit_acceptance", 1): JitAcceptance,
    ("jit_entry", 1): JitEntry,
}

REQUESTS = frozenset(
    {
        "assistance_request",
        "preservation_request",
        "subscriber_request",
        "conviction_query",
        "deconfliction_hit",
        *MEASURE_REQUESTS,
    }
)
"""Types that open a conversation tracked with service levels."""


def problems(kind: str, version: int, body: Any) -> list[str]:
    """Every problem with a body, as ``field: reason`` lines; empty when it is complete."""
    model = REGISTRY.get((kind, version))
    if model is None:
        known = ", ".join(sorted({k for k, _ in REGISTRY}))
        return [f"type: '{kind}' version {version} is not a registered message type ({known})"]
    try:
        model.model_validate(body)
    except ValidationError as exc:
        return [
            f"{'.'.join(str(p) for p in err['loc']) or 'body'}: {err['msg']}"
            for err in exc.errors()
        ]
    return []


def validate(kind: str, version: int, body: Any) -> Body:
    """The typed body; ValueError with every problem when it does not validate."""
    found = problems(kind, version, body)
    if found:
        raise ValueError("; ".join(found))
    return REGISTRY[(kind, version)].model_validate(body)
