"""Serving errors: operator-facing text in English, plus a Korean line for end users."""

from __future__ import annotations


class ServingError(RuntimeError):
    """Base class; `user_message` is safe to show in the chat window."""

    user_message = (
        "언어 모델 서버에 문제가 있습니다. 잠시 후 다시 시도하거나 관리자에게 문의하세요."
    )


class ModelVerificationError(ServingError):
    """A provisioned model file does not match its expected size or checksum."""


class ModelFetchError(ServingError):
    """The model packages could not be downloaded or unpacked."""


class LLMUnavailableError(ServingError):
    """The OpenAI-compatible server cannot be reached or did not start."""

    user_message = (
        "언어 모델 서버에 연결할 수 없습니다. 서버가 시작 중이면 잠시 후 다시 시도하고, "
        "계속되면 관리자에게 `axa-serve status`로 확인을 요청하세요."
    )
