"""Routes of the evaluation area (results); included by chieftech.evaluation.urls."""

urlpatterns: list = []
