import pytest

from uncc.convention.catalogue import integrity_problems, load_convention
from uncc.convention.model import ArticleKind, Modality, OptionKind
from uncc.errors import UnknownProvisionError


def test_the_encoding_is_sound() -> None:
    convention = load_convention()
    assert integrity_problems(convention) == []
    assert [a.number for a in convention.articles] == list(range(1, 57))


def test_every_article_has_a_kind_summary_and_paragraphs() -> None:
    for article in load_convention().articles:
        assert isinstance(article.kind, ArticleKind)
        assert 20 < len(article.summary) < 700, article.id
        assert article.paragraphs, article.id


def test_every_offence_article_has_offences_with_cited_elements() -> None:
    convention = load_convention()
    for number in range(6, 35):
        article = convention.article(number)
        assert article.kind is ArticleKind.OFFENCE
        assert article.offences
        for offence in article.offences:
            assert offence.elements
            assert all(e.at.startswith(f"art_{number}") for e in offence.elements)
            roles = {e.role.value for e in offence.elements}
            assert "conduct" in roles, offence.id


def test_preservation_exposes_ninety_days_and_renewal_as_data() -> None:
    article = load_convention().article(43)
    (power,) = article.powers
    assert power.parameters["max_duration_days"] == 90
    assert power.parameters["renewable"] is True
    assert power.confidentiality == "art_43__para_3"
    assert any(o.id == "art_43.renewal" for o in article.options)


def test_interception_is_for_serious_offences_and_powers_are_territorial() -> None:
    convention = load_convention()
    powers = {p.id: p for _, p in convention.powers()}
    assert powers["interception"].serious_offences_only
    assert all(p.territorial for p in powers.values())
    assert all(p.subject_to == ("art_41", "art_42") for p in powers.values())


def test_jurisdiction_grounds_mandatory_and_optional() -> None:
    grounds = {g.id: g.mandatory for g in load_convention().article(40).grounds}
    assert grounds["territory"]
    assert grounds["flag_or_registration"]
    assert not grounds["data_of_nationals"]
    assert len(grounds) == 9


def test_reservations_and_may_require_options_are_declared() -> None:
    convention = load_convention()
    reservations = {o.at for _, o in convention.options() if o.kind is OptionKind.RESERVATION}
    for paragraph_id in (
        "art_8__para_2",
        "art_10__para_3",
        "art_17__para_3",
        "art_18__para_4",
        "art_36__para_5",
        "art_41__para_3__point_a",
        "art_41__para_3__point_b",
    ):
        assert paragraph_id in reservations
    may_require = [o for _, o in convention.options() if o.kind is OptionKind.MAY_REQUIRE]
    assert all(o.adds_element is not None for o in may_require)


def test_expression_offences_carry_a_human_rights_flag() -> None:
    flagged = {o.id for _, o in load_convention().offences() if o.human_rights_review}
    assert flagged == {"incitement_to_subversion", "extremism", "genocide_denial", "terrorism"}


def test_interpol_paragraphs_are_addressed_to_interpol() -> None:
    article = load_convention().article(56)
    assert {p.addressee for p in article.paragraphs} == {"interpol"}
    assert all(p.modality is Modality.SHALL for p in article.paragraphs)


def test_budapest_correspondence_and_new_articles() -> None:
    convention = load_convention()
    assert [c.counterpart for c in convention.counterparts(43, "ETS 185")] == ["16"]
    assert [c.counterpart for c in convention.counterparts(6, "ETS 185")] == ["2"]
    assert convention.is_new(21)
    assert convention.is_new(24)
    assert not convention.is_new(18)


def test_references_in_both_directions() -> None:
    convention = load_convention()
    assert "art_44__para_1" in convention.cited_by(43)
    assert "art_43__para_4" in convention.cited_by(41)


def test_unknown_article_names_the_valid_range() -> None:
    with pytest.raises(UnknownProvisionError, match="from 1 to 56"):
        load_convention().article(57)
    assert load_convention().resolve("art_43__para_2").number == 43
    assert load_convention().resolve("Art. 12").number == 12
