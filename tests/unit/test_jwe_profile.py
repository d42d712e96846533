"""The network's own JWE profile (ECDH-ES, X25519, A256GCM) against ``joserfc``'s general JWE.

``uncc.adapters.jwe`` makes and opens tokens with ``cryptography``'s primitives; ``joserfc``
is the reference: it opens every token made here, every token it makes is opened here to
the same header and plaintext, and nothing changed in a token is opened here that the
reference refuses (here is stricter: one algorithm, one encryption, our header parameters).
"""

from __future__ import annotations

import base64
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st
from joserfc import jwe as reference
from joserfc.errors import JoseError
from joserfc.jwk import OKPKey
from joserfc.registry import HeaderParameter

from uncc.adapters import jwe

_REGISTRY = reference.JWERegistry(
    header_registry={
        "uncc-blob": HeaderParameter("SHA-256 of the blob a chunk belongs to", "str"),
        "uncc-chunk": HeaderParameter("Position of the chunk in the blob, from 0", "int"),
    },
    algorithms=[jwe.ALG, jwe.ENC],
)
_KEY = jwe.EncryptionKey(X25519PrivateKey.generate())
_OTHER = jwe.EncryptionKey(X25519PrivateKey.generate())

headers = st.fixed_dictionaries(
    {},
    optional={
        "typ": st.sampled_from(["uncc+jwe", "uncc+blob"]),
        "cty": st.just("uncc+jws"),
        "uncc-blob": st.text("0123456789abcdef", min_size=64, max_size=64),
        "uncc-chunk": st.integers(0, 10_000),
    },
)


def _reference_key(key: jwe.EncryptionKey) -> OKPKey:
    return OKPKey.import_key(key._private)  # the same key, for the reference


def _reference_token(plaintext: bytes, header: dict[str, str | int]) -> str:
    protected = {"alg": jwe.ALG, "enc": jwe.ENC, "kid": _KEY.key_id, **header}
    public = OKPKey.import_key(
        {
            "kty": "OKP",
            "crv": "X25519",
            "x": base64.urlsafe_b64encode(bytes.fromhex(_KEY.public_hex)).rstrip(b"=").decode(),
        }
    )
    return reference.encrypt_compact(protected, plaintext, public, registry=_REGISTRY)


@settings(max_examples=60, deadline=None)
@given(plaintext=st.binary(max_size=3000), header=headers)
def test_the_reference_opens_ours_and_we_open_the_references(
    plaintext: bytes, header: dict[str, str | int]
) -> None:
    ours = jwe.encrypt(plaintext, _KEY.public_hex, **header)
    opened = reference.decrypt_compact(ours, _reference_key(_KEY), registry=_REGISTRY)
    assert opened.plaintext == plaintext
    assert _KEY.decrypt(ours) == (dict(opened.protected), plaintext)

    theirs = _reference_token(plaintext, header)
    found = reference.decrypt_compact(theirs, _reference_key(_KEY), registry=_REGISTRY)
    assert _KEY.decrypt(theirs) == (dict(found.protected), plaintext)


def _reference_opens(token: str) -> bytes | None:
    try:
        found = reference.decrypt_compact(token, _reference_key(_KEY), registry=_REGISTRY)
    except (JoseError, ValueError, TypeError):
        return None
    return found.plaintext or b""


@settings(max_examples=200, deadline=None)
@given(
    plaintext=st.binary(min_size=1, max_size=200),
    header=headers,
    where=st.integers(min_value=0),
    char=st.sampled_from("AaBb019-_.=+/ \x00é"),
)
def test_a_changed_token_is_never_opened_where_the_reference_refuses(
    plaintext: bytes, header: dict[str, str | int], where: int, char: str
) -> None:
    token = jwe.encrypt(plaintext, _KEY.public_hex, **header)
    at = where % len(token)
    changed = token[:at] + char + token[at + 1 :]
    try:
        opened = _KEY.decrypt(changed)
    except jwe.DecryptionError:
        return
    assert _reference_opens(changed) == opened[1] == plaintext


def _with_header(token: str, **change: object) -> str:
    head, *rest = token.split(".")
    data = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
    data.update(change)
    data = {k: v for k, v in data.items() if v is not None}
    encoded = base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
    return ".".join([encoded, *rest])


@pytest.mark.parametrize(
    "change",
    [
        {"alg": "dir"},
        {"alg": "none"},
        {"enc": "A128GCM"},
        {"zip": "DEF"},
        {"crit": ["exp"]},
        {"apu": "QWxpY2U"},
        {"jku": "https://example.test/keys"},
        {"uncc-chunk": "0"},
        {"kid": None},
        {"epk": {"kty": "OKP", "crv": "X448", "x": "AAAA"}},
        {"epk": {"kty": "OKP", "crv": "X25519", "x": "A" * 43, "d": "A" * 43}},
        {"epk": {"kty": "OKP", "crv": "X25519", "x": "A" * 43}},  # a low-order point
    ],
)
def test_a_header_outside_the_profile_is_refused(change: dict[str, object]) -> None:
    token = jwe.encrypt(b"facts", _KEY.public_hex, typ="uncc+jwe")
    with pytest.raises(jwe.DecryptionError):
        _KEY.decrypt(_with_header(token, **change))


def test_a_wrapped_key_a_wrong_iv_or_tag_or_another_recipient_is_refused() -> None:
    token = jwe.encrypt(b"facts", _KEY.public_hex, typ="uncc+jwe")
    head, _, iv, text, tag = token.split(".")
    for bad in (
        ".".join((head, "AAAA", iv, text, tag)),
        ".".join((head, "", iv[:-2], text, tag)),
        ".".join((head, "", iv, text, tag[:-2])),
        ".".join((head, "", iv, text, tag, "")),
        ".".join((head, "", iv + "==", text, tag)),
    ):
        with pytest.raises(jwe.DecryptionError):
            _KEY.decrypt(bad)
    with pytest.raises(jwe.DecryptionError):
        _OTHER.decrypt(token)
    with pytest.raises(ValueError, match="not accepted"):
        jwe.encrypt(b"facts", _KEY.public_hex, zip="DEF")


def test_each_token_has_its_own_ephemeral_key_and_iv() -> None:
    first, second = (jwe.encrypt(b"same", _KEY.public_hex).split(".") for _ in range(2))
    assert first[0] != second[0]  # the header holds the ephemeral public key
    assert first[2] != second[2]
