"""Which message may go into which conversation, from whom: the binding rules, as data.

A conversation is opened by a request and belongs to two parties: the requesting State
and the requested State. The requested State answers; the requesting State may only
follow up (consult). Each answer kind must fit the request kind (``ANSWERS``). A
message that opens a conversation must come with a conversation id nobody has used.
The receiver applies these rules before it stores anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from uncc.domain import cooperation
from uncc.domain.envelope import Envelope, EnvelopeError, Rejection
from uncc.domain.measure_requests import MEASURE_REQUESTS
from uncc.domain.messages import REQUESTS
from uncc.domain.references import REFERENCE, claims_other_state

_CONSENT = frozenset({"consent_request", "consent_answer"})
"""Either party may ask the other for consent to pass its data on, and answer (handling codes)."""
_STATUS = frozenset({"acknowledgment", "status_update", "refusal", "consultation"}) | _CONSENT
_MEASURE = _STATUS | {"execution_result", "evidence_transfer"}
ANSWERS: Mapping[str, frozenset[str]] = {
    **dict.fromkeys(MEASURE_REQUESTS, _MEASURE),
    "video_hearing_request": _STATUS | {"hearing_record"},
    "assistance_request": _STATUS | {"assistance_answer", "evidence_transfer"},
    "preservation_request": _STATUS
    | {"execution_result", "traffic_disclosure", "evidence_transfer"},
    "subscriber_request": _STATUS | {"execution_result", "evidence_transfer"},
    "conviction_query": _STATUS | {"conviction_answer"},
    "deconfliction_hit": frozenset({"acknowledgment", "consultation"}),
}
"""Request kind → the kinds the requested State may send in its conversation."""
MEASURES: Mapping[str, frozenset[str]] = {
    name: kind.powers for name, kind in cooperation.kinds().items() if kind.powers
}
"""Request kind → the domestic powers (Convention model ids) whose order can execute it.

An execution result (or a traffic disclosure) names one such order of the requested
State, issued or executed under its own law; a request kind not listed here has none."""
BACKED = frozenset({"execution_result", "traffic_disclosure"})
"""Answers that report a measure taken: each names the order that took it."""
BACKING_STATES = frozenset({"issued", "executed"})
"""The states of an order that back an execution result."""
FOLLOW_UPS = frozenset({"consultation"}) | _CONSENT
"""What the requesting State may send into its own request's conversation."""
OPENERS = REQUESTS | {"deconfliction_key"}
"""Kinds that start a conversation: their conversation id must be new."""
FREE = frozenset({"consultation"})
"""Kinds that may also start an untracked thread of their own."""
TEAM = frozenset({"jit_proposal", "jit_acceptance", "jit_entry"})
"""Joint investigation team messages: many parties in one conversation (the team id),
bound by the team's signed agreement, which ``services/jit.py`` checks (membership,
signatures, the log's chain), not by the two-party rules here."""


@dataclass(frozen=True)
class Seen:
    """What the receiver knows of a conversation id before taking a message into it."""

    kind: str | None = None
    """The request that opened it here (None: no request of that id is tracked)."""
    direction: str | None = None
    """'out' when we asked, 'in' when we were asked."""
    peer: str | None = None
    """The other party: the tracked peer, or the sender of the untracked thread."""
    used: bool = False
    """The id is in use here (tracked, sent by us, or received from someone)."""


def allowed(kind: str, *, asked: str, direction: str) -> bool:
    """May a party send ``kind`` into a conversation opened by ``asked``, on its side?

    ``direction`` is the conversation's direction *at the sender*: 'in' for the
    requested State (it answers), 'out' for the requesting State (it follows up).
    """
    if direction == "in":
        return kind in ANSWERS.get(asked, frozenset())
    return kind in FOLLOW_UPS


def unfit_outcome(kind: str, asked: str, body: Mapping[str, object]) -> str | None:
    """Why an execution result's outcome does not fit the request (None: it fits)."""
    known = cooperation.kind(asked)
    if kind != "execution_result" or known is None or not known.outcomes:
        return None
    outcome = body.get("outcome")
    if outcome in known.outcomes:
        return None
    return (
        f"outcome: a {asked.replace('_', ' ')} is not {outcome}; "
        f"expected one of {', '.join(sorted(known.outcomes))}"
    )


def _squatted(envelope: Envelope, seen: Seen) -> str | None:
    """The State whose reference a message would be first to use here, when not the sender's.

    Any message stored under an id makes that id used: a request, but also a
    consultation or a team message, under another State's next request reference
    would block that request. A team message may carry another State's team id (the
    team's proposer's), which a request never has.
    """
    if seen.used or seen.peer is not None:
        return None
    claimed = claims_other_state(envelope.conversation, envelope.sender)
    match = REFERENCE.match(envelope.conversation)
    if envelope.type in TEAM and match is not None and match["kind"] == "JIT":
        return None
    return claimed


def check_binding(envelope: Envelope, seen: Seen) -> None:
    """Refuse a message that does not belong in its conversation, from its sender.

    Raises:
        EnvelopeError: CONVERSATION_EXISTS, UNKNOWN_CONVERSATION, NOT_A_PARTY,
            WRONG_DIRECTION or UNFIT_ANSWER.
    """
    raw = envelope.as_json()
    kind, sender = envelope.type, envelope.sender
    claimed = _squatted(envelope, seen)
    if claimed is not None:  # taking another State's next reference would block its request
        raise EnvelopeError(
            Rejection.NOT_A_PARTY,
            f"conversation {envelope.conversation} is a reference of {claimed}; {sender} opens its own",
            raw,
        )
    if kind in TEAM:
        return
    if kind in OPENERS:
        if seen.used:
            raise EnvelopeError(
                Rejection.CONVERSATION_EXISTS,
                f"conversation {envelope.conversation} already exists: a {kind} needs a new one",
                raw,
            )
        return
    if seen.peer is None:
        if kind in FREE:
            return
        raise EnvelopeError(
            Rejection.UNKNOWN_CONVERSATION,
            f"a {kind} answers a request; conversation {envelope.conversation} is not one here",
            raw,
        )
    if seen.peer != sender:
        raise EnvelopeError(
            Rejection.NOT_A_PARTY,
            f"{sender} is not a party to conversation {envelope.conversation}",
            raw,
        )
    if seen.kind is None:
        if kind in FREE:
            return
        raise EnvelopeError(
            Rejection.UNKNOWN_CONVERSATION,
            f"a {kind} answers a request; conversation {envelope.conversation} is not one here",
            raw,
        )
    # the sender's side is the opposite of ours
    theirs = "in" if seen.direction == "out" else "out"
    if allowed(kind, asked=seen.kind, direction=theirs):
        unfit = unfit_outcome(kind, seen.kind, envelope.body)
        if unfit:
            raise EnvelopeError(Rejection.UNFIT_ANSWER, unfit, raw)
        return
    if theirs == "out":
        raise EnvelopeError(
            Rejection.WRONG_DIRECTION,
            f"{sender} made this {seen.kind}; only the requested State sends a {kind}",
            raw,
        )
    raise EnvelopeError(
        Rejection.UNFIT_ANSWER,
        f"a {kind} does not answer a {seen.kind} (fitting: {', '.join(sorted(ANSWERS[seen.kind]))})",
        raw,
    )
