"""질문하기 tab: the conversation, its sources in the viewer, filters and feedback.

The conversation lives in server-side state and the chat window is an output only, so no event
input is ever a file. Handlers are plain functions (`respond`, `search_filter`,
`record_feedback`, ...) that the tests call; `build_chat_tab` lays them out and wires them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from typing import Any

import gradio as gr

from ingest import ManifestRow
from rag import Answer, Assistant, FeedbackStore, Source
from search import IndexMismatchError, SearchFilter
from serving import ServingError

from .escape import md_answer, md_text
from .viewer import EMPTY, Terms, doc_href, render_source, source_label

log = logging.getLogger(__name__)

EXAMPLES = [
    "대구시 AI 대전환 사업의 총 예산은?",
    "울산 AI 대전환 사업의 주관기관은 어디인가요?",
    "지역 주도형 AI 대전환 사업 공모 마감일은 언제인가요?",
]
GENERIC_ERROR = "일시적인 오류로 답변하지 못했습니다. 잠시 후 다시 시도해 주세요."
PLACEHOLDER = "질문을 입력하세요 (예: 대구시 AI 대전환 사업의 총 예산은?)"
BAD_DATE = "날짜는 YYYY-MM-DD 형식으로 입력해 주세요 (예: 2025-03-04)."
TOO_LONG = "질문이 너무 깁니다. {limit:,}자 이내로 줄여서 다시 물어봐 주세요."
TOO_MANY_TURNS = "대화가 길어졌습니다. '대화 초기화'를 누르고 새로 질문해 주세요."
MAX_COMMENT_CHARS = 2000
MAX_FILTER_VALUES = 50  # a filter list longer than any real choice list is not a person's

Message = dict[str, str]


def format_sources(answer: Answer) -> str:
    """Everything here comes from documents, so it is escaped; only our own link is live."""
    if answer.related:
        found = ", ".join(md_text(f"{s.file} {s.location}") for s in answer.related)
        return f"\n\n찾은 관련 문서: {found}"
    if not answer.sources:
        return ""
    lines = ["", "", "**출처** (오른쪽 '출처 보기'에서 근거 문단을 볼 수 있습니다)"]
    for s in answer.sources:
        snippet = md_text(" ".join(s.text.split())[:120])
        link = f" ([원문]({doc_href(s.doc_id, s.page, s.unit)}))" if s.doc_id else ""
        lines.append(f"- [{s.ref}] **{md_text(s.file)}** {md_text(s.location)}{link} — "
                     f"{snippet}…")  # fmt: skip
    return "\n".join(lines)


def format_found(found: list[Source]) -> str:
    """Shown under the answer while the model writes it: the passages it is reading."""
    if not found:
        return ""
    lines = ["", "", "🔎 **찾은 근거** (답변을 작성하는 중입니다…)"]
    lines += [f"- [{s.ref}] {md_text(s.file)} {md_text(s.location)}" for s in found]
    return "\n".join(lines)


def search_filter(
    kinds: list[str] | None, regions: list[str] | None, orgs: list[str] | None,
    date_from: str | None, date_to: str | None, open_docs: list[str] | None = None,
) -> SearchFilter | None:  # fmt: skip
    """The sidebar's choices; ValueError (with a Korean message) on a malformed date.

    Gradio passes whatever JSON a client sends, so every value is forced to a short string."""

    def values(v: object) -> tuple[str, ...]:
        items = v if isinstance(v, list) else []
        return tuple(str(x)[:100] for x in items[:MAX_FILTER_VALUES])

    def day(v: object) -> str:
        return str(v or "").strip()[:20]

    where = SearchFilter(kinds=values(kinds), regions=values(regions), orgs=values(orgs),
                         date_from=day(date_from), date_to=day(date_to),
                         doc_ids=None if open_docs is None else tuple(open_docs))  # fmt: skip
    try:
        where.to_qdrant()
    except ValueError:
        raise ValueError(BAD_DATE) from None
    return where or None


def filter_choices(rows: list[ManifestRow]) -> dict[str, list[str]]:
    """Distinct kinds, regions and organisations of the indexed documents (filter options)."""
    kinds: set[str] = set()
    regions: set[str] = set()
    orgs: set[str] = set()
    for row in rows:
        if row.status != "indexed":
            continue
        meta = row.meta
        kinds.add(str(meta.get("kind", "")))
        named = meta.get("region")
        regions.update(str(r) for r in (named if isinstance(named, list) else []))
        orgs.add(str(meta.get("org", "")))
    return {k: sorted(v - {""}) for k, v in
            (("kinds", kinds), ("regions", regions), ("orgs", orgs))}  # fmt: skip


def respond(
    assistant: Assistant,
    message: str,
    history: list[Message],
    on_answer: Callable[[Answer], None] | None = None,
    where: SearchFilter | None = None,
    *,
    max_chars: int = 1000,
    max_turns: int = 30,
    on_found: Callable[[list[Source]], None] | None = None,
) -> Generator[list[Message], None, None]:
    """Stream one answer into the conversation; errors become a Korean sentence, never a trace.

    `history` is the server's own copy of the conversation (users' questions as typed, answers
    as shown): a client never sends it, so it can hold no file reference. `displayed` turns it
    into what the chat displays."""
    question = (message if isinstance(message, str) else "").strip()
    if not question:
        yield history
        return
    earlier = [str(m["content"]) for m in history if m.get("role") == "user"]
    if len(question) > max_chars or len(earlier) >= max_turns:
        notice = TOO_LONG.format(limit=max_chars) if len(question) > max_chars else TOO_MANY_TURNS
        shown = question[:200] + ("…" if len(question) > 200 else "")
        yield [*history, {"role": "user", "content": shown},
               {"role": "assistant", "content": notice}]  # fmt: skip
        return
    history = [*history, {"role": "user", "content": question}]
    yield [*history, {"role": "assistant", "content": ""}]
    text = ""
    try:
        stream = assistant.stream(question, earlier[-5:], where)
        deltas = iter(stream)
        told = False
        try:
            for delta in deltas:
                text += delta
                if stream.found and not told:
                    told = True
                    if on_found is not None:
                        on_found(stream.found)
                waiting = format_found(stream.found)
                yield [*history, {"role": "assistant", "content": md_answer(text) + waiting}]
        finally:  # closed early (the browser left): stop the model now, not at the next GC
            close = getattr(deltas, "close", None)
            if close is not None:
                close()
        result = stream.result
        if result is not None:
            text = md_answer(result.answer) + format_sources(result)
            if on_answer is not None:
                on_answer(result)
    except ServingError as exc:
        log.error("LLM error: %s", exc)
        text = exc.user_message
    except IndexMismatchError as exc:
        log.error("%s", exc)
        text = exc.user_message
    except Exception:
        log.exception("unexpected error answering %r", question)
        text = GENERIC_ERROR
    yield [*history, {"role": "assistant", "content": text}]


def displayed(history: list[Message]) -> list[Message]:
    """The chat's view: a question is shown as typed (escaped), answers are already safe."""
    return [{"role": m["role"], "content": md_text(m["content"]) if m["role"] == "user"
             else m["content"]} for m in history]  # fmt: skip


