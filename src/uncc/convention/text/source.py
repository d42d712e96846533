"""Turn the bytes of a treaty file into text, or say in one line why they cannot be."""

from __future__ import annotations

import codecs

from uncc.errors import TreatyTextError

_CONTROL_BYTES = frozenset(range(0x00, 0x09)) | frozenset(range(0x0E, 0x20))


def decode_treaty_bytes(data: bytes, source: str) -> str:
    """Decode a treaty text file.

    UTF-8 (with or without a byte-order mark) and UTF-16 with a byte-order mark are
    accepted. Anything else is refused with a message naming the file.

    Args:
        data: the raw bytes of the file.
        source: the file name, used in error messages.

    Returns:
        The text with ``\\n`` line endings.

    Raises:
        TreatyTextError: the file is empty, binary or not in a supported encoding.

    >>> decode_treaty_bytes(b"Article 1. Purpose\\r\\n", "t.txt")
    'Article 1. Purpose\\n'
    """
    if not data.strip():
        raise TreatyTextError(source, "the file is empty")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise TreatyTextError(source, f"invalid UTF-16 at byte {exc.start}") from None
    else:
        if b"\x00" in data[:8192]:
            raise TreatyTextError(source, "the file is binary, not a plain-text treaty")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise TreatyTextError(
                source,
                f"not valid UTF-8 (byte 0x{data[exc.start]:02x} on line {line}); "
                "save the text as UTF-8 and try again",
            ) from None
    controls = sum(1 for ch in text[:8192] if ord(ch) in _CONTROL_BYTES)
    if controls > 8:
        raise TreatyTextError(source, "the file is binary, not a plain-text treaty")
    return text.replace("\r\n", "\n").replace("\r", "\n")
