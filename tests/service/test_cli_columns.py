"""The CLI's listings in an 80-column terminal: ids whole, lines within 80; the same as JSON."""

from __future__ import annotations

import io
import itertools
import json

import pytest
from typer.testing import CliRunner

from tests.service.conftest import Node, facts
from uncc.domain.orders import Command, Target
from uncc.entrypoints.cli import desk_local as cli_desk
from uncc.entrypoints.cli import main as cli_main
from uncc.services import cases, evidence, orders
from uncc.services.context import Principal
from uncc.services.orders import DraftRequest


def _work(node: Node) -> dict[str, str]:
    """A case with a long title, an authorised order and a sealed evidence item."""
    case = cases.open_case(
        node.ctx,
        node.ivan,
        facts("insider-company"),
        title="Designs of the new turbine taken by an insider and offered to a competitor abroad",
    ).id
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
    orders.order_command(node.ctx, node.jane, order.id, Command.AUTHORISE, "lawful")
    item = evidence.add_evidence(
        node.ctx,
        node.ivan,
        case,
        source=io.BytesIO(b"designs"),
        filename="turbine designs exported from the engineering file server 2026-03-02.zip",
        acquisition={"tool": "dd", "tool_version": "9.1", "place": "the insider's office"},
        order_id=order.id,
    )
    evidence.set_sealed(node.ctx, node.pia, item.id, sealed=True, note="kept for trial")
    return {"case": case, "order": order.id, "item": item.id}


def _as(node: Node, who: Principal, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli_desk, "context", lambda: node.ctx)
    monkeypatch.setattr(cli_desk, "principal", lambda: who)


def _run(args: list[str], columns: int = 80) -> str:
    result = CliRunner().invoke(cli_main.app, args, env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    return result.output


def test_listings_keep_ids_whole_at_80_columns(node: Node, monkeypatch: pytest.MonkeyPatch) -> None:
    """case, order and evidence listings: each id the next command needs is printed whole,
    no line is wider than the terminal (80 columns, and narrower); the long title and file
    name fold instead."""
    ids = _work(node)
    _as(node, node.pia, monkeypatch)
    for columns, (args, wanted) in itertools.product(
        (80, 60),
        (
            (["case", "list"], [ids["case"]]),
            (["order", "list"], [ids["order"], ids["case"]]),
            (["evidence", "list"], [ids["item"], ids["case"]]),
        ),
    ):
        shown = _run(args, columns)
        assert all(len(line) <= columns for line in shown.splitlines()), shown
        for wanted_id in wanted:
            assert wanted_id in shown, (args, shown)
        assert "C-2026…" not in shown
        assert "O-2026…" not in shown


def test_format_json_gives_the_same_records(node: Node, monkeypatch: pytest.MonkeyPatch) -> None:
    """--format json prints the records a script needs, the action commands the record made."""
    ids = _work(node)
    _as(node, node.pia, monkeypatch)
    assert [c["id"] for c in json.loads(_run(["case", "list", "--format", "json"]))] == [
        ids["case"]
    ]
    assert json.loads(_run(["order", "show", ids["order"], "-f", "json"]))["state"] == "authorised"
    (item,) = json.loads(_run(["evidence", "list", "--format", "json"]))
    assert item["id"] == ids["item"]
    assert len(item["sha256"]) == 64
    issued = json.loads(_run(["order", "issue", ids["order"], "--format", "json"]))
    assert (issued["id"], issued["state"]) == (ids["order"], "issued")
    released = json.loads(
        _run(["evidence", "release", ids["item"], "--note", "trial over", "-f", "json"])
    )
    assert (released["id"], released["sealed"]) == (ids["item"], False)


def test_custody_reads_as_rows_not_python(node: Node, monkeypatch: pytest.MonkeyPatch) -> None:
    """evidence custody: one line per event and its details as key: value, no dict literal."""
    ids = _work(node)
    _as(node, node.ivan, monkeypatch)
    shown = _run(["evidence", "custody", ids["item"]])
    assert "{" not in shown
    assert "'" not in shown
    assert f"order: {ids['order']}" in shown, shown
    assert "note: kept for trial" in shown, shown
    entries = json.loads(_run(["evidence", "custody", ids["item"], "--format", "json"]))
    assert [e["seq"] for e in entries] == sorted(e["seq"] for e in entries)
    assert shown.count("\n#") + shown.startswith("#") == len(entries)
