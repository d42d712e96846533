"""Lint findings: problems of a treaty text, returned as data rather than raised."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from uncc.types import ProvisionId


class Severity(StrEnum):
    """How much a finding matters to a drafter.

    ``error``: the text says something that cannot be applied as written.
    ``warning``: the text is inconsistent or ambiguous and should be mended.
    ``info``: a form or style slip that does not change the meaning.
    """

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """2 for errors, 1 for warnings, 0 for info."""
        return {"error": 2, "warning": 1, "info": 0}[self.value]


@dataclass(frozen=True)
class Finding:
    """One defect of a treaty text.

    Attributes:
        code: the check that found it (e.g. ``ref-unresolved``).
        severity: error, warning or info.
        article: the article number.
        id: the unit the finding is about.
        message: what is wrong, in one or two sentences.
        line: the line of the text where the unit starts.
        evidence: the words of the text that show it.
    """

    code: str
    severity: Severity
    article: int
    id: ProvisionId
    message: str
    line: int
    evidence: tuple[str, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        """The stable JSON shape of ``uncc convention lint``."""
        return {
            "code": self.code,
            "severity": self.severity.value,
            "article": self.article,
            "id": self.id,
            "line": self.line,
            "message": self.message,
            "evidence": list(self.evidence),
        }
