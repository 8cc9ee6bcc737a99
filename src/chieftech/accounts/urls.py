from django.urls import path

from chieftech.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("acting-authority/", views.acting_authority_switch, name="acting_authority_switch"),
    path("password/", views.password_change, name="password_change"),
    path("activate/<str:uidb64>/<str:token>/", views.activate, name="activate"),
    path("register/", views.register, name="register"),
    path("register/resubmit/", views.registration_resubmit, name="registration_resubmit"),
    path("registrations/", views.registration_list, name="registration_list"),
    path("registrations/<id:pk>/approve/", views.registration_approve, name="registration_approve"),
    path("registrations/<id:pk>/refuse/", views.registration_refuse, name="registration_refuse"),
    path("enterprises/", views.enterprise_list, name="enterprise_list"),
    path("enterprises/new/", views.enterprise_create, name="enterprise_create"),
    path("enterprises/<id:pk>/", views.enterprise_detail, name="enterprise_detail"),
    path("enterprises/<id:pk>/edit/", views.enterprise_edit, name="enterprise_edit"),
    path("enterprises/<id:pk>/reveal-phone/", views.enterprise_reveal_phone, name="enterprise_reveal_phone"),
    path("my-enterprise/", views.my_enterprise, name="my_enterprise"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<id:pk>/", views.user_detail, name="user_detail"),
    path("users/<id:pk>/roles/", views.user_roles, name="user_roles"),
    path("users/<id:pk>/deactivate/", views.user_deactivate, name="user_deactivate"),
    path("users/<id:pk>/activation/", views.user_activation_resend, name="user_activation_resend"),
    path("users/<id:pk>/reveal-phone/", views.user_reveal_phone, name="user_reveal_phone"),
    path("role-proposals/", views.role_proposal_list, name="role_proposal_list"),
    path("role-proposals/<id:pk>/approve/", views.role_proposal_approve, name="role_proposal_approve"),
    path("role-proposals/<id:pk>/refuse/", views.role_proposal_refuse, name="role_proposal_refuse"),
]
