from textwrap import dedent

import pytest

from uncc.convention.text.parser import is_roman, parse_treaty, roman_value
from uncc.convention.text.tree import NoteKind
from uncc.errors import TreatyTextError

TEXT = dedent(
    """\
    Model Treaty on Examples

    Recalling that examples help.

    Chapter I General rules

    Article 1. Purpose

    The aims are to:
    - (a) Teach parsers;
    - (b) Test them.

    Chapter II

    Offences and more

    Article 2. Offence
    - 1.Each Party shall punish:
    - a. the making of:
    - i. a tool,
    - ii. a code,
    - with intent to misuse it; and
    - b. the keeping of such items.
    2. A Party may require that the act be done for the
    purpose of gain.
     - 1. (a) Stray first;
     - 2. (b) Stray second.
    3. Final paragraph.
    3. Final paragraph.
    """
)


def test_chapters_articles_and_titles() -> None:
    treaty = parse_treaty(TEXT, "model")
    assert treaty.title == "Model Treaty on Examples"
    assert treaty.preamble == ["Recalling that examples help."]
    assert [(c.number, c.title) for c in treaty.chapters] == [
        ("I", "General rules"),
        ("II", "Offences and more"),
    ]
    assert [(a.number, a.heading, a.chapter) for a in treaty.articles] == [
        (1, "Purpose", "I"),
        (2, "Offence", "II"),
    ]


def test_unnumbered_intro_with_points() -> None:
    article = parse_treaty(TEXT).articles[0]
    assert [u.id for u in article.walk()] == [
        "art_1__para_1",
        "art_1__para_1__point_a",
        "art_1__para_1__point_b",
    ]
    assert article.paragraphs[0].label is None
    assert article.paragraphs[0].text == "The aims are to:"


def test_points_subpoints_wrap_up_and_split_lines() -> None:
    article = parse_treaty(TEXT).articles[1]
    ids = [u.id for u in article.walk()]
    assert "art_2__para_1__point_a__subpoint_ii" in ids
    point_a = article.paragraphs[0].children[0]
    assert point_a.wrap_up == "with intent to misuse it; and"
    assert point_a.children[1].text == "a code,"
    second = article.paragraphs[1]
    assert second.text == "A Party may require that the act be done for the purpose of gain."
    assert second.joined_lines == 1


def test_stray_numbers_become_points_and_repeats_get_bis() -> None:
    treaty = parse_treaty(TEXT)
    article = treaty.articles[1]
    second = article.paragraphs[1]
    assert [c.id for c in second.children] == ["art_2__para_2__point_a", "art_2__para_2__point_b"]
    assert [p.id for p in article.paragraphs][-2:] == ["art_2__para_3", "art_2__para_3bis"]
    kinds = [n.kind for n in treaty.notes]
    assert kinds.count(NoteKind.STRAY_NUMBER) == 2
    assert NoteKind.NO_SPACE_AFTER_MARKER in kinds
    assert NoteKind.NUMBER_OUT_OF_SEQUENCE in kinds


def test_letter_i_after_h_is_a_point_not_a_subpoint() -> None:
    letters = "\n".join(f"({c}) item {c};" for c in "abcdefghij")
    treaty = parse_treaty(f"Article 5. Long list\n1. Items:\n{letters}")
    labels = [u.label for u in treaty.articles[0].paragraphs[0].children]
    assert labels == list("abcdefghij")


def test_alternative_point_styles() -> None:
    treaty = parse_treaty("Article 3. Styles\n1. Do:\n a) one;\n b) two.\n2. Then:\n(a) three.")
    assert [u.id for _, u in treaty.units()] == [
        "art_3__para_1",
        "art_3__para_1__point_a",
        "art_3__para_1__point_b",
        "art_3__para_2",
        "art_3__para_2__point_a",
    ]


def test_text_without_articles_is_refused() -> None:
    with pytest.raises(TreatyTextError, match="no article found"):
        parse_treaty("Just some prose.\nNothing else.", "notes.txt")


def test_roman_helpers() -> None:
    assert [roman_value(r) for r in ("i", "iv", "ix", "xiv")] == [1, 4, 9, 14]
    assert is_roman("iii")
    assert not is_roman("b")


def test_json_shape_is_stable() -> None:
    document = parse_treaty(TEXT, "model").to_json()
    article = document["articles"][1]
    assert set(article) == {"number", "id", "heading", "chapter", "line", "paragraphs"}
    paragraph = article["paragraphs"][0]
    assert {"id", "text", "points", "label", "line"} <= set(paragraph)
    assert paragraph["points"][0]["wrap_up"].startswith("with intent")
