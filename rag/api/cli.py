"""`axa-api`: the assistant as an OpenAI-compatible server (`/v1/chat/completions`)."""

from __future__ import annotations

import ipaddress
import logging
from typing import Annotated

import typer
import uvicorn
from rich.console import Console

from axa_settings import load_settings
from axa_wiring import (
    make_assistant,
    make_ingestor,
    make_notice_board,
    open_store_or_exit,
    start_control,
    uvicorn_options,
)
from serving import ServingError, chat_model

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
    settings = load_settings()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    bind = host or settings.api_host
    key = settings.api_key.get_secret_value() if settings.api_key else None
    if key is None and not is_loopback(bind):
        err.print(f"[red]{bind}에 열려면 API 키가 필요합니다: AXA_API_KEY를 설정하세요 "
                  "(anyone on the network could otherwise use the assistant).")  # fmt: skip
        raise typer.Exit(2)
    store = open_store_or_exit(settings)
    try:
        with chat_model(settings) as llm:
            board = make_notice_board(settings, llm=llm)
            service = CompletionService(make_assistant(settings, store, llm, board),
                                        max_question_chars=settings.max_question_chars)  # fmt: skip
            ingestor = make_ingestor(settings, store)
            control = start_control(settings, store, llm, ingestor, board)
            try:
                api = build_api(service, api_key=key, max_body_kb=settings.max_request_kb,
                                notices=board, allowed_hosts=settings.hosts_for(bind))  # fmt: skip
                uvicorn.run(api, host=bind, port=port or settings.api_port, log_level="info",
                            **uvicorn_options(settings))  # type: ignore[arg-type]  # fmt: skip
            finally:
                control.close()
                ingestor.manifest.close()
    except ServingError as exc:
        err.print(f"[red]{exc}")
        raise typer.Exit(1) from exc
    finally:
        store.close()


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 and localhost reach only this machine; anything else may not."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def main() -> None:
    app()
