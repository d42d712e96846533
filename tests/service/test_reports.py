"""The Art. 49 report a judge can read (a real, printable HTML document, also in the web),
and case notes and protected persons' views, claims and measures shown everywhere."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from tests.service.conftest import PASSWORD, Node, facts
from uncc.config import Settings
from uncc.domain.orders import Command, Target
from uncc.entrypoints.api.app import create_app
from uncc.entrypoints.cli import desk_local as cli_desk
from uncc.entrypoints.cli import main as cli_main
from uncc.services import cases, evidence, orders, protection
from uncc.services.admissibility import admissibility
from uncc.services.orders import DraftRequest
from uncc.services.reports import admissibility_html, admissibility_markdown

HEAD = "uncc.example/XA/custody\n3\nq1w2e3r4t5y6u7i8o9p0\n\n— XA abcdef0123456789\n"


class Outline(HTMLParser):
    """The headings, the number of tables and the styles of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[tuple[str, str]] = []
        self.tables = 0
        self.style = ""
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("h1", "h2", "h3", "style"):
            self._in = tag
            if tag != "style":
                self.headings.append((tag, ""))
        self.tables += tag == "table"

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "style":
            self.style += data
        elif self._in:
            tag, text = self.headings[-1]
            self.headings[-1] = (tag, text + data)


def _item_under_an_authorised_order(node: Node) -> tuple[str, str, str]:
    case = cases.open_case(node.ctx, node.ivan, facts("insider-company")).id
    order = orders.draft_order(
        node.ctx,
        node.ivan,
        case,
        DraftRequest(
            "production_of_data",
            ("ict_theft",),
            (Target("designs", "data", "XB"),),
            "g",
            "s",
            "n",
            "p",
        ),
    )
    orders.order_command(node.ctx, node.ivan, order.id, Command.SUBMIT)
    orders.order_command(node.ctx, node.jane, order.id, Command.AUTHORISE, "lawful & <needed>")
    item = evidence.add_evidence(
        node.ctx,
        node.ivan,
        case,
        source=io.BytesIO(b"designs"),
        filename="<script>alert(1)</script>.zip",
        acquisition={"tool": "dd", "tool_version": "9.1"},
        order_id=order.id,
    )
    evidence.set_sealed(node.ctx, node.pia, item.id, sealed=True, note="kept for trial")
    return case, order.id, item.id


def test_the_html_report_is_a_printable_document_viewable_from_the_evidence_page(
    node: Node,
) -> None:
    _, order_id, item_id = _item_under_an_authorised_order(node)
    report = admissibility(node.ctx, node.jane, item_id)
    page = admissibility_html(report)
    outline = Outline()
    outline.feed(page)
    assert page.startswith("<!doctype html>")
    assert [h for h in outline.headings if h[0] == "h2"] == [
        ("h2", "Summary"),
        ("h2", "Item"),
        ("h2", "Acquisition"),
        ("h2", "Legal basis and authorisations"),
        ("h2", "Chain of custody"),
        ("h2", "Signed tree head this report was made against"),
    ]
    assert outline.tables >= 7
    assert "@media print" in outline.style
    assert "@page" in outline.style
    assert report["item"]["sha256"] in page
    assert report["checkpoint"]["signature"] in page
    for event in report["custody"]:
        assert event["leaf_hash"] in page
        assert all(p in page for p in event["proof"])
    assert order_id in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;.zip" in page
    assert "<script>" not in page
    assert "lawful &amp; &lt;needed&gt;" in page
    # the head the report was made against (the vault's signed note), whole
    assert report["head"]["note"] in page
    assert report["head"]["note"].rstrip("\n") in admissibility_markdown(report)
    # a head given as the note alone
    with_head: dict[str, Any] = {**report, "head": HEAD}
    assert "Signed tree head this report was made against" in admissibility_html(with_head)
    assert "q1w2e3r4t5y6u7i8o9p0" in admissibility_html(with_head)
    assert "```\n" + HEAD.rstrip("\n") + "\n```" in admissibility_markdown(with_head)
    assert "q1w2e3r4t5y6u7i8o9p0" not in admissibility_markdown(report)

    # viewable from the evidence page, printable, and downloadable
    with TestClient(create_app(Settings(), node.ctx), follow_redirects=False) as client:
        assert client.post("/login", data={"user": "jane", "password": PASSWORD}).status_code == 303
        assert f'href="/evidence/{item_id}/report"' in client.get(f"/evidence/{item_id}").text
        shown = client.get(f"/evidence/{item_id}/report")
        assert shown.status_code == 200
        assert '<article class="admissibility">' in shown.text
        assert '<link rel="stylesheet" href="/reports/admissibility.css">' in shown.text
        styles = client.get("/reports/admissibility.css")
        assert styles.headers["content-type"].startswith("text/css")
        assert re.search(r"@media print \{[^}]*header\.top", styles.text)
        download = client.get(f"/evidence/{item_id}/report.html")
        assert download.headers["content-disposition"].startswith("attachment")
        assert download.text.startswith("<!doctype html>")
        assert client.get(f"/evidence/{item_id}/report.json").json()["item"]["id"] == item_id
        assert client.get(f"/evidence/{item_id}/report.pdf").status_code in (400, 422)


@pytest.fixture
def recorded(node: Node) -> str:
    case = cases.open_case(node.ctx, node.ivan, facts("insider-company")).id
    cases.add_note(node.ctx, node.ivan, case, "laptop imaged on site <b>")
    protection.add_protected(
        node.ctx,
        node.pia,
        case,
        kind=protection.ProtectedKind.VICTIM,
        identity={"name": "Ingrid Holm", "whereabouts": "Oslo"},
        views="fears retaliation",
        claims=[{"claim": "18400 EUR loss"}],
        measures="testimony by video link",
    )
    return case


SAID = ("fears retaliation", "18400 EUR loss", "testimony by video link")


def test_notes_and_protected_persons_in_the_api_the_web_and_the_cli(
    node: Node, recorded: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with TestClient(create_app(Settings(), node.ctx), follow_redirects=False) as client:
        token = client.post("/api/v1/login", json={"user": "jane", "password": PASSWORD}).json()
        headers = {"Authorization": f"Bearer {token['token']}"}
        notes = client.get(f"/api/v1/cases/{recorded}/notes", headers=headers).json()["items"]
        assert [(n["author"], n["text"]) for n in notes] == [("ivan", "laptop imaged on site <b>")]
        (person,) = client.get(f"/api/v1/cases/{recorded}/protected", headers=headers).json()[
            "items"
        ]
        assert (person["pseudonym"], person["views"], person["measures"]) == (
            "Victim A",
            "fears retaliation",
            "testimony by video link",
        )
        assert person["claims"] == [{"claim": "18400 EUR loss"}]
        assert "Ingrid" not in str(person)
        assert client.post("/login", data={"user": "jane", "password": PASSWORD}).status_code == 303
        page = client.get(f"/cases/{recorded}").text
        assert "laptop imaged on site &lt;b&gt;" in page
        assert all(text in page for text in SAID)
        assert "Ingrid" not in page
        # a judge may not add notes
        refused = client.post(
            f"/api/v1/cases/{recorded}/notes", headers=headers, json={"text": "judge's own"}
        )
        assert refused.status_code == 403
        assert len(cases.list_notes(node.ctx, node.jane, recorded)) == 1

    # and in the CLI
    for module in (cli_desk,):
        monkeypatch.setattr(module, "context", lambda: node.ctx)
        monkeypatch.setattr(module, "principal", lambda: node.pia)
    runner = CliRunner()
    shown = runner.invoke(cli_main.app, ["case", "show", recorded], env={"COLUMNS": "300"})
    assert shown.exit_code == 0, shown.output
    assert "note" in shown.output
    assert "ivan: laptop imaged on site <b>" in shown.output
    assert all(text in shown.output for text in SAID)
    listed = runner.invoke(cli_main.app, ["protect", "list", recorded], env={"COLUMNS": "300"})
    assert [line.strip() for line in listed.output.splitlines()[1:]] == [
        "views: fears retaliation",
        "claim: 18400 EUR loss",
        "measures: testimony by video link",
    ]
    as_json = runner.invoke(cli_main.app, ["case", "show", recorded, "--json"])
    assert '"text": "laptop imaged on site <b>"' in as_json.output
