"""``python -m bench [--size small|full] [--only NAME …]``: run the benchmarks, write the tables.

A full run (every benchmark at full size) writes ``bench/results.md`` and
``bench/results.json``, appends its figures to ``bench/history.jsonl`` and redraws
``bench/history.svg``. Any other run writes its own pair, named after its size and
benchmarks (``bench/results-small-custody.md`` …) or ``--out``, never the full ones.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import time
from pathlib import Path

from bench import history, report
from bench.common import HERE, Row

ORDER = [
    "ingest",
    "s3ingest",
    "custody",
    "analysis",
    "api",
    "network",
    "witness",
    "experts",
    "deconfliction",
    "tracing",
    "cli",
    "case_search",
]
FULL = HERE / "results"


def stem_for(size: str, names: list[str], out: str | None) -> Path:
    """Where a run's pair goes: the full results only for a full run of everything."""
    complete = size == "full" and set(names) == set(ORDER)
    if out:
        stem = Path(out).with_suffix("")
        if stem.resolve() == FULL.resolve() and not complete:
            msg = "only a full run of every benchmark writes bench/results.md and .json"
            raise SystemExit(f"python -m bench: --out: {msg}")
        return stem
    if complete:
        return FULL
    parts = ([] if size == "full" else [size]) + ([] if set(names) == set(ORDER) else names)
    return HERE / "-".join(["results", *parts])


def postgres_fsync() -> str | None:
    """The ``fsync`` setting of the PostgreSQL server the API benchmark uses, if any."""
    url = os.environ.get("UNCC_TEST_DATABASE_URL")
    if not url:
        return None
    from sqlalchemy import create_engine, text  # noqa: PLC0415

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as conn:
            return str(conn.execute(text("SHOW fsync")).scalar())
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks; write their Markdown and JSON together (and the history)."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--size", choices=["small", "full"], default="full")
    parser.add_argument("--only", nargs="*", choices=ORDER, default=ORDER)
    parser.add_argument("--out", default=None, help="Where to write the Markdown table.")
    args = parser.parse_args(argv)
    names = [n for n in ORDER if n in args.only]
    stem = stem_for(args.size, names, args.out)
    head = report.header(args.size, names)
    if "api" in names:
        head["postgres_fsync"] = postgres_fsync()
    rows: list[Row] = []
    for name in names:
        began = time.perf_counter()
        print(f"== {name} ({args.size})", flush=True)
        module = importlib.import_module(f"bench.{name}")
        found = module.run(args.size)
        for row in found:
            ratio = f"  ratio {row.ratio:.2f}" if row.ratio is not None else ""
            met = {True: "  goal met", False: "  GOAL NOT MET", None: ""}[row.met]
            print(f"   {row.figure}: {row.value.median:.6g} {row.unit}{ratio}{met}", flush=True)
        print(f"   ({time.perf_counter() - began:.0f} s)", flush=True)
        rows.extend(found)
    complete = stem == FULL
    notes = _findings() if complete else ""
    report.write(rows, head, stem, notes)
    problems = report.agreement(stem)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    if complete:
        report.append_history(rows, head)
        history.redraw()
    print(f"wrote {stem}.md and {stem}.json")
    return 0


def _findings() -> str:
    """The hand-written notes: ``findings.md``, then each ``findings/*.md`` by name."""
    parts = [HERE / "findings.md", *sorted((HERE / "findings").glob("*.md"))]
    return "\n".join(p.read_text(encoding="utf-8") for p in parts if p.exists())


if __name__ == "__main__":
    sys.exit(main())
