"""Each lint check on small synthetic texts: one case that fires, one that does not."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest

from uncc.convention.text.findings import Severity
from uncc.convention.text.lint import lint_treaty, load_checks, worst
from uncc.convention.text.parser import parse_treaty

BASE = dedent(
    """\
    Article 1. Use of terms
    For this treaty:
    - (a) "computer system" means a device that processes data;
    - (b) "traffic data" means data about a communication.
    Article 2. Illegal access
    Each State Party shall establish as criminal offences access to a computer system.
    Article 3. Data interference
    Each State Party shall establish as criminal offences the deletion of data.
    """
)


def codes(text: str) -> list[str]:
    return [f.code for f in lint_treaty(parse_treaty(text))]


def test_clean_text_has_no_findings() -> None:
    assert codes(BASE) == []


CASES: list[tuple[str, str, str]] = [
    (
        "ref-unresolved",
        "Article 4. Scope\nEach State Party shall apply article 9 of this Convention.",
        "Article 4. Scope\nEach State Party shall apply article 2 of this Convention.",
    ),
    (
        "ref-unresolved",
        "Article 4. Scope\nEach State Party shall act under the article on extradition.",
        "Article 4. Scope\nEach State Party shall act under the article on illegal access.",
    ),
    (
        "ref-wrong-kind",
        "Article 4. Tools\nEach State Party shall punish tools for offences established in "
        "accordance with Article 1.",
        "Article 4. Tools\nEach State Party shall punish tools for offences established in "
        "accordance with Articles 2 and 3.",
    ),
    (
        "duplicate-paragraph",
        "Article 4. Rules\n1. Each State Party shall keep records of all measures taken.\n"
        "2. Each State Party shall keep records of all measures taken.",
        "Article 4. Rules\n1. Each State Party shall keep records of all measures taken.\n"
        "2. Each State Party shall publish records of all measures taken.",
    ),
    (
        "duplicate-definition",
        'Article 4. Images\n1. For paragraph 2, "image" means a picture of a person made by '
        'any means.\nArticle 5. More\n1. For paragraph 2, "image" means a picture of a person '
        "made by any means.",
        'Article 4. Images\n1. For paragraph 2, "image" means a picture of a person made by '
        'any means.\nArticle 5. More\n1. For paragraph 2, "icon" means a small picture of a '
        "thing made by any means.",
    ),
    (
        "term-undefined",
        'Article 4. Material\nEach State Party shall ban "abuse material" in any form.',
        'Article 4. Material\nEach State Party shall ban material as in "traffic data" rules.',
    ),
    (
        "term-undefined",
        "Article 4. Use\nEach State Party shall protect a computer system or an "
        "information technology system. Again an information technology system.",
        "Article 4. Use\nEach State Party shall protect a computer system or part of it.",
    ),
    (
        "term-variant",
        "Article 4. Facilitation\nEach State Party shall ban hosting abuse images as "
        "identified in article 1.",
        "Article 4. Facilitation\nEach State Party shall ban hosting traffic data as "
        "identified in article 1.",
    ),
    (
        "party-naming",
        "Article 4. Duty\nEach Party shall act.",
        "Article 4. Duty\nEach State Party shall act.",
    ),
    (
        "non-party-obligation",
        "Article 4. Network\nINTERPOL shall run the network.",
        "Article 4. Network\nEach State Party shall join INTERPOL's network.",
    ),
    (
        "scope-word",
        "Article 4. Safeguards\n1. The powers and procedures provided for in this chapter "
        "are limited.\n2. Each State Party shall weigh the powers and procedures in this article.",
        "Article 4. Safeguards\n1. The powers and procedures provided for in this chapter "
        "are limited.\n2. Each State Party shall weigh the powers and procedures in this chapter.",
    ),
    (
        "doubled-word",
        "Article 4. Payment\nEach State Party shall punish the use of an a computer system.",
        "Article 4. Payment\nEach State Party shall punish the use of a computer system.",
    ),
    (
        "spelling-variant",
        "Article 4. Copyright\n1. Each State Party shall punish acts done wilfully.\n"
        "2. Each State Party shall punish acts done willfully.",
        "Article 4. Copyright\n1. Each State Party shall punish acts done wilfully.\n"
        "2. Each State Party shall punish acts done wilfully and knowingly.",
    ),
    (
        "capitalisation",
        "Article 4. Duty\n1. Under this Convention a State Party acts.\n"
        "2. Under this Convention it acts.\n3. Under this convention it acts.",
        "Article 4. Duty\n1. Under this Convention a State Party acts.\n"
        "2. Under this Convention it acts.",
    ),
    (
        "missing-final-punctuation",
        "Article 4. Harm\n1. No harm is required to persons or the State",
        "Article 4. Harm\n1. No harm is required to persons or the State.",
    ),
    (
        "numbering-sequence",
        "Article 4. Steps\n1. One.\n3. Three.",
        "Article 4. Steps\n1. One.\n2. Two.",
    ),
    (
        "numbering-stray",
        "Article 4. Steps\n1. Items:\n - 1. (a) first;\n - 2. (b) second.",
        "Article 4. Steps\n1. Items:\n - (a) first;\n - (b) second.",
    ),
    (
        "marker-spacing",
        "Article 4. Steps\n1.Each State Party shall act.",
        "Article 4. Steps\n1. Each State Party shall act.",
    ),
    (
        "unnumbered-block",
        "Article 4. Steps\n1. Sovereignty applies.\nA State has authority.\n2. Next.",
        "Article 4. Steps\n1. Sovereignty applies and a State has authority.\n2. Next.",
    ),
]


@pytest.mark.parametrize(("code", "fires", "quiet"), CASES, ids=[c[0] for c in CASES])
def test_check_fires_and_stays_quiet(code: str, fires: str, quiet: str) -> None:
    assert code in codes(BASE + fires), f"{code} should fire"
    assert code not in codes(BASE + quiet), f"{code} should stay quiet"


def test_marker_style_and_heading_punctuation() -> None:
    mixed = BASE + "Article 4. Lists\n1. Do:\na) one;\nb) two."
    assert "marker-style" in codes(mixed)
    assert "marker-style" not in codes(BASE + "Article 4. Lists\n1. Do:\n(a) one;\n(b) two.")
    dotted = BASE + "Article 4. Heading with a stop.\nEach State Party shall act."
    assert "heading-punctuation" in codes(dotted)
    assert "heading-punctuation" not in codes(BASE)


def test_phrase_variant_and_plural_head_noun_are_told_apart() -> None:
    repeated = " ".join(["information and communications technologies are used."] * 3)
    variant = (
        BASE + f"Article 4. ICT\n1. {repeated}\n2. information and communication technologies."
    )
    assert "term-variant" in codes(variant)
    grammatical = BASE + (
        "Article 4. Number\n1. as criminal offences under law. as criminal offences under law. "
        "as criminal offences under law.\n2. as a criminal offence under law."
    )
    assert "term-variant" not in codes(grammatical)


def test_every_check_module_registers_and_every_code_is_documented() -> None:
    registry = load_checks()
    emitted = {code for check in registry.values() for code in check.codes}
    docs = (Path(__file__).resolve().parents[2] / "docs" / "lint.md").read_text(encoding="utf-8")
    assert len(registry) >= 10
    for code in emitted:
        assert f"`{code}`" in docs, f"{code} is not documented in docs/lint.md"


def test_worst_severity() -> None:
    findings = lint_treaty(parse_treaty(BASE + "Article 4. Duty\nEach Party shall act."))
    assert worst(findings) is Severity.WARNING
    assert worst([]) is None
