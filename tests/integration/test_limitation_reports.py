"""Art. 38 deadlines in the text, Markdown and HTML reports, and when a case is time-barred."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from uncc.analysis.render.limits import limitation_words
from uncc.entrypoints.cli.main import app

FACTS = "examples/incidents/ransomware-hospital.yaml"
NORTHLAND = "examples/profiles/xa-northland.yaml"  # 5 years for illegal access, 10 otherwise


def _report(fmt: str, at: str) -> str:
    result = CliRunner().invoke(
        app, ["analyze", FACTS, "--profile", NORTHLAND, "--format", fmt, "--at", at]
    )
    assert result.exit_code == 0, result.output
    return result.output


def test_text_report_shows_each_deadline_and_the_time_bar() -> None:
    before = _report("text", "2030-01-01")
    assert "LIMITATION (Art. 38, checked at 2030-01-01)" in before
    assert (
        "  XA Art. 6 Illegal access — act login: proceedings must begin by 2031-03-02 (5 years)"
        "  [art_38__para_1]"
    ) in before
    assert "none time-barred" in before
    after = _report("text", "2032-01-01")
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
def test_markdown_and_html_show_the_time_bar(fmt: str) -> None:
    out = _report(fmt, "2032-01-01")
    assert "Limitation (Art. 38)" in out
    assert "had to begin by 2031-03-02 (5 years)" in out
    assert "must begin by 2036-03-02 (10 years)" in out
    if fmt == "md":
        assert "| XA | Art. 6 Illegal access | login | **time-barred**: proceedings" in out
    else:
        assert '<td class="not_established">TIME-BARRED: proceedings had to begin' in out


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
