"""Screening pages. URL names start with the model they show (the role-matrix test fills
`<int:pk>` from it)."""

from django.urls import path

from accord.screening import round_views, rubric_views, views

app_name = "screening"
urlpatterns = [
    path("", rubric_views.index, name="index"),
    path("rubrics/new/", rubric_views.rubric_create, name="rubric_create"),
    path("rubrics/<int:pk>/", rubric_views.rubric_detail, name="rubric_detail"),
    path("rubrics/<int:pk>/edit/", rubric_views.rubric_edit, name="rubric_edit"),
    path("rubrics/<int:pk>/weights/", rubric_views.rubric_weights, name="rubric_weights"),
    path("rubrics/<int:pk>/ahp/", rubric_views.rubric_ahp, name="rubric_ahp"),
    path("rounds/new/", round_views.screening_create, name="screening_create"),
    path("rounds/<int:pk>/", round_views.screening_detail, name="screening_detail"),
    path(
        "rounds/<int:pk>/candidates/",
        round_views.screening_candidates,
        name="screening_candidates",
    ),
    path("rounds/<int:pk>/reviewers/", round_views.screening_reviewers, name="screening_reviewers"),
    path(
        "candidates/<int:pk>/score/",
        round_views.screeningcandidate_score,
        name="screeningcandidate_score",
    ),
    path(
        "partnerships/<int:pk>/due-diligence/",
        views.partnership_due_diligence,
        name="partnership_due_diligence",
    ),
    path(
        "partnerships/<int:pk>/due-diligence/start/",
        views.partnership_due_diligence_start,
        name="partnership_due_diligence_start",
    ),
    path(
        "partnerships/<int:pk>/due-diligence/add/",
        views.partnership_due_diligence_add,
        name="partnership_due_diligence_add",
    ),
    path(
        "due-diligence/template/",
        views.duediligencetemplateitem_list,
        name="duediligencetemplateitem_list",
    ),
    path(
        "due-diligence/template/<int:pk>/delete/",
        views.duediligencetemplateitem_delete,
        name="duediligencetemplateitem_delete",
    ),
    path("due-diligence/<int:pk>/", views.duediligenceitem_update, name="duediligenceitem_update"),
]
