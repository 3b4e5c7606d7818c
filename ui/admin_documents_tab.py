"""운영자 페이지, 문서 목록 tab: what is indexed (status, metadata, errors), and removal."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import gradio as gr

from ingest import ManifestRow

from .escape import plain

if TYPE_CHECKING:
    from .operator_desk import OperatorDesk

STATUS = {"indexed": "색인됨", "failed": "실패"}
HEADERS = ["파일", "상태", "쪽", "조각", "종류", "지역", "기관", "날짜", "오류", "갱신(UTC)"]


def documents_table(rows: Sequence[ManifestRow]) -> list[list[object]]:
    out: list[list[object]] = []
    for r in rows:
        meta = r.meta
        regions = meta.get("region") or []
        out.append([plain(r.file), STATUS.get(r.status, r.status), r.pages, r.chunks,
                    meta.get("kind", ""), ", ".join(map(str, regions)),  # type: ignore[call-overload]
                    meta.get("org", ""), meta.get("date", ""), plain(r.error),
                    r.ingested_at.replace("T", " ")[:16]])  # fmt: skip
    return out


@dataclass
class DocumentsTab:
    desk: OperatorDesk
    table: gr.Dataframe
    pick: gr.Dropdown

    def refreshed(self) -> tuple[Any, ...]:
        """New values for the table and the removal picker (after any change)."""
        return (documents_table(self.desk.documents()),
                gr.update(choices=self.desk.choices(), value=None))  # fmt: skip


def build_documents_tab(desk: OperatorDesk) -> DocumentsTab:
    with gr.Tab("문서 목록"):
        table = gr.Dataframe(headers=HEADERS, value=documents_table(desk.documents()),
                             elem_id="admin-docs", interactive=False)  # fmt: skip
        with gr.Row():
            pick = gr.Dropdown(desk.choices(), label="삭제할 문서", elem_id="admin-pick", scale=4)
            remove = gr.Button("색인에서 삭제", variant="stop", elem_id="admin-remove")
        removed = gr.Markdown("", elem_id="admin-removed")
    tab = DocumentsTab(desk, table, pick)
    remove.click(lambda key: (desk.remove(key), *tab.refreshed()), [pick],
                 [removed, table, pick], concurrency_limit=1, api_visibility="private")  # fmt: skip
    return tab
