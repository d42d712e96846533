"""The example deployment (``deploy/``, ``docs/deploy.md``) agrees with the code.

Every ``uncc …`` command line in a systemd unit, the compose file, the Dockerfile or a
``sh`` block of the deployment guide is accepted by the ``uncc`` command (parsed by
its Typer app, not run); every ``UNCC_*`` variable is a setting; the proxy's limits
are the node's.
"""

from __future__ import annotations

import configparser
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import typer
import typer.core
import yaml

from uncc.config import Settings
from uncc.entrypoints.cli.main import app

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
GUIDE = ROOT / "docs" / "deploy.md"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))
COMPOSE = DEPLOY / "compose" / "compose.yaml"
PROXIES = [DEPLOY / "nginx" / "uncc.conf", DEPLOY / "compose" / "nginx.conf"]
SETTINGS = {f"UNCC_{name.upper()}" for name in Settings.model_fields}
DEFAULT = {name: field.default for name, field in Settings.model_fields.items()}
"""The settings' defaults (not this process's environment)."""
CLI_ERROR: type[Exception] = next(
    c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException"
)
"""What the CLI's parser raises on a usage error (Typer carries its own copy of click)."""
OPERATORS = {"|", "||", "&&", ";", "<", ">", "2>", ">>"}


def accepts(argv: list[str]) -> None:
    """Parse ``uncc <argv>`` as the CLI would, down to the command, without running it.

    Raises:
        CLI_ERROR: an unknown command or option, a bad or missing value.
    """
    command: Any = typer.main.get_command(app)
    name = "uncc"
    parent: Any = None
    args = list(argv)
    while True:
        try:
            ctx = command.make_context(name, args, parent=parent)
        except typer.Exit as done:  # --help, --version: accepted
            if done.exit_code:
                raise
            return
        if not isinstance(command, typer.core.TyperGroup):
            return
        rest = [*ctx._protected_args, *ctx.args]  # what the group left for its sub-command
        if not rest:
            raise typer.BadParameter(f"uncc {' '.join(argv)}: no command")
        name, command, args = command.resolve_command(ctx, rest)
        parent = ctx


def _unit(path: Path) -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(path.read_text(encoding="utf-8"))
    return parser


def _uncc_in(words: list[str]) -> list[list[str]]:
    """The ``uncc`` invocations in a shell command line: the arguments of each."""
    found: list[list[str]] = []
    segment: list[str] = []
    for word in [*words, ";"]:
        if word in OPERATORS:
            if segment and Path(segment[0]).name == "uncc":
                found.append(segment[1:])
            segment = []
        else:
            segment.append(word)
    return found


