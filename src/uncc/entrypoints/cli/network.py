"""``uncc network`` (joining, the directory), ``uncc request`` (cross-border requests), ``uncc outbox``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from uncc.entrypoints.cli.inputs import read_document
from uncc.errors import UserInputError

app = typer.Typer(
    help="The I-24/7 network (Art. 56): the hub's directory, joining it, delivering messages.",
    no_args_is_help=True,
)
request_app = typer.Typer(
    help="Cross-border requests: send, list, show, answer (service levels on both sides).",
    no_args_is_help=True,
)
console = Console(soft_wrap=True)

Endpoint = Annotated[str, typer.Option("--endpoint", help="This node's URL as others reach it.")]
ContactName = Annotated[str, typer.Option("--contact-name", help="The 24/7 contact point.")]
Phone = Annotated[str | None, typer.Option("--phone", help="Its phone number.")]
Email = Annotated[str | None, typer.Option("--email", help="Its e-mail address.")]
Hours = Annotated[
    str, typer.Option("--hours", help="Office hours, e.g. '24/7' or 'Mon-Fri 08-18'.")
]
Zone = Annotated[str, typer.Option("--time-zone", help="IANA time zone, e.g. Europe/Oslo.")]
Languages = Annotated[
    list[str] | None, typer.Option("--language", help="A language accepted (repeatable).")
]


def _transport() -> Any:
    """HTTPS to the other nodes, with the node's CA and the directory's TLS pins."""
    from uncc.bootstrap import network_transport  # noqa: PLC0415
    from uncc.entrypoints.cli.session import context, settings  # noqa: PLC0415

    return network_transport(settings(), context())


def _contact(name: str, phone: str | None, email: str | None, hours: str, zone: str) -> Any:
    from pydantic import ValidationError  # noqa: PLC0415

    from uncc.domain.messages import Contact  # noqa: PLC0415

    try:
        return Contact(name=name, phone=phone, email=email, office_hours=hours, time_zone=zone)
    except ValidationError as exc:
        raise UserInputError(f"contact point: {exc.errors()[0]['msg']}") from None


@app.command("hub")
def hub_command(
    endpoint: Endpoint,
    contact_name: ContactName = "24/7 desk",
    phone: Phone = None,
    email: Email = None,
    hours: Hours = "24/7",
    time_zone: Zone = "UTC",
    language: Languages = None,
) -> None:
    """Put this node in the coordination role (the hub, Art. 56(1)); print its pinned key."""
    from uncc.entrypoints.cli.session import context, principal  # noqa: PLC0415
    from uncc.services.network import directory  # noqa: PLC0415

    ctx = context()
    directory.become_hub(
        ctx,
        principal(),
        endpoint,
        _contact(contact_name, phone, email, hours, time_zone),
        language or ["en"],
    )
    console.print(
        f"hub at {endpoint.rstrip('/')}; its key (members pin it):", highlight=False, markup=False
    )
    console.print(ctx.key().public_hex, highlight=False, markup=False)


@app.command("entry")
def entry_command(
    endpoint: Endpoint,
    contact_name: ContactName = "24/7 desk",
    phone: Phone = None,
    email: Email = None,
    hours: Hours = "24/7",
    time_zone: Zone = "UTC",
    language: Languages = None,
    output: Annotated[Path | None, typer.Option("-o", help="Write to a file.")] = None,
) -> None:
    """Print this node's directory entry (State, endpoint, key, contact point) for the hub."""
    from uncc.entrypoints.cli.session import context  # noqa: PLC0415
    from uncc.services.network import directory  # noqa: PLC0415

    entry = directory.own_entry(
        context(),
        endpoint,
        _contact(contact_name, phone, email, hours, time_zone),
        language or ["en"],
    )
    text = json.dumps(entry.model_dump(mode="json"), indent=2)
    if output:
        output.write_text(text + "\n", encoding="utf-8")
    else:
        typer.echo(text)


@app.command("admit")
def admit_command(entry: Annotated[Path, typer.Argument(help="A member's entry (JSON).")]) -> None:
    """Add or update a member of the directory (hub only) and publish a new version."""
    from pydantic import ValidationError  # noqa: PLC0415

    from uncc.domain.directory import Member  # noqa: PLC0415
    from uncc.entrypoints.cli.session import context, principal  # noqa: PLC0415
    from uncc.services.network import directory  # noqa: PLC0415

    if not entry.is_file():
        raise UserInputError(f"{entry}: no such file")
    try:
        member = Member.model_validate_json(entry.read_text(encoding="utf-8"))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "entry"
        raise UserInputError(f"{entry}: {where}: {first['msg']}") from None
    directory.admit(context(), principal(), member)
    console.print(
        f"admitted {member.state} ({member.name}); directory republished",
        highlight=False,
        markup=False,
    )


