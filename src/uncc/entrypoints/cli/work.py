"""``uncc case``, ``uncc order``, ``uncc evidence``, ``uncc notices``: the node's daily work."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from uncc.domain.orders import Command, Order, Target
from uncc.entrypoints.cli.inputs import read_document
from uncc.entrypoints.cli.session import context, principal
from uncc.entrypoints.cli.store import write_text_atomically
from uncc.errors import UserInputError

if TYPE_CHECKING:
    from uncc.services.context import Principal

case_app = typer.Typer(
    help="Cases, opened from an analysis of incident facts.", no_args_is_help=True
)
order_app = typer.Typer(
    help="Orders under the Convention's powers (Arts. 43-50).", no_args_is_help=True
)
evidence_app = typer.Typer(
    help="The evidence vault and its chain of custody.", no_args_is_help=True
)
console = Console(soft_wrap=True)


@case_app.command("open")
def case_open(
    facts: Annotated[Path, typer.Argument(help="Incident facts (uncc: incident/1).")],
    title: Annotated[
        str | None, typer.Option("--title", help="A title (default: the incident's).")
    ] = None,
) -> None:
    """Open a case: the facts are analysed under the node's profile and kept with the case."""
    from uncc.services import cases  # noqa: PLC0415 - SQLAlchemy loads only when needed

    raw = read_document(facts, "incident facts")
    case = cases.open_case(context(), principal(), raw, title)
    console.print(f"opened {case.id}: {case.title}", highlight=False, markup=False)
    for offence, status in case.findings(case.analysis["states"][0]):
        if status != "not_established":
            console.print(f"  {status:>13}  {offence}", highlight=False, markup=False)


@case_app.command("list")
def case_list() -> None:
    """List the cases."""
    from uncc.services import cases  # noqa: PLC0415 - SQLAlchemy loads only when needed

    table = Table("Case", "Title", "Status")
    for row in cases.list_cases(context(), principal()):
        table.add_row(*row)
    console.print(table)


@case_app.command("show")
def case_show(
    case_id: Annotated[str, typer.Argument(help="The case id, e.g. C-2026-0001.")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the case with its facts and analysis as JSON.")
    ] = False,
) -> None:
    """Show a case, its findings for the node's State, and its orders."""
    from uncc.services import cases, orders  # noqa: PLC0415 - SQLAlchemy loads only when needed

    who = principal()
    case = cases.get_case(context(), who, case_id)
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "id": case.id,
                    "title": case.title,
                    "status": case.status,
                    "facts": case.facts,
                    "analysis": case.analysis,
                    "notes": [
                        {"author": n.author, "at": n.at.isoformat(), "text": n.text}
                        for n in cases.list_notes(context(), who, case_id)
                    ],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    console.print(
        f"{case.id} — {case.title} ({case.status}), opened by {case.created_by}", highlight=False
    )
    for offence, status in case.findings(case.analysis["states"][0]):
        console.print(f"  {status:>15}  {offence}", highlight=False, markup=False)
    for order in orders.list_orders(context(), who, case_id):
        console.print(
            f"  order {order.id}: {order.power} — {order.state.value}",
            highlight=False,
            markup=False,
        )
    _case_contents(who, case_id)
    for note in cases.list_notes(context(), who, case_id):
        console.print(
            f"  note {note.at:%Y-%m-%d %H:%M} {note.author}: {note.text}",
            highlight=False,
            markup=False,
        )


def _case_contents(who: Principal, case_id: str) -> None:
    """Evidence, protected persons (by pseudonym) and property items, where the role may see them."""
    from uncc.domain.policy import Action, allowed  # noqa: PLC0415
    from uncc.entrypoints.cli.protection import said  # noqa: PLC0415
    from uncc.services import evidence, proceeds, protection  # noqa: PLC0415

    def may(action: Action) -> bool:
        return any(allowed(r, action) for r in who.roles)

    if may(Action.EVIDENCE_READ):
        for item in evidence.list_evidence(context(), who, case_id):
            sealed = ", sealed" if item.sealed else ""
            console.print(
                f"  evidence {item.id}: {item.filename} ({item.size} bytes{sealed})",
                highlight=False,
                markup=False,
            )
    if may(Action.PROTECTED_READ):
        for person in protection.list_protected(context(), who, case_id):
            console.print(
                f"  protected {person.id}: {person.pseudonym} ({person.kind.value}, {person.provision})",
                highlight=False,
                markup=False,
            )
            said(person, "    ")
    for held in proceeds.list_property(context(), who, case_id):
        console.print(
            f"  property {held.id}: {held.account} ({held.location or '?'}) {held.assessed} — {held.status}",
            highlight=False,
            markup=False,
        )


@case_app.command("note")
def case_note(case_id: str, text: str) -> None:
    """Add a note to a case."""
    from uncc.services import cases  # noqa: PLC0415 - SQLAlchemy loads only when needed

    cases.add_note(context(), principal(), case_id, text)
    console.print(f"note added to {case_id}", highlight=False, markup=False)


