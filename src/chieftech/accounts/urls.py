from django.contrib.auth import views as auth_views
from django.urls import path

from chieftech.core.permissions import login_only, public

app_name = "accounts"
urlpatterns = [
    path("login/", public(auth_views.LoginView.as_view(template_name="accounts/login.html")), name="login"),
    path("logout/", login_only(auth_views.LogoutView.as_view()), name="logout"),
    path(
        "password/",
        login_only(auth_views.PasswordChangeView.as_view(template_name="accounts/password_change.html")),
        name="password_change",
    ),
]
