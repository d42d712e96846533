"""Art. 44 path tracing: the previous hop a traffic disclosure reveals, and what to do next.

A preservation of traffic data at one provider may show that the communication came
through a provider in another State. The requested State discloses enough of the
traffic data to identify that provider and the path (Art. 44); the requesting State then
asks the State of the previous hop to preserve its part of the path, and so on back to
the source. These rules are pure: the services apply them to the conversations stored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from uncc.domain.messages import TrafficDisclosure

PROVISION = "art_44"
"""The Convention model's id of the expedited partial disclosure of traffic data."""


@dataclass(frozen=True)
class Hop:
    """One provider on the path of the communication, as the traffic data shows it."""

    provider: str
    state: str | None
    address: str | None
    at: dt.datetime | None


def hops(body: dict[str, Any]) -> list[Hop]:
    """The hops a traffic disclosure names, from the disclosing provider backwards.

    The last one is the previous hop: ``next_provider``/``next_state``, when given,
    name its provider and State (they override the last hop's).
    """
    disclosure = TrafficDisclosure.model_validate(body)
    out = [Hop(h.provider, h.state, h.address, h.at) for h in disclosure.path]
    last = out[-1]
    if disclosure.next_provider or disclosure.next_state:
        out[-1] = Hop(
            disclosure.next_provider or last.provider,
            disclosure.next_state or last.state,
            last.address,
            last.at,
        )
    return out


def previous_hop(body: dict[str, Any]) -> Hop:
    """The hop the communication came from: where to ask next."""
    return hops(body)[-1]


def needs_request(hop: Hop, *, us: str, asked: str) -> bool:
    """Does the previous hop call for a request to another State?

    Not when its State is unknown (the desk must find out), ours (a domestic order), or
    the State already asked (it identified the provider in its own territory).
    """
    return hop.state is not None and hop.state not in (us, asked)


def describe(hop: Hop) -> str:
    """The hop in words: provider, State, address and time, as far as known."""
    parts = [hop.provider]
    if hop.state:
        parts.append(f"in {hop.state}")
    if hop.address:
        parts.append(f"address {hop.address}")
    if hop.at:
        parts.append(f"at {hop.at.isoformat()}")
    return ", ".join(parts)


def next_move(hop: Hop, *, us: str, asked: str, conversation: str) -> str:
    """The next step a disclosed hop calls for, in words (with the command when one is due)."""
    if needs_request(hop, us=us, asked=asked):
        return f"ask {hop.state} to preserve it in one step: uncc request follow-hop {conversation}"
    if hop.state is None:
        return "its State is not known yet"
    if hop.state == us:
        return "it is in our territory: a domestic order (Art. 44)"
    return "it is in the State already asked"


def proposal(hop: Hop, *, us: str, asked: str, conversation: str) -> str:
    """What the desk is told when a disclosure arrives: the hop, and the next step."""
    move = next_move(hop, us=us, asked=asked, conversation=conversation)
    return f"previous hop: {describe(hop)}; {move}"
