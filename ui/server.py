"""One web server: the public chat at /, the operator page at /admin (its own login; only when
a password is set), and /doc/<key> serving the original of an indexed document, all behind
`WebGuard`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import gradio as gr
from fastapi import FastAPI, HTTPException
from fastapi.responses import FileResponse

from ingest import ManifestRow, serve_inline, served_media_type
from search import doc_key

from .app import CSS
from .guard import WebGuard
from .operator_login import ADMIN, OperatorLogin, add_login_routes
from .ratelimit import QUESTION_EVENTS, RateLimit


def _mount(api: FastAPI, blocks: gr.Blocks, path: str, max_file_mb: float, **extra: object) -> None:
    gr.mount_gradio_app(api, blocks, path=path, max_file_size=f"{max_file_mb:.0f}mb",
                        footer_links=[], show_error=False, run_history=False,
                        **extra)  # fmt: skip
    # Gradio checks that a file a client names was uploaded to it only in a launched app;
    # mounted, it skips the check. Ours never need it skipped.
    blocks.has_launched = True


def build_server(
    chat: gr.Blocks,
    documents: Callable[[], list[ManifestRow]],
    *,
    admin: gr.Blocks | None = None,
    login: OperatorLogin | None = None,
    max_file_mb: float = 100.0,
    max_body_kb: int = 256,
    rate_per_min: int = 0,
) -> FastAPI:
    if admin is not None and login is None:
        raise ValueError("the operator page needs a password (AXA_ADMIN_PASSWORD)")
    api = FastAPI(title="AX-Assist", docs_url=None, redoc_url=None, openapi_url=None)

    @api.api_route("/doc/{key}", methods=["GET", "HEAD"])
    def document(key: str) -> FileResponse:
        """Only files the manifest lists as indexed, by an opaque key: no path comes in."""
        for row in documents():
            if row.status == "indexed" and doc_key(row.doc_id) == key:
                path = Path(row.doc_id)
                if not path.is_file():
                    break
                return FileResponse(
                    path, media_type=served_media_type(path), filename=row.file,
                    content_disposition_type=(
                        "inline" if serve_inline(path.suffix) else "attachment"
                    ),
                )  # fmt: skip
        raise HTTPException(404, "문서를 찾을 수 없습니다. 색인에서 빠졌거나 파일이 옮겨졌습니다.")

    @api.get("/healthz")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    if admin is not None and login is not None:
        add_login_routes(api, login)
        _mount(api, admin, ADMIN, max_file_mb)
    _mount(api, chat, "", max_file_mb, css=CSS)
    api.add_middleware(
        WebGuard, login=login if admin is not None else None,
        max_body_bytes=max_body_kb * 1024,
        max_upload_bytes=int(max_file_mb * 2**20) * 20 + 2**20,  # 20 files at the size limit
        rate=RateLimit(rate_per_min) if rate_per_min > 0 else None,
        rated=frozenset(i for i, fn in chat.fns.items() if fn.api_name in QUESTION_EVENTS),
    )  # fmt: skip
    return api
