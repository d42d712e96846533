"""Compact JWS with Ed25519 (RFC 7515, alg ``Ed25519`` per RFC 9864) over RFC 8785 bytes."""

from __future__ import annotations

import base64
import functools
import json
from typing import Any

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import OKPKey

from uncc.adapters.crypto import NodeKey

ALG = "Ed25519"
TYP = "uncc+jws"


class SignatureError(Exception):
    """The token is not a JWS, or its signature does not hold."""


@functools.lru_cache(maxsize=8)
def _okp_private(key: NodeKey) -> OKPKey:
    return OKPKey.import_key(key.private_pem())


@functools.lru_cache(maxsize=256)
def _okp_public(public_hex: str) -> OKPKey:
    raw = bytes.fromhex(public_hex)
    x = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    return OKPKey.import_key({"kty": "OKP", "crv": "Ed25519", "x": x})


def sign(key: NodeKey, payload: bytes) -> str:
    """A compact JWS of ``payload`` signed with the node key (``kid`` = its key id)."""
    header = {"alg": ALG, "kid": key.key_id, "typ": TYP}
    return jws.serialize_compact(header, payload, _okp_private(key), algorithms=[ALG])


def header(token: str) -> dict[str, Any]:
    """The protected header, read before the signature is checked (to find the key)."""
    try:
        first = token.split(".", 1)[0]
        data = json.loads(base64.urlsafe_b64decode(first + "=" * (-len(first) % 4)))
    except (ValueError, UnicodeDecodeError) as exc:
        raise SignatureError(f"not a compact JWS ({exc})") from None
    if not isinstance(data, dict) or data.get("alg") != ALG or not isinstance(data.get("kid"), str):
        raise SignatureError(f"the JWS header must have alg '{ALG}' and a kid")
    return data


def verify(token: str, public_hex: str) -> bytes:
    """The payload, once the signature holds for the key; SignatureError otherwise."""
    try:
        return jws.deserialize_compact(token, _okp_public(public_hex), algorithms=[ALG]).payload
    except (JoseError, ValueError) as exc:
        raise SignatureError(f"the signature does not hold ({exc})") from None
