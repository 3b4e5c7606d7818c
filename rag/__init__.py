"""Retrieve, prompt, and answer with citations — pure logic over injected clients."""

from .answer import (
    Answer,
    AnswerSettings,
    AnswerStream,
    Assistant,
    Source,
    cited_sources,
    is_refusal,
    retrieval_answer,
)
from .prompts import PROMPT_VERSION, REFUSAL, build_messages
from .retrieve import Retrieval, Retriever
from .service import answer_settings, make_assistant, make_retriever

__all__ = [
    "PROMPT_VERSION",
    "REFUSAL",
    "Answer",
    "AnswerSettings",
    "AnswerStream",
    "Assistant",
    "Retrieval",
    "Retriever",
    "Source",
    "answer_settings",
    "build_messages",
    "cited_sources",
    "is_refusal",
    "make_assistant",
    "make_retriever",
    "retrieval_answer",
]
