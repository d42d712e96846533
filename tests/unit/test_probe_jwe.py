"""Hostile review of the network's JWE (branch trip2: ECDH-ES/X25519/A256GCM by hand).

Every token here is a real one for the recipient, then changed the way an attacker
would: another algorithm or encryption, a changed header, IV, tag, ciphertext or
ephemeral key, an ephemeral key that is not X25519 or whose shared secret is all zeros
(a low-order point), header parameters outside the profile, truncation, encodings that
are not base64url, a header nested too deep to parse. Each must be refused as a
``DecryptionError`` — never opened, never another exception.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from uncc.adapters.jwe import DecryptionError, EncryptionKey, encrypt

RECIPIENT = EncryptionKey(X25519PrivateKey.generate())
PLAINTEXT = b'{"facts": "for the recipient only"}'
TOKEN = encrypt(PLAINTEXT, RECIPIENT.public_hex, typ="uncc-body")

LOW_ORDER = [
    "00" * 32,  # the neutral element
    "01" + "00" * 31,  # order 1 / 4
    "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",  # order 8
    "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",  # order 8
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  # p - 1
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  # p
    "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  # p + 1
]
"""X25519 points whose shared secret with any key is all zeros (RFC 7748 s. 6.1)."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _parts(token: str = TOKEN) -> list[str]:
    return token.split(".")


def _with_header(change: Callable[[dict[str, object]], None], token: str = TOKEN) -> str:
    """The token with its protected header changed (its tag no longer matches: AAD)."""
    parts = _parts(token)
    header = json.loads(_unb64(parts[0]))
    change(header)
    parts[0] = _b64(json.dumps(header).encode())
    return ".".join(parts)


def _refused(token: str) -> None:
    with pytest.raises(DecryptionError):
        RECIPIENT.decrypt(token)


def test_the_untouched_token_opens() -> None:
    header, plaintext = RECIPIENT.decrypt(TOKEN)
    assert plaintext == PLAINTEXT
    assert (header["alg"], header["enc"], header["kid"]) == ("ECDH-ES", "A256GCM", RECIPIENT.key_id)


@pytest.mark.parametrize(
    ("alg", "enc"),
    [
        ("dir", "A256GCM"),
        ("none", "A256GCM"),
        ("ECDH-ES+A256KW", "A256GCM"),
        ("RSA-OAEP", "A256GCM"),
        ("ECDH-ES", "A128GCM"),
        ("ECDH-ES", "A256CBC-HS512"),
        ("ecdh-es", "a256gcm"),
        (None, "A256GCM"),
        ("ECDH-ES", None),
        (["ECDH-ES"], "A256GCM"),
    ],
)
def test_another_algorithm_or_encryption_is_refused(alg: object, enc: object) -> None:
    def change(header: dict[str, object]) -> None:
        header["alg"], header["enc"] = alg, enc

    _refused(_with_header(change))


@pytest.mark.parametrize(
    "epk",
    [
        {"kty": "EC", "crv": "P-256", "x": _b64(b"\1" * 32), "y": _b64(b"\2" * 32)},
        {"kty": "OKP", "crv": "Ed25519", "x": _b64(b"\1" * 32)},
        {"kty": "OKP", "crv": "X448", "x": _b64(b"\1" * 56)},
        {"kty": "OKP", "crv": "X25519", "x": _b64(b"\1" * 31)},
        {"kty": "OKP", "crv": "X25519", "x": _b64(b"\1" * 33)},
        {"kty": "OKP", "crv": "X25519", "x": 12},
        {"kty": "OKP", "crv": "X25519"},
        {"kty": "oct", "k": _b64(b"\1" * 32)},
        "not a key",
        None,
    ],
)
def test_an_ephemeral_key_that_is_not_an_x25519_public_key_is_refused(epk: object) -> None:
    def change(header: dict[str, object]) -> None:
        header["epk"] = epk

    _refused(_with_header(change))


def test_an_ephemeral_key_with_a_private_part_or_other_members_is_refused() -> None:
    def with_d(header: dict[str, object]) -> None:
        epk = header["epk"]
        assert isinstance(epk, dict)
        header["epk"] = {**epk, "d": _b64(b"\1" * 32)}

    _refused(_with_header(with_d))


@pytest.mark.parametrize("point", LOW_ORDER)
def test_a_low_order_ephemeral_key_whose_shared_secret_is_zero_is_refused(point: str) -> None:
    def change(header: dict[str, object]) -> None:
        header["epk"] = {"kty": "OKP", "crv": "X25519", "x": _b64(bytes.fromhex(point))}

    _refused(_with_header(change))


