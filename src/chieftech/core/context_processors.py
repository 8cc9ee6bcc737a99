from django.conf import settings

from chieftech.core.navigation import site_user_context


def site(request):
    context = {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_AUTHORITY": settings.SITE_AUTHORITY,
        "DEMO_MODE": settings.DEMO_MODE,
    }
    user = getattr(request, "user", None)
    if user is not None:
        context.update(site_user_context(user))
    return context
