"""AXA_EMBED_BASE_URL: embeddings from an OpenAI-compatible /v1/embeddings server. The client
against a scripted transport (exact vectors), then the contract against a real llama.cpp
server started with embeddings on loopback, indexing and searching the sample corpus."""

from __future__ import annotations

import json

import httpx
import numpy as np
import pytest

from axa_settings import Settings
from axa_wiring import embedder_of, make_ingestor, open_store
from search import EmbeddingServerError, OpenAIEmbedder, Retriever
from serving import EmbeddedLlamaServer
from tests.conftest import SAMPLE_CORPUS, free_port


def _scripted(seen: list[dict]) -> httpx.MockTransport:
    """Each text's vector is [len(text), 0, 1]; pooled texts ("tok:") get two token rows;
    answers come back in reverse order, as a server may send them."""

    def handle(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        seen.append({"body": body, "auth": request.headers.get("authorization")})
        if "fail" in body["input"][0]:
            return httpx.Response(500, json={"error": "boom"})
        data = []
        for i, text in enumerate(body["input"]):
            vec = [float(len(text)), 0.0, 1.0]
            emb = [vec, [0.0, 0.0, 1.0]] if text.startswith("p:tok") else vec
            data.append({"index": i, "embedding": emb, "object": "embedding"})
        return httpx.Response(200, json={"data": data[::-1], "model": body["model"]})

    return httpx.MockTransport(handle)


def test_the_client_batches_prefixes_normalises_and_pools() -> None:
    seen: list[dict] = []
    emb = OpenAIEmbedder("http://gpu-box:8000/v1/", "bge-m3", api_key="k", query_prefix="q:",
                         doc_prefix="p:", batch=2, transport=_scripted(seen))  # fmt: skip
    assert emb.dim == 3 and emb.name == "openai:bge-m3"
    docs = emb.embed_documents(["abc", "tok", "abcdef"])
    assert [len(s["body"]["input"]) for s in seen[1:]] == [2, 1]  # batches of 2
    assert seen[1]["body"] == {"model": "bge-m3", "input": ["p:abc", "p:tok"]}
    assert seen[1]["auth"] == "Bearer k"
    np.testing.assert_allclose(docs[0], np.array([5.0, 0, 1]) / np.sqrt(26), rtol=1e-6)
    np.testing.assert_allclose(docs[1], np.array([2.5, 0, 1]) / np.sqrt(7.25), rtol=1e-6)
    np.testing.assert_allclose(docs[2], np.array([8.0, 0, 1]) / np.sqrt(65), rtol=1e-6)
    query = emb.embed_query("ab")
    assert seen[-1]["body"]["input"] == ["q:ab"]
    np.testing.assert_allclose(query, np.array([4.0, 0, 1]) / np.sqrt(17), rtol=1e-6)
    assert emb.embed_documents([]).shape == (0, 3)
    with pytest.raises(EmbeddingServerError) as failed:
        emb.embed_query("fail")
    assert "임베딩 서버" in failed.value.user_message


def test_a_dead_embedding_server_is_a_clear_error() -> None:
    with pytest.raises(EmbeddingServerError):
        OpenAIEmbedder(f"http://127.0.0.1:{free_port()}/v1", "x", timeout_s=2)


@pytest.mark.llm
def test_contract_with_a_real_llama_cpp_embedding_server(llm_settings: Settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The bundled GGUF served with --embedding: per-token vectors, pooled by the client."""
    assert llm_settings.llm_model_path is not None
    server = EmbeddedLlamaServer(llm_settings.llm_model_path, alias="qwen-embed",
                                 port=free_port(), threads=2, ctx=2048, embedding=True,
                                 log_path=tmp_path / "embed.log")  # fmt: skip
    base = server.start(timeout_s=180)
    try:
        settings = Settings(data_dir=tmp_path / "data", embed_base_url=base,
                            embed_model="qwen-embed", min_dense_score=0.0)  # fmt: skip
        embedder = embedder_of(settings)
        assert isinstance(embedder, OpenAIEmbedder) and embedder.dim == 1536
        vec = embedder.embed_query("대구시 AI 대전환 사업의 총 예산")
        assert vec.shape == (1536,) and abs(float(np.linalg.norm(vec)) - 1.0) < 1e-4
        store = open_store(settings)
        ingestor = make_ingestor(settings, store)
        report = ingestor.ingest([SAMPLE_CORPUS])
        assert report.ok and ingestor.manifest.setting("embedder") == "openai:qwen-embed"
        found = Retriever(store.index, store.embedder, store.sparse).retrieve(
            "울산 AI 대전환 사업의 주관기관은?", 3
        )
        assert found.hits and found.hits[0].file == "울산_AI대전환_사업_개요.pdf"
        ingestor.manifest.close()
        store.close()
    finally:
        server.stop()
