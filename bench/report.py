"""The results of one run: Markdown and JSON written together, their agreement, the history.

One run writes ``<stem>.md`` and ``<stem>.json`` from the same rows and the same header
(commit, whether the tree was dirty, machine, date, size, modules). ``results.md`` and
``results.json`` are written only by a full run of every benchmark at full size, which
also appends its figures to ``history.jsonl`` and redraws ``history.svg``.
``agreement`` reads a pair back and lists every difference (the test of the committed
files calls it).
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.common import HERE, MIN_RUNS, Row, Stats, fmt, machine, source_state

COLUMNS = (
    "| bench | figure | median | min–max | runs | baseline | baseline median | ratio | goal | met |"
)
HISTORY = HERE / "history.jsonl"


def header(size: str, modules: list[str]) -> dict[str, Any]:
    """What was measured, where and when: shared by the Markdown and the JSON."""
    return {
        "size": size,
        "modules": modules,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        **source_state(),
        "machine": machine(),
        "postgres_fsync": None,
    }


def cells(r: Row) -> list[str]:
    """The table cells of one row (the agreement check compares these)."""
    base = fmt(r.baseline_value.median, r.unit) if r.baseline_value else ""
    ratio = f"{r.ratio:.2f}×" if r.ratio is not None else ""
    met = {True: "yes", False: "**no**", None: ""}[r.met]
    spread = f"{fmt(r.value.low, r.unit)} – {fmt(r.value.high, r.unit)}"
    return [
        r.bench,
        r.figure,
        fmt(r.value.median, r.unit),
        spread,
        str(r.value.runs),
        r.baseline,
        base,
        ratio,
        r.goal,
        met,
    ]


def markdown(
    rows: list[Row], head: dict[str, Any], findings: str = "", json_name: str = "results.json"
) -> str:
    """The results as Markdown."""
    m = head["machine"]
    dirty = head["dirty"]
    state = (
        f"commit {head['commit']} with uncommitted changes to {', '.join(dirty)}"
        if dirty
        else f"commit {head['commit']} (clean tree)"
    )
    fsync = head.get("postgres_fsync")
    lines = [
        "# Benchmark results",
        "",
        f"Size `{head['size']}`, {head['date']}, {state}; modules: {', '.join(head['modules'])}.",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory']}; {m['os']}; Python {m['python']}; SQLite {m['sqlite']}"
        + (f"; PostgreSQL fsync={fsync}" if fsync else "")
        + ".",
        f"Every figure is the median of its runs (at least {MIN_RUNS} at full size) with the min–max",
        "beside it; rates are measured throughput. The ratio compares medians with the baseline",
        f"measured in the same run on the same machine. `{json_name}` holds the same rows.",
        "",
        COLUMNS,
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    lines += ["| " + " | ".join(cells(r)) + " |" for r in rows]
    notes = [r for r in rows if r.note]
    if notes:
        lines += ["", "## Notes", ""]
        lines += [f"- **{r.bench} — {r.figure}**: {r.note}" for r in notes]
    text = "\n".join(lines) + "\n"
    return text + ("\n" + findings if findings else "")


def as_json(rows: list[Row], head: dict[str, Any]) -> dict[str, Any]:
    """The header and the rows as JSON-ready data."""
    return {"run": head, "rows": [{**asdict(r), "key": r.key} for r in rows]}


def write(rows: list[Row], head: dict[str, Any], stem: Path, findings: str = "") -> None:
    """``stem.md`` and ``stem.json`` from the same rows and header."""
    text = markdown(rows, head, findings, stem.with_suffix(".json").name)
    data = json.dumps(as_json(rows, head), indent=1, default=str, ensure_ascii=False)
    stem.with_suffix(".md").write_text(text, encoding="utf-8")
    stem.with_suffix(".json").write_text(data + "\n", encoding="utf-8")


def row_of(data: dict[str, Any]) -> Row:
    """A row read back from the JSON."""
    value = Stats(**data["value"])
    base = Stats(**data["baseline_value"]) if data.get("baseline_value") else None
    fields = {k: v for k, v in data.items() if k not in ("value", "baseline_value", "key")}
    return Row(**{**fields, "value": value, "baseline_value": base})


def agreement(stem: Path) -> list[str]:
    """Every difference between ``stem.md`` and ``stem.json`` (empty when they agree)."""
    data = json.loads(stem.with_suffix(".json").read_text(encoding="utf-8"))
    text = stem.with_suffix(".md").read_text(encoding="utf-8")
    problems = []
    if not isinstance(data, dict) or "run" not in data:
        return [f"{stem}.json has no run header (written before results carried one)"]
    head = data["run"]
    if f"commit {head['commit']}" not in text:
        problems.append(f"the Markdown does not name commit {head['commit']}")
    if bool(head["dirty"]) != ("uncommitted changes" in text.split("\n| ", 1)[0]):
        problems.append("the Markdown and the JSON disagree on whether the tree was dirty")
    _, _, after = text.partition(COLUMNS + "\n")
    body = after.split("\n\n", 1)[0].splitlines()[1:]  # the results table, not the notes'
    table = [[c.strip() for c in line.strip()[1:-1].split("|")] for line in body]
    expected = [cells(row_of(r)) for r in data["rows"]]
    problems += [f"in the Markdown, not the JSON: {row}" for row in table if row not in expected]
    problems += [f"in the JSON, not the Markdown: {row}" for row in expected if row not in table]
    return problems


def append_history(rows: list[Row], head: dict[str, Any], path: Path = HISTORY) -> None:
    """One line per full run: each figure's ratio (or median) under its stable key."""
    figures = {
        r.key: {
            "ratio": r.ratio,
            "median": r.value.median,
            "unit": r.unit,
            "limit": r.limit,
            "met": r.met,
        }
        for r in rows
    }
    entry = {k: head[k] for k in ("commit", "dirty", "date", "size")}
    entry["cpu"] = head["machine"]["cpu"]
    with path.open("a", encoding="utf-8") as out:
        out.write(json.dumps({**entry, "figures": figures}, ensure_ascii=False) + "\n")
