"""The analysis commands in process (Typer's runner): formats, options, bad options."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from uncc.entrypoints.cli.main import app
from uncc.errors import UserInputError

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples/incidents").glob("*.yaml"))
RUNNER = CliRunner()


def run(*args: str) -> tuple[int, str]:
    result = RUNNER.invoke(app, list(args))
    return result.exit_code, result.output


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
@pytest.mark.parametrize("fmt", ["text", "json", "md", "html"])
def test_every_example_renders_in_every_format(path: Path, fmt: str) -> None:
    code, out = run("analyze", str(path), "--format", fmt, "--all")
    assert code == 0, out
    assert out.strip()


def test_html_escapes_what_the_facts_say(tmp_path: Path) -> None:
    facts = tmp_path / "x.yaml"
    facts.write_text(
        "uncc: incident/1\nid: x\ntitle: '<script>alert(1)</script>'\n", encoding="utf-8"
    )
    code, out = run("analyze", str(facts), "--format", "html")
    assert code == 0
    assert "<script>" not in out
    assert "&lt;script&gt;" in out


def test_party_limits_the_report_and_profile_changes_the_law() -> None:
    path = str(ROOT / "examples/incidents/insider-company.yaml")
    code, out = run(
        "analyze",
        path,
        "--party",
        "XA",
        "--profile",
        str(ROOT / "examples/profiles/xa-northland.yaml"),
        "--format",
        "json",
    )
    assert code == 0, out
    assert '"states": [\n    "XA"\n  ]' in out
    assert "art_6.security_measures: the State requires 'by infringing security measures'" in out


def test_output_file_is_written(tmp_path: Path) -> None:
    target = tmp_path / "reports" / "r.md"
    code, _ = run("analyze", str(EXAMPLES[0]), "--format", "md", "--output", str(target))
    assert code == 0
    assert target.read_text(encoding="utf-8").startswith("# Analysis: ")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--party", "de"], "--party: 'de' is not a State code"),
        (["--at", "28/11/2026"], "--at: '28/11/2026' is not a date"),
        (["--profile", "lenient"], "'lenient' is neither a built-in profile"),
    ],
)
def test_bad_options_are_user_errors(args: list[str], message: str) -> None:
    result = RUNNER.invoke(app, ["analyze", str(EXAMPLES[0]), *args])
    assert isinstance(result.exception, UserInputError)
    assert message in str(result.exception)


def test_explain_refuses_an_article_without_offences() -> None:
    result = RUNNER.invoke(app, ["explain", str(EXAMPLES[0]), "43"])
    assert isinstance(result.exception, UserInputError)
    assert "defines no offence" in str(result.exception)


def test_a_missing_facts_file_is_a_user_error() -> None:
    result = RUNNER.invoke(app, ["analyze", "nope.yaml"])
    assert isinstance(result.exception, UserInputError)
    assert str(result.exception) == "nope.yaml: no such file (incident facts)"


def test_proceeds_trace_reads_the_example_ledger() -> None:
    code, out = run(
        "proceeds", "trace", str(ROOT / "examples/ledgers/ransom-laundering.csv"), "--model", "fifo"
    )
    assert code == 0, out
    assert "fifo: proceeds in 38.5, in accounts 28.5, left the ledger 10" in out


def test_a_bad_ledger_line_is_named(tmp_path: Path) -> None:
    ledger = tmp_path / "l.csv"
    ledger.write_text("id,source,target,amount\nt1,a,b,ten\n", encoding="utf-8")
    result = RUNNER.invoke(app, ["proceeds", "trace", str(ledger)])
    assert isinstance(result.exception, UserInputError)
    assert "line 2: amount 'ten' is not a number" in str(result.exception)
