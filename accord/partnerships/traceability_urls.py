from django.urls import path

from accord.partnerships import traceability_views

app_name = "traceability"
urlpatterns = [
    path("", traceability_views.traceability, name="tree"),
]
