"""``uncc convention …``: browse the Convention as data, parse, lint and import treaty texts."""

from __future__ import annotations

import dataclasses
import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from uncc.convention.treaty_ids import TREATY_IDS
from uncc.entrypoints.cli import store
from uncc.entrypoints.cli.output import Format, FormatOpt, emit, epilog
from uncc.errors import TreatyTextError, UnknownProvisionError

if TYPE_CHECKING:
    from uncc.convention.catalogue import Convention
    from uncc.convention.text.tree import ParsedTreaty

app = typer.Typer(
    help="The Convention as data: list, show, export; parse, lint and import treaty texts.",
    no_args_is_help=True,
)
console = Console(soft_wrap=True)


class TableOrJson(StrEnum):
    """Output formats of listing commands."""

    TABLE = "table"
    JSON = "json"


class TextOrJson(StrEnum):
    """Output formats of reading commands."""

    TEXT = "text"
    JSON = "json"


class OnlyJson(StrEnum):
    """The one format of ``export``."""

    JSON = "json"


def load_convention() -> Convention:
    """The Convention, its catalogue imported on first use (so ``--help`` stays quick)."""
    from uncc.convention.catalogue import load_convention as load  # noqa: PLC0415

    return load()


def _emit_json(document: Any) -> None:
    typer.echo(json.dumps(document, ensure_ascii=False, indent=2))


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, StrEnum):
        return value.value
    return value


