"""Schemathesis against the node's OpenAPI document: every answer conforms to the contract.

No input makes the API answer 5xx, and every answer has a documented status, a
documented media type, and a body matching its schema (problems included).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests.service.conftest import PASSWORD, PROFILE
from uncc.bootstrap import build
from uncc.config import Settings
from uncc.domain.policy import Role
from uncc.entrypoints.api.app import create_app
from uncc.parties.catalogue import parse_profile
from uncc.services import accounts, identity
from uncc.services.context import Principal

DATA = Path(tempfile.mkdtemp(prefix="uncc-fuzz-"))
CTX = build(Settings(data_dir=DATA, database_url=f"sqlite:///{DATA / 'node.db'}"))
if not CTX.key_path.exists():
    identity.init_node(CTX, parse_profile(PROFILE), "fuzz", "admin", PASSWORD)
    ADMIN = Principal("admin", frozenset({Role.ADMIN}))
    identity.add_user(CTX, ADMIN, "adam", {Role.ADMIN}, PASSWORD)  # the bootstrap exception
    for grant in identity.add_user(
        CTX, ADMIN, "pia", {Role.PROSECUTOR, Role.INVESTIGATOR, Role.JUDGE, Role.AUDITOR}, PASSWORD
    ):
        accounts.decide_grant(CTX, Principal("adam", frozenset({Role.ADMIN})), grant.id, True)
TOKEN = identity.login(CTX, "pia", PASSWORD)
APP = create_app(Settings(data_dir=DATA), CTX)
SCHEMA = schemathesis.openapi.from_asgi("/api/v1/openapi.json", APP)


@SCHEMA.parametrize()
@settings(
    max_examples=int(os.environ.get("UNCC_FUZZ_EXAMPLES", "15")),
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_answers_conform_to_the_contract(case: schemathesis.Case) -> None:
    response = case.call(headers={"Authorization": f"Bearer {TOKEN}"})
    case.validate_response(
        response,
        checks=(
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ),
    )
