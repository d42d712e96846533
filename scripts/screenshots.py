"""The screenshots of docs/web.md, taken from the real app (``make screenshots``).

Starts the demo's four nodes (plain HTTP, in a temporary folder), plays the demo's
cross-border case through their APIs, then opens the pages in Chromium as the users who
work with them and saves a PNG of the window (not the whole page, so files stay small)
under ``docs/img/``: the journeys in English, then the same desk in French and on a
390 px phone.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.kit import FLAGS  # noqa: E402
from uncc.entrypoints.cli import demo  # noqa: E402

OUT = ROOT / "docs" / "img"
WINDOW = {"width": 1100, "height": 760}
PHONE = {"width": 390, "height": 844}


def login(browser: Any, node: demo.Node, user: str, locale: str = "en-GB", **kw: Any) -> Any:
    """A page logged in as ``user`` (the browser's language ``locale``)."""
    context = browser.new_context(viewport=kw.get("viewport", WINDOW), locale=locale)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(node.url + "/login")
    page.locator("#f-user").fill(user)
    page.locator("#f-password").fill(demo.PASSWORD)
    page.locator("form[action='/login'] button[type=submit]").click()
    page.wait_for_url("**/dashboard")
    return page


def shot(page: Any, name: str, path: str | None = None, base: str = "") -> None:
    """Open ``path`` (when given) and save the window as ``docs/img/web-<name>.png``."""
    if path is not None:
        page.goto(base + path)
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(OUT / f"web-{name}.png"))
    print(f"docs/img/web-{name}.png")


def journeys(browser: Any, nodes: dict[str, demo.Node], api: demo.Api) -> None:
    """Every role's main pages at Eastland (XC), after the demo's case."""
    xc = nodes["XC"]
    case = api.client("XC", "ivan").cases()[0].id
    order = api.client("XC", "pia").orders(case)[0].id
    item = api.client("XC", "ivan").evidence(case)[0].id
    sent = api.call("XC", "cora", "GET", "/api/v1/network/requests")["items"][0]["id"]

    anonymous = browser.new_context(viewport=WINDOW, locale="en-GB").new_page()
    shot(anonymous, "01-login", "/login", xc.url)
    ivan = login(browser, xc, "ivan")
    shot(ivan, "02-dashboard")
    ivan.goto(xc.url + "/analyse")
    ivan.locator("#f-file").set_input_files(
        str(ROOT / "examples/network/ransomware-cross-border.yaml")
    )
    ivan.locator("form[action='/analyse'] button[type=submit]").first.click()
    ivan.locator("main h1").first.wait_for()
    shot(ivan, "03-analysis")
    shot(ivan, "04-case", f"/cases/{case}", xc.url)
    pia = login(browser, xc, "pia")
    shot(pia, "05-order", f"/orders/{order}", xc.url)
    shot(ivan, "06-evidence", f"/evidence/{item}", xc.url)
    cora = login(browser, xc, "cora")
    shot(cora, "07-network", "/network", xc.url)
    shot(cora, "08-request", f"/network/requests/{sent}", xc.url)
    aud = login(browser, xc, "aud")
    shot(aud, "09-audit", "/audit", xc.url)
    admin = login(browser, xc, "admin")
    shot(admin, "10-users", "/users", xc.url)

    # the same node for a French-speaking judge, and on a phone
    jane = login(browser, xc, "jane", locale="fr-FR")
    shot(jane, "11-fr-dashboard")
    shot(jane, "12-fr-order", f"/orders/{order}", xc.url)
    phone = login(browser, xc, "ivan", viewport=PHONE)
    shot(phone, "13-phone-case", f"/cases/{case}", xc.url)


def main() -> int:
    """Start the nodes, play the case, take the screenshots; stop everything."""
    OUT.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="uncc-screenshots-"))
    try:
        with demo.network(folder, demo._examples(), plain_http=True) as nodes:
            api = demo.Api(nodes)
            demo.scenario(api, demo._examples())
            with sync_playwright() as playwright:
                chromium = shutil.which("chromium")
                browser = playwright.chromium.launch(
                    executable_path=chromium, headless=True, args=FLAGS
                )
                journeys(browser, nodes, api)
                browser.close()
            api.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
