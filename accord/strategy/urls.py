from django.urls import path  # noqa: F401 - the strategy pages are added here

app_name = "strategy"
urlpatterns: list = []
