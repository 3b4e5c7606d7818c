"""`axa-chat`: start (or reuse) the LLM server and serve the chat (and, with a password, the
operator page) on loopback."""

from __future__ import annotations

import os
import shutil
import signal
from typing import Annotated

import typer
from fastapi import FastAPI
from rich.console import Console

from axa_settings import Settings, load_settings
from axa_wiring import answer_settings, make_assistant, make_notice_board, serve_http, serving_parts
from ingest import Ingestor, Manifest
from rag import FeedbackStore, StudyGuide
from search import Store
from serving import ChatModel
from ui import CorpusInfo, OperatorDesk, build_admin, build_app

from .operator_login import OperatorLogin
from .server import build_server

app = typer.Typer(add_completion=False)
err = Console(stderr=True)


def corpus_info_of(manifest: Manifest) -> CorpusInfo:
    rows = manifest.all()
    return CorpusInfo(
        documents=sum(1 for r in rows if r.status == "indexed"),
        last_refresh=manifest.last_refresh(),
    )


def corpus_info(settings: Settings) -> CorpusInfo:
    manifest = Manifest(settings.manifest_path)
    try:
        return corpus_info_of(manifest)
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
    """Open the Korean chat UI (and /admin when AXA_ADMIN_PASSWORD is set)."""
    settings = load_settings()
    if host:
        settings = settings.model_copy(update={"ui_host": host})
    signal.signal(signal.SIGTERM, _interrupt)
    feedback = FeedbackStore(settings.feedback_path)
    try:
        with serving_parts(settings, err) as parts:
            server = make_server(settings, parts.store, parts.llm, feedback, parts.ingestor)
            where = f"http://{settings.ui_host}:{port or settings.ui_port}"
            err.print(f"채팅: {where}/" + (f"  운영자: {where}/admin" if settings.admin_password
                                          else ""))  # fmt: skip
            serve_http(server, settings, settings.ui_host, port or settings.ui_port)
    finally:
        feedback.close()


def make_server(
    settings: Settings, store: Store, llm: ChatModel, feedback: FeedbackStore, ingestor: Ingestor
) -> FastAPI:
    """The chat, the operator page (when a password is set) and /doc, from Settings and open
    parts (shared with the browser tests)."""
    _private_web_temp(settings)
    manifest = ingestor.manifest
    board = make_notice_board(settings, manifest, llm)
    chat_ui = build_app(
        make_assistant(settings, store, llm, board),
        corpus_info_of(manifest),
        concurrency=settings.ui_concurrency,
        feedback=feedback,
        settings_summary={"llm_model": settings.llm_model, "top_k": settings.top_k,
                          "fusion": settings.fusion,
                          "embedder": store.embedder.name,
                          "min_dense_score": answer_settings(settings, store.embedder)
                          .min_dense_score,
                          "min_term_coverage": settings.min_term_coverage},
        documents=manifest.all,
        study=StudyGuide(store.index, llm),
        corpus_info=lambda: corpus_info_of(manifest),
        max_chars=settings.max_question_chars,
        max_turns=settings.max_turns,
        notices=board,
    )  # fmt: skip
    chat_ui.queue(default_concurrency_limit=settings.ui_concurrency, max_size=settings.queue_max)
    admin = None
    login = None
    if settings.admin_password is not None:
        login = OperatorLogin(
            settings.admin_user, settings.admin_password.get_secret_value(),
            session_hours=settings.admin_session_hours,
            max_failures=settings.login_max_failures, lockout_s=settings.login_lockout_s,
        )  # fmt: skip
        admin = build_admin(OperatorDesk(ingestor, settings.upload_dir,
                                         max_bytes=int(settings.max_file_mb * 2**20),
                                         received_dir=settings.web_temp_dir))  # fmt: skip
        admin.queue(default_concurrency_limit=1)
    return build_server(chat_ui, manifest.all, admin=admin, login=login,
                        max_file_mb=settings.max_file_mb,
                        max_body_kb=settings.max_request_kb,
                        rate_per_min=settings.rate_per_min,
                        queued_per_client=settings.queued_per_client,
                        allowed_hosts=settings.hosts_for(settings.ui_host),
                        temp_dir=settings.web_temp_dir)  # fmt: skip


def _private_web_temp(settings: Settings) -> None:
    """Gradio keeps uploads and cached files in GRADIO_TEMP_DIR (world-readable /tmp/gradio by
    default, never emptied): ours is a private folder in the data folder, emptied at start."""
    temp = settings.web_temp_dir
    shutil.rmtree(temp, ignore_errors=True)
    temp.mkdir(parents=True, mode=0o700)
    os.environ["GRADIO_TEMP_DIR"] = str(temp.resolve())


def main() -> None:
    app()
