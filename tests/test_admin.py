"""The operator page's upload checks and the web server's /doc and /admin surfaces."""

from __future__ import annotations

from pathlib import Path

import gradio as gr
import pytest
from fastapi.testclient import TestClient

from ingest import Manifest
from search import doc_key
from ui.admin import documents_table
from ui.uploads import UploadRejected, check_upload, safe_name, store_uploads
from web.operator_login import OperatorLogin
from web.server import build_server

SUFFIXES = {".pdf", ".hwp", ".hwpx", ".docx", ".md", ".txt", ".html"}


@pytest.mark.parametrize(("name", "safe"), [
    ("../../etc/passwd.md", "passwd.md"),
    ("..\\..\\win.ini.txt", "win.ini.txt"),
    ("공고문 (2026) 최종.PDF", "공고문 (2026) 최종.pdf"),
    ("a;rm -rf $HOME`.md", "a_rm -rf _HOME.md"),
    ("...", "upload"),
    ("/abs/path/.hidden.md", "hidden.md"),
])  # fmt: skip
def test_safe_name_keeps_a_plain_file_name(name: str, safe: str) -> None:
    assert safe_name(name) == safe


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_check_upload_refuses_wrong_type_size_and_content(tmp_path: Path) -> None:
    ok = write(tmp_path / "a.pdf", b"%PDF-1.7 ...")
    assert check_upload(ok, "공고.pdf", max_bytes=100, suffixes=SUFFIXES) == "공고.pdf"
    with pytest.raises(UploadRejected, match="지원하지 않는 형식"):
        check_upload(write(tmp_path / "x.exe", b"MZ"), "x.exe", max_bytes=100, suffixes=SUFFIXES)
    with pytest.raises(UploadRejected, match="내용이 그 형식이 아닙니다"):
        check_upload(write(tmp_path / "f.pdf", b"MZ\x90"), "f.pdf", max_bytes=100,
                     suffixes=SUFFIXES)  # fmt: skip
    with pytest.raises(UploadRejected, match="너무 큽니다"):
        check_upload(ok, "a.pdf", max_bytes=5, suffixes=SUFFIXES)
    with pytest.raises(UploadRejected, match="빈 파일"):
        check_upload(write(tmp_path / "e.md", b""), "e.md", max_bytes=100, suffixes=SUFFIXES)
    with pytest.raises(UploadRejected, match="텍스트 파일이 아닙니다"):
        check_upload(write(tmp_path / "b.md", b"\x00\x01"), "b.md", max_bytes=100,
                     suffixes=SUFFIXES)  # fmt: skip


def test_store_uploads_stays_inside_the_upload_folder(tmp_path: Path) -> None:
    src = write(tmp_path / "in.md", "# 제목\n내용".encode())
    bad = write(tmp_path / "in.exe", b"MZ")
    up = tmp_path / "uploads"
    got = store_uploads([(src, "../../escape.md"), (bad, "virus.exe")], up,
                        max_bytes=1000, suffixes=SUFFIXES)  # fmt: skip
    stored, rejected = [s.path for s in got.stored], got.rejected
    assert stored == [(up / "escape.md").resolve()]
    assert stored[0].read_text(encoding="utf-8") == "# 제목\n내용"
    assert rejected == ["virus.exe: 지원하지 않는 형식입니다 (가능: docx, html, hwp, hwpx, md, "
                        "pdf, txt)"]  # fmt: skip
    assert not (tmp_path / "escape.md").exists()


@pytest.fixture()
def manifest(tmp_path: Path) -> Manifest:
    m = Manifest(tmp_path / "m.sqlite")
    pdf = write(tmp_path / "공고.pdf", b"%PDF-1.4 body")
    page = write(tmp_path / "page.html", b"<script>alert(1)</script>")
    for p in (pdf, page):
        m.record(doc_id=str(p.resolve()), path=str(p), file=p.name, title="", sha256="s",
                 loader="x", pages=1, chunks=1, status="indexed",
                 metadata='{"kind": "공고", "region": ["대구"]}')  # fmt: skip
    m.record(doc_id=str(tmp_path / "gone.pdf"), path="gone.pdf", file="gone.pdf", title="",
             sha256="", loader="", pages=0, chunks=0, status="failed", error="읽을 수 없음")  # fmt: skip
    return m


