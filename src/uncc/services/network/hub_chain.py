"""Following the hub's key from the pinned one, by statements signed by the key replaced.

See ``uncc.services.network.hub_keys``.
"""

from __future__ import annotations

import json
from typing import Any

from uncc.adapters import jws
from uncc.domain.keyids import kid_of
from uncc.errors import PermissionDeniedError

HUB_KEYS_PATH = "/network/v1/hub-keys"
FORMAT = "hub-key-rotation/1"


def follow(chain: Any, hub: str, pinned: str, target_kid: str) -> str:
    """The hub key that ``target_kid`` names, reached from the pinned key by the chain.

    Each link must be signed by the key it replaces (the pinned one first) and by the
    new key, for this hub; a chain that never reaches ``target_kid`` re-pins nothing.

    Raises:
        PermissionDeniedError: a link does not hold, or the chain does not reach the key.
    """
    if not isinstance(chain, list):
        raise PermissionDeniedError("the hub's key statements are not a list")
    current = pinned
    for link in chain:
        if kid_of(current) == target_kid:
            break
        try:
            old_token, new_token = str(link["old"]), str(link["new"])
        except (KeyError, TypeError):
            raise PermissionDeniedError(
                'a hub key statement is not {"old": JWS, "new": JWS}'
            ) from None
        if jws.header(old_token).get("kid") != kid_of(current):
            continue  # a link from before our pin
        claim = _verified(old_token, current)
        new_key = str(claim.get("new_public_key"))
        if (
            claim.get("uncc") != FORMAT
            or claim.get("hub") != hub
            or claim.get("old_kid") != kid_of(current)
            or claim.get("new_kid") != kid_of(new_key)
            or _verified(new_token, new_key) != claim
        ):
            raise PermissionDeniedError("a hub key statement does not hold for the pinned key")
        current = new_key
    if kid_of(current) != target_kid:
        raise PermissionDeniedError(
            f"no statement signed by the pinned hub key leads to key {target_kid}"
        )
    return current


def _verified(token: str, public_hex: str) -> Any:
    try:
        return json.loads(jws.verify(token, public_hex))
    except (jws.SignatureError, ValueError) as exc:
        raise PermissionDeniedError(
            f"a hub key statement's signature does not hold: {exc}"
        ) from None
