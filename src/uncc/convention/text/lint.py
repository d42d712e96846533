"""Run every registered lint check over a parsed treaty."""

from __future__ import annotations

import importlib

from uncc.convention.text.checks import CHECK_MODULES, REGISTRY, Check
from uncc.convention.text.context import LintContext
from uncc.convention.text.findings import Finding, Severity
from uncc.convention.text.tree import ParsedTreaty


def load_checks() -> dict[str, Check]:
    """Import every check module so that it registers, and return the registry."""
    for name in CHECK_MODULES:
        importlib.import_module(f"uncc.convention.text.checks.{name}")
    return REGISTRY


def lint_treaty(treaty: ParsedTreaty) -> list[Finding]:
    """Every finding of every check, ordered by article, line and code.

    >>> from uncc.convention.text.parser import parse_treaty
    >>> text = "Article 1. Terms\\nEach Party shall apply article 9 to the the data."
    >>> [f.code for f in lint_treaty(parse_treaty(text))]
    ['doubled-word', 'ref-unresolved']
    """
    context = LintContext(treaty)
    findings: list[Finding] = []
    for check in load_checks().values():
        findings.extend(check.function(context))
    return sorted(findings, key=lambda f: (f.article, f.line, f.code, f.id, f.message))


def worst(findings: list[Finding]) -> Severity | None:
    """The highest severity among the findings, or ``None`` when there are none."""
    return max((f.severity for f in findings), key=lambda s: s.rank, default=None)
