"""State Party profiles: built-ins, validation against the law, and gaps."""

from __future__ import annotations

from pathlib import Path

import pytest

from uncc.convention.catalogue import load_convention
from uncc.errors import ProfileError
from uncc.parties.catalogue import builtin_profile, parse_profile, strict_options
from uncc.parties.gaps import gaps

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "profiles"


def test_baseline_takes_nothing() -> None:
    baseline = builtin_profile("baseline")
    assert baseline.options == []
    assert baseline.grounds == []


def test_strict_takes_every_option_reservation_and_ground() -> None:
    strict = builtin_profile("strict")
    wanted = strict_options(load_convention())
    assert sorted(strict.options) == wanted["options"]
    assert sorted(strict.grounds) == wanted["grounds"]


def test_an_unknown_builtin_name_lists_the_builtins() -> None:
    with pytest.raises(ProfileError, match="built-in: baseline, strict"):
        builtin_profile("lenient")


def test_unknown_ids_are_listed_with_a_suggestion() -> None:
    text = "uncc: profile/1\nname: t\nstate: XA\noptions: [art_6.security_measure]\nserious_offences: [ilegal_access]\n"
    with pytest.raises(ProfileError) as info:
        parse_profile(text, "p.yaml")
    assert info.value.problems == [
        "options[0]: 'art_6.security_measure' is not an option or reservation id; did you mean 'art_6.security_measures'?",
        "serious_offences[0]: 'ilegal_access' is not an offence id; did you mean 'illegal_access'?",
    ]


def test_the_age_limit_cannot_go_below_sixteen() -> None:
    with pytest.raises(ProfileError, match="minor_age"):
        parse_profile("uncc: profile/1\nname: t\nminor_age: 14\n")


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_example_profiles_are_valid_and_fictional(path: Path) -> None:
    profile = parse_profile(path.read_text(encoding="utf-8"), path.name)
    assert profile.fictional
    assert profile.state is not None


def test_gaps_list_articles_not_implemented() -> None:
    profile = parse_profile((EXAMPLES / "xa-northland.yaml").read_text(encoding="utf-8"))
    found = {g.article: g for g in gaps(profile, load_convention())}
    assert 6 not in found  # implemented
    assert found[10].status == "partly"
    assert found[10].provision == "Northland Penal Code s. 105"
    assert found[13].status == "not mapped"
    assert 1 not in found  # nothing to legislate
    assert 56 not in found


def test_a_profile_with_everything_implemented_has_no_gaps() -> None:
    convention = load_convention()
    baseline = builtin_profile("baseline")
    every = {a.number: {"status": "implemented"} for a in convention.articles}
    profile = baseline.model_validate({**baseline.model_dump(), "implementation": every})
    assert gaps(profile, convention) == []
