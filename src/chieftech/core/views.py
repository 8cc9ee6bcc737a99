import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import connection
from django.db.utils import DatabaseError
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from chieftech.core.permissions import login_only, public

logger = logging.getLogger(__name__)


@public
@require_safe
@never_cache
def healthz(request):
    """For load balancers (GET or HEAD, plain HTTP allowed): 200 when this app server can reach its database."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        # One line, not a traceback: a load balancer probes every few seconds during an outage.
        logger.warning("health check: database unreachable: %s", exc)
        return JsonResponse({"status": "error", "database": "error"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_only
@require_POST
@never_cache
def session_keepalive(request):
    """The idle warning's "继续工作": this request restarts the idle time (IdleTimeoutMiddleware, which
    answers 401 instead when the session had already ended); the page learns how long it now has."""
    return JsonResponse({"remaining": int(settings.IDLE_TIMEOUT.total_seconds())})


def permission_denied(request, exception=None):
    message = str(exception) if exception and str(exception) else "您没有执行此操作的权限。"
    return render(request, "core/403.html", {"message": message}, status=403)


def bad_request(request, exception=None):
    if isinstance(exception, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
        message = f"提交的内容超过 {limit} MB，未保存。请删除多余的空格、空行后重新提交。"
    else:
        message = "请求的格式不正确，未保存。请返回上一页重试。"
    return render(request, "core/400.html", {"message": message}, status=400)


def page_not_found(request, exception=None):
    return render(request, "core/404.html", status=404)
