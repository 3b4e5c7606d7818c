"""Resolve, from Settings, which OpenAI-compatible endpoint answers, starting one if needed."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path

from axa_settings import Settings

from .client import OpenAIChatModel, is_healthy
from .errors import LLMUnavailableError
from .llamacpp import EmbeddedLlamaServer
from .models import BUNDLED_MODELS
from .provision import is_provisioned

log = logging.getLogger(__name__)


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


@contextlib.contextmanager
def chat_model(settings: Settings) -> Iterator[OpenAIChatModel]:
    """Yield a client for the configured server; start the embedded one for the block if none.

    Reuses an embedded server already running on the configured port (e.g. `axa-serve start`
    in another terminal) instead of loading the model a second time.
    """
    base_url = settings.llm_base_url
    server: EmbeddedLlamaServer | None = None
    if base_url is None:
        local = f"http://{settings.llm_host}:{settings.llm_port}/v1"
        if is_healthy(local):
            base_url = local
        else:
            server = embedded_server(settings)
            base_url = server.start(timeout_s=settings.llm_start_timeout_s)
    try:
        yield OpenAIChatModel(
            base_url,
            settings.llm_model,
            api_key=settings.llm_api_key,
            timeout_s=settings.llm_timeout_s,
        )
    finally:
        if server is not None:
            server.stop()
