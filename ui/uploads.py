"""What an operator's upload must pass before ingest, and what is kept or undone after it:
type by suffix and first bytes (the loaders' knowledge), size, a plain file name, and only files
the web server itself received."""

from __future__ import annotations

import logging
import os
import re
import shutil
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ingest import FileResult, Ingestor, Outcome, is_text_format, sniff_ok

from .escape import plain

log = logging.getLogger(__name__)

_UNSAFE = re.compile(r"[^\w가-힣 .()\[\]+\-]")


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
