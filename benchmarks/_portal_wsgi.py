"""The WSGI application portal_load.py serves: ChiefTech, plus one trivial path answered before Django.

The trivial path is the baseline: the same gunicorn, the same workers, the same connection handling, none
of the application's work. Everything else goes to Django exactly as `chieftech.wsgi` serves it.
"""

from chieftech.wsgi import application as chieftech_application

TRIVIAL_PATH = "/_bench/trivial"
_BODY = b"ok\n"
_HEADERS = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(_BODY)))]


def application(environ, start_response):
    if environ.get("PATH_INFO") == TRIVIAL_PATH:
        start_response("200 OK", list(_HEADERS))
        return [_BODY]
    return chieftech_application(environ, start_response)
