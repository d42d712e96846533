"""The rules of joint investigation teams that need no key (domain/jit.py): the agreement's
coherence, the shape of entries, membership, period, each author's chain, use limits."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import ValidationError

from uncc.domain.jit import (
    LogEntry,
    SharedItem,
    TeamAgreement,
    check_entry,
    digest,
    signed_bytes,
)
from uncc.errors import ConflictError, PermissionDeniedError, UserInputError

AT = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)
AGREEMENT: dict[str, Any] = {
    "team": "XC-JIT-2026-0001",
    "name": "Hospital ransomware",
    "purpose": "identify the operators",
    "members": ["XC", "XA", "XB"],
    "uses": ["investigation", "prosecution"],
    "starts": "2026-05-01",
    "ends": "2026-12-31",
    "proposer": "XC",
}
TEAM = TeamAgreement.model_validate(AGREEMENT)


def entry(**fields: Any) -> LogEntry:
    values: dict[str, Any] = {
        "team": TEAM.team,
        "author": "XA",
        "seq": 1,
        "at": AT,
        "kind": "decision",
        "text": "t",
    }
    return LogEntry.model_validate(values | fields)


ITEM = entry(author="XC", kind="item", item=SharedItem(reference="E-1", uses=["investigation"]))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"members": ["XC", "XA", "XA"]}, "a State is named twice"),
        ({"proposer": "XD"}, "the proposing State must be a member"),
        ({"ends": "2026-04-01"}, "cannot end before it starts"),
        ({"team": "XA-JIT-2026-0001"}, "begins with the proposing State's code"),
        ({"members": ["XC"]}, "at least 2"),
        ({"uses": ["Not A Use"]}, "String should match pattern"),
    ],
)
def test_an_incoherent_agreement_is_refused(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        TeamAgreement.model_validate(AGREEMENT | changes)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "item"}, "an item entry gives an item"),
        ({"kind": "use", "use": "investigation"}, "a use entry names the item entry"),
        ({"seq": 2}, "every later entry names it"),
        ({"prev": "0" * 64}, "the first entry has no previous one"),
        ({"to_state": "XD"}, "only a use entry passes an item on"),
    ],
)
def test_a_misshapen_entry_is_refused(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        entry(**fields)


def test_what_is_signed_names_the_kind_and_changes_with_any_field() -> None:
    assert signed_bytes(TEAM).startswith(b"uncc-jit-agreement/1\n")
    assert signed_bytes(ITEM).startswith(b"uncc-jit-entry/1\n")
    assert digest(entry()) != digest(entry(text="u"))


def test_membership_period_and_chain() -> None:
    check_entry(TEAM, entry(), previous=None, items={})
    with pytest.raises(PermissionDeniedError, match="XD is not a member"):
        check_entry(TEAM, entry(author="XD"), previous=None, items={})
    with pytest.raises(UserInputError, match="at: team XC-JIT-2026-0001 runs from"):
        check_entry(TEAM, entry(at=AT.replace(year=2027)), previous=None, items={})
    first = entry()
    second = entry(seq=2, prev=digest(first))
    check_entry(TEAM, second, previous=first, items={})
    with pytest.raises(ConflictError, match="does not follow"):
        check_entry(TEAM, entry(seq=2, prev="0" * 64), previous=first, items={})
    with pytest.raises(ConflictError, match="does not follow"):
        check_entry(TEAM, first, previous=first, items={})  # a replay


def test_uses_stay_within_the_agreement_and_the_items_limits() -> None:
    items = {digest(ITEM): ITEM}
    beyond = entry(kind="item", item=SharedItem(reference="A-1", uses=["intelligence"]))
    with pytest.raises(UserInputError, match=r"item\.uses: intelligence beyond"):
        check_entry(TEAM, beyond, previous=None, items=items)
    use = {"kind": "use", "refers_to": digest(ITEM)}
    check_entry(TEAM, entry(**use, use="investigation"), previous=None, items=items)
    with pytest.raises(UserInputError, match="'prosecution' is beyond the uses XC allowed"):
        check_entry(TEAM, entry(**use, use="prosecution"), previous=None, items=items)
    with pytest.raises(UserInputError, match="refers_to: no item entry"):
        check_entry(TEAM, entry(**use, use="investigation"), previous=None, items={})
    onward = entry(**use, use="investigation", to_state="XD")
    with pytest.raises(UserInputError, match="to_state: XD is not a member"):
        check_entry(TEAM, onward, previous=None, items=items)
    allowed = TeamAgreement.model_validate(AGREEMENT | {"onward_transfer": True})
    check_entry(allowed, onward, previous=None, items=items)
    check_entry(TEAM, entry(**use, use="investigation", to_state="XB"), previous=None, items=items)
