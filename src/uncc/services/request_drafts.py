"""Requests built from the case: the analysis, the order drafted at home, the directory.

``draft_request`` fills a request for a measure the case's analysis routes to another
State: the offences and facts from the analysis the case was opened from, the targets
the analysis places in that State, the grounds and necessity of the order drafted at
home (when there is one), the authority and reference of our investigation, and our
24/7 contact point from the directory. It checks the draft for completeness, validates
its offence ids against the Convention model, and analyses the facts under the
requested State's published profile (``uncc.services.abroad``). Nothing is signed or
sent until ``send_draft``, which refuses an incomplete draft with every field named.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from uncc.domain import cooperation
from uncc.domain.messages import REGISTRY, problems
from uncc.domain.orders import Order
from uncc.domain.policy import Action, require
from uncc.errors import NotFoundError, PermissionDeniedError, UserInputError
from uncc.parties.catalogue import profile_problems
from uncc.parties.profile import Profile
from uncc.services import cases, form_choices, orders
from uncc.services.abroad import Abroad, assess, offence_problems
from uncc.services.context import NodeContext, Principal, audit_now
from uncc.services.identity import node_info
from uncc.services.network import directory as network_directory
from uncc.services.network import requests
from uncc.services.network.requests import Conversation

_SPECIAL = frozenset({"emergency_request", "property_return_request"})
"""Kinds for a particular case of a measure (a risk to life, property back to its owners):
a desk asks for those by name (``uncc request send``), not from the case's measure."""
KINDS = {
    power: name
    for name, known in reversed(list(cooperation.kinds().items()))
    if name not in _SPECIAL
    for power in known.powers
}
"""Measure (the Convention model's power id) → the request kind that asks for it abroad,
read from the network's request kinds (``cooperation.yaml``)."""
_LIMIT = 4000


@dataclass(frozen=True)
class Draft:
    """A request drafted from a case, with what is missing and what the other State's law says."""

    case_id: str
    measure: str
    kind: str
    to: str
    body: dict[str, Any]
    problems: tuple[str, ...]
    """Every missing or wrong field, as ``field: reason`` (empty: complete)."""
    abroad: Abroad
    home_order: str | None
    """The order drafted at home for the measure, whose grounds the draft repeats."""

    @property
    def complete(self) -> bool:
        """Nothing is missing: the draft can be signed and sent."""
        return not self.problems


def draft_request(
    ctx: NodeContext,
    who: Principal,
    case_id: str,
    *,
    measure: str,
    to: str,
    fields: dict[str, Any] | None = None,
) -> Draft:
    """The request for ``measure`` to ``to``, filled from the case (``fields`` override).

    Raises:
        UserInputError: no request kind asks for that measure abroad, or ``to`` is not a
            member of the network.
        NotFoundError: no such case.
    """
    require(who.roles, Action.NETWORK_SEND)
    to = form_choices.state_code(ctx, to, "to") or to  # a name (Eastland) or a code
    if fields and "facts" in fields:
        raise UserInputError("fields: facts: the facts come from the case, not from the draft")
    kind = KINDS.get(measure)
    if kind is None:
        raise UserInputError(
            f"measure: '{measure}' has no request kind yet; expected one of {', '.join(sorted(KINDS))}"
        )
    case = cases.get_case(ctx, who, case_id)
    with ctx.engine.connect() as conn:
        me = node_info(conn).state
        try:
            held = network_directory.directory(conn)
        except NotFoundError:
            held = None
    member = held.member(to) if held is not None else None
    if member is None or to == me:
        raise UserInputError(f"to: {to} is not another member of the network")
    ours = held.member(me) if held is not None else None
    home = _home_order(ctx, who, case_id, measure)
    body = _body(case, measure=measure, kind=kind, me=me, to=to, home=home)
    if ours is not None:
        body["contact"] = ours.contact_point.model_dump(mode="json", exclude_none=True)
    body.update(fields or {})
    found = [*problems(kind, 1, body), *offence_problems(body.get("offences"))]
    if not _targets(case, me, measure, to):
        routes = sorted({str(m["route"]) for m in _measures(case, me, measure)})
        found.append(
            f"targets: the case's analysis routes no {measure.replace('_', ' ')} to {to} "
            f"(routes: {', '.join(routes) or 'none'})"
        )
    abroad = assess(
        case.facts, to, published_profile(member.profile, to), measure, ctx.clock().date()
    )
    audit_now(ctx, who.user, "request.draft", obj=case_id, outcome="ok", measure=measure, to=to)
    return Draft(case_id, measure, kind, to, body, tuple(found), abroad, home.id if home else None)


