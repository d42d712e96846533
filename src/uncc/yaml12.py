"""YAML with YAML 1.2 booleans, for every file a user writes.

PyYAML follows YAML 1.1, where ``NO`` (Norway), ``yes``, ``on`` and ``off`` are
booleans. In facts and profiles that silently turns a State code into ``false``; this
loader reads only ``true`` and ``false`` as booleans.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

_BOOL = "tag:yaml.org,2002:bool"


class _Loader(yaml.SafeLoader):
    """A safe loader whose only booleans are ``true`` and ``false``."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _BOOL]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def load_yaml(text: str) -> Any:
    r"""Parse YAML (or JSON) text.

    >>> load_yaml("state: NO\nok: true")
    {'state': 'NO', 'ok': True}
    """
    return yaml.load(text, Loader=_Loader)
