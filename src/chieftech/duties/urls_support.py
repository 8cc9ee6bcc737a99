from django.urls import path

from chieftech.duties import views_liaison, views_support

urlpatterns = [
    # The employer's yearly obligations (第13条).
    path("tenures/<int:pk>/employer/<int:year>/", views_support.employer_record, name="employer_record"),
    path("obligations/", views_support.obligations, name="obligations"),
    # The departments' support (第14条).
    path("tenures/<int:pk>/support/", views_support.support, name="support"),
    path("support/<int:pk>/remove/", views_support.support_remove, name="support_remove"),
    path("support-files/<int:pk>/", views_support.support_file, name="support_file"),
    path("me/support/", views_liaison.my_support, name="my_support"),
    # The liaison cadre (第14条(五)).
    path("liaison/", views_liaison.liaison_list, name="liaison_list"),
    path("tenures/<int:pk>/liaison/", views_liaison.liaison, name="liaison"),
    path("tenures/<int:pk>/liaison/assign/", views_liaison.liaison_assign_view, name="liaison_assign"),
    path(
        "liaisons/<int:pk>/contacts/add/",
        views_liaison.liaison_contact_add_view,
        name="liaison_contact_add",
    ),
]
