"""Every page, as each role, at desktop width and at 390 px: axe-core and no sideways scrolling.

Each page is opened once per role that has it; at each width it is checked with axe-core
(bundled by ``axe-playwright-python``: no serious or critical violation) and for a page
wider than the window (``scrollWidth <= clientWidth``: a wide table scrolls in its own
box, never the page). The 390 px screenshots go to ``tests/browser/artifacts/pages/``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.browser.kit import ARTIFACTS, ROOT, require_chromium
from uncc.entrypoints.cli import demo

require_chromium()
sync_api = pytest.importorskip("playwright.sync_api")
axe_playwright = pytest.importorskip("axe_playwright_python.sync_playwright")
expect = sync_api.expect

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
SERIOUS = ("serious", "critical")

PAGES: dict[str, list[str]] = {
    "ivan": [
        "/dashboard",
        "/notifications",
        "/analyse",
        "/cases",
        "/cases/{case}",
        "/evidence/{evidence}",
        "/evidence/{evidence}/report",
        "/network/compose?case={case}&to=XA&measure=preservation",
        "/experts",
        "/jit",
        "/account",
    ],
    "pia": [
        "/dashboard",
        "/orders",
        "/orders/{order}",
        "/orders/{order}/confirm/revoke",
        "/cases/{case}",
    ],
    "jane": ["/dashboard", "/orders/{order}", "/orders/{order}/confirm/refuse"],
    "cora": ["/dashboard", "/network", "/network/requests/{request}", "/jit/{team}"],
    "aud": ["/dashboard", "/audit"],
    "admin": ["/dashboard", "/users", "/no-such-page"],
}
"""The pages each role works with (an unknown URL shows the error page)."""


@dataclass
class Seeded:
    """What the pages show: a case with an order awaiting a judge, evidence, a request."""

    case: str
    order: str
    evidence: str
    request: str
    team: str


@pytest.fixture(scope="module")
def seeded(nodes: dict[str, demo.Node], tmp_path_factory: pytest.TempPathFactory) -> Seeded:
    return seed(nodes, tmp_path_factory.mktemp("evidence"))


def seed(nodes: dict[str, demo.Node], folder: Path) -> Seeded:
    """Make the data the pages show, through the API."""
    from uncc.client.models import Target  # noqa: PLC0415
    from uncc.yaml12 import load_yaml  # noqa: PLC0415

    text = (ROOT / "examples/network/ransomware-cross-border.yaml").read_text(encoding="utf-8")
    facts = json.loads(json.dumps(load_yaml(text), default=lambda o: o.isoformat()))
    api = demo.Api(nodes)
    case = api.client("XC", "ivan").open_case(facts, "Every page")
    order = api.client("XC", "pia").draft_order(
        case.id,
        power="preservation",
        offences=["illegal_access"],
        targets=[Target(id="vpn-logs", kind="data", location="XC")],
        grounds="the VPN logs show the intruder's connections",
        scope="hospital VPN gateway logs, 1-3 March 2026",
        necessity="kept 14 days only",
        proportionality="three days of logs of one gateway",
        duration_days=90,
    )
    api.client("XC", "pia").move_order(order.id, "submit")
    sample = folder / "vpn.log"
    sample.write_bytes(b"2026-03-02T01:14:00Z login ok user=svc-backup from 198.51.100.23\n")
    uploaded = api.client("XC", "ivan").upload_evidence(
        case.id, sample, acquisition={"source": "hospital VPN gateway"}
    )
    body = demo.preservation_body() | {"reference": "NCU-2026-0311/EVERY"}
    sent = api.call(
        "XC",
        "cora",
        "POST",
        "/api/v1/network/requests",
        {"kind": "preservation_request", "recipient": "XA", "case": case.id, "body": body},
    )
    team = api.call(
        "XC",
        "cora",
        "POST",
        "/api/v1/jit",
        {
            "name": "St. Anne ransomware",
            "purpose": "identify the affiliate who encrypted the hospital's records",
            "members": ["XA"],
            "uses": ["investigation", "prosecution"],
            "ends": "2027-06-30",
            "case": case.id,
        },
    )
    api.close()
    return Seeded(case.id, order.id, uploaded.id, sent["id"], team["id"])


AXE = axe_playwright.Axe()


def _serious(page: Any) -> list[str]:
    """axe-core's serious and critical violations (injected once per page load)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.axe_script)
    violations = page.evaluate("axe.run(document, {resultTypes: ['violations']})")["violations"]
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {', '.join(str(n['target']) for n in v['nodes'][:3])}"
        for v in violations
        if v.get("impact") in SERIOUS
    ]


