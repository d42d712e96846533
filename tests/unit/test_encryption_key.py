"""The node's X25519 key: kept like the signing key, encrypted under the passphrase when set."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from uncc.adapters import jwe
from uncc.domain.directory import EncryptionPublicKey, thumbprint
from uncc.errors import KeyAccessError


def test_the_key_is_encrypted_under_the_passphrase_and_private_to_its_owner(tmp_path: Path) -> None:
    path = tmp_path / "node-encryption-key.pem"
    key = jwe.EncryptionKey.load_or_create(path, b"long secret phrase")
    assert b"ENCRYPTED PRIVATE KEY" in path.read_bytes()
    assert path.stat().st_mode & 0o777 == 0o600
    assert jwe.EncryptionKey.load_or_create(path, b"long secret phrase").key_id == key.key_id
    with pytest.raises(KeyAccessError, match="encrypted"):
        jwe.EncryptionKey.load_or_create(path)
    with pytest.raises(KeyAccessError, match="wrong"):
        jwe.EncryptionKey.load_or_create(path, b"another phrase")


def test_only_the_holder_opens_and_a_changed_token_is_refused(tmp_path: Path) -> None:
    mine = jwe.EncryptionKey.load_or_create(tmp_path / "a.pem")
    other = jwe.EncryptionKey.load_or_create(tmp_path / "b.pem")
    token = jwe.encrypt(b"facts", mine.public_hex, typ="uncc+jwe")
    assert mine.decrypt(token)[1] == b"facts"
    with pytest.raises(jwe.DecryptionError):
        other.decrypt(token)
    head, key, iv, text, tag = token.split(".")
    flipped = ("A" if text[0] != "A" else "B") + text[1:]
    with pytest.raises(jwe.DecryptionError):
        mine.decrypt(".".join((head, key, iv, flipped, tag)))


def test_the_key_id_is_the_rfc7638_thumbprint_and_a_wrong_one_is_refused() -> None:
    public = os.urandom(32).hex()
    assert thumbprint(public) == jwe.key_id(public)
    EncryptionPublicKey(kid=thumbprint(public), public_key=public)
    with pytest.raises(ValueError, match="thumbprint"):
        EncryptionPublicKey(kid=thumbprint(os.urandom(32).hex()), public_key=public)
