"""The baseline of the CLI start-up benchmark: a Typer app with two commands and nothing else."""

from __future__ import annotations

import typer

app = typer.Typer(no_args_is_help=True)


@app.command()
def hello(name: str = "world") -> None:
    """Greet someone."""
    typer.echo(f"hello {name}")


@app.command()
def bye() -> None:
    """Say goodbye."""
    typer.echo("bye")


if __name__ == "__main__":
    app()
