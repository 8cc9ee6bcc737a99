from chieftech.policy.identity import site_identity


def site(request):
    """The site's names for every page: header, title, footer (the measures it applies)."""
    identity = site_identity()
    return {
        "SITE_NAME": identity.site_name,
        "SITE_AUTHORITY": identity.bureau_name,
        "SITE_TITLE_NAME": identity.title_name,
        "SITE_REGION": identity.region,
        "SITE_POLICY_TITLE": identity.policy_title,
        "SITE_POLICY_NUMBER": identity.policy_number,
        "SITE_PROGRAMMES": identity.programmes,
        "SITE_EMBLEM": identity.emblem,
    }
