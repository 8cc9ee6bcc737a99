"""Filters for the LOGGING setting."""

import logging


def _escaped(text: str) -> str:
    # A path or reason is written by the client: no line breaks or control characters reach the log.
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


ONE_LINE = "403 %s %s user=%s reason=%s"


class OneLineForbidden(logging.Filter):
    """A 403 is written as one line: method, path, user id and reason, never a traceback.

    Django logs a refused permission as "Forbidden (Permission denied)" with the exception's traceback: eleven
    lines for every URL a user may not open, which buries the errors that matter. A refused CSRF check and a
    view that answers 403 itself are written the same way.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        # Once per record: logging set up a second time in one process (django.setup() again) adds a second
        # instance of this filter to the same logger.
        if getattr(record, "status_code", None) != 403 or record.msg == ONE_LINE:
            return True
        request = getattr(record, "request", None)
        if record.exc_info and record.exc_info[1] is not None:
            reason = str(record.exc_info[1]) or "Permission denied"
        elif record.msg == "Forbidden (%s): %s" and isinstance(record.args, tuple) and len(record.args) == 2:
            reason = str(record.args[0])  # the CSRF check's reason
        else:
            reason = "Forbidden"
        user = getattr(request, "user", None)
        user_id = user.pk if user is not None and user.is_authenticated else "-"
        method = getattr(request, "method", "-")
        path = getattr(request, "path", "-")
        record.msg = ONE_LINE
        record.args = (method, _escaped(path), user_id, _escaped(reason))
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return True
