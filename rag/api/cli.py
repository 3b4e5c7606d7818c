"""`axa-api`: the assistant as an OpenAI-compatible server (`/v1/chat/completions`)."""

from __future__ import annotations

import ipaddress
from typing import Annotated

import typer
from rich.console import Console

from axa_settings import load_settings
from axa_wiring import make_assistant, serve_http, serving_parts

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
    bind = host or settings.api_host
    key = settings.api_key.get_secret_value() if settings.api_key else None
    if key is None and not is_loopback(bind):
        err.print(f"[red]{bind}에 열려면 API 키가 필요합니다: AXA_API_KEY를 설정하세요 "
                  "(anyone on the network could otherwise use the assistant).")  # fmt: skip
        raise typer.Exit(2)
    with serving_parts(settings, err) as parts:
        service = CompletionService(make_assistant(settings, parts.store, parts.llm, parts.board),
                                    max_question_chars=settings.max_question_chars)  # fmt: skip
        api = build_api(service, api_key=key, max_body_kb=settings.max_request_kb,
                        notices=parts.board, allowed_hosts=settings.hosts_for(bind))  # fmt: skip
        serve_http(api, settings, bind, port or settings.api_port, log_level="info")


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
