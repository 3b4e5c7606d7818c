"""운영자 페이지, 문서 올리기 tab: upload and index, or re-index what changed, with progress."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import gradio as gr

from ingest import FileResult, Outcome

from .escape import plain

if TYPE_CHECKING:
    from .admin_documents_tab import DocumentsTab
    from .operator_desk import OperatorDesk

OUTCOME = {Outcome.ADDED: "추가", Outcome.UPDATED: "갱신", Outcome.SKIPPED: "변경 없음",
           Outcome.FAILED: "실패", Outcome.REMOVED: "삭제"}  # fmt: skip


def results_table(results: Sequence[FileResult]) -> list[list[object]]:
    return [[plain(r.file), OUTCOME.get(r.outcome, str(r.outcome)), r.pages, r.chunks,
             plain(r.reason)] for r in results]  # fmt: skip


def _progress(progress: gr.Progress) -> Any:
    progress(0, desc="색인을 시작합니다")

    def step(result: FileResult, i: int, total: int) -> None:
        progress((i, total), desc=f"{result.file}: {OUTCOME.get(result.outcome, '')}")

    return step


@dataclass
class UploadTab:
    files: gr.File
    upload: gr.Button
    refresh: gr.Button
    status: gr.Markdown
    result: gr.Dataframe

    def wire(self, desk: OperatorDesk, listing: DocumentsTab) -> None:
        """Events, once the document list they also update exists."""
        outputs = [self.status, self.result, listing.table, listing.pick]

        def _upload(paths: object, progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
            message, results = desk.upload(paths, _progress(progress))
            return message, results_table(results), *listing.refreshed()

        def _refresh(progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
            message, results = desk.refresh_all(_progress(progress))
            return message, results_table(results), *listing.refreshed()

        self.upload.click(_upload, [self.files], outputs, concurrency_limit=1,
                          api_visibility="private")  # fmt: skip
        self.refresh.click(_refresh, None, outputs, concurrency_limit=1, api_visibility="private")


def build_upload_tab(desk: OperatorDesk) -> UploadTab:
    kinds = ", ".join(sorted(desk.suffixes))
    with gr.Tab("문서 올리기"):
        files = gr.File(label=f"문서 ({kinds}; 파일당 {desk.max_bytes / 2**20:.0f}MB 이하)",
                        file_count="multiple", type="filepath", elem_id="admin-upload")  # fmt: skip
        upload = gr.Button("올리고 색인하기", variant="primary", elem_id="admin-ingest")
        refresh = gr.Button("전체 다시 색인 (바뀐 문서만)", elem_id="admin-refresh")
        status = gr.Markdown("", elem_id="admin-status")
        result = gr.Dataframe(headers=["파일", "결과", "쪽", "조각", "사유"],
                              elem_id="admin-result", interactive=False)  # fmt: skip
    return UploadTab(files, upload, refresh, status, result)
