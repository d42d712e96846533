"""Globally unique references: the State code in every id, old ids still found (issue 19 item 4)."""

from __future__ import annotations

from uncc.domain.references import claims_other_state, reference, stored_forms


def test_a_reference_carries_the_state_code() -> None:
    assert reference("XA", "C", 2026, 1) == "XA-C-2026-0001"
    assert reference("XB", "R", 2026, 12345) == "XB-R-2026-12345"
    assert reference(None, "O", 2026, 7) == "O-2026-0007"  # a node not yet initialised


def test_both_forms_find_the_same_record() -> None:
    assert stored_forms("XA-C-2026-0001", "XA") == ("XA-C-2026-0001", "C-2026-0001")
    assert stored_forms("C-2026-0001", "XA") == ("C-2026-0001", "XA-C-2026-0001")
    assert stored_forms("XB-C-2026-0001", "XA") == ("XB-C-2026-0001",)  # not ours: exact only
    assert stored_forms("a1b2c3d4-0000", "XA") == ("a1b2c3d4-0000",)


def test_a_conversation_may_only_claim_its_senders_code() -> None:
    assert claims_other_state("XA-R-2026-0001", "XA") is None
    assert claims_other_state("XA-R-2026-0001", "XB") == "XA"
    assert claims_other_state("9f1c2e0a-7c55-4a4e-9d3b-0d1f5a2b9e11", "XB") is None
    assert claims_other_state("R-2026-0001", "XB") is None


def test_only_a_team_message_may_be_first_to_use_another_states_team_id() -> None:
    """A request id of another State is never the sender's to use first, whatever the
    message kind; a team message may carry the proposer's team id."""
    import datetime as dt  # noqa: PLC0415

    import pytest  # noqa: PLC0415

    from uncc.domain.conversations import Seen, check_binding  # noqa: PLC0415
    from uncc.domain.envelope import Envelope, EnvelopeError, Rejection  # noqa: PLC0415

    now = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)

    def envelope(kind: str, conversation: str) -> Envelope:
        return Envelope(
            type=kind,
            sender="XB",
            recipient="XC",
            body={},
            created=now,
            expires=now + dt.timedelta(days=1),
            conversation=conversation,
        )

    for kind in ("jit_entry", "consultation", "assistance_request"):
        with pytest.raises(EnvelopeError) as refused:
            check_binding(envelope(kind, "XA-R-2026-0002"), Seen())
        assert refused.value.reason is Rejection.NOT_A_PARTY
    check_binding(envelope("jit_entry", "XA-JIT-2026-0001"), Seen())  # the proposer's team id
    check_binding(envelope("consultation", "XB-R-2026-0002"), Seen())  # its own reference
    check_binding(envelope("consultation", "XA-R-2026-0002"), Seen(peer="XB"))  # known here
