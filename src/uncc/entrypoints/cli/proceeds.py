"""``uncc proceeds trace``: follow proceeds through a ledger of transfers (Art. 50)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from uncc.domain.policy import Action
from uncc.domain.tracing import Model, Transfer, trace
from uncc.entrypoints.cli.output import Format, FormatOpt, emit, epilog, listing, print_table
from uncc.errors import UserInputError

app = typer.Typer(
    help="Proceeds of crime: trace them through a ledger of transfers (Art. 50).",
    no_args_is_help=True,
)
console = Console(soft_wrap=True)
TRUE = {"1", "true", "yes", "y"}


def _transfer(where: str, row: dict[str, object]) -> Transfer:
    try:
        amount = Decimal(str(row.get("amount", "")).strip())
    except InvalidOperation:
        raise UserInputError(f"{where}: amount '{row.get('amount')}' is not a number") from None
    ident = str(row.get("id") or where)
    source = str(row.get("source") or "").strip() or None
    target = str(row.get("target") or "").strip() or None
    if source is None and target is None:
        raise UserInputError(f"{where}: a transfer needs a source or a target")
    return Transfer(
        ident, source, target, amount, str(row.get("tainted", "")).strip().lower() in TRUE
    )


def read_ledger(path: Path) -> Iterator[Transfer]:
    """Transfers from CSV (id,source,target,amount,tainted) or JSON lines, one at a time."""
    if not path.is_file():
        raise UserInputError(f"{path}: no such file (ledger)")
    with path.open(encoding="utf-8", newline="") as handle:
        yield from read_lines(str(path), handle)


def read_lines(name: str, lines: Iterable[str]) -> Iterator[Transfer]:
    """Transfers from the lines of a ledger named ``name`` (its suffix tells CSV from JSON lines)."""
    if name.lower().endswith((".json", ".jsonl", ".ndjson")):
        for number, line in enumerate(lines, 1):
            if line.strip():
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise UserInputError(f"{name}: line {number}: not JSON ({exc.msg})") from None
                except RecursionError:
                    raise UserInputError(f"{name}: line {number}: nested too deep") from None
                if not isinstance(row, dict):
                    raise UserInputError(f"{name}: line {number}: expected a JSON object")
                yield _transfer(f"{name}: line {number}", row)
        return
    try:
        reader = csv.DictReader(lines)
        missing = {"source", "target", "amount"} - set(reader.fieldnames or [])
        if missing:
            raise UserInputError(
                f"{name}: the header lacks {', '.join(sorted(missing))} (expected id,source,target,amount,tainted)"
            )
        for row in reader:
            yield _transfer(f"{name}: line {reader.line_num}", dict(row))
    except csv.Error as exc:  # e.g. a field over csv's size limit, a NUL byte
        raise UserInputError(f"{name}: line {reader.line_num}: not CSV ({exc})") from None


def _fmt(value: Decimal) -> str:
    text = f"{value.quantize(Decimal('1e-8')):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@app.command(
    "trace",
    epilog=epilog(
        limits="no node and no role: it reads the ledger given; confiscable at most the proceeds in an account (Art. 50(5)).",
        example="uncc proceeds trace ledger.csv -m fifo -m haircut",
    ),
)
def trace_command(
    ledger: Annotated[
        Path,
        typer.Argument(help="CSV (id,source,target,amount,tainted) or JSON lines, in time order."),
    ],
    model: Annotated[
        list[Model] | None, typer.Option("--model", "-m", help="Model(s); default: all five.")
    ] = None,
    output_format: FormatOpt = Format.TEXT,
) -> None:
    """Where the proceeds are now, per account and model; what could be confiscated."""
    models = model or list(Model)
    results = {m: trace(read_ledger(ledger), m) for m in models}
    if output_format is Format.JSON:
        _trace_json(results)
        return
    table = Table(
        "Account",
        "Balance",
        *(f"{m.value}{' (upper bound)' if m.upper_bound_only else ''}" for m in models),
        title="Proceeds per account (confiscable: at most the proceeds in it, Art. 50(5))",
    )
    accounts = sorted({a for r in results.values() for a in r.holdings})
    first = results[models[0]]
    for account in accounts:
        balance = first.holdings[account].balance
        table.add_row(
            account,
            _fmt(balance),
            *(_fmt(results[m].holdings[account].confiscable) for m in models),
        )
    console.print(table)
    for m in models:
        r = results[m]
        line = f"{m.value}: proceeds in {_fmt(r.seeded)}, in accounts {_fmt(r.in_accounts())}, left the ledger {_fmt(r.exited)}"
        console.print(line, highlight=False, markup=False)
    for problem in first.problems:
        console.print(f"note: {problem}", highlight=False, markup=False)


@app.command(
    "register",
    epilog=epilog(
        Action.CASE_UPDATE,
        example="uncc proceeds register XA-C-2026-0001 ledger.csv --basis computer_fraud --location wallet-1=XB",
    ),
)
def register_command(
    case_id: Annotated[str, typer.Argument(help="The case the proceeds come from.")],
    ledger: Annotated[Path, typer.Argument(help="The ledger of transfers (CSV or JSON lines).")],
    basis: Annotated[
        str,
        typer.Option(
            "--basis", help="The offence the proceeds come from (an offence id of the case)."
        ),
    ],
    model: Annotated[
        Model, typer.Option("--model", "-m", help="The model that assesses the proceeds.")
    ] = Model.FIFO,
    location: Annotated[
        list[str] | None,
        typer.Option("--location", help="ACCOUNT=STATE, where an account is held; repeatable."),
    ] = None,
    output_format: FormatOpt = Format.TEXT,
) -> None:
    """Register every account holding proceeds as a property item of the case (Art. 50)."""
    from uncc.entrypoints.cli.desk import Ledger, desk  # noqa: PLC0415

    places: dict[str, str] = {}
    for spec in location or []:
        account, _, state = spec.partition("=")
        if not account or len(state) != 2 or not state.isupper():
            raise UserInputError(f"--location '{spec}': expected ACCOUNT=XX, e.g. wallet-1=XB")
        places[account] = state
    items, problems = desk().register_traced(
        case_id, Ledger(read_ledger(ledger), model.value, basis, places)
    )
    if emit({"items": items, "problems": problems}, output_format):
        return
    for item in items:
        console.print(
            f"{item.id}: {item.account} ({item.location or 'place unknown'}) — {_fmt(Decimal(item.assessed))} assessed by {item.model}",
            highlight=False,
            markup=False,
        )
    for problem in problems:
        console.print(f"note: {problem}", highlight=False, markup=False)


@app.command(
    "derive",
    epilog=epilog(
        Action.CASE_UPDATE,
        limits="converted property is capped at the proceeds of the item it comes from (Art. 50(4)).",
        example="uncc proceeds derive XA-C-2026-0001 XA-PR-2026-0001 --kind converted --description 'flat, 3 Harbour St' --value 250000 --location XB",
    ),
)
def derive_command(
    case_id: Annotated[str, typer.Argument(help="The case.")],
    item_id: Annotated[str, typer.Argument(help="The property item it derives from.")],
    kind: Annotated[
        str,
        typer.Option(
            "--kind",
            help="converted: the proceeds became this property (Art. 50(4)); income: earned from them (Art. 50(6)).",
        ),
    ],
    description: Annotated[
        str, typer.Option("--description", help="What the property is, e.g. 'flat, 3 Harbour St'.")
    ],
    value: Annotated[str, typer.Option("--value", help="Its value.")],
    location: Annotated[
        str | None, typer.Option("--location", help="The State where it is (XX).")
    ] = None,
    output_format: FormatOpt = Format.TEXT,
) -> None:
    """Register property converted from an item or income derived from it."""
    from uncc.entrypoints.cli.desk import Derived, desk  # noqa: PLC0415

    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise UserInputError(f"--value '{value}': expected a number, e.g. 2500.50") from None
    if location is not None and (len(location) != 2 or not location.isupper()):
        raise UserInputError(f"--location '{location}': expected a State code such as XB")
    item = desk().register_derived(case_id, Derived(item_id, kind, description, amount, location))
    if emit(item, output_format):
        return
    cap = (
        f" (capped at the proceeds of {item_id}; worth {_fmt(Decimal(item.held))})"
        if item.held
        else ""
    )
    console.print(
        f"{item.id}: {item.account} — {item.kind} from {item_id}, assessed {_fmt(Decimal(item.assessed))}{cap}",
        highlight=False,
        markup=False,
    )


@app.command(
    "list",
    epilog=epilog(Action.CASE_READ, example="uncc proceeds list XA-C-2026-0001 --format json"),
)
def list_command(
    case_id: Annotated[str, typer.Argument(help="The case.")],
    output_format: FormatOpt = Format.TEXT,
) -> None:
    """The property items of a case and whether an order froze or confiscated them."""
    from uncc.entrypoints.cli.desk import desk  # noqa: PLC0415

    found = desk().property(case_id)
    if emit(found, output_format):
        return
    table = listing(
        "Item", "Account", "Where", "Assessed", "Held", "How", "Basis", "Status", ids=("Item",)
    )
    for item in found:
        how = item.kind + (f" from {item.derived_from}" if item.derived_from else "")
        table.add_row(
            item.id,
            item.account,
            item.location or "?",
            _fmt(Decimal(item.assessed)),
            _fmt(Decimal(item.held)) if item.held is not None else "",
            how,
            f"{item.basis} ({item.model})",
            item.status,
        )
    print_table(table)


def _trace_json(results: dict[Model, Any]) -> None:
    """The trace as JSON: per account its balance and confiscable amount per model."""
    models = list(results)
    first = results[models[0]]
    accounts = sorted({a for r in results.values() for a in r.holdings})
    emit(
        {
            "accounts": [
                {
                    "account": account,
                    "balance": first.holdings[account].balance,
                    "confiscable": {
                        m.value: results[m].holdings[account].confiscable for m in models
                    },
                }
                for account in accounts
            ],
            "models": {
                m.value: {
                    "proceeds_in": r.seeded,
                    "in_accounts": r.in_accounts(),
                    "left_the_ledger": r.exited,
                }
                for m, r in results.items()
            },
            "notes": list(first.problems),
        },
        Format.JSON,
    )
