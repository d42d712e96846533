"""The network settings a node holds and the directory it verified (Art. 56(1)).

What every network service reads: how this node takes part (``config``), the directory
as verified against the pinned hub key (once per version), and the documents a member
signed, checked against that directory. Joining, the hub's publishing and installing a
new directory are in :mod:`uncc.services.network.directory`, which offers these too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection, select

from uncc.adapters import jws
from uncc.adapters.db import schema
from uncc.domain.directory import Directory
from uncc.errors import NotFoundError, PermissionDeniedError, UserInputError


@dataclass(frozen=True)
class NetworkConfig:
    """How this node takes part in the network."""

    role: str
    endpoint: str
    hub_state: str
    hub_endpoint: str
    hub_key: str
    directory: Directory | None


def config(conn: Connection) -> NetworkConfig:
    """This node's network settings and its verified directory.

    Raises:
        NotFoundError: the node has not joined a network.
    """
    row = conn.execute(_SETTINGS).mappings().first()
    if row is None:
        raise NotFoundError(
            "this node is not in a network: run 'uncc network hub' (coordination role) or 'uncc network join'"
        )
    directory = None
    if row["directory_token"]:
        directory = verified_directory(row["directory_token"], row["hub_key"])
    return NetworkConfig(
        row["role"],
        row["endpoint"],
        row["hub_state"],
        row["hub_endpoint"],
        row["hub_key"],
        directory,
    )


_SETTINGS = select(schema.network)
"""The network settings' row, built once (building a statement costs more than running it)."""


def directory(conn: Connection) -> Directory:
    """The verified directory this node holds.

    Raises:
        NotFoundError: no directory yet (run 'uncc network refresh').
    """
    found = config(conn).directory
    if found is None:
        raise NotFoundError("no directory yet: run 'uncc network refresh'")
    return found


_VERIFIED: dict[tuple[str, str], Directory] = {}
"""Directories already verified, by (token, hub key): the check runs once per version."""


def verified_directory(token: str, hub_key: str) -> Directory:
    """The directory in ``token``, its signature checked against ``hub_key`` (once per version).

    Raises:
        jws.SignatureError: ``hub_key`` did not sign it.
        UserInputError: the signed document is not a directory.
    """
    found = _VERIFIED.get((token, hub_key))
    if found is not None:
        return found
    if len(_VERIFIED) > 64:
        _VERIFIED.clear()
    _VERIFIED[(token, hub_key)] = found = _verify(token, hub_key)
    return found


def _verify(token: str, hub_key: str) -> Directory:
    payload = jws.verify(token, hub_key)
    try:
        return Directory.model_validate(json.loads(payload))
    except (ValueError, ValidationError) as exc:
        raise UserInputError(f"the directory is not valid: {exc}") from None


def member_signed(held: Directory, token: str, now: Any, what: str) -> tuple[str, Any]:
    """(the member's State, the JSON payload) of a document a member signed.

    Raises:
        PermissionDeniedError: not a JWS, a key not in the directory (or retired), or a
            signature that does not hold; ``what`` names the document in the message.
    """
    try:
        found = held.key(str(jws.header(token)["kid"]), now)
        if found is None:
            raise PermissionDeniedError(f"the {what} is signed with a key not in the directory")
        return found[0], json.loads(jws.verify(token, found[1]))
    except jws.SignatureError as exc:
        raise PermissionDeniedError(f"the {what}'s signature does not hold: {exc}") from None
    except ValueError:
        raise PermissionDeniedError(f"the {what} is not JSON") from None
