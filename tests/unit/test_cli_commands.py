"""The lazy command table of ``uncc``: in sync with the commands, and lazy in fact."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import typer

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
            for m in (
                "pydantic",
                "sqlalchemy",
                "yaml",
                "jinja2",
                "httpx",
                "rich",
                "uncc.convention.model",
            )
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
    assert loaded["heavy"] == ["rich"]  # the help is printed with Rich


def test_analyze_loads_no_database_web_client_or_rich() -> None:
    """``uncc analyze`` of an example, as text: no SQLAlchemy, Jinja, httpx, nor Rich."""
    example = Path(__file__).resolve().parents[2] / "examples/incidents/ransomware-hospital.yaml"
    loaded = _modules_after(["analyze", str(example)])
    assert "uncc.entrypoints.cli.analysis" in loaded["cli"]
    assert loaded["heavy"] == ["pydantic", "yaml", "uncc.convention.model"]


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


LONG_RUNNING = {"serve", "worker", "demo"}
"""Commands that run servers until stopped: they print logs and URLs, no records."""


def _leaves(command: typer.core.TyperCommand | typer.core.TyperGroup, path: str) -> list:
    subs = getattr(command, "commands", None)
    if subs is None:
        return [(path, command)]
    return [leaf for name, sub in subs.items() for leaf in _leaves(sub, f"{path} {name}")]


def _every_command() -> list:
    return [leaf for name in COMMANDS for leaf in _leaves(load(name), name)]


def test_every_command_takes_format_json() -> None:
    """Walks the whole app: every command has the one ``--format`` option, and it takes json."""
    missing = []
    for path, command in _every_command():
        if path in LONG_RUNNING:
            continue
        option = next((p for p in command.params if "--format" in p.opts), None)
        choices = [str(c) for c in (option.type_descriptor.choices or ())] if option else []
        if "json" not in choices:
            missing.append(path)
    assert missing == []


def test_every_command_says_who_may_act_or_needs_no_role() -> None:
    """Each command acting on a node's records says who may (from the role policy) and
    shows an example, in its --help."""
    missing = []
    for path, command in _every_command():
        text = command.epilog or ""
        if "Example: uncc " not in text or not ("Who may: " in text or "Limits: " in text):
            missing.append(path)
    assert missing == []


@pytest.mark.parametrize(
    ("path", "action"),
    [
        ("order renew", "order.renew"),
        ("order authorise", "order.authorise"),
        ("order refuse", "order.authorise"),
        ("evidence add", "evidence.add"),
        ("protect disclose", "protected.disclose"),
        ("audit", "audit.read"),
        ("user add", "user.manage"),
    ],
)
def test_who_may_is_the_role_policy(path: str, action: str) -> None:
    """The roles --help names are those the role policy allows, no more, no fewer."""
    from uncc.domain.policy import POLICY, Action  # noqa: PLC0415

    (command,) = [c for p, c in _every_command() if p == path]
    said = (command.epilog or "").split("Who may: ", 1)[1].split(" (the role policy", 1)[0]
    allowed = {r.value.replace("_", " ") for r in POLICY[Action(action)]}
    assert set(said.split(", ")) == allowed
