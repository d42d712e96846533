"""The ``uncc`` command: sub-commands, and the one place errors become exit codes.

Exit codes: 0 success; 1 the command ran and found problems (lint warnings, gaps, vault
breaks); 2 bad input from the user (or no such object); 3 uncc's own data is
inconsistent (a bug to report); 4 the user's roles do not allow it; 5 refused by a
condition of the Convention or by the object's state; 6 another node (the message stays
in the outbox) or the blob store could not be reached; 7 the disk is full (nothing was
stored). A usage error (an unknown command or option, a missing argument) is exit 2
with one line.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from uncc import __version__
from uncc.adapters.files import PRIVATE_UMASK
from uncc.entrypoints.cli import (
    analysis,
    cases,
    convention,
    daily,
    demo,
    evidence,
    handling,
    jit,
    login,
    network,
    node,
    orders,
    parties,
    path_trace,
    proceeds,
    protection,
    remote,
    request_drafts,
    schema,
    users,
    vault,
    worker,
)
from uncc.errors import (
    EXIT_DISK_FULL,
    EXIT_USER_INPUT,
    UnccError,
    is_disk_full,
)

app = typer.Typer(
    help="uncc — the proposed UN Convention on Cybercrime as executable, cited data.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(convention.app, name="convention")
app.add_typer(parties.app, name="parties")
app.command("analyze")(analysis.analyze_command)
app.command("explain")(analysis.explain_command)
app.command("schema")(schema.schema_command)
app.add_typer(node.app, name="node", callback=remote.server_only)
app.add_typer(users.app, name="user")
app.command("login")(login.login)
app.command("logout")(login.logout)
app.command("serve")(node.serve)
app.command("worker")(worker.worker)
app.add_typer(cases.case_app, name="case")
app.add_typer(orders.order_app, name="order")
app.add_typer(evidence.evidence_app, name="evidence")
app.add_typer(vault.witness_app, name="witness")
app.command("notices")(orders.notices_command)
app.command("audit")(daily.audit_command)
app.command("notifications")(daily.notifications_command)
app.add_typer(proceeds.app, name="proceeds")
app.add_typer(protection.app, name="protect")
app.command("demo")(demo.demo_command)
app.add_typer(network.app, name="network", callback=remote.server_only)
app.add_typer(network.request_app, name="request")
app.add_typer(network.experts_app, name="experts")
app.add_typer(network.deconflict_app, name="deconflict")
app.add_typer(handling.app, name="handling")
app.add_typer(jit.app, name="jit")
network.request_app.command("follow-hop")(path_trace.follow_hop_command)
network.request_app.command("draft")(request_drafts.draft_command)
cases.case_app.command("path")(path_trace.case_path_command)

EXIT_FINDINGS = 1


def _version(value: bool) -> None:
    if value:
        typer.echo(f"uncc {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version."
    ),
    node_url: Annotated[
        str | None,
        typer.Option(
            "--node",
            help="Work on this node through its API (https://host:port; UNCC_NODE_URL) "
            "instead of the local database.",
        ),
    ] = None,
    ca_file: Annotated[
        Path | None,
        typer.Option(
            "--ca-file", help="The CA of the node's TLS certificate, if private (UNCC_CA_FILE)."
        ),
    ] = None,
) -> None:
    """Uncc — the proposed UN Convention on Cybercrime as executable, cited data."""
    remote.choose(node_url, ca_file)


def run() -> None:
    """Console-script entry point: run the app and translate errors to exit codes."""
    err = Console(stderr=True, soft_wrap=True)
    os.umask(PRIVATE_UMASK)  # every file the node writes is private (docs/security.md)
    try:
        outcome = app(standalone_mode=False)
        if isinstance(outcome, int) and outcome:
            sys.exit(outcome)
    except UnccError as exc:  # the label and exit code are the error class's (uncc.errors)
        err.print(f"uncc: {exc.label}: {exc}", highlight=False, markup=False)
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        err.print("uncc: aborted", markup=False)
        sys.exit(130)
    except typer.TyperException as exc:  # usage errors arrive here in non-standalone mode
        err.print(f"uncc: {usage_line(exc)}", highlight=False, markup=False)
        sys.exit(EXIT_USER_INPUT)
    except Exception as exc:  # a full disk reported by the database
        if not is_disk_full(exc):
            raise
        err.print("uncc: disk full: nothing was stored", highlight=False, markup=False)
        sys.exit(EXIT_DISK_FULL)


def usage_line(exc: Exception) -> str:
    """A usage error in one line, with a hint to the command's help."""
    context = getattr(exc, "ctx", None)
    path = context.command_path if context is not None else "uncc"
    message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
    message = " ".join(message.split()) or f"{path} needs a command"
    return f"usage error: {message} (try '{path} --help')"
