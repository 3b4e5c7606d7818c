"""Where the LLM runs: model provisioning, the embedded llama.cpp server, vLLM, one client."""

from .client import ChatModel, JsonFormat, Message, OpenAIChatModel, Schema, is_healthy
from .errors import LLMUnavailableError, ModelFetchError, ModelVerificationError, ServingError
from .llamacpp import EmbeddedLlamaServer
from .models import BUNDLED_MODELS, BundledModel
from .provision import fetch_model, is_provisioned, verify
from .runtime import RestartingChatModel, chat_model, embedded_server, local_model_path
from .vllm import VLLMConfig, vllm_command, vllm_image_args

__all__ = [
    "BUNDLED_MODELS",
    "BundledModel",
    "ChatModel",
    "EmbeddedLlamaServer",
    "JsonFormat",
    "LLMUnavailableError",
    "Message",
    "ModelFetchError",
    "ModelVerificationError",
    "OpenAIChatModel",
    "RestartingChatModel",
    "Schema",
    "ServingError",
    "VLLMConfig",
    "chat_model",
    "embedded_server",
    "fetch_model",
    "is_healthy",
    "is_provisioned",
    "local_model_path",
    "verify",
    "vllm_command",
    "vllm_image_args",
]
