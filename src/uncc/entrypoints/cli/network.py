"""``uncc network``: joining, the directory, keys, delivering messages, the outbox.

``uncc request`` is in ``requests``, ``uncc experts`` and ``uncc deconflict`` in
``cooperation``; their apps are re-exported here for the main command.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from uncc.entrypoints.cli.cooperation import deconflict_app, experts_app
from uncc.entrypoints.cli.network_common import console
from uncc.entrypoints.cli.network_common import contact as _contact
from uncc.entrypoints.cli.network_common import transport as _transport
from uncc.entrypoints.cli.requests import request_app
from uncc.errors import UserInputError

app = typer.Typer(
    help="The I-24/7 network (Art. 56): the hub's directory, joining it, delivering messages.",
    no_args_is_help=True,
)

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


__all__ = ["app", "deconflict_app", "experts_app", "request_app"]
