"""Received requests for measures: each becomes a draft domestic order under our own law.

For every measure request (``measure_requests``) the draft names the power of the
Convention model that can execute it here, the targets in our territory, and the
grounds, scope and necessity the requesting State gave; our judges and prosecutors then
decide on it under our profile (Art. 4), as for preservation. Proceeds and property to
return are first registered as property items of the new case (Art. 50(2)); a video
hearing needs no order: it is recorded on the case for our authorities to arrange.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Connection, insert

from uncc.adapters.db import schema
from uncc.domain.envelope import Envelope
from uncc.domain.measure_requests import (
    MEASURE_REQUESTS,
    EmergencyRequest,
    InterceptionRequest,
    MeasureRequest,
    ProceedsRequest,
    ProductionRequest,
    Property,
    PropertyReturnRequest,
    RealTimeCollectionRequest,
    SearchSeizureRequest,
    VideoHearingRequest,
)
from uncc.domain.orders import Target
from uncc.services.context import NodeContext, next_id
from uncc.services.identity import node_info
from uncc.services.network.requested import Prepare, note_on_case, take_up
from uncc.services.orders import DraftRequest


def _data_targets(
    request: ProductionRequest | SearchSeizureRequest | EmergencyRequest, me: str
) -> tuple[Target, ...]:
    return tuple(
        Target(f"data-{n}", "data", me, item.description) for n, item in enumerate(request.data, 1)
    )


def _grounds(request: MeasureRequest, sender: str) -> str:
    return f"Request {request.reference} of {request.requesting_authority} ({sender}): {request.summary_of_facts}"


def _production(request: ProductionRequest, me: str, sender: str) -> DraftRequest:
    return DraftRequest(
        "production_of_data",
        tuple(request.offences),
        _data_targets(request, me),
        _grounds(request, sender),
        f"{'; '.join(d.description for d in request.data)}, held by {request.custodian}, for {request.period}",
        request.necessity,
        "only the data described, from the custodian named, for the period named",
    )


def _search(request: SearchSeizureRequest, me: str, sender: str) -> DraftRequest:
    systems = tuple(
        Target(f"system-{n}", "system", me, s) for n, s in enumerate(request.systems, 1)
    )
    return DraftRequest(
        "search",
        tuple(request.offences),
        systems + _data_targets(request, me),
        _grounds(request, sender),
        f"search of {', '.join(request.systems)} for {'; '.join(d.description for d in request.data)}",
        request.necessity,
        "only the systems named, and only the data described may be seized",
    )


def _real_time(request: RealTimeCollectionRequest, me: str, sender: str) -> DraftRequest:
    return DraftRequest(
        "realtime_traffic_collection",
        tuple(request.offences),
        (Target("provider", "person", me, request.provider),),
        _grounds(request, sender),
        f"traffic data of the communications of {', '.join(request.identifiers)}",
        request.necessity,
        f"traffic data only, for {request.duration_days} days",
        request.duration_days,
    )


def _interception(request: InterceptionRequest, me: str, sender: str) -> DraftRequest:
    return DraftRequest(
        "interception",
        tuple(request.offences),
        (Target("provider", "person", me, request.provider),),
        _grounds(request, sender),
        f"content data of the communications of {', '.join(request.identifiers)}",
        request.necessity,
        f"for {request.duration_days} days; other means: {request.other_means}",
        request.duration_days,
    )


def _emergency(request: EmergencyRequest, me: str, sender: str) -> DraftRequest:
    return DraftRequest(
        "production_of_data",
        tuple(request.offences),
        _data_targets(request, me),
        f"{_grounds(request, sender)}. Emergency: {request.risk}",
        f"{'; '.join(d.description for d in request.data)}, held by {request.provider}",
        request.justification,
        "only the data needed to avert the imminent risk named",
    )


def _register(
    conn: Connection, ctx: NodeContext, case_id: str, *, assets: list[Property], basis: str, me: str
) -> tuple[Target, ...]:
    """The assets of the request as property items of the case (value as the requester gave it)."""
    now = ctx.clock()
    targets = []
    for asset in assets:
        item = next_id(conn, "PR", now)
        conn.execute(
            insert(schema.property_items).values(
                id=item,
                case_id=case_id,
                account=asset.location[:200],
                location=me,
                assessed=str(asset.value if asset.value is not None else Decimal(0)),
                model="requested",
                basis=basis[:500],
                status="traced",
                kind="traced",
                description=asset.description,
                created_by="network",
                created_at=now,
            )
        )
        targets.append(Target(item, "property", me, asset.description))
    return tuple(targets)


def _proceeds(ctx: NodeContext, request: ProceedsRequest, me: str, sender: str) -> Prepare:
    def prepare(conn: Connection, case_id: str) -> DraftRequest:
        basis = f"request {request.reference} of {sender}: {request.link_to_offence}"
        targets = _register(conn, ctx, case_id, assets=request.property, basis=basis, me=me)
        power = "confiscation" if request.action == "confiscate" else "freezing"
        decision = (
            f"; decision {request.confiscation_decision}" if request.confiscation_decision else ""
        )
        return DraftRequest(
            power,
            tuple(request.offences),
            targets,
            _grounds(request, sender) + decision,
            f"{request.action} of {'; '.join(p.description for p in request.property)}",
            request.link_to_offence,
            "only the property described, up to the value of the proceeds",
        )

    return prepare


def _property_return(
    ctx: NodeContext, request: PropertyReturnRequest, me: str, sender: str
) -> Prepare:
    def prepare(conn: Connection, case_id: str) -> DraftRequest:
        basis = f"request {request.reference} of {sender}: return to {', '.join(request.owners)}"
        targets = _register(conn, ctx, case_id, assets=request.property, basis=basis, me=me)
        return DraftRequest(
            "confiscation",
            tuple(request.offences),
            targets,
            f"{_grounds(request, sender)}; to be returned to {', '.join(request.owners)} (Arts. 53(2), 54)",
            f"confiscation and return of {'; '.join(p.description for p in request.property)}",
            request.proof_of_ownership,
            "only the property described, for return to its legitimate owners",
        )

    return prepare


def _hearing(ctx: NodeContext, request: VideoHearingRequest, sender: str) -> Prepare:
    def prepare(conn: Connection, case_id: str) -> None:
        note_on_case(conn, ctx.clock(), case_id, f"network:{sender}", hearing_note(request, sender))

    return prepare


def hearing_note(request: VideoHearingRequest, other: str) -> str:
    """The line a video hearing leaves on a case, at both ends."""
    who = ", ".join(f"{p.name} ({p.role}, {p.state})" for p in request.participants)
    return (
        f"Video hearing ({request.capacity}) of {request.pseudonym} with {other}, request "
        f"{request.reference}: {request.scheduled_at.isoformat()} for {request.duration_minutes} min, "
        f"language {request.language}{', interpreted' if request.interpretation else ''}; "
        f"participants {who}; link {request.link} (Art. 52(2)(b); CETS 224 Art. 11)"
    )


def _draft(
    ctx: NodeContext, request: MeasureRequest, me: str, sender: str
) -> DraftRequest | Prepare:
    """How a request of its kind becomes a draft order here."""
    match request:
        case ProductionRequest():
            return _production(request, me, sender)
        case SearchSeizureRequest():
            return _search(request, me, sender)
        case RealTimeCollectionRequest():
            return _real_time(request, me, sender)
        case InterceptionRequest():
            return _interception(request, me, sender)
        case EmergencyRequest():
            return _emergency(request, me, sender)
        case ProceedsRequest():
            return _proceeds(ctx, request, me, sender)
        case PropertyReturnRequest():
            return _property_return(ctx, request, me, sender)
        case VideoHearingRequest():
            return _hearing(ctx, request, sender)
    msg = f"no draft for a {type(request).__name__}"
    raise TypeError(msg)


def measure_received(ctx: NodeContext, conn: Connection, envelope: Envelope) -> None:
    """Any measure request: a case under our law and the draft order for it (Art. 4)."""
    request = MEASURE_REQUESTS[envelope.type].model_validate(envelope.body)
    me = node_info(conn).state
    draft = _draft(ctx, request, me, envelope.sender)
    take_up(ctx, conn, envelope, request.facts, draft)
