"""Routes of the evaluation area (scoring); included by chieftech.evaluation.urls."""

urlpatterns: list = []