def answer_record(answer: Answer) -> dict[str, Any]:
    """What a 👍/👎 is stored with (the Gradio state keeps it per assistant message)."""
    view: list[dict[str, Any]] = answer.to_dict()["sources"]  # type: ignore[assignment]
    return {"question": answer.question, "answer": answer.answer, "refused": answer.refused,
            "sources": [{k: s[k] for k in ("ref", "file", "page", "location")} for s in view],
            "prompt_version": answer.prompt_version,
            "view": view}  # fmt: skip


def record_feedback(
    store: FeedbackStore, settings: dict[str, object], answers: dict[int, dict[str, Any]],
    index: object, liked: object,
) -> int | None:  # fmt: skip
    """Store a 👍/👎 for the assistant message at `index`; None when it is not an answer."""
    idx = index[0] if isinstance(index, list | tuple) else index
    rec = answers.get(idx) if isinstance(idx, int) else None
    if rec is None:
        return None
    rating = 1 if liked is True or liked == "like" else -1
    stored = {k: v for k, v in rec.items() if k != "view"}  # the viewer's copy of the passages
    return store.add(rating=rating, settings=settings, **stored)


def viewer_update(record: dict | None, choice: str | None = None) -> tuple[dict, str]:
    """The source picker's options and the passage shown, for one answer record."""
    view = (record or {}).get("view") or []
    labels = [source_label(s) for s in view]
    if not labels:
        return gr.update(choices=[], value=None), EMPTY
    chosen = choice if choice in labels else labels[0]
    return gr.update(choices=labels, value=chosen), chosen


