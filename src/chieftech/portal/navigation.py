"""The public site's menu, in the header of every public page: the same entries for everyone, the entry of
the page being shown marked for screen readers (aria-current) and by its look."""

from django.urls import reverse

# (label, url name, the url names of the pages that belong to the entry)
PUBLIC_NAV: list[tuple[str, str, tuple[str, ...]]] = [
    ("首页", "portal:index", ()),
    ("申报通知", "portal:call_list", ("portal:call_detail",)),
    (
        "公示",
        "publicity_public:notice_list",
        ("publicity_public:notice_detail", "publicity_public:objection_create"),
    ),
    ("首席技师名单", "verify:roster", ()),
    ("首席技师风采", "portal:showcase", ()),
    ("证书查验", "verify:lookup", ("verify:verify",)),
    ("异议查询", "publicity_public:objection_receipt", ()),
]


def public_nav_items(request) -> list[dict]:
    """Each entry with its address and `current`: "page" on the entry's own page, "true" on a page below it
    (a notice under 公示), "" elsewhere."""
    match = getattr(request, "resolver_match", None)
    here = match.view_name if match else ""
    items = []
    for label, url_name, below in PUBLIC_NAV:
        current = "page" if here == url_name else "true" if here in below else ""
        items.append({"label": label, "url": reverse(url_name), "current": current})
    return items
