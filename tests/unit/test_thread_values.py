"""Message bodies on the request page read as words, not JSON (issue 19 item 4)."""

from __future__ import annotations

from uncc.entrypoints.web.kit import ENV


def test_a_body_reads_as_labels_and_words() -> None:
    body = {
        "contact": {"email": "duty@xa.example", "time_zone": "UTC"},
        "formal_request_to_follow": True,
        "urgent": False,
        "status": "under_review",
        "offences": ["illegal_access", "data_interference"],
        "data": [{"description": "the server's logs", "link_to_offence": None}],
        "reference": "NCU-2026-0311/P9",
    }
    macros = ENV.from_string('{% import "values.html" as v %}{{ v.show(body) }}')
    html = macros.render(body=body)
    assert "{" not in html
    assert "&#34;" not in html
    assert "<dt>Formal request to follow</dt><dd>yes</dd>" in html
    assert "<dt>Urgent</dt><dd>no</dd>" in html
    assert "<dt>Status</dt><dd>under review</dd>" in html
    assert "illegal access, data interference" in html
    assert "<dt>Email</dt><dd>duty@xa.example</dd>" in html
    assert "<dt>Link to offence</dt><dd>—</dd>" in html
    assert "the server&#39;s logs" in html  # escaped once, shown as an apostrophe
    assert "NCU-2026-0311/P9" in html
