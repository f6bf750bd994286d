app_name = "scenes"
urlpatterns: list = []
