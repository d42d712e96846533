"""The need-to-know rule and its redactions, without a node."""

from __future__ import annotations

from uncc.domain.policy import Role
from uncc.services.context import Principal
from uncc.services.need_to_know import WITHHELD, Hidden, may_see_order


def test_who_may_see_a_confidential_order() -> None:
    def sees(user: str, role: Role, author: str = "ines") -> bool:
        who = Principal(user, frozenset({role}))
        return may_see_order(who, confidential="art_43__para_3", created_by=author)

    assert [r.value for r in Role if sees("someone", r)] == ["prosecutor", "judge"]
    assert sees("ines", Role.INVESTIGATOR)  # the author
    assert not sees("ivan", Role.INVESTIGATOR)
    assert may_see_order(
        Principal("aud", frozenset({Role.AUDITOR})), confidential=None, created_by="ines"
    )


def test_ids_are_matched_whole() -> None:
    hidden = Hidden(["O-2026-1000"])
    assert hidden.mentions("order O-2026-1000 expired")
    assert hidden.mentions({"details": ["O-2026-1000"]})
    assert not hidden.mentions("order O-2026-10000 expired")
    assert not hidden.mentions("XO-2026-1000")
    assert hidden.text("O-2026-1000, O-2026-10000") == "(a confidential order), O-2026-10000"
    assert hidden.redact({"a": ["O-2026-1000"], "n": 3}) == {
        "a": ["(a confidential order)"],
        "n": 3,
    }
    assert hidden.details({"order": "O-2026-1000", "to": "XB"}) == {"order": WITHHELD, "to": "XB"}
    entry = {"seq": 4, "actor": "pia", "object": "O-2026-1000", "details": {"power": "x"}}
    assert hidden.audit_entry(entry) == {**entry, "object": WITHHELD, "details": {}}
    assert Hidden([]).audit_entry(entry) == entry
    assert Hidden([]).text("O-2026-1000") == "O-2026-1000"
