"""Pictures and evidence review in a real browser, at desktop width and at 390 px.

One node (in this process, served by uvicorn on a loopback port) with a case that has
an authorised order, a text and an image item, and a traced ledger. Screenshots go to
``tests/browser/artifacts/``.
"""

from __future__ import annotations

import io
import socket
import threading
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from tests.browser.kit import ARTIFACTS, require_chromium
from tests.service.conftest import PASSWORD, PROFILE, Clock, facts
from tests.service.test_node_flow import PRESERVE
from uncc.bootstrap import build
from uncc.config import Settings
from uncc.domain.orders import Command
from uncc.domain.policy import Role
from uncc.domain.tracing import Model, Transfer
from uncc.entrypoints.api.app import create_app
from uncc.parties.catalogue import parse_profile
from uncc.services import accounts, cases, evidence, identity, orders, proceeds
from uncc.services.context import Principal
from uncc.services.orders import DraftRequest

require_chromium()
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect
axe = pytest.importorskip("tests.browser.test_every_page")

TEXT = b"2026-05-20 10:02 engineer cloned repo turbine-designs\n"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cf00000301010018dd8db00000000049454e44ae426082"
)
PHONE = {"width": 390, "height": 844}


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    base = tmp_path_factory.mktemp("pictures")
    settings = Settings(data_dir=base / "data", database_url=f"sqlite:///{base / 'node.db'}")
    ctx = build(settings, clock=Clock())
    identity.init_node(ctx, parse_profile(PROFILE), "Northland", "admin", PASSWORD)
    admin = Principal("admin", frozenset({Role.ADMIN}))
    identity.add_user(ctx, admin, "adam", {Role.ADMIN}, PASSWORD)
    adam = Principal("adam", frozenset({Role.ADMIN}))
    people = {
        "ivan": Role.INVESTIGATOR,
        "pia": Role.PROSECUTOR,
        "jane": Role.JUDGE,
        "aud": Role.AUDITOR,
    }
    for user, role in people.items():
        for grant in identity.add_user(ctx, admin, user, {role}, PASSWORD):
            accounts.decide_grant(ctx, adam, grant.id, approve=True)
    ivan, jane = (Principal(u, frozenset({people[u]})) for u in ("ivan", "jane"))
    case = cases.open_case(ctx, ivan, facts("insider-company"))
    order = orders.draft_order(
        ctx, ivan, case.id, DraftRequest(**{**PRESERVE.__dict__, "offences": ("ict_theft",)})
    )
    orders.order_command(ctx, ivan, order.id, Command.SUBMIT)
    orders.order_command(ctx, jane, order.id, Command.AUTHORISE, "sufficient")
    text = evidence.add_evidence(
        ctx, ivan, case.id, source=io.BytesIO(TEXT), filename="clone.log", acquisition={}
    )
    image = evidence.add_evidence(
        ctx, ivan, case.id, source=io.BytesIO(PNG), filename="screen.png", acquisition={}
    )
    ledger = [
        Transfer("t1", None, "wallet-1", Decimal("38.5"), tainted=True),
        Transfer("t2", None, "wallet-1", Decimal(10)),
        Transfer("t3", "wallet-1", "mixer", Decimal(30)),
        Transfer("t4", "mixer", "wallet-2", Decimal("29.9")),
    ]
    proceeds.register_traced(
        ctx,
        ivan,
        case.id,
        transfers=ledger,
        model=Model.HAIRCUT,
        basis="ict_theft",
        locations={},
        currency="BTC",
    )
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings, ctx), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):  # up to 10 s
        if server.started:
            break
        time.sleep(0.05)
    yield {
        "url": f"http://127.0.0.1:{port}",
        "case": case.id,
        "order": order.id,
        "text": text.id,
        "image": image.id,
    }
    server.should_exit = True
    thread.join(timeout=10)
    ctx.engine.dispose()


def login(
    browser: Any, site: dict[str, str], user: str, viewport: dict[str, int] | None = None
) -> Any:
    context = browser.new_context(viewport=viewport, accept_downloads=True)
    page = context.new_page()
    page.goto(site["url"] + "/login")
    page.get_by_label("User name").fill(user)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/dashboard")
    return page


