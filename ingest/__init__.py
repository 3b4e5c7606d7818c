"""The write side: load (one module per format), repair, clean, chunk, describe and index
documents incrementally, with a manifest of what is indexed; the operators' CLI."""

from .backup import DataParts
from .chunking import KoreanChunker
from .control import (
    ControlError,
    ControlServer,
    remote_events,
    remote_ingest,
    remote_remove,
    server_running,
)
from .loaders import (
    LoadError,
    format_list,
    is_text_format,
    load_file,
    make_loaders,
    serve_inline,
    served_media_type,
    sniff_ok,
    supported_suffixes,
)
from .manifest import Manifest, ManifestRow
from .ocr import TesseractOCR
from .pipeline import FileResult, Ingestor, IngestReport, Outcome, expand_paths
from .space import DISK_FULL, DiskSpace

__all__ = [
    "DISK_FULL",
    "ControlError",
    "ControlServer",
    "DataParts",
    "DiskSpace",
    "FileResult",
    "IngestReport",
    "Ingestor",
    "KoreanChunker",
    "LoadError",
    "Manifest",
    "ManifestRow",
    "Outcome",
    "TesseractOCR",
    "expand_paths",
    "format_list",
    "is_text_format",
    "load_file",
    "make_loaders",
    "remote_events",
    "remote_ingest",
    "remote_remove",
    "serve_inline",
    "served_media_type",
    "server_running",
    "sniff_ok",
    "supported_suffixes",
]
