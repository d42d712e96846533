"""``python -m bench [--size small|full] [--only NAME …]``: run the benchmarks, write the table."""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time

from bench.common import HERE, Row, as_json, table

ORDER = [
    "ingest",
    "s3ingest",
    "custody",
    "analysis",
    "api",
    "network",
    "experts",
    "deconfliction",
    "tracing",
    "cli",
    "case_search",
]


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks; write bench/results.md (and .json) for the full size."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--size", choices=["small", "full"], default="full")
    parser.add_argument("--only", nargs="*", choices=ORDER, default=ORDER)
    parser.add_argument("--out", default=None, help="Where to write the Markdown table.")
    args = parser.parse_args(argv)
    rows: list[Row] = []
    for name in [n for n in ORDER if n in args.only]:
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
    out = args.out or str(HERE / ("results.md" if args.size == "full" else "results-small.md"))
    text = table(rows, args.size)
    notes = HERE / "findings.md"
    if args.size == "full" and notes.exists():
        text += "\n" + notes.read_text(encoding="utf-8")
    with open(out, "w", encoding="utf-8") as handle:  # noqa: PTH123
        handle.write(text)
    with open(out.removesuffix(".md") + ".json", "w", encoding="utf-8") as handle:  # noqa: PTH123
        json.dump(as_json(rows), handle, indent=1, default=str)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
