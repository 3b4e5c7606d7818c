"""The embedded CPU runtime: llama.cpp's OpenAI-compatible server as a child process."""

from __future__ import annotations

import ctypes
import logging
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

from .client import is_healthy
from .errors import LLMUnavailableError

log = logging.getLogger(__name__)


def _die_with_parent() -> None:
    """Linux: the server gets SIGTERM when its owner dies, even by SIGKILL; no orphaned model.

    The signal follows the *thread* that started the server, so start it from a long-lived
    thread (the entry points use the main thread).
    """
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:  # pragma: no cover - not Linux
        pass


class EmbeddedLlamaServer:
    """Starts llama.cpp's OpenAI server (`serving.llama_server`) on loopback; dies with its owner.

    A child process (not an in-process Llama object) keeps the UI responsive while a prompt is
    processed, and lets the same OpenAI contract serve CLI, UI and other tools.
    """

    def __init__(
        self,
        model_path: Path,
        *,
        alias: str,
        host: str = "127.0.0.1",
        port: int = 8081,
        threads: int = 2,
        ctx: int = 4096,
        log_path: Path | None = None,
        python: str = sys.executable,
        embedding: bool = False,
        weight_repack: bool = False,
    ) -> None:
        """`embedding`: serve /v1/embeddings (an embedding model for AXA_EMBED_BASE_URL).

        `weight_repack`: llama.cpp's runtime weight repack, off by default since the bundled
        Q4_K chat model reads prompts at 0.6x with it on 2 cores (a Q4_0 model gains).
        """
        self.model_path = model_path
        self.alias = alias
        self.host = host
        self.port = port
        self.threads = threads
        self.ctx = ctx
        self.log_path = log_path
        self.python = python
        self.embedding = embedding
        self.weight_repack = weight_repack
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    def command(self) -> list[str]:
        return [
            self.python, "-m", "serving.llama_server",
            "--weight_repack", "true" if self.weight_repack else "false",
            "--model", str(self.model_path),
            "--model_alias", self.alias,
            "--host", self.host,
            "--port", str(self.port),
            "--n_threads", str(self.threads),
            "--n_threads_batch", str(self.threads),
            "--n_ctx", str(self.ctx),
            "--n_batch", "512",
            "--flash_attn", "true",  # measured: ~100 vs ~89 prompt tok/s on 2 cores
            # the server's default keeps the vocabulary's scores for every prompt token (for
            # logprobs, which nothing here asks for): an extra output projection per token
            "--logits_all", "false",
            # queue concurrent users instead of cutting off the answer being streamed
            "--interrupt_requests", "false",
            *(["--embedding", "true"] if self.embedding else []),
        ]  # fmt: skip

    def start(self, timeout_s: float = 180.0) -> str:
        if not self.model_path.is_file():
            raise LLMUnavailableError(
                f"model file {self.model_path} not found; run `axa-serve fetch-model` first"
            )
        if is_healthy(self.base_url):
            raise LLMUnavailableError(
                f"port {self.port} already serves an LLM; set AXA_LLM_BASE_URL={self.base_url} "
                "to use it, or AXA_LLM_PORT to start another"
            )
        out = self.log_path.open("ab") if self.log_path else subprocess.DEVNULL
        log.info("starting embedded LLM server: %s", " ".join(self.command()))
        self._proc = subprocess.Popen(
            self.command(), stdout=out, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent
        )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                code = self._proc.returncode
                self._proc = None
                raise LLMUnavailableError(
                    f"embedded LLM server exited with code {code} during start-up"
                    + (f"; see {self.log_path}" if self.log_path else "")
                )
            if is_healthy(self.base_url, timeout_s=1.0):
                return self.base_url
            time.sleep(0.3)
        self.stop()
        raise LLMUnavailableError(f"embedded LLM server not healthy after {timeout_s:.0f}s")

    def running(self) -> bool:
        """The child process is alive (it may still be loading the model)."""
        return self._proc is not None and self._proc.poll() is None

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)

    def __enter__(self) -> EmbeddedLlamaServer:
        self.start()
        return self

    def __exit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
