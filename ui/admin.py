"""The operator page (/admin, behind the operator login): upload, re-index, list, remove.

Separate from the public chat: mounted on its own path, and only when `AXA_ADMIN_PASSWORD` is
set. `OperatorDesk` holds what the buttons do as plain methods (the tests call them); the tabs
(`admin_upload_tab`, `admin_documents_tab`) lay them out.
"""

from __future__ import annotations

import gradio as gr

from .admin_documents_tab import build_documents_tab, documents_table
from .admin_upload_tab import OUTCOME, build_upload_tab, results_table
from .operator_desk import MAX_FILES, OperatorDesk


def build_admin(desk: OperatorDesk) -> gr.Blocks:
    with gr.Blocks(title="AX-Assist 운영자") as admin:
        gr.Markdown("## AX-Assist 운영자 페이지\n문서를 올리면 바로 색인하고, 바뀐 문서만 다시 "
                    "색인합니다. 이 페이지는 공개 채팅과 분리되어 있습니다.")  # fmt: skip
        upload_tab = build_upload_tab(desk)
        listing = build_documents_tab(desk)
        upload_tab.wire(desk, listing)
        admin.load(listing.refreshed, None, [listing.table, listing.pick],
                   api_visibility="private")  # fmt: skip
        admin.load(desk.pending_message, None, [upload_tab.status], api_visibility="private")
    return admin


__all__ = [
    "MAX_FILES",
    "OUTCOME",
    "OperatorDesk",
    "build_admin",
    "documents_table",
    "results_table",
]
