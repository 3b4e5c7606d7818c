"""The Gradio chat: layout and event wiring over `rag.Assistant`, nothing else."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import gradio as gr

from rag import Answer, Assistant
from serving import ServingError

from .feedback import FeedbackStore

log = logging.getLogger(__name__)

TITLE = "AX-Assist · 지역 AI 대전환 지원사업 도우미"
EXAMPLES = [
    "대구시 AI 대전환 사업의 총 예산은?",
    "울산 AI 대전환 사업의 주관기관은 어디인가요?",
    "지역 주도형 AI 대전환 사업 공모 마감일은 언제인가요?",
]
GENERIC_ERROR = "일시적인 오류로 답변하지 못했습니다. 잠시 후 다시 시도해 주세요."

Message = dict[str, str]


@dataclass(frozen=True)
class CorpusInfo:
    documents: int
    last_refresh: str | None

    def notice(self) -> str:
        when = self.last_refresh.replace("T", " ")[:16] if self.last_refresh else "없음"
        return (
            f"답변은 색인된 문서 {self.documents}건에서만 찾습니다 (마지막 갱신: {when} UTC). "
            '문서에 없는 내용은 "문서에서 찾을 수 없습니다"라고 답합니다.'
        )


def format_sources(answer: Answer) -> str:
    if answer.related:
        found = ", ".join(f"{s.file} {s.location}" for s in answer.related)
        return f"\n\n찾은 관련 문서: {found}"
    if not answer.sources:
        return ""
    lines = ["", "", "**출처**"]
    for s in answer.sources:
        snippet = " ".join(s.text.split())[:120]
        lines.append(f"- [{s.ref}] **{s.file}** {s.location} — {snippet}…")
    return "\n".join(lines)


def respond(
    assistant: Assistant,
    message: str,
    history: list[Message],
    on_answer: Callable[[Answer], None] | None = None,
) -> Iterator[list[Message]]:
    """Stream one answer into the chat; errors become a Korean sentence, never a trace."""
    question = (message or "").strip()
    if not question:
        yield history
        return
    earlier = [str(m["content"]) for m in history if m.get("role") == "user"]
    history = [*history, {"role": "user", "content": question}]
    yield [*history, {"role": "assistant", "content": ""}]
    text = ""
    try:
        stream = assistant.stream(question, earlier)
        for delta in stream:
            text += delta
            yield [*history, {"role": "assistant", "content": text}]
        result = stream.result
        if result is not None:
            text = result.answer + format_sources(result)
            if on_answer is not None:
                on_answer(result)
    except ServingError as exc:
        log.error("LLM error: %s", exc)
        text = exc.user_message
    except Exception:
        log.exception("unexpected error answering %r", question)
        text = GENERIC_ERROR
    yield [*history, {"role": "assistant", "content": text}]


def answer_record(answer: Answer) -> dict[str, object]:
    """What a 👍/👎 is stored with (the Gradio state keeps it per assistant message)."""
    d = answer.to_dict()
    return {"question": answer.question, "answer": answer.answer, "refused": answer.refused,
            "sources": [{k: s[k] for k in ("ref", "file", "page", "location")}
                        for s in d["sources"]],  # type: ignore[union-attr]
            "prompt_version": answer.prompt_version}  # fmt: skip


def record_feedback(
    store: FeedbackStore, settings: dict, answers: dict[int, dict], index: object, liked: object
) -> int | None:
    """Store a 👍/👎 for the assistant message at `index`; None when it is not an answer."""
    idx = index[0] if isinstance(index, list | tuple) else index
    rec = answers.get(int(idx)) if isinstance(idx, int) else None  # type: ignore[arg-type]
    if rec is None:
        return None
    rating = 1 if liked is True or liked == "like" else -1
    return store.add(rating=rating, settings=settings, **rec)  # type: ignore[arg-type]


def build_app(
    assistant: Assistant,
    corpus: CorpusInfo,
    *,
    concurrency: int = 1,
    feedback: FeedbackStore | None = None,
    settings_summary: dict | None = None,
) -> gr.Blocks:
    with gr.Blocks(title=TITLE) as app:
        gr.Markdown(f"## {TITLE}\n{corpus.notice()}")
        chatbot = gr.Chatbot(
            label="대화", height=520, elem_id="chat", buttons=["copy"],
            placeholder="지원사업 공고, 매뉴얼, 보고서에 대해 물어보세요.",
        )  # fmt: skip
        with gr.Row():
            box = gr.Textbox(
                placeholder="질문을 입력하세요 (예: 대구시 AI 대전환 사업의 총 예산은?)",
                show_label=False, scale=8, elem_id="question", autofocus=True,
            )  # fmt: skip
            send = gr.Button("보내기", variant="primary", scale=1, elem_id="send")
        gr.Examples(EXAMPLES, inputs=box, label="예시 질문")
        reset = gr.Button("대화 초기화", variant="secondary", size="sm")
        answers = gr.State({})  # assistant message index -> answer record, for feedback
        last_feedback = gr.State(None)
        with gr.Row(visible=feedback is not None):
            comment = gr.Textbox(placeholder="👍/👎 후 의견을 남겨 주세요 (선택)", show_label=False,
                                 scale=8, elem_id="feedback-comment")  # fmt: skip
            send_comment = gr.Button("의견 보내기", scale=1, elem_id="feedback-send")
        thanks = gr.Markdown("", elem_id="feedback-status")

        def _respond(
            message: str, history: list[Message], known: dict[int, dict]
        ) -> Iterator[tuple[list[Message], dict[int, dict]]]:
            done: list[Answer] = []
            state: list[Message] = history
            for state in respond(assistant, message, history, done.append):
                yield state, known
            if done:
                yield state, {**known, len(state) - 1: answer_record(done[0])}

        for name, trigger in (("ask", box.submit), ("ask_button", send.click)):
            trigger(
                _respond, [box, chatbot, answers], [chatbot, answers],
                concurrency_limit=concurrency, api_name=name,
            ).then(lambda: "", None, box, api_name=False)  # fmt: skip
        reset.click(lambda: ([], {}), None, [chatbot, answers], api_name=False)

        if feedback is not None:
            summary = settings_summary or {}

            def _like(data: gr.LikeData, known: dict[int, dict]) -> tuple[int | None, str]:
                row = record_feedback(feedback, summary, known, data.index, data.liked)
                return row, ("의견을 남겨 주셔서 감사합니다." if row else "")

            chatbot.like(_like, [answers], [last_feedback, thanks], api_name=False)

            def _comment(row: int | None, text: str) -> tuple[str, str]:
                if row is None or not text.strip():
                    return text, "먼저 답변에 👍 또는 👎를 눌러 주세요."
                feedback.set_comment(row, text.strip())
                return "", "의견을 저장했습니다."

            send_comment.click(_comment, [last_feedback, comment], [comment, thanks],
                               api_name=False)  # fmt: skip
    return app
