"""The proceeds flow: a ledger traced on the web, drawn as a graph of accounts per model."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from tests.service.conftest import Node, facts
from tests.service.test_web import login
from uncc.config import Settings
from uncc.domain.proceeds_flow import follow
from uncc.domain.tracing import Model, Transfer
from uncc.entrypoints.api.app import create_app
from uncc.errors import UserInputError
from uncc.services import cases, proceeds
from uncc.services.reports.flow_svg import amount, flow_svg

SVG = "{http://www.w3.org/2000/svg}"
LEDGER = (
    "id,source,target,amount,tainted\n"
    "t1,,wallet-1,38.5,true\n"
    "t2,,wallet-1,10,false\n"
    "t3,wallet-1,mixer,30,false\n"
    "t4,mixer,wallet-2,29.9,false\n"
    "t5,wallet-2,,5,false\n"
)


def transfers() -> list[Transfer]:
    rows = [line.split(",") for line in LEDGER.splitlines()[1:]]
    return [Transfer(r[0], r[1] or None, r[2] or None, Decimal(r[3]), r[4] == "true") for r in rows]


def test_one_pass_follows_each_model_as_tracing_it_alone_would() -> None:
    flow, results = follow(transfers(), (Model.FIFO, Model.HAIRCUT, Model.POISON), "BTC")
    assert flow.accounts["wallet-1"]["fifo"] == Decimal("8.5")
    assert flow.accounts["wallet-1"]["poison"] == Decimal("18.5")  # the whole balance
    assert flow.accounts["wallet-2"]["fifo"] == Decimal("24.9")
    into_mixer = next(e for e in flow.edges if e.target == "mixer")
    assert into_mixer.carried["fifo"] == Decimal(30)
    assert Decimal(23) < into_mixer.carried["haircut"] < Decimal(24)
    assert (
        results[Model.HAIRCUT].holdings["wallet-1"].tainted == flow.accounts["wallet-1"]["haircut"]
    )


@pytest.mark.parametrize(
    ("value", "currency", "shown"),
    [
        (Decimal("23.81443298969072164948453608"), "BTC", "23.81443299 BTC"),
        (Decimal("1234.5"), "EUR", "1,234.50 EUR"),
        (Decimal("1234.5"), "JPY", "1,234 JPY"),
        (Decimal("30.000000"), "BTC", "30 BTC"),
        (Decimal("0.1"), "", "0.1"),
    ],
)
def test_amounts_carry_their_currency_at_a_sensible_precision(
    value: Decimal, currency: str, shown: str
) -> None:
    assert amount(value, currency) == shown


def test_the_case_page_draws_the_traced_ledger(node: Node) -> None:
    case = cases.open_case(node.ctx, node.ivan, facts("insider-company"))
    with TestClient(create_app(Settings(), node.ctx), follow_redirects=False) as client:
        csrf = login(client, "ivan")
        done = client.post(
            f"/cases/{case.id}/property",
            data={"csrf": csrf, "basis": "ict_theft", "model": "haircut", "currency": "btc"},
            files={"ledger": ("ledger.csv", LEDGER.encode(), "text/csv")},
        )
        assert done.status_code == 303, done.text
        page = client.get(f"/cases/{case.id}").text
    found = re.search(r'<svg [^>]*id="proceeds-flow-1".*?</svg>', page, re.S)
    assert found
    svg = ET.fromstring(found.group(0))
    assert svg.find(f"{SVG}title") is not None
    desc = svg.find(f"{SVG}desc")
    assert desc is not None
    assert "poison (upper bound) 38.5 BTC" in (desc.text or "")
    boxes = {g.get("data-account"): g for g in svg.iter(f"{SVG}g") if g.get("class") == "account"}
    assert set(boxes) == {"wallet-1", "mixer", "wallet-2", "into the ledger", "out of the ledger"}
    lines = [t.text for t in boxes["wallet-1"].iter(f"{SVG}text")]
    assert "holds 18.5 BTC" in lines
    assert "FIFO: 8.5 BTC" in lines
    assert "poison (upper bound): 18.5 BTC" in lines
    assert any(line and line.startswith("haircut: 14.6855") for line in lines)
    arrows = [g for g in svg.iter(f"{SVG}g") if g.get("class") == "transfer"]
    assert len(arrows) == 4  # into wallet-1 (summed), to the mixer, to wallet-2, out
    labels = {t.text for g in arrows for t in g.iter(f"{SVG}text")}
    assert {"48.5 BTC", "30 BTC", "29.9 BTC", "5 BTC"} <= labels
    assert not re.search(r"\d\.\d{9,}", found.group(0))  # no 26 decimals anywhere
    assert not re.search(r"<td class=\"amount\">[\d.]+\d{9,}", page)
    item = proceeds.list_property(node.ctx, node.ivan, case.id)[0]
    assert f"<td>{item.id}</td>" in page


def test_a_bad_currency_is_refused_and_nothing_is_stored(node: Node) -> None:
    case = cases.open_case(node.ctx, node.ivan, facts("insider-company"))
    with pytest.raises(UserInputError, match="currency:"):
        proceeds.register_traced(
            node.ctx,
            node.ivan,
            case.id,
            transfers=transfers(),
            model=Model.FIFO,
            basis="ict_theft",
            locations={},
            currency="bitcoin",
        )
    assert proceeds.list_flows(node.ctx, node.ivan, case.id) == []
    assert proceeds.list_property(node.ctx, node.ivan, case.id) == []


def test_a_large_ledger_keeps_its_largest_links_and_counts_the_rest() -> None:
    from uncc.domain.proceeds_flow import KEEP_LINKS  # noqa: PLC0415

    ledger = [Transfer("in", None, "hub", Decimal(10_000), tainted=True)]
    ledger += [
        Transfer(f"t{i}", "hub", f"leaf-{i}", Decimal(i + 1)) for i in range(KEEP_LINKS + 10)
    ]
    flow, _ = follow(ledger, (Model.FIFO,), "EUR")
    assert len(flow.edges) == KEEP_LINKS
    assert flow.links_left_out == 11  # 411 links: the entry and 410 payouts
    assert flow.edges[0].source is None  # the largest link: 10,000 into the hub
    svg = ET.fromstring(flow_svg(flow, ident="f", title="big"))
    arrows = [g for g in svg.iter(f"{SVG}g") if g.get("class") == "transfer"]
    assert 0 < len(arrows) <= 80
    desc = svg.find(f"{SVG}desc")
    assert desc is not None
    assert "smaller links are not drawn" in (desc.text or "")
