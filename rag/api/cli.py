"""`axa-api`: the assistant as an OpenAI-compatible server (`/v1/chat/completions`)."""

from __future__ import annotations

import logging
from typing import Annotated

import typer
import uvicorn
from rich.console import Console

from axa_settings import Settings
from ingest.cli import open_store_or_exit
from serving import ServingError, chat_model

from ..service import make_assistant
from .router import build_api
from .service import CompletionService

app = typer.Typer(add_completion=False)
err = Console(stderr=True)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 8090).")] = None,
) -> None:
    """Serve cited answers over the OpenAI chat-completions API."""
    settings = Settings()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    store = open_store_or_exit(settings)
    try:
        with chat_model(settings) as llm:
            service = CompletionService(make_assistant(settings, store, llm))
            uvicorn.run(
                build_api(service),
                host=host or settings.api_host,
                port=port or settings.api_port,
                log_level="info",
            )
    except ServingError as exc:
        err.print(f"[red]{exc}")
        raise typer.Exit(1) from exc
    finally:
        store.close()


def main() -> None:
    app()
