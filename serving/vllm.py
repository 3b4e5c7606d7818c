"""The GPU path: build the `vllm serve` command for a local model folder.

vLLM is not installable on the CPU machines, so this module only builds and validates the
command; `axa-serve vllm` runs it where vLLM is installed (the `[gpu]` extra).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class VLLMConfig:
    model: Path
    served_model_name: str = "axa-llm"
    host: str = "127.0.0.1"
    port: int = 8000
    max_model_len: int = 8192
    gpu_memory_utilization: float = 0.85
    tensor_parallel_size: int = 1
    enable_prefix_caching: bool = True
    api_key: str | None = None

    def validate(self) -> None:
        if not (0.05 <= self.gpu_memory_utilization <= 0.99):
            raise ValueError("gpu_memory_utilization must be within 0.05..0.99")
        if self.tensor_parallel_size < 1:
            raise ValueError("tensor_parallel_size must be >= 1")
        if self.max_model_len < 512:
            raise ValueError("max_model_len must be >= 512 for RAG prompts")
        if not 0 < self.port < 65536:
            raise ValueError("port must be within 1..65535")


def vllm_command(cfg: VLLMConfig) -> list[str]:
    """`vllm serve MODEL ...` as run on a GPU box."""
    return ["vllm", "serve", str(cfg.model), *_options(cfg)]


def vllm_image_args(cfg: VLLMConfig) -> list[str]:
    """The same settings as arguments to the vllm-openai image's API-server entrypoint
    (deploy/docker-compose.yml and deploy/k8s/vllm.yaml use exactly these; tested)."""
    return ["--model", str(cfg.model), *_options(cfg)]


def _options(cfg: VLLMConfig) -> list[str]:
    cfg.validate()
    cmd = [
        "--served-model-name", cfg.served_model_name,
        "--host", cfg.host,
        "--port", str(cfg.port),
        "--max-model-len", str(cfg.max_model_len),
        "--gpu-memory-utilization", str(cfg.gpu_memory_utilization),
        "--tensor-parallel-size", str(cfg.tensor_parallel_size),
    ]  # fmt: skip
    cmd.append(
        "--enable-prefix-caching" if cfg.enable_prefix_caching else "--no-enable-prefix-caching"
    )
    if cfg.api_key:
        cmd += ["--api-key", cfg.api_key]
    return cmd
