from django.urls import path

from accord.strategy import views

app_name = "strategy"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("priorities/new/", views.priority_create, name="priority_create"),
    path("priorities/<int:pk>/", views.priority_detail, name="priority_detail"),
    path("priorities/<int:pk>/edit/", views.priority_edit, name="priority_edit"),
    path("priorities/<int:pk>/archive/", views.priority_archive, name="priority_archive"),
    path("priorities/<int:pk>/move/", views.priority_move, name="priority_move"),
    path("gaps/new/", views.gap_create, name="gap_create"),
    path("gaps/<int:pk>/", views.gap_detail, name="gap_detail"),
    path("gaps/<int:pk>/edit/", views.gap_edit, name="gap_edit"),
    path("gaps/<int:pk>/archive/", views.gap_archive, name="gap_archive"),
    path("gaps/<int:pk>/move/", views.gap_move, name="gap_move"),
    path("plays/", views.play_list, name="play_list"),
    path("plays/new/", views.play_create, name="play_create"),
    path("plays/<int:pk>/", views.play_detail, name="play_detail"),
    path("plays/<int:pk>/edit/", views.play_edit, name="play_edit"),
    path("plays/<int:pk>/archive/", views.play_archive, name="play_archive"),
]
