from django.urls import path

from accord.portfolio import views

app_name = "portfolio"
urlpatterns = [
    path("scorecards/", views.scorecard_list, name="scorecard_list"),
]