@app.command("join")
def join_command(
    endpoint: Endpoint,
    hub_url: Annotated[str, typer.Option("--hub-url", help="The hub's URL.")],
    hub_key: Annotated[
        str, typer.Option("--hub-key", help="The hub's public key (64 hex digits), pinned.")
    ],
    hub_state: Annotated[
        str, typer.Option("--hub-state", help="The hub's participant code.")
    ] = "XH",
) -> None:
    """Take part as a member: pin the hub's key, then fetch and verify the directory."""
    from uncc.entrypoints.cli.session import context, principal  # noqa: PLC0415
    from uncc.errors import TransportError  # noqa: PLC0415
    from uncc.services.network import directory  # noqa: PLC0415

    ctx = context()
    directory.join(
        ctx,
        principal(),
        endpoint=endpoint,
        hub_state=hub_state,
        hub_endpoint=hub_url,
        hub_key=hub_key,
    )
    console.print(f"joined; the hub's key {hub_key[:16]}… is pinned", highlight=False, markup=False)
    try:
        doc = directory.refresh(ctx, _transport())
    except TransportError as exc:
        console.print(
            f"the directory could not be fetched yet ({exc}); run 'uncc network refresh'",
            highlight=False,
            markup=False,
        )
        return
    console.print(
        f"directory version {doc.version}: {', '.join(m.state for m in doc.members)}",
        highlight=False,
        markup=False,
    )


@app.command("refresh")
def refresh_command() -> None:
    """Fetch the directory from the hub; accept it only when the pinned key signed it.

    A node upgraded from before encryption also makes its X25519 key and has the hub list it.
    """
    from uncc.entrypoints.cli.session import context  # noqa: PLC0415
    from uncc.services.network import directory, encryption_keys  # noqa: PLC0415

    doc = directory.refresh(context(), _transport())
    if encryption_keys.ensure_published(context(), _transport()):
        console.print("the directory now lists this node's encryption key")
        doc = directory.refresh(context(), _transport())
    console.print(
        f"directory version {doc.version}: {', '.join(m.state for m in doc.members)}",
        highlight=False,
        markup=False,
    )


@app.command("rotate-key")
def rotate_key_command(
    overlap_hours: Annotated[
        float, typer.Option("--overlap-hours", help="How long the old key stays valid.")
    ] = 24.0,
) -> None:
    """Replace this node's signing key without downtime (the hub lists both during the overlap).

    At the hub: a statement signed by the old hub key, which members follow to re-pin.
    """
    import datetime as dt  # noqa: PLC0415

    from uncc.entrypoints.cli.session import context, principal  # noqa: PLC0415
    from uncc.services.network import keys  # noqa: PLC0415

    kid = keys.rotate(context(), principal(), _transport(), dt.timedelta(hours=overlap_hours))
    console.print(
        f"now signing with key {kid}; the old key stays valid for {overlap_hours:g} h",
        highlight=False,
        markup=False,
    )


@app.command("status")
def status_command() -> None:
    """This node's role, hub, directory and outbox."""
    from uncc.entrypoints.cli.session import context  # noqa: PLC0415
    from uncc.services.network import directory  # noqa: PLC0415

    ctx = context()
    with ctx.engine.connect() as conn:
        cfg = directory.config(conn)
    console.print(
        f"role {cfg.role}; endpoint {cfg.endpoint}; hub {cfg.hub_state} at {cfg.hub_endpoint}",
        highlight=False,
        markup=False,
    )
    if cfg.directory is None:
        console.print("no directory yet: run 'uncc network refresh'", markup=False)
        return
    table = Table(
        "State",
        "Name",
        "Endpoint",
        "Keys",
        "Encryption",
        "TLS pin",
        "24/7 contact",
        "Languages",
        title=f"Directory v{cfg.directory.version}",
    )
    for m in cfg.directory.members:
        table.add_row(
            m.state + (" (hub)" if "hub" in m.roles else ""),
            m.name,
            m.endpoint,
            ", ".join(k.kid for k in m.keys),
            ", ".join(k.kid[:16] for k in m.encryption_keys) or "none: nothing confidential goes",
            (m.tls_spki or "none")[:16],
            f"{m.contact_point.name} ({m.contact_point.office_hours}, {m.contact_point.time_zone})",
            ", ".join(m.languages),
        )
    console.print(table)


