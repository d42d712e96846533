"""The role × action policy, every pair."""

from __future__ import annotations

import pytest

from uncc.domain.policy import POLICY, Action, Role, allowed, require
from uncc.errors import PermissionDeniedError

EXPECTED_ALLOWED = {
    (Role.JUDGE, Action.ORDER_AUTHORISE),
    (Role.PROSECUTOR, Action.ORDER_ISSUE),
    (Role.INVESTIGATOR, Action.EVIDENCE_ADD),
    (Role.AUDITOR, Action.AUDIT_READ),
    (Role.ADMIN, Action.USER_MANAGE),
}
EXPECTED_DENIED = {
    (Role.INVESTIGATOR, Action.ORDER_AUTHORISE),
    (Role.PROSECUTOR, Action.ORDER_AUTHORISE),
    (Role.JUDGE, Action.ORDER_ISSUE),
    (Role.AUDITOR, Action.EVIDENCE_ADD),
    (Role.ADMIN, Action.CASE_READ),
    (Role.INVESTIGATOR, Action.ORDER_READ_CONFIDENTIAL),
    (Role.CONTACT_POINT, Action.EVIDENCE_READ),
    (Role.AUDITOR, Action.EVIDENCE_CONTENT),
    (Role.AUDITOR, Action.EVIDENCE_ANNOTATE),
}


def test_every_action_has_a_rule() -> None:
    assert set(POLICY) == set(Action)


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", list(Action))
def test_require_matches_the_table(role: Role, action: Action) -> None:
    if role in POLICY[action]:
        require({role}, action)
    else:
        with pytest.raises(PermissionDeniedError, match=f"may not {action.value}"):
            require({role}, action)


def test_key_decisions() -> None:
    for pair in EXPECTED_ALLOWED:
        assert allowed(*pair), pair
    for pair in EXPECTED_DENIED:
        assert not allowed(*pair), pair


def test_no_role_allows_nothing() -> None:
    with pytest.raises(PermissionDeniedError, match="no role may"):
        require(set(), Action.CASE_READ)
