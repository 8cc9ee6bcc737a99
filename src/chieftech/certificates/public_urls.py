"""The public roster and certificate verification: /roster/ and /verify/<code> (namespace `verify`)."""

app_name = "verify"
urlpatterns: list = []