def _compose() -> dict[str, Any]:
    # PyYAML: compose files use merge keys (<<), which YAML 1.2 does not have
    data = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _guide_lines() -> list[str]:
    blocks = re.findall(r"```sh\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)
    return [line for block in blocks for line in block.replace("\\\n", " ").splitlines()]


def command_lines() -> list[tuple[str, list[str]]]:
    """Every ``uncc`` invocation in the examples and the guide, with where it is."""
    found: list[tuple[str, list[str]]] = []
    for path in UNITS:
        service = _unit(path)["Service"]
        for key in ("ExecStart", "ExecStartPre", "ExecStartPost", "ExecReload"):
            if key in service:
                found += [(f"{path.name} {key}", a) for a in _uncc_in(shlex.split(service[key]))]
    for name, service in _compose()["services"].items():
        command = service.get("command")
        if command is not None:
            words = command if isinstance(command, list) else shlex.split(command)
            found += [(f"compose.yaml {name}", a) for a in _uncc_in([str(w) for w in words])]
    dockerfile = (DEPLOY / "compose" / "Dockerfile").read_text(encoding="utf-8")
    for cmd in re.findall(r"^CMD (\[.*\])$", dockerfile, re.M):
        found += [("Dockerfile CMD", a) for a in _uncc_in(shlex.split(cmd.strip("[]").replace(",", " ")))]  # fmt: skip
    for line in _guide_lines():
        found += [(f"deploy.md: {line.strip()}", a) for a in _uncc_in(shlex.split(line))]
    return found


def test_the_examples_hold_the_commands_of_each_deployment() -> None:
    where = {w.split(" ")[0] for w, _ in command_lines()}
    assert {"uncc.service", "uncc-api.service", "uncc-worker.service", "uncc-migrate.service"} <= where  # fmt: skip
    assert {"compose.yaml", "Dockerfile", "deploy.md:"} <= where
    commands = {" ".join(a[:1]) for _, a in command_lines()}
    assert {"serve", "worker", "node"} <= commands


@pytest.mark.parametrize(("where", "argv"), command_lines(), ids=lambda v: str(v)[:60])
def test_every_uncc_command_line_is_accepted_by_the_cli(where: str, argv: list[str]) -> None:
    try:
        accepts(argv)
    except CLI_ERROR as exc:
        pytest.fail(f"{where}: {exc}")


@pytest.mark.parametrize(
    "argv",
    [
        ["serve", "--no-such-option"],
        ["serve", "--workers", "0"],
        ["worker", "--send", "soon"],
        ["node", "migrate", "now"],
        ["no-such-command"],
        ["node"],
    ],
)
def test_the_check_refuses_what_the_cli_refuses(argv: list[str]) -> None:
    with pytest.raises(CLI_ERROR):
        accepts(argv)


def _variables(text: str) -> set[str]:
    return set(re.findall(r"\bUNCC_[A-Z0-9_]+", text))


def test_every_uncc_variable_in_the_examples_is_a_setting() -> None:
    files = [p for p in DEPLOY.rglob("*") if p.is_file()] + [GUIDE]
    used = {v: p.name for p in files for v in _variables(p.read_text(encoding="utf-8"))}
    assert len(used) >= 10, used
    unknown = {v: where for v, where in used.items() if v not in SETTINGS}
    assert not unknown, f"not settings of src/uncc/config.py: {unknown}"


def test_the_environment_file_gives_valid_settings() -> None:
    parser = configparser.RawConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string("[env]\n" + (DEPLOY / "uncc.env").read_text(encoding="utf-8"))
    env = dict(parser["env"])
    assert set(env) <= SETTINGS
    settings = Settings(**{k.removeprefix("UNCC_").lower(): v for k, v in env.items()})
    assert settings.db_url.startswith("postgresql://")
    assert str(settings.blob_store).startswith("s3://")
    for path in UNITS:
        assert _unit(path)["Service"]["EnvironmentFile"] == "/etc/uncc/uncc.env"


def test_the_compose_environment_gives_valid_settings() -> None:
    for name in ("migrate", "api", "worker"):
        env = _compose()["services"][name]["environment"]
        uncc = {k: v for k, v in env.items() if k.startswith("UNCC_")}
        settings = Settings(**{k.removeprefix("UNCC_").lower(): v for k, v in uncc.items()})
        assert settings.db_url.startswith("postgresql://"), name
        assert settings.blob_store == "s3://evidence/northland", name


def _size(text: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([kmg]?)", text.lower()).groups()  # type: ignore[union-attr]
    return int(number) * {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[unit]


@pytest.mark.parametrize("proxy", PROXIES, ids=lambda p: p.parent.name)
def test_the_proxy_limits_are_the_nodes(proxy: Path) -> None:
    text = proxy.read_text(encoding="utf-8")
    directives = dict(re.findall(r"^\s*([a-z_0-9]+)\s+([^;{]+);", text, re.M))
    assert _size(directives["client_max_body_size"]) == DEFAULT["max_upload_bytes"]
    assert directives["client_body_timeout"] == f"{DEFAULT['read_timeout']:g}s"
    assert directives["proxy_request_buffering"] == "off"  # uploads stream, not spooled
    assert directives["proxy_set_header"]  # at least one; Host is checked below
    assert re.search(r"proxy_set_header Host \$host;", text)
    assert re.search(r"proxy_set_header X-Forwarded-Proto \$scheme;", text)
    assert "ssl_certificate_key" in directives
    (upstream,) = re.findall(r"server ([\w.]+):(\d+)", text)
    assert int(upstream[1]) == DEFAULT["port"]  # where uncc serve listens


def test_the_compose_api_port_is_the_proxys() -> None:
    api = _compose()["services"]["api"]["command"]
    assert api[api.index("--port") + 1] == str(DEFAULT["port"])
