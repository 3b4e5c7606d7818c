"""PDF through pypdf, one `Page` per PDF page with 1-based numbers; pages with ruled tables
through pdfplumber, each row a line with its header (`pdf_tables`)."""

from __future__ import annotations

import io
import logging
from pathlib import Path
from typing import Any, ClassVar

import pdfplumber
from pypdf import PageObject, PdfReader
from pypdf.errors import PdfReadError

from search import Document, Page

from ..clean import clean_text
from ..ocr import PageOCR
from ..text_layer import defects, merge_reading
from .base import LoadError
from .pdf_tables import table_page_text

log = logging.getLogger(__name__)


_MIN_TEXT_CHARS = 20  # fewer extracted characters than this: treat the page as a scan


class PdfLoader:
    name = "pdf"
    # 2: text-layer repair; 3: tables by rows; 4: heading paths; 5: table units in cells,
    # and pdfplumber's reading of a page whose pypdf text is garbled
    revision: ClassVar[int] = 5
    suffixes: ClassVar[tuple[str, ...]] = (".pdf",)
    magic: ClassVar[dict[str, tuple[bytes, ...]]] = {".pdf": (b"%PDF",)}
    inline: ClassVar[frozenset[str]] = frozenset({".pdf"})  # viewers honour #page=N

    def __init__(self, ocr: PageOCR | None = None) -> None:
        self.ocr = ocr

    def load(self, path: Path, data: bytes, sha256: str) -> Document:
        tables = _Tables(path, data)
        try:
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                try:
                    ok = reader.decrypt("")
                except Exception as exc:
                    raise LoadError(
                        "암호로 보호된 PDF입니다 (암호를 해제한 파일을 올려 주세요)"
                    ) from exc
                if not ok:
                    raise LoadError("암호로 보호된 PDF입니다 (암호를 해제한 파일을 올려 주세요)")
            pages: list[Page] = []
            scanned = 0
            for number, page in enumerate(reader.pages, start=1):
                try:
                    text = clean_text(page.extract_text() or "")
                except Exception as exc:  # one bad page must not cost the file
                    log.warning("%s p.%d: text extraction failed: %s", path.name, number, exc)
                    text = ""
                if len(text) >= _MIN_TEXT_CHARS and (rows := tables.page_text(number)):
                    text = rows
                if len(text) < _MIN_TEXT_CHARS and _has_image(page):
                    scanned += 1
                    text = self._ocr(path, data, number) or text
                elif (found := defects(text)) and not defects(plain := tables.plain_text(number)):
                    # pypdf garbles some embedded fonts that pdfplumber maps right (the IP스타
                    # notice's section headings: "न୒࢚؀" for "02 신청 대상")
                    log.info("%s p.%d: text layer defects (%s); pdfplumber reads it whole",
                             path.name, number, found)  # fmt: skip
                    text = plain
                elif self.ocr is not None and found:
                    log.info("%s p.%d: text layer defects (%s); repairing lines by OCR",
                             path.name, number, found)  # fmt: skip
                    text = merge_reading(text, self._ocr(path, data, number))
                if text:
                    pages.append(Page(number=number, text=text))
            title = ""
            if reader.metadata and reader.metadata.title:
                title = clean_text(str(reader.metadata.title))
        except LoadError:
            raise
        except (PdfReadError, ValueError, KeyError, OSError, RecursionError) as exc:
            raise LoadError(f"손상되었거나 PDF가 아닌 파일입니다 ({type(exc).__name__})") from exc
        finally:
            tables.close()
        if not pages:
            if scanned and self.ocr is None:
                raise LoadError(
                    "텍스트가 없는 스캔 PDF입니다: OCR 엔진이 없어 건너뜁니다 "
                    "(apt-get install tesseract-ocr tesseract-ocr-kor)"
                )
            if scanned:
                raise LoadError("텍스트가 없는 스캔 PDF입니다 (OCR로도 글자를 찾지 못했습니다)")
            raise LoadError("텍스트가 없는 PDF입니다 (빈 페이지뿐입니다)")
        return Document(
            path=path, title=title or path.stem, loader=self.name, sha256=sha256, pages=pages
        )

    def _ocr(self, path: Path, data: bytes, number: int) -> str:
        if self.ocr is None:
            log.warning("%s p.%d has no text layer and OCR is unavailable", path.name, number)
            return ""
        try:
            return clean_text(self.ocr.pdf_page_text(data, number - 1))
        except Exception as exc:  # OCR failure costs the page, not the file
            log.warning("%s p.%d: OCR failed: %s", path.name, number, exc)
            return ""


class _Tables:
    """pdfplumber over the same bytes, opened once per file. Any failure of its own (it parses
    the PDF again, with another parser) costs the table rows, never the page: pypdf's text stays."""

    def __init__(self, path: Path, data: bytes) -> None:
        self.path = path
        self._pdf: Any = None
        try:
            self._pdf = pdfplumber.open(io.BytesIO(data))
        except Exception as exc:
            log.info("%s: pdfplumber cannot open it (%s); tables read as plain text", path.name,
                     type(exc).__name__)  # fmt: skip

    def page_text(self, number: int) -> str:
        if self._pdf is None or number > len(self._pdf.pages):
            return ""
        page = self._pdf.pages[number - 1]
        try:
            return clean_text(table_page_text(page) or "")
        except Exception as exc:
            log.warning("%s p.%d: table reading failed (%s); plain text kept", self.path.name,
                        number, type(exc).__name__)  # fmt: skip
            return ""
        finally:
            page.close()

    def plain_text(self, number: int) -> str:
        """pdfplumber's own reading of the page ("" when it cannot give one with text)."""
        if self._pdf is None or number > len(self._pdf.pages):
            return ""
        page = self._pdf.pages[number - 1]
        try:
            text = clean_text(page.extract_text() or "")
        except Exception as exc:
            log.warning("%s p.%d: pdfplumber's text failed (%s)", self.path.name, number,
                        type(exc).__name__)  # fmt: skip
            return ""
        finally:
            page.close()
        return text if len(text) >= _MIN_TEXT_CHARS else ""

    def close(self) -> None:
        if self._pdf is not None:
            self._pdf.close()


def _has_image(page: PageObject) -> bool:
    try:
        resources = page.get("/Resources")
        xobjects = resources.get_object().get("/XObject") if resources else None
        return bool(xobjects)
    except Exception:  # malformed resources: let OCR decide
        return True
