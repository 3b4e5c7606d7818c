"""Every format operators feed in, and every kind of bad input, with the outcome per file.

The table in `BAD_INPUTS` is the contract: each bad file gets a one-line Korean reason, the good
files in the same run are indexed, and a previously indexed version stays searchable.
"""

from __future__ import annotations

import io
import os
import shutil
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfWriter

from ingest import Ingestor, KoreanChunker, Manifest, Outcome, load_file, make_loaders
from ingest.chunking import split_table
from search import KiwiBM25, VectorIndex
from tests.conftest import SAMPLE_CORPUS, SHARED
from tests.fakes import ToyEmbedder

FONT = Path("/usr/share/fonts/truetype/nanum/NanumGothic.ttf")


def make_docx(path: Path) -> None:
    import docx

    d = docx.Document()
    d.add_heading("2026년 스마트공장 지원사업 안내", level=1)
    d.add_paragraph("지원 대상은 대구 소재 제조 중소기업입니다.")
    table = d.add_table(rows=3, cols=2)
    for r, (a, b) in enumerate(
        [("구분", "지원한도"), ("기초", "최대 1억 원"), ("고도화", "최대 2억 원")]
    ):
        table.cell(r, 0).text, table.cell(r, 1).text = a, b
    d.save(str(path))


HTML = """<html><head><title>AI 바우처 공고</title></head><body>
<nav><a href="/">홈</a> | <a href="/login">로그인</a> | 사이트맵 메뉴 전체보기</nav>
<article><h1>AI 바우처 수요기업 모집</h1>
<p>신청 마감은 2026년 6월 8일 15시입니다. 제조 중소기업은 AI 솔루션 도입 비용을 지원받습니다.</p>
<p>지원 한도는 과제당 최대 3억 원이며, 기업 부담금은 총사업비의 20%입니다.</p>
<table><tr><th>구분</th><th>지원금</th></tr><tr><td>일반</td><td>최대 3억 원</td></tr></table>
</article><footer>Copyright 정보통신산업진흥원. 개인정보처리방침</footer></body></html>"""


