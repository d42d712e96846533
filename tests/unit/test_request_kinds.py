"""The request kinds are data: each one known to the messages, its powers and provisions to the model."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from uncc.convention.catalogue import load_convention
from uncc.domain import cooperation
from uncc.domain.conversations import ANSWERS, MEASURES
from uncc.domain.message_parts import Urgency
from uncc.domain.messages import REGISTRY, REQUESTS, Refusal, RefusalReason
from uncc.domain.service_levels import deadlines
from uncc.entrypoints.cli.requests import request_app

DOCS = Path(__file__).resolve().parents[2] / "docs/network.md"


def test_every_request_kind_is_described_in_the_data_and_its_powers_exist() -> None:
    kinds = cooperation.kinds()
    assert set(kinds) == REQUESTS
    model = load_convention()
    powers = {p.id for _, p in model.powers()}
    ids = model.ids()
    for name, kind in kinds.items():
        assert (name, 1) in REGISTRY
        assert kind.powers <= powers, name
        for provision in kind.provisions:
            assert provision in ids or provision.startswith("CETS 224"), (name, provision)
        if kind.powers:
            assert MEASURES[name] == kind.powers
            assert "execution_result" in ANSWERS[name]


def test_every_refusal_code_has_its_provision_in_the_data() -> None:
    grounds = cooperation.refusal_grounds()
    assert {r.value for r in RefusalReason} == set(grounds)
    ids = load_convention().ids()
    for code, ground in grounds.items():
        if ground.provision and ground.provision.startswith("art_"):
            assert ground.provision in ids, code
    for provision in cooperation._data().suggestions:
        assert provision in ids, provision
        assert cooperation.suggested_refusal(provision) is not None, provision
    refusal = Refusal.model_validate({"reason": "human_rights", "detail": "risk of torture"})
    assert refusal.provision == "art_5__para_1"


def test_service_levels_come_from_the_data_per_kind() -> None:
    import datetime as dt  # noqa: PLC0415

    start = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    search = cooperation.kind("search_seizure_request")
    assert search is not None
    due = deadlines(Urgency.URGENT, start, "search_seizure_request")
    assert due.answer_by - start == search.level(Urgency.URGENT).answer
    assert deadlines(Urgency.URGENT, start).answer_by - start == dt.timedelta(hours=72)


def test_the_docs_and_the_cli_list_every_request_kind() -> None:
    text = DOCS.read_text(encoding="utf-8")
    listed = CliRunner().invoke(request_app, ["kinds"])
    assert listed.exit_code == 0, listed.output
    for name in cooperation.kinds():
        assert f"`{name}`" in text, f"docs/network.md does not describe {name}"
        assert name in listed.output