def render(record: dict[str, Any] | None, label: str | None, terms: Terms) -> str:
    """The viewer's HTML for the source of `record` named `label`."""
    view = (record or {}).get("view") or []
    for src in view:
        if source_label(src) == label:
            return render_source(src, str((record or {}).get("answer", "")), terms)
    return EMPTY


def save_comment(feedback: FeedbackStore, row: int | None, text: object) -> tuple[str, str]:
    """(what stays in the comment box, the status line)."""
    text = text if isinstance(text, str) else ""
    if row is None or not text.strip():
        return text[:MAX_COMMENT_CHARS], "먼저 답변 아래 좋아요 또는 싫어요를 눌러 주세요."
    if len(text) > MAX_COMMENT_CHARS:
        return text[:MAX_COMMENT_CHARS], f"의견은 {MAX_COMMENT_CHARS:,}자 이내로 줄여 주세요."
    feedback.set_comment(row, text.strip())
    return "", "의견을 저장했습니다."


@dataclass
class ChatTab:
    """The components the page updates on load (filter choices)."""

    kinds: gr.CheckboxGroup
    regions: gr.Dropdown
    orgs: gr.Dropdown


@dataclass(frozen=True)
class ChatLimits:
    concurrency: int = 1
    max_chars: int = 1000
    max_turns: int = 30


def _filters(
    choices: dict[str, list[str]], open_notices: Callable[[], list[str]] | None
) -> tuple[Any, ...]:
    """The search-scope inputs, in the order `search_filter` takes them."""
    with gr.Accordion("검색 범위 (필터)", open=False, elem_id="filters"):
        f_kind = gr.CheckboxGroup(choices["kinds"], label="문서 종류",
                                  elem_id="filter-kind")  # fmt: skip
        f_region = gr.Dropdown(choices["regions"], multiselect=True, label="지역",
                               elem_id="filter-region")  # fmt: skip
        f_org = gr.Dropdown(choices["orgs"], multiselect=True, label="발행 기관",
                            elem_id="filter-org")  # fmt: skip
        with gr.Row():
            f_from = gr.Textbox(label="문서 날짜부터", placeholder="2025-01-01",
                                elem_id="filter-from")  # fmt: skip
            f_to = gr.Textbox(label="까지", placeholder="2026-12-31",
                              elem_id="filter-to")  # fmt: skip
        f_open = gr.Checkbox(False, label="접수 중인 공고만", elem_id="filter-open",
                             visible=open_notices is not None)  # fmt: skip
    return f_kind, f_region, f_org, f_from, f_to, f_open


def _responder(
    assistant: Assistant, limits: ChatLimits,
    open_notices: Callable[[], list[str]] | None, terms: Callable[[str], list[str]],
) -> Callable[..., Iterator[tuple[Any, ...]]]:  # fmt: skip
    """The question handler: the passages in the viewer as soon as they are found, the answer
    streamed, then its record (sources, feedback) kept by the message's index."""

    def _respond(
        message: str, history: list[Message], known: dict[int, dict[str, Any]],
        kinds: list[str], regions: list[str], orgs: list[str], dfrom: str, dto: str,
        only_open: bool = False,
    ) -> Iterator[tuple[Any, ...]]:  # fmt: skip
        keep = gr.update()
        try:
            opened = open_notices() if only_open is True and open_notices else None
            where = search_filter(kinds, regions, orgs, dfrom, dto, opened)
        except ValueError as exc:
            q = (message if isinstance(message, str) else "").strip()[:200]
            refused = [*history, {"role": "user", "content": q},
                       {"role": "assistant", "content": str(exc)}]  # fmt: skip
            yield displayed(refused), refused, known, keep, keep, keep
            return
        done: list[Answer] = []
        found: list[list[Source]] = []
        state: list[Message] = history
        replies = respond(assistant, message, history, done.append, where,
                          max_chars=limits.max_chars, max_turns=limits.max_turns,
                          on_found=found.append)  # fmt: skip
        try:
            for state in replies:
                if len(found) == 1:  # the passages, in the viewer before the first token
                    early = {"answer": "", "view": [s.to_dict() for s in found.pop()]}
                    pick, label = viewer_update(early)
                    yield (displayed(state), state, known, pick, render(early, label, terms),
                           early)  # fmt: skip
                    continue
                yield displayed(state), state, known, keep, keep, keep
        finally:
            replies.close()
        if done:
            record = answer_record(done[0])
            pick, label = viewer_update(record)
            yield (displayed(state), state, {**known, len(state) - 1: record}, pick,
                   render(record, label, terms), record)  # fmt: skip

    return _respond


