"""The operator page (/admin, password from Settings): upload, re-index, list, remove.

Separate from the public chat: it is mounted on its own path behind Gradio's login, and only
when `AXA_ADMIN_PASSWORD` is set. Uploads are checked for size, for a type the ingest can read
(by name and by the file's first bytes), and stored under one folder with a sanitised name.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import gradio as gr

from ingest import (
    FileResult,
    Ingestor,
    ManifestRow,
    Outcome,
    is_text_format,
    sniff_ok,
    supported_suffixes,
)
from search import doc_key

from .escape import md_text, plain

log = logging.getLogger(__name__)

MAX_FILES = 20  # per upload (the web guard sizes the request for this many)
_UNSAFE = re.compile(r"[^\w가-힣 .()\[\]+\-]")
STATUS = {"indexed": "색인됨", "failed": "실패"}
OUTCOME = {Outcome.ADDED: "추가", Outcome.UPDATED: "갱신", Outcome.SKIPPED: "변경 없음",
           Outcome.FAILED: "실패", Outcome.REMOVED: "삭제"}  # fmt: skip


class UploadRejected(ValueError):
    """An upload refused before ingest; the message is Korean, for the operator."""


def safe_name(name: str) -> str:
    """A plain file name: no folders, no '..', no control or shell characters, NFC Hangul."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").split("/")[-1]
    name = _UNSAFE.sub("_", name).strip(" .")
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    stem = re.sub(r"_+", "_", stem)[:100].strip(" ._") or "upload"
    return f"{stem}.{suffix.lower()}" if suffix else stem


def shown_name(name: str) -> str:
    """A client-sent name as it may be echoed: no bidi tricks, bounded length."""
    name = plain(name).replace("\\", "/").split("/")[-1]
    return name if len(name) <= 120 else name[:117] + "..."


def check_upload(
    path: Path, name: str, *, max_bytes: int, suffixes: set[str], received_dir: Path | None = None
) -> str:
    """The safe name to store `path` under, or UploadRejected with the reason.

    `received_dir`: where the web server put the uploaded bytes. A path outside it was named
    by the client, not uploaded, and is refused (it could be any file on the server)."""
    clean = safe_name(name)
    name = shown_name(name)
    if received_dir is not None:
        root = received_dir.resolve()
        if path.is_symlink() or not path.resolve().is_relative_to(root) or not path.is_file():
            log.warning("refused an upload that names a server path: %r", str(path)[:200])
            raise UploadRejected(f"{name}: 올린 파일이 아닙니다")
    suffix = Path(clean).suffix.lower()
    if suffix not in suffixes:
        allowed = ", ".join(sorted(s.lstrip(".") for s in suffixes))
        raise UploadRejected(f"{name}: 지원하지 않는 형식입니다 (가능: {allowed})")
    size = path.stat().st_size
    if size == 0:
        raise UploadRejected(f"{name}: 빈 파일입니다")
    if size > max_bytes:
        raise UploadRejected(
            f"{name}: 파일이 너무 큽니다 ({size / 2**20:.1f}MB > 한도 {max_bytes / 2**20:.0f}MB)"
        )
    with path.open("rb") as f:
        head = f.read(4096)
    if not sniff_ok(suffix, head):
        if is_text_format(suffix):
            raise UploadRejected(f"{name}: 텍스트 파일이 아닙니다")
        raise UploadRejected(f"{name}: 확장자는 {suffix}이지만 내용이 그 형식이 아닙니다")
    return clean


@dataclass
class Stored:
    path: Path
    previous: Path | None = None  # the version it replaced, kept until the new one indexes


@dataclass
class Received:
    stored: list[Stored] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)


