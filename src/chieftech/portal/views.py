from django.shortcuts import render

from chieftech.core.permissions import public


@public
def index(request):
    return render(request, "portal/index.html")
