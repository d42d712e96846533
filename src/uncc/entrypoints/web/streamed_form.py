"""A ``multipart/form-data`` body read as it arrives: the fields first, then one file, streamed.

A web form's evidence upload goes into the vault the way the API's does: the bytes of
the file part are handed to the service as they arrive, hashed and written once into
the blob store (no spool file, no second copy). So the form's text fields (the CSRF
token, the order, the tool) must come before the file, as the node's own form sends
them; a field after the file is refused while the file is still being read, so nothing
of it is stored. The parser is python-multipart's push parser, which Starlette uses too.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from uncc.errors import TooLargeError, UserInputError

MAX_FIELD = 64 * 1024
"""Bytes a text field of the form may have."""
MAX_FIELDS = 50
"""Text fields a form may have before its file."""


def _bounded(header: bytes) -> None:
    if len(header) > MAX_FIELD:
        raise TooLargeError(f"form: a part header longer than {MAX_FIELD} bytes")


@dataclass
class _Part:
    headers: dict[str, str] = field(default_factory=dict)
    name: str = ""
    filename: str | None = None
    data: bytearray = field(default_factory=bytearray)


class StreamedForm:
    """The parts of one request's form, read in order from its body stream."""

    def __init__(self, request: Request) -> None:
        content_type, options = parse_options_header(request.headers.get("content-type", ""))
        boundary = options.get(b"boundary")
        if content_type != b"multipart/form-data" or not boundary:
            raise UserInputError("form: expected multipart/form-data (a form with a file)")
        self._events: list[tuple[str, Any]] = []
        header: list[bytes] = [b"", b""]

        def event(kind: str, value: Any = None) -> None:
            self._events.append((kind, value))

        def on_header_field(data: bytes, start: int, end: int) -> None:
            header[0] += data[start:end]
            _bounded(header[0])

        def on_header_value(data: bytes, start: int, end: int) -> None:
            header[1] += data[start:end]
            _bounded(header[1])

        def on_header_end() -> None:
            event("header", (header[0].decode("latin-1").lower(), header[1].decode("latin-1")))
            header[:] = [b"", b""]

        self._parser = MultipartParser(
            boundary,
            {
                "on_part_begin": lambda: event("begin"),
                "on_header_field": on_header_field,
                "on_header_value": on_header_value,
                "on_header_end": on_header_end,
                "on_headers_finished": lambda: event("headers"),
                "on_part_data": lambda data, start, end: event("data", bytes(data[start:end])),
                "on_part_end": lambda: event("end"),
            },
        )
        self._stream = request.stream()
        self._events_iter = self._next()
        self._file: _Part | None = None

    async def _next(self) -> AsyncIterator[tuple[str, Any]]:
        """The parser's events, feeding it the body chunk by chunk as they are needed."""
        async for chunk in self._stream:
            try:
                self._parser.write(chunk)
            except MultipartParseError as exc:
                raise UserInputError(f"form: not a well-formed multipart body ({exc})") from None
            events, self._events = self._events, []
            for item in events:
                yield item
        self._parser.finalize()

    async def fields(self, file_field: str) -> tuple[dict[str, str], str | None]:
        """The text fields before the file ``file_field``, and the file's name.

        Reads the body up to the first byte of the file (or to its end when there is
        no file: the name is then ``None``).

        Raises:
            TooLargeError: a text field longer than 64 KiB.
            UserInputError: too many fields, or a file other than ``file_field``.
        """
        found: dict[str, str] = {}
        part = _Part()
        async for kind, value in self._events_iter:
            if kind == "begin":
                part = _Part()
            elif kind == "header":
                part.headers[value[0]] = value[1]
            elif kind == "headers":
                _, options = parse_options_header(part.headers.get("content-disposition", ""))
                part.name = options.get(b"name", b"").decode("utf-8", errors="replace")
                raw = options.get(b"filename")
                part.filename = None if raw is None else raw.decode("utf-8", errors="replace")
                if part.filename is not None:
                    if part.name != file_field:
                        raise UserInputError(f"{part.name}: only the field {file_field} is a file")
                    self._file = part
                    return found, part.filename
                if len(found) >= MAX_FIELDS:
                    raise UserInputError(f"form: more than {MAX_FIELDS} fields")
            elif kind == "data":
                part.data += value
                if len(part.data) > MAX_FIELD:
                    raise TooLargeError(f"{part.name}: longer than {MAX_FIELD} bytes")
            elif kind == "end":
                found[part.name] = part.data.decode("utf-8", errors="replace")
        return found, None

    async def file(self) -> AsyncIterator[bytes]:
        """The file's bytes as they arrive; then the rest of the body, which must be empty.

        Raises:
            UserInputError: a field follows the file (the form must give its fields first).
        """
        if self._file is None:
            raise RuntimeError("fields() found no file to read")
        ended = False
        async for kind, value in self._events_iter:
            if kind == "data" and not ended:
                yield value
            elif kind == "end":
                ended = True
            elif kind == "headers":
                raise UserInputError(
                    f"{self._file.name}: the file must be the last field of the form; "
                    "give the other fields before it"
                )
        if not ended:  # the body stopped inside the file: never store a cut-off file
            raise UserInputError(f"{self._file.name}: the form ended before the file did")
