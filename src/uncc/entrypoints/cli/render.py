"""Rich renderings of the Convention model for the terminal."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from uncc.convention.catalogue import Convention
from uncc.convention.model import Article, Modality
from uncc.convention.text.findings import Finding
from uncc.convention.treaties import RELATION_WORDS

_MODALITY = {
    Modality.SHALL: "shall",
    Modality.SHALL_ENDEAVOUR: "shall endeavour",
    Modality.SHALL_CONSIDER: "shall consider",
    Modality.MAY: "may",
    Modality.MAY_RESERVE: "may reserve",
    Modality.DECLARATORY: "declaratory",
}


def articles_table(convention: Convention, articles: list[Article]) -> Table:
    """A table of articles: number, heading, chapter, kind, Budapest counterpart."""
    table = Table(title=f"{len(articles)} articles", show_lines=False)
    for column in ("Art.", "Heading", "Ch.", "Kind", "Budapest"):
        table.add_column(column, overflow="fold")
    for article in articles:
        budapest = ", ".join(
            f"Art. {c.counterpart}" for c in convention.counterparts(article.number, "ETS 185")
        )
        table.add_row(
            str(article.number),
            article.heading,
            article.chapter,
            article.kind.value.replace("_", " "),
            budapest or "new",
        )
    return table


def verbatim_units(imported: dict[str, Any] | None, number: int) -> dict[str, str]:
    """The imported verbatim text of an article's units, by id (empty if not imported)."""
    if not imported:
        return {}
    out: dict[str, str] = {}

    def collect(unit: dict[str, Any]) -> None:
        text = " ".join(x for x in (unit.get("text", ""), unit.get("wrap_up", "")) if x)
        out[unit["id"]] = text
        for child in unit.get("points", []):
            collect(child)

    for article in imported.get("articles", []):
        if article.get("number") == number:
            for paragraph in article.get("paragraphs", []):
                collect(paragraph)
            break
    return out


def print_article(
    console: Console,
    convention: Convention,
    article: Article,
    imported: dict[str, Any] | None,
) -> None:
    """The article as a reader wants it: summary, paragraphs, semantics, references."""
    console.print(f"[bold]Article {article.number}. {article.heading}[/bold]  ({article.id})")
    parts = []
    for treaty in convention.treaties:
        mapping = treaty.mapping(article.number)
        if mapping is None:
            continue
        where = ", ".join(f"Art. {n}" for n in mapping.at)
        words = RELATION_WORDS[mapping.relation]
        parts.append(f"{treaty.short}: {where} ({words})" if where else f"{treaty.short}: {words}")
    origin = "; ".join(parts) or "new in the proposal"
    console.print(f"Chapter {article.chapter} · {article.kind.value.replace('_', ' ')} · {origin}")
    console.print(f"\n{article.summary}\n")
    verbatim = verbatim_units(imported, article.number)
    for paragraph in article.paragraphs:
        label = paragraph.label or "¶"
        addressee = "" if paragraph.addressee == "parties" else f" [{paragraph.addressee}]"
        console.print(
            f"  [cyan]{label}[/cyan] ({_MODALITY[paragraph.modality]}{addressee}) {paragraph.gist}"
        )
        if paragraph.id in verbatim:
            console.print(f"      [dim]text: {verbatim[paragraph.id]}[/dim]", highlight=False)
        for point in paragraph.points:
            console.print(f"      ({point.label}) {point.gist}".rstrip())
            if point.id in verbatim:
                console.print(f"          [dim]text: {verbatim[point.id]}[/dim]", highlight=False)
    for offence in article.offences:
        flag = " [yellow]human-rights review[/yellow]" if offence.human_rights_review else ""
        console.print(
            f"\n  [bold]Offence[/bold] {offence.id} — {offence.name} ({offence.at}){flag}"
        )
        for element in offence.elements:
            console.print(f"    · {element.role.value}: {element.gist}  [dim]{element.at}[/dim]")
        for exclusion in offence.exclusions:
            console.print(f"    ✗ no liability if {exclusion.gist}  [dim]{exclusion.at}[/dim]")
    for power in article.powers:
        console.print(f"\n  [bold]Power[/bold] {power.id} — {power.name} ({power.at})")
        console.print(f"    {power.gist}")
        for key, value in power.parameters.items():
            console.print(f"    {key}: {value}")
        if power.confidentiality:
            console.print(f"    confidentiality duty: {power.confidentiality}")
        if power.serious_offences_only:
            console.print("    only for serious offences listed in domestic law")
    for ground in article.grounds:
        kind = "shall" if ground.mandatory else "may"
        console.print(
            f"  [bold]Ground[/bold] {ground.id} ({kind}): {ground.gist}  [dim]{ground.at}[/dim]"
        )
    for safeguard in article.safeguards:
        console.print(f"  [bold]Safeguard[/bold] {safeguard.id}: {safeguard.gist}")
    for rule in article.rules:
        console.print(f"  [bold]Rule[/bold] {rule.id}: {rule.gist}  [dim]{rule.at}[/dim]")
    for option in article.options:
        console.print(
            f"  [bold]Option[/bold] {option.id} ({option.kind.value}): {option.gist}  "
            f"[dim]{option.at}[/dim]"
        )
    refs = sorted({r for p in article.paragraphs for r in p.refs if not r.startswith(article.id)})
    if refs:
        console.print(f"\n  refers to: {', '.join(refs)}")
    cited = convention.cited_by(article.number)
    if cited:
        console.print(f"  referred to by: {', '.join(cited)}")
    if article.terms:
        console.print(f"  terms: {', '.join(article.terms)}")
    if imported is None:
        console.print(
            "\n[dim]Import the text (uncc convention import FILE) to see it verbatim.[/dim]"
        )


def print_findings(console: Console, findings: list[Finding]) -> None:
    """Findings one per line, then a count by severity."""
    colour = {"error": "red", "warning": "yellow", "info": "blue"}
    for finding in findings:
        sev = finding.severity.value
        console.print(
            f"[{colour[sev]}]{sev:7}[/] {finding.code:26} line {finding.line:<4} "
            f"{finding.id}: {finding.message}",
            highlight=False,
        )
    counts = {s: sum(1 for f in findings if f.severity.value == s) for s in colour}
    console.print(
        f"\n{len(findings)} findings: {counts['error']} errors, {counts['warning']} warnings, "
        f"{counts['info']} info"
    )
