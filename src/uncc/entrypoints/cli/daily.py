"""``uncc notifications`` and ``uncc audit``: what concerns me, and the audit trail."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from uncc.entrypoints.cli.desk import AuditFilter, desk
from uncc.errors import UserInputError

console = Console(soft_wrap=True)


def notifications_command(
    unread: Annotated[bool, typer.Option("--unread", help="Only those not yet read.")] = False,
    fmt: Annotated[
        str, typer.Option("--format", help="table or json (one JSON object per line).")
    ] = "table",
    limit: Annotated[
        int, typer.Option("--limit", min=1, max=1000, help="How many, newest first.")
    ] = 50,
) -> None:
    """Show your notifications: orders to authorise or issue, answers, evidence offered, hits.

    Anyone logged in; each user sees what is addressed to them or their roles, and never
    an order they have no need to know. Example: ``uncc notifications --unread``.
    """
    if fmt not in ("table", "json"):
        raise UserInputError(f"--format: {fmt!r}; use table or json")
    found = desk().notifications(unread=unread, limit=limit)
    if fmt == "json":
        for n in found:
            at = n.at if n.at.tzinfo else n.at.replace(tzinfo=dt.UTC)
            typer.echo(json.dumps({**n.model_dump(), "at": at.isoformat()}, ensure_ascii=False))
        return
    table = Table("#", "When (UTC)", "What", "Open", "Read")
    for n in found:
        table.add_row(
            str(n.id), f"{n.at:%Y-%m-%d %H:%M}", n.text, n.link, "yes" if n.read else "no"
        )
    console.print(table)


def _moment(name: str, text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise UserInputError(
            f"{name}: {text!r} is not a date (YYYY-MM-DD) or ISO date-time"
        ) from None
    if len(text) == 10 and name == "--until":
        value += dt.timedelta(days=1) - dt.timedelta(microseconds=1)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def audit_command(
    actor: Annotated[str | None, typer.Option("--actor", help="Who acted (a user id).")] = None,
    action: Annotated[str | None, typer.Option("--action", help="e.g. order.issue.")] = None,
    obj: Annotated[
        str | None, typer.Option("--object", help="What it acted on, e.g. a case id.")
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="From this date or time (UTC unless given).")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Up to this date (whole day) or time.")
    ] = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format", help="table (newest entries), or csv / jsonl (every match, exported)."
        ),
    ] = "table",
    limit: Annotated[
        int, typer.Option("--limit", min=1, help="table: how many of the newest.")
    ] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Same as --format jsonl.")] = False,
) -> None:
    """Search the audit trail, or export it (auditors and administrators).

    Looking is not audited; an export (``--format csv`` or ``jsonl``) writes every match,
    oldest first, and is recorded in the trail once. Example:
    ``uncc audit --action order.issue --since 2026-01-01 --format csv > issued.csv``.
    """
    chosen = "jsonl" if as_json else fmt
    if chosen not in ("table", "csv", "jsonl"):
        raise UserInputError(f"--format: {fmt!r}; use table, csv or jsonl")
    where = AuditFilter(actor, action, obj, _moment("--since", since), _moment("--until", until))
    if chosen != "table":
        for chunk in desk().audit_export(where, chosen):
            typer.echo(chunk, nl=False)
        return
    entries, total = desk().audit_page(where, limit)
    table = Table("#", "When (UTC)", "Who", "Action", "Object", "Outcome", "Details")
    for entry in entries:
        details = ", ".join(f"{k}={v}" for k, v in entry.details.items())
        table.add_row(
            str(entry.seq),
            f"{entry.at:%Y-%m-%d %H:%M:%S}",
            entry.actor,
            entry.action,
            entry.object,
            entry.outcome,
            details,
        )
    console.print(table)
    console.print(f"{len(entries)} of {total} matching entries shown")
