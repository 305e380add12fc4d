"""Pilots and milestones in the partner workspace, at /workspace/pilots/."""

from django.urls import path

from accord.pilots import workspace_views as views

app_name = "pilots_workspace"
urlpatterns = [
    path("<int:pk>/", views.pilot_detail, name="pilot_detail"),
    path("criteria/<int:pk>/actuals/", views.successcriterion_actual,
         name="successcriterion_actual"),
    path("milestones/<int:pk>/complete/", views.milestone_complete, name="milestone_complete"),
]  # fmt: skip
