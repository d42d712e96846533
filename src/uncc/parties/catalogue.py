"""Loading profiles: the built-in ones by name, others from YAML text, checked against the law.

Every option, ground, offence and power id a profile names must exist in the Convention;
mistakes are listed with their path and a suggestion, like the facts format.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Set
from functools import cache
from importlib import resources
from typing import Any

import yaml
from pydantic import ValidationError

from uncc.convention.catalogue import Convention, load_convention
from uncc.convention.model import DurationSource, Power, RenewalSource
from uncc.errors import ProfileError
from uncc.parties.profile import FORMAT, Profile
from uncc.yaml12 import load_yaml

BUILTIN = ("baseline", "strict")
"""Profiles shipped with uncc: no options at all, and every option and reservation."""


def parse_profile(text: str, source: str = "<profile>") -> Profile:
    """Validate a profile given as YAML or JSON text.

    Raises:
        ProfileError: every problem with its path.
    """
    try:
        raw = load_yaml(text)
    except yaml.YAMLError as exc:
        raise ProfileError(source, [f"not valid YAML or JSON ({exc})"]) from None
    if not isinstance(raw, dict) or raw.get("uncc") != FORMAT:
        raise ProfileError(source, [f"uncc: expected '{FORMAT}'"])
    try:
        profile = Profile.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            path = ".".join(str(p) for p in error["loc"] if not str(p).startswith("["))
            problems.append(f"{path}: {error['msg']}")
        raise ProfileError(source, problems) from None
    problems = list(profile_problems(profile, load_convention()))
    if problems:
        raise ProfileError(source, problems)
    return profile


def profile_problems(profile: Profile, convention: Convention) -> Iterator[str]:
    """Every id in the profile that the Convention does not know."""
    options: set[str] = {o.id for _, o in convention.options()}
    grounds: set[str] = {g.id for a in convention.articles for g in a.grounds if not g.mandatory}
    offences: set[str] = {o.id for _, o in convention.offences()}
    powers: set[str] = {p.id for _, p in convention.powers()}

    def unknown(path: str, values: list[str], known: Set[str], what: str) -> Iterator[str]:
        for i, value in enumerate(values):
            if value not in known:
                close = difflib.get_close_matches(value, sorted(known), n=1, cutoff=0.6)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                yield f"{path}[{i}]: '{value}' is not {what}{hint}"

    yield from unknown("options", profile.options, options, "an option or reservation id")
    yield from unknown("grounds", profile.grounds, grounds, "an optional ground of Art. 40")
    yield from unknown("serious_offences", profile.serious_offences, offences, "an offence id")
    yield from unknown(
        "realtime_offences", profile.realtime_offences or [], offences, "an offence id"
    )
    yield from unknown(
        "judicial_authorisation", profile.judicial_authorisation, powers, "a power id"
    )
    yield from unknown(
        "limitation.offences", list(profile.limitation.offences), offences, "an offence id"
    )
    yield from _order_limit_problems(profile, convention)
    for number in profile.implementation:
        if not 1 <= number <= len(convention.articles):
            yield f"implementation.{number}: there is no Article {number}"


def _order_limit_problems(profile: Profile, convention: Convention) -> Iterator[str]:
    """Order limits for unknown powers, or beyond what the Convention allows."""
    powers: dict[str, Power] = {p.id: p for _, p in convention.powers()}
    for power_id, limits in profile.orders.items():
        power = powers.get(power_id)
        if power is None:
            close = difflib.get_close_matches(power_id, sorted(powers), n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            yield f"orders.{power_id}: not a power id{hint}"
            continue
        terms = power.order
        if limits.max_days is not None:
            if terms.duration is DurationSource.NONE:
                yield f"orders.{power_id}.max_days: a {power_id} order has no period"
            elif terms.max_days is not None and limits.max_days > terms.max_days:
                yield (
                    f"orders.{power_id}.max_days: {limits.max_days} is more than the "
                    f"{terms.max_days} days of {terms.duration_at}"
                )
        if limits.max_renewals and terms.renewal is RenewalSource.NEVER:
            yield f"orders.{power_id}.max_renewals: a {power_id} order is never renewed"


@cache
def builtin_profile(name: str) -> Profile:
    """A built-in profile by name (``baseline`` or ``strict``).

    Raises:
        ProfileError: no built-in profile has that name.
    """
    if name not in BUILTIN:
        raise ProfileError(name, [f"no built-in profile '{name}' (built-in: {', '.join(BUILTIN)})"])
    text = resources.files("uncc.parties.data").joinpath(f"{name}.yaml").read_text("utf-8")
    return parse_profile(text, f"built-in profile {name}")


def strict_options(convention: Convention) -> dict[str, Any]:
    """What the ``strict`` profile must contain: every option, reservation and ground."""
    return {
        "options": sorted(o.id for _, o in convention.options()),
        "grounds": sorted(g.id for a in convention.articles for g in a.grounds if not g.mandatory),
    }
