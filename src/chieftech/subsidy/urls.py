from django.urls import path

from chieftech.subsidy import views_budget, views_payments

app_name = "subsidy"
urlpatterns: list = [
    # --- views: the budget, the enterprise's payments
    path("budget/", views_budget.budget, name="budget"),
    path("budget/edit/", views_budget.budget_edit, name="budget_edit"),
    path("enterprise/", views_payments.enterprise_payments, name="enterprise_payments"),
    # --- end views
]
