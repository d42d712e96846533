"""Every network message kind reads as words (issue 19 item 4): its name, its fields' labels."""

from __future__ import annotations

from importlib import resources

from uncc.domain import cooperation
from uncc.domain.message_view import provision_words, view, words
from uncc.domain.messages import REGISTRY
from uncc.yaml12 import load_yaml


def test_every_message_kind_has_a_name_from_cooperation_yaml() -> None:
    data = load_yaml(
        resources.files("uncc.domain.data").joinpath("cooperation.yaml").read_text("utf-8")
    )
    named = set(data["kinds"]) | set(data["messages"])
    unnamed = {kind for kind, _ in REGISTRY} - named - {"deconfliction_key"}  # hub to node only
    assert unnamed == set()
    assert cooperation.message_label("refusal") == data["messages"]["refusal"]
    assert (
        cooperation.message_label("preservation_request")
        == data["kinds"]["preservation_request"]["label"]
    )


def test_a_refusal_reads_as_its_ground_with_the_provision_as_cited() -> None:
    shown = view(
        "refusal",
        {
            "reason": "measure_not_available",
            "grounds": ["reservation"],
            "detail": "interception is not available under our law",
            "scope": "conditional",
            "conditions": ["a judge's order from the requesting State"],
        },
    )
    assert shown.title == "Refusal"
    assert shown.headline == (
        "the measure is not available under the requested State's law [Art. 41(1)]"
    )
    rows = {r.label: r for r in shown.rows}
    assert rows["Further grounds"].items == ("a reservation of the requested State [Art. 41(3)]",)
    assert rows["Refused"].text == "unless conditions are met"
    assert rows["Conditions"].items == ("a judge's order from the requesting State",)


def test_values_in_words() -> None:
    assert words("formal_request_to_follow", True) == "yes"
    assert words("status", "awaiting_authorisation") == "awaiting authorisation"
    assert words("status", "new") == "a new request"
    assert words("at", "2026-03-02T01:14:03+00:00") == "2026-03-02 01:14 UTC"
    assert words("reference", "9f1c2e0a-7c55-4a4e-9d3b-0d1f5a2b9e11") == "9f1c2e0a"
    assert words("reference", "NCU-2026-0311/P9") == "NCU-2026-0311/P9"
    assert provision_words("art_45__para_1__point_b") == "Art. 45(1)(b)"
    assert provision_words("CETS 224 art. 9") == "CETS 224 art. 9"


def test_our_records_are_linked_and_theirs_are_not() -> None:
    body = {"outcome": "preserved", "details": "done", "order": "XB-O-2026-0001"}
    mine = {r.field: r for r in view("execution_result", body, ours=True).rows}
    theirs = {r.field: r for r in view("execution_result", body).rows}
    assert mine["order"].ref == ("order", "XB-O-2026-0001")
    assert theirs["order"].ref is None
    ack = {
        r.field: r for r in view("acknowledgment", {"reference": "XB-C-2026-0003"}, ours=True).rows
    }
    assert ack["reference"].ref == ("case", "XB-C-2026-0003")


def test_a_label_may_be_the_kinds_own() -> None:
    update = {r.field: r for r in view("status_update", {"status": "under_review"}).rows}
    asked = {r.field: r for r in view("preservation_request", {"status": "new"}).rows}
    assert (update["status"].label, update["status"].text) == ("Status", "under review")
    assert (asked["status"].label, asked["status"].text) == (
        "New request or extension",
        "a new request",
    )
