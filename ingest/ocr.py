"""Korean OCR for PDF pages without a text layer (scans) or with a broken one, with Debian's
Tesseract.

When Tesseract or its Korean data is missing, ingest warns and goes on (the setup script
installs `tesseract-ocr` and `tesseract-ocr-kor`).
"""

from __future__ import annotations

import io
import logging
import os
import shutil
import subprocess
from typing import Protocol

log = logging.getLogger(__name__)


class PageOCR(Protocol):
    def pdf_page_text(self, pdf: bytes, page_index: int) -> str: ...


def tesseract_languages() -> set[str]:
    if shutil.which("tesseract") is None:
        return set()
    proc = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True)
    return {line.strip() for line in proc.stdout.splitlines()[1:] if line.strip()}


class OCRError(Exception):
    pass


class TesseractOCR:
    def __init__(
        self, lang: str = "kor+eng", dpi: int = 200, max_side_px: int = 2500,
        timeout_s: float = 300.0, threads: int | None = 1,
    ) -> None:  # fmt: skip
        self.lang = lang
        self.dpi = dpi
        self.max_side_px = max_side_px  # posters are metres wide: cap the image, not the dpi
        self.timeout_s = timeout_s  # one pathological page must not stall a refresh
        self.threads = threads  # None: Tesseract's own OpenMP threads (the benchmark's "before")

    @classmethod
    def if_available(cls, lang: str = "kor+eng") -> TesseractOCR | None:
        missing = set(lang.split("+")) - tesseract_languages()
        if missing:
            log.warning(
                "OCR disabled: Tesseract language data missing (%s); scanned pages will be "
                "skipped. Install: apt-get install tesseract-ocr tesseract-ocr-kor",
                ", ".join(sorted(missing)),
            )
            return None
        return cls(lang)

    def pdf_page_text(self, pdf: bytes, page_index: int) -> str:
        import pypdfium2

        doc = pypdfium2.PdfDocument(pdf)
        try:
            page = doc[page_index]
            width, height = page.get_size()  # points
            scale = min(self.dpi / 72, self.max_side_px / max(width, height, 1))
            image = page.render(scale=scale).to_pil().convert("L")
            page.close()
        finally:
            doc.close()
        # Automatic layout (psm 3) reads columns in order but can lose sparse pages entirely;
        # then one uniform block (psm 6) keeps every line. Keep whichever read more Hangul.
        png = io.BytesIO()
        image.save(png, format="PNG")
        auto = self._tesseract(png.getvalue(), psm=3)
        if _hangul_count(auto) >= 0.5 * len("".join(auto.split())):
            return auto
        block = self._tesseract(png.getvalue(), psm=6)
        return max((auto, block), key=_hangul_count)

    def _tesseract(self, png: bytes, psm: int) -> str:
        """Tesseract on one image, one thread. Its OpenMP threads made a dense table page take
        25.8 s instead of 4.1 s on 2 cores, with the same text (they spin while waiting, and
        ingest already runs parsers beside the embedder): OMP_THREAD_LIMIT=1 is Tesseract's
        own advice for this. Set on the child alone: this process's llama.cpp keeps its
        threads. (pytesseract cannot pass an environment to one call.)"""
        proc = subprocess.run(
            ["tesseract", "stdin", "stdout", "-l", self.lang, "--psm", str(psm)],
            input=png, capture_output=True, timeout=self.timeout_s,
            env=os.environ | ({"OMP_THREAD_LIMIT": str(self.threads)} if self.threads else {}),
        )  # fmt: skip
        if proc.returncode != 0:
            raise OCRError(proc.stderr.decode("utf-8", "replace").strip()[-300:])
        return proc.stdout.decode("utf-8", "replace")


def _hangul_count(text: str) -> int:
    return sum(1 for ch in text if "가" <= ch <= "힣")
