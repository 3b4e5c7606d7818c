"""The assistant behind the OpenAI-compatible endpoint: question in, cited answer out."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator

from ingest.index import SearchFilter

from ..answer import Answer, Assistant
from .protocol import (
    AnswerMessage,
    ChatCompletion,
    ChatCompletionChunk,
    ChatCompletionRequest,
    Choice,
    ChunkChoice,
    Citation,
    Delta,
)


class EmptyQuestionError(ValueError):
    """The request holds no user message to answer."""


def question_of(request: ChatCompletionRequest) -> str:
    """The last user message is the question."""
    return conversation_of(request)[1]


def conversation_of(request: ChatCompletionRequest) -> tuple[list[str], str]:
    """Earlier user turns (for follow-up rewriting) and the last one, the question."""
    users = [(m.content or "").strip() for m in request.messages if m.role == "user"]
    users = [u for u in users if u]
    if not users:
        raise EmptyQuestionError("no user message with text")
    return users[:-1], users[-1]


def citations(answer: Answer) -> list[Citation]:
    return [
        Citation(
            ref=s.ref,
            file=s.file,
            page=s.page,
            location=s.location,
            score=s.score,
            text=s.text,
            doc_id=s.doc_id,
        )
        for s in answer.sources
    ]


def filter_of(request: ChatCompletionRequest) -> SearchFilter | None:
    f = request.filters
    if f is None:
        return None
    where = SearchFilter(
        kinds=tuple(f.kinds), regions=tuple(f.regions), orgs=tuple(f.orgs),
        file_types=tuple(t.lower().lstrip(".") for t in f.file_types),
        date_from=f.date_from, date_to=f.date_to,
    )  # fmt: skip
    return where or None


class CompletionService:
    """One answer at a time: the CPU LLM serves one prompt at a time anyway, and the embedded
    index client is not meant for concurrent use."""

    def __init__(self, assistant: Assistant, model_name: str = "ax-assist") -> None:
        self.assistant = assistant
        self.model_name = model_name
        self._lock = threading.Lock()

    def complete(self, request: ChatCompletionRequest) -> ChatCompletion:
        history, question = conversation_of(request)
        with self._lock:
            answer = self.assistant.ask(question, history, filter_of(request))
        return ChatCompletion(
            id=f"chatcmpl-{uuid.uuid4().hex}",
            created=int(time.time()),
            model=self.model_name,
            choices=[Choice(message=AnswerMessage(content=answer.answer))],
            citations=citations(answer),
            refused=answer.refused,
        )

    def stream(self, request: ChatCompletionRequest) -> Iterator[ChatCompletionChunk]:
        history, question = conversation_of(request)
        cid, created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())

        def chunk(delta: Delta, **extra: object) -> ChatCompletionChunk:
            choice = ChunkChoice(delta=delta, finish_reason=extra.pop("finish_reason", None))
            return ChatCompletionChunk(id=cid, created=created, model=self.model_name,
                                       choices=[choice], **extra)  # fmt: skip

        with self._lock:
            yield chunk(Delta(role="assistant", content=""))
            answer_stream = self.assistant.stream(question, history, filter_of(request))
            for text in answer_stream:
                yield chunk(Delta(content=text))
            answer = answer_stream.result
        assert answer is not None
        yield chunk(Delta(), finish_reason="stop", citations=citations(answer),
                    refused=answer.refused)  # fmt: skip
