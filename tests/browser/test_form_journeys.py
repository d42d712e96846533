"""Forms that help, in Chromium at desktop width and at 390 px (a phone).

A refused order draft comes back as typed with the error at its field; the order page
offers only the moves possible now and says why not for the others; a revocation is
confirmed with its reason, which the history shows; the compose form is filled from the
case and names the State by its name; an unticked box is named next to it; each role's
menu holds only what it may open. Screenshots go to ``tests/browser/artifacts/``.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.browser.kit import ROOT, require_chromium
from uncc.entrypoints.cli import demo
from uncc.yaml12 import load_yaml

require_chromium()
from tests.browser.test_journeys import expect, shot, shows  # noqa: E402 - after the skip

SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(params=sorted(SIZES))
def size(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def login_at(browser: Any, node: demo.Node, user: str, size: str) -> Any:
    page = browser.new_context(viewport=SIZES[size]).new_page()
    page.goto(node.url + "/login")
    page.get_by_label("User name").fill(user)
    page.get_by_label("Password").fill(demo.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/dashboard")
    return page


def fits(page: Any, selector: str) -> None:
    """The element is no wider than the window (nothing to scroll sideways for)."""
    box = page.locator(selector).first.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= page.viewport_size["width"] + 1, (selector, box)


def open_case(nodes: dict[str, demo.Node], title: str) -> str:
    text = (ROOT / "examples/network/ransomware-cross-border.yaml").read_text(encoding="utf-8")
    facts = json.loads(json.dumps(load_yaml(text), default=lambda o: o.isoformat()))
    case = demo.Api(nodes).call(
        "XC", "ivan", "POST", "/api/v1/cases", {"facts": facts, "title": title}
    )
    return str(case["id"])


def test_a_refused_draft_keeps_everything_and_a_revocation_needs_its_reason(
    nodes: dict[str, demo.Node], browser: Any, size: str
) -> None:
    xc = nodes["XC"]
    case_id = open_case(nodes, f"Draft at {size}")
    pia = login_at(browser, xc, "pia", size)
    pia.goto(f"{xc.url}/cases/{case_id}")
    pia.get_by_text("Draft an order", exact=True).first.click()
    pia.get_by_label("Power").select_option("preservation")
    first = pia.get_by_role("group", name="Target 1")
    first.get_by_label("Identifier").fill("vpn-logs")
    first.get_by_label("What it is").select_option("data")
    first.get_by_label("State").fill("Eastland")
    pia.get_by_label("Grounds (Art. 42)").fill("the VPN logs show the intruder's connections")
    pia.get_by_label("Scope").fill("VPN gateway logs, 1-3 March 2026")
    pia.get_by_label("Necessity").fill("kept 14 days only")
    pia.get_by_label("Proportionality").fill("three days of one gateway's logs")
    pia.get_by_label("Duration in days").fill("120")
    pia.get_by_role("button", name="Draft", exact=True).click()
    expect(pia.locator("#e-duration_days")).to_contain_text("at most 90 days")
    expect(pia.get_by_role("alert")).to_contain_text("Everything you typed is kept")
    expect(pia.get_by_label("Grounds (Art. 42)")).to_have_value(
        "the VPN logs show the intruder's connections"
    )
    expect(pia.get_by_role("group", name="Target 1").get_by_label("State")).to_have_value(
        "Eastland"
    )
    fits(pia, "#draft form")
    shot(pia, f"20-draft-refused-{size}")
    pia.get_by_label("Duration in days").fill("90")
    pia.get_by_role("button", name="Draft", exact=True).click()
    shows(pia, "drafted")
    order_url = pia.url.split("?")[0]
    expect(pia.get_by_role("button", name="Submit")).to_be_visible()
    expect(pia.get_by_role("button", name="Issue")).to_have_count(0)  # a judge first
    expect(pia.locator("ul.blocked")).to_contain_text("requires a judge to authorise")
    shot(pia, f"21-order-moves-{size}")

    pia.get_by_role("button", name="Revoke…").click()
    expect(
        pia.get_by_role("heading", name=re.compile("no further move is possible"))
    ).to_be_visible()
    reason = pia.get_by_label("Reason")
    expect(reason).to_have_attribute("required", "")
    pia.get_by_role("button", name="Confirm: revoke the order").click()
    assert "/confirm/revoke" in pia.url  # the browser asks for the reason first
    reason.fill("the provider confirmed the logs were already deleted")
    fits(pia, "form.card")
    shot(pia, f"22-revoke-confirm-{size}")
    pia.get_by_role("button", name="Confirm: revoke the order").click()
    shows(pia, "the order is now revoked")
    expect(pia.locator("ol.timeline")).to_contain_text(
        "the provider confirmed the logs were already deleted"
    )
    expect(pia.get_by_role("button", name="Revoke…")).to_have_count(0)
    assert pia.url.split("?")[0] == order_url


def test_the_compose_form_is_filled_from_the_case_and_names_an_unticked_box(
    nodes: dict[str, demo.Node], browser: Any, size: str
) -> None:
    xc = nodes["XC"]
    case_id = open_case(nodes, f"Compose at {size}")
    cora = login_at(browser, xc, "cora", size)
    cora.goto(f"{xc.url}/network/compose?kind=preservation_request&case={case_id}&to=Northland")
    expect(cora.get_by_label("Requested State")).to_have_value("XA")
    expect(cora.get_by_label("Summary of facts")).not_to_have_value("")
    expect(cora.locator('input[name="offences"]:checked').first).to_be_visible()
    expect(cora.get_by_label("Name", exact=True)).not_to_have_value("")
    cora.get_by_label("A formal request for the data will follow").uncheck()
    for name in ("Stored data to preserve", "Custodian or location of the system"):
        if not cora.get_by_label(name).input_value():
            cora.get_by_label(name).fill("leak-site access logs | they show the uploads")
    if not cora.get_by_label("Why preservation is necessary").input_value():
        cora.get_by_label("Why preservation is necessary").fill("logs are kept 14 days")
    cora.get_by_role("button", name="Check and send").click()
    expect(cora.locator("#e-formal_request_to_follow")).to_contain_text(
        "state that a formal request will follow"
    )
    expect(cora.get_by_label("Requested State")).to_have_value("XA")
    fits(cora, "form.stack")
    shot(cora, f"23-compose-refused-{size}")
    cora.get_by_label("A formal request for the data will follow").check()
    cora.get_by_role("button", name="Check and send").click()
    shows(cora, "signed and queued for XA")


def test_each_role_sees_only_the_menu_it_may_open(
    nodes: dict[str, demo.Node], browser: Any, size: str
) -> None:
    xc = nodes["XC"]
    admin = login_at(browser, xc, "admin", size)
    menu = admin.get_by_role("navigation", name="Main")
    expect(menu.get_by_role("link", name="Users")).to_be_visible()
    for hidden in ("Cases", "Orders", "Network", "Analyse", "Teams"):
        expect(menu.get_by_role("link", name=hidden)).to_have_count(0)
    shot(admin, f"24-admin-menu-{size}")
    judge = login_at(browser, xc, "jane", size)
    menu = judge.get_by_role("navigation", name="Main")
    expect(menu.get_by_role("link", name="Orders")).to_be_visible()
    for hidden in ("Network", "Audit", "Users", "Teams"):
        expect(menu.get_by_role("link", name=hidden)).to_have_count(0)
