"""uncc: the proposed United Nations Convention on Cybercrime as executable, cited data.

The curated public API is re-exported here; everything else is internal.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from uncc.errors import (
    ConventionDataError,
    TreatyTextError,
    UnccError,
    UnknownProvisionError,
    UserInputError,
)

if TYPE_CHECKING:
    from uncc.convention.text.findings import Finding, Severity
    from uncc.convention.text.lint import lint_treaty
    from uncc.convention.text.parser import parse_treaty
    from uncc.convention.text.source import decode_treaty_bytes
    from uncc.convention.text.tree import ParsedArticle, ParsedTreaty, Unit

_LAZY = {
    "Finding": "uncc.convention.text.findings",
    "Severity": "uncc.convention.text.findings",
    "lint_treaty": "uncc.convention.text.lint",
    "parse_treaty": "uncc.convention.text.parser",
    "decode_treaty_bytes": "uncc.convention.text.source",
    "ParsedArticle": "uncc.convention.text.tree",
    "ParsedTreaty": "uncc.convention.text.tree",
    "Unit": "uncc.convention.text.tree",
}
"""The treaty-text tools, imported on first use so that ``uncc --help`` does not load them."""


def __getattr__(name: str) -> Any:
    """Import a re-exported treaty-text tool on first access (PEP 562)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'uncc' has no attribute {name!r}")
    return getattr(import_module(module), name)


__version__ = "0.1.0"

__all__ = [
    "ConventionDataError",
    "Finding",
    "ParsedArticle",
    "ParsedTreaty",
    "Severity",
    "TreatyTextError",
    "UnccError",
    "Unit",
    "UnknownProvisionError",
    "UserInputError",
    "__version__",
    "decode_treaty_bytes",
    "lint_treaty",
    "parse_treaty",
]
