"""The parser, linter and model against the real seed text (skipped when it is absent)."""

from __future__ import annotations

import re

import pytest

from uncc.convention.catalogue import load_convention
from uncc.convention.model import OptionKind
from uncc.convention.text.lint import lint_treaty
from uncc.convention.text.parser import parse_treaty
from uncc.convention.text.tree import ParsedTreaty

pytestmark = pytest.mark.seed


@pytest.fixture(scope="module")
def treaty(seed_text: str) -> ParsedTreaty:
    return parse_treaty(seed_text, "seed")


def test_fifty_six_articles_with_the_model_headings(treaty: ParsedTreaty) -> None:
    convention = load_convention()
    assert [a.number for a in treaty.articles] == list(range(1, 57))
    for parsed in treaty.articles:
        assert parsed.heading.rstrip(".") == convention.article(parsed.number).heading
        assert parsed.chapter == convention.article(parsed.number).chapter


def test_model_ids_and_parsed_ids_agree(treaty: ParsedTreaty) -> None:
    parsed = {i for i in treaty.ids() if not re.search(r"(bis|ter)$", i)}
    model = load_convention().ids()
    assert model - parsed == set()
    assert parsed - model == set()


def test_split_paragraphs_are_joined(treaty: ParsedTreaty) -> None:
    units = {u.id: u for _, u in treaty.units()}
    assert "Aspects of Intellectual Property" in units["art_17__para_2"].text
    assert "with the law of the State" in units["art_39__para_5"].text
    assert "non-disclosure or limitations" in units["art_52__para_2__point_a"].text
    assert units["art_46__para_4"].text.endswith("paragraphs 1 to 3 of this article.")
    joined = sum(u.joined_lines for _, u in treaty.units())
    assert joined >= 8


def test_every_may_require_and_may_reserve_is_an_option(treaty: ParsedTreaty) -> None:
    convention = load_convention()
    options = [o for _, o in convention.options()]
    for _, unit in treaty.units():
        text = unit.text + " " + unit.wrap_up
        if re.search(r"may\s+(?:,\s*however,\s*)?require|may\s+reserve", text, re.I):
            cited = [o for o in options if unit.id.startswith(o.at) or o.at.startswith(unit.id)]
            assert cited, f"{unit.id} leaves a choice that the model does not declare"
            if "reserve" in text:
                assert any(o.kind is OptionKind.RESERVATION for o in cited), unit.id


EXPECTED = {
    ("ref-wrong-kind", "art_10__para_1__point_a"),
    ("ref-wrong-kind", "art_10__para_1__point_a__subpoint_i"),
    ("ref-wrong-kind", "art_10__para_1__point_b"),
    ("ref-wrong-kind", "art_10__para_2"),
    ("ref-unresolved", "art_40__para_3"),
    ("duplicate-paragraph", "art_39__para_6bis"),
    ("duplicate-paragraph", "art_39__para_7bis"),
    ("duplicate-paragraph", "art_39__para_8bis"),
    ("duplicate-paragraph", "art_39__para_9bis"),
    ("numbering-sequence", "art_39__para_6bis"),
    ("numbering-stray", "art_35__para_1"),
    ("numbering-stray", "art_39__para_2"),
    ("numbering-stray", "art_40__para_1"),
    ("non-party-obligation", "art_56__para_1"),
    ("non-party-obligation", "art_56__para_2"),
    ("non-party-obligation", "art_56__para_3"),
    ("scope-word", "art_42__para_3"),
    ("doubled-word", "art_14__para_1__point_c"),
    ("term-undefined", "art_19__para_1"),
    ("term-undefined", "art_19__para_2"),
    ("term-undefined", "art_41__para_3__point_b"),
    ("term-variant", "art_19__para_1"),
    ("term-variant", "art_32__para_1"),
    ("duplicate-definition", "art_25__para_2"),
    ("spelling-variant", "art_17__para_1"),
    ("spelling-variant", "art_18__para_1__point_e"),
    ("spelling-variant", "art_18__para_4"),
    ("capitalisation", "art_35__para_6__point_a"),
    ("heading-punctuation", "art_19"),
    ("missing-final-punctuation", "art_3__para_3"),
    ("unnumbered-block", "art_4__para_1"),
    ("marker-style", "art_2__para_1__point_a"),
    ("marker-style", "art_10__para_1__point_a"),
    ("marker-style", "art_12__para_1__point_a"),
    ("marker-style", "art_18__para_1__point_a"),
    *{("party-naming", f"art_{n}__para_1") for n in (6, 7, 8, 9, 10, 11, 12, 17, 18, 26, 47)},
    ("party-naming", "art_41__para_2"),
    ("party-naming", "art_42__para_3"),
    *{
        ("marker-spacing", i)
        for i in (
            "art_2__para_1__point_a",
            "art_10__para_1",
            "art_17__para_1",
            "art_17__para_2",
            "art_17__para_3",
            "art_18__para_1",
            "art_18__para_4",
            "art_36__para_1",
            "art_56__para_1",
        )
    },
}


def test_lint_reports_exactly_the_documented_defects(treaty: ParsedTreaty) -> None:
    found = {(f.code, f.id) for f in lint_treaty(treaty)}
    assert found == EXPECTED
