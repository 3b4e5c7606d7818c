"""HTTP routes: validation and status codes only; the service does the work."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

from fastapi import APIRouter, FastAPI, HTTPException
from fastapi.responses import JSONResponse, StreamingResponse

from ingest.index import IndexMismatchError
from serving import ServingError

from .protocol import ChatCompletion, ChatCompletionRequest
from .service import CompletionService, EmptyQuestionError, question_of

log = logging.getLogger(__name__)

# Errors a caller can act on: the Korean message goes out, the operator detail goes to the log.
_UNAVAILABLE = (ServingError, IndexMismatchError)


def _error_body(exc: ServingError | IndexMismatchError) -> dict[str, object]:
    log.error("%s: %s", type(exc).__name__, exc)
    kind = "index_mismatch" if isinstance(exc, IndexMismatchError) else "llm_unavailable"
    return {"error": {"message": exc.user_message, "type": kind}}


def _sse(service: CompletionService, request: ChatCompletionRequest) -> Iterator[str]:
    try:
        for chunk in service.stream(request):
            yield f"data: {chunk.model_dump_json(exclude_none=True)}\n\n"
    except _UNAVAILABLE as exc:
        yield f"data: {json.dumps(_error_body(exc), ensure_ascii=False)}\n\n"
    yield "data: [DONE]\n\n"


def build_api(service: CompletionService) -> FastAPI:
    app = FastAPI(title="AX-Assist", version="0.1.0")
    router = APIRouter(prefix="/v1")

    @router.get("/models")
    def models() -> dict[str, object]:
        return {"object": "list", "data": [{"id": service.model_name, "object": "model"}]}

    @router.post("/chat/completions", response_model=None)
    def chat_completions(request: ChatCompletionRequest) -> ChatCompletion | StreamingResponse:
        try:
            if request.stream:
                question_of(request)  # reject before the stream starts
                return StreamingResponse(_sse(service, request), media_type="text/event-stream")
            return service.complete(request)
        except EmptyQuestionError as exc:
            raise HTTPException(400, "질문(user 메시지)이 없습니다.") from exc
        except _UNAVAILABLE as exc:
            return JSONResponse(_error_body(exc), 503)

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    app.include_router(router)
    return app