def test_a_token_made_honestly_with_a_low_order_recipient_key_cannot_be_made_or_opened() -> None:
    """The sender side too: a directory entry whose key is a low-order point gives no token."""
    for point in LOW_ORDER:
        with pytest.raises(ValueError):  # noqa: PT011 - cryptography's refusal of the point
            encrypt(PLAINTEXT, point)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("zip", "DEF"),
        ("crit", ["exp"]),
        ("jku", "https://evil.example/keys"),
        ("jwk", {"kty": "OKP"}),
        ("x5u", "https://evil.example/cert"),
        ("apu", _b64(b"alice")),
        ("apv", _b64(b"bob")),
        ("p2s", "salt"),
        ("kid", 7),
        ("uncc-chunk", "1"),
        ("uncc-chunk", True),
        ("typ", ["uncc-body"]),
    ],
)
def test_a_header_parameter_outside_the_profile_is_refused(name: str, value: object) -> None:
    def change(header: dict[str, object]) -> None:
        header[name] = value

    _refused(_with_header(change))


def test_a_header_that_is_not_an_object_or_not_json_is_refused() -> None:
    parts = _parts()
    for bad in (b"[]", b'"ECDH-ES"', b"null", b"{", b"\xff\xfe{}", b""):
        _refused(".".join([_b64(bad), *parts[1:]]))


def test_a_header_nested_too_deep_to_read_is_refused_not_a_crash() -> None:
    parts = _parts()
    deep = b'{"alg":' + b"[" * 5_000 + b"]" * 5_000 + b"}"
    _refused(".".join([_b64(deep), *parts[1:]]))


@pytest.mark.parametrize("part", [0, 2, 3, 4], ids=["header", "iv", "ciphertext", "tag"])
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_any_changed_byte_of_a_part_is_refused(part: int, data: st.DataObject) -> None:
    parts = _parts()
    raw = bytearray(_unb64(parts[part]))
    assert raw
    at = data.draw(st.integers(0, len(raw) - 1))
    raw[at] ^= data.draw(st.integers(1, 255))
    parts[part] = _b64(bytes(raw))
    _refused(".".join(parts))


def test_a_changed_ephemeral_key_is_refused() -> None:
    other = X25519PrivateKey.generate().public_key()
    x = other.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

    def change(header: dict[str, object]) -> None:
        epk = header["epk"]
        assert isinstance(epk, dict)
        epk["x"] = _b64(x)

    _refused(_with_header(change))


def test_a_header_re_encoded_with_the_same_meaning_is_refused() -> None:
    """The header's text is what the tag authenticates, not its meaning."""
    parts = _parts()
    header = json.loads(_unb64(parts[0]))
    spaced = json.dumps(header, indent=1).encode()
    _refused(".".join([_b64(spaced), *parts[1:]]))


def test_an_encrypted_key_is_refused() -> None:
    parts = _parts()
    parts[1] = _b64(b"\0" * 40)
    _refused(".".join(parts))


@pytest.mark.parametrize("keep", [1, 2, 3, 4, 6])
def test_a_token_with_parts_missing_or_added_is_refused(keep: int) -> None:
    parts = [*_parts(), "AAAA"][:keep]
    _refused(".".join(parts))


@pytest.mark.parametrize("cut", [1, 4, 8, 12])
def test_a_truncated_tag_iv_or_ciphertext_is_refused(cut: int) -> None:
    for part in (2, 3, 4):
        parts = _parts()
        raw = _unb64(parts[part])
        parts[part] = _b64(raw[: max(0, len(raw) - cut)])
        _refused(".".join(parts))


def test_a_ciphertext_moved_to_another_token_is_refused() -> None:
    """Parts of two tokens for the same key do not mix (each has its own key and IV)."""
    other = _parts(encrypt(PLAINTEXT, RECIPIENT.public_hex, typ="uncc-body"))
    mine = _parts()
    for swapped in (
        [other[0], *mine[1:]],
        [*mine[:2], other[2], *mine[3:]],
        [*mine[:3], other[3], mine[4]],
        [*mine[:4], other[4]],
    ):
        _refused(".".join(swapped))


@pytest.mark.parametrize(
    "spoil",
    [
        lambda s: s + "=",  # padded
        lambda s: s.replace("-", "+").replace("_", "/") + ("+" if "-" not in s else ""),
        lambda s: s[:-1] + "*",
        lambda s: s[:-1] + "é",
        lambda s: s[:3] + " " + s[3:],
        lambda s: s[:3] + "\n" + s[3:],
    ],
    ids=["padded", "standard-alphabet", "star", "non-ascii", "space", "newline"],
)
def test_a_part_that_is_not_base64url_is_refused(spoil: Callable[[str], str]) -> None:
    for part in (0, 2, 3, 4):
        parts = _parts()
        spoilt = spoil(parts[part])
        if spoilt == parts[part]:
            continue
        parts[part] = spoilt
        _refused(".".join(parts))


def test_a_token_for_another_recipient_is_refused() -> None:
    other = EncryptionKey(X25519PrivateKey.generate())
    _refused(encrypt(PLAINTEXT, other.public_hex))


def test_a_token_naming_another_key_id_is_refused_even_if_it_opens() -> None:
    """The key id is authenticated: a sender cannot make one key's token pass as another's."""
    with pytest.raises((DecryptionError, ValueError)):
        RECIPIENT.decrypt(encrypt(PLAINTEXT, RECIPIENT.public_hex, kid="someone-else"))
