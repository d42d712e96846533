"""The web's languages: Babel catalogs (English, French), the reader's locale, formatting.

Strings are marked with ``_()`` (and ``ngettext``) in Python and in the templates
(Jinja2's ``i18n`` extension). The catalogs are the ``.po`` files under ``locale/``
(``make messages`` extracts and updates them); they are compiled in memory the first
time a language is used, so a clean clone and the wheel need no build step and no
compiled file can be older than its source (ADR 0028).

The language and time zone a page is rendered in are set per request
(:data:`LANGUAGE`, :data:`ZONE`): the user's own choice, else the browser's
``Accept-Language``, else the node's setting.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import decimal
import functools
import io
import zoneinfo
from pathlib import Path

from babel import Locale, UnknownLocaleError, dates, numbers
from babel.core import negotiate_locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALES = Path(__file__).with_name("locale")
"""``locale/<language>/LC_MESSAGES/messages.po``, and the template ``messages.pot``."""
LANGUAGES = ("en", "fr")
"""The languages the pages are written in; English is the source language."""
NAMES = {"en": "English", "fr": "Français"}
"""Each language in its own words, for the choice on the account page."""

LANGUAGE: contextvars.ContextVar[str] = contextvars.ContextVar("language", default="en")
"""The language of the page being rendered (or the answer being prepared)."""
ZONE: contextvars.ContextVar[zoneinfo.ZoneInfo | None] = contextvars.ContextVar(
    "zone", default=None
)
"""The time zone of the user the page being rendered is for (``None``: UTC)."""


@functools.cache
def translations(language: str) -> Translations:
    """The catalog of ``language``, compiled from its ``.po`` file once (fuzzy entries left out)."""
    po = LOCALES / language / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as source:
        catalog = read_po(source, locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled)


def gettext(message: str) -> str:
    """``message`` in the current language (itself when it has no translation)."""
    return translations(LANGUAGE.get()).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural form for ``count``, in the current language."""
    return translations(LANGUAGE.get()).ngettext(singular, plural, count)


_ = gettext


def N_(message: str) -> str:  # noqa: N802 - the usual name of gettext's no-op marker
    """Mark ``message`` for extraction only: translated later, where it is shown."""
    return message


def known(language: str | None) -> str | None:
    """``language`` when the pages are written in it (``fr-CA`` → ``fr``), else ``None``."""
    if not language:
        return None
    return negotiate_locale([language.strip()], LANGUAGES, sep="-") or negotiate_locale(
        [language.strip()], LANGUAGES, sep="_"
    )


def from_header(header: str | None) -> str | None:
    """The best of :data:`LANGUAGES` for an ``Accept-Language`` header, by its weights.

    >>> from_header("de-DE,fr-CA;q=0.8,en;q=0.5")
    'fr'
    >>> from_header("de, *;q=0.1") is None
    True
    """
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((header or "").split(",")[:32]):
        tag, _sep, parameters = part.strip().partition(";")
        weight = 1.0
        name, _eq, value = parameters.strip().partition("=")
        if name.strip() == "q":
            try:
                weight = float(value)
            except ValueError:
                weight = 0.0
        if tag.strip() and tag.strip() != "*" and weight > 0:
            ranked.append((-weight, position, tag.strip()))
    for _weight, _position, tag in sorted(ranked):
        found = known(tag)
        if found:
            return found
    return None


def choose(own: str | None, header: str | None, node_default: str) -> str:
    """The language of a page: the user's choice, else the browser's, else the node's."""
    return known(own) or from_header(header) or known(node_default) or LANGUAGES[0]


def _locale() -> Locale:
    try:
        return Locale.parse(LANGUAGE.get())
    except (UnknownLocaleError, ValueError):
        return Locale.parse(LANGUAGES[0])


def local_time(moment: dt.datetime) -> str:
    """A time in the reader's zone and language, with its date and the zone (naive = UTC).

    >>> local_time(dt.datetime(2026, 12, 1, 14, 49))
    'Dec 1, 2026, 2:49\\u202fPM UTC'
    """
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    local = aware.astimezone(ZONE.get() or dt.UTC)
    locale = _locale()
    pattern = str(dates.get_datetime_format("medium", locale=locale)).replace("'", "")
    text = pattern.replace("{0}", dates.format_time(local, "short", locale=locale)).replace(
        "{1}", dates.format_date(local, "medium", locale=locale)
    )
    return f"{text} {local.strftime('%Z')}"


def local_date(day: dt.date) -> str:
    """A date in the reader's language (``1 déc. 2026``)."""
    return dates.format_date(day, "medium", locale=_locale())


def amount(value: object, currency: str | None = None) -> str:
    """An amount in the reader's language: with its currency's usual decimals when it has one.

    Without a currency, at most two decimals (traced amounts carry many more).

    >>> amount(decimal.Decimal("1234.56789012345678901234567"), "EUR")
    '€1,234.57'
    >>> amount("1234.5")
    '1,234.5'
    """
    if value is None or value == "":
        return "—"
    try:
        number = decimal.Decimal(str(value))
    except decimal.InvalidOperation:
        return str(value)
    locale = _locale()
    if currency:
        try:
            return numbers.format_currency(number, currency.upper(), locale=locale)
        except (numbers.UnknownCurrencyError, ValueError):
            return f"{numbers.format_decimal(number, '#,##0.##', locale=locale)} {currency}"
    return numbers.format_decimal(number, "#,##0.##", locale=locale)
