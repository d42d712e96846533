"""Receiving a batch: several envelopes in one POST, each checked alone, stored with one commit.

A batch is a body of compact tokens, one per line (``POST /network/v1/inbox/batch``).
Each token is verified, decrypted and checked exactly as a single message is
(``inbox.open_checked``); a refused one gets its rejected receipt and nothing of it is
stored. The accepted ones are stored and their effects applied in one transaction, each
inside its own savepoint: one whose effect fails is rolled back alone and gets no
receipt (its sender tries it again), the others commit together. The answer is one
signed receipt per token, in the order of the tokens (an empty line where there is none).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from uncc.domain.envelope import Envelope, EnvelopeError
from uncc.errors import TooLargeError, UserInputError
from uncc.services.context import NodeContext
from uncc.services.identity import node_info
from uncc.services.network import directory as network_directory
from uncc.services.network import inbox

BATCH_PATH = "/network/v1/inbox/batch"
MEDIA_TYPE = "application/jose; uncc=batch"
"""A batch, and its answer: one compact token per line."""
MAX_BATCH = 100
"""The most envelopes one batch may carry (the body's byte cap applies as well)."""


@dataclass
class _Taken:
    """A verified envelope of the batch, waiting for its outcome."""

    index: int
    token: str
    envelope: Envelope
    outcome: str | None = None
    error: EnvelopeError | None = None


def split(body: str) -> list[str]:
    """The tokens of a batch body (one per line, blank lines ignored).

    Raises:
        TooLargeError: more than ``MAX_BATCH`` tokens.
        UserInputError: no token at all.
    """
    tokens = [line.strip() for line in body.splitlines() if line.strip()]
    if len(tokens) > MAX_BATCH:
        raise TooLargeError(f"a batch carries at most {MAX_BATCH} messages, this one {len(tokens)}")
    if not tokens:
        raise UserInputError("body: a batch needs at least one message (one token per line)")
    return tokens


def receive_batch(
    ctx: NodeContext, tokens: list[str], *, refresh: Callable[[], object] | None = None
) -> list[tuple[int, str] | None]:
    """Take the batch's messages in; for each, its status and signed receipt (or None).

    None: the message's effect failed and was rolled back; it was not taken.
    """
    with ctx.engine.connect() as conn:
        me = node_info(conn).state
        directory = network_directory.directory(conn)
    answers: list[tuple[int, str] | None] = [None] * len(tokens)
    taken: list[_Taken] = []
    for index, token in enumerate(tokens):
        try:
            signed, envelope = inbox.open_checked(ctx, token, directory, me, refresh)
        except EnvelopeError as exc:
            answers[index] = inbox.refuse(ctx, me, token, exc)
            continue
        taken.append(_Taken(index, signed, envelope))
    if not taken:
        return answers
    try:
        _store_all(ctx, taken)
    except IntegrityError:  # another request stored one of them meanwhile: one at a time
        for item in taken:
            answers[item.index] = inbox.receive(ctx, tokens[item.index], refresh=refresh)
        return answers
    key = ctx.key()  # read once: every receipt of the batch is signed with it
    for item in taken:
        if item.outcome is not None:
            answers[item.index] = inbox.answer(
                ctx, me, item.envelope, item.outcome, item.error, key=key
            )
    return answers


def _store_all(ctx: NodeContext, taken: list[_Taken]) -> None:
    """Store every verified message in one transaction, each in a savepoint of its own."""
    with ctx.engine.begin() as conn:
        for item in taken:
            savepoint = conn.begin_nested()
            try:
                item.outcome, item.error = inbox.store(ctx, conn, item.token, item.envelope)
            except IntegrityError:
                savepoint.rollback()
                raise
            except Exception:  # its effect failed: roll it back alone, no receipt
                savepoint.rollback()
                inbox.log.exception("message %s of a batch was not taken", item.envelope.id)
                continue
            savepoint.commit()


def joined(answers: list[tuple[int, str] | None]) -> str:
    """The batch's answer body: one receipt per line, in the order of the tokens."""
    return "\n".join("" if found is None else found[1] for found in answers) + "\n"
