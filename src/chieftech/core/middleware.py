import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login

from chieftech.core.context import client_ip, current_ip

SESSION_LAST_ACTIVITY = "chieftech_last_activity"


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)


class IdleTimeoutMiddleware:
    """Ends a session after settings.IDLE_TIMEOUT without a request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            last = request.session.get(SESSION_LAST_ACTIVITY)
            if last is not None and now - float(last) > settings.IDLE_TIMEOUT.total_seconds():
                logout(request)
                messages.info(request, "由于长时间未操作，您已自动退出登录，请重新登录。")
                return redirect_to_login(request.get_full_path())
            request.session[SESSION_LAST_ACTIVITY] = now
        return self.get_response(request)
