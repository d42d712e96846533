"""The table of ``uncc``'s commands: each name, its one-line help and how to load it.

``uncc --help`` lists every command from this table without importing any of them; a
command's module (and what it imports: the Convention, the analysis engine, SQLAlchemy,
the HTTP client) is loaded only when that command is invoked. A test loads every entry
and checks its one-line help against the command's own (``tests/unit/test_cli_commands.py``).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

import typer


@dataclass(frozen=True)
class Entry:
    """One top-level command: its one-line help, and what registers it on an app."""

    summary: str
    register: Callable[[typer.Typer], None]


def _command(
    module: str, function: str, name: str, help_end: str | None = None
) -> Callable[[typer.Typer], None]:
    """Register one command; ``help_end`` names the module's text ending its --help."""

    def register(app: typer.Typer) -> None:
        holder = import_module(f"uncc.entrypoints.cli.{module}")
        epilog = getattr(holder, help_end) if help_end else None
        app.command(name, epilog=epilog)(getattr(holder, function))

    return register


def _group(
    module: str,
    attribute: str,
    name: str,
    *,
    server_only: bool = False,
    also: tuple[str, ...] = (),
    extra: tuple[tuple[str, str, str, str], ...] = (),
) -> Callable[[typer.Typer], None]:
    """Register a sub-app.

    ``also`` names modules that add commands to it when imported; ``extra`` adds
    commands kept in other modules: (module, function, command name, help end), once.
    """

    def register(app: typer.Typer) -> None:
        sub_app: typer.Typer = getattr(import_module(f"uncc.entrypoints.cli.{module}"), attribute)
        for other in also:
            import_module(f"uncc.entrypoints.cli.{other}")
        present = {info.name for info in sub_app.registered_commands}
        for other, function, command, help_end in extra:
            if command not in present:
                holder = import_module(f"uncc.entrypoints.cli.{other}")
                sub_app.command(command, epilog=getattr(holder, help_end))(
                    getattr(holder, function)
                )
        if server_only:
            from uncc.entrypoints.cli.remote import server_only as refuse_remote  # noqa: PLC0415

            app.add_typer(sub_app, name=name, callback=refuse_remote)
        else:
            app.add_typer(sub_app, name=name)

    return register


