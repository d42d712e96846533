"""The Convention's conditions on orders; each refusal cites its provision.

Nothing here restates the law: :func:`law_of` reads, for each power, the period,
renewals, territorial limit, offence lists and judge from the Convention model
(``procedure.yaml``: each power's ``order`` terms, ``territorial``,
``serious_offences_only``, the reservations of Art. 41(3) that name an offence list)
and from the State's profile (``orders``, ``serious_offences``, ``realtime_offences``,
``judicial_authorisation``, the options it takes), falling back to the baseline profile
where the Convention leaves a limit to the State's law and the State's profile is
silent. The checks are pure functions of the order, the case's legal findings and that
:class:`Law`; the service calls them before it applies a move.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from uncc.convention.catalogue import Convention
from uncc.convention.model import DurationSource, Power, RenewalSource
from uncc.domain.orders import Command, Order
from uncc.errors import RuleViolation
from uncc.parties.profile import OrderLimits, Profile


@dataclass(frozen=True)
class Basis:
    """What the case's analysis says of one offence, for the node's State."""

    offence: str
    status: str
    """established, not_established or undetermined."""


@dataclass(frozen=True)
class OffenceList:
    """Offences an order under a power must rely on (one of them at least)."""

    offences: frozenset[str]
    at: str
    what: str
    """In plain words: whose list, and why (for the refusal)."""


@dataclass(frozen=True)
class PowerLaw:
    """The rules an order under one power follows in one State, each with its provision."""

    power: str
    territorial: bool
    territory_at: str
    duration_required: bool
    max_days: int | None
    duration_at: str | None
    renewable: bool
    max_renewals: int | None
    renewal_at: str | None
    offence_lists: tuple[OffenceList, ...]
    judge: bool
    judge_at: str
    confidential_at: str | None
    days_from: str
    """Whose law sets the longest period: the Convention, the State's, or the baseline."""
    renewals_from: str
    """Whose law sets the number of renewals."""


@dataclass(frozen=True)
class Law:
    """The rules of every power in one State."""

    state: str
    powers: Mapping[str, PowerLaw]

    def of(self, power: str) -> PowerLaw:
        """The rules of one power.

        Raises:
            KeyError: the Convention has no such power.
        """
        return self.powers[power]


def law_of(convention: Convention, profile: Profile, baseline: Profile) -> Law:
    """The rules of every power for the profile's State, read from the model and profiles."""
    state = profile.state or "the State"
    territory_at = _rule_at(convention, 4, "art_4.no_action_abroad")
    judge_at = next(s.at for s in convention.article(42).safeguards if s.id == "supervision")
    reservations = [
        o
        for _, o in convention.options()
        if profile.takes(o.id) and isinstance(o.parameters.get("offence_list"), str)
    ]
    powers: dict[str, PowerLaw] = {}
    for _, power in convention.powers():
        lists = []
        if power.serious_offences_only:
            lists.append(
                OffenceList(
                    profile.offence_list("serious_offences"),
                    power.at,
                    f"the serious offences {state} lists for this power",
                )
            )
        for option in reservations:
            if power.id in option.targets:
                lists.append(
                    OffenceList(
                        profile.offence_list(str(option.parameters["offence_list"])),
                        option.at,
                        f"the offences to which {state} reserved this power",
                    )
                )
        powers[power.id] = replace(
            _power_law(power, profile, baseline, state),
            offence_lists=tuple(lists),
            territory_at=territory_at,
            judge_at=judge_at,
        )
    return Law(state, powers)


def _rule_at(convention: Convention, article: int, rule_id: str) -> str:
    return next(r.at for r in convention.article(article).rules if r.id == rule_id)


def _power_law(power: Power, profile: Profile, baseline: Profile, state: str) -> PowerLaw:
    """A power's period, renewals, territory and judge.

    The offence lists and the provisions of general rules are added by :func:`law_of`.
    """
    terms = power.order
    own = profile.orders.get(power.id, OrderLimits())
    fallback = baseline.orders.get(power.id, OrderLimits())
    mine, silent = f"{state}'s law", f"the baseline ({state}'s profile is silent)"
    max_days: int | None = None
    days_from = "the Convention"
    if terms.duration is DurationSource.CONVENTION:
        max_days = terms.max_days
        if own.max_days is not None and (max_days is None or own.max_days < max_days):
            max_days, days_from = own.max_days, mine
    elif terms.duration is DurationSource.STATE_LAW:
        max_days, days_from = _chosen(own.max_days, fallback.max_days, mine, silent)
    max_renewals: int | None = None
    renewals_from = mine
    if terms.renewal is RenewalSource.OPTION:
        renewable = terms.renewal_option is not None and profile.takes(terms.renewal_option)
        max_renewals = own.max_renewals
    elif terms.renewal is RenewalSource.STATE_LAW:
        max_renewals, renewals_from = _chosen(own.max_renewals, fallback.max_renewals, mine, silent)
        renewable = max_renewals != 0
    else:
        renewable, renewals_from = False, "the Convention"
    return PowerLaw(
        power=power.id,
        territorial=power.territorial and not terms.addressee_in_territory,
        territory_at="",
        duration_required=terms.duration_required,
        max_days=max_days,
        duration_at=terms.duration_at,
        renewable=renewable,
        max_renewals=max_renewals,
        renewal_at=terms.renewal_at,
        offence_lists=(),
        judge=power.id in profile.judicial_authorisation,
        judge_at="",
        confidential_at=power.confidentiality,
        days_from=days_from,
        renewals_from=renewals_from,
    )


