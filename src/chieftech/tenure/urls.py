from django.urls import path

from chieftech.tenure import views, views_bank

app_name = "tenure"
urlpatterns = [
    path("", views.tenure_list, name="tenure_list"),
    path("<id:pk>/showcase/", views.tenure_showcase, name="tenure_showcase"),
    path("<id:pk>/showcase/photo/", views.tenure_showcase_photo, name="tenure_showcase_photo"),
    path("bank/", views_bank.holder_bank, name="holder_bank"),
    path("bank/requests/", views_bank.bank_queue, name="bank_queue"),
    path("bank/requests/<id:pk>/", views_bank.bank_decide, name="bank_decide"),
    path("bank/requests/<id:pk>/reveal/", views_bank.bank_reveal, name="bank_reveal"),
]
