from django.db import connection
from django.db.utils import DatabaseError
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from chieftech.core.permissions import login_only, public


@public
@require_GET
@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "error"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_only
def home(request):
    from chieftech.accounts.home import home_context

    return render(request, "core/home.html", home_context(request.user))


def permission_denied(request, exception=None):
    message = str(exception) if exception and str(exception) else "您没有执行此操作的权限。"
    return render(request, "core/403.html", {"message": message}, status=403)


def page_not_found(request, exception=None):
    return render(request, "core/404.html", status=404)
