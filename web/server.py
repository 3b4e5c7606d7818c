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
from ui import CSS

from .events import PublicEvents
from .guard import TempSweeper, WebGuard
from .operator_login import ADMIN, OperatorLogin, add_login_routes
from .ratelimit import RateLimit


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
    queued_per_client: int = 4,
    allowed_hosts: frozenset[str] | None = None,
    temp_dir: Path | None = None,
) -> FastAPI:
    """`allowed_hosts`: the Host names answered (None: any, for in-process test clients);
    `temp_dir`: Gradio's temp folder, swept of what outlived its use."""
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
    events = PublicEvents(chat)
    api.add_middleware(
        WebGuard, login=login if admin is not None else None,
        max_body_bytes=max_body_kb * 1024,
        max_upload_bytes=int(max_file_mb * 2**20) * 20 + 2**20,  # 20 files at the size limit
        events=events,
        rate=RateLimit(rate_per_min) if rate_per_min > 0 else None,
        pending=queued_events(chat, events.costly), max_pending=queued_per_client,
        hosts=allowed_hosts,
        sweeper=TempSweeper(temp_dir) if temp_dir is not None else None,
    )  # fmt: skip
    return api


def queued_events(blocks: gr.Blocks, costly: frozenset[int]) -> Callable[[str], int]:
    """How many model-time events a client address has waiting or running in `blocks`'s
    queue. Gradio keeps each event in `event_ids_to_events` from join to end (pinned in
    constraints.txt; tests/test_security.py fails if that changes)."""

    def count(client: str) -> int:
        queue = getattr(blocks, "_queue", None)
        events = list(getattr(queue, "event_ids_to_events", {}).values())
        n = 0
        for e in events:
            request = getattr(e, "request", None)
            host = request.client.host if request is not None and request.client else None
            n += host == client and getattr(e.fn, "_id", None) in costly
        return n

    return count
