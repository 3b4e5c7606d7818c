"""The assistant behind the OpenAI-compatible endpoint: question in, cited answer out."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from search import SearchFilter, doc_key

from ..answer import Answer, Assistant, Source
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


class QuestionError(ValueError):
    """The request cannot be answered as sent; `user_message` says why, in Korean."""

    user_message = "질문(user 메시지)이 없습니다."


class EmptyQuestionError(QuestionError):
    """The request holds no user message to answer."""


class QuestionTooLongError(QuestionError):
    def __init__(self, limit: int) -> None:
        super().__init__(f"a user message is over {limit} characters")
        self.user_message = f"질문이 너무 깁니다. {limit:,}자 이내로 줄여 주세요."


def question_of(request: ChatCompletionRequest, max_chars: int = 1000) -> str:
    """The last user message is the question."""
    return conversation_of(request, max_chars)[1]


def conversation_of(request: ChatCompletionRequest, max_chars: int = 1000) -> tuple[list[str], str]:
    """Earlier user turns (the last five, for follow-up rewriting) and the last one, the
    question. A user message over `max_chars` is refused: real questions are short, and
    each character costs the small CPU model time."""
    users = [(m.content or "").strip() for m in request.messages if m.role == "user"]
    users = [u for u in users if u]
    if not users:
        raise EmptyQuestionError("no user message with text")
    if any(len(u) > max_chars for u in users):
        raise QuestionTooLongError(max_chars)
    return users[:-1][-5:], users[-1]


@dataclass(frozen=True)
class Found:
    """The passages retrieval found, before the model's first token."""

    sources: list[Source]


Event = str | Found | Answer


def citations(answer: Answer) -> list[Citation]:
    return source_citations(answer.sources)


def source_citations(sources: list[Source]) -> list[Citation]:
    return [
        Citation(
            ref=s.ref,
            file=s.file,
            page=s.page,
            location=s.location,
            score=s.score,
            text=s.text,
            doc_id=doc_key(s.doc_id) if s.doc_id else "",
        )
        for s in sources
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

    def __init__(
        self, assistant: Assistant, model_name: str = "ax-assist", *, max_question_chars: int = 1000
    ) -> None:
        self.assistant = assistant
        self.model_name = model_name
        self.max_question_chars = max_question_chars
        self._lock = threading.Lock()

    def check(self, request: ChatCompletionRequest) -> None:
        """QuestionError before any work (and before a stream starts)."""
        conversation_of(request, self.max_question_chars)

    def complete(self, request: ChatCompletionRequest) -> ChatCompletion:
        return self.completion(self.events(request))

    def completion(self, events: Iterator[Event]) -> ChatCompletion:
        """The non-streamed reply: the finished answer (citations repaired, refusals
        normalised), not the raw deltas."""
        answer = next(e for e in events if isinstance(e, Answer))
        return ChatCompletion(
            id=f"chatcmpl-{uuid.uuid4().hex}", created=int(time.time()), model=self.model_name,
            choices=[Choice(message=AnswerMessage(content=answer.answer))],
            citations=citations(answer), refused=answer.refused,
        )  # fmt: skip

    def events(self, request: ChatCompletionRequest) -> Iterator[Event]:
        """The passages found (as soon as retrieval ends), text deltas, then the finished
        Answer. Closing it early (the client left) stops the model's generation and frees the
        lock for the next caller."""
        history, question = conversation_of(request, self.max_question_chars)
        with self._lock:
            answer_stream = self.assistant.stream(question, history, filter_of(request))
            deltas = iter(answer_stream)
            told = False
            try:
                for delta in deltas:
                    if answer_stream.found and not told:
                        told = True
                        yield Found(answer_stream.found)
                    if delta:
                        yield delta
            finally:
                close = getattr(deltas, "close", None)
                if close is not None:
                    close()
            answer = answer_stream.result
        assert answer is not None
        yield answer

    def stream(self, request: ChatCompletionRequest) -> Iterator[ChatCompletionChunk]:
        return self.chunks(self.events(request))

    def chunks(self, events: Iterator[Event]) -> Iterator[ChatCompletionChunk]:
        cid, created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())

        def chunk(delta: Delta, **extra: object) -> ChatCompletionChunk:
            choice = ChunkChoice(delta=delta, finish_reason=extra.pop("finish_reason", None))
            return ChatCompletionChunk(id=cid, created=created, model=self.model_name,
                                       choices=[choice], **extra)  # fmt: skip

        yield chunk(Delta(role="assistant", content=""))
        for event in events:
            if isinstance(event, Answer):
                # `answer`: the text after the grounding guards, which may have dropped a
                # streamed sentence; show it in place of the streamed text.
                yield chunk(Delta(), finish_reason="stop", citations=citations(event),
                            refused=event.refused, answer=event.answer)  # fmt: skip
            elif isinstance(event, Found):
                yield chunk(Delta(), sources=source_citations(event.sources))
            else:
                yield chunk(Delta(content=event))