def build_chat_tab(
    assistant: Assistant,
    rows: list[ManifestRow],
    *,
    limits: ChatLimits,
    feedback: FeedbackStore | None = None,
    settings_summary: dict[str, object] | None = None,
    open_notices: Callable[[], list[str]] | None = None,
) -> ChatTab:
    """`open_notices`: the documents of notices open now ("접수 중인 공고만" filter)."""
    terms = assistant.retriever.sparse.terms
    choices = filter_choices(rows)
    private: dict[str, Any] = {"api_visibility": "private"}
    with gr.Tab("질문하기", id="chat-tab"):
        with gr.Row():
            with gr.Column(scale=3):
                chatbot = gr.Chatbot(
                    label="대화", height=520, elem_id="chat", buttons=["copy"],
                    placeholder="지원사업 공고, 매뉴얼, 보고서에 대해 물어보세요.",
                )  # fmt: skip
                with gr.Row():
                    box = gr.Textbox(placeholder=PLACEHOLDER, show_label=False, scale=8,
                                     elem_id="question", autofocus=True)  # fmt: skip
                    send = gr.Button("보내기", variant="primary", scale=1, elem_id="send")
                gr.Examples(EXAMPLES, inputs=box, label="예시 질문")
                reset = gr.Button("대화 초기화", variant="secondary", size="sm", elem_id="reset")
                with gr.Row(visible=feedback is not None):
                    comment = gr.Textbox(
                        placeholder="답변에 좋아요·싫어요를 누른 뒤 의견을 남겨 주세요 (선택)",
                        show_label=False, scale=8, elem_id="feedback-comment",
                    )  # fmt: skip
                    send_comment = gr.Button("의견 보내기", scale=1, elem_id="feedback-send")
                thanks = gr.Markdown("", elem_id="feedback-status")
            with gr.Column(scale=2):
                gr.Markdown("### 출처 보기")
                picker = gr.Radio([], label="답변의 출처", elem_id="source-picker")
                viewer = gr.HTML(EMPTY, label="근거 문단", elem_id="source-viewer")
                f_kind, f_region, f_org, f_from, f_to, f_open = _filters(choices, open_notices)
    conversation = gr.State([])  # the server's copy of the chat (see `respond`)
    answers = gr.State({})  # assistant message index -> answer record (feedback, viewer)
    shown = gr.State(None)  # the answer record whose sources the viewer lists
    last_feedback = gr.State(None)

    _respond = _responder(assistant, limits, open_notices, terms)
    filters = [f_kind, f_region, f_org, f_from, f_to, f_open]
    for name, trigger in (("ask", box.submit), ("ask_button", send.click)):
        trigger(
            _respond, [box, conversation, answers, *filters],
            [chatbot, conversation, answers, picker, viewer, shown],
            concurrency_limit=limits.concurrency, api_name=name,
        ).then(lambda: "", None, box, **private)  # fmt: skip
    reset.click(lambda: ([], [], {}, gr.update(choices=[], value=None), EMPTY, None), None,
                [chatbot, conversation, answers, picker, viewer, shown], **private)  # fmt: skip
    picker.change(lambda record, label: render(record, label, terms), [shown, picker], viewer,
                  **private)  # fmt: skip

    def _select(evt: gr.SelectData, known: dict[int, dict[str, Any]]) -> tuple[Any, ...]:
        record = known.get(evt.index if isinstance(evt.index, int) else -1)
        if record is None:
            return gr.update(), gr.update(), gr.update()
        pick, label = viewer_update(record)
        return pick, render(record, label, terms), record

    chatbot.select(_select, [answers], [picker, viewer, shown], **private)

    if feedback is not None:
        store, summary = feedback, settings_summary or {}

        def _like(data: gr.LikeData, known: dict[int, dict[str, Any]]) -> tuple[int | None, str]:
            row = record_feedback(store, summary, known, data.index, data.liked)
            return row, ("의견을 남겨 주셔서 감사합니다." if row else "")

        chatbot.like(_like, [answers], [last_feedback, thanks], **private)
        send_comment.click(lambda row, text: save_comment(store, row, text),
                           [last_feedback, comment], [comment, thanks], **private)  # fmt: skip
    return ChatTab(f_kind, f_region, f_org)
