"""The public notice pages and objections, under /publicity/ (namespace `publicity_public`)."""

app_name = "publicity_public"
urlpatterns: list = []
