from chieftech.dashboard.navigation import site_user_context


def navigation(request):
    """The signed-in user's roles and menu for the header of every page (core's base.html shows them)."""
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return site_user_context(user)