@app.command("counters")
def counters_command() -> None:
    """Traffic refused before its sender was known, and throttled directory refreshes."""
    from uncc.entrypoints.cli.session import context, principal  # noqa: PLC0415
    from uncc.services.network import traffic  # noqa: PLC0415

    found = traffic.counters(context(), principal())
    if not found:
        console.print("nothing refused or throttled", markup=False)
    for name, value in found.items():
        console.print(f"{name}: {value}", highlight=False, markup=False)


@app.command("deliver")
def deliver_command() -> None:
    """Deliver due messages now (the server does this by itself with 'uncc serve')."""
    from uncc.entrypoints.cli.session import context  # noqa: PLC0415
    from uncc.services.network import outbox, requests  # noqa: PLC0415

    report = outbox.deliver_due(context(), _transport())
    late = requests.escalate(context())
    console.print(
        f"delivered {len(report.delivered)}, retrying {len(report.retrying)}, rejected {len(report.rejected)}, dead {len(report.dead)}; newly late {len(late)}",
        highlight=False,
        markup=False,
    )


@app.command("outbox")
def outbox_command(
    status: Annotated[
        str | None, typer.Option("--status", help="pending, delivered, rejected or dead.")
    ] = None,
) -> None:
    """Messages waiting, delivered, rejected or dead-lettered."""
    from uncc.entrypoints.cli.session import context, principal  # noqa: PLC0415
    from uncc.services.network import outbox  # noqa: PLC0415

    table = Table("Message", "To", "Type", "Seq", "Status", "Attempts", "Next try", "Last error")
    for e in outbox.list_outbox(context(), principal(), status):
        table.add_row(
            e.id[:8],
            e.recipient,
            e.type,
            str(e.seq),
            e.status,
            str(e.attempts),
            f"{e.next_attempt_at:%H:%M:%S}",
            e.last_error or "",
        )
    console.print(table)


def _body(path: Path | None, fields: list[str] | None) -> dict[str, Any]:
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
        body[key] = value
    return body


