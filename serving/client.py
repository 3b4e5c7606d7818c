"""The one place an LLM client is created: the OpenAI chat-completions API, streaming.

Everything else in AX-Assist talks to a `ChatModel`; tests inject a scripted one.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Literal, Protocol

import httpx
import openai

from .errors import LLMUnavailableError, ServingError

log = logging.getLogger(__name__)

Message = dict[str, str]
Schema = Mapping[str, Any]
# How a server takes a JSON schema: OpenAI's (and vLLM's, llama.cpp's own server's)
# {"type": "json_schema", "json_schema": {...}}, or llama-cpp-python's {"type": "json_object",
# "schema": ...}; "auto" tries the first and falls back once.
JsonFormat = Literal["auto", "openai", "llama-cpp"]


class ChatModel(Protocol):
    """Streams the assistant's reply to `messages` as text deltas; with `json_schema`, the
    reply is JSON that the server constrains to that schema (a grammar, not a request)."""

    def stream(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int,
        temperature: float,
        json_schema: Schema | None = None,
    ) -> Iterator[str]: ...


class OpenAIChatModel:
    """A `ChatModel` over any OpenAI-compatible server (llama.cpp, vLLM, a hosted API)."""

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str = "not-needed",
        timeout_s: float = 120.0,
        max_retries: int = 2,
        http_client: httpx.Client | None = None,
        json_format: JsonFormat = "auto",
    ) -> None:
        self.base_url = base_url
        self.model = model
        self.json_format = json_format
        self._client = openai.OpenAI(
            base_url=base_url,
            api_key=api_key,
            timeout=openai.Timeout(timeout_s, connect=5.0),
            max_retries=max_retries,
            # tests hand in Starlette's TestClient (httpx); openai's own client duck-types it
            http_client=http_client,  # type: ignore[arg-type]
        )

    def _response_format(self, schema: Schema) -> dict[str, object]:
        if self.json_format == "llama-cpp":
            return {"type": "json_object", "schema": dict(schema)}
        named = {"name": "answer", "strict": True, "schema": dict(schema)}
        return {"type": "json_schema", "json_schema": named}

    def _create(self, messages: Sequence[Message], max_tokens: int, temperature: float,
                json_schema: Schema | None) -> object:  # fmt: skip
        body = (
            None if json_schema is None else {"response_format": self._response_format(json_schema)}
        )
        try:
            return self._client.chat.completions.create(
                model=self.model,
                messages=list(messages),  # type: ignore[arg-type]
                max_tokens=max_tokens,
                temperature=temperature,
                stream=True,
                extra_body=body,
            )
        except openai.APIStatusError as exc:
            # llama-cpp-python answers OpenAI's form with 500 (its validation), others 400/422
            said = f"{exc.message} {exc.body}"
            refused_form = exc.status_code in (400, 422) or "response_format" in said
            if json_schema is None or self.json_format != "auto" or not refused_form:
                raise
            log.info("LLM at %s refused OpenAI's json_schema; using json_object + schema",
                     self.base_url)  # fmt: skip
            self.json_format = "llama-cpp"
            return self._create(messages, max_tokens, temperature, json_schema)

    def stream(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int,
        temperature: float,
        json_schema: Schema | None = None,
    ) -> Iterator[str]:
        try:
            response = self._create(messages, max_tokens, temperature, json_schema)
            assert isinstance(response, openai.Stream)  # stream=True
            with response:  # closed on GeneratorExit too: the server stops generating
                for event in response:
                    if event.choices and event.choices[0].delta.content:
                        yield event.choices[0].delta.content
        except (openai.APIConnectionError, openai.APITimeoutError) as exc:
            log.warning("LLM at %s unreachable: %s", self.base_url, exc)
            raise LLMUnavailableError(f"LLM server at {self.base_url} unreachable: {exc}") from exc
        except openai.APIStatusError as exc:
            log.warning("LLM at %s answered %s: %s", self.base_url, exc.status_code, exc.message)
            raise ServingError(
                f"LLM server answered HTTP {exc.status_code}: {exc.message}"
            ) from exc


def is_healthy(base_url: str, timeout_s: float = 2.0) -> bool:
    """True when an OpenAI-compatible server answers `GET /models` at `base_url`."""
    try:
        return httpx.get(base_url.rstrip("/") + "/models", timeout=timeout_s).status_code == 200
    except httpx.HTTPError:
        return False
