from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfWriter

from ingest import LoadError, load_file
from tests.conftest import SAMPLE_CORPUS

DAEGU = SAMPLE_CORPUS / "대구_AI대전환_사업_개요.pdf"


def test_pdf_pages_are_one_based_with_title() -> None:
    doc = load_file(DAEGU)
    assert doc.loader == "pdf"
    assert doc.title == "대구광역시 지역 주도형 AI 대전환 사업 개요"
    assert [p.number for p in doc.pages] == [1, 2, 3]
    assert "236억" in doc.pages[0].text and "동대구벤처밸리" in doc.pages[1].text
    assert len(doc.sha256) == 64


def test_markdown_units_by_heading() -> None:
    doc = load_file(SAMPLE_CORPUS / "2025_지역주도형_AI대전환_사업_공모_안내.md")
    assert doc.title == "2025년 지역 주도형 인공지능(AI) 대전환 사업 공모 안내"
    assert doc.unit == "section"
    assert [(p.number, p.section) for p in doc.pages] == [
        (1, "2025년 지역 주도형 인공지능(AI) 대전환 사업 공모 안내"),
        (2, "추진 배경"),  # short sections merge until a unit holds 200 characters
        (3, "신청 방법과 일정"),
    ]
    assert "8월 29일" in doc.pages[2].text


def test_cp949_text(tmp_path: Path) -> None:
    f = tmp_path / "공고 (cp949).txt"
    f.write_bytes("신청 마감은 9월 1일입니다.".encode("cp949"))
    assert load_file(f).pages[0].text == "신청 마감은 9월 1일입니다."


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("broken.pdf", b"%PDF-1.7 this is not a pdf", "손상"),
        ("empty.md", b"", "빈 파일"),
        ("blank.txt", b"  \n\n ", "빈 파일"),
        ("table.xlsx", b"PK\x03\x04", "지원하지 않는"),
    ],
)
def test_bad_input_gives_korean_reason(tmp_path: Path, name: str, content: bytes, reason: str):
    f = tmp_path / name
    f.write_bytes(content)
    with pytest.raises(LoadError) as info:
        load_file(f)
    assert reason in info.value.reason


def test_pdf_without_text_layer(tmp_path: Path) -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    f = tmp_path / "scan.pdf"
    with f.open("wb") as out:
        writer.write(out)
    with pytest.raises(LoadError, match="텍스트가 없는 PDF"):
        load_file(f)


def test_encrypted_pdf(tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=DAEGU)
    writer.encrypt(user_password="secret", algorithm="AES-128")
    f = tmp_path / "locked.pdf"
    with f.open("wb") as out:
        writer.write(out)
    with pytest.raises(LoadError, match="암호"):
        load_file(f)


def test_size_limit(tmp_path: Path) -> None:
    f = tmp_path / "big.txt"
    f.write_bytes(b"a" * 2048)
    with pytest.raises(LoadError, match="너무 큽니다"):
        load_file(f, max_bytes=1024)


def test_owner_password_only_pdf_loads(tmp_path: Path) -> None:
    """Many public PDFs restrict printing with an owner password but open without one."""
    writer = PdfWriter(clone_from=DAEGU)
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-128")
    f = tmp_path / "restricted.pdf"
    with f.open("wb") as out:
        writer.write(out)
    assert "236억" in load_file(f).pages[0].text