@request_app.command("send")
def send_command(
    kind: Annotated[
        str,
        typer.Argument(
            help="preservation_request, assistance_request, subscriber_request, conviction_query."
        ),
    ],
    to: Annotated[str, typer.Option("--to", help="The requested State.")],
    body: Annotated[
        Path | None, typer.Option("--body", help="The request's fields (YAML or JSON).")
    ] = None,
    field: Annotated[
        list[str] | None, typer.Option("--field", help="NAME=VALUE (repeatable).")
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
    console.print(
        f"{sent.id}: {kind} to {to} queued; acknowledge by {sent.acknowledge_by:%Y-%m-%d %H:%M} UTC, answer by {sent.answer_by:%Y-%m-%d %H:%M} UTC",
        highlight=False,
        markup=False,
    )


@request_app.command("list")
def list_command(
    direction: Annotated[
        str | None, typer.Option("--direction", help="in (received) or out (sent).")
    ] = None,
) -> None:
    """Requests with their status and timers."""
    from uncc.entrypoints.cli.session import context, principal  # noqa: PLC0415
    from uncc.services.network import requests  # noqa: PLC0415

    ctx = context()
    now = ctx.clock()
    table = Table(
        "Request", "Dir", "Peer", "Kind", "Urgency", "Reference", "Status", "Case/order", "Late"
    )
    for c in requests.list_conversations(ctx, principal(), direction):
        table.add_row(
            c.id[:8],
            c.direction,
            c.peer,
            c.kind,
            c.urgency,
            c.reference,
            c.status,
            " ".join(x for x in (c.case_id, c.order_id) if x),
            ", ".join(c.late(now)),
        )
    console.print(table)


@request_app.command("show")
def show_command(request_id: Annotated[str, typer.Argument(help="The request (full id).")]) -> None:
    """One request: its fields, timers and thread."""
    from uncc.entrypoints.cli.session import context, principal  # noqa: PLC0415
    from uncc.services.network import requests  # noqa: PLC0415

    ctx = context()
    c = requests.get_conversation(ctx, principal(), request_id)

    def say(text: str) -> None:
        console.print(text, highlight=False, markup=False)

    say(f"{c.kind} {'from' if c.direction == 'in' else 'to'} {c.peer} — {c.reference} — {c.status}")
    say(
        f"  acknowledge by {c.acknowledge_by:%Y-%m-%d %H:%M} (done {c.acknowledged_at or 'no'}); answer by {c.answer_by:%Y-%m-%d %H:%M} (done {c.answered_at or 'no'})"
    )
    if c.case_id or c.order_id:
        say(f"  here: case {c.case_id or '-'}, order {c.order_id or '-'}")
    for t in c.thread:
        say(
            f"  {t['at']:%Y-%m-%d %H:%M:%S} {'→' if t['direction'] == 'out' else '←'} {t['sender'] or '?'} {t['type']}: {json.dumps({k: v for k, v in t['body'].items() if k != 'facts'}, ensure_ascii=False)[:300]}"
        )


@request_app.command("answer")
def answer_command(
    request_id: Annotated[str, typer.Argument(help="The received request (full id).")],
    kind: Annotated[
        str,
        typer.Argument(
            help="acknowledgment, status_update, execution_result, refusal, assistance_answer, traffic_disclosure, conviction_answer, consultation."
        ),
    ],
    body: Annotated[
        Path | None, typer.Option("--body", help="The answer's fields (YAML or JSON).")
    ] = None,
    field: Annotated[
        list[str] | None, typer.Option("--field", help="NAME=VALUE (repeatable).")
    ] = None,
) -> None:
    """Answer a received request through the outbox."""
    from uncc.entrypoints.cli.session import context, principal  # noqa: PLC0415
    from uncc.services.network import requests  # noqa: PLC0415

    c = requests.answer(context(), principal(), request_id, kind, _body(body, field))
    console.print(
        f"{kind} queued for {c.peer}; request now {c.status}", highlight=False, markup=False
    )


@request_app.command("send-evidence")
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
) -> None:
    """Send evidence to the other State with its custody continuation (signed checkpoint, proofs)."""
    from uncc.entrypoints.cli.session import context, principal  # noqa: PLC0415
    from uncc.services.network import onward as onward_codes  # noqa: PLC0415
    from uncc.services.network import transfer  # noqa: PLC0415

    codes = onward_codes.handling_of(use=use, onward=onward, retention_days=retention_days)
    c = transfer.send_evidence(context(), principal(), request_id, items, handling=codes)
    console.print(
        f"{len(items)} item(s) offered to {c.peer}; custody records the transfer",
        highlight=False,
        markup=False,
    )


@request_app.command("accept-evidence")
def accept_evidence_command(
    request_id: Annotated[str, typer.Argument(help="The request (full id).")],
) -> None:
    """Verify the other State's custody continuation, fetch the blobs, take them into the vault."""
    from uncc.entrypoints.cli.session import context, principal  # noqa: PLC0415
    from uncc.services.network import transfer  # noqa: PLC0415

    taken = transfer.accept_evidence(context(), principal(), request_id, _transport())
    console.print(f"accepted: {', '.join(taken) or 'nothing new'}", highlight=False, markup=False)


experts_app = typer.Typer(
    help="The network's expert directory (Art. 56(3)): add ours, sync with the hub, find who helps now.",
    no_args_is_help=True,
)
deconflict_app = typer.Typer(
    help="Deconfliction of parallel investigations (Art. 40(5)) without sharing selectors.",
    no_args_is_help=True,
)


@experts_app.command("add")
def experts_add_command(
    ident: Annotated[str, typer.Argument(help="A short id, e.g. marie.")],
    name: Annotated[str, typer.Option("--name", help="Full name or desk name.")],
    expertise: Annotated[
        list[str], typer.Option("--expertise", help="A field, e.g. ransomware (repeatable).")
    ],
    language: Annotated[
        list[str], typer.Option("--language", help="A language spoken, e.g. fr (repeatable).")
    ],
    time_zone: Annotated[
        str, typer.Option("--time-zone", help="IANA time zone, e.g. Europe/Paris.")
    ],
    schedule: Annotated[
        list[str], typer.Option("--on-call", help="'mon-fri 08:00-18:00' or '24/7' (repeatable).")
    ],
    channel: Annotated[
        str, typer.Option("--channel", help="How to reach them (phone, e-mail, messenger).")
    ],
    clearance: Annotated[str, typer.Option("--clearance", help="Security clearance.")] = "none",
) -> None:
    """Add or replace one of this node's experts."""
    from uncc.entrypoints.cli.session import context, principal  # noqa: PLC0415
    from uncc.services.network import experts  # noqa: PLC0415

    expert = experts.add_expert(
        context(),
        principal(),
        {
            "id": ident,
            "name": name,
            "expertise": expertise,
            "languages": language,
            "time_zone": time_zone,
            "schedule": schedule,
            "channel": channel,
            "clearance": clearance,
        },
    )
    console.print(
        f"{expert.state}/{expert.id} added; run 'uncc experts sync' to publish",
        highlight=False,
        markup=False,
    )


@experts_app.command("sync")
def experts_sync_command() -> None:
    """Publish our experts to the hub (signed) and take the network's (signed by the hub)."""
    from uncc.entrypoints.cli.session import context, principal  # noqa: PLC0415
    from uncc.services.network import experts  # noqa: PLC0415

    count = experts.sync(context(), principal(), _transport())
    console.print(f"{count} experts in the network directory", highlight=False, markup=False)


@experts_app.command("find")
def experts_find_command(
    expertise: Annotated[str | None, typer.Option("--expertise", help="The field needed.")] = None,
    language: Annotated[
        str | None, typer.Option("--language", help="A language they must speak.")
    ] = None,
    now: Annotated[bool, typer.Option("--now", help="Only those on call now.")] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, max=200)] = 20,
) -> None:
    """Who can help, ranked: available now first, exact expertise before broader."""
    from uncc.entrypoints.cli.session import context, principal  # noqa: PLC0415
    from uncc.services.network import experts  # noqa: PLC0415

    found = experts.find(
        context(),
        principal(),
        expertise=expertise,
        language=language,
        available_only=now,
        limit=limit,
    )
    table = Table("State", "Expert", "Expertise", "Languages", "On call", "Now", "Channel")
    for m in found:
        e = m.expert
        table.add_row(
            e.state,
            e.name,
            ", ".join(e.expertise),
            ", ".join(e.languages),
            f"{'; '.join(e.schedule)} ({e.time_zone})",
            "yes" if m.available else "no",
            e.channel,
        )
    console.print(table)
    if not found:
        console.print(
            "nobody matches; try without --now or --language, or run 'uncc experts sync'",
            markup=False,
        )


