"""Free disk space, checked before the index is written.

Qdrant Edge writes its segments and write-ahead log through memory maps: on a full disk the
write is a SIGBUS that kills the whole process (the chat server with it), not an error to
catch. Measured on a 1.5 MB tmpfs: `axa-ingest` died with "Bus error". So a document is written
only when the disk has room for it plus a reserve, and an ENOSPC that still gets through (the
manifest's SQLite, a file system that fills from elsewhere) fails the run with the same
message. The version already indexed stays searchable either way.
"""

from __future__ import annotations

import errno
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

DISK_FULL = (
    "디스크 공간이 부족합니다. 데이터 폴더의 공간을 확보한 뒤 다시 색인하세요 "
    "(이전에 색인된 버전은 그대로 검색됩니다)"
)
NOT_TRIED = "디스크 공간이 부족해 처리하지 않았습니다. 공간을 확보한 뒤 다시 색인하세요"

# Bytes one point takes on disk, segment and write-ahead log together, with room to spare:
# measured 6.6 KB per 384-d point with ~900 B of text (1,219 points, 8.1 MB).
_PER_POINT = 4096
_PER_TEXT_BYTE = 4


def _free_bytes(path: Path) -> int:
    return shutil.disk_usage(path).free


@dataclass
class DiskSpace:
    """`path`: a folder on the index's file system; `reserve_bytes`: left free after a write
    (new WAL segments are mapped 32 MiB at a time)."""

    path: Path
    reserve_bytes: int
    free_bytes: Callable[[Path], int] = field(default=_free_bytes)

    def needed(self, points: int, text_bytes: int, dim: int) -> int:
        return points * (_PER_POINT + 8 * dim) + text_bytes * _PER_TEXT_BYTE + self.reserve_bytes

    def room_for(self, points: int, text_bytes: int, dim: int) -> bool:
        probe = self.path
        while not probe.exists() and probe != probe.parent:
            probe = probe.parent
        return self.free_bytes(probe) >= self.needed(points, text_bytes, dim)

    def has_reserve(self) -> bool:
        return self.room_for(0, 0, 0)


def is_disk_full(exc: BaseException) -> bool:
    """ENOSPC or a quota, from the OS or from SQLite."""
    if isinstance(exc, OSError):
        return exc.errno in (errno.ENOSPC, errno.EDQUOT)
    if isinstance(exc, sqlite3.OperationalError):
        return "full" in str(exc).lower()
    return False
