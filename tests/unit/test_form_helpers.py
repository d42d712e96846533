"""States named by people, and validation problems turned into field errors in plain words."""

from __future__ import annotations

import pytest

from uncc.domain.messages import problems
from uncc.domain.state_names import StateChoice, merged, resolve
from uncc.entrypoints.web.field_errors import field_errors, plain
from uncc.errors import UserInputError

CHOICES = merged(
    [
        StateChoice("XA", "Northland (fictional)", ("Northland National Cybercrime Unit",)),
        StateChoice("XB", "Southland (fictional)", ("Southland Police Cyber Crime Centre",)),
        StateChoice("XC", "Eastland (fictional)", ("Eastland National Cyber Unit",)),
    ]
)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("XC", "XC"),
        ("xc", "XC"),
        ("Eastland", "XC"),
        ("eastland (fictional)", "XC"),
        ("Southland Police Cyber Crime Centre", "XB"),
        ("police", "XB"),
        ("DE", "DE"),  # a State outside the network, by its code
        ("  ", None),
    ],
)
def test_a_state_is_found_by_code_or_name(typed: str, code: str | None) -> None:
    assert resolve(typed, CHOICES, "to") == code


def test_an_unknown_or_ambiguous_name_is_refused_with_the_choices() -> None:
    with pytest.raises(
        UserInputError, match=r"^to: 'Atlantis' is not a State we know; .*XC — Eastland"
    ):
        resolve("Atlantis", CHOICES, "to")
    with pytest.raises(UserInputError, match=r"^to: 'national' could be XA or XC; choose one"):
        resolve("national", CHOICES, "to")


def test_merged_keeps_one_choice_per_code_with_the_other_names() -> None:
    both = merged([StateChoice("XA", "Northland"), StateChoice("XA", "Northland NCU")])
    assert both == [StateChoice("XA", "Northland", ("Northland NCU",))]


def test_facts_paths_go_to_the_guided_fields_in_plain_words() -> None:
    found = field_errors(
        [
            "acts[0].effects_in[0]: 'EASTLAND' is not a State code (two capital letters, ISO 3166-1, e.g. DE)",
            "acts[0].when: Input should be a valid date or datetime, input is too short (got 'x')",
            "weather: unknown field",
        ],
        {r"acts\.0\.effects_in": "system_state", r"acts\.0\.when": "when"},
    )
    assert found == {
        "system_state": "'EASTLAND' is not a State: choose one from the list (or type its two-letter code)",
        "when": "not a date: write it like 2026-03-02 or 2026-03-02T01:14:00Z",
        "form": "weather: unknown field",
    }


def test_message_problems_go_next_to_the_compose_fields() -> None:
    body = {"data": [{"description": "logs"}], "contact": {"name": "desk"}, "preserve_days": 200}
    found = field_errors(
        problems("preservation_request", 1, body),
        {r"contact\.(name|phone|email)": r"contact_\1", "contact": "contact_phone"},
        ["data", "preserve_days", "custodian", "formal_request_to_follow"],
    )
    assert found["data"] == "line 1, link to offence: required"
    assert found["preserve_days"] == "at most 90"
    assert found["contact_phone"] == "give a phone number or an e-mail address"
    assert found["formal_request_to_follow"] == "required"
    assert "requesting authority: required" in found["form"]  # a field the form lacks: on top


def test_a_sentence_stays_as_it_is() -> None:
    assert plain("the order must state its grounds") == "the order must state its grounds"
    assert plain("Input should be True") == "tick this box to confirm it"


def test_a_rule_over_the_whole_request_goes_to_the_field_it_names() -> None:
    found = field_errors(
        [
            "body: Value error, preservation is provisional: state that a formal request "
            "will follow (formal_request_to_follow: true)"
        ],
        {},
        ["formal_request_to_follow", "data"],
    )
    assert found == {
        "formal_request_to_follow": "preservation is provisional: state that a formal request will follow"
    }
