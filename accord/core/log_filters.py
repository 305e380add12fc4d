"""Logging filters: a refused request is one line, not a traceback."""

from __future__ import annotations

import logging


class DenialsInOneLine(logging.Filter):
    """Drops the traceback of a refused request and puts the reason on the line instead.

    Django logs a PermissionDenied or SuspiciousOperation with its traceback, although the
    traceback only shows Django's own request handling; an administrator needs the path, the
    status and the reason. Server errors (500 and up) keep their traceback.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        refused = record.name.startswith("django.security") or (status is not None and status < 500)
        if refused and record.exc_info:
            reason = str(record.exc_info[1] or "")
            message = record.getMessage()
            if reason and reason not in message:
                message = f"{message} ({reason})"
            record.msg, record.args = message.replace("\n", " "), ()
            record.exc_info, record.exc_text = None, None
        return True
