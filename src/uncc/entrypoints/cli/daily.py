"""``uncc notifications`` and ``uncc audit``: what concerns me, and the audit trail."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.console import Console

from uncc.domain.policy import Action
from uncc.entrypoints.cli.desk import AuditFilter, desk
from uncc.entrypoints.cli.output import Format, emit, epilog, listing, print_table
from uncc.errors import UserInputError

console = Console(soft_wrap=True)


class NotificationsFormat(StrEnum):
    """``uncc notifications --format``: ``table`` is ``text``'s older name."""

    TEXT = "text"
    TABLE = "table"
    JSON = "json"


class AuditFormat(StrEnum):
    """``uncc audit --format``: a page for people or scripts, or an export of every match."""

    TEXT = "text"
    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    JSONL = "jsonl"


@dataclass(frozen=True)
class AuditPage:
    """What ``uncc audit --format json`` prints: the newest matches and how many there are."""

    entries: list[Any]
    total: int


NOTIFICATIONS_HELP_END = epilog(
    limits="anyone logged in: what is addressed to them or their roles, never an order they "
    "have no need to know.",
    example="uncc notifications --unread --format json",
)
AUDIT_HELP_END = epilog(
    Action.AUDIT_READ,
    limits="looking is not audited; an export (csv, jsonl) is recorded in the trail once.",
    example="uncc audit --action order.issue --since 2026-01-01 --format csv > issued.csv",
)


def notifications_command(
    unread: Annotated[bool, typer.Option("--unread", help="Only those not yet read.")] = False,
    fmt: Annotated[
        NotificationsFormat,
        typer.Option("--format", "-f", help="text (a table) or json (the notifications)."),
    ] = NotificationsFormat.TEXT,
    limit: Annotated[
        int, typer.Option("--limit", min=1, max=1000, help="How many, newest first.")
    ] = 50,
) -> None:
    """Show your notifications: orders to authorise or issue, answers, evidence offered, hits.

    Anyone logged in; each user sees what is addressed to them or their roles, and never
    an order they have no need to know. Example: ``uncc notifications --unread``.
    """
    found = desk().notifications(unread=unread, limit=limit)
    if fmt is NotificationsFormat.JSON:
        emit(
            [
                n.model_copy(update={"at": n.at.replace(tzinfo=n.at.tzinfo or dt.UTC)})
                for n in found
            ],
            Format.JSON,
        )
        return
    table = listing("#", "When (UTC)", "What", "Open", "Read", ids=("#", "Open"))
    for n in found:
        table.add_row(
            str(n.id), f"{n.at:%Y-%m-%d %H:%M}", n.text, n.link, "yes" if n.read else "no"
        )
    print_table(table)


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
        AuditFormat,
        typer.Option(
            "--format",
            "-f",
            help="text or json (the newest matches), or csv / jsonl (every match, exported).",
        ),
    ] = AuditFormat.TEXT,
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
    chosen = AuditFormat.JSONL if as_json else fmt
    where = AuditFilter(actor, action, obj, _moment("--since", since), _moment("--until", until))
    if chosen in (AuditFormat.CSV, AuditFormat.JSONL):
        for chunk in desk().audit_export(where, chosen.value):
            typer.echo(chunk, nl=False)
        return
    entries, total = desk().audit_page(where, limit)
    if chosen is AuditFormat.JSON:
        emit(AuditPage(list(entries), total), Format.JSON)
        return
    table = listing(
        "#", "When (UTC)", "Who", "Action", "Object", "Outcome", "Details", ids=("#", "Object")
    )
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
    print_table(table)
    console.print(f"{len(entries)} of {total} matching entries shown")