def _chosen(
    own: int | None, baseline: int | None, mine: str, silent: str
) -> tuple[int | None, str]:
    """The State's own value where its profile gives one, else the baseline's, and whose."""
    return (own, mine) if own is not None else (baseline, silent)


def check_draft(order: Order, findings: Iterable[Basis], law: Law) -> None:
    """The conditions of drafting: legal basis, Art. 42 fields, period, offence lists, territory.

    Raises:
        RuleViolation: the first condition that fails, with its provision.
    """
    rules = law.of(order.power)
    _check_basis(order, findings)
    for name in ("grounds", "scope", "necessity", "proportionality"):
        if not getattr(order, name).strip():
            raise RuleViolation(
                "art_42__para_2" if name in ("grounds", "scope") else "art_42__para_1",
                f"the order must state its {name}",
                field=name,
            )
    check_period(order, rules)
    for listed in rules.offence_lists:
        if not any(o in listed.offences for o in order.offences):
            names = ", ".join(sorted(listed.offences)) or "none listed"
            raise RuleViolation(
                listed.at,
                f"{_a(order.power)} order is only for {listed.what} ({names}); "
                f"this one relies on {', '.join(order.offences)}",
                field="offences",
            )
    if rules.territorial:
        for target in order.targets:
            if target.location != law.state:
                where = target.location or "an unknown place"
                raise RuleViolation(
                    rules.territory_at,
                    f"{target.id} is in {where}, not in {law.state}'s territory: request {where} to act instead",
                    field="targets",
                )
    if not order.targets:
        raise RuleViolation(
            "art_42__para_2",
            "the order must name what it is directed at (its scope)",
            field="targets",
        )


def _check_basis(order: Order, findings: Iterable[Basis]) -> None:
    by_offence = {b.offence: b for b in findings}
    if not order.offences:
        raise RuleViolation(
            "art_41__para_2",
            "an order needs a legal basis: name an offence of the case's analysis",
            field="offences",
        )
    for offence in order.offences:
        basis = by_offence.get(offence)
        if basis is None:
            raise RuleViolation(
                "art_41__para_2",
                f"offence '{offence}' is not in the case's analysis",
                field="offences",
            )
        if basis.status == "not_established":
            raise RuleViolation(
                "art_41__para_2",
                f"offence '{offence}' is not established in the case's analysis",
                field="offences",
            )


def check_period(order: Order, rules: PowerLaw) -> None:
    """The order states a period where the law asks for one, within the maximum.

    Raises:
        RuleViolation: no period where one is required, or a period past the maximum,
            citing the provision that limits it.
    """
    at = rules.duration_at or "art_42__para_2"
    limit = f"at most {rules.max_days} days under {rules.days_from}" if rules.max_days else ""
    if order.duration_days is None:
        if rules.duration_required:
            raise RuleViolation(
                at,
                f"{_a(order.power)} order must state its duration{f' ({limit})' if limit else ''}",
                field="duration_days",
            )
        return
    if rules.max_days is not None and not 0 < order.duration_days <= rules.max_days:
        raise RuleViolation(
            at,
            f"{_a(order.power)} order lasts {limit}, not {order.duration_days} days",
            field="duration_days",
        )


def check_move(order: Order, command: Command, law: Law, at: dt.datetime) -> None:
    """The conditions of a move: authorisation and period before issue; renewals allowed.

    The period is checked again when an order is issued or renewed: the State's law may
    have changed since it was drafted.

    Raises:
        RuleViolation: the condition that fails, with its provision.
    """
    rules = law.of(order.power)
    if command is Command.ISSUE:
        if order.requires_authorisation and order.authorised_by is None:
            raise RuleViolation(
                rules.judge_at,
                f"{law.state} requires a judge to authorise a {order.power} order before it is issued",
            )
        check_period(order, rules)
    if command is Command.RENEW:
        _check_renewal(order, law, rules, at)


def _check_renewal(order: Order, law: Law, rules: PowerLaw, at: dt.datetime) -> None:
    where = rules.renewal_at or "art_42__para_2"
    if not rules.renewable:
        raise RuleViolation(where, f"{law.state} does not allow renewal of {order.power} orders")
    if order.expires_at is None:
        raise RuleViolation(
            where, f"order {order.id} has no period: it runs until revoked, nothing to renew"
        )
    if order.expires_at <= at:
        raise RuleViolation(
            where, "the order has already run out; it cannot be renewed, only a new one issued"
        )
    if rules.max_renewals is not None and order.renewals >= rules.max_renewals:
        raise RuleViolation(
            where,
            f"{_a(order.power)} order may be renewed at most {rules.max_renewals} times "
            f"under {rules.renewals_from}; order {order.id} has been renewed {order.renewals}",
        )
    check_period(order, rules)


def _a(power: str) -> str:
    """The power's id with its article: 'an interception', 'a preservation'."""
    return ("an " if power[:1] in "aeiou" else "a ") + power


def overdue(order: Order, at: dt.datetime) -> bool:
    """True when an issued order's period has ended."""
    return order.state.value == "issued" and order.expires_at is not None and order.expires_at <= at
