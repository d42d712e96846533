"""uncc: the proposed United Nations Convention on Cybercrime as executable, cited data.

The curated public API is re-exported here; everything else is internal.
"""

from __future__ import annotations

from uncc.convention.text.findings import Finding, Severity
from uncc.convention.text.lint import lint_treaty
from uncc.convention.text.parser import parse_treaty
from uncc.convention.text.source import decode_treaty_bytes
from uncc.convention.text.tree import ParsedArticle, ParsedTreaty, Unit
from uncc.errors import (
    ConventionDataError,
    TreatyTextError,
    UnccError,
    UnknownProvisionError,
    UserInputError,
)

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
