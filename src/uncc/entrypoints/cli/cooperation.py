"""``uncc experts`` (who can help, Art. 56(3)) and ``uncc deconflict`` (Art. 40(5))."""

from __future__ import annotations

from typing import Annotated

import typer

from uncc.domain.policy import Action
from uncc.entrypoints.cli.network_common import console
from uncc.entrypoints.cli.network_common import transport as _transport
from uncc.entrypoints.cli.output import Format, FormatOpt, emit, epilog, listing, print_table

experts_app = typer.Typer(
    help="The network's expert directory (Art. 56(3)): add ours, sync with the hub, find who helps now.",
    no_args_is_help=True,
)
deconflict_app = typer.Typer(
    help="Deconfliction of parallel investigations (Art. 40(5)) without sharing selectors.",
    no_args_is_help=True,
)


@experts_app.command(
    "add",
    epilog=epilog(
        Action.EXPERT_MANAGE,
        limits="the network sees them only after 'uncc experts sync'.",
        example="uncc experts add marie --name 'Marie Dubois' --expertise ransomware --language fr --time-zone Europe/Paris --on-call 24/7 --channel '+00 555 0202'",
    ),
)
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
    output_format: FormatOpt = Format.TEXT,
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
    if emit(expert, output_format):
        return
    console.print(
        f"{expert.state}/{expert.id} added; run 'uncc experts sync' to publish",
        highlight=False,
        markup=False,
    )


@experts_app.command("sync", epilog=epilog(Action.EXPERT_MANAGE, example="uncc experts sync"))
def experts_sync_command(output_format: FormatOpt = Format.TEXT) -> None:
    """Publish our experts to the hub (signed) and take the network's (signed by the hub)."""
    from uncc.entrypoints.cli.session import context, principal  # noqa: PLC0415
    from uncc.services.network import experts  # noqa: PLC0415

    count = experts.sync(context(), principal(), _transport())
    if emit({"experts_in_directory": count}, output_format):
        return
    console.print(f"{count} experts in the network directory", highlight=False, markup=False)


@experts_app.command(
    "find",
    epilog=epilog(
        Action.EXPERT_FIND, example="uncc experts find --expertise ransomware --language fr --now"
    ),
)
def experts_find_command(
    expertise: Annotated[str | None, typer.Option("--expertise", help="The field needed.")] = None,
    language: Annotated[
        str | None, typer.Option("--language", help="A language they must speak.")
    ] = None,
    now: Annotated[bool, typer.Option("--now", help="Only those on call now.")] = False,
    limit: Annotated[int, typer.Option("--limit", min=1, max=200)] = 20,
    output_format: FormatOpt = Format.TEXT,
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
    if emit(found, output_format):
        return
    table = listing("State", "Expert", "Expertise", "Languages", "On call", "Now", "Channel")
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
    print_table(table)
    if not found:
        console.print(
            "nobody matches; try without --now or --language, or run 'uncc experts sync'",
            markup=False,
        )


@deconflict_app.command(
    "add",
    epilog=epilog(
        Action.CASE_UPDATE,
        limits="only the selector's keyed tag ever leaves this node.",
        example="uncc deconflict add XA-C-2026-0001 email ops@leak.example",
    ),
)
def deconflict_add_command(
    case_id: Annotated[str, typer.Argument(help="Our case.")],
    kind: Annotated[
        str, typer.Argument(help="ip, wallet, email, handle, file_hash, phone or domain.")
    ],
    value: Annotated[str, typer.Argument(help="The selector.")],
    output_format: FormatOpt = Format.TEXT,
) -> None:
    """Record a selector of a case; only its keyed tag ever leaves this node."""
    from uncc.entrypoints.cli.session import context, principal  # noqa: PLC0415
    from uncc.services.network import deconfliction  # noqa: PLC0415

    normalised = deconfliction.add_selector(context(), principal(), case_id, kind, value)
    if emit({"case": case_id, "kind": kind, "selector": normalised}, output_format):
        return
    console.print(f"{kind} {normalised} recorded for {case_id}", highlight=False, markup=False)


@deconflict_app.command(
    "check", epilog=epilog(Action.NETWORK_SEND, example="uncc deconflict check --format json")
)
def deconflict_check_command(output_format: FormatOpt = Format.TEXT) -> None:
    """Test our selectors against every member's filter; notify each new hit (Art. 40(5))."""
    from uncc.entrypoints.cli.session import context, principal  # noqa: PLC0415
    from uncc.services.network import deconfliction  # noqa: PLC0415

    hits, notes = deconfliction.check(context(), principal(), _transport())
    if emit({"hits": hits, "notes": notes}, output_format):
        return
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


@deconflict_app.command(
    "rotate-key",
    epilog=epilog(Action.NETWORK_ADMIN, limits="at the hub.", example="uncc deconflict rotate-key"),
)
def deconflict_rotate_command(output_format: FormatOpt = Format.TEXT) -> None:
    """At the hub: start a new epoch with a fresh key and send it to every member."""
    from uncc.entrypoints.cli.session import context, principal  # noqa: PLC0415
    from uncc.services.network import deconfliction_keys  # noqa: PLC0415

    epoch = deconfliction_keys.rotate_key(context(), principal())
    if emit({"epoch": epoch}, output_format):
        return
    console.print(f"epoch {epoch}: key queued for every member", highlight=False, markup=False)
