"""The JSON lines the platform's Powertools logger writes (chalicelib/logs.py), captured for a test."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager


class JsonLines:
    def __init__(self, stream: io.StringIO) -> None:
        self._stream = stream

    @property
    def text(self) -> str:
        return self._stream.getvalue()

    @property
    def lines(self) -> list[dict]:
        """Every line written so far, each parsed (a line that is not one JSON object fails the test)."""
        return [json.loads(line) for line in self.text.splitlines() if line.strip()]

    def with_message(self, start: str) -> list[dict]:
        return [line for line in self.lines if str(line.get("message", "")).startswith(start)]


@contextmanager
def json_logs(level: str = "INFO") -> Iterator[JsonLines]:
    """Point the logger's one handler at a buffer (every ``claims.*`` logger writes through it), at
    ``level``; the stream and the level are restored after."""
    from chalicelib.logs import logger

    handler = logger.registered_handler
    assert isinstance(handler, logging.StreamHandler)
    buffer = io.StringIO()
    previous_stream = handler.setStream(buffer)
    previous_level = logger.log_level
    logger.setLevel(level)
    try:
        yield JsonLines(buffer)
    finally:
        handler.setStream(previous_stream)
        logger.setLevel(previous_level)
