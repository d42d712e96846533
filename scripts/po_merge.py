"""A git merge driver for the web's catalogs: merges messages, not lines.

The catalogs are sorted by message id, so two branches that add strings touch the same
places and a line merge either conflicts or, as a union, splices entries together. This
driver merges per message: a message added on either side is kept, one removed on a side
that did not change it is removed, and when both sides changed a translation the side
that differs from the common ancestor wins (ours when both do). It writes the result the
way ``scripts/messages.py`` does; run ``make messages`` after a merge to bring the catalog
up to the templates.

Enable it once per clone::

    git config merge.pocatalog.name "per-message merge of .po catalogs"
    git config merge.pocatalog.driver ".venv/bin/python scripts/po_merge.py %O %A %B %P"

(``.gitattributes`` names the driver for ``*.po``; without the config git merges lines.)
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po


def _catalog(path: Path, language: str) -> Catalog:
    with path.open("rb") as source:
        return read_po(source, locale=language)


def _messages(catalog: Catalog) -> dict[object, Message]:
    return {message.id if not message.context else (message.context, message.id): message
            for message in catalog if message.id}  # fmt: skip


def merged(base: Catalog, ours: Catalog, theirs: Catalog) -> Catalog:
    """The per-message merge of two catalogs descending from ``base``."""
    old, mine, other = _messages(base), _messages(ours), _messages(theirs)
    result = Catalog(locale=ours.locale, project=ours.project, fuzzy=False)
    for key in sorted(set(mine) | set(other), key=str):
        here, there, before = mine.get(key), other.get(key), old.get(key)
        if here is None or there is None:
            kept = here or there
            if before is not None and kept is not None and kept.string == before.string:
                continue  # removed on one side, untouched on the other
        elif here.string == there.string or (before is not None and here.string != before.string):
            kept = here
        else:
            kept = there
        if kept is not None:
            result[kept.id] = kept
    return result


def main(argv: list[str]) -> int:
    """Merge ``%O %A %B`` into ``%A`` (git's merge driver protocol); 0 when clean.

    ``%P``, the catalog's path (``locale/<language>/LC_MESSAGES/messages.po``), gives
    the language, hence its plural forms.
    """
    base, ours, theirs = (Path(name) for name in argv[1:4])
    language = Path(argv[4]).parts[-3]
    catalog = merged(*(_catalog(path, language) for path in (base, ours, theirs)))
    with ours.open("wb") as out:
        write_po(out, catalog, omit_header=True, no_location=True, sort_output=True, width=100)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
