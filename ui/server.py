"""One web server: the public chat at /, the operator page at /admin (login; only when a
password is set), and /doc/<key> serving the original of an indexed document."""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from pathlib import Path

import gradio as gr
from fastapi import FastAPI, HTTPException
from fastapi.responses import FileResponse

from ingest.manifest import ManifestRow

from .app import CSS
from .viewer import doc_key

# HTML is downloaded, never rendered on our origin (an uploaded page could carry scripts).
_INLINE = {".pdf", ".txt", ".md"}


def build_server(
    chat: gr.Blocks,
    documents: Callable[[], list[ManifestRow]],
    *,
    admin: gr.Blocks | None = None,
    admin_auth: tuple[str, str] | None = None,
    max_file_mb: float = 100.0,
) -> FastAPI:
    if admin is not None and admin_auth is None:
        raise ValueError("the operator page needs a password (AXA_ADMIN_PASSWORD)")
    api = FastAPI(title="AX-Assist", docs_url=None, redoc_url=None, openapi_url=None)

    @api.get("/doc/{key}")
    def document(key: str) -> FileResponse:
        """Only files the manifest lists as indexed, by an opaque key: no path comes in."""
        for row in documents():
            if row.status == "indexed" and doc_key(row.doc_id) == key:
                path = Path(row.doc_id)
                if not path.is_file():
                    break
                suffix = path.suffix.lower()
                media = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                if suffix in (".md", ".txt"):
                    media = "text/plain; charset=utf-8"
                return FileResponse(
                    path, media_type=media, filename=row.file,
                    content_disposition_type="inline" if suffix in _INLINE else "attachment",
                    headers={"X-Content-Type-Options": "nosniff"},
                )  # fmt: skip
        raise HTTPException(404, "문서를 찾을 수 없습니다. 색인에서 빠졌거나 파일이 옮겨졌습니다.")

    @api.get("/healthz")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    limit = f"{max_file_mb:.0f}mb"
    if admin is not None:
        gr.mount_gradio_app(api, admin, path="/admin", auth=admin_auth, max_file_size=limit,
                            footer_links=[])  # fmt: skip
    gr.mount_gradio_app(api, chat, path="", max_file_size=limit, footer_links=[], css=CSS)
    return api
