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
from difflib import get_close_matches
from pathlib import Path
from typing import Annotated

import typer
from typer import _click
from typer.core import TyperCommand, TyperGroup

from uncc import __version__
from uncc.adapters.files import PRIVATE_UMASK
from uncc.entrypoints.cli import remote
from uncc.entrypoints.cli.commands import COMMANDS, flags_without_type, load
from uncc.errors import (
    EXIT_DISK_FULL,
    EXIT_USER_INPUT,
    UnccError,
    is_disk_full,
)


class LazyGroup(TyperGroup):
    """The top-level group: each command's module is imported only when it is invoked.

    ``--help`` lists every command with its one-line help from the static table
    (``commands.COMMANDS``), so it imports none of them.
    """

    listing = False

    def list_commands(self, ctx: _click.Context) -> list[str]:
        """Every command: those registered here, then the table's."""
        return [*self.commands, *(name for name in COMMANDS if name not in self.commands)]

    def get_command(self, ctx: _click.Context, cmd_name: str) -> _click.Command | None:
        """The command, loaded now (or, while help is printed, its line of the table)."""
        found = self.commands.get(cmd_name)
        if found is not None or cmd_name not in COMMANDS:
            return found
        if self.listing:
            return TyperCommand(name=cmd_name, help=COMMANDS[cmd_name].summary)
        command = load(cmd_name)
        self.commands[cmd_name] = command
        return command

    def format_help(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        """The help, listing the commands from the table."""
        flags_without_type(self)
        self.listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self.listing = False

    def resolve_command(
        self, ctx: _click.Context, args: list[str]
    ) -> tuple[str | None, _click.Command | None, list[str]]:
        """The invoked command; an unknown name is answered with the closest ones."""
        try:
            return self._click_resolve_command(ctx, args)
        except _click.exceptions.UsageError as exc:
            matches = get_close_matches(args[0], self.list_commands(ctx)) if args else []
            if matches:
                suggestions = ", ".join(repr(m) for m in matches)
                exc.message = f"{exc.message.rstrip('.')}. Did you mean {suggestions}?"
            raise


app = typer.Typer(
    cls=LazyGroup,
    help="uncc — the proposed UN Convention on Cybercrime as executable, cited data.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

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


def _complain(line: str) -> None:
    """One line on standard error (Rich, loaded only when there is something to say)."""
    from rich.console import Console  # noqa: PLC0415 - not needed on the way to success

    Console(stderr=True, soft_wrap=True).print(line, highlight=False, markup=False)


def run() -> None:
    """Console-script entry point: run the app and translate errors to exit codes."""
    os.umask(PRIVATE_UMASK)  # every file the node writes is private (docs/security.md)
    # uncc has no pydantic plugin: skip the scan of every installed distribution's entry
    # points for one (about 8 ms of each start); PYDANTIC_DISABLE_PLUGINS= (empty) allows them
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    try:
        outcome = app(standalone_mode=False)
        if isinstance(outcome, int) and outcome:
            sys.exit(outcome)
    except UnccError as exc:  # the label and exit code are the error class's (uncc.errors)
        _complain(f"uncc: {exc.label}: {exc}")
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        _complain("uncc: aborted")
        sys.exit(130)
    except typer.TyperException as exc:  # usage errors arrive here in non-standalone mode
        _complain(f"uncc: {usage_line(exc)}")
        sys.exit(EXIT_USER_INPUT)
    except Exception as exc:  # a full disk reported by the database
        if not is_disk_full(exc):
            raise
        _complain("uncc: disk full: nothing was stored")
        sys.exit(EXIT_DISK_FULL)


def usage_line(exc: Exception) -> str:
    """A usage error in one line, with a hint to the command's help."""
    context = getattr(exc, "ctx", None)
    path = context.command_path if context is not None else "uncc"
    message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
    message = " ".join(message.split()) or f"{path} needs a command"
    return f"usage error: {message} (try '{path} --help')"
