from chieftech.portal.navigation import public_nav_items


def public_navigation(request):
    """The public menu for public_base.html; worked out only when a page shows it."""
    return {"public_nav": lambda: public_nav_items(request)}
