"""The web interface in a real browser: Playwright driving Debian's Chromium.

Four real node processes (a hub and three States) as in ``uncc demo``; each journey is a
user in their own browser context. Screenshots of the main pages go to
``tests/browser/artifacts/`` (git-ignored).
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.browser.kit import ARTIFACTS, ROOT, require_chromium
from uncc.entrypoints.cli import demo

require_chromium()
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect


def login(browser: Any, node: demo.Node, user: str) -> Any:
    page = browser.new_context().new_page()
    page.goto(node.url + "/")
    page.get_by_label("User name").fill(user)
    page.get_by_label("Password").fill(demo.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/dashboard")
    return page


def shows(page: Any, text: str) -> None:
    """Wait (Playwright's default 5 s) until the page, once loaded, contains ``text``.

    A click that submits a form returns before the next page has loaded; reading
    ``page.content()`` at once can see an empty document mid-navigation.
    """
    expect(page.locator("body")).to_contain_text(text)


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_login_is_required_and_wrong_passwords_are_refused(
    nodes: dict[str, demo.Node], browser: Any
) -> None:
    page = browser.new_context().new_page()
    page.goto(nodes["XC"].url + "/cases")
    assert "/login" in page.url
    page.get_by_label("User name").fill("ivan")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("wrong user name or password")).to_be_visible()
    shot(page, "01-login")
    response = httpx.get(nodes["XC"].url + "/login")
    assert "default-src 'self'" in response.headers["content-security-policy"]


def test_analyse_open_a_case_order_and_evidence(
    nodes: dict[str, demo.Node], browser: Any, tmp_path: Path
) -> None:
    xc = nodes["XC"]
    ivan = login(browser, xc, "ivan")
    shot(ivan, "02-dashboard")
    ivan.get_by_role("link", name="Analyse").click()
    ivan.get_by_label("…or a file").set_input_files(
        str(ROOT / "examples/network/ransomware-cross-border.yaml")
    )
    ivan.get_by_role("button", name="Analyse").first.click()
    expect(
        ivan.get_by_role("heading", name="Analysis: Ransomware against St. Anne Regional Hospital")
    ).to_be_visible()
    shot(ivan, "03-analysis")
    ivan.get_by_role("button", name="Open the case").click()
    shows(ivan, "opened; the analysis is kept with it")
    case_url = ivan.url.split("?")[0]
    case_id = case_url.rsplit("/", 1)[1]
    shot(ivan, "04-case")

    pia = login(browser, xc, "pia")
    pia.goto(case_url)
    pia.get_by_text("Draft an order").click()
    pia.get_by_label("Power").select_option("preservation")
    target = pia.get_by_role("group", name="Target 1")
    target.get_by_label("Identifier").fill("vpn-logs")
    target.get_by_label("What it is").select_option("data")
    target.get_by_label("State").fill(xc.state)
    pia.get_by_label("Grounds (Art. 42)").fill("the VPN logs show the intruder's connections")
    pia.get_by_label("Scope").fill("VPN gateway logs, 1-3 March 2026")
    pia.get_by_label("Necessity").fill("kept 14 days only")
    pia.get_by_label("Proportionality").fill("three days of one gateway's logs")
    pia.get_by_label("Duration in days").fill("90")
    pia.get_by_role("button", name="Draft", exact=True).click()
    shows(pia, "drafted")
    order_url = pia.url.split("?")[0]
    pia.get_by_role("button", name="Submit").click()
    shows(pia, "the order is now submitted")
    assert pia.get_by_role("button", name="Issue").count() == 0  # not before a judge authorises
    assert pia.get_by_role("button", name="Authorise").count() == 0  # and a prosecutor cannot
    shot(pia, "05-submitted")

    jane = login(browser, xc, "jane")
    shot(jane, "06-judge-dashboard")
    jane.goto(order_url)
    assert jane.get_by_role("button", name="Issue").count() == 0  # a judge does not issue
    jane.get_by_label("Reasons or remarks").fill("necessary and proportionate")
    jane.get_by_role("button", name="Authorise").click()
    shows(jane, "the order is now authorised")

    pia.goto(order_url)
    pia.get_by_role("button", name="Issue").click()
    shows(pia, "the order is now issued")
    shot(pia, "07-order-issued")

    sample = tmp_path / "vpn.log"
    sample.write_bytes(
        b"2026-03-02T01:14:00Z login ok user=svc-backup from 198.51.100.23\n" * 20_000
    )
    ivan.goto(case_url)
    ivan.get_by_label("File", exact=True).set_input_files(str(sample))
    ivan.get_by_label("Source device or system").fill("hospital VPN gateway")
    ivan.get_by_role("button", name="Upload and hash").click()
    ivan.wait_for_url("**/evidence/**")
    shows(ivan, "SHA-256")
    shot(ivan, "08-evidence")
    evidence_url = ivan.url.split("?")[0]
    ivan.get_by_role("button", name="Verify the vault for this case").click()
    expect(ivan.get_by_text("Every blob re-hashed to its recorded SHA-256")).to_be_visible()
    shot(ivan, "09-verified")
    assert re.match(rf"{xc.state}-C-\d{{4}}-\d{{4}}$", case_id)  # the State code first

    # the Art. 49 report, from the evidence page, and printed: the site's header is left out
    jane.goto(evidence_url)
    jane.get_by_role("link", name="Admissibility report (Art. 49)").click()
    expect(jane.get_by_role("heading", name="Chain of custody")).to_be_visible()
    expect(jane.locator("header.top")).to_be_visible()
    shot(jane, "10-admissibility-report")
    jane.emulate_media(media="print")
    expect(jane.locator("header.top")).to_be_hidden()
    expect(jane.get_by_role("heading", name="Chain of custody")).to_be_visible()
    printed = jane.pdf(format="A4")
    assert printed.startswith(b"%PDF")


def test_a_preservation_request_is_sent_and_answered_in_the_browser(
    nodes: dict[str, demo.Node], browser: Any
) -> None:
    xc, xa = nodes["XC"], nodes["XA"]
    cora = login(browser, xc, "cora")
    cora.get_by_role("link", name="Network").click()
    cora.get_by_role("link", name="New preservation request").click()
    cora.get_by_label("Requested State").select_option("XA")
    cora.get_by_role("button", name="Check and send").click()
    # the completeness check names each missing field next to it
    expect(cora.locator("#e-summary_of_facts")).to_be_visible()
    expect(cora.locator("#e-custodian")).to_be_visible()
    shot(cora, "10-compose-errors")
    cora.get_by_label("Our reference").fill("NCU-2026-0311/P9")
    cora.get_by_role("checkbox", name=re.compile("illegal_access")).check()
    cora.get_by_label("Summary of facts").fill(
        "Patient records copied to a leak-site server and encrypted."
    )
    cora.get_by_label("Stored data to preserve").fill(
        "leak-site access logs | they show who uploaded the records"
    )
    cora.get_by_label("Custodian or location of the system").fill("Northhost Ltd, Northland")
    cora.get_by_label("Why preservation is necessary").fill("logs are kept 14 days")
    cora.get_by_label("A formal request for the data will follow").check()
    cora.get_by_label("Name").fill("Insp. M. Ortega")
    cora.get_by_label("Phone").fill("+00 555 0103")
    cora.get_by_role("button", name="Check and send").click()
    shows(cora, "signed and queued for XA")
    request_url = cora.url.split("?")[0]

    desk = login(browser, xa, "cora")
    desk.goto(xa.url + "/network")
    deadline = time.monotonic() + 30
    while "NCU-2026-0311/P9" not in desk.content() and time.monotonic() < deadline:
        time.sleep(0.3)
        desk.goto(xa.url + "/network")
    shot(desk, "11-inbox")
    desk.get_by_role("link", name="preservation request NCU-2026-0311/P9").click()
    desk.get_by_label("Kind").select_option("status_update")
    desk.get_by_label("Status").select_option("under_review")
    desk.get_by_label("Details or message").fill("Our judge will decide today.")
    desk.get_by_role("button", name="Send").first.click()
    shows(desk, "status update queued for delivery")
    shot(desk, "12-answer")

    deadline = time.monotonic() + 30
    cora.goto(request_url)
    while "Our judge will decide today." not in cora.content() and time.monotonic() < deadline:
        time.sleep(0.3)
        cora.goto(request_url)
    # the thread reads as words, and the request's status is the same word on both sides
    expect(cora.locator(".request-status")).to_have_text("under review")
    thread = cora.locator("ol.thread")
    expect(thread).to_contain_text("Expedited preservation of stored data")
    expect(thread).to_contain_text("Status update — under review")
    expect(thread).to_contain_text("A formal request will follow")
    expect(thread).not_to_contain_text("{")
    expect(thread).not_to_contain_text("True")
    desk.reload()
    expect(desk.locator(".request-status")).to_have_text("under review")
    expect(desk.get_by_role("heading", name="Linked here")).to_be_visible()
    shot(cora, "13-answered")
    narrow = cora.context.browser.new_context(viewport={"width": 390, "height": 844})
    phone = narrow.new_page()
    phone.goto(xc.url + "/")
    phone.get_by_label("User name").fill("cora")
    phone.get_by_label("Password").fill(demo.PASSWORD)
    phone.get_by_role("button", name="Log in").click()
    phone.wait_for_url("**/dashboard")
    phone.goto(request_url)
    expect(phone.locator(".request-status")).to_have_text("under review")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    shot(phone, "13b-thread-390")
    narrow.close()


def test_find_an_expert(nodes: dict[str, demo.Node], browser: Any) -> None:
    api = demo.Api(nodes)
    api.call(
        "XB",
        "cora",
        "POST",
        "/api/v1/network/experts",
        {
            "id": "marie",
            "name": "Marie Dubois",
            "expertise": ["ransomware"],
            "languages": ["fr", "en"],
            "time_zone": "UTC",
            "schedule": ["24/7"],
            "channel": "+00 555 0202",
        },
    )
    for state in ("XB", "XC"):
        api.call(state, "cora", "POST", "/api/v1/network/experts/sync")
    page = login(browser, nodes["XC"], "ivan")
    page.get_by_role("link", name="Experts").click()
    page.get_by_label("Expertise").fill("ransomware")
    page.get_by_label("Language").fill("fr")
    page.get_by_label("only those on call now").check()
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("cell", name="Marie Dubois")).to_be_visible()
    shot(page, "14-experts")


def test_auditors_see_the_trail_and_others_do_not(
    nodes: dict[str, demo.Node], browser: Any
) -> None:
    aud = login(browser, nodes["XC"], "aud")
    aud.get_by_role("link", name="Audit").click()
    expect(aud.get_by_role("cell", name="user.login").first).to_be_visible()
    shot(aud, "15-audit")
    ivan = login(browser, nodes["XC"], "ivan")
    assert ivan.get_by_role("link", name="Audit").count() == 0
    ivan.goto(nodes["XC"].url + "/audit")
    shows(ivan, "may not audit.read")


def _submitted_order(nodes: dict[str, demo.Node]) -> str:
    """An Eastland production order drafted by the investigator and submitted to a judge."""
    import json  # noqa: PLC0415

    from uncc.yaml12 import load_yaml  # noqa: PLC0415

    text = (ROOT / "examples/network/ransomware-cross-border.yaml").read_text(encoding="utf-8")
    facts = json.loads(json.dumps(load_yaml(text), default=lambda o: o.isoformat()))
    api = demo.Api(nodes)
    case = api.call("XC", "ivan", "POST", "/api/v1/cases", {"facts": facts, "title": "Queue walk"})
    order = api.call(
        "XC",
        "ivan",
        "POST",
        f"/api/v1/cases/{case['id']}/orders",
        {
            "power": "production_of_data",
            "offences": ["illegal_access"],
            "targets": [{"id": "vpn-accounts", "kind": "data", "location": "XC"}],
            "grounds": "the VPN accounts used",
            "scope": "subscriber data of two accounts",
            "necessity": "to identify the intruder",
            "proportionality": "two accounts only",
        },
    )
    api.call("XC", "ivan", "POST", f"/api/v1/orders/{order['id']}/submit", {"note": ""})
    return str(order["id"])


def test_the_queue_and_notifications_lead_the_judge_then_the_prosecutor(
    nodes: dict[str, demo.Node], browser: Any
) -> None:
    xc = nodes["XC"]
    order_id = _submitted_order(nodes)
    jane = login(browser, xc, "jane")
    task = jane.get_by_role("link", name=f"authorise order {order_id} (production of data)")
    expect(task).to_be_visible()
    shot(jane, "16-judge-queue")
    jane.get_by_role("navigation", name="Main").get_by_role("link", name="Notifications").click()
    expect(
        jane.get_by_role("link", name=f"order {order_id} (production of data) awaits authorisation")
    ).to_be_visible()
    expect(jane.get_by_role("cell", name="unread").first).to_be_visible()
    shot(jane, "17-notifications")
    jane.get_by_role("button", name="Mark read").click()
    shows(jane, "marked read")
    expect(
        jane.get_by_role("link", name="Notifications", exact=True)
    ).to_be_visible()  # none unread
    jane.get_by_role(
        "link", name=f"order {order_id} (production of data) awaits authorisation"
    ).click()
    jane.get_by_label("Reasons or remarks").fill("necessary and proportionate")
    jane.get_by_role("button", name="Authorise").click()
    shows(jane, "the order is now authorised")

    pia = login(browser, xc, "pia")
    expect(
        pia.get_by_role("link", name=f"issue order {order_id} (production of data)")
    ).to_be_visible()
    expect(
        pia.get_by_role("link", name=re.compile(r"^Notifications \(\d+ unread\)$"))
    ).to_be_visible()

    # another user's notifications are not theirs: the investigator sees only the authorisation
    ivan = login(browser, xc, "ivan")
    ivan.goto(xc.url + "/notifications")
    expect(
        ivan.get_by_role("link", name=f"order {order_id} (production of data) was authorised")
    ).to_be_visible()
    expect(ivan.get_by_text("awaits authorisation")).to_have_count(0)


def test_deadlines_in_my_time_zone_and_the_audit_exported(
    nodes: dict[str, demo.Node], browser: Any
) -> None:
    xc = nodes["XC"]
    aud = login(browser, xc, "aud")
    aud.get_by_role("link", name="Account").click()
    aud.get_by_label("Time zone").fill("Asia/Tokyo")
    aud.get_by_role("button", name="Save").click()
    shows(aud, "times are shown in Asia/Tokyo")
    aud.get_by_role("link", name="Audit").click()
    expect(aud.get_by_text("JST").first).to_be_visible()
    aud.get_by_label("Action").fill("user.login")
    aud.get_by_role("button", name="Filter").click()
    expect(aud.get_by_role("cell", name="user.login").first).to_be_visible()
    expect(aud.get_by_role("cell", name="case.open")).to_have_count(0)
    shot(aud, "18-audit-filtered")
    with aud.expect_download() as download:
        aud.get_by_role("link", name="CSV").click()
    path = download.value.path()
    assert path is not None
    rows = Path(path).read_text(encoding="utf-8").splitlines()
    assert rows[0] == "seq,at,actor,action,object,outcome,details"
    assert all(",user.login," in row for row in rows[1:])
    aud.get_by_label("Action").fill("audit.export")
    aud.get_by_role("button", name="Filter").click()
    expect(aud.get_by_role("cell", name="audit.export")).to_have_count(1)


def _issued_order(nodes: dict[str, demo.Node]) -> str:
    """An Eastland production order, authorised by the judge and issued by the prosecutor."""
    order_id = _submitted_order(nodes)
    api = demo.Api(nodes)
    api.call("XC", "jane", "POST", f"/api/v1/orders/{order_id}/authorise", {"note": "necessary"})
    api.call("XC", "pia", "POST", f"/api/v1/orders/{order_id}/issue", {"note": ""})
    return order_id


@pytest.mark.parametrize("width", [1280, 390])
def test_an_order_printed_to_sign_and_checked_by_its_code_and_file(
    nodes: dict[str, demo.Node], browser: Any, tmp_path: Path, width: int
) -> None:
    xc = nodes["XC"]
    order_id = _issued_order(nodes)
    context = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True)
    pia = context.new_page()
    pia.goto(xc.url + "/")
    pia.get_by_label("User name").fill("pia")
    pia.get_by_label("Password").fill(demo.PASSWORD)
    pia.get_by_role("button", name="Log in").click()
    pia.wait_for_url("**/dashboard")
    pia.goto(f"{xc.url}/orders/{order_id}")
    pia.get_by_role("link", name="Print this order").click()
    # the printable page: the document only, no navigation and no forms
    expect(pia.get_by_role("heading", name=re.compile(f"^Order {order_id}"))).to_be_visible()
    expect(pia.get_by_role("navigation")).to_have_count(0)
    expect(pia.locator("form")).to_have_count(0)
    expect(pia.get_by_role("heading", name="Legal basis")).to_be_visible()
    expect(pia.locator("main")).to_contain_text("Art. 45(1)")
    expect(pia.locator("main")).to_contain_text("Authorised")
    code = pia.locator("dd.code").first.inner_text().strip()
    assert re.fullmatch(r"[0-9a-f]{64}", code)
    pia.emulate_media(media="print")
    shot(pia, f"20-order-printed-{width}")
    # the PDF to sign, then checked by its code and by the file
    pia.goto(f"{xc.url}/orders/{order_id}")
    with pia.expect_download() as download:
        pia.get_by_role("link", name="PDF to sign").click()
    pdf = tmp_path / f"order-{width}.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    pia.goto(f"{xc.url}/documents/verify?code={code}")
    expect(pia.get_by_role("heading", name="Issued by this node")).to_be_visible()
    expect(pia.locator("main")).to_contain_text(f"order {order_id}")
    pia.get_by_label("The printed file (PDF or HTML)").set_input_files(str(pdf))
    pia.get_by_role("button", name="Check the file").click()
    expect(pia.get_by_role("heading", name="Issued by this node")).to_be_visible()
    expect(pia.locator("main")).to_contain_text("byte for byte the file issued")
    shot(pia, f"21-document-checked-{width}")
    pia.get_by_label("Verification code (64 hexadecimal digits)").fill("0" * 64)
    pia.get_by_role("button", name="Check", exact=True).click()
    expect(
        pia.get_by_role("heading", name="Not a document this node issued as it is")
    ).to_be_visible()
    context.close()