def _read_treaty(path: Path) -> ParsedTreaty:
    name = str(path)
    if not path.exists():
        raise TreatyTextError(name, "no such file")
    if path.is_dir():
        raise TreatyTextError(name, "is a directory, not a text file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TreatyTextError(name, f"cannot be read ({exc.strerror})") from None
    from uncc.convention.text.parser import parse_treaty  # noqa: PLC0415 (not for --help)
    from uncc.convention.text.source import decode_treaty_bytes  # noqa: PLC0415

    return parse_treaty(decode_treaty_bytes(data, name), name)


@app.command(
    "list",
    epilog=epilog(
        limits="no node and no role: the Convention model bundled with uncc.",
        example="uncc convention list --chapter II --format json",
    ),
)
def list_articles(
    chapter: Annotated[
        str | None, typer.Option(help="Only this chapter (I, II, III or 1, 2, 3).")
    ] = None,
    fmt: Annotated[TableOrJson, typer.Option("--format", help="table or json.")] = (
        TableOrJson.TABLE
    ),
) -> None:
    """List the articles with their headings and chapters."""
    from uncc.entrypoints.cli import render  # noqa: PLC0415 (not for --help)

    convention = load_convention()
    articles = list(convention.articles)
    if chapter is not None:
        wanted = chapter.strip().upper()
        romans = {"1": "I", "2": "II", "3": "III"}
        wanted = romans.get(wanted, wanted)
        chapters = convention.chapters()
        if wanted not in chapters:
            raise UnknownProvisionError(
                f"there is no chapter {chapter}: chapters are {', '.join(chapters)}"
            )
        articles = [a for a in articles if a.chapter == wanted]
    if fmt is TableOrJson.JSON:
        _emit_json(
            [
                {
                    "number": a.number,
                    "id": a.id,
                    "heading": a.heading,
                    "chapter": a.chapter,
                    "kind": a.kind.value,
                }
                for a in articles
            ]
        )
        return
    console.print(render.articles_table(convention, articles))


@app.command(
    "show",
    epilog=epilog(
        limits="no node and no role: the Convention model bundled with uncc.",
        example="uncc convention show 43",
    ),
)
def show(
    article: Annotated[str, typer.Argument(help="Article number (43) or id (art_43).")],
    fmt: Annotated[TextOrJson, typer.Option("--format", help="text or json.")] = (TextOrJson.TEXT),
) -> None:
    """Show an article: summary, paragraphs, semantics, options, references."""
    from uncc.entrypoints.cli import render  # noqa: PLC0415 (not for --help)

    convention = load_convention()
    found = convention.resolve(article)
    imported = store.read_imported_text()
    if fmt is TextOrJson.JSON:
        document = _plain(found)
        document["budapest"] = [_plain(c) for c in convention.counterparts(found.number, "ETS 185")]
        document["treaties"] = {t.id: _plain(t.mapping(found.number)) for t in convention.treaties}
        document["new"] = convention.is_new(found.number)
        document["cited_by"] = convention.cited_by(found.number)
        verbatim = render.verbatim_units(imported, found.number)
        if verbatim:
            document["verbatim"] = verbatim
        _emit_json(document)
        return
    render.print_article(console, convention, found, imported)


@app.command(
    "export",
    epilog=epilog(
        limits="no node and no role: the Convention model bundled with uncc.",
        example="uncc convention export > convention.json",
    ),
)
def export(
    fmt: Annotated[
        OnlyJson, typer.Option("--format", "-f", help="json (the only format for now).")
    ] = OnlyJson.JSON,
) -> None:
    """Export the whole model (articles, terms, treaties and correspondence) as JSON."""
    del fmt  # JSON is the only format
    convention = load_convention()
    _emit_json(
        {
            "articles": [_plain(a) for a in convention.articles],
            "terms": [_plain(t) for t in convention.terms],
            "correspondence": [_plain(c) for c in convention.correspondence],
            "treaties": [
                {**_plain(t), "adopted": t.adopted.isoformat()} for t in convention.treaties
            ],
        }
    )


class CompareFormat(StrEnum):
    """Output formats of ``compare``."""

    TEXT = "text"
    JSON = "json"
    MD = "md"


@app.command(
    "compare",
    epilog=epilog(
        limits="no node and no role: the Convention model bundled with uncc.",
        example="uncc convention compare ets185 --article 43 --format md",
    ),
)
def compare(
    treaty: Annotated[str, typer.Argument(help=f"The treaty: {', '.join(TREATY_IDS)}.")],
    fmt: Annotated[CompareFormat, typer.Option("--format", help="text, json or md.")] = (
        CompareFormat.TEXT
    ),
    article: Annotated[
        str | None, typer.Option(help="Only this article of the proposal (43 or art_43).")
    ] = None,
) -> None:
    """Compare the proposal with a treaty, article by article: same, narrower, wider or new."""
    convention = load_convention()
    found = convention.treaty(treaty)
    number = None if article is None else convention.resolve(article).number
    headings = {a.number: a.heading for a in convention.articles}
    from uncc.convention.treaties import comparison  # noqa: PLC0415 (not for --help)
    from uncc.entrypoints.cli.compare import (  # noqa: PLC0415
        comparison_markdown,
        comparison_text,
    )

    document = comparison(found, headings, number)
    if fmt is CompareFormat.JSON:
        _emit_json(document)
    elif fmt is CompareFormat.MD:
        typer.echo(comparison_markdown(document), nl=False)
    else:
        typer.echo(comparison_text(document), nl=False)


@app.command(
    "parse",
    epilog=epilog(
        limits="no node and no role: it reads the file given.",
        example="uncc convention parse treaty.txt --format text",
    ),
)
def parse(
    file: Annotated[Path, typer.Argument(help="A plain-text treaty (UTF-8 or UTF-16).")],
    fmt: Annotated[TextOrJson, typer.Option("--format", help="json or text.")] = (TextOrJson.JSON),
) -> None:
    """Parse a treaty text into its tree of articles, paragraphs and points."""
    treaty = _read_treaty(file)
    if fmt is TextOrJson.JSON:
        _emit_json(treaty.to_json())
        return
    for art in treaty.articles:
        console.print(f"[bold]{art.id}[/bold] {art.heading}", highlight=False)
        for unit in art.walk():
            depth = unit.id.count("__")
            console.print(f"{'  ' * depth}{unit.id}  {unit.text[:70]}", highlight=False)


@app.command(
    "lint",
    epilog=epilog(
        limits="no node and no role: it reads the file given; exit 1 on a warning or an error.",
        example="uncc convention lint treaty.txt",
    ),
)
def lint(
    file: Annotated[Path, typer.Argument(help="A plain-text treaty (UTF-8 or UTF-16).")],
    fmt: Annotated[TextOrJson, typer.Option("--format", help="text or json.")] = (TextOrJson.TEXT),
) -> None:
    """Report the defects of a treaty text; exit 1 if any is a warning or an error."""
    from uncc.convention.text.lint import lint_treaty, worst  # noqa: PLC0415
    from uncc.entrypoints.cli import render  # noqa: PLC0415 (not for --help)

    findings = lint_treaty(_read_treaty(file))
    if fmt is TextOrJson.JSON:
        _emit_json([f.to_json() for f in findings])
    else:
        render.print_findings(console, findings)
    top = worst(findings)
    if top is not None and top.rank >= 1:
        raise typer.Exit(1)


@app.command(
    "import",
    epilog=epilog(
        limits="no role: it writes to your uncc data directory; the text must have every article of the model.",
        example="uncc convention import convention.txt",
    ),
)
def import_text(
    file: Annotated[Path, typer.Argument(help="The Convention's text, as a plain-text file.")],
    output_format: FormatOpt = Format.TEXT,
) -> None:
    """Store the Convention's text so that ``show`` prints it beside the encoding."""
    treaty = _read_treaty(file)
    convention = load_convention()
    numbers = {a.number for a in treaty.articles}
    expected = {a.number for a in convention.articles}
    if not expected <= numbers:
        missing = sorted(expected - numbers)
        raise TreatyTextError(
            str(file),
            f"does not look like this Convention: articles {missing[:5]}… are missing",
        )
    target = store.data_dir() / store.IMPORTED_TEXT
    store.write_json_atomically(target, treaty.to_json())
    if emit({"articles": len(treaty.articles), "from": file, "into": target}, output_format):
        return
    console.print(f"Imported {len(treaty.articles)} articles from {file} into {target}")
