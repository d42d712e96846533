"""``uncc handling``: consent to pass received data on, and retention decisions."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from uncc.domain.policy import Action
from uncc.entrypoints.cli.output import Format, FormatOpt, emit, epilog, listing, print_table

app = typer.Typer(
    help="Handling codes of received data: ask or give consent for onward transfer; retention.",
    no_args_is_help=True,
)
console = Console(soft_wrap=True)
RequestId = Annotated[str, typer.Argument(help="The request (conversation) the data came in.")]


def _say(text: str) -> None:
    console.print(text, highlight=False, markup=False)


@app.command(
    "consent",
    epilog=epilog(
        Action.NETWORK_SEND,
        limits="the data goes on only once the sending State grants it.",
        example="uncc handling consent REQUEST-ID --to XB --purpose 'joint prosecution'",
    ),
)
def consent_command(
    request_id: RequestId,
    to: Annotated[str, typer.Option("--to", help="The third State (two letters).")],
    purpose: Annotated[str, typer.Option("--purpose", help="What it would be used for there.")],
    what: Annotated[
        str, typer.Option("--what", help="What would go (facts, evidence items, answers).")
    ] = "the facts and evidence received in this request",
    output_format: FormatOpt = Format.TEXT,
) -> None:
    """Ask the State that sent the data for consent to give it to a third State."""
    from uncc.entrypoints.cli.session import context, principal  # noqa: PLC0415
    from uncc.services.network import consent  # noqa: PLC0415

    asked = consent.ask_consent(
        context(), principal(), request_id, to_state=to, purpose=purpose, what=what
    )
    if emit(asked, output_format):
        return
    _say(f"consent to give it to {to} asked; the answer arrives in the request's thread")


@app.command(
    "answer",
    epilog=epilog(
        Action.NETWORK_ANSWER,
        example="uncc handling answer REQUEST-ID MESSAGE-ID --grant --conditions 'prosecution only'",
    ),
)
def answer_command(
    request_id: RequestId,
    message: Annotated[str, typer.Argument(help="The consent request (message id).")],
    grant: Annotated[bool, typer.Option("--grant/--refuse", help="Grant or refuse.")],
    conditions: Annotated[str, typer.Option("--conditions", help="Conditions of a grant.")] = "",
    output_format: FormatOpt = Format.TEXT,
) -> None:
    """Grant or refuse another State's request to pass on what we sent it."""
    from uncc.entrypoints.cli.session import context, principal  # noqa: PLC0415
    from uncc.services.network import consent  # noqa: PLC0415

    answered = consent.answer_consent(
        context(), principal(), request_id, message, granted=grant, conditions=conditions
    )
    if emit(answered, output_format):
        return
    _say(f"consent {'granted' if grant else 'refused'}; the answer is in the outbox")


@app.command(
    "retention", epilog=epilog(Action.NETWORK_READ, example="uncc handling retention --format json")
)
def retention_command(output_format: FormatOpt = Format.TEXT) -> None:
    """Received messages past their retention (handling.retention_days), waiting for a decision."""
    from uncc.entrypoints.cli.session import context, principal  # noqa: PLC0415
    from uncc.services.network import retention  # noqa: PLC0415

    flags = retention.flagged(context(), principal())
    if emit(flags, output_format):
        return
    if not flags:
        _say("nothing is past its retention")
        return
    table = listing(
        "message",
        "from",
        "type",
        "request",
        "created",
        "keep until",
        "evidence",
        ids=("message", "request"),
    )
    for f in flags:
        table.add_row(
            f.message,
            f.sender,
            f.type,
            f.conversation,
            f.created.date().isoformat(),
            f.retain_until.date().isoformat(),
            ", ".join(f.evidence),
        )
    print_table(table)


@app.command(
    "decide",
    epilog=epilog(
        Action.NETWORK_ADMIN,
        limits="either --delete or --keep-days N; audited with the reason.",
        example="uncc handling decide MESSAGE-ID --delete --reason 'retention over'",
    ),
)
def decide_command(
    message: Annotated[str, typer.Argument(help="A flagged message (id).")],
    reason: Annotated[str, typer.Option("--reason", help="Why (audited).")],
    delete: Annotated[
        bool, typer.Option("--delete", help="Erase its content (its trace stays).")
    ] = False,
    keep_days: Annotated[
        int | None, typer.Option("--keep-days", help="Keep it this many days more instead.")
    ] = None,
    output_format: FormatOpt = Format.TEXT,
) -> None:
    """Decide on a message past its retention: delete its content, or keep it longer."""
    from uncc.entrypoints.cli.session import context, principal  # noqa: PLC0415
    from uncc.errors import UserInputError  # noqa: PLC0415
    from uncc.services.network import retention  # noqa: PLC0415

    if delete == (keep_days is not None):
        raise UserInputError("give either --delete or --keep-days N")
    outcome = retention.decide(
        context(), principal(), message, delete=delete, reason=reason, keep_days=keep_days
    )
    if emit({"message": message, "outcome": outcome}, output_format):
        return
    _say(f"{message}: {outcome}")
