"""`{% csrf_token %}` that also renders the form's one-time token (core.formtoken).

Loaded as a template builtin after Django's own, so it replaces the stock tag in every template: every POST
form of the site carries a token without each template having to add it.
"""

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.utils.html import format_html

from chieftech.core.formtoken import FORM_TOKEN_FIELD, form_token_new

register = template.Library()


class CsrfAndFormTokenNode(CsrfTokenNode):
    def render(self, context):
        csrf = super().render(context)
        if not csrf:
            return csrf
        return csrf + format_html(
            '<input type="hidden" name="{}" value="{}">', FORM_TOKEN_FIELD, form_token_new()
        )


@register.tag
def csrf_token(parser, token):
    return CsrfAndFormTokenNode()
