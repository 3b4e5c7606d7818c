"""`axa-chat`: start (or reuse) the LLM server and open the Gradio chat on loopback."""

from __future__ import annotations

import logging
import signal
from typing import Annotated

import typer
from rich.console import Console

from axa_settings import Settings
from ingest.cli import open_store_or_exit
from ingest.manifest import Manifest
from rag import make_assistant
from serving import ServingError, chat_model

from .app import CorpusInfo, build_app
from .feedback import FeedbackStore

app = typer.Typer(add_completion=False)
err = Console(stderr=True)


def corpus_info(settings: Settings) -> CorpusInfo:
    manifest = Manifest(settings.manifest_path)
    try:
        rows = manifest.all()
        return CorpusInfo(
            documents=sum(1 for r in rows if r.status == "indexed"),
            last_refresh=manifest.last_refresh(),
        )
    finally:
        manifest.close()


def _interrupt(signum: int, frame: object) -> None:
    """SIGTERM (a service manager's stop) closes the UI like Ctrl+C, so the LLM server stops too."""
    raise KeyboardInterrupt


@app.command()
def chat(
    host: Annotated[str | None, typer.Option(help="Bind address (default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 7860).")] = None,
) -> None:
    """Open the Korean chat UI."""
    settings = Settings()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    signal.signal(signal.SIGTERM, _interrupt)
    store = open_store_or_exit(settings)
    feedback = FeedbackStore(settings.feedback_path)
    try:
        err.print("언어 모델 서버를 준비하는 중...")
        with chat_model(settings) as llm:
            ui = build_app(
                make_assistant(settings, store, llm),
                corpus_info(settings),
                feedback=feedback,
                settings_summary={"llm_model": settings.llm_model, "top_k": settings.top_k,
                                  "embedder": settings.embedder,
                                  "min_dense_score": settings.min_dense_score,
                                  "min_term_coverage": settings.min_term_coverage},
            )  # fmt: skip
            ui.queue(default_concurrency_limit=1)
            ui.launch(
                server_name=host or settings.ui_host,
                server_port=port or settings.ui_port,
                show_error=False,
            )
    except ServingError as exc:
        err.print(f"[red]{exc}")
        raise typer.Exit(1) from exc
    finally:
        feedback.close()
        store.close()


def main() -> None:
    app()