def case_fields(ctx: NodeContext, who: Principal, case_id: str) -> dict[str, Any]:
    """The fields every request takes from the case, whatever it asks and of whom.

    Our authority and reference (the case's investigation, else our State and the case
    id), the offences of the analysis under our law, and the summary of the facts.

    Raises:
        NotFoundError: no such case.
    """
    require(who.roles, Action.NETWORK_SEND)
    case = cases.get_case(ctx, who, case_id)
    with ctx.engine.connect() as conn:
        me = node_info(conn).state
    ours: dict[str, Any] = next(
        (i for i in case.facts.get("investigations", []) if i.get("state") == me), {}
    )
    return {
        "requesting_authority": str(ours.get("authority") or me),
        "reference": str(ours.get("reference") or case.id),
        "offences": _offences(case, me, None),
        "summary_of_facts": _summary(case.facts, None),
    }


def check_abroad(
    ctx: NodeContext, who: Principal, case_id: str, *, measure: str, to: str
) -> Abroad:
    """The check under ``to``'s published profile alone, for any power of the Convention model.

    For a measure that has no request kind yet, the desk still sees whether the conduct
    is an offence there and whether the measure is available there.

    Raises:
        UserInputError: ``measure`` is not a power of the Convention model, or ``to`` is
            not another member of the network.
    """
    require(who.roles, Action.NETWORK_SEND)
    to = form_choices.state_code(ctx, to, "to") or to
    if measure not in {p.id for _, p in _convention().powers()}:
        raise UserInputError(f"measure: '{measure}' is not a power of the Convention model")
    case = cases.get_case(ctx, who, case_id)
    with ctx.engine.connect() as conn:
        me = node_info(conn).state
        try:
            member = network_directory.directory(conn).member(to)
        except NotFoundError:
            member = None
    if member is None or to == me:
        raise UserInputError(f"to: {to} is not another member of the network")
    found = assess(
        case.facts, to, published_profile(member.profile, to), measure, ctx.clock().date()
    )
    audit_now(ctx, who.user, "request.check", obj=case_id, outcome="ok", measure=measure, to=to)
    return found


def send_draft(
    ctx: NodeContext,
    who: Principal,
    case_id: str,
    *,
    measure: str,
    to: str,
    fields: dict[str, Any] | None = None,
) -> tuple[Draft, Conversation]:
    """Draft and send in one go; an incomplete draft is refused and nothing is signed.

    Raises:
        UserInputError: the draft is incomplete or names an invalid offence id.
    """
    draft = draft_request(ctx, who, case_id, measure=measure, to=to, fields=fields)
    if draft.problems:
        raise UserInputError(
            f"the {draft.kind.replace('_', ' ')} is not complete:\n  " + "\n  ".join(draft.problems)
        )
    sent = requests.send_request(
        ctx, who, kind=draft.kind, recipient=draft.to, body=draft.body, case_id=case_id
    )
    return draft, sent


def published_profile(raw: dict[str, Any] | None, state: str) -> Profile | None:
    """The requested State's profile from its directory entry (None: none, or not valid)."""
    if raw is None:
        return None
    try:
        profile = Profile.model_validate(raw)
    except ValueError:
        return None
    if profile.state != state or list(profile_problems(profile, _convention())):
        return None
    return profile


def _convention() -> Any:
    from uncc.convention.catalogue import load_convention  # noqa: PLC0415

    return load_convention()


def _home_order(ctx: NodeContext, who: Principal, case_id: str, measure: str) -> Order | None:
    """The newest order for the measure drafted at home that the user may see."""
    try:
        found = orders.list_orders(ctx, who, case_id)
    except PermissionDeniedError:
        return None
    mine = [o for o in found if o.power == measure and o.state.value not in ("refused", "revoked")]
    return mine[-1] if mine else None


