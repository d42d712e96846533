"""What forms offer as lists instead of typing: offences, States, target kinds, our contact.

Offences come from the case's analysis (with their name and article) or, without a
case, from the Convention model; States from this node and the network directory;
the contact of a request from our 24/7 point in the directory and the user's own
settings. Reading them changes nothing and is not audited (they hold no case data
beyond what the page that shows them already read, audited).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from uncc.convention.catalogue import load_convention
from uncc.domain.state_names import StateChoice, merged, resolve
from uncc.errors import NotFoundError
from uncc.services import preferences
from uncc.services.cases import Case
from uncc.services.context import NodeContext, Principal
from uncc.services.identity import node_info
from uncc.services.network import directory as network_directory

TARGET_KINDS = ("data", "system", "provider", "communication", "property")
"""What an order may be directed at, as the analysis names targets (``property``: an item
of the case's register, Art. 50)."""


@dataclass(frozen=True)
class TargetChoice:
    """A target the case's analysis names for one of our powers."""

    id: str
    kind: str
    location: str | None
    powers: tuple[str, ...]

    @property
    def value(self) -> str:
        """The form value: ``id|kind|location``."""
        return f"{self.id}|{self.kind}|{self.location or ''}"


def targets_of(case: Case, state: str) -> list[TargetChoice]:
    """The targets the analysis names for our State's measures, once each, with their powers."""
    held: dict[tuple[str, str, str | None], list[str]] = {}
    for measure in case.analysis.get("measures", []):
        if measure.get("state") != state:
            continue
        for t in measure.get("targets", []):
            held.setdefault((t["id"], t["kind"], t.get("location")), []).append(measure["power"])
    return [TargetChoice(i, k, loc, tuple(dict.fromkeys(p))) for (i, k, loc), p in held.items()]


@dataclass(frozen=True)
class OffenceChoice:
    """An offence a form offers: its id, its name with the article, and the analysis' status."""

    id: str
    label: str
    status: str = ""
    """established, undetermined or not_established under our law ('' without a case)."""


def offences_of(case: Case, state: str) -> list[OffenceChoice]:
    """The offences of the case's analysis for our State, best status first, then by article."""
    named = {o["offence"]: (o["name"], o["article"]) for o in case.analysis.get("offences", [])}
    rank = {"established": 0, "undetermined": 1, "not_established": 2}
    found = [
        OffenceChoice(offence, f"{named[offence][0]} (Art. {named[offence][1]})", status)
        for offence, status in case.findings(state)
    ]
    return sorted(found, key=lambda c: (rank.get(c.status, 3), named[c.id][1], c.id))


def convention_offences() -> list[OffenceChoice]:
    """Every offence of the Convention model, by article."""
    return [
        OffenceChoice(o.id, f"{o.name} (Art. {article.number})")
        for article, o in load_convention().offences()
    ]


def states(ctx: NodeContext) -> list[StateChoice]:
    """Our State and every State of the directory (the hub left out), by code."""
    with ctx.engine.connect() as conn:
        node = node_info(conn)
        try:
            members = network_directory.directory(conn).members
        except NotFoundError:
            members = []
    found = [StateChoice(node.state, node.profile.name, (node.name,))]
    for member in members:
        if "hub" in member.roles:
            continue
        published = (member.profile or {}).get("name")
        names = (str(published),) if published else ()
        found.append(StateChoice(member.state, names[0] if names else member.name, (member.name,)))
    return merged(found)


def state_code(ctx: NodeContext, text: str, field: str) -> str | None:
    """The code of the State ``text`` names (code or name); None when empty.

    Raises:
        UserInputError: no State or several go by that name (``field`` named, choices listed).
    """
    return resolve(text, states(ctx), field)


def our_contact(ctx: NodeContext, who: Principal) -> dict[str, Any]:
    """The contact of a request we send: our 24/7 point in the directory, else the user.

    The user's own e-mail and time zone fill what the directory leaves empty.
    """
    with ctx.engine.connect() as conn:
        me = node_info(conn).state
        try:
            ours = network_directory.directory(conn).member(me)
        except NotFoundError:
            ours = None
    mine = preferences.of(ctx, who.user)
    contact: dict[str, Any] = {"name": who.user, "office_hours": "24/7", "time_zone": "UTC"}
    if ours is not None:
        contact.update(ours.contact_point.model_dump(mode="json", exclude_none=True))
    if not contact.get("email") and mine.email:
        contact["email"] = mine.email
    if ours is None:
        contact["time_zone"] = mine.time_zone
    return contact