def test_doc_route_serves_only_indexed_files_by_key(manifest: Manifest, tmp_path: Path) -> None:
    with gr.Blocks() as chat:
        gr.Markdown("chat")
    client = TestClient(build_server(chat, manifest.all))
    pdf = client.get(f"/doc/{doc_key(str((tmp_path / '공고.pdf').resolve()))}")
    assert pdf.status_code == 200 and pdf.content == b"%PDF-1.4 body"
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"].startswith("inline")
    html = client.get(f"/doc/{doc_key(str((tmp_path / 'page.html').resolve()))}")
    assert html.headers["content-disposition"].startswith("attachment")  # never rendered here
    assert html.headers["x-content-type-options"] == "nosniff"
    assert client.get(f"/doc/{doc_key(str(tmp_path / 'gone.pdf'))}").status_code == 404
    assert client.get("/doc/..%2F..%2Fetc%2Fpasswd").status_code == 404
    assert client.get("/admin/").status_code == 404  # no password: no operator page


def test_operator_page_needs_a_password(manifest: Manifest) -> None:
    with gr.Blocks() as chat:
        gr.Markdown("chat")
    with gr.Blocks() as admin:
        gr.Markdown("admin")
    with pytest.raises(ValueError, match="AXA_ADMIN_PASSWORD"):
        build_server(chat, manifest.all, admin=admin)
    login = OperatorLogin("op", "pw")
    client = TestClient(build_server(chat, manifest.all, admin=admin, login=login))
    assert client.get("/admin/config").status_code == 401
    assert client.post("/admin/login", data={"username": "op", "password": "no"}).status_code >= 400
    ok = client.post("/admin/login", data={"username": "op", "password": "pw"})
    assert ok.status_code == 200  # followed to the page
    assert client.get("/admin/config").status_code == 200


def test_documents_table_shows_status_and_metadata(manifest: Manifest) -> None:
    rows = {r[0]: r for r in documents_table(manifest.all())}
    assert rows["공고.pdf"][1:6] == ["색인됨", 1, 1, "공고", "대구"]
    assert rows["gone.pdf"][1] == "실패" and rows["gone.pdf"][8] == "읽을 수 없음"


def test_operator_desk_uploads_lists_refreshes_and_removes(tmp_path: Path, kiwi) -> None:
    """The operator page's buttons as plain calls, over a real ingest into the in-memory engine."""
    from ingest import Ingestor, KoreanChunker, Manifest, Outcome
    from search import KiwiBM25, VectorIndex
    from tests.fakes import ToyEmbedder
    from ui.admin import OperatorDesk

    ingestor = Ingestor(VectorIndex.open("desk"), Manifest(tmp_path / "m.sqlite"), ToyEmbedder(),
                        KiwiBM25(kiwi), KoreanChunker(kiwi))  # fmt: skip
    received, uploads = tmp_path / "received", tmp_path / "uploads"
    received.mkdir()
    changes: list[int] = []
    desk = OperatorDesk(ingestor, uploads, max_bytes=10_000, received_dir=received,
                        on_change=lambda: changes.append(1))  # fmt: skip
    doc = write(received / "제주 캠프.md",
                "# 제주 AI 캠프\n\n참가비는 7만 5천 원이다.\n".encode())  # fmt: skip
    bad = write(received / "run.exe", b"MZ")
    message, results = desk.upload([str(doc), str(bad), {"path": "/etc/passwd"}])
    assert message.startswith("1개 파일을 받아 색인했습니다 (실패 0개).")
    assert "run.exe: 지원하지 않는 형식입니다" in message
    assert [(r.file, r.outcome) for r in results] == [("제주 캠프.md", Outcome.ADDED)]
    assert not doc.exists() and not bad.exists()  # Gradio's copies are gone
    assert [name for name, _ in desk.choices()] == ["제주 캠프.md"] and changes == [1]
    assert desk.upload(None) == ("올릴 파일을 고르세요.", [])
    assert desk.pending_message() == ""
    # an upload whose ingest was cut (server killed): stored, never indexed; the page says so
    write(uploads / "울산 안내.md", "# 울산 안내\n\n상담은 평일에 한다.\n".encode())
    assert desk.unindexed_uploads() == ["울산 안내.md"]
    assert "1개" in desk.pending_message() and "전체 다시 색인" in desk.pending_message()
    message, results = desk.refresh_all()
    assert [r.outcome for r in results if r.file == "울산 안내.md"] == [Outcome.ADDED]
    assert desk.pending_message() == ""
    assert "삭제했습니다" in desk.remove(dict((n, k) for n, k in desk.choices())["울산 안내.md"])
    assert not (uploads / "울산 안내.md").exists()
    (uploads / "제주 캠프.md").unlink()  # the file vanished behind the index's back
    message, results = desk.refresh_all()
    assert [r.outcome for r in results] == [Outcome.REMOVED] and "바뀐 문서 1개" in message
    assert desk.choices() == []
    assert desk.remove("no-such-key") == "삭제할 문서를 고르세요."
