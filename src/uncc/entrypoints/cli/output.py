"""How commands print: ``--format text|json`` on every command, and tables that fit 80 columns.

With ``--format json`` a command prints its records as JSON (an action command: the record
it made or changed) and nothing else, for scripts. Tables keep the ids a user needs next
whole (their columns never wrap or cut); the other columns fold to fit the terminal.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from decimal import Decimal
from enum import Enum, StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from rich.table import Table

    from uncc.domain.policy import Action


class Format(StrEnum):
    """The output of a command: for people, or JSON for scripts."""

    TEXT = "text"
    JSON = "json"


FormatOpt = Annotated[
    Format,
    typer.Option(
        "--format",
        "-f",
        help="text (for people) or json (the records, for scripts).",
        case_sensitive=False,
    ),
]
"""The one ``--format`` option of every command that prints records."""


def jsonable(value: Any) -> Any:
    """``value`` as plain JSON data: models, dataclasses, dates, decimals, enums, paths."""
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal | Path):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    return value


def emit(record: Any, output_format: Format) -> bool:
    """Print ``record`` as JSON when ``--format json`` was asked; True if it was printed."""
    if output_format is not Format.JSON:
        return False
    typer.echo(json.dumps(jsonable(record), ensure_ascii=False, indent=2, default=str))
    return True


def listing(*headers: str, ids: tuple[str, ...] = (), title: str | None = None) -> Table:
    """A table whose id columns (``ids``, by header) are never wrapped nor cut.

    The other columns fold to fit the terminal's width (80 columns at least).
    """
    from rich.table import Table  # noqa: PLC0415 - Rich loads for tables only

    table = Table(title=title)
    for header in headers:
        if header in ids:
            table.add_column(header, no_wrap=True, overflow="fold")
        else:
            table.add_column(header, overflow="fold")
    return table


def epilog(*actions: Action, limits: str = "", example: str = "") -> str:
    """The end of a command's ``--help``: who may act (from the role policy), limits, an example."""
    parts = []
    if actions:
        from uncc.domain.policy import POLICY, Role  # noqa: PLC0415 - not for uncc analyze

        roles = [r for r in Role if any(r in POLICY.get(a, frozenset()) for a in actions)]
        who = ", ".join(r.value.replace("_", " ") for r in roles) or "nobody"
        parts.append(f"Who may: {who} (the role policy's {', '.join(a.value for a in actions)}).")
    if limits:
        parts.append(f"Limits: {limits}")
    if example:
        parts.append(f"Example: {example}")
    return "\n\n".join(parts)


def print_table(table: Table) -> None:
    """Print a table as wide as the terminal is now (``COLUMNS`` read at each print).

    When even its narrowest layout is wider (long ids kept whole), each row is printed
    as a record instead: the first column's value, then ``header: value`` per column.
    """
    from rich.console import Console  # noqa: PLC0415 - Rich loads for tables only
    from rich.measure import Measurement  # noqa: PLC0415

    console = Console()
    if Measurement.get(console, console.options, table).minimum <= console.width:
        console.print(table)
        return
    headers = [str(column.header) for column in table.columns]
    cells = [list(column.cells) for column in table.columns]
    for row in zip(*cells, strict=True):
        console.print(f"{headers[0]} {row[0]}", highlight=False, markup=False, no_wrap=True)
        for header, value in zip(headers[1:], row[1:], strict=True):
            if str(value):
                console.print(f"  {header}: {value}", highlight=False, markup=False)
