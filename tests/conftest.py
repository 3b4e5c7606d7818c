from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from kiwipiepy import Kiwi

from axa_settings import Settings
from axa_wiring import make_ingestor, open_store
from ingest import Outcome
from search import Retriever
from serving import BUNDLED_MODELS, EmbeddedLlamaServer, OpenAIChatModel, is_provisioned

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_CORPUS = ROOT / "examples" / "corpus"
SHARED = ROOT.parent / "shared" / "corpus"


def pytest_sessionstart(session: pytest.Session) -> None:
    """In CI a missing ../shared fails the run: its tests would be skipped, not run."""
    if os.environ.get("CI") and not (SHARED / "docs").is_dir():
        raise pytest.UsageError(f"CI: {SHARED / 'docs'} is missing (the corpus tests need it)")


@pytest.fixture(scope="session")
def kiwi() -> Kiwi:
    return Kiwi()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def llm_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings for tests with the real LLM: temp state, the repo's provisioned models."""
    data = tmp_path_factory.mktemp("axa-data")
    models = Path(os.environ.get("AXA_TEST_MODELS_DIR", ROOT / "data" / "models"))
    model = BUNDLED_MODELS["qwen2.5-coder-1.5b"]
    if not is_provisioned(model, models):
        msg = f"model not provisioned in {models}: run `axa-serve fetch-model` (scripts/setup.sh)"
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)
    return Settings(
        data_dir=data,
        llm_model=model.id,
        llm_model_path=models / model.filename,
        llm_port=free_port(),
    )


@pytest.fixture(scope="session")
def llm_server(llm_settings: Settings) -> Iterator[EmbeddedLlamaServer]:
    """The real small LLM behind the real llama.cpp OpenAI-compatible server, on loopback."""
    assert llm_settings.llm_model_path is not None
    server = EmbeddedLlamaServer(
        llm_settings.llm_model_path,
        alias=llm_settings.llm_model,
        port=llm_settings.llm_port,
        threads=llm_settings.llm_threads,
        ctx=llm_settings.llm_ctx,
        log_path=llm_settings.data_dir / "llm-server.log",
    )
    server.start(timeout_s=180)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def llm(llm_server: EmbeddedLlamaServer, llm_settings: Settings) -> OpenAIChatModel:
    return OpenAIChatModel(llm_server.base_url, llm_settings.llm_model, timeout_s=300)


@pytest.fixture(scope="session")
def indexed(llm_settings: Settings) -> Settings:
    """The sample corpus ingested with the real embedder into the session's embedded Qdrant."""
    store = open_store(llm_settings)
    ingestor = make_ingestor(llm_settings, store)
    report = ingestor.ingest([SAMPLE_CORPUS])
    assert report.ok and report.count(Outcome.ADDED) == 4
    again = ingestor.ingest([SAMPLE_CORPUS])
    assert again.chunks_written == 0 and again.count(Outcome.SKIPPED) == 4
    ingestor.manifest.close()
    store.close()
    return llm_settings


@pytest.fixture(scope="session")
def sample_retriever(kiwi: Kiwi, tmp_path_factory: pytest.TempPathFactory) -> Retriever:
    """The sample corpus in the in-memory engine with the toy embedder: fast, deterministic."""
    from ingest import Ingestor, KoreanChunker, Manifest
    from search import KiwiBM25, Retriever, VectorIndex
    from tests.fakes import ToyEmbedder

    index = VectorIndex.open("sample")
    sparse = KiwiBM25(kiwi)
    manifest = Manifest(tmp_path_factory.mktemp("sample") / "m.sqlite")
    Ingestor(index, manifest, ToyEmbedder(), sparse, KoreanChunker(kiwi)).ingest([SAMPLE_CORPUS])
    return Retriever(index, ToyEmbedder(), sparse)


NOTICE_TRUTH = ROOT / "tests" / "data" / "notice_truth.json"


@pytest.fixture(scope="session")
def notice_documents() -> dict[str, object]:
    """The corpus's notices and program sheets, parsed as ingest parses them (OCR included:
    two of the PDFs need it for their text layer), once per session."""
    import json

    from ingest import TesseractOCR, load_file, make_loaders

    if not (SHARED / "docs").is_dir():
        pytest.skip("../shared/corpus is absent")
    ocr = TesseractOCR.if_available()
    if ocr is None:
        if os.environ.get("CI"):
            pytest.fail("Tesseract Korean data missing (scripts/setup.sh installs it as root)")
        pytest.skip("Tesseract Korean data missing")
    loaders = make_loaders(ocr)
    names = [n for n in json.loads(NOTICE_TRUTH.read_text(encoding="utf-8")) if n[0] != "_"]
    return {n: load_file(SHARED / "docs" / n, loaders=loaders) for n in names}
