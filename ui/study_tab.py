"""학습 모드 tab: five questions made from a document's fact-bearing sentences, graded by value.

The handlers are plain functions over `rag.StudyGuide`; `build_study_tab` only lays them out.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from typing import Any

import gradio as gr

from ingest import ManifestRow
from rag import QuizItem, StudyGuide, grade
from search import doc_key
from serving import ServingError

from .escape import md_text

log = logging.getLogger(__name__)

GENERIC_ERROR = "일시적인 오류로 답변하지 못했습니다. 잠시 후 다시 시도해 주세요."
NO_FACTS = "이 문서에서는 숫자나 날짜가 있는 문장을 찾지 못해 문제를 만들 수 없습니다."
MAX_REPLY_CHARS = 500
Documents = Callable[[], list[ManifestRow]]


def quiz_label(i: int, item: QuizItem) -> str:
    return f"{i + 1}. {item.question}"


def study_choices(rows: list[ManifestRow]) -> list[tuple[str, str]]:
    """(file name, opaque key): the page never learns where a document lives on the server."""
    return [(r.file, doc_key(r.doc_id)) for r in rows if r.status == "indexed"]


def study_doc_id(rows: list[ManifestRow], key: object) -> str | None:
    for r in rows:
        if r.status == "indexed" and doc_key(r.doc_id) == key:
            return r.doc_id
    return None


def make_questions(study: StudyGuide, rows: list[ManifestRow], key: object
                   ) -> tuple[list[QuizItem], str]:  # fmt: skip
    """The quiz for the document behind `key`, and the status line (Korean)."""
    doc_id = study_doc_id(rows, key)
    if not doc_id:
        return [], "먼저 문서를 고르세요."
    try:
        items = study.quiz(doc_id)
    except ServingError as exc:
        log.error("LLM error in study mode: %s", exc)
        return [], exc.user_message
    except Exception:
        log.exception("study mode failed for %s", doc_id)
        return [], GENERIC_ERROR
    if not items:
        return [], NO_FACTS
    return items, f"문제 {len(items)}개를 만들었습니다."


def check_answer(items: list[QuizItem], label: object, reply: object) -> tuple[str, str]:
    """(grade as Markdown, the cited passage as HTML with the answer's sentence marked)."""
    labels = [quiz_label(i, q) for i, q in enumerate(items)]
    if label not in labels:
        return "먼저 문제를 고르세요.", ""
    item = items[labels.index(str(label))]
    g = grade(item, (reply if isinstance(reply, str) else "")[:MAX_REPLY_CHARS])
    body = (
        html.escape(item.passage)
        .replace(html.escape(item.sentence), f"<mark>{html.escape(item.sentence)}</mark>")
        .replace("\n", "<br>")
    )
    head = f"{html.escape(item.file)} · {html.escape(item.location)}"
    return md_text(g.message), f'<div class="axa-source"><h4>{head}</h4>{body}</div>'


def build_study_tab(
    study: StudyGuide, rows: list[ManifestRow], documents: Documents | None, concurrency: int
) -> gr.Dropdown:
    """The tab; returns its document picker (the page refreshes its choices on load)."""
    with gr.Tab("학습 모드", id="study-tab"):
        gr.Markdown("문서를 고르면 그 문서의 내용으로 복습 문제 5개를 만듭니다. "
                    "답을 입력하고 채점하면 근거 쪽과 문단을 보여 줍니다.")  # fmt: skip
        with gr.Row():
            doc = gr.Dropdown(study_choices(rows), label="문서", elem_id="study-doc", scale=4)
            make = gr.Button("문제 만들기", variant="primary", elem_id="study-make", scale=1)
        status = gr.Markdown("", elem_id="study-status")
        pick = gr.Radio([], label="문제", elem_id="study-pick")
        reply = gr.Textbox(label="내 답", elem_id="study-answer")
        check = gr.Button("채점", elem_id="study-check")
        result = gr.Markdown("", elem_id="study-result")
        passage = gr.HTML("", elem_id="study-passage")
        quiz = gr.State([])

        def _make(key: str | None, progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
            progress(0, desc="문제를 만드는 중입니다 (1분 정도 걸릴 수 있습니다)")
            items, message = make_questions(study, documents() if documents else rows, key)
            labels = [quiz_label(i, q) for i, q in enumerate(items)]
            return (items, gr.update(choices=labels, value=labels[0] if labels else None),
                    message, "", "")  # fmt: skip

        make.click(_make, [doc], [quiz, pick, status, result, passage],
                   concurrency_limit=concurrency, api_name="study_make",
                   api_visibility="private")  # fmt: skip
        check.click(check_answer, [quiz, pick, reply], [result, passage],
                    api_visibility="private")  # fmt: skip
        pick.change(lambda: ("", "", ""), None, [reply, result, passage], api_visibility="private")
    return doc
