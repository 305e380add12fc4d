from django.urls import path

from accord.partnerships import coverage_views

app_name = "coverage"
urlpatterns = [
    path("", coverage_views.matrix, name="matrix"),
]
