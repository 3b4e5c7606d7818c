"""`axa-ask` while a chat or API server holds the embedded index: the question goes to that
server over its control socket (ingest/control.py) and is answered there, streaming. This
module is the server's side: a request in, events out, never the index opened twice."""

from __future__ import annotations

import logging
from collections.abc import Callable

from search import Retriever, SearchFilter
from serving import ServingError

from .answer import Assistant, retrieval_answer

log = logging.getLogger(__name__)

Send = Callable[[dict[str, object]], None]
Handler = Callable[[dict[str, object], Send], dict[str, object]]
_FILTER_LISTS = ("kinds", "regions", "orgs", "file_types")


def search_filter_of(given: object) -> SearchFilter | None:
    """A filter from a request's JSON: only strings kept, anything else ignored."""
    if not isinstance(given, dict):
        return None

    def strings(key: str) -> tuple[str, ...]:
        values = given.get(key)
        return (
            tuple(v[:200] for v in values if isinstance(v, str))[:50]
            if isinstance(values, list)
            else ()
        )

    def text(key: str) -> str:
        value = given.get(key)
        return value[:10] if isinstance(value, str) else ""

    where = SearchFilter(
        kinds=strings("kinds"), regions=strings("regions"), orgs=strings("orgs"),
        file_types=strings("file_types"), date_from=text("date_from"), date_to=text("date_to"),
    )  # fmt: skip
    where.to_qdrant()  # ValueError on a bad date, as for a local run
    return where or None


def filter_json(where: SearchFilter | None) -> dict[str, object]:
    if where is None:
        return {}
    return {**{k: list(getattr(where, k)) for k in _FILTER_LISTS},
            "date_from": where.date_from, "date_to": where.date_to}  # fmt: skip


def ask_handler(
    assistant: Assistant, retriever: Retriever, *, top_k: int, max_chars: int
) -> Handler:
    """Serves {"question", "filter", "retrieve_only"}: `delta` events, then the answer."""

    def handle(request: dict[str, object], send: Send) -> dict[str, object]:
        question = request.get("question")
        if not isinstance(question, str) or not question.strip():
            return {"event": "error", "message": "질문을 입력해 주세요."}
        if len(question) > max_chars:
            return {"event": "error", "message": f"질문은 {max_chars}자 이하로 입력해 주세요."}
        try:
            where = search_filter_of(request.get("filter"))
        except ValueError:
            return {"event": "error", "message": "날짜는 YYYY-MM-DD 형식으로 입력해 주세요."}
        if request.get("retrieve_only"):
            found = retriever.retrieve(question, top_k, where)
            return {"event": "report", "answer": retrieval_answer(found).to_dict()}
        try:
            stream = assistant.stream(question, where=where)
            for delta in stream:
                send({"event": "delta", "text": delta})
        except ServingError as exc:
            log.error("remote question failed: %s", exc)
            return {"event": "error", "message": exc.user_message}
        assert stream.result is not None
        return {"event": "report", "answer": stream.result.to_dict()}

    return handle
