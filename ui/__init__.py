"""Gradio chat over `rag`: layout and wiring only."""

from .app import CorpusInfo, build_app, format_sources, respond

__all__ = ["CorpusInfo", "build_app", "format_sources", "respond"]
