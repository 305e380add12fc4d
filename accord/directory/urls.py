from django.urls import path

from accord.directory import import_views, picker_views, views

app_name = "directory"
urlpatterns = [
    path("organizations/", views.organization_list, name="organization_list"),
    path("organizations/pick/", picker_views.organization_picker, name="organization_picker"),
    path("organizations/new/", views.organization_create, name="organization_create"),
    path("organizations/<int:pk>/", views.organization_detail, name="organization_detail"),
    path("organizations/<int:pk>/edit/", views.organization_edit, name="organization_edit"),
    path("organizations/<int:pk>/delete/", views.organization_delete, name="organization_delete"),
    path("organizations/<int:pk>/merge/", views.organization_merge, name="organization_merge"),
    path("people/", views.person_list, name="person_list"),
    path("people/pick/", picker_views.person_picker, name="person_picker"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/delete/", views.person_delete, name="person_delete"),
    path("tags/", views.tag_list, name="tag_list"),
    path("tags/pick/", picker_views.tag_picker, name="tag_picker"),
    path("tags/new/", views.tag_create, name="tag_create"),
    path("tags/<int:pk>/", views.tag_detail, name="tag_detail"),
    path("tags/<int:pk>/edit/", views.tag_edit, name="tag_edit"),
    path("tags/<int:pk>/delete/", views.tag_delete, name="tag_delete"),
    path("import/", import_views.import_start, name="import_start"),
    path("import/preview/", import_views.import_preview, name="import_preview"),
    path("import/confirm/", import_views.import_confirm, name="import_confirm"),
    path("import/problems/", import_views.import_rejects, name="import_rejects"),
]
