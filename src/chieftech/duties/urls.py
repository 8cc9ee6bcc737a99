from chieftech.duties import urls_ledger, urls_support

app_name = "duties"
urlpatterns = [
    # The mentorship ledger and the duties log (第8条(五), 第15条).
    *urls_ledger.urlpatterns,
    # The employer's obligations, the departments' support and the liaison cadre (第13条, 第14条).
    *urls_support.urlpatterns,
]
