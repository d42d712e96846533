"""The web's languages: catalogs up to date and translated, negotiation, dates and amounts."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import zoneinfo
from decimal import Decimal
from pathlib import Path

import pytest

from uncc.entrypoints.web import i18n

ROOT = Path(__file__).resolve().parents[2]


def test_every_marked_string_is_in_every_catalog_and_translated_into_french() -> None:
    """Fails when a template or page has a string the catalogs lack, or French lacks."""
    run = subprocess.run(
        [sys.executable, str(ROOT / "scripts/messages.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr


def test_the_check_names_a_missing_french_translation(tmp_path: Path) -> None:
    """The check itself can fail: an untranslated string in a copy of the catalog."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import messages  # noqa: PLC0415
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    template = messages.extracted()
    template.add("A string nobody translated")
    _text, catalog = messages.updated("fr", template)
    assert "fr: no translation of 'A string nobody translated'" in messages.problems("fr", catalog)


@pytest.mark.parametrize(
    ("own", "header", "node", "expected"),
    [
        ("fr", "en-GB,en;q=0.9", "en", "fr"),  # the user's choice first
        (None, "de-DE,fr-CA;q=0.8,en;q=0.5", "en", "fr"),  # then the browser's, by weight
        (None, "de-DE", "fr", "fr"),  # then the node's
        (None, None, "en", "en"),
        ("xx", "q=;;,", "zz", "en"),  # nonsense falls back to English
    ],
)
def test_the_language_of_a_page(
    own: str | None, header: str | None, node: str, expected: str
) -> None:
    assert i18n.choose(own, header, node) == expected


def test_french_pages_get_french_strings_and_dates() -> None:
    token = i18n.LANGUAGE.set("fr")
    zone = i18n.ZONE.set(zoneinfo.ZoneInfo("Europe/Paris"))
    try:
        assert i18n.gettext("Log out") == "Se déconnecter"
        moment = dt.datetime(2026, 12, 1, 13, 49, tzinfo=dt.UTC)
        assert i18n.local_time(moment) == "1 déc. 2026, 14:49 CET"
        assert i18n.amount(Decimal("1234.56789012345678901234567"), "EUR") == "1\u202f234,57\xa0€"
    finally:
        i18n.ZONE.reset(zone)
        i18n.LANGUAGE.reset(token)


def test_a_date_always_has_its_day_and_zone() -> None:
    zone = i18n.ZONE.set(zoneinfo.ZoneInfo("Asia/Tokyo"))
    try:
        shown = i18n.local_time(dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC))
    finally:
        i18n.ZONE.reset(zone)
    assert shown == "Mar 10, 2026, 6:00\u202fPM JST"


def test_amounts_keep_sensible_precision() -> None:
    assert i18n.amount("0.1234567") == "0.12"
    assert i18n.amount("12", "JPY") == "¥12"
    assert i18n.amount(None) == "—"
    assert i18n.amount("not a number") == "not a number"
