"""Key files protected by a passphrase: encrypted at rest, refused without it or with a wrong one."""

from __future__ import annotations

from pathlib import Path

import pytest

from uncc.adapters.crypto import WRAPPED, DataKey, NodeKey
from uncc.errors import KeyAccessError


def test_a_signing_key_with_a_passphrase_is_encrypted_and_needs_it(tmp_path: Path) -> None:
    path = tmp_path / "key.pem"
    key = NodeKey.generate(path, b"long secret phrase")
    assert b"ENCRYPTED PRIVATE KEY" in path.read_bytes()
    assert NodeKey.load(path, b"long secret phrase").public_hex == key.public_hex
    with pytest.raises(KeyAccessError, match="set UNCC_KEY_PASSPHRASE"):
        NodeKey.load(path)
    with pytest.raises(KeyAccessError, match="passphrase is wrong"):
        NodeKey.load(path, b"another phrase")


def test_a_clear_signing_key_refuses_a_passphrase(tmp_path: Path) -> None:
    path = tmp_path / "key.pem"
    NodeKey.generate(path)
    with pytest.raises(KeyAccessError, match="not encrypted"):
        NodeKey.load(path, b"phrase")


def test_a_wrapped_data_key_round_trips_and_needs_the_passphrase(tmp_path: Path) -> None:
    path = tmp_path / "data-key"
    sealed = DataKey.load_or_create(path, b"long secret phrase").seal(b"Ingrid Holm", b"P-1")
    stored = path.read_bytes()
    assert stored.startswith(WRAPPED)
    assert len(stored) > 32
    assert (
        DataKey.load_or_create(path, b"long secret phrase").open(sealed, b"P-1") == b"Ingrid Holm"
    )
    with pytest.raises(KeyAccessError, match="set UNCC_KEY_PASSPHRASE"):
        DataKey.load_or_create(path)
    with pytest.raises(KeyAccessError, match="passphrase is wrong"):
        DataKey.load_or_create(path, b"another phrase")
    clear = tmp_path / "clear-key"
    DataKey.load_or_create(clear)
    with pytest.raises(KeyAccessError, match="not wrapped"):
        DataKey.load_or_create(clear, b"phrase")
