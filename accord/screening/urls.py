"""Screening pages. URL names start with the model they show (the role-matrix test fills
`<int:pk>` from it)."""

from django.urls import path

from accord.screening import views

app_name = "screening"
urlpatterns = [
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
    path("due-diligence/<int:pk>/", views.duediligenceitem_update, name="duediligenceitem_update"),
]
