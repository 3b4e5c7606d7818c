"""The one place that turns Settings into running parts, for every console script, the web
apps and the eval harness: Settings -> index + embedder (search) -> ingestor (ingest) ->
LLM client (serving) -> assistant (rag).

Library packages never read Settings themselves beyond what is passed to them here, and no CLI
imports another CLI's module.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path
from typing import NoReturn

import typer
import uvicorn
from rich.console import Console

from axa_settings import Settings, load_settings
from ingest import (
    ControlServer,
    DataParts,
    DiskSpace,
    Ingestor,
    KoreanChunker,
    Manifest,
    TesseractOCR,
    make_loaders,
)
from notices import SEOUL, NoticeBoard, seoul_now
from rag import (
    AnswerSettings,
    Assistant,
    ControlHandler,
    FollowUpRewriter,
    ModelProfileReader,
    ask_handler,
)
from search import (
    Embedder,
    IndexBusyError,
    OpenAIEmbedder,
    Retriever,
    Store,
    VectorIndex,
    make_embedder,
)
from serving import (
    BUNDLED_MODELS,
    ChatModel,
    EmbeddedLlamaServer,
    Endpoint,
    LLMUnavailableError,
    ServingError,
    connect,
    is_provisioned,
    running,
)

__all__ = [
    "ServerParts",
    "answer_settings",
    "chat_model",
    "control_handlers",
    "data_parts",
    "embedded_server",
    "embedder_of",
    "exit_with",
    "llm_endpoint",
    "load_settings",
    "local_model_path",
    "make_assistant",
    "make_ingestor",
    "make_notice_board",
    "make_retriever",
    "open_index",
    "open_store",
    "open_store_or_exit",
    "running_llm",
    "serve_http",
    "server_lock_path",
    "serving_parts",
    "start_control",
    "uvicorn_options",
]

EXIT_BUSY = 5  # the embedded index is held by another process (every CLI)


def exit_with(console: Console, exc: Exception, code: int) -> NoReturn:
    """A user-facing error: its Korean message on stderr, the process exits with `code`."""
    console.print(f"[red]{getattr(exc, 'user_message', str(exc))}")
    raise typer.Exit(code) from exc


def open_store_or_exit(settings: Settings, console: Console | None = None) -> Store:
    """For every CLI: the index held by another process is a Korean message and exit 5."""
    try:
        return open_store(settings)
    except IndexBusyError as exc:
        exit_with(console or Console(stderr=True), exc, EXIT_BUSY)


def open_index(settings: Settings) -> VectorIndex:
    return VectorIndex.open(
        settings.collection,
        path=None if settings.qdrant_url else settings.qdrant_path,
        url=settings.qdrant_url,
        api_key=settings.qdrant_api_key,
        engine=settings.index_engine,
    )


def embedder_of(settings: Settings) -> Embedder:
    """An embedding server when AXA_EMBED_BASE_URL is set, else the local one AXA_EMBEDDER
    names."""
    if settings.embed_base_url:
        key = settings.embed_api_key.get_secret_value() if settings.embed_api_key else None
        return OpenAIEmbedder(
            settings.embed_base_url, settings.embed_model, api_key=key,
            query_prefix=settings.embed_query_prefix, doc_prefix=settings.embed_doc_prefix,
            batch=settings.embed_batch,
        )  # fmt: skip
    return make_embedder(settings.embedder, threads=settings.llm_threads,
                         models_dir=settings.models_dir)  # fmt: skip


def open_store(settings: Settings, *, embedder: Embedder | None = None) -> Store:
    return Store.open(open_index(settings), embedder or embedder_of(settings))


def local_model_path(settings: Settings) -> Path:
    """The GGUF the embedded runtime serves: an explicit path, or a provisioned bundled model."""
    if settings.llm_model_path is not None:
        return settings.llm_model_path
    model = BUNDLED_MODELS.get(settings.llm_model)
    if model is None:
        raise LLMUnavailableError(
            f"unknown model id {settings.llm_model!r}; known: {', '.join(BUNDLED_MODELS)}; "
            "or set AXA_LLM_MODEL_PATH to a GGUF file, or AXA_LLM_BASE_URL to a server"
        )
    if not is_provisioned(model, settings.models_dir):
        raise LLMUnavailableError(
            f"model {model.id} is not provisioned in {settings.models_dir}; "
            f"run `axa-serve fetch-model {model.id}`"
        )
    return settings.models_dir / model.filename


def embedded_server(settings: Settings) -> EmbeddedLlamaServer:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return EmbeddedLlamaServer(
        local_model_path(settings),
        alias=settings.llm_model,
        host=settings.llm_host,
        port=settings.llm_port,
        threads=settings.llm_threads,
        ctx=settings.llm_ctx,
        log_path=settings.data_dir / "llm-server.log",
    )


def server_lock_path(settings: Settings) -> Path:
    return settings.data_dir / f"llm-server-{settings.llm_port}.lock"


def llm_endpoint(settings: Settings) -> Endpoint:
    return Endpoint(
        model=settings.llm_model,
        base_url=settings.llm_base_url,
        host=settings.llm_host,
        port=settings.llm_port,
        lock_path=server_lock_path(settings),
        api_key=settings.llm_api_key,
        json_format=settings.llm_json_format,
        timeout_s=settings.llm_timeout_s,
        start_timeout_s=settings.llm_start_timeout_s,
    )


@contextlib.contextmanager
def chat_model(settings: Settings) -> Iterator[ChatModel]:
    """A client for the configured server, starting the embedded one for the block if none
    answers (see `serving.connect`)."""
    with connect(llm_endpoint(settings), lambda: embedded_server(settings)) as llm:
        yield llm


def uvicorn_options(settings: Settings) -> dict[str, object]:
    """How a web server learns its client's address. uvicorn believes X-Forwarded-For from
    127.0.0.1 unless told otherwise, so any local process could pose as many clients and
    slip past the per-address limits: forwarded headers count only from AXA_TRUSTED_PROXIES."""
    trusted = settings.trusted_proxies
    return {"proxy_headers": bool(trusted), "forwarded_allow_ips": ",".join(trusted) or None}


def make_ingestor(settings: Settings, store: Store) -> Ingestor:
    return Ingestor(
        store.index,
        Manifest(settings.manifest_path),
        store.embedder,
        store.sparse,
        KoreanChunker(
            store.kiwi, chunk_chars=settings.chunk_chars, overlap_chars=settings.chunk_overlap_chars
        ),
        max_bytes=int(settings.max_file_mb * 2**20),
        space=DiskSpace(settings.data_dir, int(settings.min_free_mb * 2**20)),
        embed_batch=settings.embed_batch,
        loaders=make_loaders(
            TesseractOCR.if_available(settings.ocr_lang) if settings.ocr else None
        ),
        workers=settings.ingest_workers,
    )


def answer_settings(settings: Settings, embedder: Embedder) -> AnswerSettings:
    floor = settings.min_dense_score
    return AnswerSettings(
        top_k=settings.top_k,
        max_tokens=settings.llm_max_tokens,
        temperature=settings.llm_temperature,
        min_dense_score=embedder.relevance_floor if floor is None else floor,
        min_term_coverage=settings.min_term_coverage,
        context_chars=settings.context_chars,
        rule_look=settings.rule_look,
        sub_questions=settings.sub_questions,
        mode=settings.answer_mode,
        select_max_units=settings.select_units,
        select_max_chars=settings.select_chars,
        select_passages=settings.select_passages,
        select_second_pick=settings.select_second_pick,
        clause_parts=settings.select_clause_parts,
    )


def make_retriever(settings: Settings, store: Store) -> Retriever:
    return Retriever(
        store.index,
        store.embedder,
        store.sparse,
        prefetch_k=settings.prefetch_k,
        weights=(settings.fusion_dense_weight, settings.fusion_sparse_weight),
        fusion=settings.fusion,
        dense_alpha=settings.fusion_dense_alpha,
    )


def data_parts(settings: Settings) -> DataParts:
    """Where the state lives: what `axa-data snapshot` copies and `restore` puts back."""
    return DataParts(settings.qdrant_path, settings.manifest_path, settings.feedback_path,
                     settings.upload_dir)  # fmt: skip


def running_llm(settings: Settings) -> ChatModel | None:
    """An LLM server that already answers (the embedded one on its port, or
    AXA_LLM_BASE_URL), without starting one; None when none does."""
    return running(llm_endpoint(settings))


def make_notice_board(
    settings: Settings, manifest: Manifest | None = None, llm: ChatModel | None = None
) -> NoticeBoard:
    """The cards as the manifest holds them now (`manifest`: an open one to share); the clock
    is `AXA_TODAY` or Seoul's today; with `llm`, a company's words are read by the model and
    checked against the patterns (`rag.ModelProfileReader`), else by the patterns alone."""

    def stored() -> list[str]:
        if manifest is not None:
            return manifest.cards()
        if not settings.manifest_path.exists():
            return []
        own = Manifest(settings.manifest_path)
        try:
            return own.cards()
        finally:
            own.close()

    fixed = settings.today
    reader = ModelProfileReader(llm, today=fixed) if llm is not None else None
    if fixed is None:
        return NoticeBoard(stored, seoul_now, reader)
    clock = lambda: datetime.combine(fixed, time(12, 0), tzinfo=SEOUL)  # noqa: E731
    return NoticeBoard(stored, clock, reader)


def control_handlers(
    settings: Settings, store: Store, llm: ChatModel, notices: NoticeBoard | None = None
) -> dict[str, ControlHandler]:
    """What a running server answers over its control socket besides index jobs: `axa-ask`."""
    return {
        "ask": ask_handler(
            make_assistant(settings, store, llm, notices), make_retriever(settings, store),
            top_k=settings.top_k, max_chars=max(settings.max_question_chars, 4000),
        )
    }  # fmt: skip


def start_control(
    settings: Settings, store: Store, llm: ChatModel, ingestor: Ingestor,
    notices: NoticeBoard | None = None,
) -> ControlServer:  # fmt: skip
    """The control socket of a server that holds the index (`axa-chat`, `axa-api`): index jobs,
    snapshots and checks, and `axa-ask` questions. Close it when the server stops."""
    handlers = control_handlers(settings, store, llm, notices)
    return ControlServer(settings.data_dir, ingestor, data_parts(settings), handlers).start()


def make_assistant(
    settings: Settings, store: Store, llm: ChatModel, notices: NoticeBoard | None = None
) -> Assistant:
    return Assistant(
        make_retriever(settings, store),
        llm,
        answer_settings(settings, store.embedder),
        rewriter=FollowUpRewriter(store.kiwi),
        notices=notices or make_notice_board(settings),
    )


@dataclass(frozen=True)
class ServerParts:
    """What a long-running server (`axa-chat`, `axa-api`) holds open while it serves."""

    store: Store
    llm: ChatModel
    ingestor: Ingestor
    board: NoticeBoard


@contextlib.contextmanager
def serving_parts(settings: Settings, console: Console) -> Iterator[ServerParts]:
    """Open the index (exit 5 when another process holds it), start or reuse the LLM server,
    and answer on the control socket (`axa-ask`, `axa-ingest`, `axa-data`) for the block; an
    LLM that cannot start is its message and exit 1. Everything is closed on the way out."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    store = open_store_or_exit(settings, console)
    ingestor = make_ingestor(settings, store)
    try:
        console.print("언어 모델 서버를 준비하는 중...")
        with chat_model(settings) as llm:
            board = make_notice_board(settings, ingestor.manifest, llm)
            control = start_control(settings, store, llm, ingestor, board)
            try:
                yield ServerParts(store, llm, ingestor, board)
            finally:
                control.close()
    except ServingError as exc:
        console.print(f"[red]{exc}")
        raise typer.Exit(1) from exc
    finally:
        ingestor.manifest.close()
        store.close()


def serve_http(
    app: object, settings: Settings, host: str, port: int, log_level: str = "warning"
) -> None:
    """Serve an ASGI app until Ctrl+C or SIGTERM, trusting forwarded headers only as
    `uvicorn_options` says."""
    uvicorn.run(app, host=host, port=port, log_level=log_level, **uvicorn_options(settings))  # type: ignore[arg-type]
