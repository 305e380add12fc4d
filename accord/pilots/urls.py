from django.urls import path

from accord.pilots import milestone_views, views

app_name = "pilots"
urlpatterns = [
    path("", views.pilot_list, name="pilot_list"),
    path("partnership/<int:pk>/", views.partnership_pilots, name="partnership_pilots"),
    path("partnership/<int:pk>/new/", views.pilot_create, name="partnership_pilot_create"),
    path("<int:pk>/", views.pilot_detail, name="pilot_detail"),
    path("<int:pk>/edit/", views.pilot_edit, name="pilot_edit"),
    path("<int:pk>/criteria/", views.criterion_add, name="pilot_criterion_add"),
    path("<int:pk>/readiness/", views.readiness_assess, name="pilot_readiness"),
    path("<int:pk>/decision/", views.pilot_decide, name="pilot_decide"),
    path("criteria/<int:pk>/actuals/", views.actual_record, name="successcriterion_actual"),
    path(
        "partnership/<int:pk>/milestones/",
        milestone_views.partnership_milestones,
        name="partnership_milestones",
    ),
    path(
        "partnership/<int:pk>/milestones/new/",
        milestone_views.milestone_create,
        name="partnership_milestone_create",
    ),
    path(
        "partnership/<int:pk>/sprints/new/",
        milestone_views.sprint_create,
        name="partnership_sprint_create",
    ),
    path("milestones/<int:pk>/edit/", milestone_views.milestone_edit, name="milestone_edit"),
    path(
        "milestones/<int:pk>/complete/",
        milestone_views.milestone_complete,
        name="milestone_complete",
    ),
    path("sprints/<int:pk>/edit/", milestone_views.sprint_edit, name="sprint_edit"),
]