@deconflict_app.command("add")
def deconflict_add_command(
    case_id: Annotated[str, typer.Argument(help="Our case.")],
    kind: Annotated[
        str, typer.Argument(help="ip, wallet, email, handle, file_hash, phone or domain.")
    ],
    value: Annotated[str, typer.Argument(help="The selector.")],
) -> None:
    """Record a selector of a case; only its keyed tag ever leaves this node."""
    from uncc.entrypoints.cli.session import context, principal  # noqa: PLC0415
    from uncc.services.network import deconfliction  # noqa: PLC0415

    normalised = deconfliction.add_selector(context(), principal(), case_id, kind, value)
    console.print(f"{kind} {normalised} recorded for {case_id}", highlight=False, markup=False)


@deconflict_app.command("check")
def deconflict_check_command() -> None:
    """Test our selectors against every member's filter; notify each new hit (Art. 40(5))."""
    from uncc.entrypoints.cli.session import context, principal  # noqa: PLC0415
    from uncc.services.network import deconfliction  # noqa: PLC0415

    hits, notes = deconfliction.check(context(), principal(), _transport())
    for hit in hits:
        console.print(
            f"hit: a {hit.kind} of {hit.case_id} is in an open case of {hit.state}; consultation {hit.conversation}",
            highlight=False,
            markup=False,
        )
    for note in notes:
        console.print(f"note: {note}", highlight=False, markup=False)
    if not hits:
        console.print("no new hits", markup=False)


@deconflict_app.command("rotate-key")
def deconflict_rotate_command() -> None:
    """At the hub: start a new epoch with a fresh key and send it to every member."""
    from uncc.entrypoints.cli.session import context, principal  # noqa: PLC0415
    from uncc.services.network import deconfliction  # noqa: PLC0415

    epoch = deconfliction.rotate_key(context(), principal())
    console.print(f"epoch {epoch}: key queued for every member", highlight=False, markup=False)
