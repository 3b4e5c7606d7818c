"""How long the model takes to reach its answer under the selection schema: a one-part
question's object alone against the same object wrapped in {"parts": [...]}.

    python benchmarks/selection_schema.py [--corpus examples/corpus] [--rounds 2]

The model writes every token a JSON schema fixes one by one, at the pace it writes its answer
(about 11 tokens/s on 2 cores), so the tokens before `{"answer": "` are time before the first
character a user sees. This ingests the corpus into a temporary data dir, asks each question
once to capture the real selection prompt (retrieval, statements, parts), reads that prompt
once so the server holds it, then sends it again with each schema, alternating, `--rounds`
times: both forms read the same cached prompt, and only what the model writes differs. Prints,
per form, the median time to the answer's first character and to the end of the reply, with
the ratio of the one-object form to the wrapped one.

Measured and not taken (2026-12-06): the object alone reached the answer 0.59 s sooner, but
the model wrote other answers under it: allganize 0.649 (0.675 on d666d50; 3 of its 40 wrong
answers were right on the code before, run the same day), dacon 0.720 (0.700), gongo's scores
the same; so the assistant keeps the wrapped form.
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from answer_latency import QUESTIONS as LATENCY_QUESTIONS
from answer_latency import corpus_in_scratch

from axa_wiring import chat_model, make_assistant
from rag.prompts import selection_schema

QUESTIONS = [*LATENCY_QUESTIONS, "데이터프리존은 누가 이용할 수 있나요?"]
ANSWER_OPENED = re.compile(r'"answer"\s*:\s*"[^"]')


class Recorder:
    """The chat model as the assistant sees it, keeping each selection request's messages."""

    def __init__(self, llm: object) -> None:
        self.llm = llm
        self.selections: list[tuple[list[dict[str, str]], int]] = []

    def stream(self, messages: Sequence[dict[str, str]], max_tokens: int,
               temperature: float, json_schema: object = None) -> Iterator[str]:  # fmt: skip
        if isinstance(json_schema, dict) and "answer" in str(json_schema):
            self.selections.append((list(messages), max_tokens))
        return self.llm.stream(messages, max_tokens=max_tokens, temperature=temperature,  # type: ignore[attr-defined]
                               json_schema=json_schema)  # fmt: skip


def timed(llm: object, messages: list[dict[str, str]], max_tokens: int,
          schema: dict[str, object]) -> tuple[float, float, str]:  # fmt: skip
    """(seconds to the answer's first character, seconds to the end, the reply)."""
    t0 = time.perf_counter()
    first, text = float("nan"), ""
    for delta in llm.stream(messages, max_tokens=max_tokens, temperature=0.0,  # type: ignore[attr-defined]
                            json_schema=schema):  # fmt: skip
        text += delta
        if first != first and ANSWER_OPENED.search(text):
            first = time.perf_counter() - t0
    return first, time.perf_counter() - t0, text


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--corpus", type=Path, default=Path("examples/corpus"))
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    with corpus_in_scratch(args.corpus) as (settings, store):
        with chat_model(settings) as llm:
            rec = Recorder(llm)
            assistant = make_assistant(settings, store, rec)  # type: ignore[arg-type]
            for q in QUESTIONS:
                assistant.ask(q)
            forms = {"one object": [], "wrapped": []}  # type: dict[str, list[tuple[float, float]]]
            for messages, max_tokens in rec.selections:
                n_units = sum(1 for line in messages[-1]["content"].splitlines()
                              if re.match(r"\[\d+\] ", line))  # fmt: skip
                if "2) " in messages[-1]["content"].split("[질문의 부분]")[-1]:
                    continue  # several parts: the same schema either way
                wrapped = selection_schema(1, n_units)  # what the assistant sends
                one = wrapped["properties"]["parts"]["items"]  # type: ignore[index]
                timed(llm, messages, max_tokens, one)  # the server reads and keeps the prompt
                for _ in range(args.rounds):
                    for name, schema in (("wrapped", wrapped), ("one object", one)):
                        first, total, _ = timed(llm, messages, max_tokens, schema)
                        forms[name].append((first, total))
    print(f"{len(forms['wrapped'])} timings per form ({args.rounds} rounds), prompt held")
    med = {n: (statistics.median(f for f, _ in v), statistics.median(t for _, t in v))
           for n, v in forms.items()}  # fmt: skip
    for name, (first, total) in med.items():
        print(f"{name:11}  answer's first character {first:5.2f} s   whole reply {total:5.2f} s")
    (f1, t1), (f0, t0) = med["one object"], med["wrapped"]
    print(f"one object / wrapped: first character {f1 / f0:.2f}x, whole reply {t1 / t0:.2f}x "
          f"({f0 - f1:+.2f} s, {t0 - t1:+.2f} s)")  # fmt: skip


if __name__ == "__main__":
    main()
