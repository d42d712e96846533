"""Extract the web's strings and bring every catalog up to date (``make messages``).

Reads ``babel.cfg`` (Python ``_()``/``ngettext``/``N_`` and the templates' ``{{ _() }}``
and ``{% trans %}``), then writes ``locale/<language>/LC_MESSAGES/messages.po`` for
each language: new strings added untranslated, strings gone removed, no line numbers
(so moving code changes no catalog), sorted by message id (so parallel branches merge).

``--check`` writes nothing: exits 1, naming them, when a catalog is stale (differs from
what this would write), a French string is missing or fuzzy, or a translation's
placeholders do not match its message's.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
LOCALES = ROOT / "src/uncc/entrypoints/web/locale"
LANGUAGES = ("en", "fr")
TRANSLATED = ("fr",)
"""Languages every string must be translated into (English is the source language)."""


def extracted() -> Catalog:
    """Every marked string of the web package, as a template catalog."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    template = Catalog(project="uncc", fuzzy=False)
    for path, lineno, message, comments, context in extract_from_dir(
        ROOT, method_map, options_map, strip_comment_tags=True
    ):
        template.add(message, None, [(path, lineno)], auto_comments=comments, context=context)
    return template


def updated(language: str, template: Catalog) -> tuple[bytes, Catalog]:
    """The catalog of ``language`` brought up to ``template``: its new text, and it."""
    po = LOCALES / language / "LC_MESSAGES" / "messages.po"
    if po.exists():
        with po.open("rb") as source:
            catalog = read_po(source, locale=language)
    else:
        catalog = Catalog(locale=language, project="uncc")
    catalog.update(template, no_fuzzy_matching=True)
    catalog.obsolete.clear()
    out = io.BytesIO()
    write_po(out, catalog, omit_header=True, no_location=True, sort_output=True, width=100)
    written = out.getvalue()
    return written, read_po(io.BytesIO(written), locale=language)


def problems(language: str, catalog: Catalog) -> list[str]:
    """What is wrong with a catalog beyond staleness: missing, fuzzy, bad placeholders."""
    found = [
        f"{language}: {message.id!r}: {error}"
        for message, errors in catalog.check()
        for error in errors
    ]
    if language in TRANSLATED:
        for message in catalog:
            if not message.id:
                continue
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if message.fuzzy or not all(strings):
                found.append(f"{language}: no translation of {message.id!r}")
    return found


def main(argv: list[str]) -> int:
    """Update the catalogs, or with ``--check`` say what is stale or untranslated."""
    check = "--check" in argv
    template = extracted()
    wrong: list[str] = []
    for language in LANGUAGES:
        text, catalog = updated(language, template)
        po = LOCALES / language / "LC_MESSAGES" / "messages.po"
        if check:
            if not po.exists() or po.read_bytes() != text:
                wrong.append(f"{language}: {po.relative_to(ROOT)} is stale: run make messages")
        else:
            po.parent.mkdir(parents=True, exist_ok=True)
            po.write_bytes(text)
        wrong += problems(language, catalog)
    for line in wrong:
        print(line, file=sys.stderr)
    return 1 if wrong and check else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
