"""Logging: text by default, JSON lines with ``COMPAX_LOG_FORMAT=json``.

One access line per request comes from ``compax.access`` with method, path, status,
duration, request id and user id as structured fields.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

ACCESS_FIELDS = ("method", "path", "status", "duration_ms", "request_id", "user_id", "client")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in ACCESS_FIELDS:
            if hasattr(record, name):
                entry[name] = getattr(record, name)
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def setup_logging(fmt: str = "text", level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("compax")
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    root.propagate = False
