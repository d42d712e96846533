"""The CLI's connection to the node: settings, the composition root, the logged-in user."""

from __future__ import annotations

import os
import sys
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from uncc.errors import PermissionDeniedError, UserInputError

if TYPE_CHECKING:
    from uncc.config import Settings
    from uncc.services.context import NodeContext, Principal


@cache
def settings() -> Settings:
    """Settings from the environment (``UNCC_DATA_DIR``, ``UNCC_DATABASE_URL`` …)."""
    from uncc.config import Settings  # noqa: PLC0415 - pydantic-settings only when needed

    return Settings()


@cache
def context() -> NodeContext:
    """The node, built once per command.

    Raises:
        UserInputError: the command was given a remote node (``--node``) but works only
            on the node's own server (``node init``, ``node migrate``, keys, the network).
    """
    from uncc.entrypoints.cli.remote import chosen  # noqa: PLC0415

    node = chosen()
    if node is not None:
        from typer._click.globals import get_current_context  # noqa: PLC0415 - Typer's own Click

        found = get_current_context(silent=True)
        command = found.command_path if found is not None else "this command"
        raise UserInputError(
            f"'{command}' works only on the node's server, not through --node {node.url}: "
            "run it there (without --node or UNCC_NODE_URL)"
        )
    from uncc.bootstrap import build  # noqa: PLC0415 - SQLAlchemy is imported only when needed

    return build(settings())


def principal() -> Principal:
    """The logged-in user (``UNCC_TOKEN``, or the token ``uncc login`` saved).

    Raises:
        PermissionDeniedError: nobody is logged in, or the token is no longer valid.
    """
    token = os.environ.get("UNCC_TOKEN")
    path = settings().token_path
    if not token and path.is_file():
        token = path.read_text(encoding="utf-8").strip()
    if not token:
        raise PermissionDeniedError("not logged in: run 'uncc login USER' (or set UNCC_TOKEN)")
    from uncc.services.identity import authenticate  # noqa: PLC0415

    return authenticate(context(), token)


def save_token(token: str) -> Path:
    """Keep the token for later commands, readable only by the user."""
    path = settings().token_path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(token)
    tmp.replace(path)
    return path


def read_password(from_stdin: bool, prompt: str = "Password") -> str:
    """A password from standard input (one line) or an interactive prompt."""
    if from_stdin:
        line = sys.stdin.readline().rstrip("\n")
        if not line:
            raise UserInputError("--password-stdin: no password on standard input")
        return line
    value: str = typer.prompt(prompt, hide_input=True, confirmation_prompt=False)
    return value
