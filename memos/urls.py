app_name = "memos"
urlpatterns: list = []
