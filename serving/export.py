"""`axa-serve export-hf`: turn the provisioned GGUF into a Hugging Face folder vLLM can serve.

vLLM 0.32+ has no built-in GGUF loader (it moved to the CUDA-only `vllm-gguf-plugin`), but
transformers reads GGUF and dequantises it; saving that model needs the quantizer marker
removed, or transformers refuses to save a "quantized" model it cannot re-quantize. Measured
earlier on this project: a bf16 folder of 3.55 GB for the 1.5B model, same greedy output. Needs
the `export` extra (torch, transformers, gguf); the GPU box then needs no GGUF support at all.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from .errors import ServingError

log = logging.getLogger(__name__)

MISSING = (
    "export-hf needs torch, transformers and gguf: pip install -c constraints.txt "
    "'.[export]' (a few GB; run it on any machine, then copy the folder to the GPU box)"
)


def strip_quantization(model: Any) -> Any:
    """Make a GGUF-loaded (already dequantised) model savable as a plain checkpoint."""
    model.hf_quantizer = None
    if hasattr(model, "is_quantized"):
        model.is_quantized = False
    config = model.config
    if getattr(config, "quantization_config", None) is not None or hasattr(
        config, "quantization_config"
    ):
        delattr(config, "quantization_config")
    return model


def export_hf(gguf: Path, out: Path, *, dtype: str = "bfloat16") -> Path:
    """Write `out/` (config, tokenizer, safetensors) from `gguf`; returns `out`."""
    if not gguf.is_file():
        raise ServingError(f"GGUF file not found: {gguf}")
    if out.exists() and any(out.iterdir()):
        raise ServingError(f"output folder {out} is not empty")
    try:
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer
    except ImportError as exc:
        raise ServingError(MISSING) from exc
    log.info("loading %s through transformers (dequantising to %s)", gguf, dtype)
    kwargs = {"gguf_file": gguf.name}
    tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), **kwargs)
    model = AutoModelForCausalLM.from_pretrained(
        str(gguf.parent), torch_dtype=getattr(torch, dtype), **kwargs
    )
    strip_quantization(model)
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out, safe_serialization=True)
    tokenizer.save_pretrained(out)
    return out
