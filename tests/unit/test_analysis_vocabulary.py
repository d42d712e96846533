"""The facts vocabulary and the reading rules cover the Convention model exactly."""

from __future__ import annotations

from uncc.analysis.rules.elements import CIRCUMSTANCES, PERSON_KINDS
from uncc.analysis.rules.objects import DERIVED_KINDS
from uncc.analysis.vocabulary import (
    Conduct,
    DataKind,
    ItemKind,
    MentalState,
    PersonKind,
    Purpose,
    ResultKind,
)
from uncc.convention.catalogue import load_convention
from uncc.convention.model import Element, ElementRole

CONVENTION = load_convention()
OTHER_OBJECTS = {
    "computer_system",
    "computer_data",
    "data_in_system",
    "proceeds",
    *PERSON_KINDS,
    *DERIVED_KINDS,
}


def _elements() -> list[Element]:
    found = [e for _, o in CONVENTION.offences() for e in o.elements]
    found += [o.adds_element for _, o in CONVENTION.options() if o.adds_element is not None]
    return found


def _values(role: ElementRole) -> set[str]:
    return {v for e in _elements() if e.role is role for v in e.any_of}


def test_every_conduct_of_the_offences_is_in_the_vocabulary_and_nothing_else() -> None:
    assert _values(ElementRole.CONDUCT) == {c.value for c in Conduct}


def test_every_purpose_of_the_offences_is_in_the_vocabulary_and_nothing_else() -> None:
    assert _values(ElementRole.PURPOSE) == {p.value for p in Purpose}


def test_every_object_kind_is_a_data_kind_an_item_kind_or_a_known_kind() -> None:
    known = {k.value for k in DataKind} | {k.value for k in ItemKind} | OTHER_OBJECTS
    assert _values(ElementRole.OBJECT) <= known


def test_mental_elements_name_mental_states() -> None:
    assert _values(ElementRole.MENTAL) <= {m.value for m in MentalState}


def test_every_named_circumstance_and_result_has_a_reading() -> None:
    results = {r.value for r in ResultKind}
    for element in _elements():
        key = element.id.rsplit(".", 1)[-1]
        if element.role is ElementRole.RESULT:
            assert key in results, element.id
        elif element.role is ElementRole.CIRCUMSTANCE:
            assert key in CIRCUMSTANCES, element.id
        elif element.role is ElementRole.MENTAL and key != "mental":
            # read from a registered fact, or from the act's mental_states under its key
            assert key in CIRCUMSTANCES or element.any_of, element.id


def test_every_purpose_and_object_element_says_what_it_reads() -> None:
    for element in _elements():
        if element.role in (ElementRole.PURPOSE, ElementRole.OBJECT, ElementRole.CONDUCT):
            assert element.any_of, f"{element.id} has no vocabulary"


def test_a_term_of_the_vocabulary_compares_and_hashes_as_its_word() -> None:
    # The rules compare facts' terms with the Convention's words (``conduct in
    # element.any_of``, ``kind == "natural"``, a look-up by conduct) without ``.value``.
    for vocabulary in (Conduct, DataKind, ItemKind, MentalState, Purpose, ResultKind, PersonKind):
        for term in vocabulary:
            word = str(term.value)
            assert term == word
            assert hash(term) == hash(word)
            assert term in (word,)
            assert term in frozenset({word})
            assert {word: 1}.get(term) == 1
            assert term not in (f"{word}_", "")
