"""Where the LLM runs: model provisioning, the embedded llama.cpp server, vLLM, one client."""

from .client import ChatModel, JsonFormat, Message, OpenAIChatModel, Schema, is_healthy
from .errors import LLMUnavailableError, ModelFetchError, ModelVerificationError, ServingError
from .llamacpp import EmbeddedLlamaServer
from .models import BUNDLED_MODELS, BundledModel
from .provision import fetch_model, is_provisioned, verify
from .runtime import (
    Endpoint,
    RestartingChatModel,
    ServerLock,
    client_for,
    connect,
    running,
    wait_healthy,
)
from .vllm import VLLMConfig, vllm_command, vllm_image_args

__all__ = [
    "BUNDLED_MODELS",
    "BundledModel",
    "ChatModel",
    "EmbeddedLlamaServer",
    "Endpoint",
    "JsonFormat",
    "LLMUnavailableError",
    "Message",
    "ModelFetchError",
    "ModelVerificationError",
    "OpenAIChatModel",
    "RestartingChatModel",
    "Schema",
    "ServerLock",
    "ServingError",
    "VLLMConfig",
    "client_for",
    "connect",
    "fetch_model",
    "is_healthy",
    "is_provisioned",
    "running",
    "verify",
    "vllm_command",
    "vllm_image_args",
    "wait_healthy",
]
