"""Collect every ``cases/*.yaml`` file here as order scenario tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.orders.runner import Scenario, load_scenarios, run


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.suffix == ".yaml" and file_path.parent.name == "cases":
        return OrderScenarioFile.from_parent(parent, path=file_path)
    return None


class OrderScenarioFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        for scenario in load_scenarios(self.path):
            yield OrderScenarioItem.from_parent(self, name=scenario.name, scenario=scenario)


class OrderScenarioItem(pytest.Item):
    def __init__(self, *, scenario: Scenario, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scenario = scenario

    def runtest(self) -> None:
        problems = run(self.scenario)
        if problems:
            raise OrderScenarioError(problems)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, OrderScenarioError):
            return "\n".join(excinfo.value.problems)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"order scenario: {self.name}"


class OrderScenarioError(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems
