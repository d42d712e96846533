"""``uncc evidence``: ingest with a progress bar, list, seal, custody, admissibility report.

(``verify`` and ``head`` are in :mod:`uncc.entrypoints.cli.vault`.)
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, BinaryIO

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from uncc.domain.policy import Action
from uncc.entrypoints.cli.desk import Intake, desk
from uncc.entrypoints.cli.output import Format, FormatOpt, emit, epilog, listing, print_table
from uncc.entrypoints.cli.store import write_text_atomically
from uncc.errors import ConflictError, UserInputError

evidence_app = typer.Typer(
    help="The evidence vault and its chain of custody.", no_args_is_help=True
)
console = Console(soft_wrap=True)


class ReportFormat(StrEnum):
    """The admissibility report's formats."""

    MD = "md"
    HTML = "html"
    JSON = "json"
    PDF = "pdf"


def _say(text: str) -> None:
    console.print(text, highlight=False, markup=False)


@evidence_app.command(
    "add",
    epilog=epilog(
        Action.EVIDENCE_ADD,
        limits="the order it was acquired under, if named, must be one of the case's.",
        example="uncc evidence add image.dd --case XA-C-2026-0001 --order XA-O-2026-0001 "
        "--tool dd --source 'leak-server disk'",
    ),
)
def evidence_add(
    file: Annotated[Path, typer.Argument(help="The file to ingest (any size; streamed).")],
    case_id: Annotated[str, typer.Option("--case", help="The case.")],
    order_id: Annotated[
        str | None, typer.Option("--order", help="The order it was acquired under.")
    ] = None,
    tool: Annotated[str, typer.Option("--tool", help="Acquisition tool.")] = "",
    tool_version: Annotated[str, typer.Option("--tool-version", help="Its version.")] = "",
    source: Annotated[str, typer.Option("--source", help="Source device or system.")] = "",
    place: Annotated[str, typer.Option("--place", help="Where it was acquired.")] = "",
    output_format: FormatOpt = Format.TEXT,
) -> None:
    """Ingest a file into the vault with a progress bar; its custody starts now.

    With ``--node``, the file goes in resumable chunks: if the upload is interrupted,
    the same command again goes on from where the node stopped taking bytes.
    """
    if not file.is_file():
        raise UserInputError(f"{file}: no such file")
    intake = Intake(
        file,
        order_id,
        {"tool": tool, "tool_version": tool_version, "source": source, "place": place},
    )
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task(f"ingesting {file.name}", total=file.stat().st_size)
        item = desk().add_evidence(
            case_id, intake, lambda done: progress.update(task, completed=done)
        )
    if not emit(item, output_format):
        _say(f"{item.id}: {item.filename}, {item.size} bytes, sha256 {item.sha256}")


@evidence_app.command(
    "list", epilog=epilog(Action.EVIDENCE_READ, example="uncc evidence list --case XA-C-2026-0001")
)
def evidence_list(
    case_id: Annotated[str | None, typer.Option("--case", help="Only this case.")] = None,
    output_format: FormatOpt = Format.TEXT,
) -> None:
    """List evidence items (the full SHA-256 with --format json or evidence report)."""
    items = desk().evidence(case_id)
    if emit(items, output_format):
        return
    table = listing("Item", "Case", "File", "Bytes", "SHA-256", "Sealed", ids=("Item", "Case"))
    for item in items:
        table.add_row(
            item.id,
            item.case,
            item.filename,
            str(item.size),
            item.sha256[:16] + "…",
            "yes" if item.sealed else "",
        )
    print_table(table)


ItemArg = Annotated[str, typer.Argument(help="The evidence item, e.g. XA-E-2026-0001.")]
NoteOpt = Annotated[str, typer.Option("--note", help="Why (kept in the custody log).")]


def _sealed(item_id: str, note: str, sealed: bool, output_format: Format) -> None:
    node = desk()
    node.seal(item_id, note, sealed=sealed)
    record = next((i for i in node.evidence(None) if i.id == item_id), None)
    if record is None or not emit(record, output_format):
        _say(f"{item_id} {'sealed' if sealed else 'released'}")


@evidence_app.command(
    "seal",
    epilog=epilog(
        Action.EVIDENCE_SEAL, example="uncc evidence seal XA-E-2026-0001 --note 'court order 12/26'"
    ),
)
def evidence_seal(
    item_id: ItemArg, note: NoteOpt = "", output_format: FormatOpt = Format.TEXT
) -> None:
    """Seal an item: render it inaccessible (Art. 46(3)(d))."""
    _sealed(item_id, note, True, output_format)


@evidence_app.command(
    "release",
    epilog=epilog(Action.EVIDENCE_SEAL, example="uncc evidence release XA-E-2026-0001 --note why"),
)
def evidence_release(
    item_id: ItemArg, note: NoteOpt = "", output_format: FormatOpt = Format.TEXT
) -> None:
    """Release a sealed item."""
    _sealed(item_id, note, False, output_format)


def _details(details: dict[str, Any], prefix: str = "") -> list[str]:
    """A custody event's details as ``key: value`` lines (nested keys joined by dots)."""
    lines = []
    for key, value in details.items():
        if isinstance(value, dict):
            lines += _details(value, f"{prefix}{key}.")
        elif value not in (None, "", [], {}):
            shown = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
            lines.append(f"{prefix}{key}: {shown}")
    return lines


