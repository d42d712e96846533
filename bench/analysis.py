"""Analysis: incidents per second and latency for incidents of 1 to 200 acts.

Each incident is analysed under the Convention (baseline) and one State's profile, as a
node does when a case is opened. Baseline: reading and validating the same facts
(``uncc: incident/1`` intake), the floor of any analysis. Goals: cost linear in acts;
at least 2,500 small incidents per second on one core, measured as throughput (incidents
done / elapsed) over 10,000 incidents per run, five runs.
"""

from __future__ import annotations

import time
from typing import Any

from bench.common import MIN_RUNS, ROOT, Row, Stats, goal_row, percentile, ratio_row, throughput
from uncc.analysis.engine import analyze
from uncc.analysis.intake import validate_incident
from uncc.convention.catalogue import load_convention
from uncc.parties.catalogue import builtin_profile, parse_profile

SIZES = {"small": (1, 10, 25), "full": (1, 10, 50, 100, 200)}
THROUGHPUT = {"small": 200, "full": 10_000}
"""Small incidents per throughput run."""
CONDUCTS = ("access", "alter", "interfere", "intercept", "delete")


def incident(acts: int) -> dict[str, Any]:
    """Facts with one actor, a few systems and data, and ``acts`` acts."""
    systems = [
        {
            "id": f"sys-{n}",
            "location": "XA",
            "connected": True,
            "security_measures": True,
            "owner": "victim",
        }
        for n in range(max(1, acts // 10))
    ]
    return {
        "uncc": "incident/1",
        "id": f"bench-{acts}",
        "persons": [
            {"id": "actor", "kind": "natural", "nationalities": ["XB"], "present_in": "XB"},
            {"id": "victim", "kind": "legal", "incorporated_in": "XA"},
        ],
        "systems": systems,
        "data": [
            {"id": "records", "kinds": ["personal_data"], "system": "sys-0", "stored_in": "XA"}
        ],
        "acts": [
            {
                "id": f"act-{n}",
                "by": "actor",
                "conduct": CONDUCTS[n % len(CONDUCTS)],
                "object": "records"
                if CONDUCTS[n % len(CONDUCTS)] in ("alter", "delete")
                else systems[n % len(systems)]["id"],
                "when": f"2026-03-02T{n % 24:02d}:{n % 60:02d}:00Z",
                "acted_in": "XB",
                "effects_in": ["XA"],
                "without_right": True,
                "mental_state": "intent",
            }
            for n in range(acts)
        ],
    }


def _throughput(
    convention: Any, baseline: Any, profile: Any, count: int, runs: int
) -> tuple[Stats, float]:
    """Incidents per second over ``count`` small incidents, ``runs`` runs.

    Also the median rate in CPU time of this process (the machine is shared: beside the
    measured rate, what one core does when it is not taken by others).
    """
    facts = [incident(1) for _ in range(count)]
    for n, one in enumerate(facts):
        one["id"] = f"bench-{n}"
    cpu: list[float] = []

    def work() -> int:
        start = time.process_time()
        for one in facts:
            parsed = validate_incident(one, "bench")
            analyze(parsed, convention, baseline, profiles={"XA": profile}, parties=["XA"])
        cpu.append(len(facts) / (time.process_time() - start))
        return len(facts)

    return throughput(work, repeat=runs), percentile(cpu, 50)


def run(size: str) -> list[Row]:
    """Latency by size, small-incident throughput, and growth."""
    convention = load_convention()
    baseline = builtin_profile("baseline")
    profile = parse_profile(
        (ROOT / "examples/profiles/xa-northland.yaml").read_text(encoding="utf-8")
    )
    rows: list[Row] = []
    medians: dict[int, float] = {}
    for acts in SIZES[size]:
        facts = incident(acts)
        repeat = max(5, 200 // acts)
        reading: list[float] = []
        whole: list[float] = []
        for _ in range(repeat):
            start = time.perf_counter()
            parsed = validate_incident(facts, "bench")
            middle = time.perf_counter()
            analyze(parsed, convention, baseline, profiles={"XA": profile}, parties=["XA"])
            end = time.perf_counter()
            reading.append(middle - start)
            whole.append(end - start)
        medians[acts] = percentile(whole, 50)
        rows.append(
            ratio_row(
                "analysis",
                f"{acts} act{'s' if acts > 1 else ''}: latency p50 (p99 {percentile(whole, 99) * 1e3:.1f} ms)",
                Stats(percentile(whole, 50), min(whole), max(whole), len(whole)),
                "read and validate the facts",
                Stats(percentile(reading, 50), min(reading), max(reading), len(reading)),
            )
        )
    rate, cpu_rate = _throughput(
        convention, baseline, profile, THROUGHPUT[size], MIN_RUNS if size == "full" else 2
    )
    rows.append(
        goal_row(
            "analysis",
            f"small incidents (1 act) per second, one core, {THROUGHPUT[size]:,} incidents per run",
            rate,
            goal="≥ 2,500/s",
            limit=2500,
            unit="/s",
            higher=True,
            note="Measured throughput: incidents analysed back to back (each read, validated and analysed for the Convention and one State) divided by the run's elapsed time; p50/p99 latency of one incident are the 1-act row above. "
            f"In CPU time of the benchmark process, the median run did {cpu_rate:,.0f}/s.",
        )
    )
    largest = max(medians)
    growth = (medians[largest] / largest) / (medians[10] / 10)
    rows.append(
        goal_row(
            "analysis",
            f"cost per act at {largest} acts / at 10 acts",
            Stats(growth, growth, growth, max(5, 200 // largest)),
            goal="≤ 1.1 ×",
            limit=1.1,
            unit="×",
            note="The ratio of the two sizes' median latencies per act.",
        )
    )
    return rows