def store_uploads(
    files: Sequence[tuple[Path, str]], upload_dir: Path, *, max_bytes: int, suffixes: set[str],
    received_dir: Path | None = None,
) -> Received:  # fmt: skip
    """Copy the accepted uploads into `upload_dir`. A file of the same name is set aside (not
    lost) until its replacement is indexed; two uploads with one name in a batch: the first."""
    upload_dir.mkdir(parents=True, exist_ok=True)
    root = upload_dir.resolve()
    out = Received()
    for path, name in files:
        try:
            clean = check_upload(path, name, max_bytes=max_bytes, suffixes=suffixes,
                                 received_dir=received_dir)  # fmt: skip
        except (UploadRejected, OSError) as exc:
            out.rejected.append(str(exc))
            continue
        target = (root / clean).resolve()
        if target.parent != root:  # cannot happen after safe_name; checked anyway
            out.rejected.append(f"{shown_name(name)}: 허용되지 않는 파일 이름입니다")
            continue
        if any(s.path == target for s in out.stored):
            out.rejected.append(f"{shown_name(name)}: 같은 이름({clean})의 파일이 이미 "
                                "이번에 올린 파일에 있습니다")  # fmt: skip
            continue
        previous = None
        if target.exists():
            keep = root.parent / "uploads-previous"
            keep.mkdir(exist_ok=True)
            previous = keep / clean
            os.replace(target, previous)
            out.replaced.append(clean)
        shutil.copyfile(path, target)
        out.stored.append(Stored(target, previous))
    return out


def settle_uploads(stored: Sequence[Stored], results: Sequence[FileResult],
                   ingestor: Ingestor) -> None:  # fmt: skip
    """After ingest: a failed upload leaves nothing behind (a replaced version comes back and
    stays indexed); a successful one drops the version it replaced."""
    failed = {Path(r.path).resolve() for r in results if r.outcome == Outcome.FAILED}
    for s in stored:
        if s.path in failed:
            if s.previous is not None:
                os.replace(s.previous, s.path)
            else:
                s.path.unlink(missing_ok=True)
                ingestor.remove(str(s.path))
        elif s.previous is not None:
            s.previous.unlink(missing_ok=True)


def documents_table(rows: Sequence[ManifestRow]) -> list[list[object]]:
    out = []
    for r in rows:
        meta = r.meta
        regions = meta.get("region") or []
        out.append([plain(r.file), STATUS.get(r.status, r.status), r.pages, r.chunks,
                    meta.get("kind", ""), ", ".join(map(str, regions)),  # type: ignore[call-overload]
                    meta.get("org", ""), meta.get("date", ""), plain(r.error),
                    r.ingested_at.replace("T", " ")[:16]])  # fmt: skip
    return out


HEADERS = ["파일", "상태", "쪽", "조각", "종류", "지역", "기관", "날짜", "오류", "갱신(UTC)"]


def results_table(results: Sequence[FileResult]) -> list[list[object]]:
    return [[plain(r.file), OUTCOME.get(r.outcome, str(r.outcome)), r.pages, r.chunks,
             plain(r.reason)] for r in results]  # fmt: skip


