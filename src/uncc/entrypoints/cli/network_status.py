"""``uncc network status|counters|deliver|outbox``: what the network looks like from here.

The commands join ``uncc network`` (:mod:`uncc.entrypoints.cli.network`) when this module
is imported.
"""

from __future__ import annotations

from typing import Annotated

import typer

from uncc.domain.policy import Action
from uncc.entrypoints.cli.network import app
from uncc.entrypoints.cli.network_common import console
from uncc.entrypoints.cli.network_common import transport as _transport
from uncc.entrypoints.cli.output import Format, FormatOpt, emit, epilog, listing, print_table


@app.command(
    "status",
    epilog=epilog(
        limits="on the node's server, not through --node.",
        example="uncc network status --format json",
    ),
)
def status_command(output_format: FormatOpt = Format.TEXT) -> None:
    """This node's role, hub, directory and outbox."""
    from uncc.entrypoints.cli.session import context  # noqa: PLC0415
    from uncc.services.network import directory  # noqa: PLC0415

    ctx = context()
    with ctx.engine.connect() as conn:
        cfg = directory.config(conn)
    if emit(cfg, output_format):
        return
    console.print(
        f"role {cfg.role}; endpoint {cfg.endpoint}; hub {cfg.hub_state} at {cfg.hub_endpoint}",
        highlight=False,
        markup=False,
    )
    if cfg.directory is None:
        console.print("no directory yet: run 'uncc network refresh'", markup=False)
        return
    table = listing(
        "State",
        "Name",
        "Endpoint",
        "Keys",
        "Encryption",
        "TLS pin",
        "24/7 contact",
        "Languages",
        ids=("State",),
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
    print_table(table)


@app.command(
    "counters",
    epilog=epilog(
        Action.NETWORK_READ,
        limits="on the node's server, not through --node.",
        example="uncc network counters --format json",
    ),
)
def counters_command(output_format: FormatOpt = Format.TEXT) -> None:
    """Traffic refused before its sender was known, and throttled directory refreshes."""
    from uncc.entrypoints.cli.session import context, principal  # noqa: PLC0415
    from uncc.services.network import traffic  # noqa: PLC0415

    found = traffic.counters(context(), principal())
    if emit(found, output_format):
        return
    if not found:
        console.print("nothing refused or throttled", markup=False)
    for name, value in found.items():
        console.print(f"{name}: {value}", highlight=False, markup=False)


@app.command(
    "deliver",
    epilog=epilog(
        limits="on the node's server, not through --node. The server delivers by itself; this is for now.",
        example="uncc network deliver",
    ),
)
def deliver_command(output_format: FormatOpt = Format.TEXT) -> None:
    """Deliver due messages now (the server does this by itself with 'uncc serve')."""
    from uncc.entrypoints.cli.session import context  # noqa: PLC0415
    from uncc.services.network import outbox, requests  # noqa: PLC0415

    report = outbox.deliver_due(context(), _transport())
    late = requests.escalate(context())
    if emit({"delivery": report, "newly_late": late}, output_format):
        return
    console.print(
        f"delivered {len(report.delivered)}, retrying {len(report.retrying)}, rejected {len(report.rejected)}, dead {len(report.dead)}; newly late {len(late)}",
        highlight=False,
        markup=False,
    )


@app.command(
    "outbox",
    epilog=epilog(
        Action.NETWORK_READ,
        limits="on the node's server, not through --node.",
        example="uncc network outbox --status dead",
    ),
)
def outbox_command(
    status: Annotated[
        str | None, typer.Option("--status", help="pending, delivered, rejected or dead.")
    ] = None,
    output_format: FormatOpt = Format.TEXT,
) -> None:
    """Messages waiting, delivered, rejected or dead-lettered."""
    from uncc.entrypoints.cli.session import context, principal  # noqa: PLC0415
    from uncc.services.network import outbox  # noqa: PLC0415

    found = outbox.list_outbox(context(), principal(), status)
    if emit(found, output_format):
        return
    table = listing(
        "Message",
        "To",
        "Type",
        "Seq",
        "Status",
        "Attempts",
        "Next try",
        "Last error",
        ids=("Message",),
    )
    for e in found:
        table.add_row(
            e.id,
            e.recipient,
            e.type,
            str(e.seq),
            e.status,
            str(e.attempts),
            f"{e.next_attempt_at:%H:%M:%S}",
            e.last_error or "",
        )
    print_table(table)
