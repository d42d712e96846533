"""Handling codes in the envelope: retention is a whole number of days, older messages get the default."""

from __future__ import annotations

import datetime as dt

import pytest

from uncc.domain.envelope import (
    RETENTION_DAYS,
    Envelope,
    EnvelopeError,
    Handling,
    Onward,
    Rejection,
    parse,
)

NOW = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)


def signed(**handling: object) -> dict[str, object]:
    data = Envelope(
        type="consultation",
        sender="XA",
        recipient="XB",
        body={"text": "hello"},
        created=NOW,
        expires=NOW + dt.timedelta(days=1),
        conversation="c",
        handling=Handling(onward=Onward.NONE, retention_days=30),
    ).as_json()
    data["handling"] = {**data["handling"], **handling}
    return data


def test_retention_travels_and_an_older_message_gets_the_default() -> None:
    assert parse(signed()).handling.retention_days == 30
    legacy = signed()
    del legacy["handling"]["retention_days"]  # type: ignore[attr-defined]
    assert parse(legacy).handling.retention_days == RETENTION_DAYS


@pytest.mark.parametrize("wrong", [0, 3651, "30", True, 1.5])
def test_a_retention_that_is_not_a_number_of_days_is_malformed(wrong: object) -> None:
    with pytest.raises(EnvelopeError) as refused:
        parse(signed(retention_days=wrong))
    assert refused.value.reason is Rejection.MALFORMED
    assert "handling.retention_days" in refused.value.detail