def build_admin(
    ingestor: Ingestor,
    upload_dir: Path,
    *,
    max_bytes: int,
    on_change: Callable[[], None] | None = None,
    received_dir: Path | None = None,
) -> gr.Blocks:
    """`received_dir`: Gradio's upload folder (GRADIO_TEMP_DIR); only files in it are taken."""
    suffixes = supported_suffixes(ingestor.loaders)
    manifest = ingestor.manifest

    def _choices(rows: Sequence[ManifestRow]) -> list[tuple[str, str]]:
        return [(plain(r.file), doc_key(r.doc_id)) for r in rows]

    def _docs() -> tuple[list[list[object]], dict]:
        rows = manifest.all()
        return documents_table(rows), gr.update(choices=_choices(rows), value=None)

    def _run(paths: list[Path], progress: gr.Progress) -> list[FileResult]:
        def step(result: FileResult, i: int, total: int) -> None:
            progress((i, total), desc=f"{result.file}: {OUTCOME.get(result.outcome, '')}")

        progress(0, desc="색인을 시작합니다")
        # No optimize here: Qdrant Edge's HNSW build holds the GIL (measured: the whole build,
        # minutes at 100k chunks), which would freeze the chat in this process. New points are
        # searched exactly in their own small segment; `axa-ingest` rebuilds the graphs.
        report = ingestor.ingest(paths, progress=step, optimize=False)
        if on_change:
            on_change()
        return report.results

    with gr.Blocks(title="AX-Assist 운영자") as admin:
        gr.Markdown("## AX-Assist 운영자 페이지\n문서를 올리면 바로 색인하고, 바뀐 문서만 다시 "
                    "색인합니다. 이 페이지는 공개 채팅과 분리되어 있습니다.")  # fmt: skip
        with gr.Tab("문서 올리기"):
            files = gr.File(label=f"문서 ({', '.join(sorted(suffixes))}; 파일당 "
                            f"{max_bytes / 2**20:.0f}MB 이하)", file_count="multiple",
                            type="filepath", elem_id="admin-upload")  # fmt: skip
            upload = gr.Button("올리고 색인하기", variant="primary", elem_id="admin-ingest")
            refresh = gr.Button("전체 다시 색인 (바뀐 문서만)", elem_id="admin-refresh")
            status = gr.Markdown("", elem_id="admin-status")
            result = gr.Dataframe(headers=["파일", "결과", "쪽", "조각", "사유"],
                                  elem_id="admin-result", interactive=False)  # fmt: skip
        with gr.Tab("문서 목록"):
            table = gr.Dataframe(headers=HEADERS, value=documents_table(manifest.all()),
                                 elem_id="admin-docs", interactive=False)  # fmt: skip
            with gr.Row():
                pick = gr.Dropdown(_choices(manifest.all()), label="삭제할 문서",
                                   elem_id="admin-pick", scale=4)  # fmt: skip
                remove = gr.Button("색인에서 삭제", variant="stop", elem_id="admin-remove")
            removed = gr.Markdown("", elem_id="admin-removed")

        def _upload(paths: list[str] | None, progress: gr.Progress = gr.Progress()) -> tuple:  # noqa: B008
            paths = [p for p in (paths or []) if isinstance(p, str)][:MAX_FILES]
            if not paths:
                return "올릴 파일을 고르세요.", [], *_docs()
            pairs = [(Path(p), Path(p).name) for p in paths]
            got = store_uploads(pairs, upload_dir, max_bytes=max_bytes, suffixes=suffixes,
                                received_dir=received_dir)  # fmt: skip
            try:
                results = _run([s.path for s in got.stored], progress) if got.stored else []
                settle_uploads(got.stored, results, ingestor)
            finally:
                for p, _ in pairs:  # Gradio's copy of what was uploaded
                    if received_dir is not None and p.resolve().is_relative_to(
                        received_dir.resolve()
                    ):
                        p.unlink(missing_ok=True)
            failed = [r for r in results if r.outcome == Outcome.FAILED]
            lines = [f"{len(got.stored)}개 파일을 받아 색인했습니다 (실패 {len(failed)}개)."]
            lines += [f"- 새 버전으로 교체: {md_text(name)}" for name in got.replaced]
            lines += [f"- 거부: {md_text(reason)}" for reason in got.rejected]
            log.info("admin upload: %d stored, %d rejected", len(got.stored), len(got.rejected))
            return "\n".join(lines), results_table(results), *_docs()

        upload.click(_upload, [files], [status, result, table, pick], concurrency_limit=1,
                     api_name=False)  # fmt: skip

        def _refresh(progress: gr.Progress = gr.Progress()) -> tuple:  # noqa: B008
            rows = manifest.all()
            gone = [r for r in rows if not Path(r.doc_id).exists()]
            for r in gone:
                ingestor.remove(r.doc_id)
            paths = [Path(r.doc_id) for r in rows if Path(r.doc_id).exists()]
            if upload_dir.is_dir():
                paths.append(upload_dir)
            results = _run(paths, progress) if paths else []
            gone_reason = "파일이 없어져 색인에서 뺐습니다"
            results += [FileResult(r.path, r.file, Outcome.REMOVED, r.pages, reason=gone_reason)
                        for r in gone]  # fmt: skip
            changed = sum(1 for r in results if r.outcome != Outcome.SKIPPED)
            return f"다시 색인했습니다: 바뀐 문서 {changed}개.", results_table(results), *_docs()

        refresh.click(_refresh, None, [status, result, table, pick], concurrency_limit=1,
                      api_name=False)  # fmt: skip

        def _remove(key: str | None) -> tuple:
            row = next((r for r in manifest.all() if doc_key(r.doc_id) == key), None)
            if row is None:
                return "삭제할 문서를 고르세요.", *_docs()
            ingestor.remove(row.doc_id)
            path = Path(row.doc_id)
            if path.parent == upload_dir.resolve() and path.exists():
                path.unlink()  # an uploaded copy goes too; files elsewhere are the operator's
            if on_change:
                on_change()
            log.info("admin removed %s", row.doc_id)
            return f"{md_text(row.file)} 문서를 색인에서 삭제했습니다.", *_docs()

        remove.click(_remove, [pick], [removed, table, pick], concurrency_limit=1,
                     api_name=False)  # fmt: skip
        admin.load(_docs, None, [table, pick], api_name=False)
    return admin
