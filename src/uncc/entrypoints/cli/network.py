"""``uncc network``: joining, the directory, keys, delivering messages, the outbox.

``uncc request`` is in ``requests``, ``uncc experts`` and ``uncc deconflict`` in
``cooperation``; their apps are re-exported here for the main command.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from uncc.domain.policy import Action
from uncc.entrypoints.cli.cooperation import deconflict_app, experts_app
from uncc.entrypoints.cli.network_common import console
from uncc.entrypoints.cli.network_common import contact as _contact
from uncc.entrypoints.cli.network_common import transport as _transport
from uncc.entrypoints.cli.output import Format, FormatOpt, emit, epilog
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


@app.command(
    "hub",
    epilog=epilog(
        Action.NETWORK_ADMIN,
        limits="on the node's server, not through --node.",
        example="uncc network hub --endpoint https://hub.example:8470",
    ),
)
def hub_command(
    endpoint: Endpoint,
    contact_name: ContactName = "24/7 desk",
    phone: Phone = None,
    email: Email = None,
    hours: Hours = "24/7",
    time_zone: Zone = "UTC",
    language: Languages = None,
    output_format: FormatOpt = Format.TEXT,
) -> None:
    """Put this node in the coordination role (the hub, Art. 56(1)); print its pinned key."""
    from uncc.entrypoints.cli.session import context, principal  # noqa: PLC0415
    from uncc.services.network import directory  # noqa: PLC0415

    ctx = context()
    token = directory.become_hub(
        ctx,
        principal(),
        endpoint,
        _contact(contact_name, phone, email, hours, time_zone),
        language or ["en"],
    )
    if emit(
        {"endpoint": endpoint.rstrip("/"), "key": ctx.key().public_hex, "directory": token},
        output_format,
    ):
        return
    console.print(
        f"hub at {endpoint.rstrip('/')}; its key (members pin it):", highlight=False, markup=False
    )
    console.print(ctx.key().public_hex, highlight=False, markup=False)


@app.command(
    "entry",
    epilog=epilog(
        limits="on the node's server, not through --node. The entry is JSON whatever --format says.",
        example="uncc network entry --endpoint https://xa.example:8470 -o xa-entry.json",
    ),
)
def entry_command(
    endpoint: Endpoint,
    contact_name: ContactName = "24/7 desk",
    phone: Phone = None,
    email: Email = None,
    hours: Hours = "24/7",
    time_zone: Zone = "UTC",
    language: Languages = None,
    output: Annotated[Path | None, typer.Option("-o", help="Write to a file.")] = None,
    output_format: FormatOpt = Format.TEXT,
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
    del output_format  # the entry is JSON already
    text = json.dumps(entry.model_dump(mode="json"), indent=2)
    if output:
        output.write_text(text + "\n", encoding="utf-8")
    else:
        typer.echo(text)


@app.command(
    "admit",
    epilog=epilog(
        Action.NETWORK_ADMIN,
        limits="at the hub; on the node's server, not through --node.",
        example="uncc network admit xa-entry.json",
    ),
)
def admit_command(
    entry: Annotated[Path, typer.Argument(help="A member's entry (JSON).")],
    output_format: FormatOpt = Format.TEXT,
) -> None:
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
    if emit(member, output_format):
        return
    console.print(
        f"admitted {member.state} ({member.name}); directory republished",
        highlight=False,
        markup=False,
    )


@app.command(
    "join",
    epilog=epilog(
        Action.NETWORK_ADMIN,
        limits="on the node's server, not through --node.",
        example="uncc network join --endpoint https://xa.example:8470 --hub-url https://hub.example:8470 --hub-key 64HEX",
    ),
)
def join_command(
    endpoint: Endpoint,
    hub_url: Annotated[str, typer.Option("--hub-url", help="The hub's URL.")],
    hub_key: Annotated[
        str, typer.Option("--hub-key", help="The hub's public key (64 hex digits), pinned.")
    ],
    hub_state: Annotated[
        str, typer.Option("--hub-state", help="The hub's participant code.")
    ] = "XH",
    output_format: FormatOpt = Format.TEXT,
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
    if output_format is not Format.JSON:
        console.print(f"joined; the hub's key {hub_key} is pinned", highlight=False, markup=False)
    try:
        doc = directory.refresh(ctx, _transport())
    except TransportError as exc:
        if emit(
            {"joined": True, "hub_key": hub_key, "directory": None, "note": str(exc)}, output_format
        ):
            return
        console.print(
            f"the directory could not be fetched yet ({exc}); run 'uncc network refresh'",
            highlight=False,
            markup=False,
        )
        return
    if emit({"joined": True, "hub_key": hub_key, "directory": doc}, output_format):
        return
    console.print(
        f"directory version {doc.version}: {', '.join(m.state for m in doc.members)}",
        highlight=False,
        markup=False,
    )


@app.command(
    "refresh",
    epilog=epilog(
        limits="on the node's server, not through --node. The directory is accepted only when the pinned hub key signed it.",
        example="uncc network refresh",
    ),
)
def refresh_command(output_format: FormatOpt = Format.TEXT) -> None:
    """Fetch the directory from the hub; accept it only when the pinned key signed it.

    A node upgraded from before encryption also makes its X25519 key and has the hub list it.
    """
    from uncc.entrypoints.cli.session import context  # noqa: PLC0415
    from uncc.services.network import directory, encryption_keys  # noqa: PLC0415

    doc = directory.refresh(context(), _transport())
    if encryption_keys.ensure_published(context(), _transport()):
        if output_format is not Format.JSON:
            console.print("the directory now lists this node's encryption key")
        doc = directory.refresh(context(), _transport())
    if emit(doc, output_format):
        return
    console.print(
        f"directory version {doc.version}: {', '.join(m.state for m in doc.members)}",
        highlight=False,
        markup=False,
    )


@app.command(
    "rotate-key",
    epilog=epilog(
        Action.NETWORK_ADMIN,
        limits="on the node's server, not through --node.",
        example="uncc network rotate-key --overlap-hours 48",
    ),
)
def rotate_key_command(
    overlap_hours: Annotated[
        float, typer.Option("--overlap-hours", help="How long the old key stays valid.")
    ] = 24.0,
    output_format: FormatOpt = Format.TEXT,
) -> None:
    """Replace this node's signing key without downtime (the hub lists both during the overlap).

    At the hub: a statement signed by the old hub key, which members follow to re-pin.
    """
    import datetime as dt  # noqa: PLC0415

    from uncc.entrypoints.cli.session import context, principal  # noqa: PLC0415
    from uncc.services.network import keys  # noqa: PLC0415

    kid = keys.rotate(context(), principal(), _transport(), dt.timedelta(hours=overlap_hours))
    if emit({"key_id": kid, "old_key_valid_hours": overlap_hours}, output_format):
        return
    console.print(
        f"now signing with key {kid}; the old key stays valid for {overlap_hours:g} h",
        highlight=False,
        markup=False,
    )


__all__ = ["app", "deconflict_app", "experts_app", "request_app"]
