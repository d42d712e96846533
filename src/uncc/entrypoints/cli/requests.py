"""``uncc request``: cross-border requests and their answers, evidence sent and taken in."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from uncc.domain.policy import Action
from uncc.entrypoints.cli.documents import print_command
from uncc.entrypoints.cli.inputs import read_document
from uncc.entrypoints.cli.network_common import console
from uncc.entrypoints.cli.network_common import transport as _transport
from uncc.entrypoints.cli.output import Format, FormatOpt, emit, epilog, listing, print_table
from uncc.entrypoints.cli.request_kinds import KINDS_HELP_END, kinds_command
from uncc.errors import UserInputError

request_app = typer.Typer(
    help="Cross-border requests: send, list, show, answer (service levels on both sides).",
    no_args_is_help=True,
)


def _body(path: Path | None, fields: list[str] | None) -> dict[str, Any]:
    """The fields of a body file, then each ``--field NAME=VALUE`` (``NAME[]=VALUE``: a list item)."""
    body: dict[str, Any] = {}
    if path is not None:
        if not path.is_file():
            raise UserInputError(f"{path}: no such file")
        data = read_document(path, "request body")
        if not isinstance(data, dict):
            raise UserInputError(f"{path}: expected a mapping of fields")
        body.update(data)
    for spec in fields or []:
        key, sep, value = spec.partition("=")
        if not sep or not key:
            raise UserInputError(f"--field '{spec}': expected NAME=VALUE")
        if key.endswith("[]"):
            items = body.setdefault(key[:-2], [])
            if not isinstance(items, list):
                raise UserInputError(f"--field '{spec}': {key[:-2]} is not a list")
            items.append(value)
        else:
            body[key] = value
    return body


@request_app.command(
    "send",
    epilog=epilog(
        Action.NETWORK_SEND,
        limits="the body must be complete for its kind (uncc request kinds); the service levels are the kind's.",
        example="uncc request send preservation_request --to XA --case XA-C-2026-0001 --body request.yaml",
    ),
)
def send_command(
    kind: Annotated[
        str,
        typer.Argument(
            help="The request kind ('uncc request kinds' lists them with their fields)."
        ),
    ],
    to: Annotated[str, typer.Option("--to", help="The requested State.")],
    body: Annotated[
        Path | None, typer.Option("--body", help="The request's fields (YAML or JSON).")
    ] = None,
    field: Annotated[
        list[str] | None,
        typer.Option("--field", help="NAME=VALUE, or NAME[]=VALUE for a list item (repeatable)."),
    ] = None,
    case: Annotated[
        str | None,
        typer.Option("--case", help="Our case (its facts go with a preservation request)."),
    ] = None,
    use: Annotated[
        str | None,
        typer.Option("--use", help="Handling: the purposes the receiver may use it for."),
    ] = None,
    onward: Annotated[
        str,
        typer.Option("--onward", help="Handling: none, with_consent or law_enforcement."),
    ] = "with_consent",
    retention_days: Annotated[
        int, typer.Option("--retention-days", help="Handling: how long the receiver may keep it.")
    ] = 365,
    output_format: FormatOpt = Format.TEXT,
) -> None:
    """Check a request for completeness and queue it for delivery (with its handling codes)."""
    from uncc.entrypoints.cli.session import context, principal  # noqa: PLC0415
    from uncc.services.network import onward as onward_codes  # noqa: PLC0415
    from uncc.services.network import requests  # noqa: PLC0415

    sent = requests.send_request(
        context(),
        principal(),
        kind=kind,
        recipient=to,
        body=_body(body, field),
        case_id=case,
        handling=onward_codes.handling_of(use=use, onward=onward, retention_days=retention_days),
    )
    if emit(sent, output_format):
        return
    console.print(
        f"{sent.id}: {kind} to {to} queued; acknowledge by {sent.acknowledge_by:%Y-%m-%d %H:%M} UTC, answer by {sent.answer_by:%Y-%m-%d %H:%M} UTC",
        highlight=False,
        markup=False,
    )


@request_app.command(
    "list", epilog=epilog(Action.NETWORK_READ, example="uncc request list --direction in")
)
def list_command(
    direction: Annotated[
        str | None, typer.Option("--direction", help="in (received) or out (sent).")
    ] = None,
    output_format: FormatOpt = Format.TEXT,
) -> None:
    """Requests with their status and timers."""
    from uncc.entrypoints.cli.desk import desk  # noqa: PLC0415

    found = desk().requests(direction)
    if emit(found, output_format):
        return
    table = listing(
        "Request",
        "Dir",
        "Peer",
        "Kind",
        "Urgency",
        "Reference",
        "Status",
        "Case/order",
        "Late",
        ids=("Request",),
    )
    for c in found:
        table.add_row(
            c.id,
            c.direction,
            c.peer,
            c.kind,
            c.urgency,
            c.reference,
            c.status,
            " ".join(x for x in (c.case, c.order) if x),
            ", ".join(c.late),
        )
    print_table(table)


@request_app.command(
    "show",
    epilog=epilog(
        Action.NETWORK_READ, example="uncc request show 0b6f3c1e-5d0a-4c51-9a37-2f1c8e7d4b21"
    ),
)
def show_command(
    request_id: Annotated[str, typer.Argument(help="The request (full id).")],
    output_format: FormatOpt = Format.TEXT,
) -> None:
    """One request: its fields, timers and thread."""
    from uncc.entrypoints.cli.desk import desk  # noqa: PLC0415

    c = desk().request(request_id)
    if emit(c, output_format):
        return

    def say(text: str) -> None:
        console.print(text, highlight=False, markup=False)

    say(f"{c.kind} {'from' if c.direction == 'in' else 'to'} {c.peer} — {c.reference} — {c.status}")
    say(
        f"  acknowledge by {c.acknowledge_by:%Y-%m-%d %H:%M %Z} (done {c.acknowledged_at or 'no'}); answer by {c.answer_by:%Y-%m-%d %H:%M %Z} (done {c.answered_at or 'no'})"
    )
    if c.case or c.order:
        say(f"  here: case {c.case or '-'}, order {c.order or '-'}")
    if c.orders:
        say(f"  our orders drafted for it: {', '.join(c.orders)}")
    for t in c.thread:
        say(
            f"  {t.at:%Y-%m-%d %H:%M:%S} {'→' if t.direction == 'out' else '←'} {t.sender or '?'} {t.type}: {json.dumps({k: v for k, v in t.body.items() if k != 'facts'}, ensure_ascii=False)[:300]}"
        )
        if t.type == "refusal":
            say(f"    {refusal_line(t.body)}")


def refusal_line(body: dict[str, Any]) -> str:
    """A refusal in words: its scope, every ground with its provision, what is refused, the conditions."""
    from uncc.domain.cooperation import refusal_grounds  # noqa: PLC0415

    known = refusal_grounds()
    codes = [body.get("reason"), *body.get("grounds", [])]
    grounds = "; ".join(
        f"{code} [{(known[code].provision if code in known else None) or body.get('provision') or '?'}]"
        for code in codes
        if code
    )
    line = f"refused ({body.get('scope', 'whole')}): {grounds}"
    if body.get("refused"):
        line += f"; refused: {', '.join(body['refused'])}"
    if body.get("conditions"):
        line += f"; would be executed if: {', '.join(body['conditions'])}"
    return line


request_app.command("kinds", epilog=KINDS_HELP_END)(kinds_command)


@request_app.command(
    "answer",
    epilog=epilog(
        Action.NETWORK_ANSWER,
        example="uncc request answer ID refusal --field reason=human_rights --field detail=why",
    ),
)
def answer_command(
    request_id: Annotated[str, typer.Argument(help="The received request (full id).")],
    kind: Annotated[
        str,
        typer.Argument(
            help="acknowledgment, status_update, execution_result, refusal, assistance_answer, traffic_disclosure, conviction_answer, hearing_record, consultation."
        ),
    ],
    body: Annotated[
        Path | None, typer.Option("--body", help="The answer's fields (YAML or JSON).")
    ] = None,
    field: Annotated[
        list[str] | None,
        typer.Option("--field", help="NAME=VALUE, or NAME[]=VALUE for a list item (repeatable)."),
    ] = None,
    use: Annotated[
        str | None,
        typer.Option("--use", help="Handling: the purposes the requesting State may use it for."),
    ] = None,
    onward: Annotated[
        str | None,
        typer.Option(
            "--onward",
            help="Handling: none, with_consent or law_enforcement (none: the requesting "
            "State may not pass a disclosed hop on).",
        ),
    ] = None,
    retention_days: Annotated[
        int | None,
        typer.Option(
            "--retention-days", help="Handling: how long the requesting State may keep it."
        ),
    ] = None,
    output_format: FormatOpt = Format.TEXT,
) -> None:
    """Answer a received request through the outbox.

    A refusal: ``--field reason=human_rights --field detail=… --field scope=conditional
    --field conditions[]=…`` (codes and provisions: docs/network.md). Without ``--use``,
    ``--onward`` or ``--retention-days`` the answer carries the default handling codes.
    """
    from uncc.entrypoints.cli.session import context, principal  # noqa: PLC0415
    from uncc.services.network import onward as onward_codes  # noqa: PLC0415
    from uncc.services.network import requests  # noqa: PLC0415

    codes = None
    if use is not None or onward is not None or retention_days is not None:
        from uncc.domain.envelope import Handling  # noqa: PLC0415

        default = Handling()
        codes = onward_codes.handling_of(
            use=use,
            onward=onward or default.onward.value,
            retention_days=default.retention_days if retention_days is None else retention_days,
        )
    c = requests.answer(
        context(), principal(), request_id, kind, _body(body, field), handling=codes
    )
    if emit(c, output_format):
        return
    console.print(
        f"{kind} queued for {c.peer}; request now {c.status}", highlight=False, markup=False
    )


@request_app.command(
    "send-evidence",
    epilog=epilog(
        Action.EVIDENCE_SEND, example="uncc request send-evidence ID XA-E-2026-0001 --onward none"
    ),
)
def send_evidence_command(
    request_id: Annotated[str, typer.Argument(help="The request (full id).")],
    items: Annotated[list[str], typer.Argument(help="Evidence items of the request's case.")],
    use: Annotated[
        str | None,
        typer.Option("--use", help="Handling: the purposes the receiver may use it for."),
    ] = None,
    onward: Annotated[
        str, typer.Option("--onward", help="Handling: none, with_consent or law_enforcement.")
    ] = "with_consent",
    retention_days: Annotated[
        int, typer.Option("--retention-days", help="Handling: how long the receiver may keep it.")
    ] = 365,
    output_format: FormatOpt = Format.TEXT,
) -> None:
    """Send evidence to the other State with its custody continuation (signed checkpoint, proofs)."""
    from uncc.entrypoints.cli.session import context, principal  # noqa: PLC0415
    from uncc.services.network import onward as onward_codes  # noqa: PLC0415
    from uncc.services.network import transfer  # noqa: PLC0415

    codes = onward_codes.handling_of(use=use, onward=onward, retention_days=retention_days)
    c = transfer.send_evidence(context(), principal(), request_id, items, handling=codes)
    if emit(c, output_format):
        return
    console.print(
        f"{len(items)} item(s) offered to {c.peer}; custody records the transfer",
        highlight=False,
        markup=False,
    )


@request_app.command(
    "accept-evidence", epilog=epilog(Action.EVIDENCE_ADD, example="uncc request accept-evidence ID")
)
def accept_evidence_command(
    request_id: Annotated[str, typer.Argument(help="The request (full id).")],
    output_format: FormatOpt = Format.TEXT,
) -> None:
    """Verify the other State's custody continuation, fetch the blobs, take them into the vault."""
    from uncc.entrypoints.cli.session import context, principal  # noqa: PLC0415
    from uncc.services.network import transfer  # noqa: PLC0415

    taken = transfer.accept_evidence(context(), principal(), request_id, _transport())
    if emit({"request": request_id, "accepted": list(taken)}, output_format):
        return
    console.print(f"accepted: {', '.join(taken) or 'nothing new'}", highlight=False, markup=False)


print_command(
    request_app,
    "request",
    record="The request (sent or received).",
    summary="The request to print and sign: its fields, legal basis, deadlines, verification code.",
    action=Action.NETWORK_READ,
    limits="every print is recorded and audited.",
    example="uncc request print XA-R-2026-0001",
)
