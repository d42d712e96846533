"""Which node the command line talks to, and the credentials kept for each node.

``uncc --node URL`` (or ``UNCC_NODE_URL``) makes the work commands call the node's API
through :mod:`uncc.client`; ``--ca-file`` (or ``UNCC_CA_FILE``) names the CA of a node
with a private certificate (TLS is always verified). ``uncc login --node URL`` keeps the
token in ``credentials.json`` of the user's config directory (``UNCC_CONFIG_DIR``
overrides it), readable only by the user; ``uncc logout`` revokes and forgets it.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from uncc.errors import PermissionDeniedError, UserInputError

if TYPE_CHECKING:
    from uncc.client import Client, UploadJournal

CREDENTIALS = "credentials.json"


@dataclass(frozen=True)
class NodeChoice:
    """A remote node: its URL and the CA file its certificate is checked against."""

    url: str
    ca_file: Path | None = None


_chosen: list[NodeChoice] = []


def choose(url: str | None, ca_file: Path | None) -> None:
    """Remember the node of this command (``--node``/``UNCC_NODE_URL``), if any."""
    _chosen.clear()
    url = url or os.environ.get("UNCC_NODE_URL") or None
    ca = ca_file or (Path(os.environ["UNCC_CA_FILE"]) if os.environ.get("UNCC_CA_FILE") else None)
    if url:
        _chosen.append(NodeChoice(url.rstrip("/"), ca))
    elif ca is not None and ca_file is not None:
        raise UserInputError("--ca-file: give the node too (--node URL or UNCC_NODE_URL)")


def chosen() -> NodeChoice | None:
    """The remote node of this command; ``None`` when it works on the local node."""
    return _chosen[0] if _chosen else None


def server_only(ctx: typer.Context) -> None:
    """Refuse, before reading any argument, a command group that runs on the node's server only."""
    node = chosen()
    if node is not None:
        raise UserInputError(
            f"'{ctx.command_path}' works only on the node's server, not through --node "
            f"{node.url}: run it there (without --node or UNCC_NODE_URL)"
        )


def config_dir() -> Path:
    """The user's uncc config directory (``UNCC_CONFIG_DIR`` overrides the platform's)."""
    override = os.environ.get("UNCC_CONFIG_DIR")
    if override:
        return Path(override)
    from platformdirs import user_config_dir  # noqa: PLC0415 - not on every command's start

    return Path(user_config_dir("uncc", appauthor=False))


def _path() -> Path:
    return config_dir() / CREDENTIALS


def _read() -> dict[str, Any]:
    path = _path()
    if not path.is_file():
        return {}
    if path.stat().st_mode & 0o077:
        raise PermissionDeniedError(
            f"{path} can be read by others: remove it and log in again ('uncc login --node URL USER')"
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise UserInputError(
            f"{path}: not readable credentials; remove it and log in again"
        ) from None
    return data if isinstance(data, dict) else {}


def _write(entries: dict[str, Any]) -> Path:
    path = _path()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(entries, handle, indent=1)
    tmp.replace(path)
    return path


def save_credentials(node: NodeChoice, user: str, token: str) -> Path:
    """Keep a node's token for later commands (0600, in a 0700 directory)."""
    return _write(_read() | {node.url: {"user": user, "token": token}})


def forget_credentials(node: NodeChoice) -> str | None:
    """Forget a node's token; the token, if there was one."""
    entries = _read()
    entry = entries.pop(node.url, None)
    _write(entries)
    return str(entry["token"]) if isinstance(entry, dict) and "token" in entry else None


def saved_token(node: NodeChoice) -> str:
    """The token ``uncc login --node`` kept for the node (``UNCC_TOKEN`` overrides it).

    Raises:
        PermissionDeniedError: nobody is logged in to that node.
    """
    token = os.environ.get("UNCC_TOKEN")
    entry = _read().get(node.url)
    if not token and isinstance(entry, dict):
        token = str(entry.get("token", ""))
    if not token:
        raise PermissionDeniedError(
            f"not logged in to {node.url}: run 'uncc --node {node.url} login USER'"
        )
    return token


def client(node: NodeChoice, *, logged_in: bool = True) -> Client:
    """A client of the node, with the saved token when ``logged_in``."""
    from uncc.client import Client  # noqa: PLC0415 - httpx loads only for remote commands

    return Client(node.url, saved_token(node) if logged_in else None, ca_file=node.ca_file)


def journal() -> UploadJournal:
    """Where unfinished uploads are remembered, to resume them."""
    from uncc.client import UploadJournal  # noqa: PLC0415

    return UploadJournal(config_dir() / "uploads.json")
