from django.urls import path

from chieftech.tenure import views, views_bank, views_holder, views_register, views_status

app_name = "tenure"
urlpatterns = [
    path("", views_register.tenure_list, name="tenure_list"),
    path("register.xlsx", views_register.register_export_xlsx, name="register_export"),
    path("<id:pk>/", views_register.tenure_detail, name="tenure_detail"),
    path("<id:pk>/showcase/", views.tenure_showcase, name="tenure_showcase"),
    path("<id:pk>/showcase/photo/", views.tenure_showcase_photo, name="tenure_showcase_photo"),
    # Status changes (第16条(一)): the enterprise's and the holder's side, then the officer's.
    path("enterprise/", views_status.enterprise_tenures, name="enterprise_tenures"),
    path("enterprise/<id:pk>/", views_status.enterprise_tenure, name="enterprise_tenure"),
    path("<id:pk>/status/report/", views_status.status_report, name="status_report"),
    path("status-changes/<id:pk>/", views_status.status_change, name="status_change"),
    path(
        "status-changes/<id:pk>/withdraw/", views_status.status_change_withdraw, name="status_change_withdraw"
    ),
    path("status-evidence/<id:pk>/", views_status.status_evidence, name="status_evidence"),
    path("status-changes/queue/", views_status.status_queue, name="status_queue"),
    path("status-changes/<id:pk>/decide/", views_status.status_decide, name="status_decide"),
    path("<id:pk>/invite/", views_holder.holder_invite_view, name="holder_invite"),
    # The chief technician's own pages: no tenure id, the term is the signed-in holder's own.
    path("me/", views_holder.holder_home, name="holder_home"),
    path("me/subsidy/", views_holder.holder_payments, name="holder_payments"),
    path("me/reviews/", views_holder.holder_reviews, name="holder_reviews"),
    path("bank/", views_bank.holder_bank, name="holder_bank"),
    path("bank/requests/", views_bank.bank_queue, name="bank_queue"),
    path("bank/requests/<id:pk>/", views_bank.bank_decide, name="bank_decide"),
    path("bank/requests/<id:pk>/reveal/", views_bank.bank_reveal, name="bank_reveal"),
]
