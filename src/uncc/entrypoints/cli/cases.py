"""``uncc case`` and ``uncc audit``: cases opened from an analysis, and the audit trail."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from uncc.domain.policy import Action, Role, allowed
from uncc.entrypoints.cli.desk import Desk, desk
from uncc.entrypoints.cli.inputs import read_document
from uncc.entrypoints.cli.output import Format, FormatOpt, emit, epilog, listing, print_table
from uncc.entrypoints.cli.protection import said
from uncc.entrypoints.cli.store import write_text_atomically

case_app = typer.Typer(
    help="Cases, opened from an analysis of incident facts.", no_args_is_help=True
)
console = Console(soft_wrap=True)


def _say(text: str) -> None:
    console.print(text, highlight=False, markup=False)


@case_app.command(
    "open",
    epilog=epilog(
        Action.CASE_OPEN,
        example="uncc case open examples/incidents/ransomware-hospital.yaml --title 'St. Anne'",
    ),
)
def case_open(
    facts: Annotated[Path, typer.Argument(help="Incident facts (uncc: incident/1).")],
    title: Annotated[
        str | None, typer.Option("--title", help="A title (default: the incident's).")
    ] = None,
    output_format: FormatOpt = Format.TEXT,
) -> None:
    """Open a case: the facts are analysed under the node's profile and kept with the case."""
    raw = read_document(facts, "incident facts")
    case = desk().open_case(raw, title)
    if emit(case, output_format):
        return
    _say(f"opened {case.id}: {case.title}")
    for offence, status in case.findings():
        if status != "not_established":
            _say(f"  {status:>13}  {offence}")


@case_app.command("list", epilog=epilog(Action.CASE_READ, example="uncc case list --format json"))
def case_list(output_format: FormatOpt = Format.TEXT) -> None:
    """List the cases."""
    rows = desk().cases()
    if emit(rows, output_format):
        return
    table = listing("Case", "Title", "Status", ids=("Case",))
    for row in rows:
        table.add_row(row.id, row.title, row.status)
    print_table(table)


@case_app.command(
    "show", epilog=epilog(Action.CASE_READ, example="uncc case show XA-C-2026-0001 --format json")
)
def case_show(
    case_id: Annotated[str, typer.Argument(help="The case id, e.g. XA-C-2026-0001.")],
    as_json: Annotated[
        bool, typer.Option("--json", help="The same as --format json.", hidden=True)
    ] = False,
    output_format: FormatOpt = Format.TEXT,
) -> None:
    """Show a case, its findings for the node's State, and its orders.

    With --format json: the case with its facts, analysis and notes.
    """
    node = desk()
    case = node.case(case_id)
    if as_json or output_format is Format.JSON:
        document = {
            "id": case.id,
            "title": case.title,
            "status": case.status,
            "facts": case.facts,
            "analysis": case.analysis,
            "notes": [
                {"author": n.author, "at": n.at.isoformat(), "text": n.text}
                for n in node.notes(case_id)
            ],
        }
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    console.print(
        f"{case.id} — {case.title} ({case.status}), opened by {case.created_by}", highlight=False
    )
    for offence, status in case.findings():
        _say(f"  {status:>15}  {offence}")
    for order in node.orders(case_id):
        _say(f"  order {order.id}: {order.power} — {order.state}")
    _case_contents(node, case_id)
    for note in node.notes(case_id):
        _say(f"  note {note.at:%Y-%m-%d %H:%M} {note.author}: {note.text}")


def _case_contents(node: Desk, case_id: str) -> None:
    """Evidence, protected persons (by pseudonym) and property items, where the role may see them."""
    roles = [Role(r) for r in node.roles()]

    def may(action: Action) -> bool:
        return any(allowed(r, action) for r in roles)

    if may(Action.EVIDENCE_READ):
        for item in node.evidence(case_id):
            sealed = ", sealed" if item.sealed else ""
            _say(f"  evidence {item.id}: {item.filename} ({item.size} bytes{sealed})")
    if may(Action.PROTECTED_READ):
        for person in node.protected(case_id):
            _say(f"  protected {person.id}: {person.pseudonym} ({person.kind}, {person.provision})")
            said(person, "    ")
    for held in node.property(case_id):
        _say(
            f"  property {held.id}: {held.account} ({held.location or '?'}) {held.assessed} — {held.status}"
        )


@case_app.command(
    "note",
    epilog=epilog(Action.CASE_UPDATE, example="uncc case note XA-C-2026-0001 'Hoster called back'"),
)
def case_note(
    case_id: Annotated[str, typer.Argument(help="The case.")],
    text: Annotated[str, typer.Argument(help="The note.")],
    output_format: FormatOpt = Format.TEXT,
) -> None:
    """Add a note to a case."""
    node = desk()
    node.add_note(case_id, text)
    if emit(node.notes(case_id)[-1], output_format):
        return
    _say(f"note added to {case_id}")


@case_app.command(
    "export",
    epilog=epilog(Action.CASE_READ, example="uncc case export XA-C-2026-0001 -o case.jsonld"),
)
def case_export(
    case_id: Annotated[str, typer.Argument(help="The case.")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file.")
    ] = None,
    output_format: FormatOpt = Format.JSON,
) -> None:
    """Export the case as CASE/UCO JSON-LD (investigation, authorisations, files, hashes, provenance).

    The export is JSON whatever --format says.
    """
    del output_format  # JSON-LD is JSON already
    text = json.dumps(desk().export_case(case_id), ensure_ascii=False, indent=2) + "\n"
    if output is None:
        typer.echo(text, nl=False)
    else:
        write_text_atomically(output, text)
        _say(f"wrote {output}")
