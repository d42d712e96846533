"""The Convention's conditions on orders; each refusal cites its provision.

Pure functions of the order, the case's legal findings and the State's profile. The
service calls them before it applies a move.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from uncc.domain.orders import Command, Order
from uncc.errors import RuleViolation

MAX_PRESERVATION_DAYS = 90
"""Art. 43(2): a preservation order binds for at most 90 days at a time."""

TERRITORIAL = frozenset(
    {
        "search",
        "search_extension",
        "seizure",
        "assistance_order",
        "realtime_traffic_collection",
        "interception",
        "freezing",
        "confiscation",
    }
)
"""Powers used only on targets in the State's own territory (Arts. 46–48, and Art. 50 on
property); anything elsewhere is a matter for a request to that State (Art. 4(3))."""

DURATION_LIMITS = {
    "preservation": MAX_PRESERVATION_DAYS,
    "traffic_preservation_disclosure": MAX_PRESERVATION_DAYS,
}

CONFIDENTIALITY = {
    "preservation": "art_43__para_3",
    "realtime_traffic_collection": "art_47__para_3",
    "interception": "art_48__para_3",
}


@dataclass(frozen=True)
class Basis:
    """What the case's analysis says of one offence, for the node's State."""

    offence: str
    status: str
    """established, not_established or undetermined."""


@dataclass(frozen=True)
class Settings:
    """The State's choices the rules need (from its profile)."""

    state: str
    serious_offences: frozenset[str]
    judicial_authorisation: frozenset[str]
    renewal_allowed: bool


def check_draft(order: Order, findings: Iterable[Basis], settings: Settings) -> None:
    """The conditions of drafting: legal basis, Art. 42 fields, duration, territory, Art. 48.

    Raises:
        RuleViolation: the first condition that fails, with its provision.
    """
    by_offence = {b.offence: b for b in findings}
    if not order.offences:
        raise RuleViolation(
            "art_41__para_2", "an order needs a legal basis: name an offence of the case's analysis"
        )
    for offence in order.offences:
        basis = by_offence.get(offence)
        if basis is None:
            raise RuleViolation(
                "art_41__para_2", f"offence '{offence}' is not in the case's analysis"
            )
        if basis.status == "not_established":
            raise RuleViolation(
                "art_41__para_2", f"offence '{offence}' is not established in the case's analysis"
            )
    for name in ("grounds", "scope", "necessity", "proportionality"):
        if not getattr(order, name).strip():
            raise RuleViolation(
                "art_42__para_2" if name in ("grounds", "scope") else "art_42__para_1",
                f"the order must state its {name}",
            )
    limit = DURATION_LIMITS.get(order.power)
    if limit is not None:
        if order.duration_days is None:
            raise RuleViolation(
                "art_43__para_2",
                f"a {order.power} order must state its duration (at most {limit} days)",
            )
        if not 0 < order.duration_days <= limit:
            raise RuleViolation(
                "art_43__para_2",
                f"a {order.power} order lasts at most {limit} days, not {order.duration_days}",
            )
    if order.power == "interception":
        serious = [o for o in order.offences if o in settings.serious_offences]
        if not serious:
            raise RuleViolation(
                "art_48__para_1",
                f"interception is only for the serious offences {settings.state} lists ({', '.join(sorted(settings.serious_offences)) or 'none listed'})",
            )
    if order.power in TERRITORIAL:
        for target in order.targets:
            if target.location != settings.state:
                where = target.location or "an unknown place"
                raise RuleViolation(
                    "art_4__para_3",
                    f"{target.id} is in {where}, not in {settings.state}'s territory: request {where} to act instead",
                )
    if not order.targets:
        raise RuleViolation(
            "art_42__para_2", "the order must name what it is directed at (its scope)"
        )


def check_move(order: Order, command: Command, settings: Settings, at: dt.datetime) -> None:
    """The conditions of a move: authorisation before issue, renewals allowed, overdue.

    Raises:
        RuleViolation: the condition that fails, with its provision.
    """
    if command is Command.ISSUE and order.requires_authorisation and order.authorised_by is None:
        raise RuleViolation(
            "art_42__para_2",
            f"{settings.state} requires a judge to authorise a {order.power} order before it is issued",
        )
    if command is Command.RENEW:
        if order.power in DURATION_LIMITS and not settings.renewal_allowed:
            raise RuleViolation(
                "art_43__para_2", f"{settings.state} does not allow renewal of preservation orders"
            )
        if order.expires_at is not None and order.expires_at <= at:
            raise RuleViolation(
                "art_43__para_2",
                "the order has already run out; it cannot be renewed, only a new one issued",
            )


def overdue(order: Order, at: dt.datetime) -> bool:
    """True when an issued order's period has ended."""
    return order.state.value == "issued" and order.expires_at is not None and order.expires_at <= at
