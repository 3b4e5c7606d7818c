"""Optional LLM judge: one verdict per answer from any OpenAI-compatible endpoint.

The lexical scores in `metrics.py` miss paraphrases; a judge catches them but costs a model
call per question and can itself be wrong, so it is reported beside them, never instead.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from rag import JUDGE_VERSION, build_judge_messages
from serving import ChatModel

_JSON = re.compile(r"\{.*\}", re.S)


@dataclass(frozen=True)
class Verdict:
    correct: bool | None  # None: the judge's reply could not be read
    reason: str


class Judge:
    version = JUDGE_VERSION

    def __init__(self, llm: ChatModel, *, max_tokens: int = 160) -> None:
        self.llm = llm
        self.max_tokens = max_tokens

    def __call__(self, question: str, reference: str, answer: str) -> Verdict:
        messages = build_judge_messages(question, reference, answer)
        reply = "".join(self.llm.stream(messages, max_tokens=self.max_tokens, temperature=0.0))
        return parse_verdict(reply)


def parse_verdict(reply: str) -> Verdict:
    m = _JSON.search(reply)
    if m:
        try:
            data = json.loads(m.group(0))
            if isinstance(data.get("correct"), bool):
                return Verdict(data["correct"], str(data.get("reason", "")))
        except json.JSONDecodeError:
            pass
    low = reply.lower()
    if '"correct": true' in low or ("정답" in reply and "오답" not in reply):
        return Verdict(True, reply.strip()[:200])
    if '"correct": false' in low or "오답" in reply:
        return Verdict(False, reply.strip()[:200])
    return Verdict(None, f"unreadable judge reply: {reply.strip()[:200]}")