COMMANDS: dict[str, Entry] = {
    "analyze": Entry(
        "Analyse an incident: offences element by element, jurisdiction, measures, missing facts.",
        _command("analysis", "analyze_command", "analyze", "ANALYZE_HELP_END"),
    ),
    "explain": Entry(
        "Explain one offence: the whole trace for each act, under the baseline and each State.",
        _command("analysis", "explain_command", "explain", "EXPLAIN_HELP_END"),
    ),
    "schema": Entry(
        "Print the JSON Schema of the incident facts, the profile or the network message bodies.",
        _command("schema", "schema_command", "schema", "SCHEMA_HELP_END"),
    ),
    "login": Entry(
        "Log in: the token is kept for later commands, readable only by you.",
        _command("login", "login", "login", "LOGIN_HELP_END"),
    ),
    "logout": Entry(
        "End the session: the saved token is revoked on the node and forgotten.",
        _command("login", "logout", "logout", "LOGOUT_HELP_END"),
    ),
    "serve": Entry(
        "Serve the node's API (docs at /api/v1/docs) and its network inbox.",
        _command("node", "serve", "serve", "SERVE_HELP_END"),
    ),
    "worker": Entry(
        "Run the outbox sender, escalation, order expiry, witnesses, retention and mail.",
        _command("worker", "worker", "worker", "WORKER_HELP_END"),
    ),
    "notices": Entry(
        "Show the notices addressed to you (e.g. orders that expired).",
        _command("orders", "notices_command", "notices", "NOTICES_HELP_END"),
    ),
    "audit": Entry(
        "Search the audit trail, or export it (auditors and administrators).",
        _command("daily", "audit_command", "audit", "AUDIT_HELP_END"),
    ),
    "notifications": Entry(
        "Show your notifications: orders to authorise or issue, answers, evidence offered, hits.",
        _command("daily", "notifications_command", "notifications", "NOTIFICATIONS_HELP_END"),
    ),
    "demo": Entry(
        "Run a hub and three national nodes and a cross-border ransomware case between them.",
        _command("demo", "demo_command", "demo", "DEMO_HELP_END"),
    ),
    "convention": Entry(
        "The Convention as data: list, show, export; parse, lint and import treaty texts.",
        _group("convention", "app", "convention"),
    ),
    "parties": Entry(
        "State Party profiles: show one, and list its implementation gaps.",
        _group("parties", "app", "parties"),
    ),
    "node": Entry(
        "The national node: initialise it, see it, let the clock run.",
        _group("node", "app", "node", server_only=True),
    ),
    "user": Entry(
        "Users of the node: add, list, disable, roles, passwords, second factor.",
        _group("users", "app", "user"),
    ),
    "case": Entry(
        "Cases, opened from an analysis of incident facts.",
        _group(
            "cases",
            "case_app",
            "case",
            extra=(("path_trace", "case_path_command", "path", "CASE_PATH_HELP_END"),),
        ),
    ),
    "order": Entry(
        "Orders under the Convention's powers (Arts. 43-50).",
        _group("orders", "order_app", "order"),
    ),
    "evidence": Entry(
        "The evidence vault and its chain of custody.",
        _group("evidence", "evidence_app", "evidence", also=("vault",)),
    ),
    "document": Entry(
        "Documents printed by the node (orders, requests, admissibility reports): check them.",
        _group("documents", "document_app", "document"),
    ),
    "witness": Entry(
        "Witnesses of the custody log: the hub and named peers cosign this node's heads.",
        _group("vault", "witness_app", "witness"),
    ),
    "proceeds": Entry(
        "Proceeds of crime: trace them through a ledger of transfers (Art. 50).",
        _group("proceeds", "app", "proceeds"),
    ),
    "protect": Entry(
        "Protected witnesses, victims and cooperating offenders (Arts. 52-55).",
        _group("protection", "app", "protect"),
    ),
    "network": Entry(
        "The I-24/7 network (Art. 56): the hub's directory, joining it, delivering messages.",
        _group("network", "app", "network", server_only=True, also=("network_status",)),
    ),
    "request": Entry(
        "Cross-border requests: send, list, show, answer (service levels on both sides).",
        _group(
            "requests",
            "request_app",
            "request",
            extra=(
                ("path_trace", "follow_hop_command", "follow-hop", "FOLLOW_HOP_HELP_END"),
                ("request_drafts", "draft_command", "draft", "DRAFT_HELP_END"),
            ),
        ),
    ),
    "experts": Entry(
        "The network's expert directory (Art. 56(3)): add ours, sync with the hub, find who helps now.",
        _group("cooperation", "experts_app", "experts"),
    ),
    "deconflict": Entry(
        "Deconfliction of parallel investigations (Art. 40(5)) without sharing selectors.",
        _group("cooperation", "deconflict_app", "deconflict"),
    ),
    "handling": Entry(
        "Handling codes of received data: ask or give consent for onward transfer; retention.",
        _group("handling", "app", "handling"),
    ),
    "jit": Entry(
        "Joint investigation teams (CETS 224 Art. 12): propose, accept, the signed team log.",
        _group("jit", "app", "jit"),
    ),
}
"""Every top-level command, in the order ``uncc --help`` lists them."""


def load(name: str) -> typer.core.TyperCommand | typer.core.TyperGroup:
    """The Click command of one top-level command, its module imported now."""
    holder = typer.Typer()
    COMMANDS[name].register(holder)
    command = typer.main.get_group(holder).commands[name]
    if not isinstance(command, typer.core.TyperCommand | typer.core.TyperGroup):
        raise TypeError(f"{name}: not a Typer command")  # pragma: no cover - Typer builds these
    flags_without_type(command)
    return command


def flags_without_type(command: typer.core.TyperCommand | typer.core.TyperGroup) -> None:
    """Show a flag in ``--help`` as a flag (``--all``), not as an option taking ``<bool>``."""
    help_option = command.get_help_option(typer.Context(command))  # made once, then kept
    for param in [*command.params, help_option]:
        if isinstance(param, typer.core.TyperOption) and param.is_flag:
            param.metavar = ""
    for sub in getattr(command, "commands", {}).values():
        if isinstance(sub, typer.core.TyperCommand | typer.core.TyperGroup):
            flags_without_type(sub)


def first_paragraph(text: str | None) -> str:
    """A help text's first paragraph on one line, as ``--help`` lists a command."""
    return inspect.cleandoc(text or "").split("\n\n")[0].replace("\n", " ").strip()
