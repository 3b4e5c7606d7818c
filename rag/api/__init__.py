"""The assistant's own OpenAI-compatible endpoint: protocol / service / router kept apart."""

from .limits import BodyLimit, BodyTooLarge, read_capped, replay, send_json, too_large
from .protocol import ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, Citation
from .router import build_api
from .service import CompletionService

__all__ = [
    "BodyLimit",
    "BodyTooLarge",
    "ChatCompletion",
    "ChatCompletionChunk",
    "ChatCompletionRequest",
    "Citation",
    "CompletionService",
    "build_api",
    "read_capped",
    "replay",
    "send_json",
    "too_large",
]
