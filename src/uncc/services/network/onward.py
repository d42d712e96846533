"""Handling codes enforced on what a node received: no onward transfer without consent.

Every message carries SIENA-style handling (``handling.use``, ``onward``,
``retention_days``). What this node received — the facts that came with a request and
opened a case here, evidence taken in from another State — may go back to the State it
came from, and to a third State only when that State granted it in a ``consent_answer``
on the same conversation (``onward: none``: never). The check runs before anything is
written or queued, so a refused forwarding leaves no trace but the refusal.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, select

from uncc.adapters.db import schema
from uncc.domain.envelope import MAX_RETENTION_DAYS, Handling, Onward
from uncc.errors import PermissionDeniedError, UserInputError
from uncc.services.network.envelopes import payload_of

ERASED = ""
"""The inbox token of a message whose content was deleted at the end of its retention."""


@dataclass(frozen=True)
class Origin:
    """Received data about to be used: who sent it, in which conversation, with what handling."""

    state: str
    conversation: str
    message: str
    what: str
    onward: Onward
    use: str


def _handling(token: str) -> tuple[Onward, str]:
    if token == ERASED:  # deleted at the end of its retention: nothing may go on
        return Onward.NONE, "erased"
    handling = payload_of(token).get("handling") or {}
    try:
        onward = Onward(str(handling.get("onward", Onward.WITH_CONSENT.value)))
    except ValueError:
        onward = Onward.NONE
    return onward, str(handling.get("use", ""))


def origins(conn: Connection, *, case_id: str | None, evidence_ids: list[str]) -> list[Origin]:
    """The received data among a case's facts and the given evidence items."""
    found: list[Origin] = []
    if case_id is not None:
        talks = conn.execute(
            select(schema.conversations.c.id, schema.conversations.c.peer).where(
                schema.conversations.c.case_id == case_id,
                schema.conversations.c.direction == "in",
            )
        ).all()
        for talk in talks:
            request = conn.execute(
                select(schema.inbox.c.id, schema.inbox.c.token)
                .where(
                    schema.inbox.c.conversation == talk.id,
                    schema.inbox.c.sender == talk.peer,
                )
                .order_by(schema.inbox.c.seq)
                .limit(1)
            ).first()
            if request is not None:
                onward, use = _handling(request.token)
                what = f"the facts of case {case_id} (from {talk.peer}'s request)"
                found.append(Origin(talk.peer, talk.id, request.id, what, onward, use))
    wanted = set(evidence_ids)
    if wanted:
        taken = conn.execute(
            select(schema.audit.c.object, schema.audit.c.details).where(
                schema.audit.c.action == "network.evidence_accepted",
                schema.audit.c.outcome == "ok",
            )
        ).all()
        for row in taken:
            details = row.details or {}
            if details.get("evidence") not in wanted:
                continue
            message = str(details.get("message_item", "")).split("/", 1)[0]
            sent = conn.execute(
                select(schema.inbox.c.sender, schema.inbox.c.token).where(
                    schema.inbox.c.id == message
                )
            ).first()
            if sent is not None:
                onward, use = _handling(sent.token)
                what = f"evidence {details['evidence']} (received from {sent.sender})"
                found.append(Origin(sent.sender, row.object, message, what, onward, use))
    return found


def consented(conn: Connection, origin: Origin, to_state: str) -> bool:
    """True when the origin's sender granted passing its data to ``to_state`` (consent_answer)."""
    answers = conn.execute(
        select(schema.inbox.c.token).where(
            schema.inbox.c.conversation == origin.conversation,
            schema.inbox.c.sender == origin.state,
            schema.inbox.c.type == "consent_answer",
            schema.inbox.c.status == "applied",
        )
    ).scalars()
    for token in answers:
        if token == ERASED:
            continue
        body = payload_of(token).get("body") or {}
        if body.get("granted") is True and body.get("to_state") == to_state:
            return True
    return False


def answer_origin(conn: Connection, *, conversation: str, sender: str, kind: str) -> Origin | None:
    """The newest answer of ``kind`` that ``sender`` sent us on ``conversation`` (None: none)."""
    row = conn.execute(
        select(schema.inbox.c.id, schema.inbox.c.token)
        .where(
            schema.inbox.c.conversation == conversation,
            schema.inbox.c.sender == sender,
            schema.inbox.c.type == kind,
        )
        .order_by(schema.inbox.c.seq.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    onward, use = _handling(row.token)
    what = f"the {kind.replace('_', ' ')} {sender} sent on {conversation}"
    return Origin(sender, conversation, row.id, what, onward, use)


def check_onward(
    conn: Connection, *, to_state: str, case_id: str | None, evidence_ids: list[str]
) -> None:
    """Refuse to send received data to a third State without its sender's consent.

    Raises:
        PermissionDeniedError: naming each piece of data, where it came from and how to ask.
    """
    blocked: list[str] = []
    for origin in origins(conn, case_id=case_id, evidence_ids=evidence_ids):
        if origin.state == to_state:
            continue  # back to where it came from
        if origin.onward is Onward.NONE:
            blocked.append(
                f"{origin.what}: {origin.state}'s handling allows no onward transfer, not even with consent"
            )
        elif not consented(conn, origin, to_state):
            blocked.append(
                f"{origin.what}: may go to {to_state} only with {origin.state}'s consent "
                f"(ask: uncc handling consent {origin.conversation} --to {to_state} --purpose …)"
            )
    if blocked:
        raise PermissionDeniedError(
            "handling codes forbid this onward transfer: " + "; ".join(blocked)
        )


def handling_of(*, use: str | None, onward: str, retention_days: int) -> Handling:
    """Handling codes from a user's choices, each checked (the field named when wrong)."""
    try:
        chosen = Onward(onward)
    except ValueError:
        known = ", ".join(o.value for o in Onward)
        raise UserInputError(f"onward: '{onward}' is not one of {known}") from None
    if not 1 <= retention_days <= MAX_RETENTION_DAYS:
        raise UserInputError(f"retention_days: from 1 to {MAX_RETENTION_DAYS}")
    if use is not None and not use.strip():
        raise UserInputError("use: say what the receiver may use it for")
    return Handling(use=use or Handling().use, onward=chosen, retention_days=retention_days)
