"""Heads that leave the node: the API, the web page, the admissibility report, the CASE export.

Each carries a C2SP checkpoint note signed by the node; a copy kept outside the node is
what catches a consistent rollback (``verify --since``).
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from tests.service import vault_kit as kit
from tests.service.conftest import PASSWORD, Node
from tests.service.test_vault_tamper import PRESERVE
from uncc.adapters.crypto import verifier
from uncc.adapters.db import schema
from uncc.config import Settings
from uncc.domain import note
from uncc.entrypoints.api.app import create_app
from uncc.services import vault
from uncc.services.admissibility import admissibility
from uncc.services.case_export import export_case


def _login(api: TestClient, user: str) -> dict[str, str]:
    token = api.post("/api/v1/login", json={"user": user, "password": PASSWORD}).json()["token"]
    return {"Authorization": f"Bearer {token}"}


SQLITE = pytest.mark.parametrize("node", ["sqlite"], indirect=True)
"""HTTP and HTML do not depend on the database (the matrix runs on both)."""


@SQLITE
def test_heads_over_the_api_catch_a_rollback_and_reports_embed_them(node: Node) -> None:
    v = kit.build_vault(node, PRESERVE)
    with TestClient(create_app(Settings(), node.ctx)) as api:
        aud, ivan = _login(api, "aud"), _login(api, "ivan")
        head = api.get("/api/v1/evidence/head", headers=aud).json()
        assert (head["size"], head["origin"]) == (4, "uncc.int/xa/custody")
        signed = note.parse(head["note"])
        public = node.ctx.key().public_hex
        assert signed.signed_by(head["origin"], bytes.fromhex(public), verifier(public))
        assert api.post("/api/v1/evidence/verify", json={"head": head["note"]}, headers=aud).json()[
            "ok"
        ]
        # the copies given to a court and to another State carry the head too
        assert admissibility(node.ctx, node.jane, v.sealed)["head"] == head
        assert export_case(node.ctx, node.jane, v.cases[0])["head"] == head
        kit.undo_seal(v)
        assert api.get("/api/v1/evidence/verify", headers=aud).json()["ok"]
        found = api.post("/api/v1/evidence/verify", json={"head": head["note"]}, headers=aud)
        assert found.status_code == 200
        assert [(b["kind"], b["where"]) for b in found.json()["breaks"]] == [
            ("rollback", "exported head")
        ]
        denied = api.post("/api/v1/evidence/verify", json={"head": head["note"]}, headers={})
        assert denied.status_code in {401, 403}
        assert api.get("/api/v1/evidence/head", headers=_login(api, "admin")).status_code == 403
        assert (
            api.post("/api/v1/evidence/verify", json={"head": ""}, headers=ivan).status_code == 422
        )


@SQLITE
def test_the_web_page_lists_breaks_with_their_item_and_checks_a_pasted_head(node: Node) -> None:
    v = kit.build_vault(node, PRESERVE)
    head = v.head
    kit.flip_sealed(v)
    with TestClient(create_app(Settings(), node.ctx), follow_redirects=False) as client:
        assert client.post("/login", data={"user": "aud", "password": PASSWORD}).status_code == 303
        found = re.search(r'name="csrf" value="([0-9a-f]+)"', client.get("/dashboard").text)
        assert found
        csrf = found.group(1)
        page = client.post("/verify", data={"csrf": csrf, "case": ""})
        assert page.status_code == 200
        assert v.sealed in page.text
        assert "row-differs-from-log" in page.text
        put_back = update(schema.evidence).where(schema.evidence.c.id == v.sealed)
        kit.sql(v, put_back.values(sealed=True))
        pasted = head.replace("\n", "\r\n")  # as a browser sends a textarea
        assert "break" not in client.post("/verify", data={"csrf": csrf, "since": pasted}).text
        download = client.get("/verify/head.note")
        assert (download.status_code, download.text) == (200, head)
        assert "attachment" in download.headers["content-disposition"]
        kit.undo_seal(v)
        page = client.post("/verify", data={"csrf": csrf, "since": pasted})
        assert "rollback" in page.text
    assert vault.check(node.ctx, node.aud, since=head).breaks[0].kind == "rollback"
