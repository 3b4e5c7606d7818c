"""The assistant's own OpenAI-compatible endpoint: protocol / service / router kept apart."""

from .limits import (
    BAD_HOST,
    BodyLimit,
    BodyTooLarge,
    host_allowed,
    read_capped,
    replay,
    scope_host,
    send_json,
    too_large,
)
from .protocol import ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, Citation
from .router import build_api
from .service import CompletionService

__all__ = [
    "BAD_HOST",
    "BodyLimit",
    "BodyTooLarge",
    "ChatCompletion",
    "ChatCompletionChunk",
    "ChatCompletionRequest",
    "Citation",
    "CompletionService",
    "build_api",
    "host_allowed",
    "read_capped",
    "replay",
    "scope_host",
    "send_json",
    "too_large",
]
