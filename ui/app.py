"""The public chat page: the title notice and its tabs (질문하기, 학습 모드), refreshed on load."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import gradio as gr

from ingest import ManifestRow
from notices import NoticeBoard
from rag import Assistant, FeedbackStore, StudyGuide

from .chat_tab import ChatLimits, build_chat_tab, filter_choices
from .eligibility_tab import CSS as ELIGIBILITY_CSS
from .eligibility_tab import build_eligibility_tab, notice_choices
from .study_tab import build_study_tab, study_choices

TITLE = "AX-Assist · 지역 AI 대전환 지원사업 도우미"
CSS = (
    """
#source-viewer mark { background: #fff3a3; padding: 0 2px; }
#source-viewer .axa-passage { max-height: 420px; overflow-y: auto; line-height: 1.6; }
"""
    + ELIGIBILITY_CSS
)


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


def build_app(
    assistant: Assistant,
    corpus: CorpusInfo,
    *,
    concurrency: int = 1,
    feedback: FeedbackStore | None = None,
    settings_summary: dict[str, object] | None = None,
    documents: Callable[[], list[ManifestRow]] | None = None,
    study: StudyGuide | None = None,
    corpus_info: Callable[[], CorpusInfo] | None = None,
    max_chars: int = 1000,
    max_turns: int = 30,
    notices: NoticeBoard | None = None,
) -> gr.Blocks:
    """`documents` lists the manifest (filters, study mode); `corpus_info` refreshes the
    notice on each page load, so an operator's upload shows without a restart."""
    rows = documents() if documents else []
    with gr.Blocks(title=TITLE) as app:
        notice = gr.Markdown(f"## {TITLE}\n{corpus.notice()}", elem_id="notice")
        chat = build_chat_tab(
            assistant, rows, feedback=feedback, settings_summary=settings_summary,
            limits=ChatLimits(concurrency, max_chars, max_turns),
            open_notices=notices.open_doc_ids if notices else None,
        )  # fmt: skip
        study_doc = build_study_tab(study, rows, documents, concurrency) if study else None
        notice_pick = build_eligibility_tab(notices, concurrency) if notices else None

        def _load() -> tuple[Any, ...]:
            fresh = documents() if documents else []
            c = filter_choices(fresh)
            head = f"## {TITLE}\n{(corpus_info() if corpus_info else corpus).notice()}"
            out = [head, gr.update(choices=c["kinds"]), gr.update(choices=c["regions"]),
                   gr.update(choices=c["orgs"])]  # fmt: skip
            if study_doc is not None:
                out.append(gr.update(choices=study_choices(fresh)))
            if notices is not None:
                out.append(gr.update(choices=notice_choices(notices)))
            return tuple(out)

        outputs = [notice, chat.kinds, chat.regions, chat.orgs, *([study_doc] if study_doc else []),
                   *([notice_pick] if notice_pick else [])]  # fmt: skip
        app.load(_load, None, outputs, api_visibility="private")
    return app
