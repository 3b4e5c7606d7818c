"""PDF through pypdf, one `Page` per PDF page with 1-based numbers."""

from __future__ import annotations

import io
import logging
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from ..clean import clean_text
from ..documents import Document, Page
from .base import LoadError

log = logging.getLogger(__name__)


class PdfLoader:
    name = "pdf"
    suffixes = (".pdf",)

    def load(self, path: Path, data: bytes, sha256: str) -> Document:
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
            for number, page in enumerate(reader.pages, start=1):
                try:
                    text = clean_text(page.extract_text() or "")
                except Exception as exc:
                    log.warning("%s p.%d: text extraction failed: %s", path.name, number, exc)
                    text = ""
                if text:
                    pages.append(Page(number=number, text=text))
            title = ""
            if reader.metadata and reader.metadata.title:
                title = clean_text(str(reader.metadata.title))
        except LoadError:
            raise
        except (PdfReadError, ValueError, KeyError, OSError) as exc:
            raise LoadError(f"손상되었거나 PDF가 아닌 파일입니다 ({type(exc).__name__})") from exc
        if not pages:
            raise LoadError("텍스트가 없는 PDF입니다 (스캔 이미지일 수 있어 OCR이 필요합니다)")
        return Document(
            path=path, title=title or path.stem, loader=self.name, sha256=sha256, pages=pages
        )
