"""The node's use cases end to end in process: identity, cases, orders, evidence, audit."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select, update

from tests.service.conftest import PASSWORD, PROFILE, Node, facts
from uncc.adapters.db import schema
from uncc.domain.orders import Command, OrderState, Target
from uncc.domain.policy import Role
from uncc.domain.tracing import Model, Transfer
from uncc.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    RuleViolation,
    UserInputError,
)
from uncc.parties.catalogue import parse_profile
from uncc.services import cases, evidence, evidence_review, identity, orders, proceeds, protection
from uncc.services.admissibility import admissibility
from uncc.services.case_export import export_case
from uncc.services.context import Principal
from uncc.services.orders import DraftRequest

PRESERVE = DraftRequest(
    power="preservation",
    offences=("illegal_access",),
    targets=(Target("designs", "data", "XB"),),
    grounds="the engineer copied the designs from the repository",
    scope="repository access logs, 1-31 May 2026",
    necessity="the logs are kept for 30 days",
    proportionality="only the engineer's account",
    duration_days=90,
)


def open_insider(node: Node) -> str:
    return cases.open_case(node.ctx, node.ivan, facts("insider-company")).id


def test_login_gives_a_token_that_authenticates_and_wrong_passwords_are_audited(node: Node) -> None:
    token = identity.login(node.ctx, "jane", PASSWORD)
    assert identity.authenticate(node.ctx, token) == Principal("jane", frozenset({Role.JUDGE}))
    with pytest.raises(PermissionDeniedError, match="wrong user name or password"):
        identity.login(node.ctx, "jane", "not the password at all")
    with pytest.raises(PermissionDeniedError):
        identity.authenticate(node.ctx, "uncc_forged")
    with node.ctx.engine.connect() as conn:
        stored = conn.execute(select(schema.tokens.c.hash)).scalars().all()
        denied = conn.execute(select(schema.audit).where(schema.audit.c.outcome == "denied")).all()
        hashes = conn.execute(select(schema.users.c.password_hash)).scalars().all()
    assert token not in stored  # tokens are stored hashed
    assert all(h.startswith("$argon2id$") for h in hashes)
    assert len(denied) == 1


def test_only_admins_add_users_and_names_are_checked(node: Node) -> None:
    with pytest.raises(PermissionDeniedError):
        identity.add_user(node.ctx, node.pia, "mallory", {Role.JUDGE}, PASSWORD)
    with pytest.raises(UserInputError, match="at least 12 characters"):
        identity.add_user(node.ctx, node.admin, "newbie", {Role.JUDGE}, "short")
    with pytest.raises(ConflictError):
        identity.add_user(node.ctx, node.admin, "jane", {Role.JUDGE}, PASSWORD)


def test_a_case_keeps_its_facts_and_the_analysis_for_the_node_state(node: Node) -> None:
    case = cases.open_case(node.ctx, node.ivan, facts("insider-company"))
    assert case.id == "XA-C-2026-0001"
    assert case.analysis["states"] == ["XA"]
    assert ("ict_theft", "established") in case.findings("XA")
    assert ("illegal_access", "not_established") in case.findings(
        "XA"
    )  # Northland requires broken security
    with pytest.raises(PermissionDeniedError):
        cases.open_case(node.ctx, node.jane, facts("insider-company"))


def test_preservation_blocked_until_a_judge_authorises_then_issued_renewed_and_expired(
    node: Node,
) -> None:
    case_id = open_insider(node)
    request = DraftRequest(**{**PRESERVE.__dict__, "offences": ("ict_theft",)})
    order = orders.draft_order(node.ctx, node.ivan, case_id, request)
    assert order.requires_authorisation
    assert order.confidential == "art_43__para_3"
    with pytest.raises(RuleViolation) as blocked:
        orders.order_command(node.ctx, node.pia, order.id, Command.ISSUE)
    assert blocked.value.provision == "art_42__para_2"
    with pytest.raises(PermissionDeniedError):
        orders.order_command(node.ctx, node.ivan, order.id, Command.AUTHORISE)
    orders.order_command(node.ctx, node.ivan, order.id, Command.SUBMIT)
    with pytest.raises(PermissionDeniedError):
        orders.order_command(node.ctx, node.pia, order.id, Command.AUTHORISE)
    orders.order_command(node.ctx, node.jane, order.id, Command.AUTHORISE, "grounds are sufficient")
    issued = orders.order_command(node.ctx, node.pia, order.id, Command.ISSUE)
    assert issued.state is OrderState.ISSUED
    assert issued.expires_at == node.clock.now + dt.timedelta(days=90)
    node.clock.advance(80)
    renewed = orders.order_command(node.ctx, node.pia, order.id, Command.RENEW)
    assert renewed.renewals == 1
    node.clock.advance(95)
    assert orders.tick(node.ctx) == []
    node.clock.advance(10)
    expired = orders.tick(node.ctx)
    assert [o.state for o in expired] == [OrderState.EXPIRED]
    assert any("expired" in text for _, text in orders.notices(node.ctx, node.ivan))
    assert [e.command for e in orders.get_order(node.ctx, node.pia, order.id).history] == [
        Command.SUBMIT,
        Command.AUTHORISE,
        Command.ISSUE,
        Command.RENEW,
        Command.EXPIRE,
    ]


def test_refusals_cite_the_provision_and_are_audited(node: Node) -> None:
    case_id = open_insider(node)
    too_long = DraftRequest(
        **{**PRESERVE.__dict__, "offences": ("ict_theft",), "duration_days": 120}
    )
    with pytest.raises(RuleViolation) as info:
        orders.draft_order(node.ctx, node.ivan, case_id, too_long)
    assert info.value.provision == "art_43__para_2"
    no_basis = DraftRequest(**{**PRESERVE.__dict__, "offences": ("illegal_access",)})
    with pytest.raises(RuleViolation, match="not established"):
        orders.draft_order(node.ctx, node.ivan, case_id, no_basis)
    search_abroad = DraftRequest(
        **{
            **PRESERVE.__dict__,
            "power": "search",
            "offences": ("ict_theft",),
            "targets": (Target("repo", "system", "XB"),),
        }
    )
    with pytest.raises(RuleViolation) as abroad:
        orders.draft_order(node.ctx, node.ivan, case_id, search_abroad)
    assert abroad.value.provision == "art_4__para_3"
    with node.ctx.engine.connect() as conn:
        refused = (
            conn.execute(select(schema.audit.c.details).where(schema.audit.c.outcome == "refused"))
            .scalars()
            .all()
        )
    assert [r["provision"] for r in refused] == [
        "art_43__para_2",
        "art_41__para_2",
        "art_4__para_3",
    ]


def test_confidential_orders_are_hidden_from_those_without_need_to_know(node: Node) -> None:
    case_id = open_insider(node)
    order = orders.draft_order(
        node.ctx,
        node.pia,
        case_id,
        DraftRequest(**{**PRESERVE.__dict__, "offences": ("ict_theft",)}),
    )
    assert [o.id for o in orders.list_orders(node.ctx, node.jane)] == [order.id]
    assert orders.list_orders(node.ctx, node.ivan) == []
    with pytest.raises(NotFoundError):
        orders.get_order(node.ctx, node.ivan, order.id)


def test_evidence_ingest_seal_verify_and_every_tampering_is_found(
    node: Node, tmp_path: Path
) -> None:
    case_id = open_insider(node)
    data = b"turbine design v7\n" * 50_000
    seen: list[int] = []
    item = evidence.add_evidence(
        node.ctx,
        node.ivan,
        case_id,
        source=io.BytesIO(data),
        filename="designs.zip",
        acquisition={"tool": "uncc-test", "tool_version": "1", "source": "engineer's laptop"},
        progress=seen.append,
    )
    assert item.size == len(data)
    assert seen[-1] == len(data)
    sealed = evidence.set_sealed(node.ctx, node.pia, item.id, sealed=True, note="pending decision")
    assert sealed.sealed
    with pytest.raises(ConflictError):
        evidence.set_sealed(node.ctx, node.pia, item.id, sealed=True)
    assert evidence.verify_vault(node.ctx, node.aud) == []
    chain = evidence.custody_of(node.ctx, node.jane, item.id)
    assert [e.event.kind.value for e in chain] == ["acquired", "sealed"]
    with pytest.raises(PermissionDeniedError):
        evidence.add_evidence(
            node.ctx, node.aud, case_id, source=io.BytesIO(b"x"), filename="x", acquisition={}
        )

    blob = node.ctx.blobs._path(item.sha256)
    blob.chmod(0o640)
    original = blob.read_bytes()
    blob.write_bytes(b"X" + original[1:])
    assert [b.where for b in evidence.verify_vault(node.ctx, node.aud)] == [f"blob {item.id}"]
    blob.write_bytes(original)

    with node.ctx.engine.begin() as conn:
        leaf = conn.execute(
            select(schema.custody.c.leaf).where(schema.custody.c.seq == 1)
        ).scalar_one()
        conn.execute(
            update(schema.custody)
            .where(schema.custody.c.seq == 1)
            .values(leaf=bytes(leaf).replace(b"pending", b"Pending"))
        )
    found = {b.where for b in evidence.verify_vault(node.ctx, node.aud)}
    assert "entry 1" in found
    assert "checkpoint 1" in found
    with node.ctx.engine.begin() as conn:
        conn.execute(update(schema.custody).where(schema.custody.c.seq == 1).values(leaf=leaf))
        sig = conn.execute(
            select(schema.checkpoints.c.signature).where(schema.checkpoints.c.id == 1)
        ).scalar_one()
        forged = ("0" if sig[0] != "0" else "1") + sig[1:]
        conn.execute(
            update(schema.checkpoints).where(schema.checkpoints.c.id == 1).values(signature=forged)
        )
    key_id = node.ctx.key().key_id
    assert [(b.where, b.problem) for b in evidence.verify_vault(node.ctx, node.aud)] == [
        ("checkpoint 0", f"the signature does not verify with the node's key {key_id}")
    ]


def test_initialising_twice_is_refused(node: Node) -> None:
    with pytest.raises(ConflictError, match="already initialised"):
        identity.init_node(node.ctx, parse_profile(PROFILE), "again", "admin2", PASSWORD)


def test_admissibility_report_and_audit_trail(node: Node) -> None:
    case_id = open_insider(node)
    order = orders.draft_order(
        node.ctx,
        node.ivan,
        case_id,
        DraftRequest(**{**PRESERVE.__dict__, "offences": ("ict_theft",)}),
    )
    orders.order_command(node.ctx, node.ivan, order.id, Command.SUBMIT)
    orders.order_command(node.ctx, node.jane, order.id, Command.AUTHORISE, "sufficient")
    orders.order_command(node.ctx, node.pia, order.id, Command.ISSUE)
    item = evidence.add_evidence(
        node.ctx,
        node.ivan,
        case_id,
        source=io.BytesIO(b"logs"),
        filename="logs.txt",
        acquisition={"tool": "ftk", "tool_version": "8"},
        order_id=order.id,
    )
    report = admissibility(node.ctx, node.jane, item.id)
    assert report["item"]["intact"]
    assert report["checkpoint"]["signature_valid"]
    assert all(e["included"] for e in report["custody"])
    assert [e["command"] for e in report["order"]["history"]] == ["submit", "authorise", "issue"]
    with pytest.raises(PermissionDeniedError):
        cases.audit_trail(node.ctx, node.ivan)
    trail = cases.audit_trail(node.ctx, node.aud)
    assert {"order.authorise", "evidence.add", "evidence.admissibility"} <= {
        e["action"] for e in trail
    }


def test_protected_identities_are_encrypted_pseudonymised_and_disclosure_is_audited(
    node: Node,
) -> None:
    case_id = open_insider(node)
    person = protection.add_protected(
        node.ctx,
        node.ivan,
        case_id,
        kind=protection.ProtectedKind.WITNESS,
        identity={"name": "Ingrid Holm", "whereabouts": "12 Harbour Road"},
        views="fears reprisals",
    )
    assert person.pseudonym == "Witness A"
    with node.ctx.engine.connect() as conn:
        stored = bytes(conn.execute(select(schema.protected.c.identity)).scalar_one())
    assert b"Ingrid" not in stored
    assert [p.pseudonym for p in protection.list_protected(node.ctx, node.aud, case_id)] == [
        "Witness A"
    ]
    with pytest.raises(PermissionDeniedError):
        protection.disclose(node.ctx, node.ivan, person.id, "curious")
    with pytest.raises(UserInputError):
        protection.disclose(node.ctx, node.jane, person.id, "")
    assert (
        protection.disclose(node.ctx, node.jane, person.id, "hearing on 3 April")["name"]
        == "Ingrid Holm"
    )
    outcomes = [
        (e["actor"], e["outcome"])
        for e in cases.audit_trail(node.ctx, node.aud)
        if e["action"] == "protected.disclose"
    ]
    assert outcomes == [("ivan", "denied"), ("jane", "denied"), ("jane", "ok")]


def test_case_export_is_valid_case_uco(node: Node, tmp_path: Path) -> None:
    case_id = open_insider(node)
    order = orders.draft_order(
        node.ctx,
        node.ivan,
        case_id,
        DraftRequest(**{**PRESERVE.__dict__, "offences": ("ict_theft",)}),
    )
    orders.order_command(node.ctx, node.ivan, order.id, Command.SUBMIT)
    orders.order_command(node.ctx, node.jane, order.id, Command.AUTHORISE, "ok")
    orders.order_command(node.ctx, node.pia, order.id, Command.ISSUE)
    item = evidence.add_evidence(
        node.ctx,
        node.ivan,
        case_id,
        source=io.BytesIO(b"abc"),
        filename="a.bin",
        acquisition={"tool": "dd", "tool_version": "9.1"},
        order_id=order.id,
    )
    evidence_review.tag(node.ctx, node.pia, item.id, "exhibit 1")
    evidence_review.annotate(node.ctx, node.jane, item.id, "the first three bytes are the key")
    cases.add_note(node.ctx, node.ivan, case_id, "the engineer's laptop was imaged on site")
    protection.add_protected(
        node.ctx,
        node.pia,
        case_id,
        kind=protection.ProtectedKind.VICTIM,
        identity={"name": "Ingrid Holm"},
        views="fears retaliation at work",
        claims=[{"claim": "18400 EUR lost designs"}],
        measures="identity withheld from the defence until trial",
    )
    document = export_case(node.ctx, node.jane, case_id)
    assert export_case(node.ctx, node.jane, case_id) == document  # stable IRIs
    said = {
        (n["core:tag"][0], n["core:statement"])
        for n in document["@graph"]
        if n["@type"] == "core:Annotation"
    }
    assert said == {
        ("case note", "the engineer's laptop was imaged on site"),
        ("views", "fears retaliation at work"),
        ("claim", "18400 EUR lost designs"),
        ("measures", "identity withheld from the defence until trial"),
        ("evidence tags", "tags: exhibit 1"),
        ("evidence annotation", "the first three bytes are the key"),
    }
    assert "Victim A" in json.dumps(document)
    assert "Ingrid Holm" not in json.dumps(document)
    path = tmp_path / "case.jsonld"
    path.write_text(json.dumps(document), encoding="utf-8")
    validate = shutil.which("case_validate", path=str(Path(sys.executable).parent))
    assert validate is not None
    result = subprocess.run(
        [validate, "--built-version", "case-1.4.0", str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert "Conforms: True" in result.stdout, result.stdout + result.stderr
    assert result.returncode == 0


def test_traced_proceeds_are_registered_and_a_freezing_order_acts_on_them(node: Node) -> None:
    case_id = open_insider(node)
    ledger = [
        Transfer("t1", None, "acct-1", Decimal(100), tainted=True),
        Transfer("t2", "acct-1", "acct-2", Decimal(60)),
    ]
    items, problems = proceeds.register_traced(
        node.ctx,
        node.ivan,
        case_id,
        transfers=ledger,
        model=Model.FIFO,
        basis="ict_theft",
        locations={"acct-1": "XA", "acct-2": "XB"},
    )
    assert problems == []
    assert [(i.account, i.assessed, i.location) for i in items] == [
        ("acct-1", Decimal(40), "XA"),
        ("acct-2", Decimal(60), "XB"),
    ]
    with pytest.raises(UserInputError, match="upper bound"):
        proceeds.register_traced(
            node.ctx,
            node.ivan,
            case_id,
            transfers=ledger,
            model=Model.POISON,
            basis="ict_theft",
            locations={},
        )
    freeze = DraftRequest(
        "freezing", ("ict_theft",), (Target(items[1].id, "property", None),), "g", "s", "n", "p"
    )
    with pytest.raises(RuleViolation) as abroad:
        orders.draft_order(node.ctx, node.pia, case_id, freeze)
    assert abroad.value.provision == "art_4__para_3"
    with pytest.raises(RuleViolation) as unknown:
        orders.draft_order(
            node.ctx,
            node.pia,
            case_id,
            DraftRequest(**{**freeze.__dict__, "targets": (Target("PR-0000", "property", None),)}),
        )
    assert unknown.value.provision == "art_50__para_2"
    order = orders.draft_order(
        node.ctx,
        node.pia,
        case_id,
        DraftRequest(**{**freeze.__dict__, "targets": (Target(items[0].id, "property", None),)}),
    )
    orders.order_command(node.ctx, node.pia, order.id, Command.ISSUE)
    assert [(i.id, i.status) for i in proceeds.list_property(node.ctx, node.jane, case_id)] == [
        (items[0].id, "frozen"),
        (items[1].id, "traced"),
    ]


def test_intermingled_converted_and_income_property_is_registered(node: Node) -> None:
    case_id = open_insider(node)
    ledger = [
        Transfer("t0", None, "acct-1", Decimal(50)),
        Transfer("t1", None, "acct-1", Decimal(100), tainted=True),
    ]
    (mixed,), _ = proceeds.register_traced(
        node.ctx,
        node.ivan,
        case_id,
        transfers=ledger,
        model=Model.FIFO,
        basis="ict_theft",
        locations={},
    )
    assert (mixed.kind, mixed.assessed, mixed.held) == ("intermingled", Decimal(100), Decimal(150))
    car = proceeds.register_derived(
        node.ctx,
        node.ivan,
        case_id,
        proceeds.Derivation("converted", mixed.id, "car", Decimal(130), "XA"),
    )
    assert (car.kind, car.assessed, car.held, car.derived_from) == (
        "converted",
        Decimal(100),
        Decimal(130),
        mixed.id,
    )
    rent = proceeds.register_derived(
        node.ctx,
        node.ivan,
        case_id,
        proceeds.Derivation("income", car.id, "rent", Decimal(7), None),
    )
    assert (rent.assessed, rent.derived_from) == (Decimal(7), car.id)
    statuses = {i.id: i.status for i in proceeds.list_property(node.ctx, node.jane, case_id)}
    assert statuses == {mixed.id: "converted", car.id: "traced", rent.id: "traced"}
    with pytest.raises(UserInputError, match="already converted"):
        proceeds.register_derived(
            node.ctx,
            node.ivan,
            case_id,
            proceeds.Derivation("converted", mixed.id, "boat", Decimal(1), None),
        )
    with pytest.raises(UserInputError, match="expected one of"):
        proceeds.register_derived(
            node.ctx, node.ivan, case_id, proceeds.Derivation("gift", car.id, "x", Decimal(1), None)
        )
    with pytest.raises(NotFoundError):
        proceeds.register_derived(
            node.ctx,
            node.ivan,
            case_id,
            proceeds.Derivation("income", "PR-9", "x", Decimal(1), None),
        )
    with pytest.raises(PermissionDeniedError):
        proceeds.register_derived(
            node.ctx,
            node.jane,
            case_id,
            proceeds.Derivation("income", car.id, "x", Decimal(1), None),
        )


def test_concurrent_drafts_get_distinct_ids_and_none_fails(node: Node) -> None:
    from concurrent.futures import ThreadPoolExecutor  # noqa: PLC0415

    case_id = open_insider(node)
    request = DraftRequest(
        "production_of_data", ("ict_theft",), (Target("designs", "data", "XB"),), "g", "s", "n", "p"
    )
    with ThreadPoolExecutor(max_workers=8) as pool:
        drafted = list(
            pool.map(lambda _: orders.draft_order(node.ctx, node.pia, case_id, request), range(24))
        )
    assert len({o.id for o in drafted}) == 24
