"""Staff routes of the publicity area (approval); included by chieftech.publicity.urls."""

urlpatterns: list = []
