app_name = "tenure"
urlpatterns: list = []