@evidence_app.command(
    "custody",
    epilog=epilog(Action.CUSTODY_READ, example="uncc evidence custody XA-E-2026-0001"),
)
def evidence_custody(item_id: ItemArg, output_format: FormatOpt = Format.TEXT) -> None:
    """The chain of custody of an item, each event with its Merkle inclusion proof."""
    entries = desk().custody(item_id)
    if emit(entries, output_format):
        return
    for entry in entries:
        _say(f"#{entry.seq}  {entry.at:%Y-%m-%d %H:%M:%S} UTC  {entry.kind}  by {entry.actor}")
        for line in _details(entry.details):
            _say(f"    {line}")
        point = entry.checkpoint
        _say(f"    leaf hash {entry.leaf_hash}")
        _say(
            f"    proved by {len(entry.proof)} hashes against the signed head of size "
            f"{point.size}, root {point.root} (key {point.key_id})"
        )


@evidence_app.command(
    "get",
    epilog=epilog(
        Action.EVIDENCE_CONTENT,
        limits="not a sealed item (Art. 46(3)(d)), nor one taken under a confidential order without need to know; audited; the file appears only once its bytes hash to the recorded SHA-256.",
        example="uncc evidence get XA-E-2026-0001 -o x.bin",
    ),
)
def evidence_get(
    item_id: Annotated[str, typer.Argument(help="The evidence item, e.g. XA-E-2026-0001.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The file to write (new).")],
    output_format: FormatOpt = Format.TEXT,
) -> None:
    """Download an item's bytes (audited), checked against its recorded SHA-256.

    Investigators, prosecutors and judges; not a sealed item (Art. 46(3)(d)), nor one
    taken under a confidential order without need to know. The file appears only once
    its bytes hash to the recorded SHA-256. Example: uncc evidence get XA-E-2026-0001 -o x.bin
    """
    if output.exists():
        raise UserInputError(f"--output {output}: the file exists; choose a new name")
    output.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            sink = _Hashing(handle)
            expected = desk().download(item_id, sink)
            handle.flush()
            os.fsync(handle.fileno())
        if expected and sink.digest.hexdigest() != expected:
            raise ConflictError(
                f"{item_id}: the bytes received hash to {sink.digest.hexdigest()}, "
                f"not the recorded {expected}; nothing was written"
            )
        Path(tmp).replace(output)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    record = {"item": item_id, "file": output, "size": sink.size, "sha256": sink.digest.hexdigest()}
    if emit(record, output_format):
        return
    _say(
        f"{item_id}: {sink.size} bytes written to {output}, sha256 {sink.digest.hexdigest()} (verified)"
    )


class _Hashing:
    """A binary sink that hashes and counts what is written through it."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        self.size += len(data)
        return self.handle.write(data)


@evidence_app.command(
    "tag",
    epilog=epilog(
        Action.EVIDENCE_ANNOTATE,
        limits="a signed custody event.",
        example="uncc evidence tag XA-E-2026-0001 reviewed",
    ),
)
def evidence_tag(
    item_id: Annotated[str, typer.Argument(help="The evidence item.")],
    tag: Annotated[str, typer.Argument(help="1-40 letters, digits, spaces or . : / - _")],
    remove: Annotated[bool, typer.Option("--remove", help="Take the tag off.")] = False,
    output_format: FormatOpt = Format.TEXT,
) -> None:
    """Tag an item, or take a tag off: a signed custody event.

    Investigators, prosecutors and judges. Example: uncc evidence tag XA-E-2026-0001 reviewed
    """
    review = desk().tag(item_id, tag, remove=remove)
    if emit(review, output_format):
        return
    _say(f"{item_id}: tags now {', '.join(review.tags) or 'none'} (recorded in the custody log)")


@evidence_app.command(
    "annotate",
    epilog=epilog(
        Action.EVIDENCE_ANNOTATE,
        limits="at most 2000 characters; a signed custody event, kept in the admissibility report.",
        example='uncc evidence annotate XA-E-2026-0001 "line 14: the first login"',
    ),
)
def evidence_annotate(
    item_id: Annotated[str, typer.Argument(help="The evidence item.")],
    text: Annotated[str, typer.Argument(help="The note (at most 2000 characters).")],
    output_format: FormatOpt = Format.TEXT,
) -> None:
    """Annotate an item: the reviewer's note, a signed custody event.

    Investigators, prosecutors and judges; kept in the admissibility report and the
    CASE export. Example: uncc evidence annotate XA-E-2026-0001 "line 14: the first login"
    """
    review = desk().annotate(item_id, text)
    if emit(review, output_format):
        return
    _say(
        f"{item_id}: annotated ({len(review.annotations)} annotation(s); recorded in the custody log)"
    )


@evidence_app.command(
    "report",
    epilog=epilog(
        Action.EVIDENCE_READ, example="uncc evidence report XA-E-2026-0001 -f html -o report.html"
    ),
)
def evidence_report(
    item_id: ItemArg,
    output_format: Annotated[
        ReportFormat,
        typer.Option(
            "--format", "-f", help="md, html, json, or pdf to sign (with a verification code)."
        ),
    ] = ReportFormat.MD,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file.")
    ] = None,
) -> None:
    """The admissibility report of an item (Art. 49): basis, hashes, custody with proofs.

    ``--format pdf`` prints it to sign, with a verification code (``uncc document verify``).
    """
    if output_format is ReportFormat.PDF:
        from uncc.entrypoints.cli.documents import save  # noqa: PLC0415

        save("admissibility", item_id, "pdf", output)
        return
    text = desk().report(item_id, output_format.value)
    if output is None:
        typer.echo(text, nl=False)
    else:
        write_text_atomically(output, text)
        _say(f"wrote {output}")
