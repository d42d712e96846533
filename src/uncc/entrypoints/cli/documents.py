"""``uncc document verify``, and the printing behind the ``print`` commands.

``uncc order print``, ``uncc request print`` and ``uncc evidence report --format pdf``
write documents to print and sign, each with its verification code.
"""

from __future__ import annotations

import os
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from uncc.domain.policy import Action
from uncc.entrypoints.cli.desk import desk
from uncc.entrypoints.cli.output import Format, FormatOpt, emit, epilog
from uncc.errors import UserInputError

if TYPE_CHECKING:
    from uncc.client import models as m

document_app = typer.Typer(
    help="Documents printed by the node (orders, requests, admissibility reports): check them.",
    no_args_is_help=True,
)
console = Console(soft_wrap=True)
MAX_FILE = 20 * 1024 * 1024


def _say(text: str) -> None:
    console.print(text, highlight=False, markup=False)


def write_bytes_atomically(path: Path, data: bytes) -> None:
    """Write bytes to a temporary file beside ``path`` and rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class FileFormat(StrEnum):
    """What a printed document is written as."""

    PDF = "pdf"
    HTML = "html"


AsOpt = Annotated[
    FileFormat,
    typer.Option(
        "--as",
        help="pdf (to sign), or html (a page to print from a browser).",
        case_sensitive=False,
    ),
]
"""The file a ``print`` command writes."""


def save(
    kind: str,
    object_id: str,
    file_format: str,
    output: Path | None,
    output_format: Format = Format.TEXT,
) -> None:
    """Print a record as a document into a file (``ID-kind.pdf`` by default) and say its code."""
    data, code = desk().document(kind, object_id, file_format)
    target = output or Path(f"{object_id}-{kind}.{file_format}")
    write_bytes_atomically(target, data)
    record = {"file": str(target), "kind": kind, "object": object_id, "code": code}
    if emit(record, output_format):
        return
    _say(f"wrote {target}; verification code {code} (uncc document verify {code})")


def print_command(
    app: typer.Typer,
    kind: str,
    *,
    record: str,
    summary: str,
    action: Action,
    limits: str,
    example: str,
) -> None:
    """Add ``print`` to ``app``: the ``kind`` document of one record, written to a file.

    The record's id is the argument ``<kind>_id`` (``record`` is its help); ``summary`` is
    the command's help, and ``action``, ``limits`` and ``example`` its epilog.
    """

    def print_record(
        object_id: str,
        output: Path | None = None,
        file_format: AsOpt = FileFormat.PDF,
        output_format: FormatOpt = Format.TEXT,
    ) -> None:
        save(kind, object_id, file_format.value, output, output_format)

    print_record.__doc__ = summary
    # the two that name the kind (the module's annotations are strings: set these ones)
    print_record.__annotations__ |= {
        "object_id": Annotated[str, typer.Argument(help=record, metavar=f"{kind}_id")],
        "output": Annotated[
            Path | None,
            typer.Option("--output", "-o", help=f"The file (default ID-{kind}.pdf)."),
        ],
    }
    app.command("print", epilog=epilog(action, limits=limits, example=example))(print_record)


@document_app.command(
    "verify",
    epilog=epilog(
        Action.CASE_READ,
        limits="a confidential order's document is named only to those with need to know; "
        "every check is audited.",
        example="uncc document verify XA-O-2026-0001-order.pdf",
    ),
)
def document_verify(
    what: Annotated[
        str, typer.Argument(help="A printed file (PDF or HTML), or its verification code.")
    ],
    output_format: FormatOpt = Format.TEXT,
) -> None:
    """Whether a printed document, or its code, is one the node issued (exit 1 when not)."""
    path = Path(what)
    if path.is_file():
        if path.stat().st_size > MAX_FILE:
            raise UserInputError(f"{what}: a printed document is at most {MAX_FILE} bytes")
        found = desk().check_document(None, path.read_bytes())
    else:
        found = desk().check_document(what, None)
    if not emit(found, output_format):
        _tell(found)
    if not found.matches:
        raise typer.Exit(1)


def _tell(found: m.DocumentCheck) -> None:
    _say(("MATCHES: " if found.matches else "DOES NOT MATCH: ") + found.detail)
    if found.code:
        _say(f"code {found.code}")
    if found.kind:
        _say(f"{found.kind} {found.object or '(withheld: no need to know)'}")
    if found.head:
        head = found.head
        _say(
            f"custody head when made: {head.get('origin')} size {head.get('size')} root {head.get('root')}"
        )
    if found.file_matches is not None:
        _say(
            "the file is byte for byte the file issued"
            if found.file_matches
            else "the file differs from the file issued"
        )
