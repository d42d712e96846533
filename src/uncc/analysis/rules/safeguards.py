"""What Art. 42 asks of each procedural power, as a State applies it.

The same for every incident: made once per Convention, power and whether the State
requires a judge's authorisation.
"""

from __future__ import annotations

from collections.abc import Iterator

from uncc.analysis.rules.compiled import per_convention
from uncc.convention.catalogue import Convention
from uncc.convention.model import Power

Safeguards = tuple[tuple[str, str, str], ...]
"""(safeguard id, provision, what it asks here) for each safeguard."""

SAFEGUARD_TEXT = {
    "supervision": "judicial or other independent supervision",
    "grounds": "the grounds justifying the measure are stated",
    "scope_limit": "the scope is limited to what the investigation needs",
    "duration_limit": "the duration is limited",
    "proportionality": "proportionate to the offence",
    "necessity": "necessary for the investigation",
    "legality": "a basis in the State's law",
    "privacy": "privacy and personal data are protected",
    "third_parties": "the impact on third parties is considered",
}


def safeguards(
    convention: Convention, power: Power, judicial: bool
) -> tuple[tuple[str, str, str], ...]:
    """What Art. 42 asks of the power here (the same for every incident: kept per Convention)."""
    table = per_convention(convention, "safeguards", dict[tuple[str, bool], Safeguards])
    key = (power.id, judicial)
    found = table.get(key)
    if found is None:
        found = table[key] = tuple(_safeguards_of(convention, power, judicial))
    return found


def _safeguards_of(
    convention: Convention, power: Power, judicial: bool
) -> Iterator[tuple[str, str, str]]:
    article = convention.article(42)
    duration = power.parameters.get("max_duration_days")
    for safeguard in article.safeguards:
        text = SAFEGUARD_TEXT.get(safeguard.id, safeguard.gist)
        if safeguard.id == "supervision":
            text = (
                "a judge authorises it before use (the State's rule)"
                if judicial
                else "supervision by a judge or other independent authority, as the State's law provides"
            )
        if safeguard.id == "duration_limit" and duration:
            renew = ", renewable" if power.parameters.get("renewable") else ""
            text = f"at most {duration} days per order{renew} ({power.parameters.get('duration_at', power.at)})"
        yield safeguard.id, safeguard.at, text
