"""``uncc analyze``, ``explain``, ``schema`` and ``parties`` end to end, in a subprocess."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from tests.e2e.test_cli import uncc
from uncc.yaml12 import load_yaml

ROOT = Path(__file__).resolve().parents[2]
RANSOMWARE = str(ROOT / "examples/incidents/ransomware-hospital.yaml")
PROFILES = [str(p) for p in sorted((ROOT / "examples/profiles").glob("*.yaml"))]


def test_analyze_prints_the_report_summary_first() -> None:
    result = uncc("analyze", RANSOMWARE)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Incident ransomware-hospital — Ransomware against a regional hospital"
    assert lines.index("SUMMARY") < lines.index("OFFENCES") < lines.index("JURISDICTION (Art. 40)")
    assert (
        "✓ Art. 6 Illegal access — login by affiliate (perpetration) — established  [art_6__para_1]"
        in result.stdout
    )


def test_analyze_json_has_the_documented_shape() -> None:
    args = ["analyze", RANSOMWARE, "--format", "json", "--at", "2026-11-28"]
    for profile in PROFILES:
        args += ["--profile", profile]
    result = uncc(*args)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["incident"] == "ransomware-hospital"
    access = next(o for o in report["offences"] if o["offence"] == "illegal_access")
    assert {k: access[k] for k in ("article", "id", "act", "actor", "status", "missing")} == {
        "article": 6,
        "id": "art_6",
        "act": "login",
        "actor": "affiliate",
        "status": "established",
        "missing": [],
    }
    assert {e["role"] for e in access["elements"]} == {
        "conduct",
        "object",
        "circumstance",
        "mental",
    }
    xc = next(j for j in report["jurisdiction"] if j["state"] == "XC")
    assert {
        k: v
        for k, v in next(g for g in xc["grounds"] if g["ground"] == "territory").items()
        if k in ("id", "mandatory")
    } == {"id": "art_40__para_1__point_a", "mandatory": True}
    assert xc["consult"] == ["XA"]  # investigating (facts); XB only has jurisdiction
    assert xc["consult_if_investigating"] == ["XB"]
    preservation = [m for m in report["measures"] if m["state"] == "XA" and m["article"] == 43]
    assert preservation[0]["route"] == "request:XC"
    assert preservation[0]["available"] is True
    assert {s["id"] for s in preservation[0]["safeguards"]} >= {
        "proportionality",
        "supervision",
        "duration_limit",
    }


def test_bad_facts_exit_2_with_every_problem_and_no_traceback(tmp_path: Path) -> None:
    facts = tmp_path / "bad.yaml"
    facts.write_text(
        "uncc: incident/1\nid: x\nacts: [{id: a1, conduct: acess, by: nobody}]\n", encoding="utf-8"
    )
    result = uncc("analyze", str(facts))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert (
        "acts[0].conduct: 'acess' is not a known conduct; did you mean 'access'?" in result.stderr
    )
    assert result.stdout == ""


def test_explain_prints_the_whole_trace_of_one_offence() -> None:
    result = uncc("explain", RANSOMWARE, "33")
    assert result.returncode == 0, result.stderr
    assert "Money laundering (conversion or transfer)" in result.stdout
    assert "inferred from: chat messages with the affiliate about the attack" in result.stdout
    assert "[art_33__para_2__point_b]" in result.stdout


def test_schema_validates_every_example_incident() -> None:
    result = uncc("schema", "incident")
    assert result.returncode == 0, result.stderr
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for path in sorted((ROOT / "examples/incidents").glob("*.yaml")):
        document = json.loads(json.dumps(load_yaml(path.read_text(encoding="utf-8")), default=str))
        errors = [e.message for e in validator.iter_errors(document)]
        assert errors == [], f"{path.name}: {errors}"


def test_parties_gaps_exits_1_when_there_are_gaps() -> None:
    result = uncc("parties", "gaps", PROFILES[0], "--json")
    assert result.returncode == 1
    gaps = json.loads(result.stdout)["gaps"]
    assert {"article": 10, "id": "art_10", "status": "partly"}.items() <= next(
        g for g in gaps if g["article"] == 10
    ).items()
