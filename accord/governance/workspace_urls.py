"""Joint governance in the partner workspace, at /workspace/governance/."""

from django.urls import path

from accord.governance import workspace_views as views

app_name = "governance_workspace"
urlpatterns = [
    path("committees/<int:pk>/", views.committee_detail, name="committee_detail"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/invite.ics", views.meeting_invite, name="meeting_invite"),
    path("action-items/<int:pk>/status/", views.actionitem_status, name="actionitem_status"),
    path("partnership/<int:pk>/escalations/", views.partnership_escalation_raise,
         name="partnership_escalation_raise"),
]  # fmt: skip
