"""The treaties the proposal builds on: every article mapped, every cited article real."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from uncc.convention.catalogue import ARTICLE_COUNT, load_convention
from uncc.convention.model import Relation
from uncc.convention.treaties import Mapping, comparison, treaty_problems
from uncc.convention.treaty_ids import TREATY_IDS
from uncc.entrypoints.cli.main import app

CONVENTION = load_convention()
NUMBERS = list(range(1, ARTICLE_COUNT + 1))

# The number of articles each treaty has (its final clauses included).
TREATY_SIZE = {"ets185": 48, "cets224": 25, "un2024": 68}


@pytest.mark.parametrize("treaty_id", TREATY_IDS)
def test_every_article_of_the_proposal_is_mapped_once_with_real_counterparts(
    treaty_id: str,
) -> None:
    treaty = CONVENTION.treaty(treaty_id)
    assert [a.number for a in treaty.articles] == list(range(1, TREATY_SIZE[treaty_id] + 1))
    assert all(a.title.strip() for a in treaty.articles)
    assert [m.article for m in treaty.mappings] == NUMBERS
    for mapping in treaty.mappings:
        for number in mapping.at:
            assert treaty.title(number) is not None, (treaty_id, mapping.article, number)
        if mapping.relation in (Relation.NEW, Relation.NO_COUNTERPART):
            assert mapping.at == (), (treaty_id, mapping.article)
        else:
            assert mapping.at, (treaty_id, mapping.article)
        if mapping.relation is not Relation.SAME:
            assert mapping.note, (treaty_id, mapping.article)
    assert treaty_problems(treaty, NUMBERS) == []


def _with(treaty_id: str, article: int, **change: object) -> list[str]:
    treaty = CONVENTION.treaty(treaty_id)
    mappings = tuple(
        dataclasses.replace(m, **change) if m.article == article else m  # type: ignore[arg-type]
        for m in treaty.mappings
    )
    return treaty_problems(dataclasses.replace(treaty, mappings=mappings), NUMBERS)


def test_a_cited_article_the_treaty_does_not_have_is_a_problem() -> None:
    assert _with("cets224", 45, at=(7, 26)) == [
        "treaty cets224: Art. 45 cites Art. 26, which the treaty does not have"
    ]


def test_relations_must_agree_with_the_counterparts_and_carry_a_note() -> None:
    assert "treaty un2024: Art. 14 is wider but cites nothing" in _with(
        "un2024", 14, relation=Relation.WIDER
    )
    assert "treaty ets185: Art. 6 is new but cites (2,)" in _with(
        "ets185", 6, relation=Relation.NEW
    )
    assert "treaty ets185: Art. 6 is narrower without a note" in _with(
        "ets185", 6, relation=Relation.NARROWER
    )


def test_a_missing_or_doubled_article_is_a_problem() -> None:
    treaty = CONVENTION.treaty("un2024")
    short = dataclasses.replace(treaty, mappings=treaty.mappings[:-1])
    assert treaty_problems(short, NUMBERS) == [
        "treaty un2024: must map each article once, in order (lacking [56], unknown [])"
    ]
    doubled = dataclasses.replace(
        treaty, mappings=(*treaty.mappings, Mapping(56, Relation.SAME, (41,)))
    )
    assert treaty_problems(doubled, NUMBERS)


def test_the_comparison_counts_every_relation_and_lists_unmatched_articles() -> None:
    headings = {a.number: a.heading for a in CONVENTION.articles}
    document = comparison(CONVENTION.treaty("un2024"), headings)
    assert sum(document["summary"].values()) == ARTICLE_COUNT
    assert len(document["articles"]) == ARTICLE_COUNT
    limitation = document["articles"][37]
    assert limitation["article"] == 38
    assert limitation["counterparts"] == [{"number": 20, "title": "Limitation periods"}]
    assert {"number": 37, "title": "Extradition"} in document["unmatched"]
    one = comparison(CONVENTION.treaty("un2024"), headings, 40)
    assert [a["article"] for a in one["articles"]] == [40]
    assert "unmatched" not in one


def test_compare_command_in_every_format() -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["convention", "compare", "cets224", "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["uncc"] == "treaty-comparison/1"
    assert len(document["articles"]) == ARTICLE_COUNT
    text = runner.invoke(app, ["convention", "compare", "ets185", "--article", "art_43"])
    assert text.exit_code == 0
    assert "Art. 43 Expedited preservation of stored computer data" in text.output
    assert "ETS 185: Art. 16 Fast preservation of stored data" in text.output
    md = runner.invoke(app, ["convention", "compare", "un2024", "--format", "md"])
    assert md.exit_code == 0
    assert "| 38 | Statute of limitations | same | Art. 20 Limitation periods |" in md.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ets999"], "unknown treaty 'ets999': use one of ets185, cets224, un2024"),
        (["un2024", "--article", "57"], "there is no Article 57: articles run from 1 to 56"),
    ],
)
def test_compare_refuses_an_unknown_treaty_or_article_in_one_line(
    args: list[str], message: str
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "uncc", "convention", "compare", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [f"uncc: error: {message}"]
