"""The assistant's own OpenAI-compatible endpoint: protocol / service / router kept apart."""

from .protocol import ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, Citation
from .router import build_api
from .service import CompletionService

__all__ = [
    "ChatCompletion",
    "ChatCompletionChunk",
    "ChatCompletionRequest",
    "Citation",
    "CompletionService",
    "build_api",
]
