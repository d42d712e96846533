"""Art. 38 deadlines in the text, Markdown and HTML reports, and when a case is time-barred."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from uncc.analysis.render.limits import limitation_words
from uncc.entrypoints.cli.main import app

FACTS = Path("examples/incidents/ransomware-hospital.yaml")
NORTHLAND = "examples/profiles/xa-northland.yaml"  # 5 or 10 years; evasion suspends


def _facts(tmp_path: Path, evaded: Any) -> Path:
    """The example with what is known of the affiliate's evasion of justice."""
    facts = yaml.safe_load(FACTS.read_text(encoding="utf-8"))
    for person in facts["persons"]:
        if person["id"] == "affiliate":
            person.pop("evaded_justice", None)
            if evaded is not None:
                person["evaded_justice"] = evaded
    out = tmp_path / "facts.yaml"
    out.write_text(yaml.safe_dump(facts), encoding="utf-8")
    return out


def _report(fmt: str, at: str, facts: Path) -> str:
    result = CliRunner().invoke(
        app, ["analyze", str(facts), "--profile", NORTHLAND, "--format", fmt, "--at", at]
    )
    assert result.exit_code == 0, result.output
    return result.output


def test_text_report_shows_each_deadline_and_the_time_bar(tmp_path: Path) -> None:
    facts = _facts(tmp_path, [])
    before = _report("text", "2030-01-01", facts)
    assert "LIMITATION (Art. 38, checked at 2030-01-01)" in before
    assert (
        "  XA Art. 6 Illegal access — act login: proceedings must begin by 2031-03-02 (5 years)"
        "  [art_38__para_1]"
    ) in before
    assert "none time-barred" in before
    after = _report("text", "2032-01-01", facts)
    assert (
        "  XA Art. 6 Illegal access — act login: TIME-BARRED: proceedings had to begin by "
        "2031-03-02 (5 years)  [art_38__para_1]"
    ) in after
    assert "Limitation (Art. 38): 6 of 6 deadlines known; time-barred: XA Art. 6 (login)" in after
    assert (
        "XA Art. 8 Data interference — act encrypt: proceedings must begin by 2036-03-02" in after
    )
    assert "XB, XC: the State's profile sets no limitation period" in after


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_markdown_and_html_show_the_time_bar(fmt: str, tmp_path: Path) -> None:
    out = _report(fmt, "2032-01-01", _facts(tmp_path, []))
    assert "Limitation (Art. 38)" in out
    assert "had to begin by 2031-03-02 (5 years)" in out
    assert "must begin by 2036-03-02 (10 years)" in out
    if fmt == "md":
        assert "| XA | Art. 6 Illegal access | login | **time-barred**: proceedings" in out
    else:
        assert '<td class="not_established">TIME-BARRED: proceedings had to begin' in out


def test_evasion_of_justice_in_the_report(tmp_path: Path) -> None:
    unknown = _report("text", "2032-01-01", _facts(tmp_path, None))
    assert (
        "XA Art. 6 Illegal access — act login: proceedings must begin by 2031-03-02 (5 years); "
        "time bar undetermined: supply persons[affiliate].evaded_justice"
    ) in unknown
    assert "TIME-BARRED" not in unknown
    assert (
        "Has V. K. evaded justice (fled, hidden), and from when to when?"
        "  [persons[affiliate].evaded_justice]"
    ) in unknown
    fled = [{"since": "2027-01-01", "until": "2028-01-01"}]  # 365 days; Northland suspends
    suspended = _report("text", "2032-01-01", _facts(tmp_path, fled))
    assert (
        "XA Art. 6 Illegal access — act login: proceedings must begin by 2032-03-01 (5 years); "
        "suspended 365 days while the offender evaded justice"
    ) in suspended
    assert "Has V. K. evaded justice" not in suspended


def test_an_unchecked_or_incomplete_deadline_is_never_called_time_barred() -> None:
    unchecked = {"years": 5, "deadline": "2031-03-02", "expired": None, "missing": []}
    assert "time bar undetermined" in limitation_words(unchecked)
    no_date = {
        "years": 5,
        "deadline": None,
        "expired": None,
        "missing": ["acts[a1].when"],
    }
    assert limitation_words(no_date) == (
        "deadline unknown (5 years from the act): supply acts[a1].when"
    )
    running = {"years": 5, "deadline": None, "expired": False, "missing": [], "note": "x"}
    assert limitation_words(running) == "not time-barred, no deadline while it lasts: x"
