"""``uncc evidence verify|head`` and ``uncc witness``: the vault proved whole, heads kept elsewhere."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from uncc.domain.policy import Action
from uncc.entrypoints.cli.desk import desk
from uncc.entrypoints.cli.evidence import evidence_app
from uncc.entrypoints.cli.inputs import read_text
from uncc.entrypoints.cli.output import Format, FormatOpt, emit, epilog
from uncc.entrypoints.cli.session import context, principal
from uncc.entrypoints.cli.store import write_text_atomically

witness_app = typer.Typer(
    help="Witnesses of the custody log: the hub and named peers cosign this node's heads.",
    no_args_is_help=True,
)
console = Console(soft_wrap=True)


def _say(text: str) -> None:
    console.print(text, highlight=False, markup=False)


@evidence_app.command(
    "verify",
    epilog=epilog(
        Action.EVIDENCE_VERIFY, example="uncc evidence verify --since head-2026-03-01.txt"
    ),
)
def evidence_verify(
    case_id: Annotated[str | None, typer.Option("--case", help="Only this case's items.")] = None,
    since: Annotated[
        Path | None,
        typer.Option(
            "--since", help="A head exported earlier (uncc evidence head): the log must extend it."
        ),
    ] = None,
    witnesses: Annotated[
        bool,
        typer.Option(
            "--witnesses/--no-witnesses", help="Check the witnesses' cosigned heads (in a network)."
        ),
    ] = True,
    full: Annotated[
        bool,
        typer.Option(
            "--full",
            help="Replay every custody event from the log's start, not from the signed state snapshot.",
        ),
    ] = False,
    output_format: FormatOpt = Format.TEXT,
) -> None:
    """Verify the whole vault: blobs, custody log, checkpoints, rows, heads kept elsewhere. Exit 1 on a break."""
    head = read_text(since, "head") if since is not None else None
    report = desk().verify(case_id, head, witnesses, full)
    if emit(report, output_format):
        if report.breaks:
            raise typer.Exit(1)
        return
    for found in report.breaks:
        item = f" ({found.item})" if found.item and found.item not in found.where else ""
        _say(f"BREAK {found.where}{item} [{found.kind}]: {found.problem}")
    for state in report.unreached:
        _say(f"witness {state} could not be reached: its head was not checked (not waited for)")
    if report.witnesses:
        _say("witnesses checked: " + ", ".join(report.witnesses))
    if report.breaks:
        raise typer.Exit(1)
    checked = " and extends the exported head" if head is not None else ""
    _say(
        f"vault verified: {report.items} items match their blobs and their custody events; "
        f"the log of {report.entries} entries matches its signed checkpoints{checked}"
    )


@evidence_app.command(
    "head", epilog=epilog(Action.EVIDENCE_VERIFY, example="uncc evidence head -o head.txt")
)
def evidence_head(
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write the signed head to this file.")
    ] = None,
    output_format: FormatOpt = Format.TEXT,
) -> None:
    """The custody log's signed tree head (a C2SP checkpoint note): keep it outside the node."""
    head = desk().head()
    if output is None and emit(head, output_format):
        return
    if output is None:
        typer.echo(head.note, nl=False)
        return
    write_text_atomically(output, head.note)
    _say(f"head of {head.size} entries (root {head.root[:16]}…) written to {output}")


@witness_app.command("add", epilog=epilog(Action.NETWORK_ADMIN, example="uncc witness add XB"))
def witness_add(
    state: Annotated[str, typer.Argument(help="The member's State code.")],
    output_format: FormatOpt = Format.TEXT,
) -> None:
    """Name a member as a witness of this node's custody log (the hub always is one)."""
    from uncc.services.network import witnessing  # noqa: PLC0415

    witnessing.name_witness(context(), principal(), state.upper())
    named = [w for w in witnessing.statuses(context(), principal()) if w.state == state.upper()]
    if emit(named[0] if named else {"state": state.upper()}, output_format):
        return
    _say(f"{state.upper()} is a witness of this node's custody log")


@witness_app.command(
    "list", epilog=epilog(Action.NETWORK_READ, example="uncc witness list --format json")
)
def witness_list(output_format: FormatOpt = Format.TEXT) -> None:
    """The witnesses of this node's log: the newest head each cosigned, the last failure."""
    from uncc.services.network import witnessing  # noqa: PLC0415

    found = witnessing.statuses(context(), principal())
    if emit(found, output_format):
        return
    for w in found:
        held = (
            f"cosigned {w.size} entries at {w.cosigned_at:%Y-%m-%d %H:%M}"
            if w.cosigned_at
            else "nothing cosigned yet"
        )
        failing = f"; {w.attempts} failed attempts, last: {w.last_error}" if w.last_error else ""
        _say(f"{w.state}: {held}{failing}")


@witness_app.command("publish", epilog=epilog(Action.NETWORK_ADMIN, example="uncc witness publish"))
def witness_publish(output_format: FormatOpt = Format.TEXT) -> None:
    """Send the newest signed head to every witness now. Exit 1 if one refused it."""
    from uncc.adapters.http_transport import HttpTransport  # noqa: PLC0415
    from uncc.services.network import witnessing  # noqa: PLC0415

    report = witnessing.publish_as(context(), principal(), HttpTransport())
    if emit(report, output_format):
        if report.refused:
            raise typer.Exit(1)
        return
    for state in report.cosigned:
        _say(f"{state} cosigned the head of {report.size} entries")
    for state, reason in report.unreached.items():
        _say(f"{state} could not be reached (retried later): {reason}")
    for state, reason in report.refused.items():
        _say(f"{state} REFUSED the head: {reason}")
    if report.refused:
        raise typer.Exit(1)


@witness_app.command("compare", epilog=epilog(Action.NETWORK_ADMIN, example="uncc witness compare"))
def witness_compare(output_format: FormatOpt = Format.TEXT) -> None:
    """Compare the heads this node cosigned with the other witnesses'. Exit 1 on a fork."""
    from uncc.adapters.http_transport import HttpTransport  # noqa: PLC0415
    from uncc.services.network import witness_compare  # noqa: PLC0415

    found = witness_compare.compare_as(context(), principal(), HttpTransport())
    if emit(found, output_format):
        if found:
            raise typer.Exit(1)
        return
    for conflict in found:
        _say(f"FORK {conflict.state}: {conflict.reason}")
    if found:
        raise typer.Exit(1)
    _say("no fork: the other witnesses hold the same heads for the sizes this node cosigned")
