"""`axa-eval`: the answer-quality harness. Placeholder until the eval issue lands."""

from __future__ import annotations

import typer

app = typer.Typer(add_completion=False)


@app.command()
def run() -> None:
    """Not implemented yet: the harness arrives with its own issue."""
    typer.echo("axa-eval: the evaluation harness is not implemented yet.", err=True)
    raise typer.Exit(2)


def main() -> None:
    app()
