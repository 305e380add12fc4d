from django.urls import path  # noqa: F401 - the partnership pages are added here

app_name = "partnerships"
urlpatterns: list = []
