"""Logging filters: what the portal's server log keeps of each request."""

import logging


class ClientErrorsInOneLine(logging.Filter):
    """A 4xx answer is logged as its one line, without the exception's traceback.

    Django logs every PermissionDenied (and bad request) on `django.request` with the
    exception attached, so each officer who opens a commune page wrote a traceback, and the
    errors that do need one (5xx) drowned. Those keep theirs.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
