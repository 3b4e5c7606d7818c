"""`python -m serving.llama_server [--weight_repack false] ARGS`: llama-cpp-python's server.

ARGS are `python -m llama_cpp.server`'s own. The one switch added is llama.cpp's runtime weight
repack (`use_extra_bufts` of its model parameters), which that command line does not expose.
It is decided per model, so per server process: the bundled chat model's Q4_K weights read a
prompt at about 0.6x the plain kernels' pace when repacked on 2 AVX-512 cores, while e5's Q4_0
weights embed at about 1.5x with it (benchmarks/prompt_read.py, benchmarks/embedders.py).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any


def without_repack(default_params: Callable[[], Any]) -> Callable[[], Any]:
    """`llama_model_default_params` with the runtime weight repack turned off."""

    def plain_params() -> Any:
        params = default_params()
        params.use_extra_bufts = False
        return params

    return plain_params


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--weight_repack", choices=("true", "false"), default="true")
    ours, rest = parser.parse_known_args(sys.argv[1:] if argv is None else argv)
    import llama_cpp.llama_cpp as capi  # the module Llama() takes its model defaults from

    if ours.weight_repack == "false":
        capi.llama_model_default_params = without_repack(capi.llama_model_default_params)
    from llama_cpp.server.__main__ import main as serve

    sys.argv = [sys.argv[0], *rest]
    serve()


if __name__ == "__main__":
    main()