def _target(spec: str) -> Target:
    parts = spec.split(":")
    if len(parts) != 3 or not all(parts[:2]):
        raise UserInputError(f"--target '{spec}': expected ID:KIND:STATE, e.g. logs:data:XA")
    return Target(parts[0], parts[1], parts[2] or None)


@order_app.command("draft")
def order_draft(
    case_id: Annotated[str, typer.Argument(help="The case.")],
    power: Annotated[
        str,
        typer.Option("--power", help="preservation, production_of_data, search, interception …"),
    ],
    offence: Annotated[
        list[str],
        typer.Option(
            "--offence", help="An offence of the case's analysis (legal basis); repeatable."
        ),
    ],
    target: Annotated[
        list[str],
        typer.Option(
            "--target", help="ID:KIND:STATE of what the order is directed at; repeatable."
        ),
    ],
    grounds: Annotated[str, typer.Option("--grounds", help="Why (Art. 42(2)).")],
    scope: Annotated[str, typer.Option("--scope", help="What exactly (Art. 42(2)).")],
    necessity: Annotated[str, typer.Option("--necessity", help="Why necessary (Art. 42(1)).")],
    proportionality: Annotated[
        str, typer.Option("--proportionality", help="Why proportionate (Art. 42(1)).")
    ],
    days: Annotated[
        int | None,
        typer.Option("--days", help="Duration in days (preservation: at most 90, Art. 43(2))."),
    ] = None,
) -> None:
    """Draft an order; the Convention's conditions are checked now, citing the provision."""
    from uncc.services import orders  # noqa: PLC0415 - SQLAlchemy loads only when needed
    from uncc.services.orders import DraftRequest  # noqa: PLC0415

    request = DraftRequest(
        power,
        tuple(offence),
        tuple(_target(t) for t in target),
        grounds,
        scope,
        necessity,
        proportionality,
        days,
    )
    order = orders.draft_order(context(), principal(), case_id, request)
    _print(order)


def _print(order: Order) -> None:
    judge = (
        "judge's authorisation required"
        if order.requires_authorisation
        else "no prior authorisation required"
    )
    console.print(
        f"{order.id} {order.power} — {order.state.value} ({judge})", highlight=False, markup=False
    )
    if order.confidential:
        console.print(f"  confidential [{order.confidential}]", highlight=False, markup=False)
    if order.expires_at:
        console.print(
            f"  expires {order.expires_at:%Y-%m-%d %H:%M} UTC; renewals {order.renewals}",
            highlight=False,
        )


def _command(command: Command):  # type: ignore[no-untyped-def]
    def run(
        order_id: Annotated[str, typer.Argument(help="The order id.")],
        note: Annotated[
            str, typer.Option("--note", help="Reasons or remarks (required to refuse).")
        ] = "",
    ) -> None:
        from uncc.services import orders  # noqa: PLC0415 - SQLAlchemy loads only when needed

        _print(orders.order_command(context(), principal(), order_id, command, note))

    run.__doc__ = f"{command.value.capitalize()} an order."
    return run


for _cmd in (
    Command.SUBMIT,
    Command.AUTHORISE,
    Command.REFUSE,
    Command.ISSUE,
    Command.RENEW,
    Command.EXECUTE,
    Command.REVOKE,
):
    order_app.command(_cmd.value)(_command(_cmd))


@order_app.command("list")
def order_list(
    case_id: Annotated[str | None, typer.Option("--case", help="Only this case.")] = None,
) -> None:
    """List the orders you may see."""
    from uncc.services import orders  # noqa: PLC0415 - SQLAlchemy loads only when needed

    table = Table("Order", "Case", "Power", "State", "Expires")
    for order in orders.list_orders(context(), principal(), case_id):
        table.add_row(
            order.id,
            order.case_id,
            order.power,
            order.state.value,
            f"{order.expires_at:%Y-%m-%d}" if order.expires_at else "",
        )
    console.print(table)


@order_app.command("show")
def order_show(order_id: str) -> None:
    """Show an order and its history."""
    from uncc.services import orders  # noqa: PLC0415 - SQLAlchemy loads only when needed

    order = orders.get_order(context(), principal(), order_id)
    _print(order)
    console.print(
        f"  basis: {', '.join(order.offences)}; targets: {', '.join(f'{t.id} ({t.kind}, {t.location})' for t in order.targets)}",
        highlight=False,
    )
    for event in order.history:
        console.print(
            f"  {event.at:%Y-%m-%d %H:%M} {event.actor}: {event.command.value} → {event.to_state.value} {event.note}",
            highlight=False,
        )


def notices_command() -> None:
    """Show the notices addressed to you (e.g. orders that expired)."""
    from uncc.services import orders  # noqa: PLC0415 - SQLAlchemy loads only when needed

    for at, text in orders.notices(context(), principal()):
        console.print(f"{at:%Y-%m-%d %H:%M}  {text}", highlight=False, markup=False)


