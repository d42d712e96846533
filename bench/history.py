"""Each figure's history across commits, drawn as one SVG (``bench/history.svg``).

Read from ``bench/history.jsonl`` (one line per full run, appended by ``python -m bench``).
Each figure gets a small panel: its ratio to the baseline (or its median when it has no
baseline) per run, oldest left, with the goal as a dashed line, so that a regression
shows as a step. Points whose goal was not met are drawn red.
"""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import Any

from bench.common import HERE

WIDTH, HEIGHT, COLUMNS = 300, 110, 3
PAD = 24


def load(path: Path) -> list[dict[str, Any]]:
    """The runs of the history file, oldest first."""
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def series(runs: list[dict[str, Any]]) -> dict[str, list[tuple[int, float, bool | None]]]:
    """Per figure: (run index, plotted value, goal met) — the ratio where there is one."""
    out: dict[str, list[tuple[int, float, bool | None]]] = {}
    for n, run in enumerate(runs):
        for key, f in run["figures"].items():
            value = f["ratio"] if f.get("ratio") is not None else f.get("median")
            if value is not None:
                out.setdefault(key, []).append((n, float(value), f.get("met")))
    return out


def _panel(
    key: str, points: list[tuple[int, float, bool | None]], limit: Any, commits: list[str]
) -> str:
    """One figure's panel (its own coordinates, placed by the caller), commits below."""
    runs = len(commits)
    values = [v for _, v, _ in points] + ([float(limit)] if limit is not None else [])
    top = max(values) * 1.1 or 1.0
    span_x = max(1, runs - 1)

    def x(n: int) -> float:
        return PAD + (WIDTH - 2 * PAD) * n / span_x

    def y(v: float) -> float:
        return HEIGHT - PAD + (2 * PAD + 8 - HEIGHT) * v / top

    parts = [
        f'<rect width="{WIDTH - 4}" height="{HEIGHT - 4}" fill="white" stroke="#ccc"/>',
        f'<text x="6" y="14" font-size="9">{escape(key[:62])}</text>',
        f'<text x="6" y="{HEIGHT - 8}" font-size="8" fill="#555">0</text>',
        f'<text x="6" y="{y(top / 1.1) + 3:.1f}" font-size="8" fill="#555">{top / 1.1:.3g}</text>',
    ]
    if limit is not None:
        parts.append(
            f'<line x1="{PAD}" x2="{WIDTH - PAD}" y1="{y(float(limit)):.1f}" y2="{y(float(limit)):.1f}" stroke="#888" stroke-dasharray="4 3"/>'
        )
    first, last = points[0][0], points[-1][0]
    parts.append(
        f'<text x="{x(first):.1f}" y="{HEIGHT - 8}" font-size="7" fill="#555">{escape(commits[first])}</text>'
    )
    if last != first:
        parts.append(
            f'<text x="{x(last):.1f}" y="{HEIGHT - 8}" font-size="7" fill="#555" text-anchor="end">{escape(commits[last])}</text>'
        )
    line = " ".join(f"{x(n):.1f},{y(v):.1f}" for n, v, _ in points)
    parts.append(f'<polyline points="{line}" fill="none" stroke="#2a5db0"/>')
    for n, v, met in points:
        colour = "#c0392b" if met is False else "#2a5db0"
        parts.append(f'<circle cx="{x(n):.1f}" cy="{y(v):.1f}" r="2.5" fill="{colour}"/>')
    return "".join(parts)


def draw(runs: list[dict[str, Any]]) -> str:
    """The SVG of every figure's history."""
    lines = series(runs)
    limits = {k: f.get("limit") for run in runs for k, f in run["figures"].items()}
    keys = sorted(lines)
    rows = (len(keys) + COLUMNS - 1) // COLUMNS
    title = (
        f"uncc benchmarks: each figure's ratio to its baseline (or its median) over {len(runs)} "
        f"full runs, oldest left; dashed: the goal; red: not met. Last: commit "
        f"{runs[-1]['commit'] if runs else '?'}"
    )
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH * COLUMNS}" height="{HEIGHT * rows + 30}" font-family="sans-serif">',
        f"<title>{escape(title)}</title>",
        f'<text x="6" y="18" font-size="11">{escape(title)}</text>',
    ]
    for i, key in enumerate(keys):
        dx, dy = WIDTH * (i % COLUMNS), 30 + HEIGHT * (i // COLUMNS)
        commits = [r["commit"] + ("+" if r.get("dirty") else "") for r in runs]
        panel = _panel(key, lines[key], limits.get(key), commits)
        out.append(f'<g transform="translate({dx},{dy})">{panel}</g>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def redraw(history: Path = HERE / "history.jsonl", svg: Path = HERE / "history.svg") -> None:
    """Draw ``svg`` from ``history``."""
    svg.write_text(draw(load(history)), encoding="utf-8")


def from_git(path: str = "bench/results.json") -> list[dict[str, Any]]:
    """History entries for the full runs committed before the history file existed."""
    import re  # noqa: PLC0415
    import subprocess  # noqa: PLC0415

    from bench.common import MEASURED, ROOT  # noqa: PLC0415

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout

    entries = []
    for commit in reversed(git("log", "--format=%h", "--", path).split()):
        rows = json.loads(git("show", f"{commit}:{path}"))
        md = git("show", f"{commit}:{path.removesuffix('.json')}.md")
        found = re.search(r"Size `(\w+)`, ([^,]+), commit (\w+)", md)
        size, date, measured = found.groups() if found else ("full", "?", commit)
        figures = {
            f"{r['bench']}: {MEASURED.sub('', r['figure'])}": {
                "ratio": r["ratio"],
                "median": r["value"]["median"],
                "unit": r["unit"],
                "limit": None,
                "met": r["met"],
            }
            for r in rows
        }
        entries.append(
            {
                "commit": measured,
                "dirty": [],
                "date": date,
                "size": size,
                "cpu": "?",
                "figures": figures,
                "from": f"git show {commit}:{path}",
            }
        )
    return entries
