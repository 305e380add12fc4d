"""The partner workspace, at /workspace/: what a partner organization's users may see and do.

URL names start with the model they show, so the role-matrix test can fill in a sample.
"""

from django.urls import path

from accord.partnerships import invitation_views
from accord.partnerships import workspace_views as views

app_name = "workspace"
urlpatterns = [
    path("", views.partnership_list, name="partnership_list"),
    path("<int:pk>/", views.partnership_detail, name="partnership_detail"),
    path("<int:pk>/notes/", views.partnership_note, name="partnership_note"),
    path("notes/<int:pk>/comment/", views.note_comment, name="note_comment"),
    path("documents/<int:pk>/", views.document_download, name="document_download"),
    path("join/", invitation_views.invitation_accept, name="invitation_accept"),
]
