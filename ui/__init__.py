"""Gradio only: the chat page (one module per tab), the operator page, the web server and its
guard. Layout and wiring over `rag` calls, nothing else."""

from .app import CorpusInfo, build_app
from .chat_tab import format_sources, respond
from .server import build_server

__all__ = ["CorpusInfo", "build_app", "build_server", "format_sources", "respond"]
