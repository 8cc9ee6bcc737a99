"""Staff routes of the publicity area (notice); included by chieftech.publicity.urls."""

urlpatterns: list = []
