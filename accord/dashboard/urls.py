from django.urls import path

from accord.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.home, name="home"),
    path("my-work/", views.my_work_page, name="my_work"),
    path("my-work/panel/", views.my_work_panel, name="my_work_panel"),
    path("my-work/count/", views.my_work_count, name="my_work_count"),
]
