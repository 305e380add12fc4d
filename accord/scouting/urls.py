"""Scouting pages. URL names start with the model they show (the role-matrix test fills
`<int:pk>` from it)."""

from django.urls import path

from accord.scouting import views

app_name = "scouting"
urlpatterns = [
    path("", views.scan_list, name="scan_list"),
    path("search/", views.search_page, name="search"),
    path("scans/new/", views.scan_create, name="scan_create"),
    path("scans/<int:pk>/", views.scan_detail, name="scan_detail"),
    path("scans/<int:pk>/edit/", views.scan_edit, name="scan_edit"),
    path("scans/<int:pk>/run/", views.scan_run, name="scan_run"),
    path(
        "candidates/<int:pk>/shortlist/",
        views.scancandidate_shortlist,
        name="scancandidate_shortlist",
    ),
    path("candidates/<int:pk>/reject/", views.scancandidate_reject, name="scancandidate_reject"),
    path("candidates/<int:pk>/reopen/", views.scancandidate_reopen, name="scancandidate_reopen"),
    path("candidates/<int:pk>/promote/", views.scancandidate_promote, name="scancandidate_promote"),
]
