"""The benchmark tables: Markdown and JSON written together agree, and partial runs keep apart.

The committed pairs in ``bench/`` (``results.md``/``results.json`` and any partial run's)
are checked row by row; the checker itself is shown to catch a changed number on either side.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bench import report
from bench.__main__ import FULL, ORDER, stem_for
from bench.common import HERE, Row, Stats, goal_row, ratio_row

PAIRS = sorted(
    {p.with_suffix("") for p in [*HERE.glob("results*.md"), *HERE.glob("results*.json")]}
)


def _rows() -> list[Row]:
    return [
        ratio_row(
            "custody",
            "verify 1,000 entries",
            Stats(0.25, 0.2, 0.3, 5),
            "hash every leaf (floor)",
            Stats(0.1, 0.09, 0.12, 5),
            goal="≤ 2.5 × floor",
            limit=2.5,
        ),
        goal_row(
            "experts",
            "search p99 (p50 1.0 ms), 100 experts",
            Stats(0.004, 0.001, 0.006, 300),
            goal="p99 ≤ 5 ms",
            limit=0.005,
        ),
        Row("api", "bare GET /ping", "req/s", Stats(900.0, 850.0, 950.0, 5), note="a note"),
    ]


@pytest.mark.parametrize("stem", PAIRS, ids=[p.name for p in PAIRS])
def test_every_committed_pair_of_results_agrees(stem: Path) -> None:
    assert stem.with_suffix(".md").exists(), f"{stem}.json without its Markdown"
    assert stem.with_suffix(".json").exists(), f"{stem}.md without its JSON"
    assert report.agreement(stem) == []


def test_a_pair_written_together_agrees_and_names_its_commit(tmp_path: Path) -> None:
    head = report.header("small", ["custody", "experts"])
    report.write(_rows(), head, tmp_path / "results-small")
    assert report.agreement(tmp_path / "results-small") == []
    text = (tmp_path / "results-small.md").read_text(encoding="utf-8")
    assert f"commit {head['commit']}" in text
    data = json.loads((tmp_path / "results-small.json").read_text(encoding="utf-8"))
    assert data["run"]["commit"] == head["commit"]
    assert [r["value"]["runs"] for r in data["rows"]] == [5, 300, 5]
    assert data["rows"][0]["met"] is True
    assert data["rows"][1]["met"] is True


def test_a_number_changed_on_either_side_is_caught(tmp_path: Path) -> None:
    stem = tmp_path / "results"
    report.write(_rows(), report.header("full", ORDER), stem)
    md = stem.with_suffix(".md")
    md.write_text(md.read_text(encoding="utf-8").replace("4.00 ms", "3.90 ms"), encoding="utf-8")
    assert any("in the Markdown, not the JSON" in p for p in report.agreement(stem))
    report.write(_rows(), report.header("full", ORDER), stem)
    data = json.loads(stem.with_suffix(".json").read_text(encoding="utf-8"))
    data["rows"][0]["value"]["median"] = 0.3
    stem.with_suffix(".json").write_text(json.dumps(data), encoding="utf-8")
    assert any("in the JSON, not the Markdown" in p for p in report.agreement(stem))


def test_a_dropped_row_or_another_commit_is_caught(tmp_path: Path) -> None:
    stem = tmp_path / "results"
    head = report.header("full", ORDER)
    report.write(_rows(), head, stem)
    data = json.loads(stem.with_suffix(".json").read_text(encoding="utf-8"))
    data["run"]["commit"] = "0000000000"
    data["rows"].pop()
    stem.with_suffix(".json").write_text(json.dumps(data), encoding="utf-8")
    problems = report.agreement(stem)
    assert any("does not name commit 0000000000" in p for p in problems)
    assert any("bare GET /ping" in p for p in problems)


def test_only_a_full_run_of_everything_writes_the_full_results() -> None:
    assert stem_for("full", ORDER, None) == FULL
    assert stem_for("full", ["custody"], None) == HERE / "results-custody"
    assert stem_for("small", ORDER, None) == HERE / "results-small"
    assert stem_for("small", ["api", "network"], None) == HERE / "results-small-api-network"
    with pytest.raises(SystemExit, match="only a full run"):
        stem_for("full", ["custody"], str(HERE / "results.md"))


def test_a_row_is_judged_against_its_goal() -> None:
    slow = goal_row("tracing", "fifo", Stats(7.0, 6.5, 7.5, 5), goal="≤ 6 s", limit=6.0)
    fast = goal_row(
        "analysis", "rate", Stats(3000, 2900, 3100, 5), goal="≥ 2,500/s", limit=2500, higher=True
    )
    assert (slow.met, fast.met) == (False, True)
    assert Row("a", "x (p99 5.2 ms), 10 acts", "s", Stats(1, 1, 1, 5)).key == "a: x, 10 acts"


def test_each_full_run_adds_to_the_history_drawn_per_figure(tmp_path: Path) -> None:
    from bench import history  # noqa: PLC0415

    path = tmp_path / "history.jsonl"
    rows = _rows()
    report.append_history(rows, report.header("full", ORDER), path)
    rows[0].value = Stats(0.3, 0.3, 0.3, 5)
    rows[0].ratio, rows[0].met = 3.0, False
    report.append_history(rows, report.header("full", ORDER), path)
    runs = history.load(path)
    assert len(runs) == 2
    assert runs[1]["figures"]["custody: verify 1,000 entries"]["ratio"] == 3.0
    assert "experts: search p99, 100 experts" in runs[1]["figures"]  # no measured numbers in keys
    svg = history.draw(runs)
    assert svg.count("<polyline") == len(rows)
    assert 'fill="#c0392b"' in svg  # the miss is drawn red
