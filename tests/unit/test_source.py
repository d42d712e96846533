import codecs

import pytest

from uncc.convention.text.source import decode_treaty_bytes
from uncc.errors import TreatyTextError


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "empty"),
        (b"  \n\n ", "empty"),
        (b"\x00\x01\x02binary", "binary"),
        (b"Article 1. Caf\xe9", "not valid UTF-8"),
        (bytes(range(1, 30)) * 4, "binary"),
    ],
)
def test_unreadable_files_are_refused_with_the_file_name(data: bytes, problem: str) -> None:
    with pytest.raises(TreatyTextError) as info:
        decode_treaty_bytes(data, "treaty.txt")
    assert str(info.value).startswith("treaty.txt: ")
    assert problem in str(info.value)


def test_utf8_bom_utf16_and_crlf_are_accepted() -> None:
    assert decode_treaty_bytes(codecs.BOM_UTF8 + b"Article 1. A\r\n", "t") == "Article 1. A\n"
    utf16 = "Article 1. Ä\r\n".encode("utf-16")
    assert decode_treaty_bytes(utf16, "t") == "Article 1. Ä\n"


def test_bad_encoding_names_the_line() -> None:
    with pytest.raises(TreatyTextError, match="line 2"):
        decode_treaty_bytes(b"Article 1. A\nbad \xff byte", "t")
