"""Assemble an `Assistant` from Settings and already-open parts (the entry points' helper)."""

from __future__ import annotations

from axa_settings import Settings
from ingest.embedding import Embedder
from ingest.store import Store
from serving.client import ChatModel

from .answer import AnswerSettings, Assistant
from .followup import FollowUpRewriter
from .retrieve import Retriever


def answer_settings(settings: Settings, embedder: Embedder) -> AnswerSettings:
    floor = settings.min_dense_score
    return AnswerSettings(
        top_k=settings.top_k,
        max_tokens=settings.llm_max_tokens,
        temperature=settings.llm_temperature,
        min_dense_score=embedder.relevance_floor if floor is None else floor,
        min_term_coverage=settings.min_term_coverage,
        context_chars=settings.context_chars,
    )


def make_retriever(settings: Settings, store: Store) -> Retriever:
    return Retriever(
        store.index,
        store.embedder,
        store.sparse,
        prefetch_k=settings.prefetch_k,
        weights=(settings.fusion_dense_weight, settings.fusion_sparse_weight),
        fusion=settings.fusion,
        dense_alpha=settings.fusion_dense_alpha,
    )


def make_assistant(settings: Settings, store: Store, llm: ChatModel) -> Assistant:
    return Assistant(
        make_retriever(settings, store),
        llm,
        answer_settings(settings, store.embedder),
        rewriter=FollowUpRewriter(store.kiwi),
    )
