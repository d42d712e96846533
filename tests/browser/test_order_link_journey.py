"""An order drafted for a request received from another State, and back, in Chromium.

XC asks XA to preserve data (the compose form filled from a case, with its facts); at
XA the request becomes a case and a draft order. XA's prosecutor goes from the request
to the order, reads on the order which request it answers, goes back, and opens the
case's draft form for another order answering the same request.
"""

from __future__ import annotations

import re
import time
from typing import Any

from tests.browser.kit import require_chromium
from tests.browser.test_form_journeys import login_at, open_case
from uncc.entrypoints.cli import demo

require_chromium()
from tests.browser.test_journeys import expect, shot, shows  # noqa: E402 - after the skip


def test_from_the_request_to_its_order_and_back(nodes: dict[str, demo.Node], browser: Any) -> None:
    xc, xa = nodes["XC"], nodes["XA"]
    case_id = open_case(nodes, "Order link")
    cora = login_at(browser, xc, "cora", "desktop")
    cora.goto(f"{xc.url}/network/compose?kind=preservation_request&case={case_id}&to=Northland")
    for name in ("Stored data to preserve", "Custodian or location of the system"):
        if not cora.get_by_label(name).input_value():
            cora.get_by_label(name).fill("leak-site access logs | they show the uploads")
    if not cora.get_by_label("Why preservation is necessary").input_value():
        cora.get_by_label("Why preservation is necessary").fill("logs are kept 14 days")
    cora.get_by_label("A formal request for the data will follow").check()
    cora.get_by_role("button", name="Check and send").click()
    shows(cora, "signed and queued for XA")
    request_id = cora.url.split("?")[0].rsplit("/", 1)[1]  # the same id at both ends

    pia = login_at(browser, xa, "pia", "desktop")
    deadline = time.monotonic() + 30
    pia.goto(f"{xa.url}/network/requests/{request_id}")
    while "drafted for this request" not in pia.content() and time.monotonic() < deadline:
        time.sleep(0.3)
        pia.goto(f"{xa.url}/network/requests/{request_id}")
    linked = pia.locator("#h-links + ul")
    linked.get_by_role("link", name=re.compile(r"-O-")).first.click()
    expect(pia.locator("p.answers")).to_contain_text("from XC")
    shot(pia, "40-order-answers-request")
    pia.locator("p.answers").get_by_role("link").click()
    expect(pia.locator("#h-links")).to_be_visible()
    pia.get_by_role("link", name="Draft an order for this request").click()
    expect(pia.locator("#draft")).to_have_attribute("open", "")
    expect(pia.locator("#draft")).to_contain_text(f"In answer to request {request_id}")
