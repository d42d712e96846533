"""The rule of an order's link to the request it answers (``domain.order_links``)."""

from __future__ import annotations

import pytest

from uncc.domain.order_links import Received, link_refusal, may_see_requests
from uncc.domain.policy import POLICY, Action, Role

IN = Received("5b1c", "in", "XB", None)


def test_a_request_received_here_without_a_case_yet_or_in_the_same_case_may_be_answered() -> None:
    assert link_refusal("5b1c", IN, "XA-C-2026-0001") is None
    taken_up = Received("5b1c", "in", "XB", "XA-C-2026-0001")
    assert link_refusal("5b1c", taken_up, "XA-C-2026-0001") is None


@pytest.mark.parametrize(
    ("found", "words"),
    [
        (None, "request: no request '5b1c' was received here"),
        (
            Received("5b1c", "out", "XC", "XA-C-2026-0001"),
            "request: 5b1c is our request to XC, not one received here",
        ),
        (
            Received("5b1c", "in", "XB", "XA-C-2026-0009"),
            "request: 5b1c was taken up in case XA-C-2026-0009, not in case XA-C-2026-0001",
        ),
    ],
)
def test_unknown_sent_or_another_cases_requests_are_refused_naming_the_field(
    found: Received | None, words: str
) -> None:
    refusal = link_refusal("5b1c", found, "XA-C-2026-0001")
    assert refusal is not None
    assert refusal.startswith(words)


def test_an_unknown_id_is_quoted_and_cut_short() -> None:
    refusal = link_refusal("x" * 500 + "'; drop", None, "XA-C-2026-0001")
    assert refusal is not None
    assert len(refusal) < 150


@pytest.mark.parametrize("role", list(Role))
def test_only_the_roles_that_read_requests_see_which_request_an_order_answers(role: Role) -> None:
    assert may_see_requests({role}) is (role in POLICY[Action.NETWORK_READ])
    # the judge reads orders but not requests: the link is withheld from her
    if role is Role.JUDGE:
        assert not may_see_requests({role})
    assert may_see_requests({role, Role.CONTACT_POINT})
