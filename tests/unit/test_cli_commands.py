"""The lazy command table of ``uncc``: in sync with the commands, and lazy in fact."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from uncc.entrypoints.cli.commands import COMMANDS, first_paragraph, load


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_table_says_what_the_command_says(name: str) -> None:
    """The one-line help ``uncc --help`` prints is the command's own first paragraph."""
    command = load(name)
    assert command.name == name
    assert first_paragraph(command.short_help or command.help) == COMMANDS[name].summary


def _modules_after(args: list[str]) -> dict[str, list[str]]:
    """The uncc and third-party modules a fresh interpreter has loaded after ``uncc ARGS``."""
    probe = (
        "import json, sys\n"
        "from uncc.entrypoints.cli.main import app\n"
        "try:\n"
        f"    app({args!r}, standalone_mode=False)\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    return {
        "cli": [m for m in loaded if m.startswith("uncc.entrypoints.cli.")],
        "heavy": [
            m
            for m in ("pydantic", "sqlalchemy", "yaml", "jinja2", "httpx", "uncc.convention.model")
            if m in loaded
        ],
    }


def test_help_lists_every_command_and_imports_none() -> None:
    """``uncc --help`` loads no command's module, nor the Convention, SQLAlchemy or pydantic."""
    loaded = _modules_after(["--help"])
    assert loaded["cli"] == [
        "uncc.entrypoints.cli.commands",
        "uncc.entrypoints.cli.main",
        "uncc.entrypoints.cli.remote",
    ]
    assert loaded["heavy"] == []


def test_a_command_loads_only_its_own_modules() -> None:
    """``uncc analyze --help`` loads the analysis command, not the node's database or web."""
    loaded = _modules_after(["analyze", "--help"])
    assert "uncc.entrypoints.cli.analysis" in loaded["cli"]
    assert "uncc.entrypoints.cli.demo" not in loaded["cli"]
    assert "uncc.entrypoints.cli.desk" not in loaded["cli"]
    assert "sqlalchemy" not in loaded["heavy"]


def test_help_lists_each_command_with_its_line(capsys: pytest.CaptureFixture[str]) -> None:
    """Every command of the table appears in ``uncc --help`` (in the table's order)."""
    from uncc.entrypoints.cli.main import app  # noqa: PLC0415

    with pytest.raises(SystemExit):
        app(["--help"], prog_name="uncc")
    shown = capsys.readouterr().out
    lines = [line.strip("│ ").split(" ")[0] for line in shown.splitlines()]
    positions = [lines.index(name) if name in lines else -1 for name in COMMANDS]
    assert all(p >= 0 for p in positions), [
        n for n, p in zip(COMMANDS, positions, strict=True) if p < 0
    ]
    assert positions == sorted(positions)


def test_an_unknown_command_is_answered_with_the_closest() -> None:
    """A typo names the command meant, though none is loaded yet."""
    done = subprocess.run(
        [sys.executable, "-c", "from uncc.entrypoints.cli.main import run; run()", "anlyze"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert "Did you mean 'analyze'?" in done.stderr