def test_the_judge_sees_the_case_timeline_the_flow_and_the_path(
    browser: Any, site: dict[str, str]
) -> None:
    page = login(browser, site, "jane")
    page.goto(f"{site['url']}/cases/{site['case']}")
    timeline = page.locator("svg#case-timeline")
    expect(timeline).to_be_visible()
    expect(timeline.locator("g.moment.kind-order")).to_have_count(
        3
    )  # drafted, submitted, authorised
    expect(timeline.locator("g.moment.kind-evidence")).to_have_count(2)
    page.get_by_text(f"Timeline of case {site['case']}, as a table").click()
    expect(page.locator("tr.moment.kind-order").last).to_contain_text("authorised by jane")
    flow = page.locator("svg#proceeds-flow-1")
    expect(flow).to_be_visible()
    expect(flow.locator("g.account")).to_have_count(4)  # entry, wallet-1, mixer, wallet-2
    expect(flow).to_contain_text("poison (upper bound): 18.5 BTC")
    expect(page.get_by_text("The analysis the case was opened from, in full")).to_be_visible()
    assert axe._serious(page) == []
    shot(page, "20-case-timeline-desktop")


def test_at_390_px_the_pictures_scroll_inside_their_box(browser: Any, site: dict[str, str]) -> None:
    page = login(browser, site, "jane", PHONE)
    page.goto(f"{site['url']}/cases/{site['case']}")
    for ident in ("case-timeline", "proceeds-flow-1"):
        box = page.locator(f".picture-scroll:has(svg#{ident})")
        expect(box).to_be_visible()
        assert box.evaluate("e => e.getBoundingClientRect().right") <= PHONE["width"]
        assert box.evaluate("e => e.scrollWidth > e.clientWidth")  # wider: it scrolls
    assert axe._serious(page) == []
    assert axe._overflow(page) is None  # the page itself does not scroll sideways
    shot(page, "21-case-timeline-390")
    page.goto(f"{site['url']}/evidence/{site['text']}")
    expect(page.locator("svg#custody-timeline")).to_be_visible()
    expect(page.locator("pre.preview")).to_contain_text("engineer cloned repo")
    assert (
        page.locator("pre.preview").evaluate("e => e.getBoundingClientRect().right")
        <= PHONE["width"]
    )
    shot(page, "22-evidence-390")


def test_review_preview_download_tag_and_annotate(
    browser: Any, site: dict[str, str], tmp_path: Path
) -> None:
    page = login(browser, site, "pia")
    page.goto(f"{site['url']}/evidence/{site['image']}")
    image = page.locator("img.preview")
    expect(image).to_be_visible()
    assert image.evaluate("e => e.naturalWidth") == 1  # the PNG decoded, in its sandbox
    page.goto(f"{site['url']}/evidence/{site['text']}")
    expect(page.locator("pre.preview")).to_contain_text("engineer cloned repo")
    with page.expect_download() as caught:
        page.get_by_role("link", name="Download the file").click()
    saved = tmp_path / "clone.log"
    caught.value.save_as(saved)
    assert saved.read_bytes() == TEXT
    page.get_by_label("Add a tag").fill("exhibit 1")
    page.get_by_role("button", name="Tag", exact=True).click()
    expect(page.locator("body")).to_contain_text("tagged 'exhibit 1'; recorded in the custody log")
    page.get_by_label("Annotate").fill("line 1: the clone, 10:02")
    page.get_by_role("button", name="Annotate").click()
    expect(page.locator("ol.annotations")).to_contain_text("line 1: the clone, 10:02")
    custody = page.locator("svg#custody-timeline")
    expect(custody.locator("g.moment.kind-tag")).to_have_count(1)
    expect(custody.locator("g.moment.kind-note")).to_have_count(1)
    assert axe._serious(page) == []
    shot(page, "23-evidence-review")


def test_an_auditor_reads_the_custody_but_not_the_content(
    browser: Any, site: dict[str, str]
) -> None:
    page = login(browser, site, "aud")
    page.goto(f"{site['url']}/evidence/{site['text']}")
    expect(page.locator("svg#custody-timeline")).to_be_visible()
    expect(page.get_by_role("link", name="Download the file")).to_have_count(0)
    expect(page.get_by_label("Add a tag")).to_have_count(0)
    expect(page.locator("pre.preview")).to_have_count(0)
    response = page.request.get(f"{site['url']}/evidence/{site['text']}/content")
    assert response.status == 403
