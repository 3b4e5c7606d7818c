"""HTTP routes: validation, authentication and status codes only; the service does the work.

Every error leaves in OpenAI's shape (`{"error": {"message", "type", "param", "code"}}`), a
stream's too (an error event, then `[DONE]`). The answer is produced a token at a time in a
worker thread, and stops when the client disconnects.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import date, datetime, time
from typing import TypeVar

import anyio
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response, StreamingResponse
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from notices import SEOUL, NoticeBoard, profile_from_fields
from search import IndexMismatchError
from serving import ServingError

from .limits import BodyLimit
from .protocol import (
    ChatCompletion,
    ChatCompletionRequest,
    EligibilityRequest,
    ErrorDetail,
    ErrorResponse,
)
from .service import CompletionService, QuestionError

log = logging.getLogger(__name__)

GENERIC = "일시적인 오류로 답변하지 못했습니다. 잠시 후 다시 시도해 주세요."
T = TypeVar("T")
_DONE = object()


class ClientGone(Exception):
    """The caller disconnected; nothing more is sent or computed."""


def error(status: int, message: str, kind: str, code: str | None = None,
          param: str | None = None) -> JSONResponse:  # fmt: skip
    body = ErrorResponse(error=ErrorDetail(message=message, type=kind, param=param, code=code))
    return JSONResponse(body.model_dump(), status)


def _known(exc: Exception) -> tuple[int, ErrorDetail]:
    """Errors a caller can act on get their Korean message; the rest a generic one (logged)."""
    if isinstance(exc, QuestionError):
        return 400, ErrorDetail(message=exc.user_message, type="invalid_request_error",
                                param="messages")  # fmt: skip
    if isinstance(exc, IndexMismatchError):
        log.error("IndexMismatchError: %s", exc)
        return 503, ErrorDetail(message=exc.user_message, type="index_mismatch")
    if isinstance(exc, ServingError):
        log.error("%s: %s", type(exc).__name__, exc)
        return 503, ErrorDetail(message=exc.user_message, type="llm_unavailable")
    log.error("unexpected error answering: %r", exc, exc_info=exc)
    return 500, ErrorDetail(message=GENERIC, type="server_error")


async def _pull(items: Iterator[T], request: Request) -> AsyncIterator[T]:
    """Iterate a blocking iterator off the event loop; stop (and close it, which stops the
    model) as soon as the client is gone."""
    try:
        while True:
            if await request.is_disconnected():
                raise ClientGone
            item = await run_in_threadpool(next, items, _DONE)
            if item is _DONE:
                return
            yield item  # type: ignore[misc]
    finally:
        close = getattr(items, "close", None)
        if close is not None:
            with anyio.CancelScope(shield=True):  # runs even when the request was cancelled
                await run_in_threadpool(close)


def build_api(service: CompletionService, *, api_key: str | None = None,
              max_body_kb: int = 256, notices: NoticeBoard | None = None,
              allowed_hosts: frozenset[str] | None = None) -> FastAPI:  # fmt: skip
    """`api_key`: when set, every /v1 call needs `Authorization: Bearer <key>` (the OpenAI
    client's `api_key`). `notices`: serve `/v1/notices` and `/v1/eligibility` from them.
    `allowed_hosts`: the Host names answered (`Settings.hosts_for`); None checks none."""
    app = FastAPI(title="AX-Assist", version="0.1.0", docs_url=None, redoc_url=None,
                  openapi_url=None)  # fmt: skip
    router = APIRouter(prefix="/v1", dependencies=[Depends(_bearer(api_key))])
    _chat_routes(router, service)
    _notice_routes(router, notices)
    _error_handlers(app)

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    app.include_router(router)
    app.add_middleware(BodyLimit, limit=max_body_kb * 1024, hosts=allowed_hosts)
    return app


def _bearer(api_key: str | None) -> Callable[[Request], None]:
    """The /v1 dependency: `Authorization: Bearer <key>` when a key is set."""

    def authorised(request: Request) -> None:
        if api_key is None:
            return
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.encode(), api_key.encode()):
            raise StarletteHTTPException(401, "API 키가 없거나 맞지 않습니다.")

    return authorised


def _chat_routes(router: APIRouter, service: CompletionService) -> None:
    """OpenAI's /models and /chat/completions (streamed as server-sent events or whole)."""

    @router.get("/models")
    def models() -> dict[str, object]:
        return {"object": "list", "data": [{"id": service.model_name, "object": "model"}]}

    @router.post("/chat/completions", response_model=None)
    async def chat_completions(
        body: ChatCompletionRequest, request: Request
    ) -> ChatCompletion | Response:
        try:
            service.check(body)  # refuse before a stream starts
        except QuestionError as exc:
            status, detail = _known(exc)
            return error(status, detail.message, detail.type, param=detail.param)
        if body.stream:
            return StreamingResponse(_sse(body, request), media_type="text/event-stream")
        try:
            events = [e async for e in _pull(service.events(body), request)]
        except ClientGone:
            log.info("client left before its answer was done; generation stopped")
            return Response(status_code=499)
        except Exception as exc:
            status, detail = _known(exc)
            return JSONResponse(ErrorResponse(error=detail).model_dump(), status)
        return service.completion(iter(events))

    async def _sse(body: ChatCompletionRequest, request: Request) -> AsyncIterator[str]:
        try:
            async for chunk in _pull(service.stream(body), request):
                yield f"data: {chunk.model_dump_json(exclude_none=True)}\n\n"
        except ClientGone:
            log.info("client left mid-stream; generation stopped")
            return
        except Exception as exc:
            _, detail = _known(exc)
            event = ErrorResponse(error=detail).model_dump()
            yield f"data: {json.dumps(event, ensure_ascii=False)}\n\n"
        yield "data: [DONE]\n\n"


def _notice_routes(router: APIRouter, notices: NoticeBoard | None) -> None:
    """/notices and /eligibility, as of `today` when the client names a day."""

    def _board(today: str) -> NoticeBoard:
        if notices is None:
            raise StarletteHTTPException(404, "공고 기능이 켜져 있지 않습니다.")
        if not today:
            return notices
        try:
            day = date.fromisoformat(today[:10]) if len(today) == 10 else None
        except ValueError:
            day = None
        if day is None:
            raise StarletteHTTPException(400, "today는 YYYY-MM-DD 형식으로 보내 주세요.")
        return notices.at(datetime.combine(day, time(12), tzinfo=SEOUL))

    @router.get("/notices")
    def list_notices(open: bool = False, today: str = "") -> dict[str, object]:
        """The notice cards (`axa-notices --json`), open ones only with `open=true`."""
        board = _board(today)
        return {"object": "list", "data": board.listing(open)}

    @router.post("/eligibility")
    def eligibility(body: EligibilityRequest) -> dict[str, object]:
        """`axa-eligibility --json`: the profile as read, each notice's verdict and its cited
        conditions; with `company`, that corrected profile is checked as it is."""
        board = _board(body.today)
        if body.company is not None:
            return board.eligibility(profile_from_fields(body.company), body.file)
        if not body.profile.strip():
            raise StarletteHTTPException(400, "profile(회사 설명) 또는 company를 보내 주세요.")
        return board.eligibility(body.profile, body.file)


def _error_handlers(app: FastAPI) -> None:
    """Every error as OpenAI's error object, in Korean, never a trace."""

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        message = f"요청 형식이 잘못되었습니다: {where or '본문'} ({first.get('msg', '')})"
        return error(422, message, "invalid_request_error", "invalid_value", where or None)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        kinds = {401: "authentication_error", 404: "not_found_error", 405: "invalid_request_error"}
        messages = {404: "없는 경로입니다.", 405: "허용되지 않는 메서드입니다."}
        message = messages.get(exc.status_code, str(exc.detail))
        kind = kinds.get(exc.status_code, "invalid_request_error")
        code = "invalid_api_key" if exc.status_code == 401 else None
        response = error(exc.status_code, message, kind, code)
        if exc.status_code == 401:
            response.headers["WWW-Authenticate"] = "Bearer"
        return response

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        status, detail = _known(exc)
        return JSONResponse(ErrorResponse(error=detail).model_dump(), status)
