"""The site's name and host bureau for the plumbing that prints them (mail subjects, document properties).

They are data of the policy app; core names its provider only through settings.SITE_IDENTITY, so core
imports no app.
"""

from django.conf import settings
from django.utils.module_loading import import_string


def site_name() -> str:
    return import_string(settings.SITE_IDENTITY)().site_name


def site_authority() -> str:
    return import_string(settings.SITE_IDENTITY)().bureau_name