@evidence_app.command("add")
def evidence_add(
    file: Annotated[Path, typer.Argument(help="The file to ingest (any size; streamed).")],
    case_id: Annotated[str, typer.Option("--case", help="The case.")],
    order_id: Annotated[
        str | None, typer.Option("--order", help="The order it was acquired under.")
    ] = None,
    tool: Annotated[str, typer.Option("--tool", help="Acquisition tool.")] = "",
    tool_version: Annotated[str, typer.Option("--tool-version", help="Its version.")] = "",
    source: Annotated[str, typer.Option("--source", help="Source device or system.")] = "",
    place: Annotated[str, typer.Option("--place", help="Where it was acquired.")] = "",
) -> None:
    """Ingest a file into the vault with a progress bar; its custody starts now."""
    from uncc.services import evidence  # noqa: PLC0415 - SQLAlchemy loads only when needed

    if not file.is_file():
        raise UserInputError(f"{file}: no such file")
    size = file.stat().st_size
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
    )
    with (
        Progress(*columns, console=Console(stderr=True), transient=True) as progress,
        file.open("rb") as handle,
    ):
        task = progress.add_task(f"ingesting {file.name}", total=size)
        item = evidence.add_evidence(
            context(),
            principal(),
            case_id,
            source=handle,
            filename=file.name,
            acquisition={
                "tool": tool,
                "tool_version": tool_version,
                "source": source,
                "place": place,
            },
            order_id=order_id,
            progress=lambda done: progress.update(task, completed=done),
        )
    console.print(
        f"{item.id}: {item.filename}, {item.size} bytes, sha256 {item.sha256}", highlight=False
    )


@evidence_app.command("list")
def evidence_list(
    case_id: Annotated[str | None, typer.Option("--case", help="Only this case.")] = None,
) -> None:
    """List evidence items."""
    from uncc.services import evidence  # noqa: PLC0415 - SQLAlchemy loads only when needed

    table = Table("Item", "Case", "File", "Bytes", "SHA-256", "Sealed")
    for item in evidence.list_evidence(context(), principal(), case_id):
        table.add_row(
            item.id,
            item.case_id,
            item.filename,
            str(item.size),
            item.sha256[:16] + "…",
            "yes" if item.sealed else "",
        )
    console.print(table)


@evidence_app.command("seal")
def evidence_seal(item_id: str, note: Annotated[str, typer.Option("--note")] = "") -> None:
    """Seal an item: render it inaccessible (Art. 46(3)(d))."""
    from uncc.services import evidence  # noqa: PLC0415 - SQLAlchemy loads only when needed

    evidence.set_sealed(context(), principal(), item_id, sealed=True, note=note)
    console.print(f"{item_id} sealed", highlight=False, markup=False)


@evidence_app.command("release")
def evidence_release(item_id: str, note: Annotated[str, typer.Option("--note")] = "") -> None:
    """Release a sealed item."""
    from uncc.services import evidence  # noqa: PLC0415 - SQLAlchemy loads only when needed

    evidence.set_sealed(context(), principal(), item_id, sealed=False, note=note)
    console.print(f"{item_id} released", highlight=False, markup=False)


@evidence_app.command("custody")
def evidence_custody(item_id: str) -> None:
    """The chain of custody of an item, each event with its Merkle inclusion proof."""
    from uncc.services import evidence  # noqa: PLC0415 - SQLAlchemy loads only when needed

    chain = evidence.custody_of(context(), principal(), item_id)
    for entry in chain:
        event = entry.event
        console.print(
            f"#{event.seq} {event.at:%Y-%m-%d %H:%M:%S} {event.kind.value} by {event.actor} {event.details}",
            highlight=False,
        )
        console.print(
            f"    leaf {entry.leaf_hash}; proof {len(entry.proof)} hashes to root {entry.checkpoint.root[:16]}… (size {entry.checkpoint.size}, signed {entry.checkpoint.key_id})",
            highlight=False,
        )


@evidence_app.command("report")
def evidence_report(
    item_id: str,
    output_format: Annotated[str, typer.Option("--format", "-f", help="md, html or json.")] = "md",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file.")
    ] = None,
) -> None:
    """The admissibility report of an item (Art. 49): basis, hashes, custody with proofs."""
    from uncc.services.admissibility import admissibility  # noqa: PLC0415
    from uncc.services.reports import admissibility_html, admissibility_markdown  # noqa: PLC0415

    data = admissibility(context(), principal(), item_id)
    if output_format == "json":
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    elif output_format == "html":
        text = admissibility_html(data)
    elif output_format == "md":
        text = admissibility_markdown(data)
    else:
        raise UserInputError(f"--format: '{output_format}' is not md, html or json")
    if output is None:
        typer.echo(text, nl=False)
    else:
        write_text_atomically(output, text)
        console.print(f"wrote {output}", highlight=False, markup=False)


@case_app.command("export")
def case_export(
    case_id: Annotated[str, typer.Argument(help="The case.")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file.")
    ] = None,
) -> None:
    """Export the case as CASE/UCO JSON-LD (investigation, authorisations, files, hashes, provenance)."""
    from uncc.services.case_export import export_case  # noqa: PLC0415

    text = (
        json.dumps(export_case(context(), principal(), case_id), ensure_ascii=False, indent=2)
        + "\n"
    )
    if output is None:
        typer.echo(text, nl=False)
    else:
        write_text_atomically(output, text)
        console.print(f"wrote {output}", highlight=False, markup=False)