def _overflow(page: Any) -> str | None:
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    if widths[0] <= widths[1]:
        return None
    wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
            .slice(0, 3).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
              + (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ')[0] : ''))"""
    )
    return f"page {widths[0]} px wide in a {widths[1]} px window: {', '.join(wide)}"


def check(page: Any, name: str, sizes: tuple[dict[str, int], ...] = (DESKTOP, PHONE)) -> list[str]:
    """The page's problems at each width (the screenshot at the last kept)."""
    problems: list[str] = []
    for size in sizes:
        page.set_viewport_size(size)
        where = f"{name} at {size['width']} px"
        too_wide = _overflow(page)
        if too_wide:
            problems.append(f"{where}: {too_wide}")
        problems += [f"{where}: {found}" for found in _serious(page)]
    folder = ARTIFACTS / "pages"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    return problems


def login(browser: Any, node: demo.Node, user: str, locale: str = "en-GB") -> Any:
    page = browser.new_context(viewport=DESKTOP, locale=locale).new_page()
    page.goto(node.url + "/login")
    page.locator("#f-user").fill(user)
    page.locator("#f-password").fill(demo.PASSWORD)
    page.locator("form[action='/login'] button[type=submit]").click()
    page.wait_for_url("**/dashboard")
    return page


def _slug(user: str, path: str) -> str:
    cleaned = (
        path.split("?", maxsplit=1)[0]
        .strip("/")
        .replace("/", "-")
        .replace("{", "")
        .replace("}", "")
    )
    return f"{user}-{cleaned or 'home'}"


@pytest.mark.parametrize("user", list(PAGES))
def test_each_roles_pages_are_accessible_and_fit_390_px(
    nodes: dict[str, demo.Node], browser: Any, seeded: Seeded, user: str
) -> None:
    xc = nodes["XC"]
    page = login(browser, xc, user)
    problems: list[str] = []
    for path in PAGES[user]:
        page.goto(xc.url + path.format(**vars(seeded)))
        expect(page.locator("main h1").first).to_be_visible()
        problems += check(page, _slug(user, path))
    page.context.close()
    assert not problems, "\n".join(problems)


def test_the_login_page_and_the_analysis_report_in_french(
    nodes: dict[str, demo.Node], browser: Any
) -> None:
    xc = nodes["XC"]
    page = browser.new_context(viewport=DESKTOP, locale="fr-FR").new_page()
    page.goto(xc.url + "/login")
    expect(page.get_by_role("button", name="Se connecter")).to_be_visible()
    problems = check(page, "fr-login")
    page.context.close()
    ivan = login(browser, xc, "ivan", locale="fr-FR")
    expect(ivan.locator("html")).to_have_attribute("lang", "fr")
    ivan.goto(xc.url + "/analyse")
    ivan.locator("input[type=file]").first.set_input_files(
        str(ROOT / "examples/network/ransomware-cross-border.yaml")
    )
    ivan.locator("form[action='/analyse'] button[type=submit]").first.click()
    expect(ivan.locator("main h1").first).to_contain_text("St. Anne")
    problems += check(ivan, "fr-ivan-analysis")
    ivan.context.close()
    assert not problems, "\n".join(problems)


def test_the_desk_and_a_judges_order_in_french(
    nodes: dict[str, demo.Node], browser: Any, seeded: Seeded
) -> None:
    """French runs longer than English: the same pages still fit 390 px and pass axe."""
    xc = nodes["XC"]
    problems: list[str] = []
    for user, paths in (("cora", PAGES["cora"]), ("jane", ["/orders/{order}"])):
        page = login(browser, xc, user, locale="fr-FR")
        for path in paths:
            page.goto(xc.url + path.format(**vars(seeded)))
            expect(page.locator("html")).to_have_attribute("lang", "fr")
            problems += check(page, "fr-" + _slug(user, path), (PHONE,))  # longer words
        page.context.close()
    assert not problems, "\n".join(problems)


def test_the_vault_verification_page(
    nodes: dict[str, demo.Node], browser: Any, seeded: Seeded
) -> None:
    xc = nodes["XC"]
    jane = login(browser, xc, "jane")
    jane.goto(f"{xc.url}/evidence/{seeded.evidence}")
    jane.locator("form[action='/verify'] button[type=submit]").first.click()
    expect(jane.locator("main h1").first).to_be_visible()
    problems = check(jane, "jane-verify")
    jane.locator("form[action='/verify']:has(input[type=hidden][name=full]) button").click()
    expect(jane.locator("#replayed")).to_contain_text("Full replay, as asked")
    problems += check(jane, "jane-verify-full")
    jane.context.close()
    assert not problems, "\n".join(problems)
