"""Which moves a user can make on an order now, and why not: one answer for every face."""

from __future__ import annotations

import pytest

from tests.unit.test_orders import NOW, SETTINGS, law, order
from uncc.domain.order_moves import Move, check_reason, moves
from uncc.domain.orders import TRANSITIONS, Command, OrderState
from uncc.domain.policy import Role
from uncc.errors import UserInputError


def by_command(found: list[Move]) -> dict[str, Move]:
    return {m.command.value: m for m in found}


def test_a_draft_that_needs_a_judge_offers_no_issue_and_says_why() -> None:
    needs_judge = order(requires_authorisation=SETTINGS.of("preservation").judge)
    found = by_command(moves(needs_judge, {Role.PROSECUTOR}, SETTINGS, NOW))
    assert set(found) == {"submit", "issue", "revoke"}  # the draft's moves in the table
    assert found["submit"].possible
    assert found["revoke"].possible
    assert found["revoke"].needs_reason
    issue = found["issue"]
    assert not issue.possible
    assert "requires a judge to authorise" in issue.why_not
    assert issue.provision == "art_42__para_2"


def test_without_a_judge_the_prosecutor_may_issue_a_draft() -> None:
    free = law(judicial_authorisation=[])
    found = by_command(moves(order(), {Role.PROSECUTOR}, free, NOW))
    assert found["issue"].possible


def test_the_roles_of_the_policy_are_named_for_a_move_the_user_may_not_make() -> None:
    submitted = order(state=OrderState.SUBMITTED)
    found = by_command(moves(submitted, {Role.INVESTIGATOR}, SETTINGS, NOW))
    assert found["authorise"].why_not == "only a judge may authorise an order"
    assert found["refuse"].why_not == "only a judge may refuse an order"
    assert found["revoke"].why_not == "only a judge or prosecutor may revoke an order"
    assert not any(m.possible for m in found.values())
    judge = by_command(moves(submitted, {Role.JUDGE}, SETTINGS, NOW))
    assert judge["authorise"].possible
    assert judge["refuse"].possible
    assert judge["refuse"].needs_reason
    assert judge["refuse"].irreversible
    assert not judge["authorise"].needs_reason
    assert not judge["authorise"].irreversible


def test_a_renewal_past_the_limit_is_listed_with_its_provision() -> None:
    issued = order(
        state=OrderState.ISSUED,
        issued_at=NOW,
        expires_at=NOW.replace(day=29),
        renewals=5,
    )
    renew = by_command(
        moves(issued, {Role.PROSECUTOR}, law(orders={"preservation": {"max_renewals": 1}}), NOW)
    )["renew"]
    assert not renew.possible
    assert "renewed at most 1 times" in renew.why_not
    assert renew.provision


def test_final_orders_and_the_clock_offer_nothing() -> None:
    for state in (OrderState.REVOKED, OrderState.REFUSED, OrderState.EXECUTED, OrderState.EXPIRED):
        assert moves(order(state=state), set(Role), SETTINGS, NOW) == []
    issued = order(state=OrderState.ISSUED, issued_at=NOW, expires_at=NOW.replace(day=29))
    assert "expire" not in by_command(moves(issued, set(Role), SETTINGS, NOW))


@pytest.mark.parametrize("power", sorted(TRANSITIONS))
@pytest.mark.parametrize("state", list(OrderState))
def test_the_moves_are_the_tables_moves_from_the_state(power: str, state: OrderState) -> None:
    found = moves(order(power, state=state), set(Role), SETTINGS, NOW)
    expected = {
        (c, to)
        for (s, c), to in TRANSITIONS[power].items()
        if s is state and c is not Command.EXPIRE
    }
    assert {(m.command, m.to) for m in found} == expected


@pytest.mark.parametrize("command", [Command.REFUSE, Command.REVOKE])
def test_a_refusal_or_revocation_needs_its_reason(command: Command) -> None:
    with pytest.raises(UserInputError, match=r"^reason: a re.* must state its reasons"):
        check_reason(command, "  ")
    check_reason(command, "the grounds are not made out")
    check_reason(Command.SUBMIT, "")


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (
            ["order", "revoke", "XA-O-2026-0001"],
            "--reason: say why you revoke the order, e.g. uncc order revoke",
        ),
        (["order", "refuse", "XA-O-2026-0001", "--note", " "], "say why you refuse the order"),
        (["protect", "disclose", "XA-P-2026-0001"], "--reason: say why the identity is needed"),
    ],
    ids=["revoke", "refuse-blank-note", "disclose"],
)
def test_the_cli_asks_for_the_reason_in_one_line(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    said: str,
) -> None:
    import sys  # noqa: PLC0415

    from uncc.entrypoints.cli.main import run  # noqa: PLC0415

    monkeypatch.setattr(sys, "argv", ["uncc", *argv])
    with pytest.raises(SystemExit) as stopped:
        run()
    assert stopped.value.code != 0
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    assert said in err