def zip_bomb(path: Path, inner: str) -> None:
    """A 2 KB-ish zip that inflates to 300 MB."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        with zf.open(inner, "w", force_zip64=True) as f:
            block = b"\0" * (1 << 20)
            for _ in range(300):
                f.write(block)


def scanned_pdf(path: Path, text: str) -> None:
    """An A4 page scanned at 150 dpi: body-size Korean text in an image, no text layer."""
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(FONT), 30)
    lines = [
        "2026년 지역 AI 솔루션 도입 지원 공고",
        text,
        "문의는 주관기관 누리집을 이용해 주세요.",
    ]
    for i, line in enumerate(lines):
        draw.text((120, 200 + i * 60), line, fill=0, font=font)
    img.save(path, "PDF", resolution=150)


def test_docx_keeps_table_rows(tmp_path: Path) -> None:
    f = tmp_path / "안내.docx"
    make_docx(f)
    doc = load_file(f)
    assert doc.loader == "docx" and doc.unit == "section"
    text = "\n".join(p.text for p in doc.pages)
    assert "| 고도화 | 최대 2억 원 |" in text
    assert "지원 대상은 대구 소재 제조 중소기업입니다." in text


def test_html_main_content_only(tmp_path: Path) -> None:
    f = tmp_path / "공고.html"
    f.write_text(HTML, encoding="utf-8")
    doc = load_file(f)
    text = "\n".join(p.text for p in doc.pages)
    assert "2026년 6월 8일" in text and "최대 3억 원" in text
    assert "로그인" not in text and "개인정보처리방침" not in text


def test_html_in_cp949(tmp_path: Path) -> None:
    f = tmp_path / "legacy.htm"
    f.write_bytes(HTML.encode("cp949"))
    assert "2026년 6월 8일" in load_file(f).pages[0].text


def test_table_split_repeats_header_and_keeps_rows() -> None:
    rows = "\n".join(f"| 항목{i} | 최대 {i}억 원 |" for i in range(1, 21))
    table = f"| 구분 | 지원한도 |\n| --- | --- |\n{rows}"
    pieces = split_table(table, budget=120)
    assert len(pieces) > 2
    for piece in pieces:
        lines = piece.split("\n")
        assert lines[:2] == ["| 구분 | 지원한도 |", "| --- | --- |"]
        assert all(line.startswith("| 항목") and line.endswith("원 |") for line in lines[2:])
    assert sum(len(p.split("\n")) - 2 for p in pieces) == 20


def test_chunker_never_splits_a_table_row(kiwi) -> None:
    from search import Document, Page

    rows = "\n".join(
        f"| {i}. 세부 항목 설명입니다 | 지원금 {i}억 원. 비고 없음 |" for i in range(30)
    )
    text = "다음은 지원 내용입니다.\n" + f"| 구분 | 내용 |\n| --- | --- |\n{rows}"
    doc = Document(Path("x.hwp"), "t", "hwp", "s", [Page(1, text)], unit="section")
    chunks = KoreanChunker(kiwi, chunk_chars=300).chunk(doc)
    assert len(chunks) > 3
    for c in chunks:
        for line in c.text.split("\n"):
            assert not line.startswith("|") or line.endswith("|")


@pytest.mark.skipif(not FONT.is_file(), reason="fonts-nanum not installed")
def test_scanned_pdf_goes_through_ocr(tmp_path: Path) -> None:
    from ingest.ocr import TesseractOCR

    ocr = TesseractOCR.if_available()
    if ocr is None:
        pytest.skip("tesseract-ocr-kor not installed")
    f = tmp_path / "scan.pdf"
    scanned_pdf(f, "신청 마감은 9월 30일입니다")
    doc = load_file(f, loaders=make_loaders(ocr))
    assert "마감" in doc.pages[0].text and "30" in doc.pages[0].text


@pytest.mark.skipif(not FONT.is_file(), reason="fonts-nanum not installed")
def test_an_ocr_that_runs_past_its_time_costs_the_page_not_the_run(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from ingest.ocr import TesseractOCR

    if TesseractOCR.if_available() is None:
        pytest.skip("tesseract-ocr-kor not installed")
    f = tmp_path / "scan.pdf"
    scanned_pdf(f, "신청 마감은 9월 30일입니다")
    with pytest.raises(Exception, match="OCR로도 글자를 찾지 못했습니다"):
        load_file(f, loaders=make_loaders(TesseractOCR(timeout_s=0.001)))
    assert "OCR failed" in caplog.text and "timed out" in caplog.text


@pytest.mark.skipif(not FONT.is_file(), reason="fonts-nanum not installed")
def test_scanned_pdf_without_ocr_says_so(tmp_path: Path) -> None:
    f = tmp_path / "scan.pdf"
    scanned_pdf(f, "신청 마감은 9월 30일입니다")
    with pytest.raises(Exception, match="OCR 엔진이 없어"):
        load_file(f, loaders=make_loaders(None))


# ---- the bad-input table ----------------------------------------------------------------------


def _encrypted_pdf(p: Path) -> None:
    w = PdfWriter(clone_from=SAMPLE_CORPUS / "울산_AI대전환_사업_개요.pdf")
    w.encrypt(user_password="secret", algorithm="AES-128")
    w.write(str(p))


def _zero_page_pdf(p: Path) -> None:
    buf = io.BytesIO()
    PdfWriter().write(buf)
    p.write_bytes(buf.getvalue())


def _blank_pdf(p: Path) -> None:
    w = PdfWriter()
    w.add_blank_page(200, 200)
    w.write(str(p))


def _huge(p: Path) -> None:
    with p.open("wb") as f:  # sparse: 200 MB on paper, nothing on disk
        f.truncate(200 * 2**20)


BAD_INPUTS = {
    # file name: (how to make it, words the reason must contain)
    "corrupt.pdf": (lambda p: p.write_bytes(b"%PDF-1.7\n1 0 obj garbage"), "손상"),
    "encrypted.pdf": (_encrypted_pdf, "암호"),
    "empty.txt": (lambda p: p.write_bytes(b""), "빈 파일"),
    "zero-pages.pdf": (_zero_page_pdf, "텍스트가 없는 PDF"),
    "image-only-blank.pdf": (_blank_pdf, "텍스트가 없는 PDF"),
    "actually-a-pdf.hwp": (lambda p: p.write_bytes(b"%PDF-1.4 not hwp"), "읽을 수 없는"),
    "actually-text.pdf": (lambda p: p.write_text("그냥 텍스트", encoding="utf-8"), "PDF가 아닌"),
    "zip-bomb.hwpx": (lambda p: zip_bomb(p, "Contents/section0.xml"), "읽을 수 없는"),
    "zip-bomb.docx": (lambda p: zip_bomb(p, "word/document.xml"), "읽을 수 없는"),
    "huge-200MB.txt": (_huge, "너무 큽니다"),
    "unknown.xyz": (lambda p: p.write_bytes(b"?"), "지원하지 않는"),
}


@pytest.fixture()
def ingestor(kiwi, tmp_path: Path) -> Ingestor:
    return Ingestor(
        VectorIndex.open("bad", path=tmp_path / "qdrant"),
        Manifest(tmp_path / "m.sqlite"),
        ToyEmbedder(),
        KiwiBM25(kiwi),
        KoreanChunker(kiwi),
        max_bytes=100 * 2**20,
        loaders=make_loaders(None),
    )


def test_bad_input_table(ingestor: Ingestor, tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    for name, (make, _) in BAD_INPUTS.items():
        make(folder / name)
    good = ["대구_AI대전환_사업_개요.pdf", "sLLM_데이터프리존_이용_안내.md"]
    for name in good:
        shutil.copy(SAMPLE_CORPUS / name, folder / name)
    # Korean, spaces and emoji in a name; the same content under two names; legacy encoding
    shutil.copy(
        SAMPLE_CORPUS / "울산_AI대전환_사업_개요.pdf", folder / "울산 사업 개요 🚀 (사본).pdf"
    )
    shutil.copy(SAMPLE_CORPUS / "울산_AI대전환_사업_개요.pdf", folder / "울산_중복.pdf")
    (folder / "cp949 공지.txt").write_bytes("접수 기간은 10월 1일까지입니다.".encode("cp949"))
    os.symlink(folder, folder / "loop")  # a symlink loop must not hang the walk

    report = ingestor.ingest([folder, folder / "unknown.xyz"])
    by_file = {r.file: r for r in report.results}
    rows = [(name, by_file[name].outcome.value, by_file[name].reason) for name in BAD_INPUTS]
    print("\n".join(f"{n:24} {o:8} {r}" for n, o, r in rows))  # the table, in -s output
    for name, (_, words) in BAD_INPUTS.items():
        assert by_file[name].outcome == Outcome.FAILED, name
        assert words in by_file[name].reason, (name, by_file[name].reason)
        assert "\n" not in by_file[name].reason
    for name in [*good, "울산 사업 개요 🚀 (사본).pdf", "울산_중복.pdf", "cp949 공지.txt"]:
        assert by_file[name].outcome == Outcome.ADDED, (name, by_file[name].reason)
    assert not report.ok


@pytest.mark.corpus
@pytest.mark.skipif(not (SHARED / "docs").is_dir(), reason="../shared/corpus is absent")
@pytest.mark.parametrize("suffix", [".hwp", ".hwpx"])
def test_real_hangul_documents(suffix: str) -> None:
    files = sorted((SHARED / "docs").glob(f"*{suffix}"))
    assert files
    for f in files:
        doc = load_file(f)
        text = "\n".join(p.text for p in doc.pages)
        assert len(text) > 400, f.name
        assert "**" not in text
    voucher = load_file(next((SHARED / "docs").glob("▣*.hwp")))
    allt = "\n".join(p.text for p in voucher.pages)
    assert "총 90억 원" in allt and "| 구 분 | 담 당 | 연락처 |" in allt


@pytest.mark.corpus
@pytest.mark.skipif(not (SHARED / "docs").is_dir(), reason="../shared/corpus is absent")
def test_password_protected_hwp(tmp_path: Path) -> None:
    """A real HWP with its FileHeader 'password' flag set, as Hangul writes a locked file."""
    import struct

    data = bytearray(next((SHARED / "docs").glob("▣*.hwp")).read_bytes())
    at = data.find(b"HWP Document File")
    props = struct.unpack_from("<I", data, at + 36)[0]
    struct.pack_into("<I", data, at + 36, props | 0b10)
    locked = tmp_path / "잠긴 공고.hwp"
    locked.write_bytes(bytes(data))
    with pytest.raises(Exception, match="암호 또는 배포용"):
        load_file(locked)
