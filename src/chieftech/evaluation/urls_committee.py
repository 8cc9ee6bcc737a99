"""Routes of the evaluation area (committee); included by chieftech.evaluation.urls."""

urlpatterns: list = []
