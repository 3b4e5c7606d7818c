"""The wire format: OpenAI chat-completions, plus `citations` and `refused` on the answer."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field

from korean import ISO_DATE


class ChatMessage(BaseModel):
    role: Literal["system", "user", "assistant", "tool", "developer"]
    content: str | None = ""


def _calendar_day(value: str) -> str:
    """'2025-13-45' and '2025-02-30' match the pattern but are no day: refused up front."""
    if value:
        try:
            date.fromisoformat(value)
        except ValueError:
            raise ValueError("not a calendar date (YYYY-MM-DD)") from None
    return value


Day = Annotated[str, Field("", pattern=f"({ISO_DATE})|^$"), AfterValidator(_calendar_day)]
Values = Annotated[list[Annotated[str, Field(max_length=200)]], Field([], max_length=50)]


class Filters(BaseModel):
    """An extension field (like vLLM's extra parameters): search only matching documents."""

    kinds: Values = []
    regions: Values = []
    orgs: Values = []
    file_types: Values = []
    date_from: Day = ""
    date_to: Day = ""


class EligibilityRequest(BaseModel):
    """`POST /v1/eligibility`: a company in one Korean sentence (`profile`), or the profile
    the last answer read and the user corrected (`company`, checked as given: no model)."""

    profile: str = Field("", max_length=500)
    company: dict[str, object] | None = Field(
        None, description="Profile fields as the answer's `profile` gives them, corrected."
    )
    file: str | None = Field(None, max_length=200, description="One notice (file or program).")
    today: Day = ""


class ChatCompletionRequest(BaseModel):
    model: str = "ax-assist"
    messages: list[ChatMessage] = Field(min_length=1, max_length=200)
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
    doc_id: str = ""  # an opaque key (the chat's /doc/<key>), never a server path


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
    # Extensions: the passages found, in one early chunk before the first token; and on the
    # last chunk the answer as checked by the grounding guards (may differ from the deltas).
    sources: list[Citation] | None = None
    answer: str | None = None


class ErrorDetail(BaseModel):
    message: str
    type: str
    param: str | None = None
    code: str | None = None


class ErrorResponse(BaseModel):
    """OpenAI's error shape: every error of this API, streamed or not, has it."""

    error: ErrorDetail
