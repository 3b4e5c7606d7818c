"""The wire format: OpenAI chat-completions, plus `citations` and `refused` on the answer."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class ChatMessage(BaseModel):
    role: Literal["system", "user", "assistant", "tool", "developer"]
    content: str | None = ""


_DATE = r"^\d{4}-\d{2}-\d{2}$"


class Filters(BaseModel):
    """An extension field (like vLLM's extra parameters): search only matching documents."""

    kinds: list[str] = []
    regions: list[str] = []
    orgs: list[str] = []
    file_types: list[str] = []
    date_from: str = Field("", pattern=f"({_DATE})|^$")
    date_to: str = Field("", pattern=f"({_DATE})|^$")


class ChatCompletionRequest(BaseModel):
    model: str = "ax-assist"
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool = False
    max_tokens: int | None = Field(None, ge=1, le=4096)
    temperature: float | None = Field(None, ge=0, le=2)
    filters: Filters | None = None


class Citation(BaseModel):
    ref: int
    file: str
    page: int
    location: str
    score: float
    text: str
    doc_id: str = ""


class AnswerMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


class Choice(BaseModel):
    index: int = 0
    message: AnswerMessage
    finish_reason: Literal["stop"] = "stop"


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[Choice]
    citations: list[Citation] = []
    refused: bool = False


class Delta(BaseModel):
    role: Literal["assistant"] | None = None
    content: str | None = None


class ChunkChoice(BaseModel):
    index: int = 0
    delta: Delta
    finish_reason: Literal["stop"] | None = None


class ChatCompletionChunk(BaseModel):
    id: str
    object: Literal["chat.completion.chunk"] = "chat.completion.chunk"
    created: int
    model: str
    choices: list[ChunkChoice]
    citations: list[Citation] | None = None
    refused: bool | None = None
