from django.shortcuts import render

from chieftech.core.permissions import login_only
from chieftech.dashboard.home import home_context


@login_only
def home(request):
    return render(request, "core/home.html", home_context(request.user))