def _measures(case: cases.Case, me: str, measure: str) -> list[dict[str, Any]]:
    return [m for m in case.analysis["measures"] if m["state"] == me and m["power"] == measure]


def _targets(case: cases.Case, me: str, measure: str, to: str) -> list[dict[str, Any]]:
    return [
        t
        for m in _measures(case, me, measure)
        if m["route"] == f"request:{to}"
        for t in m["targets"]
    ]


def _offences(case: cases.Case, me: str, home: Order | None) -> list[str]:
    if home is not None and home.offences:
        return list(home.offences)
    found = case.findings(me)
    established = [o for o, s in found if s == "established"]
    return established or [o for o, s in found if s == "undetermined"]


def _body(
    case: cases.Case, *, measure: str, kind: str, me: str, to: str, home: Order | None
) -> dict[str, Any]:
    facts = case.facts
    ours: dict[str, Any] = next(
        (i for i in facts.get("investigations", []) if i.get("state") == me), {}
    )
    reference = str(ours.get("reference") or case.id)
    offences = _offences(case, me, home)
    targets = _targets(case, me, measure, to)
    if kind == "subscriber_request":
        return _subscriber(facts, reference, offences, targets)
    data = {d["id"]: d for d in facts.get("data", [])}
    systems = {s["id"]: s for s in facts.get("systems", [])}
    stored = []
    holders = []
    for target in targets:
        datum = data.get(target["id"], {})
        system = systems.get(str(datum.get("system")), {})
        acts = [
            a["id"]
            for a in facts.get("acts", [])
            if a.get("object") == target["id"]
            or (datum.get("system") and datum.get("system") in (a.get("object"), a.get("using")))
        ]
        stored.append(
            {
                "description": str(datum.get("description") or target["id"])[:_LIMIT],
                "link_to_offence": (
                    f"concerned by act(s) {', '.join(acts) or 'of the case'}; offences: {', '.join(offences)}"
                )[:_LIMIT],
            }
        )
        holders.append(f"{system.get('description') or system.get('id') or target['id']} in {to}")
    volatile = any(data.get(t["id"], {}).get("volatile") for t in targets)
    necessity = (
        home.necessity
        if home is not None
        else (
            "the data is kept for a short time only and may be lost or changed" if volatile else ""
        )
    )
    body: dict[str, Any] = {
        "requesting_authority": str(ours.get("authority") or me),
        "reference": reference,
        "offences": offences,
        "summary_of_facts": _summary(facts, home),
        "data": stored,
        "custodian": "; ".join(dict.fromkeys(holders))[:_LIMIT],
        "necessity": necessity[:_LIMIT],
        "formal_request_to_follow": True,
        "urgency": "preservation",
    }
    if kind == "preservation_request":
        return body
    # another measure: the common fields, and those of its own the case can fill (the
    # completeness check lists the rest)
    model = REGISTRY[(kind, 1)].model_fields
    times = sorted(str(a["when"]) for a in facts.get("acts", []) if a.get("when"))
    if times:
        body["period"] = f"{times[0]} to {times[-1]}"
    known = cooperation.kind(kind)
    body["urgency"] = known.default_urgency.value if known else "urgent"
    return {k: v for k, v in body.items() if k in model and (v or k == "data")}


def _summary(facts: dict[str, Any], home: Order | None) -> str:
    """The incident's summary, and the grounds of the order drafted at home (Art. 42)."""
    summary = " ".join(str(facts.get("summary") or facts.get("title") or "").split())
    if home is not None and home.grounds:
        summary = f"{summary} Grounds of our order {home.id}: {home.grounds}".strip()
    return summary[:_LIMIT]


def _subscriber(
    facts: dict[str, Any], reference: str, offences: list[str], targets: list[dict[str, Any]]
) -> dict[str, Any]:
    persons = {p["id"]: p for p in facts.get("persons", [])}
    providers = [str(persons.get(t["id"], {}).get("name") or t["id"]) for t in targets]
    times = sorted(str(a["when"]) for a in facts.get("acts", []) if a.get("when"))
    return {
        "reference": reference,
        "offences": offences,
        "identifiers": [],
        "fields": ["identity", "postal_address", "period_of_service"],
        "period": f"{times[0]} to {times[-1]}" if times else "",
        "provider": ", ".join(providers),
        "urgency": "urgent",
    }
